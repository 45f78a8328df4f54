//! Teams of agents (e.g. "EU returns", "Japanese market").

use aftersail_domain::{Role, TeamId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

pub async fn create(tx: &mut TenantTx, name: &str) -> Result<TeamId, Error> {
    let tenant = tx.tenant();
    let id = TeamId::new();
    sqlx::query("INSERT INTO teams (tenant_id, id, name) VALUES ($1, $2, $3)")
        .bind(tenant)
        .bind(id)
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

const TEAM_SELECT: &str = "SELECT t.id, t.name, t.created_at,
        (SELECT count(*) FROM team_members m WHERE m.tenant_id = t.tenant_id AND m.team_id = t.id) AS member_count
     FROM teams t WHERE t.tenant_id = $1";

pub async fn list(tx: &mut TenantTx) -> Result<Vec<Team>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{TEAM_SELECT} ORDER BY lower(t.name)"))
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}

pub async fn get(tx: &mut TenantTx, id: TeamId) -> Result<Option<Team>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{TEAM_SELECT} AND t.id = $2"))
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

pub async fn rename(tx: &mut TenantTx, id: TeamId, name: &str) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE teams SET name = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(tx: &mut TenantTx, id: TeamId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("DELETE FROM teams WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn members(tx: &mut TenantTx, id: TeamId) -> Result<Vec<Member>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, u.role
         FROM team_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
         WHERE m.tenant_id = $1 AND m.team_id = $2 ORDER BY lower(u.name)",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await
}

/// Adds a member; idempotent. Both ids must belong to the transaction's tenant
/// (the composite foreign keys refuse anything else).
pub async fn add_member(tx: &mut TenantTx, team: TeamId, user: UserId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO team_members (tenant_id, team_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(team)
    .bind(user)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn remove_member(tx: &mut TenantTx, team: TeamId, user: UserId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND user_id = $3",
    )
    .bind(tenant)
    .bind(team)
    .bind(user)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
