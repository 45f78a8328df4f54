//! Agents, admins and owners of a shop.

use aftersail_domain::{Role, TenantId, UiLocale, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub ui_locale: UiLocale,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Whether automatic assignment may pick this person now.
    pub available: bool,
    /// Language codes the person answers in ("de", "ja"), for language-aware assignment.
    pub languages: Vec<String>,
}

const COLUMNS: &str =
    "id, email, name, role, ui_locale, active, locked_until, last_login_at, created_at,
     available, languages";

pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub ui_locale: UiLocale,
}

pub async fn create(tx: &mut TenantTx, user: NewUser<'_>) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO users (tenant_id, id, email, name, role, password_hash, ui_locale)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(user.id)
    .bind(user.email)
    .bind(user.name)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(user.ui_locale.code())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn get(tx: &mut TenantTx, id: UserId) -> Result<Option<User>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// Everyone in the shop, active people first.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<User>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY active DESC, lower(name), id"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn count_active_owners(tx: &mut TenantTx) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE tenant_id = $1 AND role = 'owner' AND active",
    )
    .bind(tenant)
    .fetch_one(tx.conn())
    .await
}

pub async fn set_role(tx: &mut TenantTx, id: UserId, role: Role) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(role.as_str())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_active(tx: &mut TenantTx, id: UserId, active: bool) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE users SET active = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(active)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn update_profile(
    tx: &mut TenantTx,
    id: UserId,
    name: &str,
    locale: UiLocale,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE users SET name = $3, ui_locale = $4 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(name)
        .bind(locale.code())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn password_hash(tx: &mut TenantTx, id: UserId) -> Result<String, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .fetch_one(tx.conn())
        .await
}

pub async fn set_password_hash(tx: &mut TenantTx, id: UserId, hash: &str) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Returns false when there is no such person in the shop.
pub async fn set_available(tx: &mut TenantTx, id: UserId, available: bool) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE users SET available = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(available)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The person's language skills (normalized codes, checked by the caller).
pub async fn languages(tx: &mut TenantTx, id: UserId) -> Result<Option<Vec<String>>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT languages FROM users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// Returns false when there is no such person in the shop.
pub async fn set_languages(
    tx: &mut TenantTx,
    id: UserId,
    languages: &[String],
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE users SET languages = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(languages)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What login needs to know about an address before the tenant is known.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginCandidate {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub password_hash: String,
    pub active: bool,
}

/// The lock is not read here: `claim_login_attempt` checks it when it counts the attempt.
pub async fn login_candidate(pool: &PgPool, email: &str) -> Result<Option<LoginCandidate>, Error> {
    sqlx::query_as("SELECT * FROM auth_user_by_email($1)")
        .bind(email)
        .fetch_optional(pool)
        .await
}

/// What counting a sign-in attempt before its password is checked found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptClaim {
    /// Counted; the password may be checked. `locked_until`: this attempt used up the last
    /// try (a wrong password leaves the account locked until then; a right one unlocks it).
    Counted { locked_until: Option<DateTime<Utc>> },
    /// The account is locked (possibly by a concurrent attempt) until then: do not check.
    Locked(DateTime<Utc>),
}

/// Counts a sign-in attempt as failed *before* its password is checked, so concurrent
/// guesses cannot all be checked before the lock lands (the row lock serializes them and the
/// `locked_until` condition is re-checked). A successful sign-in resets the count.
pub async fn claim_login_attempt(
    tx: &mut TenantTx,
    id: UserId,
    max_failures: i32,
    lock_for: chrono::Duration,
) -> Result<AttemptClaim, Error> {
    let tenant = tx.tenant();
    let counted: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= $3 THEN now() + $4 ELSE locked_until END
         WHERE tenant_id = $1 AND id = $2 AND (locked_until IS NULL OR locked_until <= now())
         RETURNING CASE WHEN failed_logins >= $3 THEN locked_until END",
    )
    .bind(tenant)
    .bind(id)
    .bind(max_failures)
    .bind(lock_for)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(locked_until) = counted {
        return Ok(AttemptClaim::Counted { locked_until });
    }
    let until: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    Ok(AttemptClaim::Locked(until.unwrap_or_else(Utc::now)))
}

pub async fn record_successful_login(tx: &mut TenantTx, id: UserId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}
