//! One error type that knows its HTTP status, and the middleware that renders it for
//! whoever asked: a full page for browsers, a fragment for htmx, JSON for API clients.

use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::i18n::Tr;
use crate::locale::request_locale;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request body is bigger than the route accepts (413); the message says what the limit is.
    #[error("payload too large: {0}")]
    TooLarge(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(err.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Attached to error responses; [`render_errors`] turns it into a body.
#[derive(Clone, Debug)]
pub(crate) struct ErrorKind {
    code: &'static str,
    detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, detail) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", None),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", None),
            AppError::Csrf => (StatusCode::FORBIDDEN, "csrf", None),
            AppError::BadRequest(msg) => {
                (StatusCode::BAD_REQUEST, "bad_request", Some(msg.clone()))
            }
            AppError::TooLarge(msg) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                Some(msg.clone()),
            ),
            AppError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited", None)
            }
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", None)
            }
        };
        let mut response = status.into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response.extensions_mut().insert(ErrorKind { code, detail });
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'static Tr,
    lang: &'static str,
    status: u16,
    message: &'a str,
    partial: bool,
}

fn wants_json(headers: &HeaderMap, path: &str) -> bool {
    path.starts_with("/api/")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// Renders [`AppError`] responses according to what the client asked for.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let mut response = next.run(request).await;
    let kind = match response.extensions_mut().remove::<ErrorKind>() {
        Some(kind) => kind,
        None => match framework_rejection(&response) {
            Some(kind) => kind,
            None => return response,
        },
    };
    let status = response.status();
    let htmx = headers.contains_key("hx-request");
    let json = wants_json(&headers, &path);

    if kind.code == "unauthorized" && !json {
        let target = format!("/login?next={}", urlencode(&path_and_query));
        if htmx {
            let mut r = StatusCode::OK.into_response();
            r.headers_mut().insert(
                "hx-redirect",
                HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static("/login")),
            );
            return r;
        }
        return Redirect::to(&target).into_response();
    }

    let locale = request_locale(&headers);
    let t = crate::i18n::tr(locale);
    let message = match kind.code {
        "not_found" => t.err_404,
        "forbidden" => t.err_403,
        "csrf" => t.err_csrf,
        "rate_limited" => t.err_429,
        "bad_request" => kind.detail.as_deref().unwrap_or(t.err_400),
        "too_large" => kind.detail.as_deref().unwrap_or(t.err_too_large),
        "unauthorized" => t.login_title,
        _ => t.err_500,
    };
    let (parts, _) = response.into_parts();
    if json {
        let body = serde_json::json!({ "error": { "code": kind.code, "message": message } });
        let mut r = (status, axum::Json(body)).into_response();
        r.headers_mut().extend(parts.headers);
        return r;
    }
    let page = ErrorPage {
        t,
        lang: locale.code(),
        status: status.as_u16(),
        message,
        partial: htmx,
    };
    let body = page.render().unwrap_or_else(|_| message.to_owned());
    let mut r = (status, Html(body)).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            r.headers_mut().insert(name, value.clone());
        }
    }
    r
}

/// axum's own extractor rejections (a malformed id in the path, a wrong method, an unreadable
/// form) come back as plain text; they get the same pages and JSON as our errors.
fn framework_rejection(response: &Response) -> Option<ErrorKind> {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !status.is_client_error() || !plain || status == StatusCode::UNAUTHORIZED {
        return None;
    }
    let code = if status == StatusCode::NOT_FOUND {
        "not_found"
    } else {
        "bad_request"
    };
    Some(ErrorKind { code, detail: None })
}

/// Percent-encodes a path for use as a query value.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
