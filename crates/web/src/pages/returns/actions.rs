//! What an agent does to a return. Every move is one conditional update (the RMA must be in
//! the status the move starts from) plus a timeline event naming the agent; a move from the
//! wrong status changes nothing and answers 409, bad input 422.

use std::time::Duration;

use aftersail_channels::ReturnAnswer;
use aftersail_db::{channels, marketplace_returns, refunds, rmas, TenantTx};
use aftersail_domain::RmaId;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::{find, refuse, text, RESOLUTIONS};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/returns/{code}/approve", post(approve))
        .route("/returns/{code}/reject", post(reject))
        .route("/returns/{code}/override", post(override_decision))
        .route("/returns/{code}/note", post(note))
        .route("/returns/{code}/label", post(label))
        .route("/returns/{code}/in-transit", post(in_transit))
        .route("/returns/{code}/received", post(received))
        .route("/returns/{code}/inspected", post(inspected))
        .route("/returns/{code}/resolve", post(resolve))
        .route("/returns/{code}/close", post(close))
        .route("/returns/{code}/refund-manual", post(refund_manually))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    note: String,
    resolution: String,
    amount: String,
    carrier: String,
    tracking_number: String,
    label_url: String,
    /// `ok` or `not_ok`.
    condition: String,
}

impl ActionForm {
    fn note(&self) -> Option<&str> {
        Some(self.note.trim()).filter(|n| !n.is_empty())
    }
}

fn back(code: &str) -> String {
    format!("/returns/{code}")
}

fn done(code: &str) -> AppResult<Response> {
    Ok(Redirect::to(&back(code)).into_response())
}

/// 409: the return is in another status now.
fn wrong_state(user: &CurrentUser, code: &str, status: &str) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    refuse(
        user,
        StatusCode::CONFLICT,
        rt.err_state.replacen("{}", rt.code(status), 1),
        back(code),
    )
}

fn invalid(user: &CurrentUser, code: &str, message: &str) -> AppResult<Response> {
    refuse(
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        message.to_owned(),
        back(code),
    )
}

/// Runs a plain status move: `from` → `to`.
async fn move_status(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    from: &[&str],
    to: &str,
    note: Option<&str>,
    data: serde_json::Value,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    let rma = find(&mut tx, code).await?;
    if !rmas::transition(&mut tx, rma.id, from, to, Some(user.id()), note, &data).await? {
        return wrong_state(user, &rma.code, &rma.status);
    }
    user.audit(
        &mut tx,
        "rma.status_changed",
        "rma",
        rma.id.0,
        json!({ "code": rma.code, "from": rma.status, "to": to, "note": note }),
    )
    .await?;
    crate::portal::notice::notify_by_id(&mut tx, state, rma.id).await?;
    tx.commit().await?;
    done(&rma.code)
}

/// How long an answer to a marketplace may take before the agent is told to try again.
const MARKETPLACE_TIMEOUT: Duration = Duration::from_secs(20);

/// A return opened on a marketplace is answered there first (accept or decline); only when
/// the marketplace takes the answer does the RMA move. `Ok(Ok(data))`: go on, with `data`
/// for the timeline; `Ok(Err(page))`: the refusal to show.
async fn answer_marketplace(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    answer: ReturnAnswer,
) -> AppResult<Result<serde_json::Value, Response>> {
    let mut tx = user.tx(state).await?;
    let rma = find(&mut tx, code).await?;
    let external = marketplace_returns::external_of(&mut tx, rma.id).await?;
    let channel = match &external {
        Some((id, _)) => channels::get(&mut tx, *id).await?,
        None => None,
    };
    tx.commit().await?;
    let (Some((_, return_id)), Some(channel)) = (external, channel) else {
        return Ok(Ok(json!({})));
    };
    if rma.status != "requested" {
        return wrong_state(user, &rma.code, &rma.status).map(Err);
    }
    let rt = text::rt(user.locale());
    let platform = crate::i18n::kind_name(&channel.kind);
    let result = match crate::connectors::of(state, user.tenant(), &channel) {
        Err(problem) => Err(problem),
        Ok(connector) => {
            match tokio::time::timeout(
                MARKETPLACE_TIMEOUT,
                connector.answer_return(&return_id, &answer),
            )
            .await
            {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(_) => {
                    let message = rt.err_marketplace_timeout.replacen("{}", platform, 1);
                    return refuse(user, StatusCode::GATEWAY_TIMEOUT, message, back(&rma.code))
                        .map(Err);
                }
            }
        }
    };
    match result {
        Ok(()) => Ok(Ok(
            json!({ "marketplace": channel.kind, "return_id": return_id }),
        )),
        Err(problem) => {
            let message = rt
                .err_marketplace
                .replacen("{}", platform, 1)
                .replacen("{}", &problem, 1);
            refuse(user, StatusCode::BAD_GATEWAY, message, back(&rma.code)).map(Err)
        }
    }
}

