//! The inbox: saved views with counts, filters, two sort orders, keyset pages, per-agent
//! unread state, and the bulk-action form around the list.

use aftersail_db::teams::Team;
use aftersail_db::tickets::{self, InboxCursor, InboxFilter, InboxRow};
use aftersail_db::users::User;
use aftersail_db::{teams, users};
use aftersail_domain::ticket::{
    InboxSort, InboxView, Priority, Status, TicketType, SLA_SOON_MINUTES,
};
use aftersail_domain::{tags, TicketId};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;
/// Counts stop here; beyond it the tab says "1000+".
const COUNT_CAP: i64 = 1000;
/// Channels a ticket can come from (the channels issue makes these configurable per shop).
const CHANNELS: &[&str] = &["amazon", "ebay", "shopify", "shopee", "email"];

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox", get(inbox))
}

#[derive(Template)]
#[template(path = "workplace/inbox.html")]
struct InboxPage<'a> {
    shell: Shell<'a>,
    rows: Vec<InboxRow>,
    view: InboxView,
    sort: InboxSort,
    /// (view, capped count) for the tabs; no counts after the first page.
    views: Vec<(InboxView, Option<i64>)>,
    count_cap: i64,
    /// The shop has no tickets at all (as opposed to none matching the filters).
    shop_empty: bool,
    q: InboxQuery,
    /// The current view, filters and sort as a query string, for paging links.
    filter_qs: String,
    next: Option<String>,
    is_first_page: bool,
    statuses: &'static [Status],
    priorities: &'static [Priority],
    types: &'static [TicketType],
    channels: &'static [&'static str],
    /// Active people, for the assignee filter and bulk assignment.
    agents: Vec<User>,
    teams: Vec<Team>,
    now: DateTime<Utc>,
}

impl InboxPage<'_> {
    fn view_label(&self, view: &InboxView) -> &'static str {
        let t = self.shell.t;
        match view {
            InboxView::Open => t.view_open,
            InboxView::Mine => t.view_mine,
            InboxView::Unassigned => t.view_unassigned,
            InboxView::Pending => t.view_pending,
            InboxView::SlaSoon => t.view_sla_soon,
            InboxView::SlaBreached => t.view_sla_breached,
            InboxView::Solved => t.view_solved,
            InboxView::All => t.view_all,
        }
    }

    /// The row's SLA badge: its class and "2 h 05 m left" / "breached 35 m ago".
    fn sla(&self, due: &DateTime<Utc>, warn_minutes: &i32) -> (&'static str, String) {
        sla_badge(self.shell.t, *due, *warn_minutes, self.now)
    }
}

/// How an SLA deadline reads from `now`: time left (amber once due soon: within the ticket's
/// warning time or the inbox's "due soon" window, whichever is longer) or how long ago it was
/// breached (red). Returns the badge class and the text.
pub fn sla_badge(
    t: &crate::i18n::Tr,
    due: DateTime<Utc>,
    warn_minutes: i32,
    now: DateTime<Utc>,
) -> (&'static str, String) {
    use aftersail_domain::sla::{short_duration, state, SlaState};
    let warn = Duration::minutes(i64::from(warn_minutes).max(SLA_SOON_MINUTES));
    let words = |d: Duration| {
        if d < Duration::minutes(1) {
            t.sla_under_minute.to_owned()
        } else {
            short_duration(d)
        }
    };
    match state(due, now, warn) {
        SlaState::Running { left } => ("badge-muted", t.fill(t.sla_left, words(left))),
        SlaState::DueSoon { left } => ("badge-warn", t.fill(t.sla_left, words(left))),
        SlaState::Breached { overdue } => {
            ("badge-danger", t.fill(t.sla_breached_ago, words(overdue)))
        }
    }
}

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
    /// "none" for unassigned, or a person's id.
    assignee: String,
    team: String,
    tag: String,
    /// "1": only tickets with activity the viewer hasn't seen.
    unread: String,
    sort: String,
    #[serde(skip_serializing)]
    before: String,
}

/// Checks every filter against its vocabulary (and people and teams against the shop's);
/// anything unknown is a 400, never ignored.
fn inbox_filter(
    user: &CurrentUser,
    q: &InboxQuery,
    agents: &[User],
    teams: &[Team],
    now: DateTime<Utc>,
) -> AppResult<(InboxView, InboxSort, InboxFilter)> {
    let bad = || AppError::BadRequest(user.t().bad_filter.into());
    let view = if q.view.is_empty() {
        InboxView::Open
    } else {
        InboxView::parse(&q.view).ok_or_else(bad)?
    };
    let sla_view = matches!(view, InboxView::SlaSoon | InboxView::SlaBreached);
    let sort = match q.sort.as_str() {
        "" if sla_view => InboxSort::SlaDue,
        "" => InboxSort::Activity,
        s => InboxSort::parse(s).ok_or_else(bad)?,
    };
    let mut filter = view_filter(view, user, now);
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
    match q.assignee.as_str() {
        "" => {}
        "none" => filter.assignee = Some(None),
        id => {
            let known = agents.iter().find(|a| a.id.to_string() == id);
            filter.assignee = Some(Some(known.ok_or_else(bad)?.id));
        }
    }
    if !q.team.is_empty() {
        let known = teams.iter().find(|t| t.id.to_string() == q.team);
        filter.team = Some(known.ok_or_else(bad)?.id);
    }
    filter.tag = tags::normalize(&q.tag).map_err(|_| bad())?;
    filter.unread_only = match q.unread.as_str() {
        "" | "0" => false,
        "1" => true,
        _ => return Err(bad()),
    };
    Ok((view, sort, filter))
}

