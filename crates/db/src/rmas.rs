//! Return merchandise authorisations (returns).

use aftersail_domain::{CustomerId, OrderId, OrderItemId, RmaId, TicketId, UserId, WarehouseId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

pub struct NewRma<'a> {
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub ticket_id: Option<TicketId>,
    pub status: &'a str,
    pub reason: &'a str,
    pub resolution: Option<&'a str>,
    pub items: &'a [(OrderItemId, i32)],
    pub at: DateTime<Utc>,
}

/// Creates an RMA with the shop's next code (`RMA-000001`), from the shop's own sequence like
/// ticket numbers (see `tickets::create`).
pub async fn create(tx: &mut TenantTx, r: NewRma<'_>) -> Result<(RmaId, String), Error> {
    let tenant = tx.tenant();
    let number: i64 = sqlx::query_scalar("SELECT next_shop_number('rma')")
        .fetch_one(tx.conn())
        .await?;
    let code = format!("RMA-{number:06}");
    let id = RmaId::new();
    sqlx::query(
        "INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, ticket_id, status, reason, resolution, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&code)
    .bind(r.order_id)
    .bind(r.customer_id)
    .bind(r.ticket_id)
    .bind(r.status)
    .bind(r.reason)
    .bind(r.resolution)
    .bind(r.at)
    .execute(tx.conn())
    .await?;
    for (item, quantity) in r.items {
        sqlx::query("INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind(id)
            .bind(item)
            .bind(quantity)
            .execute(tx.conn())
            .await?;
    }
    Ok((id, code))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RmaRow {
    pub id: RmaId,
    pub code: String,
    pub status: String,
    pub reason: String,
    pub resolution: Option<String>,
    pub customer_name: String,
    pub order_external_id: String,
    pub ticket_number: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const ROW_SELECT: &str =
    "SELECT r.id, r.code, r.status, r.reason, r.resolution, c.name AS customer_name,
        o.external_id AS order_external_id, t.number AS ticket_number, r.created_at
     FROM rmas r
     JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
     JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
     LEFT JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
     WHERE r.tenant_id = $1";

/// The newest returns first (up to `limit`).
pub async fn recent(tx: &mut TenantTx, limit: i64) -> Result<Vec<RmaRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{ROW_SELECT} ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
    ))
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

pub async fn for_customer(tx: &mut TenantTx, customer: CustomerId) -> Result<Vec<RmaRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{ROW_SELECT} AND r.customer_id = $2 ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// A return as the portal or an agent opens it, with the engine's decision.
pub struct DecidedRma<'a> {
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub ticket_id: Option<TicketId>,
    /// `requested` (an agent decides), `approved` (auto-approved) or `rejected`.
    pub status: &'a str,
    pub reason: &'a str,
    pub resolution: Option<&'a str>,
    pub items: &'a [(OrderItemId, i32)],
    /// `aftersail_domain::returns::ReturnRequest` and `Decision` as JSON.
    pub request: &'a serde_json::Value,
    pub decision: &'a serde_json::Value,
    pub refund_minor: Option<i64>,
    pub currency: &'a str,
    pub warehouse_id: Option<WarehouseId>,
    pub buyer_email: Option<&'a str>,
    pub language: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Creates the RMA with its decision and items, and its first timeline entry.
pub async fn create_decided(
    tx: &mut TenantTx,
    r: DecidedRma<'_>,
    actor: Option<UserId>,
) -> Result<(RmaId, String), Error> {
    let (id, code) = create(
        tx,
        NewRma {
            order_id: r.order_id,
            customer_id: r.customer_id,
            ticket_id: r.ticket_id,
            status: r.status,
            reason: r.reason,
            resolution: r.resolution,
            items: r.items,
            at: r.at,
        },
    )
    .await?;
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE rmas SET request = $3, decision = $4, refund_minor = $5, currency = $6, warehouse_id = $7,
                buyer_email = $8, language = $9
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(r.request)
    .bind(r.decision)
    .bind(r.refund_minor)
    .bind(r.currency)
    .bind(r.warehouse_id)
    .bind(r.buyer_email)
    .bind(r.language)
    .execute(tx.conn())
    .await?;
    add_event(
        tx,
        id,
        actor,
        "requested",
        None,
        true,
        &serde_json::json!({}),
    )
    .await?;
    if r.status != "requested" {
        add_event(tx, id, None, r.status, None, true, r.decision).await?;
    }
    Ok((id, code))
}

/// Appends to the RMA's timeline. `visible_to_buyer: false` for internal notes.
pub async fn add_event(
    tx: &mut TenantTx,
    rma: RmaId,
    actor: Option<UserId>,
    kind: &str,
    note: Option<&str>,
    visible_to_buyer: bool,
    data: &serde_json::Value,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO rma_events (tenant_id, id, rma_id, actor_user_id, kind, note, visible_to_buyer, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(rma)
    .bind(actor)
    .bind(kind)
    .bind(note)
    .bind(visible_to_buyer)
    .bind(data)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RmaEvent {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub note: Option<String>,
    pub visible_to_buyer: bool,
    pub data: serde_json::Value,
}

/// The timeline, oldest first; `buyer_view` leaves out what only agents see.
pub async fn timeline(
    tx: &mut TenantTx,
    rma: RmaId,
    buyer_view: bool,
) -> Result<Vec<RmaEvent>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT e.at, u.name AS actor_name, e.kind, e.note, e.visible_to_buyer, e.data
         FROM rma_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_user_id
         WHERE e.tenant_id = $1 AND e.rma_id = $2 AND (NOT $3 OR e.visible_to_buyer)
         ORDER BY e.at, e.id",
    )
    .bind(tenant)
    .bind(rma)
    .bind(buyer_view)
    .fetch_all(tx.conn())
    .await
}

/// Everything about one return.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rma {
    pub id: RmaId,
    pub code: String,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub ticket_id: Option<TicketId>,
    pub status: String,
    pub reason: String,
    pub resolution: Option<String>,
    pub request: Option<serde_json::Value>,
    pub decision: Option<serde_json::Value>,
    pub refund_minor: Option<i64>,
    pub currency: Option<String>,
    pub warehouse_id: Option<WarehouseId>,
    pub buyer_email: Option<String>,
    pub language: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub label_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const RMA_COLUMNS: &str = "id, code, order_id, customer_id, ticket_id, status, reason, resolution, request, decision, \
    refund_minor, currency, warehouse_id, buyer_email, language, carrier, tracking_number, label_url, created_at, updated_at";

pub async fn get(tx: &mut TenantTx, id: RmaId) -> Result<Option<Rma>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {RMA_COLUMNS} FROM rmas WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

pub async fn get_by_code(tx: &mut TenantTx, code: &str) -> Result<Option<Rma>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {RMA_COLUMNS} FROM rmas WHERE tenant_id = $1 AND code = upper($2)"
    ))
    .bind(tenant)
    .bind(code.trim())
    .fetch_optional(tx.conn())
    .await
}

