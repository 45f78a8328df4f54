//! Messages through a marketplace's own messaging on a ticket whose conversation runs by
//! mail: Amazon buyers write through the relay, but some messages (confirm delivery details,
//! an unexpected problem, warranty, invoice) go through the Messaging API, and only the
//! kinds Amazon allows for the order right now. The panel asks Amazon when it is opened
//! (not on every page view: the API allows about one call a second); the message is queued
//! in the outbox like a reply and delivered through the marketplace channel.

use std::time::Duration;

use aftersail_db::channels::{self, Channel};
use aftersail_db::{orders, outbox, ticket_events, tickets};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::back_to;
use crate::auth::{tokens, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::render;
use crate::state::AppState;

/// Order channels whose marketplace has its own messaging with kinds of message.
pub const WITH_MESSAGING: &[&str] = &["amazon"];
const ASK_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_BODY: usize = 4000;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/tickets/{number}/marketplace-message",
        get(panel).post(send),
    )
}

#[derive(Template)]
#[template(path = "workplace/_marketplace_message.html")]
struct Panel<'a> {
    t: &'static Tr,
    number: i64,
    csrf: &'a str,
    /// (action, label)
    actions: Vec<(String, String)>,
    problem: Option<String>,
    idempotency_key: String,
}

/// `confirmDeliveryDetails` → "Confirm delivery details".
pub fn humanize(action: &str) -> String {
    let mut out = String::new();
    for (i, c) in action.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The ticket's order and the shop's channel for its marketplace, when it has messaging.
async fn target(
    state: &AppState,
    user: &CurrentUser,
    number: i64,
) -> AppResult<(tickets::Ticket, Option<(String, Channel)>)> {
    let mut tx = user.tx(state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = match ticket.order_id {
        Some(id) => orders::get(&mut tx, id).await?,
        None => None,
    };
    let found = match order {
        Some(order) if WITH_MESSAGING.contains(&order.channel.as_str()) => channels::list(&mut tx)
            .await?
            .into_iter()
            .find(|c| c.kind == order.channel && c.status == "active")
            .map(|c| (order.external_id, c)),
        _ => None,
    };
    tx.commit().await?;
    Ok((ticket, found))
}

/// The panel: the kinds of message the marketplace allows for the order now.
async fn panel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<Response> {
    let t = user.t();
    let (_, found) = target(&state, &user, number).await?;
    let Some((order, channel)) = found else {
        return Err(AppError::NotFound);
    };
    let asked = match crate::connectors::of(&state, user.tenant(), &channel) {
        Err(problem) => Err(problem),
        Ok(connector) => {
            match tokio::time::timeout(ASK_TIMEOUT, connector.message_actions(&order)).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(_) => Err(t.fill(t.channel_test_timeout, ASK_TIMEOUT.as_secs())),
            }
        }
    };
    let (actions, problem) = match asked {
        Ok(actions) => (
            actions
                .into_iter()
                .map(|a| {
                    let label = humanize(&a);
                    (a, label)
                })
                .collect(),
            None,
        ),
        Err(problem) => (Vec::new(), Some(t.fill(t.mk_ask_failed, problem))),
    };
    Ok(render(&Panel {
        t,
        number,
        csrf: user.csrf(),
        actions,
        problem,
        idempotency_key: tokens::random_token(),
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MessageForm {
    action: String,
    body: String,
    idempotency_key: String,
}

/// Queues the message; the outbox delivers it through the marketplace channel.
async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<MessageForm>,
) -> AppResult<Response> {
    let bad = |message: &str| AppError::BadRequest(message.to_owned());
    let t = user.t();
    let (ticket, found) = target(&state, &user, number).await?;
    let Some((_, channel)) = found else {
        return Err(AppError::NotFound);
    };
    let action = form.action.trim();
    if action.is_empty() || action.len() > 64 || !action.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(bad(t.mk_choose_kind));
    }
    let body = form.body.trim();
    if body.chars().count() > MAX_BODY {
        return Err(bad(t.err_400));
    }
    if form.idempotency_key.len() < 16 || form.idempotency_key.len() > 100 {
        return Err(bad(t.err_400));
    }
    let mut tx = user.tx(&state).await?;
    let queued = outbox::enqueue_marketplace_message(
        &mut tx,
        outbox::MarketplaceMessage {
            ticket_id: ticket.id,
            author: user.id(),
            body_text: body,
            language: ticket.language.as_deref(),
            channel_id: channel.id,
            channel_kind: &channel.kind,
            action,
            idempotency_key: &form.idempotency_key,
        },
    )
    .await?;
    if queued.is_some() {
        ticket_events::record(
            &mut tx,
            ticket.id,
            Some(user.id()),
            "reply",
            None,
            Some(action),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(back_to(number))
}

#[cfg(test)]
mod tests {
    #[test]
    fn actions_read_as_words() {
        assert_eq!(
            super::humanize("confirmDeliveryDetails"),
            "Confirm delivery details"
        );
        assert_eq!(super::humanize("warranty"), "Warranty");
    }
}
