//! Mail to the buyer whenever their return changes status, in their language, through the
//! return's conversation (a ticket answered by the shop's mailbox via the outbox). Each status
//! is announced once: the outbox key is the RMA and the status.

use aftersail_db::rmas::{self, Rma};
use aftersail_db::{outbox, return_config, TenantTx};
use aftersail_domain::returns::Decision;

use super::lang::Lang;
use super::strings::strings;
use crate::state::AppState;

/// Statuses the buyer hears about.
const ANNOUNCED: [&str; 8] = [
    "requested",
    "approved",
    "rejected",
    "in_transit",
    "received",
    "refunded",
    "resolved",
    "closed",
];

/// The language an RMA's mail is written in.
pub fn language_of(rma: &Rma) -> Lang {
    rma.language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::En)
}

/// The mail's subject line (also the conversation's subject).
pub fn subject(lang: Lang, code: &str) -> String {
    format!("{} {code}", strings(lang).returns_title)
}

/// Queues the status mail for the RMA's current status, if the buyer hears of that status
/// and the return has a conversation to write in.
pub async fn notify(
    tx: &mut TenantTx,
    public_url: Option<&str>,
    rma: &Rma,
    shop_slug: &str,
) -> Result<(), sqlx::Error> {
    let Some(ticket) = rma.ticket_id else {
        return Ok(());
    };
    if !ANNOUNCED.contains(&rma.status.as_str()) {
        return Ok(());
    }
    let lang = language_of(rma);
    let s = strings(lang);
    let decision: Option<Decision> = rma
        .decision
        .clone()
        .and_then(|d| serde_json::from_value(d).ok());
    let mut address = None;
    if let Some(id) = rma.warehouse_id {
        address = return_config::warehouses(tx)
            .await?
            .into_iter()
            .find(|w| w.warehouse.id == id)
            .map(|w| w.address)
            .filter(|a| !a.trim().is_empty());
    }
    let mut body = vec![
        format!("{} {}", s.your_code, rma.code),
        format!("{}: {}", s.status_label, s.code(&rma.status)),
        String::new(),
    ];
    body.extend(super::status::outcome(
        s,
        rma,
        decision.as_ref(),
        address.is_some(),
    ));
    if let (Some(address), "approved") = (&address, rma.status.as_str()) {
        body.push(String::new());
        body.push(s.ship_to.to_owned());
        body.push(address.clone());
    }
    if let Some(public) = public_url {
        body.push(String::new());
        body.push(format!(
            "{}: {}/p/{shop_slug}/returns/status",
            s.track_link,
            public.trim_end_matches('/')
        ));
    }
    let key = format!("rma-notice-{}-{}", rma.id, rma.status);
    outbox::enqueue_notice(tx, ticket, &body.join("\n"), Some(lang.code()), &key).await?;
    Ok(())
}

/// Reloads the RMA and announces its status (after an agent moved it).
pub async fn notify_by_id(
    tx: &mut TenantTx,
    state: &AppState,
    id: aftersail_domain::RmaId,
) -> Result<(), sqlx::Error> {
    notify_moved(tx, state.config.public_url.as_deref(), id).await
}

/// Reloads the RMA and announces its status, with the address the tracking link points at
/// (`public_url`); for jobs that moved it (the worker, through the binary's wiring).
pub async fn notify_moved(
    tx: &mut TenantTx,
    public_url: Option<&str>,
    id: aftersail_domain::RmaId,
) -> Result<(), sqlx::Error> {
    let Some(rma) = rmas::get(tx, id).await? else {
        return Ok(());
    };
    let slug = aftersail_db::tenants::get(tx).await?.slug;
    notify(tx, public_url, &rma, &slug).await
}