/// Moves the RMA to `status` and records who did it and why. Returns false for an unknown RMA.
pub async fn set_status(
    tx: &mut TenantTx,
    id: RmaId,
    status: &str,
    actor: Option<UserId>,
    note: Option<&str>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE rmas SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(status)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    add_event(tx, id, actor, status, note, true, &serde_json::json!({})).await?;
    Ok(true)
}

/// The items of an RMA: (order item, sku, title, quantity returned, unit price).
pub async fn items(
    tx: &mut TenantTx,
    id: RmaId,
) -> Result<Vec<(OrderItemId, String, String, i32, i64)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT i.order_item_id, oi.sku, oi.title, i.quantity, oi.unit_price_minor
         FROM rma_items i JOIN order_items oi ON oi.tenant_id = i.tenant_id AND oi.id = i.order_item_id
         WHERE i.tenant_id = $1 AND i.rma_id = $2 ORDER BY oi.sku",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await
}

/// The query of [`returned_quantities`]. From the order's returns to their items (LATERAL
/// keeps that order): with statistics of a few returns, the planner started from all of the
/// shop's return items and looked each one's return up, 466 ms a call at 600 returns. Public
/// for the test that checks its plan (`tests/api/rls_plans.rs`).
pub const RETURNED_QUANTITIES_SQL: &str = "SELECT i.order_item_id, sum(i.quantity)::bigint
     FROM rmas r
     CROSS JOIN LATERAL (SELECT order_item_id, quantity FROM rma_items
                         WHERE tenant_id = r.tenant_id AND rma_id = r.id) i
     WHERE r.tenant_id = $1 AND r.order_id = $2 AND r.status <> 'rejected'
     GROUP BY i.order_item_id";

/// How many of each order item earlier returns (not rejected) took already, so the same unit
/// is not returned twice.
pub async fn returned_quantities(
    tx: &mut TenantTx,
    order: OrderId,
) -> Result<Vec<(OrderItemId, i64)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(RETURNED_QUANTITIES_SQL)
        .bind(tenant)
        .bind(order)
        .fetch_all(tx.conn())
        .await
}

