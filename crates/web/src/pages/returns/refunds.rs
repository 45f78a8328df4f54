//! The refunds review queue: pending refunds oldest first, approved or rejected many at once
//! (all or nothing), and the approved/issued/failed tabs with the platform's errors.

use aftersail_db::refunds::{self, QueuedRefund};
use aftersail_db::rmas;
use aftersail_domain::{money, RefundId};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{refuse, text, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::render;
use crate::state::AppState;
use text::Rt;

const TABS: &[&str] = &["pending_review", "approved", "issued", "failed"];
const MAX_SELECTED: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/refunds", get(queue))
        .route("/refunds/decide", post(decide))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    state: String,
}

#[derive(Template)]
#[template(path = "returns/refunds.html")]
struct QueuePage<'a> {
    shell: Shell<'a>,
    rt: &'static Rt,
    state: &'static str,
    tabs: &'static [&'static str],
    rows: Vec<QueuedRefund>,
    now: DateTime<Utc>,
}

impl QueuePage<'_> {
    fn money(&self, r: &QueuedRefund) -> String {
        money::format(r.amount_minor, &r.currency)
    }

    fn overdue(&self, r: &QueuedRefund) -> bool {
        self.now - r.created_at > chrono::Duration::days(2)
    }

    fn age(&self, r: &QueuedRefund) -> String {
        super::age(self.rt, r.created_at, self.now)
    }

    fn tab_label(&self, tab: &str) -> &'static str {
        match tab {
            "approved" => self.rt.tab_approved,
            "issued" => self.rt.tab_issued,
            "failed" => self.rt.tab_failed,
            _ => self.rt.tab_pending,
        }
    }
}

async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    let tab = match q.state.as_str() {
        "" => "pending_review",
        s => TABS
            .iter()
            .copied()
            .find(|t| *t == s)
            .ok_or_else(|| AppError::BadRequest(rt.bad_filter.replacen("{}", s, 1)))?,
    };
    let mut tx = user.tx(&state).await?;
    let rows = refunds::queue(&mut tx, tab, 500).await?;
    tx.commit().await?;
    Ok(render(&QueuePage {
        shell: Shell::new(&user, "returns"),
        rt,
        state: tab,
        tabs: TABS,
        rows,
        now: Utc::now(),
    })?
    .into_response())
}

/// The form repeats `refund` once per checked row, so the body is read as pairs.
async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let rt = text::rt(user.locale());
    let bad = || AppError::BadRequest(user.t().err_400.into());
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| bad())?;
    let mut ids: Vec<RefundId> = Vec::new();
    let mut action = "";
    for (k, v) in &pairs {
        match k.as_str() {
            "refund" => ids.push(v.parse().map_err(|_| bad())?),
            "action" => {
                action = if v == "approve" {
                    "approve"
                } else if v == "reject" {
                    "reject"
                } else {
                    ""
                }
            }
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if action.is_empty() {
        return Err(bad());
    }
    if ids.is_empty() || ids.len() > MAX_SELECTED {
        return refuse(
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            rt.err_none_selected.into(),
            "/refunds".into(),
        );
    }
    let approve = action == "approve";
    let mut tx = user.tx(&state).await?;
    let Some(_) = refunds::decide_many(&mut tx, &ids, approve, user.id()).await? else {
        // Dropping the transaction rolls the partial update back: nothing changed.
        drop(tx);
        return refuse(
            &user,
            StatusCode::CONFLICT,
            rt.err_stale.into(),
            "/refunds".into(),
        );
    };
    let kind = if approve {
        "refund_approved"
    } else {
        "refund_rejected"
    };
    for rma in refunds::rmas_of(&mut tx, &ids).await? {
        rmas::add_event(&mut tx, rma, Some(user.id()), kind, None, true, &json!({})).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/refunds").into_response())
}
