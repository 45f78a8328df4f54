//! Returns for agents: the filtered list, one RMA with its decision and timeline, the moves an
//! agent makes on it ([`actions`]), and the refunds review queue ([`refunds`]).

mod actions;
mod refunds;
pub mod text;

use aftersail_db::customers::Customer;
use aftersail_db::orders::Order;
use aftersail_db::refunds::RmaRefund;
use aftersail_db::rmas::{ListFilter, ListRow, Rma, RmaEvent};
use aftersail_db::{customers, orders, return_config, rmas, TenantTx};
use aftersail_domain::returns::ReturnReason;
use aftersail_domain::{money, OrderItemId, RmaId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use text::Rt;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/returns", get(list))
        .route("/returns/{code}", get(show))
        .route("/returns/{code}/photos/{id}", get(photo))
        .merge(actions::router())
        .merge(refunds::router())
}

pub const STATUSES: &[&str] = &[
    "requested",
    "approved",
    "rejected",
    "in_transit",
    "received",
    "inspected",
    "refunded",
    "resolved",
    "closed",
];
const CHANNELS: &[&str] = &["amazon", "ebay", "shopify", "shopee", "email", "manual"];
pub const RESOLUTIONS: &[&str] = &[
    "refund",
    "exchange",
    "repair",
    "store_credit",
    "partial_refund",
];
const PAGE_SIZE: i64 = 50;
/// Status tab counts stop here ("1000+"): an exact count of a big shop is not worth a scan.
const COUNT_CAP: i64 = 1000;

fn reasons() -> Vec<&'static str> {
    ReturnReason::ALL.iter().map(|r| r.code()).collect()
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    status: String,
    reason: String,
    channel: String,
    resolution: String,
    from: String,
    to: String,
    q: String,
    /// Keyset cursor: `<created_at micros>_<id>` of the previous page's last row.
    after: String,
    limit: Option<i64>,
}

impl ListQuery {
    /// The query string of this filter (without the cursor), for tab and page links.
    fn link(&self, status: &str) -> String {
        let pairs = [
            ("status", status),
            ("reason", self.reason.as_str()),
            ("channel", self.channel.as_str()),
            ("resolution", self.resolution.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
        ];
        let kept: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

fn one_of(value: &str, allowed: &[&str], rt: &Rt) -> AppResult<Option<String>> {
    match value.trim() {
        "" => Ok(None),
        v if allowed.contains(&v) => Ok(Some(v.to_owned())),
        v => Err(AppError::BadRequest(rt.bad_filter.replacen("{}", v, 1))),
    }
}

fn day(value: &str, rt: &Rt) -> AppResult<Option<NaiveDate>> {
    match value.trim() {
        "" => Ok(None),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::BadRequest(rt.bad_filter.replacen("{}", v, 1))),
    }
}

fn parse_filter(q: &ListQuery, rt: &Rt) -> AppResult<ListFilter> {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    Ok(ListFilter {
        status: one_of(&q.status, STATUSES, rt)?,
        reason: one_of(&q.reason, &reasons(), rt)?,
        channel: one_of(&q.channel, CHANNELS, rt)?,
        resolution: one_of(&q.resolution, RESOLUTIONS, rt)?,
        created_from: day(&q.from, rt)?.and_then(midnight),
        created_to: day(&q.to, rt)?
            .and_then(|d| d.succ_opt())
            .and_then(midnight),
        text: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
    })
}

fn parse_cursor(s: &str) -> Option<(DateTime<Utc>, RmaId)> {
    let (micros, id) = s.split_once('_')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, id.parse().ok()?))
}

#[derive(Template)]
#[template(path = "returns/list.html")]
struct ListPage<'a> {
    shell: Shell<'a>,
    rt: &'static Rt,
    q: ListQuery,
    rows: Vec<ListRow>,
    /// (status, count label) for the tabs.
    counts: Vec<(&'static str, String)>,
    next: Option<String>,
    reasons: Vec<&'static str>,
    channels: &'static [&'static str],
    resolutions: &'static [&'static str],
    now: DateTime<Utc>,
}

impl ListPage<'_> {
    fn refund(&self, row: &ListRow) -> String {
        match (row.refund_minor, row.currency.as_deref()) {
            (Some(minor), Some(currency)) => money::format(minor, currency),
            _ => String::new(),
        }
    }

    fn age(&self, at: &DateTime<Utc>) -> String {
        age(self.rt, *at, self.now)
    }

    fn tab_link(&self, status: &str) -> String {
        self.q.link(status)
    }

    fn next_link(&self, cursor: &str) -> String {
        let base = self.q.link(&self.q.status);
        let sep = if base.is_empty() { "" } else { "&" };
        format!("{base}{sep}after={cursor}")
    }
}

pub(crate) fn age(rt: &Rt, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let hours = (now - at).num_hours().max(0);
    if hours >= 48 {
        rt.age_days.replacen("{}", &(hours / 24).to_string(), 1)
    } else {
        rt.age_hours.replacen("{}", &hours.to_string(), 1)
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let rt = text::rt(user.locale());
    let filter = parse_filter(&q, rt)?;
    let after = match q.after.trim() {
        "" => None,
        s => Some(parse_cursor(s).ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?),
    };
    let limit = q.limit.unwrap_or(PAGE_SIZE).clamp(1, 200);
    let mut tx = user.tx(&state).await?;
    let mut rows = rmas::list(&mut tx, &filter, after, limit + 1).await?;
    let mut counts = Vec::new();
    for status in STATUSES {
        let n = rmas::count_in_status(&mut tx, &filter, status, COUNT_CAP).await?;
        let label = if n >= COUNT_CAP {
            format!("{COUNT_CAP}+")
        } else {
            n.to_string()
        };
        counts.push((*status, label));
    }
    tx.commit().await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        let last = rows.last().expect("a full page");
        format!("{}_{}", last.created_at.timestamp_micros(), last.id)
    });
    render(&ListPage {
        shell: Shell::new(&user, "returns"),
        rt,
        q,
        rows,
        counts,
        next,
        reasons: reasons(),
        channels: CHANNELS,
        resolutions: RESOLUTIONS,
        now: Utc::now(),
    })
}

