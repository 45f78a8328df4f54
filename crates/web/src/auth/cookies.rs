//! Reading and writing our cookies.

use axum::http::{header, HeaderMap, HeaderValue};

pub const SESSION: &str = "aftersail_session";
/// Double-submit CSRF token for forms shown before sign-in (login, sign-up, invitations).
pub const PRE_SESSION_CSRF: &str = "aftersail_csrf";
pub const LANG: &str = "aftersail_lang";

pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: always HttpOnly, SameSite=Lax and path `/`; `Secure` when served over https.
pub fn set(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).expect("cookie values are URL-safe tokens")
}

pub fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", 0, secure)
}
