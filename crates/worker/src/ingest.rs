//! Ingest: a connector's batch stored in ONE tenant transaction — customers and orders
//! upserted, each message deduplicated by `(channel, external id)`, threaded into a ticket,
//! its raw payload and attachments stored — together with the channel's new cursor. A crash
//! anywhere before the commit leaves the cursor where it was, so the next poll brings the
//! same items again and the dedup makes that harmless.

use aftersail_channels::email::thread::normalize_subject;
use aftersail_channels::{
    Batch, Inbound, InboundMessage, InboundOrder, InboundOrderItem, InboundReturn,
};
use aftersail_db::channels::{self, Channel, PollResult};
use aftersail_db::customers::{self, Identity};
use aftersail_db::inbound_payloads::{self, NewPayload};
use aftersail_db::marketplace_returns::{self, ExternalRma};
use aftersail_db::messages::{self, Classified, NewInbound};
use aftersail_db::orders::{self, ExternalOrder};
use aftersail_db::tickets::{self, NewTicket};
use aftersail_db::{attachments, triage, TenantTx};
use aftersail_domain::{CustomerId, OrderId, TenantId, TicketId};
use sqlx::PgPool;
use uuid::Uuid;

/// Customers created without a currency of their own start with this one.
const DEFAULT_CURRENCY: &str = "EUR";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// New messages stored.
    pub messages: i64,
    /// Messages the channel had delivered before (skipped).
    pub duplicates: i64,
    /// Orders created or updated.
    pub orders: i64,
    /// Marketplace returns created or updated as RMAs.
    pub returns: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Another worker holds the channel now (our lease ran out): nothing was written.
    #[error("the channel's lease was lost; the batch was not stored")]
    LeaseLost,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Stores `batch` for the leased channel and advances its cursor, all or nothing.
///
/// Batches of one shop are stored one at a time (a transaction-scoped advisory lock per
/// shop, taken first). Two mailboxes of one shop can poll at once, and a buyer writing to
/// both puts the same customer and ticket rows in both batches, in any order: stored side by
/// side, the two transactions deadlocked and PostgreSQL aborted one, again and again while
/// both mailboxes had mail (`channel_sync::two_mailboxes_of_one_shop_ingest_at_once…`).
pub async fn apply(
    pool: &PgPool,
    tenant: TenantId,
    channel: &Channel,
    lease: Uuid,
    batch: &Batch,
) -> Result<Ingested, IngestError> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    // Lock the channel row first: a worker whose lease ran out cannot write alongside us.
    if channels::get_leased(&mut tx, channel.id, lease)
        .await?
        .is_none()
    {
        return Err(IngestError::LeaseLost);
    }
    channels::lock_shop_ingest(&mut tx).await?;
    let mut done = Ingested::default();
    for item in &batch.items {
        match item {
            Inbound::Message(m) => {
                if store_message(&mut tx, channel, m).await? {
                    done.messages += 1;
                } else {
                    done.duplicates += 1;
                }
            }
            Inbound::Order(o) => {
                store_order(&mut tx, channel, o).await?;
                done.orders += 1;
            }
            Inbound::Return(r) => {
                store_return(&mut tx, channel, r).await?;
                done.returns += 1;
            }
        }
    }
    let recorded = channels::record_poll(
        &mut tx,
        channel.id,
        lease,
        PollResult {
            cursor: batch.cursor.as_deref(),
            more: batch.more,
            backlog: batch.backlog,
            ingested: done.messages + done.orders + done.returns,
        },
    )
    .await?;
    if !recorded {
        return Err(IngestError::LeaseLost);
    }
    tx.commit().await?;
    Ok(done)
}

