//! [`AmazonConnector`]: the [`Connector`] the worker polls (orders sweep and returns
//! report, one step per poll), sends typed buyer messages with, and hands notifications to.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use serde_json::Value;

use super::auth::{LwaCredentials, TokenSource};
use super::client::{ApiError, SpClient};
use super::config::{AmazonConfig, OrdersApiChoice};
use super::cursor::{OrdersApi, OrdersCursor, PendingReport, PollCursor, ReturnsCursor, Stream};
use super::messaging::{self, message_type, UploadedFile, MESSAGE_TYPES};
use super::rate::RateLimits;
use super::report::{self, ReportStatus, RETURNS_REPORT_TYPE};
use super::{orders, returns};
use crate::{
    Batch, Connector, ConnectorError, Inbound, InboundOrder, Outbound, RefundRequest, ReturnAnswer,
    Sent,
};

/// What `send` answers when a reply has no message type.
pub const REPLY_BY_EMAIL: &str = "replies to Amazon buyers go by email through the relay; choose a message type to use the Messaging API";

/// Returns delivered per poll (each with its order, looked up with `getOrder`).
pub const RETURNS_PER_POLL: usize = 25;

/// Amazon wants `lastUpdatedBefore` at least two minutes in the past.
const ORDERS_LAG: chrono::Duration = chrono::Duration::minutes(2);

/// The longest period one returns report may cover.
const MAX_REPORT_DAYS: i64 = 60;

/// One connected seller account. Holds the token cache and the rate-limit buckets, so keep
/// one per account and reuse it.
#[derive(Debug)]
pub struct AmazonConnector {
    config: AmazonConfig,
    client: SpClient,
    /// Set once the 2026 Orders API refused us (automatic choice only).
    use_v0: AtomicBool,
}

