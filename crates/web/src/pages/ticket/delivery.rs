//! Delivery of replies: "Send again" for a reply the outbox gave up on (or is still retrying).

use aftersail_db::{messages, outbox, tickets};
use aftersail_domain::MessageId;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

use super::back_to;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/{number}/messages/{id}/retry", post(retry))
}

/// Queues a failed or dead reply again with fresh attempts. Any agent may; a message that is
/// not a reply on this ticket (or of this shop) is a 404.
async fn retry(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(i64, MessageId)>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_reply = messages::on_ticket(&mut tx, ticket.id, id)
        .await?
        .is_some_and(|m| m.kind == "outbound");
    if !is_reply {
        return Err(AppError::NotFound);
    }
    // Already queued or sent (a second click): nothing to do.
    if outbox::retry(&mut tx, id).await? {
        user.audit(
            &mut tx,
            "message.retried",
            "message",
            id.0,
            serde_json::json!({ "ticket": number }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(back_to(number))
}
