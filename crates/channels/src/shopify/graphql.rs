//! The Admin GraphQL client: one POST per query to `{base}/admin/api/{version}/graphql.json`
//! with `X-Shopify-Access-Token`, paced by the cost-based [`Throttle`], with every failure
//! turned into a [`ConnectorError`] whose message names the shop and the problem.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::time::Instant;

use super::oauth::truncate;
use super::throttle::{Bucket, Cost, Throttle};
use crate::ConnectorError;

/// How long to wait after a 429 that carries no `Retry-After`.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(2);

/// A GraphQL client for one shop and token.
#[derive(Debug)]
pub struct GraphqlClient {
    http: reqwest::Client,
    shop: String,
    endpoint: String,
    access_token: String,
    max_wait: Duration,
    throttle: Mutex<Throttle>,
}

impl GraphqlClient {
    /// `base_url` is `https://{shop}` in production; `max_wait` is the longest the client
    /// sleeps for throttle points before answering `RateLimited` instead.
    pub fn new(
        http: reqwest::Client,
        shop: &str,
        base_url: &str,
        api_version: &str,
        access_token: &str,
        max_wait: Duration,
    ) -> Self {
        Self {
            http,
            shop: shop.to_string(),
            endpoint: format!(
                "{}/admin/api/{api_version}/graphql.json",
                base_url.trim_end_matches('/')
            ),
            access_token: access_token.to_string(),
            max_wait,
            throttle: Mutex::new(Throttle::default()),
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Runs `query` and returns its `data`. `operation` names the query for messages and
    /// for the throttle's cost estimate (the last `requestedQueryCost` of the same operation).
    pub async fn query(
        &self,
        operation: &'static str,
        query: &str,
        variables: Value,
    ) -> Result<Value, ConnectorError> {
        let shop = self.shop.as_str();
        let wait = self.throttle().wait_for(operation, Instant::now());
        if wait > self.max_wait {
            return Err(ConnectorError::RateLimited { retry_after: wait });
        }
        if !wait.is_zero() {
            tracing::debug!(
                shop,
                operation,
                ?wait,
                "waiting for Shopify query cost points"
            );
            tokio::time::sleep(wait).await;
        }

        let response = self
            .http
            .post(&self.endpoint)
            .header("X-Shopify-Access-Token", &self.access_token)
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .map_err(|e| transport_error(shop, operation, &e))?;
        if let Some(err) = error_for_status(shop, operation, &response) {
            return Err(err);
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(shop, operation, &e))?;
        // A body that is not JSON on a 200 is a cut-off response or a proxy's error page:
        // worth another try later.
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ConnectorError::Transient(format!(
                "Shopify {shop}: {operation} query answered malformed JSON ({e}): {}",
                truncate(&String::from_utf8_lossy(&bytes))
            ))
        })?;

        let now = Instant::now();
        let cost: Option<Cost> = body
            .pointer("/extensions/cost")
            .and_then(|c| serde_json::from_value(c.clone()).ok());
        if let Some(cost) = &cost {
            self.throttle().record(operation, cost, now);
        }
        if let Some(errors) = body.get("errors") {
            return Err(graphql_error(shop, operation, errors, cost.as_ref(), now));
        }
        match body.get("data") {
            Some(data) if data.is_object() => Ok(data.clone()),
            _ => Err(ConnectorError::Permanent(format!(
                "Shopify {shop}: {operation} query answered without data"
            ))),
        }
    }

    fn throttle(&self) -> std::sync::MutexGuard<'_, Throttle> {
        // The throttle holds plain numbers; a panic elsewhere cannot leave it inconsistent.
        self.throttle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `errors` of a GraphQL response → the error the worker should see.
fn graphql_error(
    shop: &str,
    operation: &str,
    errors: &Value,
    cost: Option<&Cost>,
    now: Instant,
) -> ConnectorError {
    let list: Vec<&Value> = match errors {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let code_of = |e: &Value| {
        e.pointer("/extensions/code")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let message_of = |e: &Value| match e {
        Value::String(s) => s.clone(),
        _ => e
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string()),
    };
    let messages = list
        .iter()
        .map(|e| message_of(e))
        .collect::<Vec<_>>()
        .join("; ");
    let codes: Vec<String> = list.iter().map(|e| code_of(e)).collect();
    if codes.iter().any(|c| c == "THROTTLED") {
        let retry_after = cost
            .map(|c| Bucket::new(c.throttle_status, now).wait_for(c.requested_query_cost, now))
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_secs(1));
        return ConnectorError::RateLimited { retry_after };
    }
    if codes.iter().any(|c| c == "ACCESS_DENIED") {
        return ConnectorError::Auth(format!(
            "Shopify {shop}: {operation} query denied (missing scope or protected customer data access?): {messages}"
        ));
    }
    if codes
        .iter()
        .any(|c| c == "INTERNAL_SERVER_ERROR" || c == "SERVICE_UNAVAILABLE")
    {
        return ConnectorError::Transient(format!(
            "Shopify {shop}: {operation} query failed inside Shopify: {messages}"
        ));
    }
    ConnectorError::Permanent(format!(
        "Shopify {shop}: {operation} query rejected: {messages}"
    ))
}

/// A non-success HTTP status → the matching error; `None` for 2xx.
pub(crate) fn error_for_status(
    shop: &str,
    what: &str,
    response: &reqwest::Response,
) -> Option<ConnectorError> {
    let status = response.status();
    if status.is_success() {
        return None;
    }
    let code = status.as_u16();
    Some(match status {
        StatusCode::TOO_MANY_REQUESTS => ConnectorError::RateLimited {
            retry_after: response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|secs| secs.is_finite() && *secs >= 0.0)
                .map(super::throttle::secs_rounded_up)
                .unwrap_or(DEFAULT_RETRY_AFTER),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ConnectorError::Auth(format!(
            "Shopify {shop}: {what} refused the access token (HTTP {code}); reinstall the app or update the token"
        )),
        StatusCode::PAYMENT_REQUIRED => ConnectorError::Permanent(format!(
            "Shopify {shop}: {what} refused (HTTP 402): the shop is frozen or unpaid"
        )),
        StatusCode::NOT_FOUND => ConnectorError::Permanent(format!(
            "Shopify {shop}: {what} not found (HTTP 404): check the shop domain and API version"
        )),
        StatusCode::LOCKED => ConnectorError::Permanent(format!(
            "Shopify {shop}: {what} refused (HTTP 423): the shop is locked"
        )),
        s if s.is_server_error() => ConnectorError::Transient(format!(
            "Shopify {shop}: {what} failed on Shopify's side (HTTP {code})"
        )),
        _ => ConnectorError::Permanent(format!(
            "Shopify {shop}: {what} refused (HTTP {code})"
        )),
    })
}

/// A request that got no answer (connect error, timeout, cut-off body): retry later.
pub(crate) fn transport_error(shop: &str, what: &str, e: &reqwest::Error) -> ConnectorError {
    crate::transport::failed(&format!("Shopify {shop}:"), what, e)
}
