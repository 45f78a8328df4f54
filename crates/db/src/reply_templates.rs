//! Reply templates ("canned responses"): named texts agents insert into a reply, with a
//! category, a body per buyer language, and actions applied when the reply is sent.

use aftersail_domain::ReplyTemplateId;
use chrono::{DateTime, Utc};

use aftersail_domain::rules::Action;
use sqlx::types::Json;

use crate::{Error, TenantTx};

/// The unique index that keeps names distinct (case-insensitively) within a shop.
pub const NAME_KEY: &str = "reply_templates_name_key";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReplyTemplate {
    pub id: ReplyTemplateId,
    pub name: String,
    /// The default body (used when no language body fits the ticket).
    pub body: String,
    /// Groups templates in pickers ("Shipping", "Returns"); empty: none.
    pub category: String,
    /// Applied with the reply: only `set_status` and `add_tags` are offered (the same JSON as
    /// rule actions, so the rule runner applies them too).
    pub actions: Json<Vec<Action>>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT id, name, body, category, actions, updated_at FROM reply_templates WHERE tenant_id = $1";

pub async fn list(tx: &mut TenantTx) -> Result<Vec<ReplyTemplate>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{SELECT} ORDER BY lower(category), lower(name), id"
    ))
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

/// Sets the category and the actions applied with the reply. Returns false when there is no
/// such template in the shop.
pub async fn set_details(
    tx: &mut TenantTx,
    id: ReplyTemplateId,
    category: &str,
    actions: &[Action],
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE reply_templates SET category = $3, actions = $4, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(category)
    .bind(Json(actions))
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The template's bodies per language: (language, body), by language.
pub async fn bodies(
    tx: &mut TenantTx,
    id: ReplyTemplateId,
) -> Result<Vec<(String, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT language, body FROM reply_template_bodies
         WHERE tenant_id = $1 AND template_id = $2 ORDER BY language",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await
}

/// Every template's language bodies at once: (template, language, body).
pub async fn all_bodies(
    tx: &mut TenantTx,
) -> Result<Vec<(ReplyTemplateId, String, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT template_id, language, body FROM reply_template_bodies
         WHERE tenant_id = $1 ORDER BY template_id, language",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

/// Adds or replaces the body for one language (a lower-case tag such as "de" or "pt-br").
pub async fn set_body(
    tx: &mut TenantTx,
    id: ReplyTemplateId,
    language: &str,
    body: &str,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO reply_template_bodies (tenant_id, template_id, language, body)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, template_id, language) DO UPDATE SET body = EXCLUDED.body",
    )
    .bind(tenant)
    .bind(id)
    .bind(language)
    .bind(body)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Returns false when the template had no body in that language.
pub async fn delete_body(
    tx: &mut TenantTx,
    id: ReplyTemplateId,
    language: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "DELETE FROM reply_template_bodies WHERE tenant_id = $1 AND template_id = $2 AND language = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(language)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