impl AmazonConnector {
    pub fn new(config: AmazonConfig) -> Result<Self, ConnectorError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ConnectorError::Permanent(format!("HTTP client: {e}")))?;
        Ok(Self::with_client(config, http))
    }

    /// Like [`new`](Self::new), with a caller's HTTP client (shared pools, proxies).
    pub fn with_client(config: AmazonConfig, http: reqwest::Client) -> Self {
        let tokens = TokenSource::new(
            http.clone(),
            LwaCredentials {
                url: config.lwa_url.clone(),
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                refresh_token: config.refresh_token.clone(),
            },
            config.token_margin,
        );
        let client = SpClient::new(
            http,
            &config.base_url(),
            tokens,
            RateLimits::new(config.max_rate_wait),
        );
        Self {
            use_v0: AtomicBool::new(config.orders_api == OrdersApiChoice::V0),
            config,
            client,
        }
    }

    pub fn config(&self) -> &AmazonConfig {
        &self.config
    }

    /// The SP-API client (its rate limits and token cache).
    pub fn client(&self) -> &SpClient {
        &self.client
    }

    /// The Orders API new sweeps and lookups use.
    pub fn orders_api(&self) -> OrdersApi {
        if self.use_v0.load(Ordering::Relaxed) {
            OrdersApi::V0
        } else {
            OrdersApi::V2026
        }
    }

    fn page_size(&self, api: OrdersApi) -> u32 {
        self.config.page_size.unwrap_or(match api {
            OrdersApi::V2026 => 100,
            OrdersApi::V0 => 20,
        })
    }

    /// Whether an answer of the 2026 API means "not available to us": switch to v0.
    fn falls_back(&self, e: &ApiError) -> bool {
        self.config.orders_api == OrdersApiChoice::Auto && matches!(e.status, Some(403 | 404))
    }

    fn switch_to_v0(&self, e: &ApiError) {
        if !self.use_v0.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %e.error, "Amazon Orders API 2026-01-01 is not available; using v0");
        }
    }

    /// An order's JSON (either API's shape, see [`orders::marketplace_of`]) and the API
    /// that answered; `None` when Amazon does not know the order.
    async fn order_json(
        &self,
        order_id: &str,
    ) -> Result<Option<(Value, OrdersApi)>, ConnectorError> {
        if self.orders_api() == OrdersApi::V2026 {
            match orders::get_2026(&self.client, order_id).await {
                Ok(Some(o)) => return Ok(Some((o, OrdersApi::V2026))),
                Ok(None) if self.config.orders_api != OrdersApiChoice::Auto => return Ok(None),
                Ok(None) => {}
                Err(e) if self.falls_back(&e) => {
                    if e.status == Some(403) {
                        self.switch_to_v0(&e);
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(orders::get_v0(&self.client, order_id)
            .await?
            .map(|o| (o, OrdersApi::V0)))
    }

    /// One order as an [`InboundOrder`], looked up by its id; `None` when Amazon does not
    /// know it.
    pub async fn order(&self, order_id: &str) -> Result<Option<InboundOrder>, ConnectorError> {
        let Some((json, api)) = self.order_json(order_id).await? else {
            return Ok(None);
        };
        let mapped = match api {
            OrdersApi::V2026 => orders::from_2026(&json),
            OrdersApi::V0 => {
                let items = json
                    .get("OrderItems")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                orders::from_v0(&json, &items)
            }
        };
        mapped.map(Some).map_err(|e| {
            ConnectorError::Permanent(format!(
                "Amazon getOrder: cannot read order {order_id}: {e}"
            ))
        })
    }

    /// The marketplace of `order_id`: the only configured one, or the order's own.
    async fn marketplace_for(&self, order_id: &str) -> Result<String, ConnectorError> {
        if let [only] = self.config.marketplace_ids.as_slice() {
            return Ok(only.clone());
        }
        let json = self.order_json(order_id).await?.map(|(j, _)| j);
        json.as_ref()
            .and_then(orders::marketplace_of)
            .ok_or_else(|| {
                ConnectorError::Permanent(format!(
                    "Amazon: order {order_id} was not found in this seller account"
                ))
            })
    }

    /// The message types (action names) Amazon allows for `order_id` now, for the reply
    /// form. Only those [`messaging::MESSAGE_TYPES`] lists can be sent.
    pub async fn allowed_actions(&self, order_id: &str) -> Result<Vec<String>, ConnectorError> {
        let marketplace = self.marketplace_for(order_id).await?;
        Ok(messaging::allowed_actions(&self.client, order_id, &marketplace).await?)
    }

    /// Sends a message of type `action` about `order_id`, after checking Amazon allows that
    /// type for the order now. `files` are files already uploaded with the Uploads API.
    pub async fn send_message(
        &self,
        order_id: &str,
        action: &str,
        text: Option<&str>,
        files: &[UploadedFile],
    ) -> Result<(), ConnectorError> {
        let kind = message_type(action).ok_or_else(|| {
            ConnectorError::Permanent(format!(
                "Amazon message type {action:?} cannot be sent through this connector (it sends {})",
                MESSAGE_TYPES.iter().map(|t| t.action).collect::<Vec<_>>().join(", ")
            ))
        })?;
        messaging::check_content(kind, text, files).map_err(ConnectorError::Permanent)?;
        let marketplace = self.marketplace_for(order_id).await?;
        let allowed = messaging::allowed_actions(&self.client, order_id, &marketplace).await?;
        if !allowed.iter().any(|a| a == action) {
            return Err(ConnectorError::Permanent(format!(
                "Amazon does not allow a {action} message for order {order_id} now; allowed: {}",
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            )));
        }
        messaging::send_message(&self.client, order_id, &marketplace, kind, text, files).await?;
        Ok(())
    }

    /// One page of the orders sweep.
    async fn orders_step(
        &self,
        cursor: &mut OrdersCursor,
        now: DateTime<Utc>,
        items: &mut Vec<Inbound>,
    ) -> Result<(), ConnectorError> {
        let until = match cursor.until {
            Some(until) => until,
            None => {
                let until = now - ORDERS_LAG;
                if until < cursor.since {
                    return Ok(());
                }
                until
            }
        };
        // A sweep stays with the API its page token belongs to.
        let mut api = if cursor.after.is_some() {
            cursor.api
        } else {
            self.orders_api()
        };
        let mut after = cursor.after.clone();
        let marketplaces = &self.config.marketplace_ids;
        let page = loop {
            let result = match api {
                OrdersApi::V2026 => {
                    orders::search_2026(
                        &self.client,
                        marketplaces,
                        cursor.since,
                        until,
                        self.page_size(api),
                        after.as_deref(),
                    )
                    .await
                }
                OrdersApi::V0 => {
                    orders::search_v0(
                        &self.client,
                        marketplaces,
                        cursor.since,
                        until,
                        self.page_size(api),
                        after.as_deref(),
                    )
                    .await
                }
            };
            match result {
                Ok(page) => break page,
                Err(e) if api == OrdersApi::V2026 && self.falls_back(&e) => {
                    // Start the sweep again with v0 (re-reading is harmless).
                    self.switch_to_v0(&e);
                    api = OrdersApi::V0;
                    after = None;
                }
                Err(e) => return Err(e.into()),
            }
        };
        items.extend(page.orders.into_iter().map(Inbound::Order));
        cursor.api = api;
        match page.next_token {
            Some(token) => {
                cursor.until = Some(until);
                cursor.after = Some(token);
            }
            None => {
                // The filter is inclusive: orders updated exactly at `until` come again.
                cursor.since = until;
                cursor.until = None;
                cursor.after = None;
            }
        }
        Ok(())
    }

    /// Requests the next report, checks on the pending one, or delivers a page of a
    /// finished one. Never waits for Amazon to finish a report.
    async fn returns_step(
        &self,
        cursor: &mut ReturnsCursor,
        now: DateTime<Utc>,
        items: &mut Vec<Inbound>,
    ) -> Result<(), ConnectorError> {
        let Some(mut pending) = cursor.report.clone() else {
            let start = cursor.since.min(now);
            let end = now.min(start + chrono::Duration::days(MAX_REPORT_DAYS));
            let id = report::create(
                &self.client,
                RETURNS_REPORT_TYPE,
                &self.config.marketplace_ids,
                start,
                end,
            )
            .await?;
            tracing::debug!(report = %id, %start, %end, "Amazon returns report requested");
            cursor.report = Some(PendingReport {
                id,
                start,
                end,
                document: None,
                offset: 0,
            });
            return Ok(());
        };
        let document_id = match pending.document.clone() {
            Some(d) => d,
            None => match report::status(&self.client, &pending.id).await? {
                ReportStatus::Pending(status) => {
                    tracing::debug!(report = %pending.id, %status, "Amazon returns report not ready");
                    return Ok(());
                }
                ReportStatus::Cancelled => {
                    // Amazon cancels a report that has no data: nothing was returned then.
                    self.finish_report(cursor, &pending, now);
                    return Ok(());
                }
                ReportStatus::Fatal | ReportStatus::Done { document_id: None } => {
                    tracing::warn!(report = %pending.id, "Amazon returns report failed; a new one is requested later");
                    cursor.report = None;
                    cursor.next_at = Some(now + interval(self.config.returns_interval));
                    return Ok(());
                }
                ReportStatus::Done {
                    document_id: Some(d),
                } => {
                    pending.document = Some(d.clone());
                    cursor.report = Some(pending.clone());
                    d
                }
            },
        };
        let document = report::document(&self.client, &document_id).await?;
        let text = report::download(&self.client, &document, self.fallback_charset()).await?;
        let parsed = match returns::parse(&text) {
            Ok(parsed) => parsed,
            Err(e) => {
                tracing::error!(report = %pending.id, "Amazon returns report cannot be read: {e}");
                cursor.report = None;
                cursor.next_at = Some(now + interval(self.config.returns_interval));
                return Ok(());
            }
        };
        if pending.offset == 0 {
            for bad in &parsed.bad_rows {
                tracing::warn!(report = %pending.id, line = bad.line, "Amazon returns report: row skipped: {}", bad.reason);
            }
        }
        let total = parsed.returns.len();
        let page: Vec<_> = parsed
            .returns
            .into_iter()
            .skip(pending.offset)
            .take(RETURNS_PER_POLL)
            .collect();
        let delivered = pending.offset + page.len();
        let mut orders_done: Vec<String> = Vec::new();
        for ret in page {
            if !orders_done.contains(&ret.order_external_id) {
                orders_done.push(ret.order_external_id.clone());
                if let Some(order) = self.order_for_return(&ret.order_external_id).await? {
                    items.push(Inbound::Order(order));
                }
            }
            items.push(Inbound::Return(ret));
        }
        if delivered >= total {
            self.finish_report(cursor, &pending, now);
        } else {
            pending.offset = delivered;
            cursor.report = Some(pending);
        }
        Ok(())
    }

    /// The order a return belongs to, when Amazon gives it; lookup refusals other than
    /// rate limits, outages and credentials only lose the order, not the return.
    async fn order_for_return(
        &self,
        order_id: &str,
    ) -> Result<Option<InboundOrder>, ConnectorError> {
        match self.order(order_id).await {
            Ok(order) => Ok(order),
            Err(ConnectorError::Permanent(e)) => {
                tracing::warn!(
                    order = order_id,
                    "Amazon: the order of a return cannot be read: {e}"
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// A report was read to its end (or had no data): the next one reaches back
    /// `returns_lookback_days` before its end, after `returns_interval`.
    fn finish_report(&self, cursor: &mut ReturnsCursor, done: &PendingReport, now: DateTime<Utc>) {
        let lookback = chrono::Duration::days(i64::from(self.config.returns_lookback_days));
        cursor.since = (done.end - lookback).max(done.start);
        cursor.report = None;
        cursor.next_at = Some(now + interval(self.config.returns_interval));
    }

    /// The charset of flat files that are neither declared nor UTF-8.
    fn fallback_charset(&self) -> &'static str {
        let japan = self
            .config
            .marketplace_ids
            .iter()
            .any(|m| super::money::marketplace(m).is_some_and(|(country, _)| country == "JP"));
        if japan {
            "shift_jis"
        } else {
            "windows-1252"
        }
    }

    fn first_cursor(&self, now: DateTime<Utc>) -> PollCursor {
        PollCursor::first(
            now - chrono::Duration::days(i64::from(self.config.backfill_days)),
            self.orders_api(),
        )
    }
}

/// `t` without its fraction of a second, as Amazon's timestamps are sent, so a cursor
/// holds exactly what was asked for.
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

fn interval(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

#[async_trait::async_trait]
impl Connector for AmazonConnector {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        let now = whole_seconds(Utc::now());
        let mut cursor = match cursor {
            Some(c) => PollCursor::parse(c)?,
            None => self.first_cursor(now),
        };
        let mut items = Vec::new();
        let returns_turn =
            self.config.returns && cursor.turn == Stream::Returns && cursor.returns.is_due(now);
        if returns_turn {
            self.returns_step(&mut cursor.returns, now, &mut items)
                .await?;
            cursor.turn = Stream::Orders;
        } else {
            self.orders_step(&mut cursor.orders, now, &mut items)
                .await?;
            cursor.turn = Stream::Returns;
        }
        let more =
            cursor.orders.after.is_some() || (self.config.returns && cursor.returns.has_pages());
        Ok(Batch {
            items,
            cursor: Some(cursor.encode()),
            more,
            backlog: None,
        })
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        let action = message
            .action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| ConnectorError::Permanent(REPLY_BY_EMAIL.into()))?;
        let order_id = message
            .order_external_id
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .ok_or_else(|| {
                ConnectorError::Permanent("an Amazon message needs the order it is about".into())
            })?;
        if !message.attachments.is_empty() {
            return Err(ConnectorError::Permanent(
                "Amazon messages carry files only after an upload through the Amazon Uploads API, which this connector does not do; send documents from Seller Central".into(),
            ));
        }
        self.send_message(order_id, action, Some(&message.body_text), &[])
            .await?;
        let key = if message.idempotency_key.is_empty() {
            &message.message_id
        } else {
            &message.idempotency_key
        };
        Ok(Sent {
            external_id: format!("{order_id}/{action}/{key}"),
        })
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        let until = Utc::now() - ORDERS_LAG;
        let since = until - chrono::Duration::days(1);
        let marketplaces = &self.config.marketplace_ids;
        if self.orders_api() == OrdersApi::V2026 {
            match orders::search_2026(&self.client, marketplaces, since, until, 1, None).await {
                Ok(_) => return Ok(()),
                Err(e) if self.falls_back(&e) => self.switch_to_v0(&e),
                Err(e) => return Err(e.into()),
            }
        }
        self.client
            .get(
                &super::rate::ops::GET_ORDERS_V0,
                &["orders", "v0", "orders"],
                &[
                    ("MarketplaceIds", marketplaces.join(",")),
                    ("LastUpdatedAfter", orders::timestamp(since)),
                    ("MaxResultsPerPage", "1".into()),
                ],
            )
            .await?;
        Ok(())
    }

    /// Notifications come from an SQS queue, not HTTP; `body` is the notification JSON
    /// (its type decides, `topic` is not needed).
    async fn message_actions(
        &self,
        order_external_id: &str,
    ) -> Result<Vec<String>, ConnectorError> {
        self.allowed_actions(order_external_id).await
    }

    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        let _ = refund;
        Err(ConnectorError::Permanent(
            "issue Amazon refunds in Seller Central".into(),
        ))
    }

    async fn answer_return(
        &self,
        return_external_id: &str,
        answer: &ReturnAnswer,
    ) -> Result<(), ConnectorError> {
        let _ = (return_external_id, answer);
        Err(ConnectorError::Permanent(
            "authorize or close Amazon returns in Seller Central; the SP-API has no call for it"
                .into(),
        ))
    }
}