async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let data = match answer_marketplace(&state, &user, &code, ReturnAnswer::Accept).await? {
        Ok(data) => data,
        Err(refused) => return Ok(refused),
    };
    move_status(
        &state,
        &user,
        &code,
        &["requested"],
        "approved",
        form.note(),
        data,
    )
    .await
}

async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let Some(note) = form.note() else {
        let mut tx = user.tx(&state).await?;
        let rma = find(&mut tx, &code).await?;
        tx.commit().await?;
        return invalid(&user, &rma.code, text::rt(user.locale()).err_note_required);
    };
    let answer = ReturnAnswer::Decline {
        reason: note.to_owned(),
    };
    let data = match answer_marketplace(&state, &user, &code, answer).await? {
        Ok(data) => data,
        Err(refused) => return Ok(refused),
    };
    move_status(
        &state,
        &user,
        &code,
        &["requested"],
        "rejected",
        Some(note),
        data,
    )
    .await
}

/// Statuses in which the decision may still be changed by hand.
const OVERRIDABLE: &[&str] = &[
    "requested",
    "approved",
    "in_transit",
    "received",
    "inspected",
];

/// `12.50` / `12,50` / `12` → minor units (two decimals; the shop's currencies here have cents).
fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 2 {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

async fn override_decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let Some(note) = form.note() else {
        return invalid(&user, &rma.code, rt.err_note_required);
    };
    if !RESOLUTIONS.contains(&form.resolution.as_str()) {
        return invalid(&user, &rma.code, user.t().err_400);
    }
    let Some(amount) = parse_amount(&form.amount) else {
        return invalid(&user, &rma.code, rt.err_amount);
    };
    if !rmas::override_resolution(&mut tx, rma.id, OVERRIDABLE, &form.resolution, amount).await? {
        return wrong_state(&user, &rma.code, &rma.status);
    }
    let data = json!({
        "from": { "resolution": rma.resolution, "refund_minor": rma.refund_minor },
        "to": { "resolution": form.resolution, "refund_minor": amount },
    });
    rmas::add_event(
        &mut tx,
        rma.id,
        Some(user.id()),
        "overridden",
        Some(note),
        false,
        &data,
    )
    .await?;
    user.audit(&mut tx, "rma.overridden", "rma", rma.id.0, data)
        .await?;
    tx.commit().await?;
    done(&rma.code)
}

async fn note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let Some(note) = form.note() else {
        return invalid(&user, &rma.code, text::rt(user.locale()).err_note_required);
    };
    rmas::add_event(
        &mut tx,
        rma.id,
        Some(user.id()),
        "note",
        Some(note),
        false,
        &json!({}),
    )
    .await?;
    tx.commit().await?;
    done(&rma.code)
}

async fn label(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let carrier = form.carrier.trim();
    let tracking = form.tracking_number.trim();
    let url = Some(form.label_url.trim()).filter(|u| !u.is_empty());
    let url_ok = url.is_none_or(|u| {
        u.len() <= 2000
            && u.strip_prefix("https://")
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    });
    if carrier.is_empty()
        || tracking.is_empty()
        || carrier.len() > 100
        || tracking.len() > 100
        || !url_ok
    {
        return invalid(&user, &rma.code, text::rt(user.locale()).err_label);
    }
    if !rmas::set_label(
        &mut tx,
        rma.id,
        &["approved", "in_transit"],
        carrier,
        tracking,
        url,
    )
    .await?
    {
        return wrong_state(&user, &rma.code, &rma.status);
    }
    let data = json!({ "carrier": carrier, "tracking_number": tracking, "label_url": url });
    rmas::add_event(
        &mut tx,
        rma.id,
        Some(user.id()),
        "label_issued",
        None,
        true,
        &data,
    )
    .await?;
    tx.commit().await?;
    done(&rma.code)
}

async fn in_transit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    move_status(
        &state,
        &user,
        &code,
        &["approved"],
        "in_transit",
        form.note(),
        json!({}),
    )
    .await
}

async fn received(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    move_status(
        &state,
        &user,
        &code,
        &["approved", "in_transit"],
        "received",
        form.note(),
        json!({}),
    )
    .await
}

async fn inspected(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let ok = match form.condition.as_str() {
        "ok" => true,
        "not_ok" => false,
        _ => {
            let mut tx = user.tx(&state).await?;
            let rma = find(&mut tx, &code).await?;
            return invalid(&user, &rma.code, user.t().err_400);
        }
    };
    if !ok && form.note().is_none() {
        let mut tx = user.tx(&state).await?;
        let rma = find(&mut tx, &code).await?;
        return invalid(&user, &rma.code, text::rt(user.locale()).err_note_required);
    }
    move_status(
        &state,
        &user,
        &code,
        &["received"],
        "inspected",
        form.note(),
        json!({ "condition_ok": ok }),
    )
    .await
}

