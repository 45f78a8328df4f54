//! The buyer return portal, hosted per shop at `/p/{shop}/returns`: a buyer finds their order
//! by number and email, asks for a return, gets an RMA code at once, and follows its status.
//! The shop's public help center lives beside it at `/p/{shop}/help` ([`help`]).
//!
//! No agent session here: forms carry the pre-session double-submit CSRF token, what a buyer
//! proved (an order, an RMA) travels in sealed short-lived tokens ([`token`]), failed look-ups
//! are throttled per client address and per shop in `portal_attempts`, and a miss never says
//! whether the order exists. Every page speaks the buyer's language ([`lang`], [`strings`]).

mod csat;
mod csat_strings;
pub mod help;
pub mod help_strings;
pub mod lang;
pub mod notice;
pub mod photos;
mod request;
mod status;
pub mod strings;
pub mod token;

use aftersail_db::{portal, tenants, TenantTx};
use aftersail_domain::TenantId;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::error::{urlencode, AppResult};
use crate::state::AppState;
use lang::Lang;
use strings::S;

/// Failed look-ups (orders or RMAs) one client address may make per window.
pub const IP_MAX_FAILURES: i64 = 10;
/// Failed look-ups one shop takes per window from everyone together (slows enumeration from
/// many addresses).
pub const SHOP_MAX_FAILURES: i64 = 300;
pub const WINDOW_MINUTES: i64 = 15;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/p/{shop}/returns",
            get(request::find_page).post(request::find),
        )
        .route("/p/{shop}/returns/request", post(request::submit))
        .route(
            "/p/{shop}/returns/status",
            get(status::page).post(status::lookup),
        )
        .route("/p/{shop}/csat/{token}", get(csat::show).post(csat::submit))
        .merge(help::router())
        .layer(DefaultBodyLimit::max(photos::MAX_BODY_BYTES))
        // Signed-out forms: the double-submit cookie (no session layer on these routes).
        .layer(from_fn_with_state(state.clone(), csrf::verify))
        .layer(from_fn_with_state(state, refuse_oversized))
}

/// The shop a portal URL names, and the language the page speaks.
pub struct Shop {
    pub id: TenantId,
    pub name: String,
    pub slug: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangQuery {
    pub lang: Option<String>,
    /// A sealed status link (right after a request).
    pub view: Option<String>,
    /// Prefills for links we send buyers (the bot, emails): the order number, the RMA code
    /// and the buyer's email. They only fill the form in; the buyer still submits it.
    pub order: Option<String>,
    pub code: Option<String>,
    pub email: Option<String>,
}

impl LangQuery {
    /// A prefill, trimmed and cut to a sane length.
    pub fn prefill(value: &Option<String>) -> String {
        value
            .as_deref()
            .map(|v| v.trim().chars().take(320).collect())
            .unwrap_or_default()
    }
}

/// Resolves the shop; `Err` is the "no such page" response in the buyer's language.
pub async fn shop(
    state: &AppState,
    slug: &str,
    query: &LangQuery,
    headers: &HeaderMap,
) -> AppResult<Result<(Shop, Lang), Response>> {
    let Some((id, name)) = portal::shop_by_slug(&state.pool, slug).await? else {
        let lang = Lang::pick(query.lang.as_deref(), headers, "en");
        return Ok(Err(message_page(
            state,
            headers,
            StatusCode::NOT_FOUND,
            lang,
            None,
            strings::strings(lang).shop_not_found.to_owned(),
        )?));
    };
    let mut tx = TenantTx::begin(&state.pool, id).await?;
    let tenant = tenants::get(&mut tx).await?;
    tx.commit().await?;
    let lang = Lang::pick(query.lang.as_deref(), headers, &tenant.default_locale);
    Ok(Ok((
        Shop {
            id,
            name,
            slug: tenant.slug,
        },
        lang,
    )))
}

/// One entry of the language switcher.
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// What every portal page shows around its content.
pub struct Chrome {
    pub s: &'static S,
    pub lang: Lang,
    pub shop_name: String,
    pub slug: String,
    pub csrf: String,
    /// Where the language links point: this page (as a GET), plus `lang=`.
    pub here: String,
}

impl Chrome {
    pub fn langs(&self) -> Vec<LangLink> {
        let sep = if self.here.contains('?') { '&' } else { '?' };
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                code: l.code(),
                name: l.native_name(),
                href: format!("{}{sep}lang={}", self.here, l.code()),
                current: l == self.lang,
            })
            .collect()
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn dir(&self) -> &'static str {
        self.lang.dir()
    }

    pub fn base(&self) -> String {
        format!("/p/{}/returns", self.slug)
    }
}

