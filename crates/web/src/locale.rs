//! Which UI language a request gets before (or without) a signed-in user.

use aftersail_domain::UiLocale;
use axum::http::{header, HeaderMap};

use crate::auth::cookies;

/// The language cookie if set (remembered from sign-in or the switcher), else `Accept-Language`.
pub fn request_locale(headers: &HeaderMap) -> UiLocale {
    if let Some(locale) = cookies::get(headers, cookies::LANG).and_then(|v| v.parse().ok()) {
        return locale;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(UiLocale::from_accept_language)
        .unwrap_or_default()
}
