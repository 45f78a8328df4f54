//! API tokens for `/api/v1`: per shop, with scopes, an optional expiry and a rate limit.
//! Only the SHA-256 of a token is stored, with a short visible prefix to tell tokens apart.

use aftersail_domain::{TenantId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

/// An API token's id (the token itself is never stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct ApiTokenId(pub Uuid);

impl std::fmt::Display for ApiTokenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ApiTokenId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a [u8],
    pub scopes: &'a [&'a str],
    pub rate_limit: i32,
    pub created_by: UserId,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create(tx: &mut TenantTx, t: NewToken<'_>) -> Result<ApiTokenId, Error> {
    let tenant = tx.tenant();
    let id = ApiTokenId(Uuid::now_v7());
    sqlx::query(
        "INSERT INTO api_tokens (tenant_id, id, name, prefix, token_hash, scopes, rate_limit, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant)
    .bind(id)
    .bind(t.name)
    .bind(t.prefix)
    .bind(t.token_hash)
    .bind(t.scopes)
    .bind(t.rate_limit)
    .bind(t.created_by)
    .bind(t.expires_at)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// A token as the settings page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Token {
    pub id: ApiTokenId,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub rate_limit: i32,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every token of the shop, newest first (revoked ones too, for the record).
pub async fn list(tx: &mut TenantTx) -> Result<Vec<Token>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT k.id, k.name, k.prefix, k.scopes, k.rate_limit, u.name AS created_by_name, k.created_at,
                k.expires_at, k.last_used_at, k.revoked_at
         FROM api_tokens k LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.created_by
         WHERE k.tenant_id = $1 ORDER BY k.created_at DESC, k.id DESC",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

/// Revokes a live token; `None` for an unknown (or another shop's) token, `Some(name)`
/// otherwise (revoking twice keeps the first time).
pub async fn revoke(tx: &mut TenantTx, id: ApiTokenId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
         WHERE tenant_id = $1 AND id = $2 RETURNING name",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// A live token found by its hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Resolved {
    pub tenant_id: TenantId,
    pub id: ApiTokenId,
    pub scopes: Vec<String>,
    pub rate_limit: i32,
    pub created_by: UserId,
}

/// Looks a bearer token's hash up across shops; `None` when unknown, revoked, expired or
/// its creator is deactivated.
pub async fn resolve(pool: &PgPool, token_hash: &[u8]) -> Result<Option<Resolved>, Error> {
    sqlx::query_as("SELECT * FROM auth_api_token($1)")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

/// Notes that the token was used; written at most once a minute per token. A concurrent
/// request of the same token holding the row skips it rather than waiting for it.
pub async fn touch(tx: &mut TenantTx, id: ApiTokenId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = now()
         WHERE (tenant_id, id) IN (
             SELECT tenant_id, id FROM api_tokens WHERE tenant_id = $1 AND id = $2
               AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
             FOR UPDATE SKIP LOCKED)",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}
