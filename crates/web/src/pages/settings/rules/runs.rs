//! The rule run log: every evaluation, newest first, filtered by rule, by whether it matched,
//! or to those with errors; "Older" pages by keyset.

use aftersail_db::rule_runs::{self, Run, RunFilter};
use aftersail_db::rules;
use aftersail_domain::{RuleId, RuleRunId};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Opt;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::settings::SubNav;
use crate::pages::{decode_keyset, encode_keyset, render, Shell};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub(super) struct RunsQuery {
    /// A rule's id, or empty for every rule.
    rule: String,
    /// "yes", "no" or empty.
    matched: String,
    /// "1": only runs with errors.
    errors: String,
    #[serde(skip_serializing)]
    before: String,
}

#[derive(Template)]
#[template(path = "settings/rule_runs.html")]
struct RunsPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    runs: Vec<Run>,
    rules: Vec<Opt>,
    q: RunsQuery,
    /// The filters as a query string, for the paging links.
    filter_qs: String,
    next: Option<String>,
    is_first_page: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RunsQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let bad = || AppError::BadRequest(user.t().bad_filter.into());
    let rule = match q.rule.as_str() {
        "" => None,
        id => Some(id.parse::<RuleId>().map_err(|_| bad())?),
    };
    let matched = match q.matched.as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => return Err(bad()),
    };
    let before = match q.before.as_str() {
        "" => None,
        c => Some(
            decode_keyset(c)
                .map(|(at, id)| (at, RuleRunId(id)))
                .ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?,
        ),
    };
    let filter = RunFilter {
        rule,
        ticket: None,
        matched,
        failed: q.errors == "1",
    };
    let mut tx = user.tx(&state).await?;
    let names = rules::names(&mut tx).await?;
    // Another shop's rule (or a deleted one) has no runs here: say so rather than show none.
    if rule.is_some_and(|r| !names.iter().any(|(id, _)| *id == r)) {
        return Err(AppError::NotFound);
    }
    let mut runs = rule_runs::list(&mut tx, filter, before, PAGE_SIZE + 1).await?;
    tx.commit().await?;
    let next = (runs.len() as i64 > PAGE_SIZE).then(|| {
        runs.truncate(PAGE_SIZE as usize);
        let last = runs.last().expect("a full page");
        encode_keyset(last.ran_at, last.id.0)
    });
    let filter_qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let page = RunsPage {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "rules" },
        runs,
        rules: names
            .into_iter()
            .map(|(id, name)| Opt {
                value: id.0.to_string(),
                label: name,
            })
            .collect(),
        is_first_page: before.is_none(),
        q,
        filter_qs,
        next,
    };
    Ok(render(&page)?.into_response())
}