/// A buyer's photo of the goods.
pub async fn add_photo(
    tx: &mut TenantTx,
    rma: RmaId,
    filename: &str,
    content_type: &str,
    data: &[u8],
) -> Result<uuid::Uuid, Error> {
    use sha2::Digest as _;
    let tenant = tx.tenant();
    let id = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO rma_photos (tenant_id, id, rma_id, filename, content_type, size_bytes, sha256, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant)
    .bind(id)
    .bind(rma)
    .bind(filename)
    .bind(content_type)
    .bind(data.len() as i64)
    .bind(hex::encode(sha2::Sha256::digest(data)))
    .bind(data)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// The RMA's photos without their bytes: (id, filename, content type, size).
pub async fn photos(
    tx: &mut TenantTx,
    rma: RmaId,
) -> Result<Vec<(uuid::Uuid, String, String, i64)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, filename, content_type, size_bytes FROM rma_photos WHERE tenant_id = $1 AND rma_id = $2
         ORDER BY created_at, id",
    )
    .bind(tenant)
    .bind(rma)
    .fetch_all(tx.conn())
    .await
}

/// One photo's bytes, if it belongs to this RMA.
pub async fn photo(
    tx: &mut TenantTx,
    rma: RmaId,
    id: uuid::Uuid,
) -> Result<Option<(String, Vec<u8>)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT content_type, data FROM rma_photos WHERE tenant_id = $1 AND rma_id = $2 AND id = $3",
    )
    .bind(tenant)
    .bind(rma)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// What the agent's returns list filters on; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<String>,
    pub reason: Option<String>,
    pub channel: Option<String>,
    pub resolution: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub created_to: Option<DateTime<Utc>>,
    /// Matches the RMA code, the order number or the customer's name.
    pub text: Option<String>,
}

/// One row of the agent's returns list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    pub id: RmaId,
    pub code: String,
    pub status: String,
    pub reason: String,
    pub resolution: Option<String>,
    pub refund_minor: Option<i64>,
    pub currency: Option<String>,
    pub customer_name: String,
    pub order_external_id: String,
    pub channel: String,
    pub created_at: DateTime<Utc>,
}

/// `$2..$8` of the filtered list queries (`$8`: an RMA code, order number, buyer name or an
/// item's exact SKU, as the alerts page links it).
const LIST_WHERE: &str = "r.tenant_id = $1
       AND ($2::text IS NULL OR r.status = $2)
       AND ($3::text IS NULL OR r.reason = $3)
       AND ($4::text IS NULL OR o.channel = $4)
       AND ($5::text IS NULL OR r.resolution = $5)
       AND ($6::timestamptz IS NULL OR r.created_at >= $6)
       AND ($7::timestamptz IS NULL OR r.created_at < $7)
       AND ($8::text IS NULL OR r.code = upper($8) OR o.external_id ILIKE '%' || $8 || '%'
            OR c.name ILIKE '%' || $8 || '%'
            OR EXISTS (SELECT 1 FROM rma_items ri
                       JOIN order_items i ON i.tenant_id = ri.tenant_id AND i.id = ri.order_item_id
                       WHERE ri.tenant_id = r.tenant_id AND ri.rma_id = r.id AND upper(i.sku) = upper($8)))";

/// The filtered returns, newest first, after the keyset cursor `(created_at, id)`.
pub async fn list(
    tx: &mut TenantTx,
    f: &ListFilter,
    after: Option<(DateTime<Utc>, RmaId)>,
    limit: i64,
) -> Result<Vec<ListRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT r.id, r.code, r.status, r.reason, r.resolution, r.refund_minor, r.currency,
                c.name AS customer_name, o.external_id AS order_external_id, o.channel, r.created_at
         FROM rmas r
         JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
         JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
         WHERE {LIST_WHERE}
           AND ($9::timestamptz IS NULL OR (r.created_at, r.id) < ($9, $10))
         ORDER BY r.created_at DESC, r.id DESC LIMIT $11"
    ))
    .bind(tenant)
    .bind(f.status.as_deref())
    .bind(f.reason.as_deref())
    .bind(f.channel.as_deref())
    .bind(f.resolution.as_deref())
    .bind(f.created_from)
    .bind(f.created_to)
    .bind(f.text.as_deref())
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// How many returns match the filter (its status ignored) in `status`, counting at most `cap`.
pub async fn count_in_status(
    tx: &mut TenantTx,
    f: &ListFilter,
    status: &str,
    cap: i64,
) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (SELECT 1 FROM rmas r
         JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
         JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
         WHERE {LIST_WHERE} LIMIT $9) s"
    ))
    .bind(tenant)
    .bind(status)
    .bind(f.reason.as_deref())
    .bind(f.channel.as_deref())
    .bind(f.resolution.as_deref())
    .bind(f.created_from)
    .bind(f.created_to)
    .bind(f.text.as_deref())
    .bind(cap)
    .fetch_one(tx.conn())
    .await
}

