//! In-app notifications ("SLA breached on #1042", "Rule VIP: a VIP wrote"): each person's
//! own, newest first, with the unread count in the top bar.

use aftersail_db::notifications::{self, Notification};
use aftersail_domain::NotificationId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::{decode_keyset, encode_keyset, render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/badge", get(badge))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
}

#[derive(Template)]
#[template(path = "workplace/notifications.html")]
struct NotificationsPage<'a> {
    shell: Shell<'a>,
    items: Vec<Notification>,
    unread: i64,
    next: Option<String>,
    is_first_page: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    before: String,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let before = match q.before.as_str() {
        "" => None,
        c => Some(
            decode_keyset(c)
                .map(|(at, id)| (at, NotificationId(id)))
                .ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?,
        ),
    };
    let mut tx = user.tx(&state).await?;
    let mut items = notifications::list(&mut tx, user.id(), before, PAGE_SIZE + 1).await?;
    let unread = notifications::unread_count(&mut tx, user.id()).await?;
    tx.commit().await?;
    let next = (items.len() as i64 > PAGE_SIZE).then(|| {
        items.truncate(PAGE_SIZE as usize);
        let last = items.last().expect("a full page");
        encode_keyset(last.created_at, last.id.0)
    });
    render(&NotificationsPage {
        shell: Shell::new(&user, "notifications"),
        items,
        unread,
        next,
        is_first_page: before.is_none(),
    })
}

#[derive(Template)]
#[template(path = "workplace/_notifications_badge.html")]
struct Badge<'a> {
    unread: i64,
    label: &'a str,
}

/// The top bar's unread count, fetched by htmx after the page (so no page waits for it).
async fn badge(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let unread = notifications::unread_count(&mut tx, user.id()).await?;
    tx.commit().await?;
    let t = user.t();
    let label = t.fill(t.notifications_unread, unread);
    render(&Badge {
        unread,
        label: &label,
    })
}

async fn read_all(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    notifications::mark_read(&mut tx, user.id(), None).await?;
    tx.commit().await?;
    Ok(Redirect::to("/notifications").into_response())
}

async fn read_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<NotificationId>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    if !notifications::is_for(&mut tx, user.id(), id).await? {
        return Err(AppError::NotFound);
    }
    notifications::mark_read(&mut tx, user.id(), Some(id)).await?;
    tx.commit().await?;
    Ok(Redirect::to("/notifications").into_response())
}
