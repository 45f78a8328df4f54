//! Webhooks from platforms: no session and no CSRF token; the platform's signature over the
//! raw body is the proof. Deliveries are stored as received and acknowledged at once; the
//! worker processes them.

use aftersail_channels::shopify::webhook;
use aftersail_db::channels::{self, secret_owner};
use aftersail_db::webhook_events::{self, NewEvent};
use aftersail_db::TenantTx;
use aftersail_domain::ChannelId;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Shopify's payloads are small; an order with hundreds of lines stays well below this.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/shopify/{channel_id}", post(shopify))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// `POST /webhooks/shopify/{channel_id}`: 404 for an unknown (or non-Shopify) channel, 401
/// for a wrong signature, 400 without delivery headers, else 200 (also for a redelivery).
async fn shopify(
    State(state): State<AppState>,
    Path(channel_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<StatusCode> {
    let id: ChannelId = channel_id.parse().map_err(|_| AppError::NotFound)?;
    let target = channels::webhook_target(&state.pool, id)
        .await?
        .filter(|t| t.kind == "shopify")
        .ok_or(AppError::NotFound)?;
    let Some(sealed) = &target.secrets_sealed else {
        return Ok(StatusCode::UNAUTHORIZED);
    };
    let key = state.config.secret_key.as_ref().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "webhook for a channel, but no secret key configured"
        ))
    })?;
    let secrets = key
        .open(sealed, &secret_owner(target.tenant_id, id))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("channel {id}: {e}")))?;
    let secrets: serde_json::Value = serde_json::from_slice(&secrets)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("channel {id} secrets: {e}")))?;
    let secret = secrets
        .get("api_secret")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    // An empty secret would let anyone sign; such a channel accepts nothing.
    if secret.is_empty() || webhook::verify(secret, &headers, &body).is_err() {
        // A bare 401 (the error pages would send a browser to the login page).
        return Ok(StatusCode::UNAUTHORIZED);
    }
    let delivery = webhook::Delivery::from_headers(&headers)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut tx = TenantTx::begin(&state.pool, target.tenant_id).await?;
    let fresh = webhook_events::store(
        &mut tx,
        NewEvent {
            channel_id: id,
            delivery_id: &delivery.webhook_id,
            topic: &delivery.topic,
            body: &body,
        },
    )
    .await?;
    tx.commit().await?;
    if !fresh {
        tracing::debug!(channel = %id, delivery = %delivery.webhook_id, "webhook redelivered");
    }
    Ok(StatusCode::OK)
}
