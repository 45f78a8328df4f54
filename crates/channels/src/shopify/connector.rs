//! [`ShopifyConnector`]: polls orders over Admin GraphQL and checks webhooks.
//!
//! # Poll cursor
//!
//! JSON `{"since":"<RFC 3339>","after":"<GraphQL endCursor>"|null,"seen":"<RFC 3339>"|null}`:
//! - `since`: the `updated_at` watermark of the current sweep (`updated_at:>='since'`);
//! - `after`: the page cursor within the sweep, `null` at its start;
//! - `seen`: the latest `updatedAt` read so far in the sweep.
//!
//! No cursor → a sweep from now − `backfill_days`. Each poll reads one page; while
//! `hasNextPage` the cursor keeps `since` and moves `after` (and `more` is true). After the
//! last page the next sweep starts at `seen` with no `after`. The filter is inclusive, so
//! orders updated exactly at the watermark are read again: harmless, since the ingest
//! upserts by `(channel, external_id)`, and it means none updated in the same second is lost.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::graphql::GraphqlClient;
use super::orders::{self, ORDERS_QUERY};
use super::{oauth, webhook, DEFAULT_API_VERSION};
use crate::{
    Batch, Connector, ConnectorError, Inbound, Outbound, RefundRequest, Sent, WebhookDelivery,
    WebhookRequest,
};

/// Settings for one connected shop.
#[derive(Clone)]
pub struct ShopifyConfig {
    /// `name.myshopify.com`.
    pub shop: String,
    /// `https://{shop}` unless set (tests point it at a local server).
    pub base_url: Option<String>,
    /// Admin API version, e.g. `2025-10`.
    pub api_version: String,
    pub access_token: String,
    /// The app's API secret: signs webhooks and OAuth callbacks.
    pub api_secret: String,
    /// Orders per poll (1–250).
    pub page_size: u32,
    /// The longest a request waits for throttle points before answering `RateLimited`.
    pub max_throttle_wait: Duration,
    /// How far back the first poll goes.
    pub backfill_days: u32,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl ShopifyConfig {
    /// The defaults: API 2025-10, 50 orders a page, 10 s throttle wait, 90 days back,
    /// 30 s timeout.
    pub fn new(shop: &str, access_token: &str, api_secret: &str) -> Self {
        Self {
            shop: shop.to_string(),
            base_url: None,
            api_version: DEFAULT_API_VERSION.to_string(),
            access_token: access_token.to_string(),
            api_secret: api_secret.to_string(),
            page_size: 50,
            max_throttle_wait: Duration::from_secs(10),
            backfill_days: 90,
            timeout: Duration::from_secs(30),
        }
    }

    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("https://{}", self.shop))
    }
}

impl std::fmt::Debug for ShopifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyConfig")
            .field("shop", &self.shop)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("access_token", &"<redacted>")
            .field("api_secret", &"<redacted>")
            .field("page_size", &self.page_size)
            .field("max_throttle_wait", &self.max_throttle_wait)
            .field("backfill_days", &self.backfill_days)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The poll position; see the module docs for the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollCursor {
    pub since: DateTime<Utc>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub seen: Option<DateTime<Utc>>,
}

impl PollCursor {
    pub fn parse(shop: &str, s: &str) -> Result<Self, ConnectorError> {
        serde_json::from_str(s).map_err(|e| {
            ConnectorError::Permanent(format!("Shopify {shop}: unreadable poll cursor {s:?}: {e}"))
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a cursor always serializes")
    }
}

/// One connected shop. Holds the throttle bucket, so keep one per shop and reuse it.
#[derive(Debug)]
pub struct ShopifyConnector {
    config: ShopifyConfig,
    client: GraphqlClient,
}

impl ShopifyConnector {
    /// Refuses shop domains that are not `name.myshopify.com`.
    pub fn new(config: ShopifyConfig) -> Result<Self, ConnectorError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ConnectorError::Permanent(format!("HTTP client: {e}")))?;
        Self::with_client(config, http)
    }

    /// Like [`new`](Self::new), with a caller's HTTP client (shared pools, proxies).
    pub fn with_client(
        config: ShopifyConfig,
        http: reqwest::Client,
    ) -> Result<Self, ConnectorError> {
        if !oauth::valid_shop_domain(&config.shop) {
            return Err(ConnectorError::Permanent(format!(
                "not a myshopify.com shop domain: {:?}",
                config.shop
            )));
        }
        let client = GraphqlClient::new(
            http,
            &config.shop,
            &config.base_url(),
            &config.api_version,
            &config.access_token,
            config.max_throttle_wait,
        );
        Ok(Self { config, client })
    }

    pub fn config(&self) -> &ShopifyConfig {
        &self.config
    }

