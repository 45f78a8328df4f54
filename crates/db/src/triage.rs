//! A classified buyer message folded into its ticket: language, intent, sentiment and
//! escalations, the customer's complaint record, and a priority raised with its reasons.
//! [`read`] and [`apply`] are what ingest does with a buyer's message, inside the ingest
//! transaction, so a message is never stored without its reading.

use aftersail_domain::classify::{self, Classification, Escalation, Intent, Sentiment};
use aftersail_domain::priority::{self, Signals, Thresholds};
use aftersail_domain::ticket::Priority;
use aftersail_domain::TicketId;
use serde_json::Value as Json;

use crate::{ticket_events, Error, TenantTx};

/// Stores what the classifier read in a message stored without it (seeded history).
pub async fn record_message(
    tx: &mut TenantTx,
    message: aftersail_domain::MessageId,
    c: crate::messages::Classified<'_>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE messages SET intent = $3, intent_confidence = $4, sentiment = $5, escalations = $6
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(message)
    .bind(c.intent)
    .bind(c.confidence)
    .bind(c.sentiment)
    .bind(c.escalations)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What the ticket and its customer look like once the message is folded in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Folded {
    pub priority: String,
    pub intent: Option<String>,
    pub sentiment: Option<String>,
    pub escalations: Vec<String>,
    pub priority_reasons: Json,
    /// Before this message: the ticket's intent and escalations.
    pub previous_intent: Option<String>,
    pub previous_escalations: Vec<String>,
    pub customer_id: aftersail_domain::CustomerId,
    pub lifetime_value_minor: i64,
    pub complaint_count: i32,
    pub abusive: bool,
}

/// Folds one buyer message into its ticket: the language stays the first one known, the
/// intent follows the newest message that says something (`other` never replaces a real
/// intent), the sentiment is the newest, escalations accumulate.
pub async fn fold(
    tx: &mut TenantTx,
    ticket: TicketId,
    language: Option<&str>,
    intent: &str,
    sentiment: &str,
    escalations: &[&str],
) -> Result<Option<Folded>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "WITH old AS (SELECT intent, escalations FROM tickets WHERE tenant_id = $1 AND id = $2 FOR UPDATE)
         UPDATE tickets t SET
             language = coalesce(t.language, $3),
             intent = CASE WHEN $4 = 'other' THEN coalesce(t.intent, $4) ELSE $4 END,
             sentiment = $5,
             escalations = ARRAY(SELECT DISTINCT x FROM unnest(t.escalations || $6::text[]) AS x ORDER BY x)
         FROM old, customers c
         WHERE t.tenant_id = $1 AND t.id = $2 AND c.tenant_id = t.tenant_id AND c.id = t.customer_id
         RETURNING t.priority, t.intent, t.sentiment, t.escalations, t.priority_reasons,
                   old.intent AS previous_intent, old.escalations AS previous_escalations,
                   c.id AS customer_id, c.lifetime_value_minor, c.complaint_count, c.abusive",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(language)
    .bind(intent)
    .bind(sentiment)
    .bind(escalations)
    .fetch_optional(tx.conn())
    .await
}

/// One more complaint on the customer's record; returns the new count.
pub async fn count_complaint(
    tx: &mut TenantTx,
    customer: aftersail_domain::CustomerId,
) -> Result<i32, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "UPDATE customers SET complaint_count = complaint_count + 1
         WHERE tenant_id = $1 AND id = $2 RETURNING complaint_count",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_one(tx.conn())
    .await
}

/// Stores why the ticket has its priority, and raises the priority to `raise_to` when given
/// (recorded in the ticket's history as a system change).
pub async fn set_priority(
    tx: &mut TenantTx,
    ticket: TicketId,
    raise_to: Option<(&str, &str)>,
    reasons: &Json,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET priority = coalesce($3, priority), priority_reasons = $4
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(raise_to.map(|(_, to)| to))
    .bind(reasons)
    .execute(tx.conn())
    .await?;
    if let Some((from, to)) = raise_to {
        ticket_events::record(tx, ticket, None, "priority", Some(from), Some(to)).await?;
    }
    Ok(())
}

