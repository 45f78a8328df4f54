//! Returns opened on a marketplace (Amazon returns report, eBay Post-Order, Shopee returns),
//! kept as RMAs in step with the marketplace: the first import creates the RMA with the
//! shop's next code, later imports move its status and tracking and say so on its timeline.

use aftersail_domain::{ChannelId, CustomerId, OrderId, RmaId};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::{rmas, Error, TenantTx};

pub struct ExternalRma<'a> {
    pub channel_id: ChannelId,
    /// The marketplace's return id.
    pub external_id: &'a str,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    /// An `rmas.status` value.
    pub status: &'a str,
    pub reason: &'a str,
    pub buyer_comment: Option<&'a str>,
    /// `(sku, quantity)` of the returned lines; matched to the order's items by SKU.
    pub items: &'a [(&'a str, i32)],
    pub refund_minor: Option<i64>,
    pub currency: &'a str,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub raw_payload_id: uuid::Uuid,
    pub requested_at: DateTime<Utc>,
}

/// What an import did to the RMA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upserted {
    Created(RmaId),
    /// It existed; `moved` when the marketplace changed its status.
    Updated {
        id: RmaId,
        moved: bool,
    },
}

/// Creates or updates the RMA for a marketplace return.
pub async fn upsert(tx: &mut TenantTx, r: ExternalRma<'_>) -> Result<Upserted, Error> {
    let tenant = tx.tenant();
    let existing: Option<(RmaId, String)> = sqlx::query_as(
        "SELECT id, status FROM rmas WHERE tenant_id = $1 AND channel_id = $2 AND external_id = $3
         FOR UPDATE",
    )
    .bind(tenant)
    .bind(r.channel_id)
    .bind(r.external_id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some((id, status)) = existing {
        sqlx::query(
            "UPDATE rmas SET status = $3, refund_minor = coalesce($4, refund_minor),
                    carrier = coalesce($5, carrier), tracking_number = coalesce($6, tracking_number),
                    raw_payload_id = $7, updated_at = now()
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(r.status)
        .bind(r.refund_minor)
        .bind(r.carrier)
        .bind(r.tracking_number)
        .bind(r.raw_payload_id)
        .execute(tx.conn())
        .await?;
        let moved = status != r.status;
        if moved {
            rmas::add_event(
                tx,
                id,
                None,
                r.status,
                Some("updated on the marketplace"),
                false,
                &json!({ "from": status, "external_id": r.external_id }),
            )
            .await?;
        }
        return Ok(Upserted::Updated { id, moved });
    }

    let order_items: Vec<(aftersail_domain::OrderItemId, String, i32)> = sqlx::query_as(
        "SELECT id, sku, quantity FROM order_items WHERE tenant_id = $1 AND order_id = $2 ORDER BY sku, id",
    )
    .bind(tenant)
    .bind(r.order_id)
    .fetch_all(tx.conn())
    .await?;
    let mut items = Vec::new();
    for (sku, quantity) in r.items {
        if let Some((item, _, ordered)) = order_items
            .iter()
            .find(|(id, s, _)| s == sku && !items.iter().any(|(taken, _)| taken == id))
        {
            items.push((*item, (*quantity).clamp(1, (*ordered).max(1))));
        }
    }
    let (id, _code) = rmas::create(
        tx,
        rmas::NewRma {
            order_id: r.order_id,
            customer_id: r.customer_id,
            ticket_id: None,
            status: r.status,
            reason: r.reason,
            resolution: Some("refund"),
            items: &items,
            at: r.requested_at,
        },
    )
    .await?;
    sqlx::query(
        "UPDATE rmas SET channel_id = $3, external_id = $4, refund_minor = $5, currency = $6,
                carrier = $7, tracking_number = $8, raw_payload_id = $9,
                request = $10
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(r.channel_id)
    .bind(r.external_id)
    .bind(r.refund_minor)
    .bind(r.currency)
    .bind(r.carrier)
    .bind(r.tracking_number)
    .bind(r.raw_payload_id)
    .bind(json!({ "source": "marketplace", "comment": r.buyer_comment }))
    .execute(tx.conn())
    .await?;
    rmas::add_event(
        tx,
        id,
        None,
        "requested",
        r.buyer_comment,
        true,
        &json!({ "external_id": r.external_id }),
    )
    .await?;
    if r.status != "requested" {
        rmas::add_event(
            tx,
            id,
            None,
            r.status,
            Some("as imported from the marketplace"),
            false,
            &json!({}),
        )
        .await?;
    }
    Ok(Upserted::Created(id))
}

/// The order and customer of the RMA made for this marketplace return, if any.
pub async fn order_of(
    tx: &mut TenantTx,
    channel: ChannelId,
    external_id: &str,
) -> Result<Option<(OrderId, CustomerId)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT order_id, customer_id FROM rmas WHERE tenant_id = $1 AND channel_id = $2 AND external_id = $3",
    )
    .bind(tenant)
    .bind(channel)
    .bind(external_id)
    .fetch_optional(tx.conn())
    .await
}

/// The channel and marketplace id of an RMA opened on a marketplace.
pub async fn external_of(
    tx: &mut TenantTx,
    rma: RmaId,
) -> Result<Option<(ChannelId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT channel_id, external_id FROM rmas
         WHERE tenant_id = $1 AND id = $2 AND channel_id IS NOT NULL AND external_id IS NOT NULL",
    )
    .bind(tenant)
    .bind(rma)
    .fetch_optional(tx.conn())
    .await
}
