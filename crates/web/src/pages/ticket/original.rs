//! A received message as the sender formatted it, and the raw message as it arrived.
//!
//! The HTML was sanitized when it arrived and is sanitized again here (so a better sanitizer
//! covers old mail too), then served as its own document under a CSP `sandbox` without
//! scripts, shown in a sandboxed iframe: even markup that slipped past the sanitizer cannot
//! run script or reach our pages. Remote images are not loaded (tracking pixels); inline
//! images (`cid:`) are served from the stored attachments.

use aftersail_channels::email::sanitize::sanitize;
use aftersail_db::{attachments, inbound_payloads, messages, tickets};
use aftersail_domain::MessageId;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}/messages/{id}/html", get(html))
        .route("/tickets/{number}/messages/{id}/raw", get(raw))
}

const HTML_CSP: &str = "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; \
                        img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

async fn html(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(i64, MessageId)>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = messages::html_of(&mut tx, ticket.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inline = attachments::content_ids_of_message(&mut tx, id).await?;
    tx.commit().await?;
    let mut body = sanitize(&body);
    for (content_id, attachment) in inline {
        let url = format!("/tickets/{number}/attachments/{attachment}");
        body = body.replace(&format!("cid:{content_id}"), &url);
    }
    let document = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\">\
         <style>body{{font:14px/1.5 system-ui,sans-serif;margin:8px;color:#1f2328;overflow-wrap:anywhere}}\
         img{{max-width:100%;height:auto}}table{{max-width:100%}}</style></head><body>{body}</body></html>"
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HTML_CSP),
        ),
        (
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, document).into_response())
}

/// The message exactly as received (`.eml` for mail), as a download.
async fn raw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(i64, MessageId)>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let (content_type, body) = inbound_payloads::of_message(&mut tx, ticket.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let extension = if content_type == "message/rfc822" {
        "eml"
    } else {
        "json"
    };
    let disposition = format!("attachment; filename=\"message-{number}-{id}.{extension}\"");
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ),
    ];
    Ok((headers, body).into_response())
}
