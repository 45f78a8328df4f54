//! The rule run log: every evaluation of a rule against a ticket, matched or not, with what
//! it did and what failed. Browsable newest first, per rule or per ticket.

use aftersail_domain::{RuleId, RuleRunId, TicketId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

pub struct NewRun<'a> {
    pub rule_id: RuleId,
    pub ticket_id: Option<TicketId>,
    /// What started it: "message_received", "ticket_updated", "time: 24 h after ticket_created", …
    pub event: &'a str,
    pub matched: bool,
    pub actions: &'a [String],
    pub errors: &'a [String],
    pub at: DateTime<Utc>,
}

pub async fn record(tx: &mut TenantTx, run: NewRun<'_>) -> Result<RuleRunId, Error> {
    let tenant = tx.tenant();
    let id = RuleRunId::new();
    sqlx::query(
        "INSERT INTO rule_runs (tenant_id, id, rule_id, ticket_id, event, matched, actions, errors, ran_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant)
    .bind(id)
    .bind(run.rule_id)
    .bind(run.ticket_id)
    .bind(run.event)
    .bind(run.matched)
    .bind(run.actions)
    .bind(run.errors)
    .bind(run.at)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Run {
    pub id: RuleRunId,
    pub rule_id: RuleId,
    pub rule_name: String,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<i64>,
    pub event: String,
    pub matched: bool,
    pub actions: Vec<String>,
    pub errors: Vec<String>,
    pub ran_at: DateTime<Utc>,
}

/// Which runs to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunFilter {
    pub rule: Option<RuleId>,
    pub ticket: Option<TicketId>,
    /// Only runs that matched (or, with `Some(false)`, only those that did not).
    pub matched: Option<bool>,
    /// Only runs with errors.
    pub failed: bool,
}

/// Newest first, `limit` at a time; `before` is the last row of the previous page.
pub async fn list(
    tx: &mut TenantTx,
    filter: RunFilter,
    before: Option<(DateTime<Utc>, RuleRunId)>,
    limit: i64,
) -> Result<Vec<Run>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT r.id, r.rule_id, ru.name AS rule_name, r.ticket_id, t.number AS ticket_number, r.event,
                r.matched, r.actions, r.errors, r.ran_at
         FROM rule_runs r
         JOIN rules ru ON ru.tenant_id = r.tenant_id AND ru.id = r.rule_id
         LEFT JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
         WHERE r.tenant_id = $1
           AND ($2::uuid IS NULL OR r.rule_id = $2)
           AND ($3::uuid IS NULL OR r.ticket_id = $3)
           AND ($4::boolean IS NULL OR r.matched = $4)
           AND (NOT $5 OR cardinality(r.errors) > 0)
           AND ($6::timestamptz IS NULL OR (r.ran_at, r.id) < ($6, $7))
         ORDER BY r.ran_at DESC, r.id DESC
         LIMIT $8",
    )
    .bind(tenant)
    .bind(filter.rule)
    .bind(filter.ticket)
    .bind(filter.matched)
    .bind(filter.failed)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
