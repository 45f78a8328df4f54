//! Triage of a buyer's message at ingest: its language and what it says (`domain::classify`),
//! folded into the ticket, the customer's complaint record kept, and the ticket's priority
//! raised with its reasons (`domain::priority`). Runs inside the ingest transaction, so a
//! message is never stored without its reading.

use aftersail_db::{triage, TenantTx};
use aftersail_domain::classify::{self, Classification, Escalation, Intent, Sentiment};
use aftersail_domain::priority::{self, Signals, Thresholds};
use aftersail_domain::ticket::Priority;
use aftersail_domain::TicketId;

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
) -> Result<(), sqlx::Error> {
    let escalations: Vec<&str> = c.escalations.iter().map(|e| e.as_str()).collect();
    let Some(folded) = triage::fold(
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
        complaints = triage::count_complaint(tx, folded.customer_id).await?;
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
        triage::set_priority(tx, ticket, raise, &reasons).await?;
    }
    Ok(())
}
