//! The connector contract shared by every channel, and the records a poll returns.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Why a connector call failed, which decides what the worker does next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// Credentials were refused (or expired and could not be refreshed): the channel needs
    /// its owner; the worker stops polling it until the settings change.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The remote side asked us to slow down; try again after `retry_after`.
    #[error("rate limited; retry after {}s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// Network trouble, timeouts, 5xx: retry with backoff.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The request can never succeed as it is (malformed payload, rejected recipient, 4xx):
    /// do not retry the same thing.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl ConnectorError {
    /// Whether trying the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Transient(_))
    }
}

/// What one poll found. The worker ingests every item and stores `cursor` in the same
/// transaction, so a crash before the commit makes the next poll return the same items
/// (deduplicated by `(channel, external_id)`), and a crash after it returns the next ones.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub items: Vec<Inbound>,
    /// The position to poll from next time; `None` keeps the stored one.
    pub cursor: Option<String>,
    /// More is waiting already: poll again at once instead of after the interval.
    pub more: bool,
    /// How many items the remote side still holds for us, when it says.
    pub backlog: Option<i64>,
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Inbound {
    Message(InboundMessage),
    Order(InboundOrder),
}

/// How a mail was produced by a machine rather than a person. Rules never answer these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automated {
    /// `Auto-Submitted: auto-replied`, vacation notices, `X-Autoreply` and the like.
    AutoReply,
    /// Delivery status notifications (`multipart/report; report-type=delivery-status`),
    /// mailer-daemon and postmaster bounces.
    Bounce,
    /// Bulk or list mail (`Precedence: bulk/list/junk`, `List-Id`, `Auto-Submitted: auto-generated`).
    Bulk,
}

impl Automated {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AutoReply => "auto_reply",
            Self::Bounce => "bounce",
            Self::Bulk => "bulk",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// Lower-cased address (email, relay alias or marketplace buyer id).
    pub address: String,
    pub name: Option<String>,
}

/// What threads a message into an existing ticket, strongest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadHints {
    /// Ids this message answers (`In-Reply-To` then `References`, newest first), without `<>`.
    pub replies_to: Vec<String>,
    /// A ticket number found as a token in the subject (`[#1042]`).
    pub ticket_number: Option<i64>,
    /// Subject without reply/forward prefixes (Re:, AW:, RE:, 回复:, Fwd:, WG: …), trimmed
    /// and lower-cased, for the last-resort sender + subject match.
    pub normalized_subject: String,
}

#[derive(Debug, Clone)]
pub struct InboundMessage {
    /// The channel the message belongs to: `email`, or `amazon`/`ebay` for marketplace
    /// relay mail, or the marketplace's own name for API channels.
    pub channel: String,
    /// Unique per channel: the Message-ID (without `<>`) for mail, the API's id otherwise.
    pub external_id: String,
    pub from: Party,
    /// Where answers must go when not `from.address` (a marketplace relay alias, Reply-To).
    pub reply_to: Option<String>,
    pub subject: String,
    /// The whole text as received (text part, or the HTML part turned into text).
    pub body_text: String,
    /// What an agent reads first: `body_text` without quoted history and signature.
    pub display_text: String,
    /// Sanitized HTML (ammonia), safe to show; `None` for text-only messages.
    pub body_html: Option<String>,
    /// A BCP 47 language code when the channel says or the text makes it clear.
    pub language: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub thread: ThreadHints,
    /// The marketplace order this message is about (e.g. Amazon `123-1234567-1234567`).
    pub order_external_id: Option<String>,
    pub automated: Option<Automated>,
    pub attachments: Vec<InboundAttachment>,
    /// The message exactly as received (RFC 5322 bytes or the API's JSON), kept so derived
    /// rows can be rebuilt.
    pub raw: Vec<u8>,
    /// `message/rfc822` or `application/json`.
    pub raw_content_type: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    /// `Content-ID` without `<>`, for inline images referenced as `cid:` in the HTML.
    pub content_id: Option<String>,
    pub inline: bool,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboundCustomer {
    /// The channel's own id for the buyer, when it has one.
    pub external_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundOrderItem {
    pub sku: String,
    pub title: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
}

#[derive(Debug, Clone)]
pub struct InboundOrder {
    pub channel: String,
    /// The order number buyers and agents see (`#1001`, `123-1234567-1234567`).
    pub external_id: String,
    pub status: String,
    pub customer: InboundCustomer,
    pub total_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub shipping_country: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub items: Vec<InboundOrderItem>,
    /// The API's JSON for this order, kept as received.
    pub raw: Vec<u8>,
}

/// One reply to deliver.
#[derive(Debug, Clone, Default)]
pub struct Outbound {
    /// Our own id for this message, stable across retries (`<outbox id>@<host>` for mail),
    /// so a resend after a crash is recognisable as the same message.
    pub message_id: String,
    /// Stable across retries; APIs that support idempotency get it as their key.
    pub idempotency_key: String,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    /// The ids of the message answered and its references, without `<>`, oldest first.
    pub references: Vec<String>,
    pub order_external_id: Option<String>,
    pub attachments: Vec<OutboundAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the channel answered for a delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The id the channel knows the message by (the Message-ID for mail).
    pub external_id: String,
}

/// A channel connector. Implementations hold their configuration and credentials (already
/// decrypted) and no database handle.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    /// Fetches what arrived since `cursor` (`None`: the first poll; the connector decides
    /// how far back to go). Must not skip anything: the worker stores the returned cursor
    /// only together with the items.
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError>;

    /// Delivers one message.
    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError>;

    /// Checks credentials and reachability without changing anything (Settings → "Test connection").
    async fn check(&self) -> Result<(), ConnectorError>;

    /// Waits up to `max_wait` for the remote side to announce new items (IMAP IDLE), so they
    /// are polled at once instead of at the next interval. `Ok(true)`: something arrived;
    /// `Ok(false)`: nothing within `max_wait`. Channels that cannot push refuse (the default).
    async fn wait_for_activity(&self, max_wait: Duration) -> Result<bool, ConnectorError> {
        let _ = max_wait;
        Err(ConnectorError::Permanent(
            "this channel cannot announce new items".into(),
        ))
    }

    /// Checks a webhook's signature over the raw body. Channels without webhooks refuse all.
    fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), ConnectorError> {
        let _ = (headers, body);
        Err(ConnectorError::Permanent(
            "this channel does not take webhooks".into(),
        ))
    }
}
