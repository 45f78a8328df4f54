//! The collision notice: "Anna is viewing", "Li Wei is typing a reply".
//!
//! The ticket page sends a heartbeat every few seconds (and at once when the agent starts or
//! stops typing) and a last "leave" when it closes; each answer is the notice as it stands.
//! Heartbeats that are news are announced over the live channel, so every other open copy of
//! the ticket, on any server process, fetches its notice straight away.

use aftersail_db::presence::Present;
use aftersail_db::{presence, tickets};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/{number}/presence", get(show).post(heartbeat))
}

#[derive(Template)]
#[template(path = "workplace/_presence.html")]
struct PresenceNotice<'a> {
    shell: Shell<'a>,
    present: Vec<Present>,
}

async fn notice(
    state: &AppState,
    user: &CurrentUser,
    number: i64,
    update: Option<HeartbeatForm>,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(form) = update {
        if form.leave == "1" {
            presence::leave(&mut tx, ticket.id, number, user.id()).await?;
            tx.commit().await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        let typing = match form.typing.as_str() {
            "" | "0" => false,
            "1" => true,
            _ => return Err(AppError::BadRequest(user.t().err_400.into())),
        };
        presence::heartbeat(&mut tx, ticket.id, number, user.id(), typing).await?;
    }
    let present = presence::others(&mut tx, ticket.id, user.id()).await?;
    tx.commit().await?;
    Ok(render(&PresenceNotice {
        shell: Shell::new(user, "inbox"),
        present,
    })?
    .into_response())
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<Response> {
    notice(&state, &user, number, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HeartbeatForm {
    /// "1" while the agent is typing a reply or note.
    typing: String,
    /// "1": the page is closing.
    leave: String,
}

async fn heartbeat(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<HeartbeatForm>,
) -> AppResult<Response> {
    notice(&state, &user, number, Some(form)).await
}