/// Moves the RMA from one of `from` to `to` and records the event; false (nothing changed)
/// when it is in another status.
pub async fn transition(
    tx: &mut TenantTx,
    id: RmaId,
    from: &[&str],
    to: &str,
    actor: Option<UserId>,
    note: Option<&str>,
    data: &serde_json::Value,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    let done = sqlx::query(
        "UPDATE rmas SET status = $4, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = ANY($3)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&from)
    .bind(to)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    add_event(tx, id, actor, to, note, true, data).await?;
    Ok(true)
}

/// An agent's override of the engine: the resolution and refund, while the RMA is in one of
/// `from`. False when it is not.
pub async fn override_resolution(
    tx: &mut TenantTx,
    id: RmaId,
    from: &[&str],
    resolution: &str,
    refund_minor: i64,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    let done = sqlx::query(
        "UPDATE rmas SET resolution = $4, refund_minor = $5, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = ANY($3)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&from)
    .bind(resolution)
    .bind(refund_minor)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The return label: carrier, tracking number and label URL, while in one of `from`.
pub async fn set_label(
    tx: &mut TenantTx,
    id: RmaId,
    from: &[&str],
    carrier: &str,
    tracking_number: &str,
    label_url: Option<&str>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    let done = sqlx::query(
        "UPDATE rmas SET carrier = $4, tracking_number = $5, label_url = $6, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = ANY($3)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&from)
    .bind(carrier)
    .bind(tracking_number)
    .bind(label_url)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Opens the conversation a portal return is discussed in: a `return` ticket for the buyer
/// with their request as the first message, answered by email through the shop's first active
/// mailbox (if it has one), linked to the RMA. Returns the ticket.
pub struct Conversation<'a> {
    pub rma: RmaId,
    pub customer: CustomerId,
    pub order: OrderId,
    pub subject: &'a str,
    pub language: Option<&'a str>,
    pub request_text: &'a str,
    pub buyer_email: &'a str,
}

pub async fn open_conversation(tx: &mut TenantTx, c: Conversation<'_>) -> Result<TicketId, Error> {
    let Conversation {
        rma,
        customer,
        order,
        subject,
        language,
        request_text,
        buyer_email,
    } = c;
    let now = Utc::now();
    let (ticket, _number) = crate::tickets::create(
        tx,
        crate::tickets::NewTicket {
            channel: "email",
            customer_id: customer,
            order_id: Some(order),
            subject,
            status: "new",
            priority: "normal",
            kind: Some("return"),
            language,
            at: now,
        },
    )
    .await?;
    crate::messages::create(
        tx,
        crate::messages::NewMessage {
            ticket_id: ticket,
            kind: "inbound",
            author: None,
            body_text: request_text,
            language,
            channel: "portal",
            external_id: None,
            delivery_state: None,
            at: now,
        },
    )
    .await?;
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET reply_to = $3,
                channel_id = (SELECT id FROM channels WHERE tenant_id = $1 AND kind = 'email' AND status = 'active'
                              ORDER BY created_at LIMIT 1)
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(buyer_email)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE rmas SET ticket_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(rma)
        .bind(ticket)
        .execute(tx.conn())
        .await?;
    Ok(ticket)
}

/// A page of returns in id order after `after`.
pub async fn page(tx: &mut TenantTx, after: Option<RmaId>, limit: i64) -> Result<Vec<Rma>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {RMA_COLUMNS} FROM rmas WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2)
         ORDER BY id LIMIT $3"
    ))
    .bind(tenant)
    .bind(after)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// An item of a return, with the return it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RmaLine {
    pub rma_id: RmaId,
    pub order_item_id: OrderItemId,
    pub sku: String,
    pub title: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
}

/// The items of many returns in one query.
pub async fn items_of(tx: &mut TenantTx, rmas: &[RmaId]) -> Result<Vec<RmaLine>, Error> {
    let tenant = tx.tenant();
    let ids: Vec<uuid::Uuid> = rmas.iter().map(|r| r.0).collect();
    sqlx::query_as(
        "SELECT i.rma_id, i.order_item_id, oi.sku, oi.title, i.quantity, oi.unit_price_minor
         FROM rma_items i JOIN order_items oi ON oi.tenant_id = i.tenant_id AND oi.id = i.order_item_id
         WHERE i.tenant_id = $1 AND i.rma_id = ANY($2) ORDER BY i.rma_id, oi.sku",
    )
    .bind(tenant)
    .bind(&ids)
    .fetch_all(tx.conn())
    .await
}
