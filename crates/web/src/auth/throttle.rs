//! Login throttling per client address, counted in Postgres so every process shares it.
//! (Per-account lockout lives on the user row; see `users::claim_login_attempt`.)

use std::net::{IpAddr, SocketAddr};

use aftersail_db::login_attempts;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use crate::error::AppResult;
use crate::state::AppState;

/// The client's address: the peer, or the last `X-Forwarded-For` hop when behind a trusted proxy.
pub fn client_ip(state: &AppState, parts: &Parts) -> IpAddr {
    if state.config.trust_proxy {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// `Some(minutes until the window frees)` when `ip` has failed too often recently.
pub async fn blocked_for(state: &AppState, ip: IpAddr) -> AppResult<Option<i64>> {
    let window = state.config.ip_window;
    let (failures, oldest_age_secs) =
        login_attempts::recent_failures(&state.pool, ip, window).await?;
    if failures < state.config.ip_max_failures {
        return Ok(None);
    }
    let remaining = (window.num_seconds() - oldest_age_secs).max(60);
    Ok(Some((remaining + 59) / 60))
}