    /// Subscribes `callback_url` to every topic in [`TOPICS`](super::webhook::TOPICS) (JSON).
    /// A topic already subscribed to that address counts as done. Returns the topics
    /// subscribed now.
    pub async fn register_webhooks(
        &self,
        callback_url: &str,
    ) -> Result<Vec<String>, ConnectorError> {
        let shop = self.config.shop.as_str();
        let mut registered = Vec::new();
        for topic in super::webhook::TOPICS {
            // orders/create → ORDERS_CREATE, app/uninstalled → APP_UNINSTALLED
            let enum_value = topic.replace('/', "_").to_uppercase();
            let data = self
                .client
                .query(
                    "webhookSubscriptionCreate",
                    WEBHOOK_SUBSCRIPTION_CREATE,
                    json!({
                        "topic": enum_value,
                        "sub": { "callbackUrl": callback_url, "format": "JSON" },
                    }),
                )
                .await?;
            let errors = data
                .pointer("/webhookSubscriptionCreate/userErrors")
                .and_then(|e| e.as_array())
                .cloned()
                .unwrap_or_default();
            let messages: Vec<String> = errors
                .iter()
                .filter_map(|e| e.get("message").and_then(|m| m.as_str()))
                .map(str::to_owned)
                .collect();
            if messages.is_empty() {
                registered.push((*topic).to_owned());
            } else if !messages
                .iter()
                .all(|m| m.to_lowercase().contains("already been taken"))
            {
                return Err(ConnectorError::Permanent(format!(
                    "Shopify {shop}: subscribing to {topic} failed: {}",
                    messages.join("; ")
                )));
            }
        }
        Ok(registered)
    }

    fn first_cursor(&self) -> PollCursor {
        PollCursor {
            since: Utc::now() - chrono::Duration::days(i64::from(self.config.backfill_days)),
            after: None,
            seen: None,
        }
    }
}

const WEBHOOK_SUBSCRIPTION_CREATE: &str = "mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } } }";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[async_trait::async_trait]
impl Connector for ShopifyConnector {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        let shop = self.config.shop.as_str();
        let cursor = match cursor {
            Some(c) => PollCursor::parse(shop, c)?,
            None => self.first_cursor(),
        };
        let data = self
            .client
            .query(
                "orders",
                ORDERS_QUERY,
                json!({
                    "first": self.config.page_size.clamp(1, 250),
                    "after": cursor.after,
                    "query": orders::updated_since_filter(cursor.since),
                }),
            )
            .await?;
        let unexpected =
            |what: &str| ConnectorError::Permanent(format!("Shopify {shop}: orders answer {what}"));
        let connection = data
            .get("orders")
            .ok_or_else(|| unexpected("has no orders field"))?;
        let page: PageInfo = connection
            .get("pageInfo")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok())
            .ok_or_else(|| unexpected("has no readable pageInfo"))?;
        let nodes = connection
            .get("nodes")
            .and_then(Value::as_array)
            .ok_or_else(|| unexpected("has no nodes"))?;

        let mut items = Vec::with_capacity(nodes.len());
        let mut seen = cursor.seen;
        for node in nodes {
            items.push(Inbound::Order(orders::from_graphql(shop, node)?));
            let updated = node
                .get("updatedAt")
                .and_then(Value::as_str)
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc));
            seen = seen.max(updated);
        }

        let (next, more) = match (page.has_next_page, page.end_cursor) {
            (true, Some(after)) => (
                PollCursor {
                    since: cursor.since,
                    after: Some(after),
                    seen,
                },
                true,
            ),
            _ => (
                PollCursor {
                    since: seen.unwrap_or(cursor.since).max(cursor.since),
                    after: None,
                    seen: None,
                },
                false,
            ),
        };
        Ok(Batch {
            items,
            cursor: Some(next.encode()),
            more,
            backlog: None,
        })
    }

    async fn send(&self, _message: &Outbound) -> Result<Sent, ConnectorError> {
        Err(ConnectorError::Permanent(
            "Shopify has no buyer messaging API; replies to Shopify customers go by email".into(),
        ))
    }

    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        super::refunds::issue(&self.client, refund).await
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        let data = self
            .client
            .query("shop", "{ shop { name } }", json!({}))
            .await?;
        match data.pointer("/shop/name").and_then(Value::as_str) {
            Some(_) => Ok(()),
            None => Err(ConnectorError::Permanent(format!(
                "Shopify {}: shop query answered without a shop name",
                self.config.shop
            ))),
        }
    }

    async fn verify_webhook(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookDelivery, ConnectorError> {
        // An empty secret would let anyone sign; such a channel accepts nothing.
        if self.config.api_secret.is_empty() {
            return Err(ConnectorError::Auth(
                "this Shopify channel has no API secret to check webhooks with".into(),
            ));
        }
        webhook::verify(&self.config.api_secret, request.headers, request.body)
            .map_err(|e| ConnectorError::Auth(e.to_string()))?;
        let delivery = webhook::Delivery::from_headers(request.headers)?;
        Ok(WebhookDelivery {
            id: webhook::delivery_key(request.body),
            topic: delivery.topic,
        })
    }
}
