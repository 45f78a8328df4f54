//! [`ShopeeConnector`]: polls orders, returns and chat, sends chat replies, answers and
//! refunds returns, checks pushes.
//!
//! # Poll cursor
//!
//! JSON, described in [`cursor`](super::cursor): one position per stream (orders and
//! returns by `update_time` windows of at most 15 days, chat by message time); each poll
//! advances one stream by one page, and `more` stays true while any stream has pages left.
//! No cursor → everything since now − `backfill_days` (30 unless configured).
//!
//! # Tokens
//!
//! The access token is refreshed shortly before it expires and when Shopee refuses it;
//! each refresh also replaces the refresh token, and the old one stops working. The worker
//! must store [`ShopeeConnector::current_tokens`] (e.g. [`Tokens::to_secrets`] merged into
//! the channel's secrets) after each call, or the channel needs a new authorization
//! after the next restart.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use super::client::ShopeeClient;
use super::cursor::{ChatState, PollCursor, Window, NANOS};
use super::{chat, orders, returns, text, webhook, Host, Tokens};
use crate::{
    Batch, Connector, ConnectorError, Inbound, Outbound, RefundRequest, ReturnAnswer, Sent,
    WebhookDelivery, WebhookRequest,
};

/// Settings for one connected shop.
#[derive(Clone)]
pub struct ShopeeConfig {
    pub partner_id: u64,
    /// The app's partner key: signs every request and every push.
    pub partner_key: String,
    pub shop_id: u64,
    /// `https://partner.shopeemobile.com` (live) unless set; tests point it at a local
    /// server.
    pub base_url: String,
    /// The tokens the connector starts with (see [`ShopeeConnector::current_tokens`]).
    pub tokens: Tokens,
    /// How far back the first poll goes.
    pub backfill_days: u32,
    /// Whether to read seller chat (apps without the chat permission turn it off).
    pub chat: bool,
    /// Orders per `get_order_list` page (1–100; details go in batches of 50).
    pub order_page_size: u32,
    /// Returns per `get_return_list` page (1–100; each costs a detail call).
    pub return_page_size: u32,
    /// Conversations and messages per page (1–60).
    pub chat_page_size: u32,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl ShopeeConfig {
    /// The defaults: live host, 30 days back, chat on, 50 orders / 20 returns / 25 chat
    /// entries a page, 30 s timeout.
    pub fn new(partner_id: u64, partner_key: &str, shop_id: u64, tokens: Tokens) -> Self {
        Self {
            partner_id,
            partner_key: partner_key.to_string(),
            shop_id,
            base_url: Host::Live.base_url().to_string(),
            tokens,
            backfill_days: 30,
            chat: true,
            order_page_size: 50,
            return_page_size: 20,
            chat_page_size: 25,
            timeout: Duration::from_secs(30),
        }
    }
}

impl std::fmt::Debug for ShopeeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopeeConfig")
            .field("partner_id", &self.partner_id)
            .field("partner_key", &"<redacted>")
            .field("shop_id", &self.shop_id)
            .field("base_url", &self.base_url)
            .field("tokens", &self.tokens)
            .field("backfill_days", &self.backfill_days)
            .field("chat", &self.chat)
            .field("order_page_size", &self.order_page_size)
            .field("return_page_size", &self.return_page_size)
            .field("chat_page_size", &self.chat_page_size)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The streams a poll takes turns on, in turn order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Orders,
    Returns,
    Chat,
}

const STREAMS: [Stream; 3] = [Stream::Orders, Stream::Returns, Stream::Chat];

/// One connected shop. Holds the shop's current tokens: keep one per shop and reuse it.
#[derive(Debug)]
pub struct ShopeeConnector {
    config: ShopeeConfig,
    client: ShopeeClient,
}