fn view_filter(view: InboxView, user: &CurrentUser, now: DateTime<Utc>) -> InboxFilter {
    let mut filter = InboxFilter {
        statuses: view
            .statuses()
            .map(|s| s.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default(),
        assignee: match view {
            InboxView::Mine => Some(Some(user.id())),
            InboxView::Unassigned => Some(None),
            _ => None,
        },
        viewer: Some(user.id()),
        ..InboxFilter::default()
    };
    match view {
        InboxView::SlaBreached => filter.sla_due_before = Some(now),
        InboxView::SlaSoon => {
            filter.sla_due_from = Some(now);
            filter.sla_due_before = Some(now + Duration::minutes(SLA_SOON_MINUTES));
        }
        _ => {}
    }
    filter
}

fn encode_cursor(cursor: InboxCursor) -> String {
    let (tag, at, id) = match cursor {
        InboxCursor::Activity { at, id } => ('a', at, id),
        InboxCursor::Sla { due, id } => ('s', due, id),
        InboxCursor::AfterSla { at, id } => ('n', at, id),
    };
    format!(
        "{tag}{}_{id}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )
}

/// A cursor is only valid for the sort it was made in.
fn decode_cursor(cursor: &str, sort: InboxSort) -> Option<InboxCursor> {
    let tag = cursor.chars().next()?;
    let (at, id) = cursor.get(1..)?.split_once('_')?;
    let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
    let id: TicketId = id.parse().ok()?;
    match (tag, sort) {
        ('a', InboxSort::Activity) => Some(InboxCursor::Activity { at, id }),
        ('s', InboxSort::SlaDue) => Some(InboxCursor::Sla { due: at, id }),
        ('n', InboxSort::SlaDue) => Some(InboxCursor::AfterSla { at, id }),
        _ => None,
    }
}

async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> AppResult<Html<String>> {
    let now = Utc::now();
    let mut tx = user.tx(&state).await?;
    let agents: Vec<User> = users::list(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .collect();
    let teams = teams::list(&mut tx).await?;
    let (view, sort, filter) = inbox_filter(&user, &q, &agents, &teams, now)?;
    let after = match q.before.as_str() {
        "" => None,
        c => Some(
            decode_cursor(c, sort)
                .ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?,
        ),
    };
    let mut rows = tickets::inbox(&mut tx, &filter, sort, after, PAGE_SIZE + 1).await?;
    // The tab counts cost more than the page; they are read on the first page only (later
    // pages are reached from it, and the live refresh reloads the first page).
    let mut views = Vec::with_capacity(InboxView::ALL.len());
    for v in InboxView::ALL {
        let count = match after {
            None => Some(tickets::count(&mut tx, &view_filter(*v, &user, now), COUNT_CAP).await?),
            Some(_) => None,
        };
        views.push((*v, count));
    }
    tx.commit().await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        encode_cursor(tickets::cursor_after(
            rows.last().expect("a full page"),
            sort,
        ))
    });
    let mut shown = q.clone();
    shown.view = view.as_str().to_owned();
    let filter_qs = serde_urlencoded::to_string(&shown).unwrap_or_default();
    render(&InboxPage {
        shell: Shell::new(&user, "inbox"),
        rows,
        view,
        sort,
        shop_empty: views
            .iter()
            .any(|(v, n)| *v == InboxView::All && *n == Some(0)),
        views,
        count_cap: COUNT_CAP,
        q,
        filter_qs,
        next,
        is_first_page: after.is_none(),
        statuses: Status::ALL,
        priorities: Priority::ALL,
        types: TicketType::ALL,
        channels: CHANNELS,
        agents,
        teams,
        now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_in_their_own_sort_and_reject_garbage() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:11:12.345678Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = TicketId::new();
        for (cursor, sort) in [
            (InboxCursor::Activity { at, id }, InboxSort::Activity),
            (InboxCursor::Sla { due: at, id }, InboxSort::SlaDue),
            (InboxCursor::AfterSla { at, id }, InboxSort::SlaDue),
        ] {
            assert_eq!(decode_cursor(&encode_cursor(cursor), sort), Some(cursor));
        }
        let activity = encode_cursor(InboxCursor::Activity { at, id });
        assert_eq!(decode_cursor(&activity, InboxSort::SlaDue), None);
        for bad in [
            "",
            "x",
            "a2026-11-23T10:11:12Z",
            "a2026-11-23T10:11:12Z_nope",
            "ayesterday_0190a0a0-0000-7000-8000-000000000000",
            "é",
        ] {
            assert_eq!(decode_cursor(bad, InboxSort::Activity), None, "{bad:?}");
        }
    }
}
