//! The agent's main sections. Each is a real page of the app shell; their content arrives
//! with the capabilities behind them (inbox, returns, customers, knowledge base, reports).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/returns", get(returns))
        .route("/customers", get(customers))
        .route("/kb", get(knowledge_base))
        .route("/reports", get(reports))
}

#[derive(Template)]
#[template(path = "workplace/section.html")]
struct SectionPage<'a> {
    shell: Shell<'a>,
    title: &'static str,
    lead: &'static str,
    empty: &'static str,
}

fn section(
    user: &CurrentUser,
    nav: &'static str,
    pick: fn(&crate::i18n::Tr) -> [&'static str; 3],
) -> AppResult<Html<String>> {
    let [title, lead, empty] = pick(user.t());
    render(&SectionPage {
        shell: Shell::new(user, nav),
        title,
        lead,
        empty,
    })
}

async fn inbox(State(_): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    section(&user, "inbox", |t| {
        [t.nav_inbox, t.inbox_lead, t.inbox_empty]
    })
}

async fn returns(user: CurrentUser) -> AppResult<Html<String>> {
    section(&user, "returns", |t| {
        [t.nav_returns, t.returns_lead, t.returns_empty]
    })
}

async fn customers(user: CurrentUser) -> AppResult<Html<String>> {
    section(&user, "customers", |t| {
        [t.nav_customers, t.customers_lead, t.customers_empty]
    })
}

async fn knowledge_base(user: CurrentUser) -> AppResult<Html<String>> {
    section(&user, "kb", |t| [t.nav_kb, t.kb_lead, t.kb_empty])
}

async fn reports(user: CurrentUser) -> AppResult<Html<String>> {
    section(&user, "reports", |t| {
        [t.nav_reports, t.reports_lead, t.reports_empty]
    })
}