/// Stores one message; false when the channel delivered it before.
pub async fn store_message(
    tx: &mut TenantTx,
    channel: &Channel,
    m: &InboundMessage,
) -> Result<bool, sqlx::Error> {
    if messages::external_exists(tx, &m.channel, &m.external_id).await? {
        return Ok(false);
    }
    let raw = inbound_payloads::store(
        tx,
        NewPayload {
            channel_id: channel.id,
            kind: "message",
            external_id: &m.external_id,
            content_type: m.raw_content_type,
            body: &m.raw,
        },
    )
    .await?;
    // Plain mail identifies a buyer by address; relay mail by its alias (the buyer's real
    // address is hidden by the marketplace).
    let email = (m.channel == "email").then_some(m.from.address.as_str());
    let customer = customers::find_or_create_by_identity(
        tx,
        Identity {
            channel: &m.channel,
            address: &m.from.address,
            name: m.from.name.as_deref().unwrap_or(""),
            email,
            country: None,
            currency: DEFAULT_CURRENCY,
        },
    )
    .await?;
    let order = match &m.order_external_id {
        Some(number) => orders::find_external(tx, &m.channel, number).await?,
        None => None,
    };
    let reading = triage::read(
        &m.subject,
        &m.display_text,
        m.language.as_deref(),
        m.automated.is_some(),
    );
    let language = reading.language.as_deref();
    let escalations: Vec<&str> = reading
        .classification
        .iter()
        .flat_map(|c| c.escalations.iter().map(|e| e.as_str()))
        .collect();
    let ticket = match thread(tx, channel, m, customer).await? {
        Some(ticket) => ticket,
        None => {
            let subject = if m.subject.trim().is_empty() {
                "(no subject)"
            } else {
                m.subject.trim()
            };
            let (id, _number) = tickets::create(
                tx,
                NewTicket {
                    channel: &m.channel,
                    customer_id: customer,
                    order_id: order,
                    subject,
                    status: "new",
                    priority: "normal",
                    kind: None,
                    language,
                    at: m.sent_at,
                },
            )
            .await?;
            id
        }
    };
    let Some(message) = messages::create_inbound(
        tx,
        NewInbound {
            ticket_id: ticket,
            channel: &m.channel,
            channel_id: channel.id,
            external_id: &m.external_id,
            subject: &m.subject,
            body_text: &m.display_text,
            body_html: m.body_html.as_deref(),
            language,
            automated: m.automated.map(|a| a.as_str()),
            classification: reading.classification.as_ref().map(|c| Classified {
                intent: c.intent.as_str(),
                confidence: c.confidence,
                sentiment: c.sentiment.db(),
                escalations: &escalations,
            }),
            raw_payload_id: raw,
            conversation: m.conversation.as_deref(),
            at: m.sent_at,
        },
    )
    .await?
    else {
        // Checked above in this transaction; only a concurrent writer outside the channel's
        // lease could get here, and then its copy stands.
        return Ok(false);
    };
    for file in &m.attachments {
        attachments::create(
            tx,
            message,
            &attachments::NewAttachment {
                filename: &file.filename,
                content_type: &file.content_type,
                data: &file.bytes,
                content_id: file.content_id.as_deref(),
                inline: file.inline,
            },
        )
        .await?;
    }
    let reply_to = m.reply_to.as_deref().unwrap_or(&m.from.address);
    tickets::record_inbound(tx, ticket, channel.id, reply_to, order).await?;
    if let Some(c) = &reading.classification {
        triage::apply(tx, ticket, language, c).await?;
    }
    Ok(true)
}

/// The ticket a message continues, if any: by its marketplace conversation, then by the
/// ids it answers, then by a `[#1042]` token of the sender's own ticket, then by the
/// sender's open ticket with the same subject (without Re:/AW:/回复: prefixes). Closed
/// tickets are never continued: a buyer writing after closure starts a new conversation.
async fn thread(
    tx: &mut TenantTx,
    channel: &Channel,
    m: &InboundMessage,
    customer: CustomerId,
) -> Result<Option<TicketId>, sqlx::Error> {
    if let Some(conversation) = &m.conversation {
        if let Some((ticket, status)) =
            messages::ticket_of_conversation(tx, channel.id, conversation).await?
        {
            if status != "closed" {
                return Ok(Some(ticket));
            }
        }
    }
    if let Some((ticket, status)) =
        messages::ticket_of_external(tx, &m.channel, &m.thread.replies_to).await?
    {
        if status != "closed" {
            return Ok(Some(ticket));
        }
    }
    if let Some(number) = m.thread.ticket_number {
        if let Some((ticket, status)) = tickets::of_customer_by_number(tx, number, customer).await?
        {
            if status != "closed" {
                return Ok(Some(ticket));
            }
        }
    }
    if m.thread.normalized_subject.is_empty() {
        return Ok(None);
    }
    let open = tickets::open_subjects_of_customer(tx, customer).await?;
    Ok(open
        .into_iter()
        .find(|(_, subject)| normalize_subject(subject) == m.thread.normalized_subject)
        .map(|(id, _)| id))
}