/// A page with a fresh or reused CSRF token; the cookie goes on the response.
pub fn chrome(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    shop: Option<&Shop>,
    here: String,
) -> (Chrome, Option<HeaderValue>) {
    let (csrf, cookie) = csrf::pre_session_token(state, headers);
    (
        Chrome {
            s: strings::strings(lang),
            lang,
            shop_name: shop.map(|s| s.name.clone()).unwrap_or_default(),
            slug: shop.map(|s| s.slug.clone()).unwrap_or_default(),
            csrf,
            here,
        },
        cookie,
    )
}

pub fn respond(
    status: StatusCode,
    page: &impl Template,
    cookie: Option<HeaderValue>,
) -> AppResult<Response> {
    let mut response = (status, Html(page.render()?)).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage {
    c: Chrome,
    title: String,
    message: String,
}

/// A page with one message (no such shop, too large, too many attempts).
pub fn message_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    lang: Lang,
    shop: Option<&Shop>,
    message: String,
) -> AppResult<Response> {
    let here = shop.map_or_else(String::new, |s| format!("/p/{}/returns", s.slug));
    let (c, cookie) = chrome(state, headers, lang, shop, here);
    let title = match status {
        StatusCode::TOO_MANY_REQUESTS => c.s.too_many_title.to_owned(),
        _ => c.s.returns_title.to_owned(),
    };
    respond(status, &MessagePage { c, title, message }, cookie)
}

/// Refuses bodies over the portal's limit before anyone reads them, in the buyer's language.
async fn refuse_oversized(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if *request.method() != Method::POST || declared.is_none_or(|n| n <= photos::MAX_BODY_BYTES) {
        return Ok(next.run(request).await);
    }
    let headers = request.headers().clone();
    let query: LangQuery = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let slug = request
        .uri()
        .path()
        .strip_prefix("/p/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
        .to_owned();
    let (shop, lang) = match shop(&state, &slug, &query, &headers).await? {
        Ok(found) => found,
        Err(not_found) => return Ok(not_found),
    };
    let mut response = message_page(
        &state,
        &headers,
        StatusCode::PAYLOAD_TOO_LARGE,
        lang,
        Some(&shop),
        strings::strings(lang).too_large.to_owned(),
    )?;
    // The client may still be sending; don't keep the connection for the rest.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    Ok(response)
}

fn throttle_keys(ip: std::net::IpAddr, shop: &Shop) -> [String; 2] {
    [format!("ip:{ip}"), format!("shop:{}", shop.id.0)]
}

/// `Some(minutes)` when this address or this shop failed too often recently.
pub async fn blocked_for(
    state: &AppState,
    ip: std::net::IpAddr,
    shop: &Shop,
) -> AppResult<Option<i64>> {
    let window = chrono::Duration::minutes(WINDOW_MINUTES);
    let [ip_key, shop_key] = throttle_keys(ip, shop);
    for (key, max) in [(ip_key, IP_MAX_FAILURES), (shop_key, SHOP_MAX_FAILURES)] {
        let (failures, oldest_age) = portal::recent_failures(&state.pool, &key, window).await?;
        if failures >= max {
            let remaining = (window.num_seconds() - oldest_age).max(60);
            return Ok(Some((remaining + 59) / 60));
        }
    }
    Ok(None)
}

pub async fn record_failure(state: &AppState, ip: std::net::IpAddr, shop: &Shop) -> AppResult<()> {
    for key in throttle_keys(ip, shop) {
        portal::record_failure(&state.pool, &key).await?;
    }
    Ok(())
}

/// The 429 page: when to try again, in the buyer's language.
pub fn too_many(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    shop: &Shop,
    minutes: i64,
) -> AppResult<Response> {
    let s = strings::strings(lang);
    let mut response = message_page(
        state,
        headers,
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        Some(shop),
        s.fill(s.too_many, &[&minutes]),
    )?;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
    Ok(response)
}

/// `?lang=xx` for links and form actions.
pub fn lang_query(lang: Lang) -> String {
    format!("lang={}", urlencode(lang.code()))
}
