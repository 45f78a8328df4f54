//! What the bot reads (a return and its refund) and what it did (`bot_answers`), and how much
//! of the work it took off people: the deflection rate.

use aftersail_domain::{MessageId, RuleId, TicketId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

/// The newest return on the ticket (or its order), with its refund.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReturnFacts {
    pub code: String,
    pub status: String,
    pub buyer_email: Option<String>,
    pub refund_state: Option<String>,
    pub refund_minor: Option<i64>,
    pub refund_currency: Option<String>,
}

pub async fn return_of_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Option<ReturnFacts>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT r.code, r.status, r.buyer_email, f.state AS refund_state,
                f.amount_minor AS refund_minor, f.currency AS refund_currency
         FROM tickets t
         JOIN rmas r ON r.tenant_id = t.tenant_id
                    AND (r.ticket_id = t.id OR (t.order_id IS NOT NULL AND r.order_id = t.order_id))
         LEFT JOIN LATERAL (SELECT state, amount_minor, currency FROM refunds
                            WHERE tenant_id = r.tenant_id AND rma_id = r.id AND state <> 'rejected'
                            ORDER BY created_at DESC LIMIT 1) f ON true
         WHERE t.tenant_id = $1 AND t.id = $2
         ORDER BY r.created_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await
}

/// Whether the newest reply on the ticket is a bot answer (a buyer writing again after it
/// wants a person).
pub async fn answered_last(tx: &mut TenantTx, ticket: TicketId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let last: Option<Option<String>> = sqlx::query_scalar(
        "SELECT automated FROM messages WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'outbound'
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await?;
    Ok(matches!(last, Some(Some(label)) if label == "bot"))
}

pub struct NewBotAnswer<'a> {
    pub ticket: TicketId,
    pub message: Option<MessageId>,
    pub rule: Option<RuleId>,
    /// `answered` or `handoff`.
    pub outcome: &'a str,
    /// What was answered (tracking, portal, refund, article) or why it was handed off.
    pub kind: &'a str,
    pub intent: Option<&'a str>,
    pub article: Option<uuid::Uuid>,
    pub reply: Option<MessageId>,
}

pub async fn record(tx: &mut TenantTx, a: NewBotAnswer<'_>) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO bot_answers (tenant_id, id, ticket_id, message_id, rule_id, outcome, kind, intent,
                                  article_id, reply_message_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(a.ticket)
    .bind(a.message)
    .bind(a.rule)
    .bind(a.outcome)
    .bind(a.kind)
    .bind(a.intent)
    .bind(a.article)
    .bind(a.reply)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The bot's work over a period, by ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Deflection {
    /// Tickets the bot looked at.
    pub tickets: i64,
    /// Tickets it answered at least once.
    pub answered: i64,
    /// Tickets it handed to a person without answering.
    pub handed_off: i64,
    /// Answered tickets no person had to answer afterwards (no agent reply, no hand-off).
    pub deflected: i64,
}

impl Deflection {
    /// Deflected tickets as a share of the tickets the bot looked at, in per cent.
    pub fn rate(&self) -> Option<f64> {
        (self.tickets > 0).then(|| self.deflected as f64 * 100.0 / self.tickets as f64)
    }
}

/// The bot's tickets whose first bot decision falls in `[from, to)`.
pub async fn deflection(
    tx: &mut TenantTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Deflection, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "WITH per_ticket AS (
             SELECT ticket_id, min(created_at) AS first_at,
                    min(created_at) FILTER (WHERE outcome = 'answered') AS answered_at,
                    bool_or(outcome = 'answered') AS answered
             FROM bot_answers WHERE tenant_id = $1
             GROUP BY ticket_id
             HAVING min(created_at) >= $2 AND min(created_at) < $3)
         SELECT count(*) AS tickets,
                count(*) FILTER (WHERE p.answered) AS answered,
                count(*) FILTER (WHERE NOT p.answered) AS handed_off,
                count(*) FILTER (WHERE p.answered
                    AND NOT EXISTS (SELECT 1 FROM messages m
                                    WHERE m.tenant_id = $1 AND m.ticket_id = p.ticket_id
                                      AND m.kind = 'outbound' AND m.author_user_id IS NOT NULL
                                      AND m.automated IS NULL AND m.created_at > p.answered_at)
                    AND NOT EXISTS (SELECT 1 FROM bot_answers h
                                    WHERE h.tenant_id = $1 AND h.ticket_id = p.ticket_id
                                      AND h.outcome = 'handoff' AND h.created_at > p.answered_at)) AS deflected
         FROM per_ticket p",
    )
    .bind(tenant)
    .bind(from)
    .bind(to)
    .fetch_one(tx.conn())
    .await
}
