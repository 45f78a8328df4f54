//! Reply templates ("canned responses"): named texts agents insert into a reply.

use aftersail_domain::ReplyTemplateId;
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

/// The unique index that keeps names distinct (case-insensitively) within a shop.
pub const NAME_KEY: &str = "reply_templates_name_key";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReplyTemplate {
    pub id: ReplyTemplateId,
    pub name: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, name, body, updated_at FROM reply_templates WHERE tenant_id = $1";

pub async fn list(tx: &mut TenantTx) -> Result<Vec<ReplyTemplate>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} ORDER BY lower(name), id"))
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}

pub async fn get(tx: &mut TenantTx, id: ReplyTemplateId) -> Result<Option<ReplyTemplate>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} AND id = $2"))
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

pub async fn create(tx: &mut TenantTx, name: &str, body: &str) -> Result<ReplyTemplateId, Error> {
    let tenant = tx.tenant();
    let id = ReplyTemplateId::new();
    sqlx::query("INSERT INTO reply_templates (tenant_id, id, name, body) VALUES ($1, $2, $3, $4)")
        .bind(tenant)
        .bind(id)
        .bind(name)
        .bind(body)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

/// Returns false when there is no such template in the shop.
pub async fn update(
    tx: &mut TenantTx,
    id: ReplyTemplateId,
    name: &str,
    body: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE reply_templates SET name = $3, body = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(name)
    .bind(body)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns the deleted template's name, or `None` when there was no such template.
pub async fn delete(tx: &mut TenantTx, id: ReplyTemplateId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "DELETE FROM reply_templates WHERE tenant_id = $1 AND id = $2 RETURNING name",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}
