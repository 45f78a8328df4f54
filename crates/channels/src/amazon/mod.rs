//! Amazon Selling Partner API: Login with Amazon tokens, orders, messaging, returns report, notifications.
//!
//! - [`config`]: [`AmazonConfig`], regions, and the settings JSON [`from_settings`] reads.
//! - [`auth`]: Login with Amazon refresh-token exchange and the access token cache.
//! - [`rate`]: per-operation token buckets with the documented usage plans.
//! - [`client`]: the SP-API HTTP client (`x-amz-access-token`, one refresh-and-retry on
//!   401/403, errors → [`ConnectorError`](crate::ConnectorError)).
//! - [`orders`]: Orders API 2026-01-01 and v0 (fallback), mapped to
//!   [`InboundOrder`](crate::InboundOrder); [`money`]: amounts and marketplaces.
//! - [`messaging`]: allowed message types for an order and sending one.
//! - [`report`]: Reports API 2021-06-30 (create, status, document download);
//!   [`returns`]: the returns flat file → [`InboundReturn`](crate::InboundReturn)s.
//! - [`notifications`]: `ORDER_CHANGE` and `REPORT_PROCESSING_FINISHED` notifications.
//! - [`sqs`]: the SQS queue they arrive in (long-poll receive, batch delete, message →
//!   webhook delivery), signed with [`sigv4`] (AWS Signature Version 4).
//! - [`cursor`] and [`connector`]: [`AmazonConnector`], the [`Connector`](crate::Connector).
//!
//! # Poll cursor
//!
//! JSON with two streams and whose turn it is:
//!
//! ```json
//! {"orders":  {"api": "2026-01-01" | "v0", "since": "<RFC 3339>",
//!              "until": "<RFC 3339>" | null, "after": "<page token>" | null},
//!  "returns": {"since": "<RFC 3339>", "next_at": "<RFC 3339>" | null,
//!              "report": null | {"id": "<reportId>", "start": "<RFC 3339>", "end": "<RFC 3339>",
//!                                "document": "<reportDocumentId>" | null, "offset": 0}},
//!  "turn": "orders" | "returns"}
//! ```
//!
//! Each poll serves one stream and hands the turn to the other; the returns stream gives its
//! turn back to orders when it has nothing due. No cursor → both streams start
//! `backfill_days` back.
//!
//! - **Orders**: a sweep reads orders updated in `[since, until]` page by page; `until` is
//!   fixed at the sweep's start (now − 2 min, as Amazon requires) and `after` is the next
//!   page's token (`paginationToken` for 2026-01-01, `NextToken` for v0, which also takes
//!   one `getOrderItems` call per order). After the last page the next sweep starts at
//!   `until`; both bounds are inclusive, so an order updated exactly there is read twice,
//!   which the ingest's upsert by order id makes harmless.
//! - **Returns**: no `report` and `next_at` passed → `createReport`
//!   (`GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE` over `[since, now]`, at most 60 days);
//!   a `report` without `document` → one `getReport`: `IN_QUEUE`/`IN_PROGRESS` leave the
//!   cursor as it is (the next turn asks again, nothing waits), `CANCELLED` (no data)
//!   finishes the report, `FATAL` drops it and asks again after `returns_interval_minutes`,
//!   `DONE` records the document and reads its first page; a `report` with `document` →
//!   `getReportDocument`, download, parse, and deliver [`connector::RETURNS_PER_POLL`]
//!   returns from `offset`, each preceded by its order (`getOrder`) when Amazon gives it.
//!   A finished report sets `since` to its end − `returns_lookback_days` (so state changes
//!   of recent returns are read again) and `next_at` to now + `returns_interval_minutes`.
//!
//! `more` is true while an orders sweep has pages left or a finished report has returns
//! left. A failed poll returns an error and no cursor, so the same step runs again.
//!
//! # Limits
//!
//! - Buyer messages reach Aftersail through Amazon's email relay (the email channel); this
//!   connector sends typed messages only (see [`messaging`]). The Messaging API takes no
//!   idempotency key: a send whose answer was lost and is retried can reach the buyer twice.
//! - Files in messages need the Uploads API first, which is not implemented:
//!   [`AmazonConnector::send_message`] takes upload destination ids obtained elsewhere.
//! - Notifications arrive through an SQS queue, which the connector's poll does not read:
//!   a worker reads it with [`sqs::SqsClient`] and hands message bodies to
//!   [`parse_notification`] / `kinds::parse_webhook`.
//! - Buyer name, email and address are restricted data: Amazon returns them only to
//!   applications with the matching roles (a Restricted Data Token is not requested here).
//! - Refunds of merchant orders and answers to returns are not in the SP-API: they are
//!   refused with a message pointing to Seller Central.
//! - A returns stream Amazon refuses (no Reports role) fails the poll with its reason; set
//!   `returns: false` for such accounts.

