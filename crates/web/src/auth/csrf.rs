//! CSRF protection for every state-changing request.
//!
//! Signed-in requests must echo their session's token; forms shown before sign-in echo a
//! random cookie (double submit). The token travels as the `_csrf` form field or, for htmx
//! and scripts, the `X-CSRF-Token` header. SameSite=Lax cookies are the second wall.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::session::{secure_cookies, SessionCtx};
use super::{cookies, tokens};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Forms are small; anything bigger than this is not a form we render.
const MAX_FORM_BYTES: usize = 1024 * 1024;

pub async fn verify(
    State(_state): State<AppState>,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return Ok(next.run(request).await);
    }
    let expected = match request.extensions().get::<SessionCtx>() {
        Some(SessionCtx(session)) => session.csrf_token.clone(),
        None => cookies::get(request.headers(), cookies::PRE_SESSION_CSRF)
            .ok_or(AppError::Csrf)?
            .to_owned(),
    };
    if let Some(sent) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if tokens::equal(sent, &expected) {
            Ok(next.run(request).await)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::BadRequest("form too large".into()))?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = fields
        .iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.as_str());
    if !sent.is_some_and(|sent| tokens::equal(sent, &expected)) {
        return Err(AppError::Csrf);
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// The pre-session token for a form page, and the cookie to set when the browser has none yet.
pub fn pre_session_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookies::get(headers, cookies::PRE_SESSION_CSRF) {
        Some(existing) if existing.len() >= 32 => (existing.to_owned(), None),
        _ => {
            let token = tokens::random_token();
            let cookie = cookies::set(
                cookies::PRE_SESSION_CSRF,
                &token,
                24 * 3600,
                secure_cookies(state, headers),
            );
            (token, Some(cookie))
        }
    }
}