/// Refunds go to review (the RMA is resolved once the refund is issued); exchange, repair and
/// store credit resolve at once.
async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    const FROM: &[&str] = &["approved", "received", "inspected"];
    if !FROM.contains(&rma.status.as_str()) {
        return wrong_state(&user, &rma.code, &rma.status);
    }
    let resolution = rma.resolution.clone().unwrap_or_else(|| "refund".into());
    if resolution == "refund" || resolution == "partial_refund" {
        let Some(amount) = rma.refund_minor.filter(|m| *m > 0) else {
            return invalid(&user, &rma.code, rt.err_no_refund_amount);
        };
        let currency = match rma.currency.clone() {
            Some(c) => c,
            None => aftersail_db::orders::get(&mut tx, rma.order_id)
                .await?
                .map(|o| o.currency)
                .unwrap_or_else(|| "EUR".into()),
        };
        let Some(refund) =
            refunds::propose(&mut tx, rma.id, rma.order_id, amount, &currency).await?
        else {
            return refuse(
                &user,
                StatusCode::CONFLICT,
                rt.err_refund_exists.into(),
                back(&rma.code),
            );
        };
        let data = json!({ "refund_id": refund, "amount_minor": amount, "currency": currency });
        rmas::add_event(
            &mut tx,
            rma.id,
            Some(user.id()),
            "refund_requested",
            form.note(),
            true,
            &data,
        )
        .await?;
    } else {
        resolve_now(&state, &mut tx, &user, rma.id, &resolution, form.note()).await?;
    }
    tx.commit().await?;
    done(&rma.code)
}

async fn resolve_now(
    state: &AppState,
    tx: &mut TenantTx,
    user: &CurrentUser,
    rma: RmaId,
    resolution: &str,
    note: Option<&str>,
) -> AppResult<()> {
    let moved = rmas::transition(
        tx,
        rma,
        &["approved", "received", "inspected"],
        "resolved",
        Some(user.id()),
        note,
        &json!({ "resolution": resolution }),
    )
    .await?;
    if resolution == "exchange" {
        let words = text::EN.replacement_task;
        rmas::add_event(
            tx,
            rma,
            Some(user.id()),
            "note",
            Some(words),
            false,
            &json!({ "task": "replacement_order" }),
        )
        .await?;
    }
    if moved {
        user.audit(
            tx,
            "rma.status_changed",
            "rma",
            rma.0,
            json!({ "to": "resolved", "resolution": resolution, "note": note }),
        )
        .await?;
        crate::portal::notice::notify_by_id(tx, state, rma).await?;
    }
    Ok(())
}

async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let from: Vec<&str> = super::STATUSES
        .iter()
        .copied()
        .filter(|s| *s != "closed")
        .collect();
    move_status(
        &state,
        &user,
        &code,
        &from,
        "closed",
        form.note(),
        json!({}),
    )
    .await
}

/// A refund the worker could not issue (another platform, or refused) that the agent issued
/// by hand on the platform: recorded as issued by them, and the return resolved.
async fn refund_manually(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let refund = refunds::latest_for_rma(&mut tx, rma.id).await?;
    let Some(refund) = refund.filter(|r| r.state == "failed") else {
        return refuse(
            &user,
            StatusCode::CONFLICT,
            rt.err_not_failed.into(),
            back(&rma.code),
        );
    };
    let external = format!("manual:{}", user.email());
    if !refunds::mark_issued_manually(&mut tx, refund.id, &external).await? {
        return refuse(
            &user,
            StatusCode::CONFLICT,
            rt.err_not_failed.into(),
            back(&rma.code),
        );
    }
    let data = json!({ "refund_id": refund.id, "external_id": external, "manual": true });
    rmas::add_event(
        &mut tx,
        rma.id,
        Some(user.id()),
        "refund_issued",
        form.note(),
        true,
        &data,
    )
    .await?;
    rmas::transition(
        &mut tx,
        rma.id,
        &[
            "approved",
            "in_transit",
            "received",
            "inspected",
            "refunded",
        ],
        "resolved",
        Some(user.id()),
        None,
        &json!({ "resolution": rma.resolution }),
    )
    .await?;
    tx.commit().await?;
    done(&rma.code)
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn amounts_in_minor_units() {
        assert_eq!(parse_amount("12.50"), Some(1250));
        assert_eq!(parse_amount("12,5"), Some(1250));
        assert_eq!(parse_amount("7"), Some(700));
        assert_eq!(parse_amount("1.234"), None);
        assert_eq!(parse_amount("-3"), None);
        assert_eq!(parse_amount(""), None);
    }
}
