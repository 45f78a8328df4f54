//! Webhooks from platforms: no session and no CSRF token; the platform's signature (over the
//! raw body, and for some the URL) is the proof, checked by the channel's connector.
//! Deliveries are stored as received and acknowledged at once; the worker processes them.
//! Some platforms first check the endpoint with a `GET` challenge (eBay), answered here too.

use aftersail_channels::{Connector, ConnectorError, WebhookRequest};
use aftersail_db::channels::{self, Channel};
use aftersail_db::webhook_events::{self, NewEvent};
use aftersail_db::TenantTx;
use aftersail_domain::{ChannelId, TenantId};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use std::sync::Arc;

use crate::error::{AppError, AppResult};
use crate::pages::settings::origin;
use crate::state::AppState;

/// Platforms' payloads are small; an order with hundreds of lines stays well below this.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/webhooks/{kind}/{channel_id}",
            post(receive).get(challenge),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The channel named by the URL, with its connector: `None` (→ 404) for an unknown id or a
/// channel of another kind.
async fn target(
    state: &AppState,
    kind: &str,
    channel_id: &str,
) -> AppResult<Option<(TenantId, Channel, Option<Arc<dyn Connector>>)>> {
    let Ok(id) = channel_id.parse::<ChannelId>() else {
        return Ok(None);
    };
    let Some(target) = channels::webhook_target(&state.pool, id)
        .await?
        .filter(|t| t.kind == kind)
    else {
        return Ok(None);
    };
    let mut tx = TenantTx::begin(&state.pool, target.tenant_id).await?;
    let Some(channel) = channels::get(&mut tx, id).await? else {
        return Ok(None);
    };
    tx.commit().await?;
    let connector = crate::connectors::of(state, target.tenant_id, &channel);
    // A channel that cannot be built cannot check signatures: it accepts nothing.
    let connector = connector
        .map_err(|problem| {
            tracing::warn!(channel = %id, problem = %problem, "webhook for a channel that cannot be built");
        })
        .ok();
    Ok(Some((target.tenant_id, channel, connector)))
}

/// `POST /webhooks/{kind}/{channel_id}`: 404 for an unknown channel (or one of another kind),
/// 401 when the signature is not the platform's, 400 for a signed but unusable delivery,
/// 503 when the signature cannot be checked now, else 200 (also for a redelivery).
async fn receive(
    State(state): State<AppState>,
    Path((kind, channel_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let Some((tenant, channel, connector)) = target(&state, &kind, &channel_id).await? else {
        return Err(AppError::NotFound);
    };
    let Some(connector) = connector else {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    };
    let url = format!("{}{}", origin(&state, &headers), uri);
    let request = WebhookRequest {
        url: &url,
        headers: &headers,
        body: &body,
    };
    let delivery = match connector.verify_webhook(&request).await {
        Ok(delivery) => delivery,
        // Bare statuses: the error pages would send a platform's client to the login page.
        Err(ConnectorError::Auth(_)) => return Ok(StatusCode::UNAUTHORIZED.into_response()),
        Err(err @ (ConnectorError::Transient(_) | ConnectorError::RateLimited { .. })) => {
            tracing::warn!(channel = %channel.id, error = %err, "webhook not checkable now");
            return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
        Err(err) => {
            tracing::info!(channel = %channel.id, error = %err, "webhook refused");
            return Ok((StatusCode::BAD_REQUEST, err.to_string()).into_response());
        }
    };
    let mut tx = TenantTx::begin(&state.pool, tenant).await?;
    let fresh = webhook_events::store(
        &mut tx,
        NewEvent {
            channel_id: channel.id,
            delivery_id: &delivery.id,
            topic: &delivery.topic,
            body: &body,
        },
    )
    .await?;
    tx.commit().await?;
    if !fresh {
        tracing::debug!(channel = %channel.id, delivery = %delivery.id, "webhook redelivered");
    }
    Ok(StatusCode::OK.into_response())
}

/// `GET /webhooks/{kind}/{channel_id}?challenge_code=…`: the platform's endpoint check,
/// answered by the connector (eBay: the SHA-256 of code, verification token and URL).
async fn challenge(
    State(state): State<AppState>,
    Path((kind, channel_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let Some((_, _, Some(connector))) = target(&state, &kind, &channel_id).await? else {
        return Err(AppError::NotFound);
    };
    // The endpoint as registered: without the query the platform appends.
    let endpoint = format!("{}{}", origin(&state, &headers), uri.path());
    match connector.webhook_challenge(&endpoint, uri.query().unwrap_or("")) {
        Some(answer) => Ok(Json(answer).into_response()),
        None => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}
