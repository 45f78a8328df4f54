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
    /// A return opened on the marketplace. A connector puts the return's order in the same
    /// batch before it when it can; the ingest creates a bare order otherwise.
    Return(InboundReturn),
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
    /// The marketplace conversation the message belongs to (eBay `conversationId`, Shopee
    /// `conversation_id`): every message of one conversation threads into one ticket, and
    /// replies are sent into it. `None` for mail.
    pub conversation: Option<String>,
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

/// Where a marketplace return stands, in our RMA statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnState {
    /// The buyer asked; the seller has not answered.
    Requested,
    Approved,
    Rejected,
    /// The buyer shipped the item back.
    InTransit,
    /// The item arrived at the seller.
    Received,
    Refunded,
    /// Cancelled, closed by the marketplace or otherwise over.
    Closed,
}

impl ReturnState {
    /// The `rmas.status` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::InTransit => "in_transit",
            Self::Received => "received",
            Self::Refunded => "refunded",
            Self::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundReturnItem {
    pub sku: String,
    pub title: String,
    pub quantity: i32,
}

/// A return (RMA) as the marketplace knows it.
#[derive(Debug, Clone)]
pub struct InboundReturn {
    /// `amazon`, `ebay` or `shopee`.
    pub channel: String,
    /// The marketplace's return id, unique per channel.
    pub external_id: String,
    /// The order it returns (the same id the order sync uses).
    pub order_external_id: String,
    pub state: ReturnState,
    /// The buyer's reason as the marketplace words it (e.g. `DEFECTIVE`, "Item not as described").
    pub reason: String,
    pub buyer_comment: Option<String>,
    pub customer: InboundCustomer,
    pub items: Vec<InboundReturnItem>,
    /// What the buyer asks back or the marketplace settled, when known.
    pub refund_minor: Option<i64>,
    /// ISO 4217, upper case.
    pub currency: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub requested_at: DateTime<Utc>,
    /// The API's JSON (or the report's row) as received.
    pub raw: Vec<u8>,
}

/// One refund to issue on the marketplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// Stable across retries: sent where the API takes one, and kept in the refund's note
    /// so a retry after a crash finds the refund made before.
    pub idempotency_key: String,
    pub order_external_id: String,
    /// The marketplace return being refunded, when the refund answers one.
    pub return_external_id: Option<String>,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// Shown to the buyer where the marketplace shows a comment.
    pub note: String,
}

/// The seller's answer to a marketplace return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnAnswer {
    /// Accept: the buyer sends the item back (or keeps it, where the marketplace decides so).
    Accept,
    Decline {
        reason: String,
    },
    /// Offer a partial refund instead of a return.
    Offer {
        amount_minor: i64,
        currency: String,
    },
}

/// A webhook delivery as the web layer received it.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The full URL the platform posted to (`https://host/webhooks/ebay/<id>`), as it
    /// signed it.
    pub url: &'a str,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// What identifies a verified delivery: redeliveries carry the same id and are stored once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: String,
    pub topic: String,
}

/// What the worker does with a stored delivery.
#[derive(Debug, Clone)]
pub enum WebhookAction {
    /// Store these like polled items (no cursor change).
    Ingest(Vec<Inbound>),
    /// Something changed that the next poll will bring: poll now.
    PollSoon,
    /// The seller disconnected us on the platform: stop the channel with this reason.
    Revoke(String),
    /// Nothing to do (a topic we do not use, a test notification).
    Ignore,
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
    /// The marketplace's kind of message where it has several (Amazon Messaging:
    /// `confirmDeliveryDetails`, `unexpectedProblem`, `warranty`, `invoice`, …); `None`
    /// for free text.
    pub action: Option<String>,
    /// The marketplace conversation to answer in (eBay `conversationId`, Shopee
    /// `conversation_id`), from the message being answered.
    pub conversation: Option<String>,
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

    /// Checks a webhook's signature (over the raw body, and the URL where the platform signs
    /// it) and says which delivery it is. `Auth`: not signed by the platform (answered 401);
    /// `Permanent`: signed but unusable (400); `Transient`: cannot check now, e.g. the
    /// platform's key server is down (503, so the platform delivers again). Channels without
    /// webhooks refuse all.
    async fn verify_webhook(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookDelivery, ConnectorError> {
        let _ = request;
        Err(ConnectorError::Permanent(
            "this channel does not take webhooks".into(),
        ))
    }

    /// Answers a platform's endpoint check (`GET` with a challenge in the query string, as
    /// eBay's Notification API sends): `Some(json body)`, or `None` when this channel has
    /// no such check. `url` is the endpoint as registered with the platform.
    fn webhook_challenge(&self, url: &str, query: &str) -> Option<serde_json::Value> {
        let _ = (url, query);
        None
    }

    /// Issues a refund on the platform; returns the platform's id for it. Must not refund
    /// twice for the same `idempotency_key`, even when a first call's answer was lost.
    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        let _ = refund;
        Err(ConnectorError::Permanent(
            "this channel cannot issue refunds".into(),
        ))
    }

    /// The kinds of message the marketplace's own messaging allows for this order now
    /// (Amazon: `getMessagingActionsForOrder`), for [`Outbound::action`]. Channels without
    /// such messaging refuse.
    async fn message_actions(
        &self,
        order_external_id: &str,
    ) -> Result<Vec<String>, ConnectorError> {
        let _ = order_external_id;
        Err(ConnectorError::Permanent(
            "this channel has no kinds of message to choose from".into(),
        ))
    }

    /// Credentials the platform rotated since the connector was built (a new refresh token
    /// that replaces the stored one, as Shopee's does), as the complete secrets JSON to seal
    /// and store; `None` when nothing changed. The worker asks after every call.
    fn rotated_secrets(&self) -> Option<serde_json::Value> {
        None
    }

    /// Answers a marketplace return (accept, decline, offer a partial refund).
    async fn answer_return(
        &self,
        return_external_id: &str,
        answer: &ReturnAnswer,
    ) -> Result<(), ConnectorError> {
        let _ = (return_external_id, answer);
        Err(ConnectorError::Permanent(
            "this channel has no returns to answer".into(),
        ))
    }
}
