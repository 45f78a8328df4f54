//! Settings → Audit log: who did what in the shop, newest first — administrative actions
//! (`audit_events`) and ticket changes (`ticket_events`) read together. Filters by person,
//! action and dates; keyset pages; the same filters as CSV.

use aftersail_db::audit::{self, AuditEvent, Filter};
use aftersail_db::users::{self, User};
use aftersail_domain::UserId;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use super::SubNav;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{decode_keyset, encode_keyset, render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/audit", get(show))
        .route("/settings/audit.csv", get(csv))
}

const PAGE: i64 = 100;
/// Most rows one CSV export holds.
const CSV_MAX: usize = 50_000;

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    actor: String,
    action: String,
    from: String,
    until: String,
    before: String,
}

impl AuditQuery {
    /// The filter, or 400 for a value that is not a person, a date or a page position.
    fn filter(&self, t: &'static crate::i18n::Tr) -> AppResult<Filter> {
        let bad = || AppError::BadRequest(t.err_400.into());
        let day = |s: &str| -> AppResult<Option<chrono::DateTime<Utc>>> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            Ok(Some(Utc.from_utc_datetime(
                &d.and_hms_opt(0, 0, 0).ok_or_else(bad)?,
            )))
        };
        let actor = match self.actor.trim() {
            "" => None,
            a => Some(UserId(a.parse().map_err(|_| bad())?)),
        };
        let action = self.action.trim();
        if action.len() > 100 {
            return Err(bad());
        }
        Ok(Filter {
            actor,
            action: (!action.is_empty()).then(|| action.to_owned()),
            from: day(&self.from)?,
            // Inclusive: the whole "until" day.
            until: day(&self.until)?.map(|d| d + chrono::Duration::days(1)),
            before: match self.before.trim() {
                "" => None,
                c => Some(decode_keyset(c).ok_or_else(bad)?),
            },
        })
    }

    /// The filters as a query string (without the page position).
    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("actor", self.actor.trim()),
            ("action", self.action.trim()),
            ("from", self.from.trim()),
            ("until", self.until.trim()),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "settings/audit.html")]
struct AuditPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    events: Vec<AuditEvent>,
    people: Vec<User>,
    q: AuditQuery,
    filters: String,
    next: Option<String>,
}

impl AuditPage<'_> {
    fn is_actor(&self, id: &UserId) -> bool {
        self.q.actor.trim() == id.0.to_string()
    }
    fn detail(&self, e: &AuditEvent) -> String {
        detail_text(e)
    }
}

fn detail_text(e: &AuditEvent) -> String {
    match &e.detail {
        serde_json::Value::Object(m) if m.is_empty() => String::new(),
        v => v.to_string(),
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    user.require_admin()?;
    let filter = q.filter(user.t())?;
    let mut tx = user.tx(&state).await?;
    let mut events = audit::page(&mut tx, &filter, PAGE + 1).await?;
    let people = users::list(&mut tx).await?;
    tx.commit().await?;
    let next = if events.len() as i64 > PAGE {
        events.truncate(PAGE as usize);
        events.last().map(|e| encode_keyset(e.at, e.id))
    } else {
        None
    };
    render(&AuditPage {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "audit" },
        filters: q.query_string(),
        events,
        people,
        q,
        next,
    })
}

async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut filter = q.filter(user.t())?;
    let mut tx = user.tx(&state).await?;
    let mut out = String::from("at,actor,action,target_type,target_id,detail\r\n");
    let mut rows = 0;
    while rows < CSV_MAX {
        let events = audit::page(&mut tx, &filter, 1000).await?;
        let Some(last) = events.last() else { break };
        filter.before = Some((last.at, last.id));
        let done = events.len() < 1000;
        for e in &events {
            let fields = [
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                e.actor_name.clone().unwrap_or_default(),
                e.action.clone(),
                e.target_type.clone(),
                e.target_id.map(|i| i.to_string()).unwrap_or_default(),
                detail_text(e),
            ];
            let line: Vec<String> = fields
                .iter()
                .map(|f| aftersail_domain::csv::field(f))
                .collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
            rows += 1;
        }
        if done {
            break;
        }
    }
    tx.commit().await?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, out).into_response())
}
