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
/// Plain forms are small; anything bigger than this is not a form we render.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// Forms with files (replies and notes with attachments): every file allowed, plus the text.
pub const MAX_MULTIPART_BYTES: usize =
    aftersail_domain::attachment::MAX_TOTAL_BYTES + MAX_FORM_BYTES;

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
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Csrf);
    }
    let limit = if multipart {
        MAX_MULTIPART_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| too_large(&parts))?;
    let sent = if multipart {
        multipart_field(&content_type, bytes.clone(), FIELD).await
    } else {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        fields.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v)
    };
    if !sent.is_some_and(|sent| tokens::equal(&sent, &expected)) {
        return Err(AppError::Csrf);
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// The message for a body over the limit, in the signed-in user's language.
fn too_large(parts: &axum::http::request::Parts) -> AppError {
    let t = match parts.extensions.get::<SessionCtx>() {
        Some(SessionCtx(session)) => crate::i18n::tr(session.ui_locale),
        None => crate::i18n::tr(aftersail_domain::UiLocale::En),
    };
    AppError::TooLarge(t.fill(
        t.err_upload_too_large,
        aftersail_domain::attachment::human_size(
            aftersail_domain::attachment::MAX_TOTAL_BYTES as u64,
        ),
    ))
}

/// The text of the first part named `name` of a buffered multipart body.
async fn multipart_field(
    content_type: &str,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let body = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(body, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
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
