//! The agent's main sections: inbox, ticket, returns, customers (read views for now; replying,
//! filters, search and bulk actions arrive with the inbox issue), knowledge base and reports.

use aftersail_db::customers::Customer;
use aftersail_db::rmas::RmaRow;
use aftersail_db::tickets::InboxFilter;
use aftersail_db::tickets::InboxRow;
use aftersail_db::{customers, rmas, tickets};
use aftersail_domain::ticket::{InboxView, Priority, Status, TicketType};
use aftersail_domain::{money, CustomerId, TicketId};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/returns", get(returns))
        .route("/customers", get(customers_list))
        .route("/kb", get(knowledge_base))
        .route("/reports", get(reports))
}

// ---- inbox ---------------------------------------------------------------------------------

/// Counts stop here; beyond it the tab says "1000+".
const COUNT_CAP: i64 = 1000;

#[derive(Template)]
#[template(path = "workplace/inbox.html")]
struct InboxPage<'a> {
    shell: Shell<'a>,
    rows: Vec<InboxRow>,
    view: InboxView,
    /// (view, capped count) for the tabs.
    views: Vec<(InboxView, i64)>,
    count_cap: i64,
    /// The shop has no tickets at all (as opposed to none matching the filters).
    shop_empty: bool,
    q: InboxQuery,
    /// The current view and filters as a query string, for tab-preserving and paging links.
    filter_qs: String,
    next: Option<String>,
    is_first_page: bool,
    statuses: &'static [Status],
    priorities: &'static [Priority],
    types: &'static [TicketType],
    channels: &'static [&'static str],
    /// Active people, for bulk assignment.
    agents: Vec<aftersail_db::users::User>,
}

impl InboxPage<'_> {
    fn view_label(&self, view: &InboxView) -> &'static str {
        let t = self.shell.t;
        match view {
            InboxView::Open => t.view_open,
            InboxView::Mine => t.view_mine,
            InboxView::Unassigned => t.view_unassigned,
            InboxView::Pending => t.view_pending,
            InboxView::Solved => t.view_solved,
            InboxView::All => t.view_all,
        }
    }
}

/// Channels a ticket can come from (the channels issue makes these configurable per shop).
const CHANNELS: &[&str] = &["amazon", "ebay", "shopify", "shopee", "email"];

#[derive(Deserialize, Default, Clone, serde::Serialize)]
#[serde(default)]
struct InboxQuery {
    view: String,
    status: String,
    priority: String,
    #[serde(rename = "type")]
    kind: String,
    channel: String,
    language: String,
    #[serde(skip_serializing)]
    before: String,
}

