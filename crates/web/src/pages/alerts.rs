//! Alerts for agents: spikes in complaints or returns and stuck shipments, with their figures
//! ("SKU MUG-01: 9 returns today, baseline 1.2/day"), a link to the matching returns or
//! tickets, and an acknowledge button.

use aftersail_db::alerts::{self as db, Alert};
use aftersail_domain::alerts::AlertKind;
use aftersail_domain::AlertId;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

const PAGE_SIZE: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list))
        .route("/alerts/{id}/acknowledge", post(acknowledge))
}

/// An alert as a row of the page.
pub struct Row {
    pub alert: Alert,
    pub kind_label: &'static str,
    pub figures: String,
    /// Where to look: the filtered returns or tickets, or the shipment's ticket.
    pub link: Option<String>,
}

/// Fills each `{}` of `template` in turn.
fn fill_all(template: &str, values: &[String]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |s, v| s.replacen("{}", v, 1))
}

fn encode(s: &str) -> String {
    crate::error::urlencode(s)
}

fn row(t: &'static Tr, alert: Alert) -> Row {
    let kind = AlertKind::parse(&alert.kind);
    let key = alert.key.clone();
    let mean = format!("{:.1}", alert.baseline_mean);
    let count = alert.count.to_string();
    let days = alert.days.unwrap_or(0).to_string();
    let (kind_label, figures, link) = match kind {
        Some(AlertKind::ReturnSpikeSku) => (
            t.alert_kind_return_spike_sku,
            fill_all(t.alert_fig_returns_sku, &[key.clone(), count, mean]),
            Some(format!("/returns?q={}", encode(&key))),
        ),
        Some(AlertKind::ComplaintSpikeSku) => (
            t.alert_kind_complaint_spike_sku,
            fill_all(t.alert_fig_complaints_sku, &[key.clone(), count, mean]),
            Some(format!("/search?q={}", encode(&key))),
        ),
        Some(AlertKind::ComplaintSpikeChannel) => (
            t.alert_kind_complaint_spike_channel,
            fill_all(t.alert_fig_complaints_channel, &[key.clone(), count, mean]),
            Some(format!("/inbox?type=complaint&channel={}", encode(&key))),
        ),
        Some(AlertKind::CustomsStuck) => (
            t.alert_kind_customs_stuck,
            fill_all(t.alert_fig_customs, &[key, days]),
            None,
        ),
        _ => (
            t.alert_kind_shipment_stuck,
            fill_all(t.alert_fig_shipment, &[key, days]),
            None,
        ),
    };
    let link = link.or_else(|| alert.ticket_number.map(|n| format!("/tickets/{n}")));
    Row {
        alert,
        kind_label,
        figures,
        link,
    }
}

#[derive(Template)]
#[template(path = "workplace/alerts.html")]
struct AlertsPage<'a> {
    shell: Shell<'a>,
    rows: Vec<Row>,
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let alerts = db::list(&mut tx, PAGE_SIZE).await?;
    tx.commit().await?;
    let t = user.t();
    render(&AlertsPage {
        shell: Shell::new(&user, "alerts"),
        rows: alerts.into_iter().map(|a| row(t, a)).collect(),
    })
}

async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<AlertId>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    if !db::acknowledge(&mut tx, id, user.id(), Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "alert.acknowledged",
        "alert",
        id.0,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/alerts").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_a_sentence() {
        assert_eq!(
            fill_all(
                crate::i18n::EN.alert_fig_returns_sku,
                &["MUG-01".into(), "9".into(), "1.2".into()]
            ),
            "SKU MUG-01: 9 returns today, baseline 1.2/day"
        );
    }
}