impl ShopeeConnector {
    pub fn new(config: ShopeeConfig) -> Result<Self, ConnectorError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ConnectorError::Permanent(format!("HTTP client: {e}")))?;
        Ok(Self::with_client(config, http))
    }

    /// Like [`new`](Self::new), with a caller's HTTP client (shared pools, proxies).
    pub fn with_client(config: ShopeeConfig, http: reqwest::Client) -> Self {
        let client = ShopeeClient::new(
            http,
            &config.base_url,
            config.partner_id,
            &config.partner_key,
            config.shop_id,
            config.tokens.clone(),
        );
        Self { config, client }
    }

    pub fn config(&self) -> &ShopeeConfig {
        &self.config
    }

    /// The tokens in use now. They change when the connector refreshes them, and the old
    /// refresh token then stops working: store these after each call.
    pub fn current_tokens(&self) -> Tokens {
        self.client.tokens().0
    }

    fn enabled(&self, stream: Stream) -> bool {
        stream != Stream::Chat || self.config.chat
    }

    fn pending(&self, cursor: &PollCursor, stream: Stream) -> bool {
        self.enabled(stream)
            && match stream {
                Stream::Orders => cursor.orders.pending(),
                Stream::Returns => cursor.returns.pending(),
                Stream::Chat => cursor.chat.pending(),
            }
    }

    /// One page of orders.
    async fn orders_step(&self, window: &mut Window) -> Result<Vec<Inbound>, ConnectorError> {
        let (from, to) = window.current();
        let page = orders::list(
            &self.client,
            from,
            to,
            self.config.order_page_size,
            window.page.as_deref(),
        )
        .await?;
        if page.more && window.narrow() {
            return Ok(Vec::new());
        }
        let found = orders::fetch(&self.client, &page.order_sns).await?;
        advance(window, page.more, page.next_cursor);
        Ok(found.into_iter().map(Inbound::Order).collect())
    }

    /// One page of returns, each after its order.
    async fn returns_step(&self, window: &mut Window) -> Result<Vec<Inbound>, ConnectorError> {
        let (from, to) = window.current();
        let page_no = window
            .page
            .as_deref()
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0);
        let page = returns::list(
            &self.client,
            from,
            to,
            page_no,
            self.config.return_page_size,
        )
        .await?;
        if page.more && window.narrow() {
            return Ok(Vec::new());
        }
        let mut details = Vec::new();
        for return_sn in page.return_sns() {
            match returns::detail(&self.client, &return_sn).await {
                Ok(detail) => details.push(detail),
                // The list entry carries nearly everything the detail does.
                Err(ConnectorError::Permanent(message)) => {
                    tracing::warn!(shop_id = self.config.shop_id, %return_sn, %message, "Shopee refused a return's detail; using the list entry");
                    details.extend(
                        page.returns
                            .iter()
                            .find(|r| text(r, "return_sn").as_deref() == Some(return_sn.as_str()))
                            .cloned(),
                    );
                }
                Err(e) => return Err(e),
            }
        }
        let mut order_sns: Vec<String> = Vec::new();
        for sn in details.iter().filter_map(|d| text(d, "order_sn")) {
            if !order_sns.contains(&sn) {
                order_sns.push(sn);
            }
        }
        let found = orders::fetch(&self.client, &order_sns).await?;
        let mut items = Vec::with_capacity(found.len() + details.len());
        let mut emitted = HashSet::new();
        for detail in &details {
            let order =
                text(detail, "order_sn").and_then(|sn| found.iter().find(|o| o.external_id == sn));
            if let Some(order) = order {
                if emitted.insert(order.external_id.clone()) {
                    items.push(Inbound::Order(order.clone()));
                }
            }
            items.push(Inbound::Return(returns::to_inbound(detail, order)?));
        }
        let more = page.more && !page.returns.is_empty();
        advance(window, more, Some((page_no + 1).to_string()));
        Ok(items)
    }

    /// One page of conversations or of one conversation's messages.
    async fn chat_step(&self, state: &mut ChatState) -> Result<Vec<Inbound>, ConnectorError> {
        let since_secs = state.since_ns.div_euclid(NANOS);
        let size = self.config.chat_page_size;
        let mut found = Vec::new();
        let queued_head = state.sweep.as_ref().and_then(|s| s.queue.first().cloned());
        if let Some(head) = queued_head {
            let Some(sweep) = state.sweep.as_mut() else {
                return Ok(Vec::new());
            };
            let page =
                chat::messages(&self.client, &head.id, sweep.offset.as_deref(), size).await?;
            let mut reached_older = false;
            for message in &page.messages {
                match chat::sent_at(message) {
                    Some(at) if at.timestamp() < since_secs => reached_older = true,
                    _ => found.extend(chat::to_inbound(message, &head, self.config.shop_id)),
                }
            }
            match page.next_offset {
                Some(offset) if !reached_older => sweep.offset = Some(offset),
                _ => {
                    sweep.queue.remove(0);
                    sweep.offset = None;
                }
            }
        } else if state.sweep.as_ref().is_some_and(|s| !s.list_done) {
            let list_next = state.sweep.as_ref().and_then(|s| s.list_next.clone());
            let page = chat::conversations(&self.client, list_next.as_deref(), size).await?;
            let mut reached_older = false;
            let mut queue = Vec::new();
            let mut seen_ns = None;
            for conversation in &page.conversations {
                let last_ns = conversation
                    .last_message_at
                    .and_then(|t| t.timestamp_nanos_opt());
                match last_ns {
                    // Pinned conversations come first whatever their age: they end nothing.
                    Some(ns) if !state.is_new(ns) => {
                        reached_older |= !conversation.pinned && ns < state.since_ns
                    }
                    _ => {
                        seen_ns = seen_ns.max(last_ns);
                        queue.push(conversation.queued());
                    }
                }
            }
            let Some(sweep) = state.sweep.as_mut() else {
                return Ok(Vec::new());
            };
            sweep.seen_ns = sweep.seen_ns.max(seen_ns.unwrap_or(sweep.seen_ns));
            for conversation in queue {
                if !sweep.queue.iter().any(|q| q.id == conversation.id) {
                    sweep.queue.push(conversation);
                }
            }
            match page.next {
                Some(next) if !reached_older => sweep.list_next = Some(next),
                _ => sweep.list_done = true,
            }
        }
        state.settle();
        // Shopee pages newest first; the ingest threads best oldest first.
        found.sort_by_key(|m| m.sent_at);
        Ok(found.into_iter().map(Inbound::Message).collect())
    }

    /// A return's detail, refusing one of another order.
    async fn return_for(
        &self,
        return_sn: &str,
        order_sn: Option<&str>,
    ) -> Result<Value, ConnectorError> {
        let detail = returns::detail(&self.client, return_sn).await?;
        if let (Some(want), Some(got)) = (order_sn, text(&detail, "order_sn")) {
            if want != got {
                return Err(ConnectorError::Permanent(format!(
                    "Shopee return {return_sn} belongs to order {got}, not {want}"
                )));
            }
        }
        Ok(detail)
    }
}

