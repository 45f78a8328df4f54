//! [`EbayConnector`]: the [`Connector`] the worker polls for one eBay seller account.
//!
//! - `poll`: one page of one stream (orders, messages, returns, inquiries, cases; see
//!   [`cursor`](super::cursor) for the cursor and the rounds). A Post-Order search eBay
//!   refuses (`Permanent`) does not block the other streams: it ends that stream's round
//!   empty and is tried again next round. In the sandbox, which has no Post-Order API,
//!   those streams stay empty.
//! - `send`: a reply into the buyer's conversation, or a new one about the order.
//! - `check`: a token refresh and a one-order read.
//! - `verify_webhook` / `webhook_challenge`: Notification API push (stored deliveries are
//!   turned into work by `kinds::parse_webhook`).
//! - `refund`: an order refund (issueRefund) or, for a return, the return's refund.
//! - `answer_return`: the Post-Order decision on a return.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::auth::{Grant, TokenSource};
use super::config::{EbayConfig, Environment};
use super::cursor::{Kind, PageOutcome, PollCursor, Sweep};
use super::fields::{id, text};
use super::http::{url, Api, Call};
use super::messages::{self, Target};
use super::orders;
use super::post_order::{self, Search};
use super::webhook::{self, KeyCache, SignatureHeader};
use super::SYNTHETIC_CONVERSATION_PREFIX;
use crate::{
    Batch, Connector, ConnectorError, Inbound, Outbound, RefundRequest, ReturnAnswer, ReturnState,
    Sent, WebhookDelivery, WebhookRequest,
};

/// One connected eBay seller account. Holds the token and key caches: keep one per account
/// and reuse it.
#[derive(Debug)]
pub struct EbayConnector {
    config: EbayConfig,
    api: Api,
    keys: KeyCache,
    /// The seller's user name as learned from orders or a sent message.
    learned_seller: std::sync::Mutex<Option<String>>,
}