// ---- one return ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "returns/rma.html")]
struct RmaPage<'a> {
    shell: Shell<'a>,
    rt: &'static Rt,
    rma: Rma,
    /// "Opened on eBay as return 5000…" for a marketplace's return.
    source: Option<String>,
    items: Vec<(OrderItemId, String, String, i32, i64)>,
    photos: Vec<(uuid::Uuid, String, String, i64)>,
    /// The engine's reason codes, in order.
    reasons: Vec<String>,
    eligible: Option<bool>,
    auto_approve: bool,
    rule: Option<String>,
    /// (name, address) of the destination warehouse.
    warehouse: Option<(String, String)>,
    timeline: Vec<RmaEvent>,
    order: Option<Order>,
    ticket_number: Option<i64>,
    customer: Option<Customer>,
    refund: Option<RmaRefund>,
    resolutions: &'static [&'static str],
}

impl RmaPage<'_> {
    fn money(&self, minor: &i64) -> String {
        money::format(*minor, self.currency())
    }

    fn currency(&self) -> &str {
        self.rma
            .currency
            .as_deref()
            .or(self.order.as_ref().map(|o| o.currency.as_str()))
            .unwrap_or("EUR")
    }

    fn refund_amount(&self) -> String {
        self.rma
            .refund_minor
            .map(|m| money::format(m, self.currency()))
            .unwrap_or_default()
    }

    /// The refund as typed in the override form: `12.50`.
    fn refund_input(&self) -> String {
        self.rma
            .refund_minor
            .map(|m| format!("{}.{:02}", m / 100, m % 100))
            .unwrap_or_default()
    }

    fn is(&self, statuses: &[&str]) -> bool {
        statuses.contains(&self.rma.status.as_str())
    }
}

async fn find(tx: &mut TenantTx, code: &str) -> AppResult<Rma> {
    rmas::get_by_code(tx, code).await?.ok_or(AppError::NotFound)
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let items = rmas::items(&mut tx, rma.id).await?;
    let photos = rmas::photos(&mut tx, rma.id).await?;
    let timeline = rmas::timeline(&mut tx, rma.id, false).await?;
    let order = orders::get(&mut tx, rma.order_id).await?;
    let customer = customers::get(&mut tx, rma.customer_id).await?;
    let ticket_number = rmas::for_customer(&mut tx, rma.customer_id)
        .await?
        .into_iter()
        .find(|r| r.id == rma.id)
        .and_then(|r| r.ticket_number);
    let warehouse = match rma.warehouse_id {
        Some(id) => return_config::warehouses(&mut tx)
            .await?
            .into_iter()
            .find(|w| w.warehouse.id == id)
            .map(|w| (w.warehouse.name, w.address)),
        None => None,
    };
    let refund = aftersail_db::refunds::latest_for_rma(&mut tx, rma.id).await?;
    let source = match aftersail_db::marketplace_returns::external_of(&mut tx, rma.id).await? {
        Some((channel, return_id)) => {
            aftersail_db::channels::get(&mut tx, channel)
                .await?
                .map(|c| {
                    text::rt(user.locale())
                        .marketplace_source
                        .replacen("{}", crate::i18n::kind_name(&c.kind), 1)
                        .replacen("{}", &return_id, 1)
                })
        }
        None => None,
    };
    tx.commit().await?;
    let decision = rma.decision.clone().unwrap_or_default();
    let reasons = decision
        .get("reasons")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|r| r.get("code").and_then(|c| c.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    render(&RmaPage {
        shell: Shell::new(&user, "returns"),
        rt: text::rt(user.locale()),
        eligible: decision.get("eligible").and_then(|v| v.as_bool()),
        auto_approve: decision
            .get("auto_approve")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        source,
        rule: decision
            .get("rule")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        rma,
        items,
        photos,
        reasons,
        warehouse,
        timeline,
        order,
        ticket_number,
        customer,
        refund,
        resolutions: RESOLUTIONS,
    })
}

const INLINE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// A buyer's photo: shown inline only as a raster image, always sandboxed.
async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, id)): Path<(String, uuid::Uuid)>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let rma = find(&mut tx, &code).await?;
    let (content_type, data) = rmas::photo(&mut tx, rma.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let inline = INLINE_TYPES.contains(&content_type.as_str());
    let headers = [
        (
            header::CONTENT_TYPE,
            if inline {
                HeaderValue::from_str(&content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream"))
            } else {
                HeaderValue::from_static("application/octet-stream")
            },
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static(if inline { "inline" } else { "attachment" }),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        ),
    ];
    Ok((headers, data).into_response())
}

// ---- refusals --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "returns/problem.html")]
struct ProblemPage<'a> {
    shell: Shell<'a>,
    rt: &'static Rt,
    message: String,
    back: String,
}

/// A refused action (409 wrong state, 422 bad input): the message and a way back; nothing
/// was changed.
pub(crate) fn refuse(
    user: &CurrentUser,
    status: StatusCode,
    message: String,
    back: String,
) -> AppResult<Response> {
    let page = ProblemPage {
        shell: Shell::new(user, "returns"),
        rt: text::rt(user.locale()),
        message,
        back,
    };
    Ok((status, render(&page)?).into_response())
}
