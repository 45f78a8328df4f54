//! Machine translation for a shop: which provider (sealed with its key), the glossary, and
//! the translations made so far (one per message and language).

use std::collections::BTreeMap;

use aftersail_domain::glossary::GlossaryEntry;
use aftersail_domain::{MessageId, TenantId};
use serde_json::Value as Json;

use crate::{Error, TenantTx};

/// What the provider settings are sealed to: a sealed value copied onto another shop's row
/// does not open.
pub fn config_owner(tenant: TenantId) -> String {
    format!("translation:{tenant}")
}

/// The shop's provider settings as sealed text (`None`: translation is off).
pub async fn sealed_config(tx: &mut TenantTx) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT translation_sealed FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(tx.conn())
        .await
}

pub async fn set_sealed_config(tx: &mut TenantTx, sealed: Option<&str>) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE tenants SET translation_sealed = $2 WHERE id = $1")
        .bind(tenant)
        .bind(sealed)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GlossaryRow {
    pub id: uuid::Uuid,
    pub term: String,
    /// target language → the term in it
    pub translations: Json,
}

impl GlossaryRow {
    /// The entry as translation uses it (forms that are not text are left out).
    pub fn entry(&self) -> GlossaryEntry {
        let translations: BTreeMap<String, String> = self
            .translations
            .as_object()
            .map(|forms| {
                forms
                    .iter()
                    .filter_map(|(lang, form)| Some((lang.clone(), form.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        GlossaryEntry {
            term: self.term.clone(),
            translations,
        }
    }
}

/// The glossary as translation uses it.
pub async fn glossary_entries(tx: &mut TenantTx) -> Result<Vec<GlossaryEntry>, Error> {
    Ok(glossary(tx).await?.iter().map(GlossaryRow::entry).collect())
}

/// The glossary, terms in alphabetical order.
pub async fn glossary(tx: &mut TenantTx) -> Result<Vec<GlossaryRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, term, translations FROM glossary_entries WHERE tenant_id = $1 ORDER BY lower(term), id",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

/// Adds a term, or replaces the translations of a term already there (same spelling,
/// any case); the entry's id.
pub async fn put_term(
    tx: &mut TenantTx,
    term: &str,
    translations: &Json,
) -> Result<uuid::Uuid, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "INSERT INTO glossary_entries (tenant_id, id, term, translations) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, lower(term)) DO UPDATE SET term = EXCLUDED.term, translations = EXCLUDED.translations
         RETURNING id",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(term)
    .bind(translations)
    .fetch_one(tx.conn())
    .await
}

/// False when the term is not this shop's.
pub async fn delete_term(tx: &mut TenantTx, id: uuid::Uuid) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("DELETE FROM glossary_entries WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A translation made before.
pub async fn cached(
    tx: &mut TenantTx,
    message: MessageId,
    language: &str,
) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT text FROM message_translations WHERE tenant_id = $1 AND message_id = $2 AND language = $3",
    )
    .bind(tenant)
    .bind(message)
    .bind(language)
    .fetch_optional(tx.conn())
    .await
}

/// Keeps a translation (the first one made for a message and language stays) and returns
/// the one kept: `text`, or the one another request stored first.
pub async fn store(
    tx: &mut TenantTx,
    message: MessageId,
    language: &str,
    text: &str,
    provider: &str,
) -> Result<String, Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO message_translations (tenant_id, message_id, language, text, provider)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(message)
    .bind(language)
    .bind(text)
    .bind(provider)
    .execute(tx.conn())
    .await?;
    Ok(cached(tx, message, language)
        .await?
        .unwrap_or_else(|| text.to_string()))
}