/// Creates or updates the RMA of a marketplace return and keeps its raw JSON. An order the
/// channel has not delivered yet is created bare (from the return's lines) and filled in by
/// the order sync.
pub async fn store_return(
    tx: &mut TenantTx,
    channel: &Channel,
    r: &InboundReturn,
) -> Result<(), sqlx::Error> {
    let raw = inbound_payloads::store(
        tx,
        NewPayload {
            channel_id: channel.id,
            kind: "return",
            external_id: &r.external_id,
            content_type: "application/json",
            body: &r.raw,
        },
    )
    .await?;
    let currency = r
        .currency
        .as_deref()
        .filter(|c| is_code(c, 3))
        .unwrap_or(DEFAULT_CURRENCY);
    // A return named without its order (Shopify's returns/close) only moves an RMA made before.
    if r.order_external_id.is_empty() {
        if let Some((order, customer)) =
            marketplace_returns::order_of(tx, channel.id, &r.external_id).await?
        {
            let items: Vec<(&str, i32)> = Vec::new();
            marketplace_returns::upsert(
                tx,
                external_rma(channel, r, order, customer, currency, &items, raw),
            )
            .await?;
        }
        return Ok(());
    }
    let order = match orders::find_external(tx, &r.channel, &r.order_external_id).await? {
        Some(order) => order,
        None => {
            let bare = InboundOrder {
                channel: r.channel.clone(),
                external_id: r.order_external_id.clone(),
                status: "unknown".into(),
                customer: r.customer.clone(),
                total_minor: 0,
                currency: currency.to_owned(),
                shipping_country: None,
                carrier: None,
                tracking_number: None,
                ordered_at: r.requested_at,
                delivered_at: None,
                items: r
                    .items
                    .iter()
                    .map(|i| InboundOrderItem {
                        sku: i.sku.clone(),
                        title: i.title.clone(),
                        quantity: i.quantity,
                        unit_price_minor: 0,
                    })
                    .collect(),
                raw: b"{}".to_vec(),
            };
            store_order(tx, channel, &bare).await?
        }
    };
    let customer = orders::customer_of(tx, order).await?;
    // Without a currency of its own the return is in its order's.
    let order_currency = match &r.currency {
        Some(_) => None,
        None => orders::get(tx, order).await?.map(|o| o.currency),
    };
    let currency = order_currency.as_deref().unwrap_or(currency);
    let items: Vec<(&str, i32)> = r
        .items
        .iter()
        .filter(|i| i.quantity > 0)
        .map(|i| (i.sku.as_str(), i.quantity))
        .collect();
    marketplace_returns::upsert(
        tx,
        external_rma(channel, r, order, customer, currency, &items, raw),
    )
    .await?;
    Ok(())
}

fn external_rma<'a>(
    channel: &Channel,
    r: &'a InboundReturn,
    order: OrderId,
    customer: CustomerId,
    currency: &'a str,
    items: &'a [(&'a str, i32)],
    raw: uuid::Uuid,
) -> ExternalRma<'a> {
    let reason = if r.reason.trim().is_empty() {
        "other"
    } else {
        r.reason.trim()
    };
    ExternalRma {
        channel_id: channel.id,
        external_id: &r.external_id,
        order_id: order,
        customer_id: customer,
        status: r.state.as_str(),
        reason,
        buyer_comment: r.buyer_comment.as_deref(),
        items,
        refund_minor: r.refund_minor.filter(|m| *m >= 0),
        currency,
        carrier: r.carrier.as_deref(),
        tracking_number: r.tracking_number.as_deref(),
        raw_payload_id: raw,
        requested_at: r.requested_at,
    }
}

/// Upserts an order (with its customer) and keeps its raw JSON.
pub async fn store_order(
    tx: &mut TenantTx,
    channel: &Channel,
    o: &InboundOrder,
) -> Result<OrderId, sqlx::Error> {
    inbound_payloads::store(
        tx,
        NewPayload {
            channel_id: channel.id,
            kind: "order",
            external_id: &o.external_id,
            content_type: "application/json",
            body: &o.raw,
        },
    )
    .await?;
    // Values the schema would refuse are dropped here rather than failing the whole batch
    // (the raw JSON above keeps them): a channel must not stall on one odd order.
    let items: Vec<(&str, &str, i32, i64)> = o
        .items
        .iter()
        .filter(|i| i.quantity > 0 && i.unit_price_minor >= 0)
        .map(|i| {
            (
                i.sku.as_str(),
                i.title.as_str(),
                i.quantity,
                i.unit_price_minor,
            )
        })
        .collect();
    let currency = Some(o.currency.as_str())
        .filter(|c| is_code(c, 3))
        .unwrap_or(DEFAULT_CURRENCY);
    let country = o.customer.country.as_deref().filter(|c| is_code(c, 2));
    let shipping_country = o.shipping_country.as_deref().filter(|c| is_code(c, 2));
    let fallback_address = format!("order:{}", o.external_id);
    let address = o
        .customer
        .external_id
        .as_deref()
        .or(o.customer.email.as_deref())
        .unwrap_or(&fallback_address);
    let customer = customers::find_or_create_by_identity(
        tx,
        Identity {
            channel: &o.channel,
            address,
            name: &o.customer.name,
            email: o.customer.email.as_deref(),
            country,
            currency,
        },
    )
    .await?;

    let id = orders::upsert_external(
        tx,
        ExternalOrder {
            customer_id: customer,
            channel: &o.channel,
            external_id: &o.external_id,
            status: &o.status,
            total_minor: o.total_minor,
            currency,
            shipping_country,
            carrier: o.carrier.as_deref(),
            tracking_number: o.tracking_number.as_deref(),
            ordered_at: o.ordered_at,
            delivered_at: o.delivered_at,
            tracking_status: aftersail_domain::alerts::tracking_status(
                &o.status,
                o.delivered_at.is_some(),
            ),
            items: &items,
        },
    )
    .await?;
    Ok(id)
}

/// An ISO code of `len` upper-case ASCII letters (country: 2, currency: 3).
fn is_code(code: &str, len: usize) -> bool {
    code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase())
}
