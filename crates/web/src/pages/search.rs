//! Search: one box for ticket numbers, order numbers, customers and words in any language.

use aftersail_db::search::{self, Hit};
use aftersail_domain::search::{snippet, ticket_number, Piece};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const MAX_QUERY_CHARS: usize = 200;
const RESULTS: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search_page))
}

struct Found {
    hit: Hit,
    /// The subject with hits marked, or the matching message's snippet.
    subject: Vec<Piece>,
    body: Option<Vec<Piece>>,
}

#[derive(Template)]
#[template(path = "workplace/search.html")]
struct SearchPage<'a> {
    shell: Shell<'a>,
    q: String,
    results: Vec<Found>,
    searched: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

async fn search_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> AppResult<Html<String>> {
    let q = query.q.trim().to_owned();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::BadRequest(user.t().search_too_long.into()));
    }
    let mut results = Vec::new();
    if !q.is_empty() {
        let mut tx = user.tx(&state).await?;
        let hits = search::tickets(&mut tx, &q, ticket_number(&q), RESULTS).await?;
        tx.commit().await?;
        results = hits
            .into_iter()
            .map(|hit| {
                let subject = snippet(&hit.subject, &q, 200).unwrap_or_else(|| {
                    vec![Piece {
                        text: hit.subject.clone(),
                        hit: false,
                    }]
                });
                let body = hit
                    .matched_body
                    .as_deref()
                    .and_then(|b| snippet(b, &q, 160));
                Found { hit, subject, body }
            })
            .collect();
    }
    let searched = !q.is_empty();
    render(&SearchPage {
        shell: Shell::new(&user, "inbox"),
        q,
        results,
        searched,
    })
}
