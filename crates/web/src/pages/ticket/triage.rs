//! What agents tell the triage: a customer who abuses them (their tickets go up a step).

use aftersail_db::{tickets, triage};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/{number}/customer/abusive", post(flag))
}

#[derive(Deserialize)]
struct FlagForm {
    abusive: String,
}

/// Flags or clears the ticket's customer as abusive; recorded in the audit log.
async fn flag(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<FlagForm>,
) -> AppResult<Response> {
    let abusive = match form.abusive.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest(user.t().err_400.into())),
    };
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if !triage::set_abusive(&mut tx, ticket.customer_id, abusive).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        if abusive {
            "customer.flagged_abusive"
        } else {
            "customer.unflagged_abusive"
        },
        "customer",
        ticket.customer_id.0,
        serde_json::json!({ "ticket": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/tickets/{number}")).into_response())
}