/// Flags (or clears) a customer as abusive.
pub async fn set_abusive(
    tx: &mut TenantTx,
    customer: aftersail_domain::CustomerId,
    abusive: bool,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("UPDATE customers SET abusive = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(customer)
        .bind(abusive)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What was read in a message before it is stored.
pub struct Reading {
    /// The channel's language, else the detected one.
    pub language: Option<String>,
    /// `None` for mail a machine wrote (auto-replies, bounces, bulk): nobody to triage.
    pub classification: Option<Classification>,
}

pub fn read(subject: &str, text: &str, hint: Option<&str>, automated: bool) -> Reading {
    let whole = if subject.trim().is_empty() {
        text.to_owned()
    } else {
        format!("{}\n{text}", subject.trim())
    };
    if automated {
        return Reading {
            language: hint
                .map(str::to_owned)
                .or_else(|| classify::lang::detect(&whole)),
            classification: None,
        };
    }
    let c = classify::classify(&whole, hint);
    Reading {
        language: hint.map(str::to_owned).or_else(|| c.lang.clone()),
        classification: Some(c),
    }
}

/// Folds a classified message into its ticket and raises the ticket's priority when the
/// signals call for more than it has.
pub async fn apply(
    tx: &mut TenantTx,
    ticket: TicketId,
    language: Option<&str>,
    c: &Classification,
) -> Result<(), Error> {
    let escalations: Vec<&str> = c.escalations.iter().map(|e| e.as_str()).collect();
    let Some(folded) = fold(
        tx,
        ticket,
        language,
        c.intent.as_str(),
        c.sentiment.db(),
        &escalations,
    )
    .await?
    else {
        return Ok(());
    };
    let intent = folded.intent.as_deref().and_then(Intent::parse);
    let all_escalations: Vec<Escalation> = folded
        .escalations
        .iter()
        .filter_map(|e| Escalation::parse(e))
        .collect();
    let previous: Vec<Escalation> = folded
        .previous_escalations
        .iter()
        .filter_map(|e| Escalation::parse(e))
        .collect();
    let was = priority::is_complaint(
        folded.previous_intent.as_deref().and_then(Intent::parse),
        &previous,
    );
    let is = priority::is_complaint(intent, &all_escalations);
    let mut complaints = folded.complaint_count;
    if is && !was {
        complaints = count_complaint(tx, folded.customer_id).await?;
    }
    let assessment = priority::assess(
        &Signals {
            intent,
            sentiment: folded.sentiment.as_deref().and_then(Sentiment::parse),
            escalations: &all_escalations,
            lifetime_value_minor: folded.lifetime_value_minor,
            earlier_complaints: complaints - i32::from(is),
            abusive: folded.abusive,
        },
        &Thresholds::default(),
    );
    let current = Priority::parse(&folded.priority).unwrap_or(Priority::Normal);
    let raise = priority::higher(assessment.priority, current)
        .then(|| (current.as_str(), assessment.priority.as_str()));
    let reasons = serde_json::to_value(&assessment.reasons).unwrap_or_default();
    if raise.is_some() || reasons != folded.priority_reasons {
        set_priority(tx, ticket, raise, &reasons).await?;
    }
    Ok(())
}

/// A message stored without its reading (seeded history, a ticket made through the API):
/// the reading stored on the message, then folded into its ticket as ingest does.
pub async fn record_and_apply(
    tx: &mut TenantTx,
    ticket: TicketId,
    message: aftersail_domain::MessageId,
    language: Option<&str>,
    c: &Classification,
) -> Result<(), Error> {
    let escalations: Vec<&str> = c.escalations.iter().map(|e| e.as_str()).collect();
    record_message(
        tx,
        message,
        crate::messages::Classified {
            intent: c.intent.as_str(),
            confidence: c.confidence,
            sentiment: c.sentiment.db(),
            escalations: &escalations,
        },
    )
    .await?;
    apply(tx, ticket, language, c).await
}
