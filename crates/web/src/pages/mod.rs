//! Server-rendered pages, one module per area. Each exposes `router()`.

pub mod accounts;
pub mod alerts;
pub mod bulk;
pub mod inbox;
pub mod kb;
pub mod notifications;
pub mod privacy;
pub mod reports;
pub mod returns;
pub mod search;
pub mod settings;
pub mod ticket;
pub mod workplace;

use std::collections::BTreeMap;
use std::net::IpAddr;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

/// What the app layout (`templates/app.html`) needs on every signed-in page.
pub struct Shell<'a> {
    pub t: &'static Tr,
    pub user: &'a CurrentUser,
    /// Which main navigation entry is current.
    pub nav: &'static str,
    /// A one-line confirmation shown above the page ("Profile saved.").
    pub notice: Option<String>,
}

impl<'a> Shell<'a> {
    pub fn new(user: &'a CurrentUser, nav: &'static str) -> Self {
        Self {
            t: user.t(),
            user,
            nav,
            notice: None,
        }
    }

    pub fn with_notice(mut self, notice: Option<impl Into<String>>) -> Self {
        self.notice = notice.map(Into::into);
        self
    }

    pub fn lang(&self) -> &'static str {
        self.user.locale().code()
    }
}

/// Field name → message, for re-rendering a form with its problems marked.
#[derive(Default, Debug)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn render(page: &impl Template) -> AppResult<Html<String>> {
    Ok(Html(page.render()?))
}

/// The client's address (see `auth::throttle::client_ip`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(crate::auth::throttle::client_ip(state, parts)))
    }
}

/// A keyset page position (the last row shown: its time and id) as a URL value.
pub fn encode_keyset(at: chrono::DateTime<chrono::Utc>, id: uuid::Uuid) -> String {
    format!(
        "{}_{id}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )
}

/// The position [`encode_keyset`] wrote; `None` for anything else.
pub fn decode_keyset(cursor: &str) -> Option<(chrono::DateTime<chrono::Utc>, uuid::Uuid)> {
    let (at, id) = cursor.split_once('_')?;
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .ok()?
        .with_timezone(&chrono::Utc);
    Some((at, id.parse().ok()?))
}

/// Only same-site paths are followed after sign-in, never `//evil.example` or `https://…`.
/// No control characters either: CR/LF cannot be a header value (the redirect would fail),
/// and browsers drop tabs and newlines from URLs, so `/\t/evil.example` would leave the site.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(char::is_control) =>
        {
            n
        }
        _ => "/inbox",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn keyset_cursors_round_trip() {
        // PostgreSQL keeps microseconds, and so does the cursor.
        let at = chrono::DateTime::from_timestamp_micros(1_795_000_000_123_456).unwrap();
        let id = uuid::Uuid::now_v7();
        assert_eq!(
            super::decode_keyset(&super::encode_keyset(at, id)),
            Some((at, id))
        );
        assert_eq!(super::decode_keyset("nope"), None);
        assert_eq!(super::decode_keyset("2026-01-01T00:00:00Z_x"), None);
    }

    #[test]
    fn next_is_same_site_only() {
        assert_eq!(safe_next(Some("/settings/team")), "/settings/team");
        assert_eq!(safe_next(Some("//evil.example")), "/inbox");
        assert_eq!(safe_next(Some("/\\evil.example")), "/inbox");
        assert_eq!(safe_next(Some("https://evil.example")), "/inbox");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/inbox");
        assert_eq!(safe_next(Some("/inbox\r\nSet-Cookie: x=1")), "/inbox");
        assert_eq!(safe_next(Some("/inbox%0d%0a")), "/inbox%0d%0a");
        assert_eq!(safe_next(None), "/inbox");
    }
}