/// Checks every filter against its vocabulary; anything unknown is a 400, never ignored.
fn inbox_filter(user: &CurrentUser, q: &InboxQuery) -> AppResult<(InboxView, InboxFilter)> {
    let bad = || AppError::BadRequest(user.t().bad_filter.into());
    let view = if q.view.is_empty() {
        InboxView::Open
    } else {
        InboxView::parse(&q.view).ok_or_else(bad)?
    };
    let mut filter = view_filter(view, user);
    if !q.status.is_empty() {
        filter.statuses = vec![Status::parse(&q.status)
            .ok_or_else(bad)?
            .as_str()
            .to_owned()];
    }
    let plain = |v: &str| {
        v.len() <= 32
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    filter.priority = match q.priority.as_str() {
        "" => None,
        p => Some(Priority::parse(p).ok_or_else(bad)?.as_str().to_owned()),
    };
    filter.kind = match q.kind.as_str() {
        "" => None,
        k => Some(TicketType::parse(k).ok_or_else(bad)?.as_str().to_owned()),
    };
    filter.channel = match q.channel.as_str() {
        "" => None,
        c if CHANNELS.contains(&c) => Some(c.to_owned()),
        _ => return Err(bad()),
    };
    filter.language = match q.language.trim() {
        "" => None,
        l if plain(l) => Some(l.to_lowercase()),
        _ => return Err(bad()),
    };
    Ok((view, filter))
}

fn view_filter(view: InboxView, user: &CurrentUser) -> InboxFilter {
    InboxFilter {
        statuses: view
            .statuses()
            .map(|s| s.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default(),
        assignee: match view {
            InboxView::Mine => Some(Some(user.id())),
            InboxView::Unassigned => Some(None),
            _ => None,
        },
        ..InboxFilter::default()
    }
}

fn encode_cursor(at: DateTime<Utc>, id: TicketId) -> String {
    format!(
        "{}_{id}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )
}

fn decode_cursor(cursor: &str) -> Option<(DateTime<Utc>, TicketId)> {
    let (at, id) = cursor.split_once('_')?;
    Some((
        DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
        id.parse().ok()?,
    ))
}

async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> AppResult<Html<String>> {
    let (view, filter) = inbox_filter(&user, &q)?;
    let before = match q.before.as_str() {
        "" => None,
        c => {
            Some(decode_cursor(c).ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?)
        }
    };
    let mut tx = user.tx(&state).await?;
    let mut rows = tickets::inbox(&mut tx, &filter, before, PAGE_SIZE + 1).await?;
    let mut views = Vec::with_capacity(InboxView::ALL.len());
    for v in InboxView::ALL {
        views.push((
            *v,
            tickets::count(&mut tx, &view_filter(*v, &user), COUNT_CAP).await?,
        ));
    }
    let agents = aftersail_db::users::list(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .collect();
    tx.commit().await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        let last = rows.last().expect("a full page");
        encode_cursor(last.last_message_at, last.id)
    });
    let mut shown = q.clone();
    shown.view = view.as_str().to_owned();
    let filter_qs = serde_urlencoded::to_string(&shown).unwrap_or_default();
    render(&InboxPage {
        shell: Shell::new(&user, "inbox"),
        rows,
        view,
        shop_empty: views.iter().any(|(v, n)| *v == InboxView::All && *n == 0),
        views,
        count_cap: COUNT_CAP,
        q,
        filter_qs,
        next,
        is_first_page: before.is_none(),
        statuses: Status::ALL,
        priorities: Priority::ALL,
        types: TicketType::ALL,
        channels: CHANNELS,
        agents,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    /// Keyset cursor for name-ordered lists: `<id>` of the previous page's last row.
    after: Option<String>,
}

// ---- returns and customers -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "workplace/returns.html")]
struct ReturnsPage<'a> {
    shell: Shell<'a>,
    rows: Vec<RmaRow>,
}

async fn returns(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let rows = rmas::recent(&mut tx, 200).await?;
    tx.commit().await?;
    render(&ReturnsPage {
        shell: Shell::new(&user, "returns"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "workplace/customers.html")]
struct CustomersPage<'a> {
    shell: Shell<'a>,
    rows: Vec<Customer>,
    next: Option<String>,
}

impl CustomersPage<'_> {
    fn money(&self, minor: &i64, currency: &str) -> String {
        money::format(*minor, currency)
    }
}

async fn customers_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let after = match q.after.as_deref() {
        None | Some("") => None,
        Some(id) => {
            let id: CustomerId = id
                .parse()
                .map_err(|_| AppError::BadRequest(user.t().bad_cursor.into()))?;
            let last = customers::get(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?;
            Some((last.name, id))
        }
    };
    let mut rows = customers::list(
        &mut tx,
        after.as_ref().map(|(n, i)| (n.as_str(), *i)),
        PAGE_SIZE + 1,
    )
    .await?;
    tx.commit().await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().expect("a full page").id.to_string()
    });
    render(&CustomersPage {
        shell: Shell::new(&user, "customers"),
        rows,
        next,
    })
}

// ---- sections still to come ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "workplace/section.html")]
struct SectionPage<'a> {
    shell: Shell<'a>,
    title: &'static str,
    lead: &'static str,
    empty: &'static str,
}

async fn knowledge_base(user: CurrentUser) -> AppResult<Html<String>> {
    let t = user.t();
    render(&SectionPage {
        shell: Shell::new(&user, "kb"),
        title: t.nav_kb,
        lead: t.kb_lead,
        empty: t.kb_empty,
    })
}

async fn reports(user: CurrentUser) -> AppResult<Html<String>> {
    let t = user.t();
    render(&SectionPage {
        shell: Shell::new(&user, "reports"),
        title: t.nav_reports,
        lead: t.reports_lead,
        empty: t.reports_empty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:11:12.345678Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = TicketId::new();
        assert_eq!(decode_cursor(&encode_cursor(at, id)), Some((at, id)));
        for bad in [
            "",
            "x",
            "2026-11-23T10:11:12Z",
            "2026-11-23T10:11:12Z_nope",
            "yesterday_0190a0a0-0000-7000-8000-000000000000",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad:?}");
        }
    }
}
