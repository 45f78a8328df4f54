//! CSAT surveys (migration 16): one per solve, sent to the buyer with two one-click links;
//! the buyer's answer (good/bad, optional comment) is kept on it. Only the SHA-256 of the
//! link's token is stored.

use aftersail_domain::{CsatSurveyId, TicketId, UserId};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{Error, TenantTx};

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether the shop sends surveys (Settings → Webhooks; on by default).
pub async fn enabled(tx: &mut TenantTx) -> Result<bool, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT csat_enabled FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(tx.conn())
        .await
}

pub async fn set_enabled(tx: &mut TenantTx, on: bool) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE tenants SET csat_enabled = $2 WHERE id = $1")
        .bind(tenant)
        .bind(on)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Whether a message can reach the ticket's buyer: the address the outbox would write to
/// (the ticket's reply address or the customer's email).
pub async fn can_reach_buyer(tx: &mut TenantTx, ticket: TicketId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let reachable: Option<bool> = sqlx::query_scalar(
        "SELECT coalesce(nullif(t.reply_to, ''), nullif(c.email, '')) IS NOT NULL
         FROM tickets t JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         WHERE t.tenant_id = $1 AND t.id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await?;
    Ok(reachable.unwrap_or(false))
}

pub async fn create(
    tx: &mut TenantTx,
    ticket: TicketId,
    agent: Option<UserId>,
    channel: &str,
    token: &str,
) -> Result<CsatSurveyId, Error> {
    let tenant = tx.tenant();
    let id = CsatSurveyId::new();
    sqlx::query(
        "INSERT INTO csat_surveys (tenant_id, id, ticket_id, agent_id, channel, token_hash)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(id)
    .bind(ticket)
    .bind(agent)
    .bind(channel)
    .bind(token_hash(token))
    .execute(tx.conn())
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Survey {
    pub id: CsatSurveyId,
    pub ticket_id: TicketId,
    pub sent_at: DateTime<Utc>,
    pub rating: Option<String>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The buyer's language (the ticket's, else the customer's), for the page.
    pub language: Option<String>,
}

/// The survey a link's token names, in this shop.
pub async fn by_token(tx: &mut TenantTx, token: &str) -> Result<Option<Survey>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT s.id, s.ticket_id, s.sent_at, s.rating, s.comment, s.answered_at,
                coalesce(t.language, c.language) AS language
         FROM csat_surveys s
         JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         WHERE s.tenant_id = $1 AND s.token_hash = $2",
    )
    .bind(tenant)
    .bind(token_hash(token))
    .fetch_optional(tx.conn())
    .await
}

/// Records (or changes) the rating; the comment is kept unless a new one is given.
pub async fn answer(
    tx: &mut TenantTx,
    id: CsatSurveyId,
    rating: &str,
    comment: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE csat_surveys SET rating = $3, comment = coalesce($4, comment),
                answered_at = CASE WHEN rating IS NULL OR rating <> $3 OR $4 IS NOT NULL THEN now() ELSE answered_at END
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(rating)
    .bind(comment)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The ticket's surveys, newest first (for the ticket page).
pub async fn of_ticket(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<Survey>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT s.id, s.ticket_id, s.sent_at, s.rating, s.comment, s.answered_at, NULL::text AS language
         FROM csat_surveys s WHERE s.tenant_id = $1 AND s.ticket_id = $2
         ORDER BY s.sent_at DESC, s.id DESC",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}