pub mod auth;
pub mod client;
pub mod config;
pub mod connector;
pub mod cursor;
pub mod messaging;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod rate;
pub mod report;
pub mod returns;
pub mod sigv4;
pub mod sqs;

pub use config::{AmazonConfig, OrdersApiChoice, Region};
pub use connector::AmazonConnector;
pub use cursor::PollCursor;
pub use messaging::UploadedFile;
pub use notifications::{parse_notification, Notification};

/// The channel name Amazon orders and returns are stored under.
pub const CHANNEL: &str = "amazon";

/// Builds the connector of one seller account from its stored settings (plain JSON) and
/// secrets (decrypted JSON).
///
/// Settings:
/// - `region` (required unless `base_url` is set): `"na"`, `"eu"` or `"fe"`;
/// - `marketplace_ids` (required): a list of marketplace ids (`["A1PA6795UKMFR9"]`), 1–50;
/// - `seller_id`: the merchant id; notifications for other sellers are ignored;
/// - `base_url`: replaces the regional host `https://sellingpartnerapi-{region}.amazon.com`;
/// - `lwa_url`: the token endpoint, default `https://api.amazon.com/auth/o2/token`;
/// - `orders_api`: `"auto"` (default: 2026-01-01, falling back to v0 on 403/404),
///   `"2026-01-01"` or `"v0"`;
/// - `backfill_days`: how far back the first poll goes, 1–730, default 30;
/// - `page_size`: orders per poll, 1–100 (default 100, or 20 with v0);
/// - `returns`: whether the returns report is polled, default `true`;
/// - `returns_interval_minutes`: the least time between returns reports, default 60;
/// - `returns_lookback_days`: how far each report reaches back before the previous one's
///   end, 0–60, default 14.
///
/// Secrets: `client_id`, `client_secret` (the LWA application's credentials) and
/// `refresh_token` (the seller's authorization), all required.
pub fn from_settings(
    settings: &serde_json::Value,
    secrets: &serde_json::Value,
) -> Result<AmazonConnector, String> {
    let config = AmazonConfig::from_json(settings, secrets)?;
    AmazonConnector::new(config).map_err(|e| e.to_string())
}

/// The seller's notification queue, when the settings name one (`sqs_queue_url`, with
/// `aws_access_key_id` / `aws_secret_access_key` among the secrets; see
/// [`sqs::SqsConfig::from_json`]); `None` without a queue.
pub fn queue_from_settings(
    settings: &serde_json::Value,
    secrets: &serde_json::Value,
) -> Result<Option<sqs::SqsClient>, String> {
    if crate::json::text(settings, "/sqs_queue_url").is_none() {
        return Ok(None);
    }
    let config = sqs::SqsConfig::from_json(settings, secrets)?;
    let http = reqwest::Client::builder()
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    sqs::SqsClient::new(config, http)
        .map(Some)
        .map_err(|e| e.to_string())
}
