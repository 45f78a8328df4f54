//! Shopify: OAuth install, Admin GraphQL polling of orders, webhooks.
//!
//! - [`oauth`]: shop-domain check, install URL, callback HMAC check, code → token exchange.
//! - [`webhook`]: `X-Shopify-Hmac-Sha256` check, delivery headers, payloads → typed events.
//! - [`graphql`]: the Admin GraphQL client with cost-based [`throttle`]; HTTP and GraphQL
//!   failures become [`ConnectorError`](crate::ConnectorError)s that name the shop.
//! - [`orders`]: the orders query and the mapping of orders (GraphQL and REST webhook
//!   shapes) to [`InboundOrder`](crate::InboundOrder); [`money`]: decimal strings → minor units.
//! - [`refunds`]: refunds issued exactly once (idempotency key + note lookup).
//! - [`connector`]: [`ShopifyConnector`], the [`Connector`](crate::Connector) the worker polls.

pub mod connector;
pub mod graphql;
pub mod money;
pub mod oauth;
pub mod orders;
pub mod refunds;
pub mod throttle;
pub mod webhook;

pub use connector::{PollCursor, ShopifyConfig, ShopifyConnector};

/// The channel name orders from Shopify are stored under.
pub const CHANNEL: &str = "shopify";

/// The Admin API version used unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "2025-10";

/// `gid://shopify/Order/123` → `123`; anything else is returned as it is.
pub fn legacy_id(gid: &str) -> String {
    match gid.strip_prefix("gid://shopify/") {
        Some(rest) => rest.rsplit('/').next().unwrap_or(rest).to_string(),
        None => gid.to_string(),
    }
}
