//! Resolving the session cookie once per request, and starting/ending sessions.

use std::sync::Arc;

use aftersail_db::sessions::{self, ResolvedSession};
use aftersail_db::TenantTx;
use aftersail_domain::UserId;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::{cookies, tokens};
use crate::error::AppResult;
use crate::state::AppState;

/// The signed-in session, placed in request extensions by [`resolve`].
#[derive(Clone, Debug)]
pub struct SessionCtx(pub Arc<ResolvedSession>);

/// Looks the session cookie up (one query) and stores the result for the CSRF check and
/// the `CurrentUser` extractor. An unknown or expired cookie is simply no session.
pub async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> AppResult<Response> {
    if let Some(token) = cookies::get(request.headers(), cookies::SESSION) {
        if let Some(found) = sessions::resolve(&state.pool, &tokens::hash(token)).await? {
            request.extensions_mut().insert(SessionCtx(Arc::new(found)));
        }
    }
    Ok(next.run(request).await)
}

/// Whether cookies must carry `Secure` for this request.
pub fn secure_cookies(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || (state.config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}

/// Creates a session for `user` inside `tx` and returns the `Set-Cookie` headers to send.
pub async fn start(
    state: &AppState,
    tx: &mut TenantTx,
    headers: &HeaderMap,
    user: UserId,
    locale: aftersail_domain::UiLocale,
) -> AppResult<Vec<HeaderValue>> {
    let token = tokens::random_token();
    let ttl = state.config.session_ttl;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(300).collect::<String>());
    sessions::create(
        tx,
        user,
        &tokens::hash(&token),
        &tokens::random_token(),
        chrono::Utc::now() + ttl,
        user_agent.as_deref(),
    )
    .await?;
    let secure = secure_cookies(state, headers);
    Ok(vec![
        cookies::set(cookies::SESSION, &token, ttl.num_seconds(), secure),
        cookies::set(cookies::LANG, locale.code(), 365 * 24 * 3600, secure),
        cookies::clear(cookies::PRE_SESSION_CSRF, secure),
    ])
}
