//! Bearer-token authentication for `/api/v1`: the middleware resolves the token (401 when
//! missing, unknown, revoked or expired), applies its rate limit (429) and stamps the
//! `RateLimit-*` headers on the response; [`ApiToken`] then opens a transaction for the
//! token's shop, and handlers check their scope (403).

use std::sync::Arc;
use std::time::Instant;

use aftersail_db::api_tokens::{self, ApiTokenId, Resolved};
use aftersail_db::TenantTx;
use aftersail_domain::UserId;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

use super::errors::{ApiError, ApiResult};
use super::rate_limit::{Decision, Limiter};
use crate::state::AppState;

/// What a token may do. Kept small on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    TicketsRead,
    TicketsWrite,
    CustomersRead,
    OrdersRead,
    /// Returns (RMAs) and refunds.
    ReturnsRead,
    KbRead,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[
        Scope::TicketsRead,
        Scope::TicketsWrite,
        Scope::CustomersRead,
        Scope::OrdersRead,
        Scope::ReturnsRead,
        Scope::KbRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::CustomersRead => "customers:read",
            Scope::OrdersRead => "orders:read",
            Scope::ReturnsRead => "returns:read",
            Scope::KbRead => "kb:read",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|s| s.as_str() == code)
    }
}

/// Every token starts with this, so leaked ones are easy to find in logs and code.
pub const TOKEN_PREFIX: &str = "as_";

/// A new secret: `as_` and 256 random bits in URL-safe base64 (46 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The part of a secret shown in lists ("as_Xy3k…").
pub fn visible_prefix(secret: &str) -> String {
    secret.chars().take(TOKEN_PREFIX.len() + 6).collect()
}

/// The state of the API's layer: the app's, plus this process's rate limiter.
#[derive(Clone)]
pub struct ApiLayer {
    pub state: AppState,
    pub limiter: Arc<Limiter>,
}

fn bearer(headers: &HeaderMap) -> ApiResult<&str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized(
            "missing Authorization: Bearer token",
        ))?
        .to_str()
        .map_err(|_| ApiError::Unauthorized("malformed Authorization header"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(ApiError::Unauthorized("malformed Authorization header"))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || !token.starts_with(TOKEN_PREFIX)
        || token.len() > 200
    {
        return Err(ApiError::Unauthorized("unknown, revoked or expired token"));
    }
    Ok(token)
}

/// Resolves the bearer token and applies its rate limit (see the module docs).
pub async fn authenticate(
    State(layer): State<ApiLayer>,
    mut request: Request,
    next: Next,
) -> Response {
    let resolved = match bearer(request.headers()) {
        Ok(token) => {
            let hash = crate::auth::tokens::hash(token);
            match api_tokens::resolve(&layer.state.pool, &hash).await {
                Ok(Some(resolved)) => resolved,
                Ok(None) => {
                    return ApiError::Unauthorized("unknown, revoked or expired token")
                        .into_response()
                }
                Err(err) => return ApiError::from(err).into_response(),
            }
        }
        Err(err) => return err.into_response(),
    };
    let limit = u32::try_from(resolved.rate_limit).unwrap_or(1);
    let decision = layer.limiter.check(resolved.id, limit, Instant::now());
    let mut response = if decision.allowed {
        request.extensions_mut().insert(resolved);
        next.run(request).await
    } else {
        ApiError::TooManyRequests {
            retry_after_secs: decision.retry_after_secs,
        }
        .into_response()
    };
    stamp(response.headers_mut(), decision);
    response
}

fn stamp(headers: &mut HeaderMap, d: Decision) {
    headers.insert("ratelimit-limit", HeaderValue::from(d.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(d.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(d.reset_secs));
}

/// An authenticated API request: the token and a transaction in its shop.
pub struct ApiToken {
    pub id: ApiTokenId,
    /// The person who created the token: replies and notes sent with it are theirs.
    pub user: UserId,
    scopes: Vec<String>,
    pub tx: TenantTx,
}

impl ApiToken {
    /// 403 unless the token has `scope`.
    pub fn require(&self, scope: Scope) -> ApiResult<()> {
        if self.scopes.iter().any(|s| s == scope.as_str()) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(scope.as_str()))
        }
    }
}

impl FromRequestParts<AppState> for ApiToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Resolved {
            tenant_id,
            id,
            scopes,
            created_by,
            ..
        } = parts
            .extensions
            .get::<Resolved>()
            .cloned()
            .ok_or(ApiError::Unauthorized(
                "missing Authorization: Bearer token",
            ))?;
        let mut tx = TenantTx::begin(&state.pool, tenant_id).await?;
        api_tokens::touch(&mut tx, id).await?;
        Ok(ApiToken {
            id,
            user: created_by,
            scopes,
            tx,
        })
    }
}
