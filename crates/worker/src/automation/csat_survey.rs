//! The CSAT survey after a solve: when a ticket becomes solved (by an agent's page, a bulk
//! action, a rule, anything that raises `ticket_updated`), the runner creates one survey and
//! queues the one-click survey message to the buyer through the outbox, in the runner's
//! transaction. One per solve: the event is handled once; a reopen and a new solve is a new
//! event, so a new survey.

use aftersail_db::automation::TicketView;
use aftersail_db::{csat, messages, outbox, TenantTx};
use rand::RngCore as _;

use super::Shop;

/// Creates the survey and queues its message; does nothing when the shop switched surveys
/// off, the buyer has no address to write to, or no public address is configured (no link).
pub async fn after_solve(tx: &mut TenantTx, shop: &Shop, t: &TicketView) -> anyhow::Result<()> {
    let Some(public_url) = shop.public_url.as_deref() else {
        return Ok(());
    };
    if !csat::enabled(tx).await? || !csat::can_reach_buyer(tx, t.id).await? {
        return Ok(());
    }
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let survey = csat::create(tx, t.id, t.assignee_id, &t.channel, &token).await?;
    let language =
        aftersail_domain::csat::language(t.language.as_deref().or(t.customer_language.as_deref()));
    let (good, bad) = aftersail_domain::csat::links(public_url, &shop.slug, &token);
    let body = aftersail_domain::csat::invitation(language, &shop.name, &good, &bad);
    outbox::enqueue_automated_reply(
        tx,
        t.id,
        &body,
        Some(language),
        &t.channel,
        &format!("csat:{survey}"),
        messages::Automated::Csat,
    )
    .await?;
    Ok(())
}