impl EbayConnector {
    pub fn new(config: EbayConfig) -> Result<Self, ConnectorError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ConnectorError::Permanent(format!("HTTP client: {e}")))?;
        Ok(Self::with_client(config, http))
    }

    /// Like [`new`](Self::new), with a caller's HTTP client.
    pub fn with_client(config: EbayConfig, http: reqwest::Client) -> Self {
        let tokens = TokenSource::new(http.clone(), &config);
        Self {
            api: Api::new(http, tokens, &config.marketplace_id),
            keys: KeyCache::new(config.public_key_ttl),
            learned_seller: std::sync::Mutex::new(config.seller_username.clone()),
            config,
        }
    }

    pub fn config(&self) -> &EbayConfig {
        &self.config
    }

    /// eBay's sandbox has no Post-Order API; there its streams stay empty unless a
    /// `post_order_url` points somewhere that has one.
    fn post_order_available(&self) -> bool {
        self.config.environment == Environment::Production || self.config.post_order_url.is_some()
    }

    fn page_size(&self) -> u32 {
        self.config.page_size.clamp(1, 200)
    }

    fn overlap(&self) -> Duration {
        Duration::from_std(self.config.overlap).unwrap_or_else(|_| Duration::minutes(5))
    }

    fn learned(&self) -> Option<String> {
        self.learned_seller
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn learn(&self, seller: &str) {
        let mut slot = self
            .learned_seller
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(seller.to_owned());
        }
    }

    /// The seller's user name: configured, in the cursor, learned, or read from an order.
    async fn seller(&self, cursor: &mut PollCursor) -> Result<Option<String>, ConnectorError> {
        if let Some(known) = self
            .config
            .seller_username
            .clone()
            .or(cursor.seller.clone())
            .or(self.learned())
        {
            cursor.seller.get_or_insert(known.clone());
            return Ok(Some(known));
        }
        let root = self.config.fulfillment_root();
        let probe = self
            .api
            .call(&Call::get("getOrders", url(&root, &["order"])).query("limit", "1"))
            .await?;
        let found = text(&probe, "/orders/0/sellerId").map(str::to_owned);
        match &found {
            Some(seller) => {
                self.learn(seller);
                cursor.seller = Some(seller.clone());
            }
            None => tracing::warn!(
                "eBay seller user name unknown (no orders yet); set seller_username so the seller's own messages are not taken for buyers'"
            ),
        }
        Ok(found)
    }

    async fn orders_page(
        &self,
        cursor: &mut PollCursor,
        sweep: &Sweep,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Inbound>, PageOutcome), ConnectorError> {
        let root = self.config.fulfillment_root();
        let limit = self.page_size();
        let page =
            orders::page(&self.api, &root, sweep.from, sweep.to, sweep.offset, limit).await?;
        let mut items = Vec::with_capacity(page.orders.len());
        for order in &page.orders {
            if let Some(seller) = text(order, "/sellerId") {
                self.learn(seller);
                cursor.seller.get_or_insert_with(|| seller.to_owned());
            }
            items.extend(
                self.inbound_order(&root, order, now)
                    .await?
                    .map(Inbound::Order),
            );
        }
        let len = page.orders.len();
        Ok((
            items,
            PageOutcome {
                len,
                total: page.paging.total,
                last: page.paging.last_page(sweep.offset + len as u64, len, limit),
            },
        ))
    }

    /// An order with its latest shipment, when it has fulfillments.
    async fn inbound_order(
        &self,
        root: &str,
        order: &Value,
        now: DateTime<Utc>,
    ) -> Result<Option<crate::InboundOrder>, ConnectorError> {
        let shipment = match text(order, "/orderId") {
            Some(order_id) if orders::has_fulfillments(order) => {
                // Best effort: an order whose shipments eBay will not show is still an order.
                match orders::shipment(&self.api, root, order_id).await {
                    Ok(shipment) => shipment,
                    Err(ConnectorError::Permanent(why)) => {
                        tracing::warn!(order_id, %why, "eBay shipments not readable");
                        None
                    }
                    Err(other) => return Err(other),
                }
            }
            _ => None,
        };
        Ok(orders::to_inbound(order, shipment.as_ref(), now))
    }

    async fn messages_page(
        &self,
        cursor: &mut PollCursor,
        sweep: &Sweep,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Inbound>, PageOutcome), ConnectorError> {
        let seller = self.seller(cursor).await?;
        let root = self.config.message_root();
        let limit = self.config.conversation_page_size.clamp(1, 50);
        let page =
            messages::conversations(&self.api, &root, sweep.from, sweep.to, sweep.offset, limit)
                .await?;
        let mut items = Vec::new();
        for conversation in &page.conversations {
            let Some(id) = text(conversation, "/conversationId") else {
                continue;
            };
            let list = messages::conversation_messages(&self.api, &root, id).await?;
            items.extend(
                messages::inbound_messages(conversation, &list, seller.as_deref(), sweep.from, now)
                    .into_iter()
                    .map(Inbound::Message),
            );
        }
        let len = page.conversations.len();
        Ok((
            items,
            PageOutcome {
                len,
                total: page.paging.total,
                last: page.paging.last_page(sweep.offset + len as u64, len, limit),
            },
        ))
    }

    async fn returns_page(
        &self,
        sweep: &Sweep,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Inbound>, PageOutcome), ConnectorError> {
        let root = self.config.post_order_root();
        let limit = self.page_size();
        let page = post_order::search(
            &self.api,
            &root,
            Search::Returns,
            sweep.from,
            sweep.to,
            sweep.offset,
            limit,
        )
        .await?;

        // The returns' orders first, so each return finds its order (best effort: an order
        // id eBay does not take is no reason to hold the returns back).
        let mut order_ids: Vec<String> = Vec::new();
        for member in &page.members {
            if let Some(id) = post_order::order_id_of(member) {
                if !order_ids.contains(&id) {
                    order_ids.push(id);
                }
            }
        }
        let fulfillment = self.config.fulfillment_root();
        let found = match orders::by_ids(&self.api, &fulfillment, &order_ids).await {
            Ok(found) => found,
            Err(ConnectorError::Permanent(why)) => {
                tracing::warn!(%why, "eBay orders of returns not readable; returns go without them");
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        let mut items = Vec::new();
        let mut by_id: HashMap<String, &Value> = HashMap::new();
        let mut emitted = HashSet::new();
        for order in &found {
            let Some(id) = text(order, "/orderId") else {
                continue;
            };
            if emitted.insert(id.to_owned()) {
                by_id.insert(id.to_owned(), order);
                items.extend(
                    self.inbound_order(&fulfillment, order, now)
                        .await?
                        .map(Inbound::Order),
                );
            }
        }
        for member in &page.members {
            let in_transit = post_order::return_state(
                text(member, "/state").unwrap_or(""),
                text(member, "/status").unwrap_or(""),
                false,
            ) == ReturnState::InTransit;
            let detail = match id(member, "/returnId") {
                Some(return_id) if in_transit => {
                    match post_order::get_return(&self.api, &root, &return_id, "FULL").await {
                        Ok(detail) => Some(detail),
                        Err(ConnectorError::Permanent(why)) => {
                            tracing::warn!(return_id, %why, "eBay return detail not readable");
                            None
                        }
                        Err(other) => return Err(other),
                    }
                }
                _ => None,
            };
            let order = post_order::order_id_of(member).and_then(|id| by_id.get(&id).copied());
            items.extend(
                post_order::to_inbound_return(member, order, detail.as_ref(), now)
                    .map(Inbound::Return),
            );
        }
        let len = page.members.len();
        Ok((
            items,
            PageOutcome {
                len,
                total: page.paging.total,
                last: page.paging.last_page(sweep.offset + len as u64, len, limit),
            },
        ))
    }

    async fn claims_page(
        &self,
        kind: Search,
        sweep: &Sweep,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Inbound>, PageOutcome), ConnectorError> {
        let root = self.config.post_order_root();
        let limit = self.page_size();
        let page = post_order::search(
            &self.api,
            &root,
            kind,
            sweep.from,
            sweep.to,
            sweep.offset,
            limit,
        )
        .await?;
        let id_field = if kind == Search::Cases {
            "/caseId"
        } else {
            "/inquiryId"
        };
        let mut items = Vec::new();
        for member in &page.members {
            let Some(claim_id) = id(member, id_field) else {
                tracing::warn!("eBay {kind:?} member without id skipped");
                continue;
            };
            let detail = match post_order::get_claim(&self.api, &root, kind, &claim_id).await {
                Ok(detail) => detail,
                Err(ConnectorError::Permanent(why)) => {
                    tracing::warn!(claim_id, %why, "eBay claim detail not readable; using the search summary");
                    Value::Null
                }
                Err(other) => return Err(other),
            };
            items.extend(
                post_order::claim_message(kind, member, &detail, now).map(Inbound::Message),
            );
        }
        let len = page.members.len();
        Ok((
            items,
            PageOutcome {
                len,
                total: page.paging.total,
                last: page.paging.last_page(sweep.offset + len as u64, len, limit),
            },
        ))
    }

    /// Where a reply goes: its eBay conversation, or a new one with the buyer about the order.
    async fn target(&self, message: &Outbound) -> Result<Target, ConnectorError> {
        if let Some(id) = messages::existing_conversation(message) {
            return Ok(Target::Conversation(id.to_owned()));
        }
        let synthetic_order = message
            .conversation
            .as_deref()
            .and_then(|c| c.strip_prefix(SYNTHETIC_CONVERSATION_PREFIX))
            .and_then(|c| c.strip_prefix("order:"));
        let order_id = message
            .order_external_id
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .or(synthetic_order);
        let order = match order_id {
            Some(id) => Some(orders::get(&self.api, &self.config.fulfillment_root(), id).await?),
            None => None,
        };
        let username = Some(message.to.trim())
            .filter(|t| !t.is_empty())
            .or_else(|| order.as_ref().and_then(|o| text(o, "/buyer/username")))
            .ok_or_else(|| {
                ConnectorError::Permanent(
                    "eBay reply has no conversation, no recipient and no order to find the buyer by".into(),
                )
            })?;
        let listing = order
            .as_ref()
            .and_then(|o| id(o, "/lineItems/0/legacyItemId"));
        Ok(Target::NewConversation {
            username: username.to_owned(),
            listing,
        })
    }
}

#[async_trait::async_trait]
impl Connector for EbayConnector {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        let now = Utc::now();
        let mut cursor = match cursor {
            Some(c) => PollCursor::parse(c)?,
            None => PollCursor::first(now, self.config.backfill_days),
        };
        let (kind, sweep) = cursor.next(now, self.config.post_order_lookback_days.clamp(1, 540));
        let nothing = || {
            (
                Vec::new(),
                PageOutcome {
                    len: 0,
                    total: None,
                    last: true,
                },
            )
        };
        let page = match kind {
            _ if kind.post_order() && !self.post_order_available() => Ok(nothing()),
            Kind::Orders => self.orders_page(&mut cursor, &sweep, now).await,
            Kind::Messages => self.messages_page(&mut cursor, &sweep, now).await,
            Kind::Returns => self.returns_page(&sweep, now).await,
            Kind::Inquiries => self.claims_page(Search::Inquiries, &sweep, now).await,
            Kind::Cases => self.claims_page(Search::Cases, &sweep, now).await,
        };
        let (items, outcome) = match page {
            // A Post-Order search eBay refuses for this account must not hold orders and
            // messages back; its window is read again next round.
            Err(ConnectorError::Permanent(why)) if kind.post_order() => {
                tracing::warn!(stream = ?kind, %why, "eBay Post-Order search refused; trying again next round");
                nothing()
            }
            other => other?,
        };
        cursor.advance(kind, outcome, self.overlap());
        Ok(Batch {
            items,
            more: cursor.open(),
            cursor: Some(cursor.encode()),
            backlog: None,
        })
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        let text = messages::check_outbound(message)?;
        let target = self.target(message).await?;
        let root = self.config.message_root();
        let buyer = match &target {
            Target::NewConversation { username, .. } => Some(username.clone()),
            Target::Conversation(_) => Some(message.to.trim().to_owned()).filter(|t| !t.is_empty()),
        };
        let recent = messages::recent_for(&self.api, &root, &target).await?;
        let seller = self.learned();
        if let Some(id) = messages::already_sent(
            &recent,
            &text,
            seller.as_deref(),
            buyer.as_deref(),
            Utc::now(),
        ) {
            tracing::info!(
                message_id = id,
                "eBay message already sent; not sending again"
            );
            return Ok(Sent { external_id: id });
        }
        let (sent, sender) = messages::send(&self.api, &root, &target, &text).await?;
        if let Some(sender) = sender {
            self.learn(&sender);
        }
        Ok(sent)
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        self.api.tokens().token(Grant::User).await?;
        let root = self.config.fulfillment_root();
        self.api
            .call(&Call::get("getOrders", url(&root, &["order"])).query("limit", "1"))
            .await?;
        Ok(())
    }

    async fn verify_webhook(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookDelivery, ConnectorError> {
        let header = request
            .headers
            .get("x-ebay-signature")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ConnectorError::Auth("eBay notification without X-EBAY-SIGNATURE".into())
            })?;
        let signature = SignatureHeader::parse(header)?;
        let key = self
            .keys
            .key(
                &self.api,
                &self.config.notification_root(),
                signature.kid.trim(),
            )
            .await?;
        webhook::verify_signature(&key, &signature.signature, request.body)?;
        webhook::delivery(request.body)
    }

    fn webhook_challenge(&self, url: &str, query: &str) -> Option<Value> {
        let code = webhook::challenge_code(query)?;
        let token = self.config.verification_token.as_deref()?;
        Some(json!({ "challengeResponse": webhook::challenge_response(&code, token, url) }))
    }

    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        match refund
            .return_external_id
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            Some(return_id) => {
                post_order::refund_return(
                    &self.api,
                    &self.config.post_order_root(),
                    return_id,
                    refund,
                )
                .await
            }
            None => orders::refund(&self.api, &self.config.fulfillment_root(), refund).await,
        }
    }

    async fn answer_return(
        &self,
        return_external_id: &str,
        answer: &ReturnAnswer,
    ) -> Result<(), ConnectorError> {
        post_order::decide(
            &self.api,
            &self.config.post_order_root(),
            return_external_id,
            answer,
        )
        .await
    }
}
