//! The public REST API, `/api/v1`: JSON over bearer tokens (Settings → API), outside the
//! session and CSRF layers. Lists use keyset cursors; errors are always JSON
//! (`errors.rs`); every authenticated response carries `RateLimit-*` headers (`rate_limit.rs`);
//! `GET /api/v1/openapi.json` describes all of it (`openapi.rs`).

pub mod auth;
mod customers;
pub mod errors;
mod kb;
pub mod openapi;
mod orders;
pub mod rate_limit;
mod refunds;
mod rmas;
mod tickets;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use self::errors::{ApiError, ApiResult};
use crate::state::AppState;

/// Request bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let layer = auth::ApiLayer {
        state,
        limiter: Arc::new(rate_limit::Limiter::default()),
    };
    let authenticated = Router::new()
        .merge(tickets::router())
        .merge(customers::router())
        .merge(orders::router())
        .merge(rmas::router())
        .merge(refunds::router())
        .merge(kb::router())
        .fallback(|| async { ApiError::NotFound })
        .layer(from_fn_with_state(layer, auth::authenticate))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .nest("/api/v1", authenticated)
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl PageQuery {
    /// 1..=100, 25 when not given.
    pub fn limit(&self) -> ApiResult<i64> {
        match self.limit {
            None => Ok(25),
            Some(n) if (1..=100).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::BadRequest(
                "limit must be between 1 and 100".into(),
            )),
        }
    }

    /// The decoded cursor: the sort key of the last row of the previous page.
    pub fn after<K: std::str::FromStr>(&self) -> ApiResult<Option<K>> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

fn decode_cursor<K: std::str::FromStr>(cursor: &str) -> ApiResult<K> {
    let bad = || ApiError::BadRequest("malformed cursor".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.parse().map_err(|_| bad())
}

/// `{"data": [...], "next_cursor": ...}`: a cursor only when the page is full.
#[derive(Serialize)]
pub struct Page {
    pub data: Vec<Value>,
    pub next_cursor: Option<String>,
}

impl Page {
    pub fn new(data: Vec<Value>, limit: i64, last_key: Option<String>) -> Page {
        let full = data.len() as i64 == limit;
        Page {
            data,
            next_cursor: last_key.filter(|_| full).map(|k| encode_cursor(&k)),
        }
    }
}

/// Money as `{amount_minor, currency}`.
pub fn money(amount_minor: i64, currency: &str) -> Value {
    json!({ "amount_minor": amount_minor, "currency": currency })
}

/// A path id: anything that is not one is simply not found.
pub fn path_id<K: std::str::FromStr>(raw: &str) -> ApiResult<K> {
    raw.parse().map_err(|_| ApiError::NotFound)
}
