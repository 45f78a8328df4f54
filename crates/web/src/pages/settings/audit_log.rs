//! Settings → Audit log: administrative changes, newest first.

use aftersail_db::audit::{self, AuditEvent};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

use super::SubNav;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/audit", get(show))
}

#[derive(Template)]
#[template(path = "settings/audit.html")]
struct AuditPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    events: Vec<AuditEvent>,
}

async fn show(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let events = audit::recent(&mut tx, 200).await?;
    tx.commit().await?;
    render(&AuditPage {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "audit" },
        events,
    })
}
