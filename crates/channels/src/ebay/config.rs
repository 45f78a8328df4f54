//! [`EbayConfig`]: one connected eBay seller account — environment, API roots, credentials
//! and tuning — with a Debug that never shows a secret.

use std::time::Duration;

/// Which eBay the account lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.ebay.com`.
    Production,
    /// `https://api.sandbox.ebay.com`.
    Sandbox,
}

impl Environment {
    /// `production` or `sandbox` (any case); anything else is refused.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(Self::Production),
            "sandbox" => Ok(Self::Sandbox),
            other => Err(format!(
                "unknown eBay environment {other:?} (production or sandbox)"
            )),
        }
    }

    pub fn api_root(self) -> &'static str {
        match self {
            Self::Production => "https://api.ebay.com",
            Self::Sandbox => "https://api.sandbox.ebay.com",
        }
    }
}

/// The OAuth scopes asked for when refreshing the user token: orders and refunds (Sell
/// Fulfillment, `sell.finances` for issueRefund), messages, and the base scope.
pub const DEFAULT_SCOPES: [&str; 4] = [
    "https://api.ebay.com/oauth/api_scope",
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
    "https://api.ebay.com/oauth/api_scope/sell.finances",
    "https://api.ebay.com/oauth/api_scope/commerce.message",
];

/// The scope of the application token the Notification API's getPublicKey wants.
pub const APP_SCOPE: &str = "https://api.ebay.com/oauth/api_scope";

/// Settings and credentials for one eBay seller account.
#[derive(Clone)]
pub struct EbayConfig {
    pub environment: Environment,
    /// Replaces `https://api.ebay.com` (or the sandbox host) for every API.
    pub base_url: Option<String>,
    /// Full roots of single APIs (tests point each at its own mock): `identity` ends before
    /// `/oauth2/token`, the others before the resource path (`/order`, `/conversation`,
    /// `/public_key/..`, `/return/..`).
    pub identity_url: Option<String>,
    pub fulfillment_url: Option<String>,
    pub message_url: Option<String>,
    pub notification_url: Option<String>,
    pub post_order_url: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    /// The Notification API endpoint's verification token (32–80 characters), for the
    /// endpoint challenge.
    pub verification_token: Option<String>,
    pub scopes: Vec<String>,
    /// `X-EBAY-C-MARKETPLACE-ID` for the Post-Order API, e.g. `EBAY_US`, `EBAY_DE`.
    pub marketplace_id: String,
    /// The seller's eBay user name; learned from orders when not set.
    pub seller_username: Option<String>,
    /// How far back the first poll of orders and messages goes.
    pub backfill_days: u32,
    /// The creation-date window every returns/inquiries/cases sweep covers (their search
    /// filters by creation only, so state changes are seen by reading the window again).
    pub post_order_lookback_days: u32,
    /// Orders, returns, inquiries and cases per page (1–200).
    pub page_size: u32,
    /// Conversations per page (1–50).
    pub conversation_page_size: u32,
    /// How far before the end of the last sweep the next one starts (eBay indexes changes
    /// with a delay; re-reading is harmless).
    pub overlap: Duration,
    /// A token is refreshed this long before eBay says it expires.
    pub token_margin: Duration,
    /// How long a notification public key is kept.
    pub public_key_ttl: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl EbayConfig {
    /// Production, `EBAY_US`, the default scopes, 30 days of backfill and look-back, 50 per
    /// page, 25 conversations per page, 5 min overlap and token margin, keys kept 1 h, 30 s
    /// timeout.
    pub fn new(client_id: &str, client_secret: &str, refresh_token: &str) -> Self {
        Self {
            environment: Environment::Production,
            base_url: None,
            identity_url: None,
            fulfillment_url: None,
            message_url: None,
            notification_url: None,
            post_order_url: None,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            refresh_token: refresh_token.to_owned(),
            verification_token: None,
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            marketplace_id: "EBAY_US".to_owned(),
            seller_username: None,
            backfill_days: 30,
            post_order_lookback_days: 30,
            page_size: 50,
            conversation_page_size: 25,
            overlap: Duration::from_secs(300),
            token_margin: Duration::from_secs(300),
            public_key_ttl: Duration::from_secs(3600),
            timeout: Duration::from_secs(30),
        }
    }

    fn root(&self) -> String {
        self.base_url
            .as_deref()
            .unwrap_or(self.environment.api_root())
            .trim_end_matches('/')
            .to_owned()
    }

    fn api(&self, own: &Option<String>, path: &str) -> String {
        match own {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("{}{path}", self.root()),
        }
    }

    /// `POST` here with `grant_type=refresh_token` or `client_credentials`.
    pub fn token_url(&self) -> String {
        format!(
            "{}/oauth2/token",
            self.api(&self.identity_url, "/identity/v1")
        )
    }

    pub fn fulfillment_root(&self) -> String {
        self.api(&self.fulfillment_url, "/sell/fulfillment/v1")
    }

    pub fn message_root(&self) -> String {
        self.api(&self.message_url, "/commerce/message/v1")
    }

    pub fn notification_root(&self) -> String {
        self.api(&self.notification_url, "/commerce/notification/v1")
    }

    pub fn post_order_root(&self) -> String {
        self.api(&self.post_order_url, "/post-order/v2")
    }
}

impl std::fmt::Debug for EbayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EbayConfig")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("identity_url", &self.identity_url)
            .field("fulfillment_url", &self.fulfillment_url)
            .field("message_url", &self.message_url)
            .field("notification_url", &self.notification_url)
            .field("post_order_url", &self.post_order_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field(
                "verification_token",
                &self.verification_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scopes", &self.scopes)
            .field("marketplace_id", &self.marketplace_id)
            .field("seller_username", &self.seller_username)
            .field("backfill_days", &self.backfill_days)
            .field("post_order_lookback_days", &self.post_order_lookback_days)
            .field("page_size", &self.page_size)
            .field("conversation_page_size", &self.conversation_page_size)
            .field("overlap", &self.overlap)
            .field("token_margin", &self.token_margin)
            .field("public_key_ttl", &self.public_key_ttl)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_roots_follow_environment_base_and_overrides() {
        let mut c = EbayConfig::new("id", "secret", "v^1.1#refresh");
        assert_eq!(
            c.token_url(),
            "https://api.ebay.com/identity/v1/oauth2/token"
        );
        assert_eq!(
            c.fulfillment_root(),
            "https://api.ebay.com/sell/fulfillment/v1"
        );
        c.environment = Environment::Sandbox;
        assert_eq!(
            c.message_root(),
            "https://api.sandbox.ebay.com/commerce/message/v1"
        );
        c.base_url = Some("http://127.0.0.1:9/".into());
        assert_eq!(c.post_order_root(), "http://127.0.0.1:9/post-order/v2");
        assert_eq!(
            c.notification_root(),
            "http://127.0.0.1:9/commerce/notification/v1"
        );
        c.identity_url = Some("http://127.0.0.1:7".into());
        assert_eq!(c.token_url(), "http://127.0.0.1:7/oauth2/token");
        assert!(Environment::parse("SANDBOX").is_ok());
        assert!(Environment::parse("staging").is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let mut c = EbayConfig::new("app-id", "very-secret", "v^1.1#refresh-secret");
        c.verification_token = Some("verify-secret-token".into());
        let shown = format!("{c:?}");
        assert!(shown.contains("app-id"));
        for secret in ["very-secret", "refresh-secret", "verify-secret-token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
