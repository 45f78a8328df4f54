//! Reports: returns, refunds, tickets, service times, satisfaction and the bot, over a date
//! range of the shop's days, narrowed by channel, market and SKU ([`filter`]). Each section
//! is a module that reads its figures (`aftersail_db::reports`) and lays them out as tables,
//! most with a chart ([`chart`]) above; `/reports/<section>.csv?<filters>&table=<key>`
//! exports any table. Every member of the shop may read reports (there is nothing to change
//! here); the figures are the shop's own, since every query runs in its `TenantTx`.

mod bot;
pub mod chart;
mod csat;
pub mod filter;
mod refunds;
mod returns;
mod service;
mod tickets;

use aftersail_db::{tenants, TenantTx};
use aftersail_domain::reports::{self as math, PRESETS};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::returns::text::{self as return_text, Rt};
use crate::state::AppState;
use filter::{FilterQuery, Parsed};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(overview))
        .route("/reports/{section}", get(section))
}

/// The sections, in tab order.
pub const SECTIONS: &[&str] = &["returns", "refunds", "tickets", "service", "csat", "bot"];

/// One table of figures: shown on the page and exported as CSV.
pub struct Table {
    /// Its name in `?table=` of the CSV export.
    pub key: &'static str,
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A table with the chart of its figures above it.
pub struct Panel {
    pub chart: Option<String>,
    pub table: Table,
}

/// A section: headline figures and its panels.
#[derive(Default)]
pub struct Section {
    pub tiles: Vec<(String, String)>,
    pub note: Option<&'static str>,
    pub panels: Vec<Panel>,
}

/// What a section's builder needs.
pub struct Ctx<'a> {
    pub t: &'static Tr,
    pub rt: &'static Rt,
    pub f: &'a Parsed,
}

impl Ctx<'_> {
    /// A daily series as chart points ("03-07") over every day of the range.
    pub fn days(&self, counted: &[(NaiveDate, i64)]) -> Vec<(NaiveDate, i64)> {
        math::fill_days(&self.f.range, counted)
    }
}

pub fn points(series: &[(NaiveDate, i64)]) -> Vec<(String, f64)> {
    series
        .iter()
        .map(|(d, n)| (d.format("%m-%d").to_string(), *n as f64))
        .collect()
}

#[derive(Template)]
#[template(path = "reports/section.html")]
struct SectionPage<'a> {
    shell: Shell<'a>,
    name: &'static str,
    f: &'a Parsed,
    q: FilterQuery,
    section: Section,
    sections: &'static [&'static str],
    channels: &'static [&'static str],
    presets: [u64; 3],
}

impl SectionPage<'_> {
    fn tab_title(&self, name: &str) -> &'static str {
        title(self.shell.t, name)
    }
    fn is_tab(&self, s: &str) -> bool {
        s == self.name
    }
    fn is_channel(&self, c: &str) -> bool {
        self.f.channel.as_deref() == Some(c)
    }
    fn csv_link(&self, key: &str) -> String {
        format!("/reports/{}.csv?{}&table={key}", self.name, self.f.query())
    }
    fn is_preset(&self, days: &u64) -> bool {
        self.f.days == Some(*days)
            || (self.f.days.is_none()
                && self.q.from.is_empty()
                && self.q.to.is_empty()
                && *days == math::DEFAULT_DAYS)
    }
    fn preset_link(&self, days: &u64) -> String {
        self.f.preset(*days)
    }
    fn last_days(&self, days: &u64) -> String {
        self.shell
            .t
            .reports_last_days
            .replacen("{}", &days.to_string(), 1)
    }
    fn range_line(&self) -> String {
        self.shell
            .t
            .reports_range
            .replacen("{}", &self.f.range.from.to_string(), 1)
            .replacen("{}", &self.f.range.to.to_string(), 1)
            .replacen("{}", self.f.zone.name(), 1)
    }
}

fn title(t: &Tr, name: &str) -> &'static str {
    match name {
        "returns" => t.reports_tab_returns,
        "refunds" => t.reports_tab_refunds,
        "tickets" => t.reports_tab_tickets,
        "service" => t.reports_tab_service,
        "csat" => t.reports_tab_csat,
        _ => t.reports_tab_bot,
    }
}

async fn overview(
    state: State<AppState>,
    user: CurrentUser,
    q: Query<FilterQuery>,
) -> AppResult<Response> {
    section(state, user, Path("returns".to_owned()), q).await
}

async fn section(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(requested): Path<String>,
    Query(q): Query<FilterQuery>,
) -> AppResult<Response> {
    let (name, csv) = match requested.strip_suffix(".csv") {
        Some(name) => (name, true),
        None => (requested.as_str(), false),
    };
    let name: &'static str = SECTIONS
        .iter()
        .find(|s| **s == name)
        .ok_or(AppError::NotFound)?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    aftersail_db::reports::begin(&mut tx).await?;
    let shop = tenants::get(&mut tx).await?;
    let f = filter::parse(&q, &shop.time_zone, t)?;
    let ctx = Ctx {
        t,
        rt: return_text::rt(user.locale()),
        f: &f,
    };
    let section = build(name, &mut tx, &ctx).await?;
    tx.commit().await?;
    if csv {
        return export(name, &f, &q.table, section, t);
    }
    Ok(render(&SectionPage {
        shell: Shell::new(&user, "reports"),
        name,
        f: &f,
        q,
        section,
        sections: SECTIONS,
        channels: filter::CHANNELS,
        presets: PRESETS,
    })?
    .into_response())
}

async fn build(name: &str, tx: &mut TenantTx, ctx: &Ctx<'_>) -> AppResult<Section> {
    let filter = ctx.f.db();
    Ok(match name {
        "returns" => returns::build(tx, &filter, ctx).await?,
        "refunds" => refunds::build(tx, &filter, ctx).await?,
        "tickets" => tickets::build(tx, &filter, ctx).await?,
        "service" => service::build(tx, &filter, ctx).await?,
        "csat" => csat::build(tx, &filter, ctx).await?,
        _ => bot::build(tx, &filter, ctx).await?,
    })
}

/// One table as a CSV download (the section's first unless `?table=` names another).
fn export(name: &str, f: &Parsed, key: &str, section: Section, t: &Tr) -> AppResult<Response> {
    let key = key.trim();
    let panel = section
        .panels
        .into_iter()
        .find(|p| key.is_empty() || p.table.key == key)
        .ok_or_else(|| AppError::BadRequest(t.reports_bad_table.replacen("{}", key, 1)))?;
    let body = aftersail_domain::csv::document(&panel.table.head, &panel.table.rows);
    let filename = format!(
        "attachment; filename=\"{name}-{}-{}-{}.csv\"",
        panel.table.key, f.range.from, f.range.to
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&filename).map_err(|e| AppError::Internal(e.into()))?,
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, body).into_response())
}

/// A count with its share of `whole` ("4", "50.0 %").
pub fn count_share(n: i64, whole: i64) -> [String; 2] {
    [n.to_string(), math::percent(n, whole)]
}