/// Moves `window` past a page: on to Shopee's next page position while there is more (and
/// it moved), else to the next window.
fn advance(window: &mut Window, more: bool, next: Option<String>) {
    match next {
        Some(next) if more && window.page.as_deref() != Some(next.as_str()) => {
            window.next_page(next)
        }
        _ => {
            if more {
                tracing::warn!(
                    "Shopee said more but gave no new page position; moving to the next window"
                );
            }
            window.window_done();
        }
    }
}

/// Whether a return is already settled in the buyer's favour (confirmed or refunded).
fn already_accepted(detail: &Value) -> bool {
    matches!(
        text(detail, "status").as_deref(),
        Some("ACCEPTED") | Some("REFUND_PAID")
    )
}

#[async_trait::async_trait]
impl Connector for ShopeeConnector {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        let now = Utc::now();
        let mut cursor = match cursor {
            Some(c) => PollCursor::parse(self.config.shop_id, c)?,
            None => PollCursor::first(now, self.config.backfill_days),
        };
        if !STREAMS.iter().any(|s| self.pending(&cursor, *s)) {
            cursor.orders.restart(now.timestamp());
            cursor.returns.restart(now.timestamp());
            cursor.chat.restart();
        }
        let turn = cursor.turn % STREAMS.len();
        let next = (0..STREAMS.len())
            .map(|i| (turn + i) % STREAMS.len())
            .find(|&i| self.pending(&cursor, STREAMS[i]));
        let items = match next.map(|i| STREAMS[i]) {
            Some(Stream::Orders) => self.orders_step(&mut cursor.orders).await?,
            Some(Stream::Returns) => self.returns_step(&mut cursor.returns).await?,
            Some(Stream::Chat) => self.chat_step(&mut cursor.chat).await?,
            None => Vec::new(),
        };
        cursor.turn = next.map(|i| (i + 1) % STREAMS.len()).unwrap_or(0);
        let more = STREAMS.iter().any(|s| self.pending(&cursor, *s));
        Ok(Batch {
            items,
            cursor: Some(cursor.encode()),
            more,
            backlog: None,
        })
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        if !message.attachments.is_empty() {
            return Err(ConnectorError::Permanent(
                "Shopee chat replies are sent as text only; remove the attachments".into(),
            ));
        }
        if message.body_text.trim().is_empty() {
            return Err(ConnectorError::Permanent(
                "an empty Shopee chat reply cannot be sent".into(),
            ));
        }
        let to_id = match message.to.trim().parse::<u64>() {
            Ok(id) if id > 0 => id,
            _ => {
                let Some(conversation) = message
                    .conversation
                    .as_deref()
                    .filter(|c| !c.trim().is_empty())
                else {
                    return Err(ConnectorError::Permanent(format!(
                        "a Shopee chat reply needs the buyer's user id or a conversation (to: {:?})",
                        message.to
                    )));
                };
                chat::buyer_of(&self.client, conversation)
                    .await?
                    .and_then(|id| id.parse::<u64>().ok())
                    .ok_or_else(|| {
                        ConnectorError::Permanent(format!(
                            "Shopee conversation {conversation} names no buyer to answer"
                        ))
                    })?
            }
        };
        let external_id = chat::send_text(&self.client, to_id, &message.body_text).await?;
        Ok(Sent { external_id })
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        let now = Utc::now().timestamp();
        orders::list(&self.client, now - 3600, now, 1, None)
            .await
            .map(drop)
    }

    async fn verify_webhook(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookDelivery, ConnectorError> {
        webhook::verify(
            &self.config.partner_key,
            request.url,
            request.headers,
            request.body,
        )
    }

    fn rotated_secrets(&self) -> Option<Value> {
        let now = self.current_tokens();
        if now == self.config.tokens {
            return None;
        }
        let mut secrets = now.to_secrets();
        secrets["partner_key"] = Value::String(self.config.partner_key.clone());
        Some(secrets)
    }

    /// Shopee refunds the buyer when the seller confirms the return, so a refund is a
    /// confirmation of the return it answers, for the amount the return asks; a refund
    /// without a return, or of another amount, cannot be made here. A return already
    /// confirmed or refunded (a first call whose answer was lost) counts as done.
    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        let Some(return_sn) = refund
            .return_external_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Err(ConnectorError::Permanent(
                "Shopee refunds go through a return: the buyer opens one on Shopee and the refund confirms it".into(),
            ));
        };
        let detail = self
            .return_for(return_sn, Some(refund.order_external_id.as_str()))
            .await?;
        if already_accepted(&detail) {
            return Ok(return_sn.to_string());
        }
        if let Some(status @ ("CANCELLED" | "CLOSED")) = text(&detail, "status").as_deref() {
            return Err(ConnectorError::Permanent(format!(
                "Shopee return {return_sn} is {status}: there is nothing to refund"
            )));
        }
        let (amount, currency) = returns::refund_of(&detail);
        if let Some(currency) = currency.filter(|c| !c.eq_ignore_ascii_case(&refund.currency)) {
            return Err(ConnectorError::Permanent(format!(
                "Shopee return {return_sn} is in {currency}, not {}",
                refund.currency
            )));
        }
        if let Some(amount) = amount.filter(|a| *a != refund.amount_minor) {
            return Err(ConnectorError::Permanent(format!(
                "confirming Shopee return {return_sn} refunds its full {amount} (minor units), not {}; offer a partial refund on the return instead",
                refund.amount_minor
            )));
        }
        returns::confirm(&self.client, return_sn).await?;
        Ok(return_sn.to_string())
    }

    /// Accept → `confirm`; Offer → `offer` (a refund of that amount instead of the
    /// return); Decline → `Permanent`: a Shopee dispute needs the seller's email, one of
    /// Shopee's dispute reason ids (`get_return_dispute_reason`) and photo evidence, none
    /// of which an answer carries, so disputes are raised in Seller Centre.
    async fn answer_return(
        &self,
        return_external_id: &str,
        answer: &ReturnAnswer,
    ) -> Result<(), ConnectorError> {
        let return_sn = return_external_id.trim();
        match answer {
            ReturnAnswer::Decline { .. } => Err(ConnectorError::Permanent(
                "declining a Shopee return means a dispute with the seller's email, a Shopee reason and photo evidence: raise it in Shopee Seller Centre".into(),
            )),
            ReturnAnswer::Accept => {
                let detail = self.return_for(return_sn, None).await?;
                if already_accepted(&detail) {
                    return Ok(());
                }
                returns::confirm(&self.client, return_sn).await
            }
            ReturnAnswer::Offer { amount_minor, currency } => {
                if *amount_minor <= 0 {
                    return Err(ConnectorError::Permanent(format!(
                        "a Shopee refund offer must be positive, not {amount_minor}"
                    )));
                }
                let detail = self.return_for(return_sn, None).await?;
                let (asked, return_currency) = returns::refund_of(&detail);
                if let Some(other) = return_currency.filter(|c| !c.eq_ignore_ascii_case(currency)) {
                    return Err(ConnectorError::Permanent(format!(
                        "Shopee return {return_sn} is in {other}, not {currency}"
                    )));
                }
                if let Some(asked) = asked.filter(|a| amount_minor > a) {
                    return Err(ConnectorError::Permanent(format!(
                        "an offer of {amount_minor} is more than the {asked} Shopee return {return_sn} asks (minor units)"
                    )));
                }
                returns::offer(&self.client, return_sn, *amount_minor, currency).await
            }
        }
    }
}
