//! Sell Fulfillment API orders: the `getOrders` page of a `lastmodifieddate` window, the
//! shipping fulfillments that carry carrier and tracking, orders by id, and the mapping of
//! an eBay order to [`InboundOrder`]. Order refunds (issueRefund) live here too.
//!
//! # Refund idempotency
//!
//! issueRefund takes no idempotency key, and the refunds `getOrder` lists
//! (`paymentSummary.refunds`, `lineItems[].refunds`) do not echo the seller's comment, so a
//! refund cannot be found by a key written into it. Before issuing, [`refund`] reads the
//! order and treats a refund made through issueRefund (it has a `refundId`) that is not
//! `FAILED` and has exactly the requested amount and currency as the one made before
//! (returning its id): a retry after a lost answer finds it and refunds nothing. The
//! key still goes into the comment (cut to eBay's 100 characters, key kept whole), where
//! the seller sees it in Seller Hub. The cost: a second, deliberate refund of the same
//! amount on the same order is taken for the first one; the worker records the refund
//! as made, and the agent sees the single eBay refund on the order.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::fields::{self, amount, country, text, Paging, NO_CURRENCY};
use super::http::{url, Api, Call};
use crate::{ConnectorError, InboundCustomer, InboundOrder, InboundOrderItem, RefundRequest};

/// One page of `getOrders`.
#[derive(Debug)]
pub struct OrdersPage {
    pub orders: Vec<Value>,
    pub paging: Paging,
}

/// `getOrders` with `filter=lastmodifieddate:[from..to]`, `limit`, `offset`.
pub async fn page(
    api: &Api,
    root: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    offset: u64,
    limit: u32,
) -> Result<OrdersPage, ConnectorError> {
    let filter = format!(
        "lastmodifieddate:[{}..{}]",
        fields::format_time(from),
        fields::format_time(to)
    );
    let body = api
        .call(
            &Call::get("getOrders", url(root, &["order"]))
                .query("filter", filter)
                .query("limit", limit.to_string())
                .query("offset", offset.to_string()),
        )
        .await?;
    page_of(&body)
}

fn page_of(body: &Value) -> Result<OrdersPage, ConnectorError> {
    let orders = match body.get("orders") {
        Some(Value::Array(list)) => list.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(ConnectorError::Transient(
                "eBay getOrders answered orders that are not a list".into(),
            ))
        }
    };
    Ok(OrdersPage {
        orders,
        paging: Paging::rest(body),
    })
}

/// `getOrders?orderIds=…` (up to 50 ids).
pub async fn by_ids(api: &Api, root: &str, ids: &[String]) -> Result<Vec<Value>, ConnectorError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(50) {
        let body = api
            .call(&Call::get("getOrders", url(root, &["order"])).query("orderIds", chunk.join(",")))
            .await?;
        out.extend(page_of(&body)?.orders);
    }
    Ok(out)
}

/// `getOrder`.
pub async fn get(api: &Api, root: &str, order_id: &str) -> Result<Value, ConnectorError> {
    api.call(&Call::get("getOrder", url(root, &["order", order_id])))
        .await
}

/// Carrier and tracking number of an order's latest shipping fulfillment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipment {
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

/// Whether the order lists shipping fulfillments worth fetching.
pub fn has_fulfillments(order: &Value) -> bool {
    order
        .get("fulfillmentHrefs")
        .and_then(Value::as_array)
        .is_some_and(|hrefs| !hrefs.is_empty())
}

/// `getShippingFulfillments` → the latest shipment (by `shippedDate`, else the last listed).
pub async fn shipment(
    api: &Api,
    root: &str,
    order_id: &str,
) -> Result<Option<Shipment>, ConnectorError> {
    let body = api
        .call(&Call::get(
            "getShippingFulfillments",
            url(root, &["order", order_id, "shipping_fulfillment"]),
        ))
        .await?;
    Ok(latest_shipment(&body))
}

fn latest_shipment(body: &Value) -> Option<Shipment> {
    let list = body.get("fulfillments").and_then(Value::as_array)?;
    let mut best: Option<(Option<DateTime<Utc>>, &Value)> = None;
    for f in list {
        let shipped = fields::time(f, "/shippedDate");
        let better = match &best {
            None => true,
            Some((at, _)) => shipped >= *at,
        };
        if better {
            best = Some((shipped, f));
        }
    }
    let (_, f) = best?;
    let shipment = Shipment {
        carrier: text(f, "/shippingCarrierCode").map(str::to_owned),
        tracking_number: text(f, "/shipmentTrackingNumber").map(str::to_owned),
    };
    (shipment != Shipment::default()).then_some(shipment)
}

/// Our status from eBay's cancel, payment and fulfillment states (cancellation and refunds
/// win, then shipping, then payment), in the words the Shopify mapping uses.
pub fn order_status(order: &Value) -> &'static str {
    let cancel = text(order, "/cancelStatus/cancelState").unwrap_or("");
    let payment = text(order, "/orderPaymentStatus").unwrap_or("");
    let fulfillment = text(order, "/orderFulfillmentStatus").unwrap_or("");
    match (cancel, payment, fulfillment) {
        ("CANCELED", _, _) => "cancelled",
        (_, "FULLY_REFUNDED", _) => "refunded",
        (_, _, "FULFILLED") => "shipped",
        (_, _, "IN_PROGRESS") => "partially_shipped",
        (_, "PARTIALLY_REFUNDED", _) => "partially_refunded",
        (_, "PAID", _) => "paid",
        (_, "FAILED", _) => "cancelled",
        _ => "pending",
    }
}

/// The shipping address: the final destination for eBay-handled international shipping,
/// else the ship-to of the first fulfillment instruction.
fn ship_to(order: &Value) -> Option<&Value> {
    let first = order.pointer("/fulfillmentStartInstructions/0")?;
    first
        .get("finalDestinationAddress")
        .filter(|a| a.get("countryCode").is_some())
        .or_else(|| first.pointer("/shippingStep/shipTo/contactAddress"))
}

/// One eBay order → [`InboundOrder`]. `None` for an order without an id (it could not be
/// stored or found again). Unreadable amounts become 0 in `XXX` and unreadable dates the
/// poll time, with a warning, rather than losing the order.
pub fn to_inbound(
    order: &Value,
    shipment: Option<&Shipment>,
    now: DateTime<Utc>,
) -> Option<InboundOrder> {
    let Some(order_id) = text(order, "/orderId") else {
        tracing::warn!("eBay order without orderId skipped");
        return None;
    };
    let (total_minor, currency) = match amount(order, "/pricingSummary/total") {
        Some(total) => total,
        None => {
            tracing::warn!(order_id, "eBay order total unreadable; stored as 0 XXX");
            (0, NO_CURRENCY.to_owned())
        }
    };
    let ordered_at = fields::time(order, "/creationDate")
        .or_else(|| fields::time(order, "/lastModifiedDate"))
        .unwrap_or_else(|| {
            tracing::warn!(
                order_id,
                "eBay order creationDate unreadable; using the poll time"
            );
            now
        });
    let username = text(order, "/buyer/username");
    let registration = order.pointer("/buyer/buyerRegistrationAddress");
    let ship_contact = order.pointer("/fulfillmentStartInstructions/0/shippingStep/shipTo");
    let name = registration
        .and_then(|r| text(r, "/fullName"))
        .or_else(|| ship_contact.and_then(|s| text(s, "/fullName")))
        .or(username)
        .unwrap_or("eBay buyer");
    let email = registration
        .and_then(|r| text(r, "/email"))
        .or_else(|| ship_contact.and_then(|s| text(s, "/email")))
        .map(str::to_owned);
    let shipping_country = country(ship_to(order).and_then(|a| text(a, "/countryCode")));
    let items = order
        .get("lineItems")
        .and_then(Value::as_array)
        .map(|lines| lines.iter().map(line_item).collect())
        .unwrap_or_default();
    Some(InboundOrder {
        channel: super::CHANNEL.to_owned(),
        external_id: order_id.to_owned(),
        status: order_status(order).to_owned(),
        customer: InboundCustomer {
            external_id: username.map(str::to_owned),
            name: name.to_owned(),
            email,
            country: shipping_country.clone(),
        },
        total_minor,
        currency,
        shipping_country,
        carrier: shipment.and_then(|s| s.carrier.clone()),
        tracking_number: shipment.and_then(|s| s.tracking_number.clone()),
        ordered_at,
        delivered_at: None,
        items,
        raw: serde_json::to_vec(order).unwrap_or_default(),
    })
}

fn line_item(line: &Value) -> InboundOrderItem {
    let quantity = line
        .get("quantity")
        .and_then(Value::as_i64)
        .map(|q| q.clamp(0, i64::from(i32::MAX)) as i32)
        .unwrap_or(1);
    // lineItemCost is the unit price times the quantity, before discounts.
    let unit_price_minor = amount(line, "/lineItemCost")
        .map(|(cost, _)| {
            if quantity > 0 {
                cost / i64::from(quantity)
            } else {
                cost
            }
        })
        .unwrap_or(0);
    InboundOrderItem {
        sku: item_sku(line),
        title: text(line, "/title").unwrap_or("").to_owned(),
        quantity,
        unit_price_minor,
    }
}

/// The seller's SKU, or the listing's item id when the listing has none (the Post-Order
/// API only knows item ids, so returns match on the same value).
pub fn item_sku(line: &Value) -> String {
    text(line, "/sku")
        .or_else(|| text(line, "/legacyItemId"))
        .unwrap_or("")
        .to_owned()
}

/// The comment for a refund: the note, cut so that ` [key]` fits eBay's 100 characters.
pub fn refund_comment(note: &str, key: &str) -> String {
    const MAX: usize = 100;
    let tag = format!(" [{key}]");
    let room = MAX.saturating_sub(tag.chars().count());
    let note: String = note.trim().chars().take(room).collect();
    let comment = format!("{}{tag}", note.trim_end());
    comment
        .chars()
        .take(MAX)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A refund already on the order that matches `refund` (see the module docs).
pub fn matching_refund(order: &Value, refund: &RefundRequest) -> Option<String> {
    let mut candidates: Vec<&Value> = Vec::new();
    if let Some(list) = order
        .pointer("/paymentSummary/refunds")
        .and_then(Value::as_array)
    {
        candidates.extend(list);
    }
    if let Some(lines) = order.get("lineItems").and_then(Value::as_array) {
        for line in lines {
            if let Some(list) = line.get("refunds").and_then(Value::as_array) {
                candidates.extend(list);
            }
        }
    }
    candidates.into_iter().find_map(|r| {
        let id = text(r, "/refundId")?;
        if text(r, "/refundStatus") == Some("FAILED") {
            return None;
        }
        let (minor, currency) = amount(r, "/amount")?;
        (minor == refund.amount_minor && currency == refund.currency.to_ascii_uppercase())
            .then(|| id.to_owned())
    })
}

/// Refunds an order through issueRefund, unless the same refund was made before.
pub async fn refund(
    api: &Api,
    root: &str,
    refund: &RefundRequest,
) -> Result<String, ConnectorError> {
    let order_id = refund.order_external_id.as_str();
    let currency = fields::currency(&refund.currency).ok_or_else(|| {
        ConnectorError::Permanent(format!(
            "eBay refund: {:?} is not a currency code",
            refund.currency
        ))
    })?;
    if refund.amount_minor <= 0 {
        return Err(ConnectorError::Permanent(format!(
            "eBay refund for order {order_id}: the amount must be positive"
        )));
    }
    let order = get(api, root, order_id).await?;
    if let Some(existing) = matching_refund(&order, refund) {
        tracing::info!(
            order_id,
            refund_id = existing,
            "eBay refund already made; not issuing again"
        );
        return Ok(existing);
    }
    let body = json!({
        "reasonForRefund": "OTHER",
        "comment": refund_comment(&refund.note, &refund.idempotency_key),
        "orderLevelRefundAmount": {
            "value": fields::decimal(refund.amount_minor, &currency),
            "currency": currency,
        },
    });
    let answer = api
        .call(&Call::post(
            "issueRefund",
            url(root, &["order", order_id, "issue_refund"]),
            &body,
        ))
        .await?;
    let status = text(&answer, "/refundStatus").unwrap_or("");
    if status == "FAILED" {
        return Err(ConnectorError::Permanent(format!(
            "eBay refused the refund for order {order_id} (refundStatus FAILED)"
        )));
    }
    text(&answer, "/refundId")
        .map(str::to_owned)
        .ok_or_else(|| {
            ConnectorError::Permanent(format!(
            "eBay issueRefund for order {order_id} answered without a refundId (status {status:?})"
        ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Value {
        json!({
            "orderId": "04-11111-22222",
            "creationDate": "2026-04-02T10:00:00.000Z",
            "lastModifiedDate": "2026-04-03T10:00:00.000Z",
            "orderFulfillmentStatus": "FULFILLED",
            "orderPaymentStatus": "PAID",
            "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
            "sellerId": "best.seller",
            "buyer": {"username": "Buyer_One", "buyerRegistrationAddress": {"fullName": "Jana Nováková", "email": "abc123@members.ebay.com"}},
            "pricingSummary": {"total": {"value": "1500", "currency": "JPY"}},
            "fulfillmentHrefs": ["https://api.ebay.com/sell/fulfillment/v1/order/04-11111-22222/shipping_fulfillment/1Z"],
            "fulfillmentStartInstructions": [{"shippingStep": {"shipTo": {"fullName": "J N", "contactAddress": {"countryCode": "jp"}}}}],
            "lineItems": [
                {"lineItemId": "1", "sku": "MUG-1", "legacyItemId": "110", "title": "Mug", "quantity": 2, "lineItemCost": {"value": "1000", "currency": "JPY"}, "refunds": []},
                {"lineItemId": "2", "legacyItemId": "220", "title": "Spoon", "quantity": 1, "lineItemCost": {"value": "500", "currency": "JPY"}}
            ],
            "paymentSummary": {"refunds": [
                {"refundId": "R-1", "refundStatus": "REFUNDED", "amount": {"value": "300", "currency": "JPY"}},
                {"refundId": "R-2", "refundStatus": "FAILED", "amount": {"value": "200", "currency": "JPY"}},
                {"refundReferenceId": "X-9", "refundStatus": "REFUNDED", "amount": {"value": "100", "currency": "JPY"}}
            ]}
        })
    }

    #[test]
    fn maps_an_order() {
        let now = Utc::now();
        let shipment = Shipment {
            carrier: Some("USPS".into()),
            tracking_number: Some("9400".into()),
        };
        let o = to_inbound(&order(), Some(&shipment), now).unwrap();
        assert_eq!(o.channel, "ebay");
        assert_eq!(o.external_id, "04-11111-22222");
        assert_eq!(o.status, "shipped");
        assert_eq!((o.total_minor, o.currency.as_str()), (1500, "JPY"));
        assert_eq!(o.shipping_country.as_deref(), Some("JP"));
        assert_eq!(o.customer.external_id.as_deref(), Some("Buyer_One"));
        assert_eq!(o.customer.name, "Jana Nováková");
        assert_eq!(o.customer.email.as_deref(), Some("abc123@members.ebay.com"));
        assert_eq!(o.carrier.as_deref(), Some("USPS"));
        assert_eq!(o.ordered_at.to_rfc3339(), "2026-04-02T10:00:00+00:00");
        assert_eq!(o.items.len(), 2);
        assert_eq!(
            (
                o.items[0].sku.as_str(),
                o.items[0].quantity,
                o.items[0].unit_price_minor
            ),
            ("MUG-1", 2, 500)
        );
        assert_eq!(o.items[1].sku, "220");
        let raw: Value = serde_json::from_slice(&o.raw).unwrap();
        assert_eq!(raw, order());
    }

    #[test]
    fn junk_is_kept_not_lost() {
        let now = Utc::now();
        let junk = json!({"orderId": "x", "creationDate": "sed do", "pricingSummary": {"total": {"value": "lorem", "currency": "ipsum"}}, "lineItems": [{"quantity": -4}]});
        let o = to_inbound(&junk, None, now).unwrap();
        assert_eq!(
            (o.total_minor, o.currency.as_str(), o.ordered_at),
            (0, "XXX", now)
        );
        assert_eq!(o.items[0].quantity, 0);
        assert!(to_inbound(&json!({"orderId": " "}), None, now).is_none());
    }

    #[test]
    fn statuses() {
        let cases = [
            (
                json!({"cancelStatus": {"cancelState": "CANCELED"}, "orderFulfillmentStatus": "FULFILLED"}),
                "cancelled",
            ),
            (
                json!({"orderPaymentStatus": "FULLY_REFUNDED", "orderFulfillmentStatus": "FULFILLED"}),
                "refunded",
            ),
            (
                json!({"orderPaymentStatus": "PAID", "orderFulfillmentStatus": "FULFILLED"}),
                "shipped",
            ),
            (
                json!({"orderPaymentStatus": "PARTIALLY_REFUNDED", "orderFulfillmentStatus": "IN_PROGRESS"}),
                "partially_shipped",
            ),
            (
                json!({"orderPaymentStatus": "PARTIALLY_REFUNDED", "orderFulfillmentStatus": "NOT_STARTED"}),
                "partially_refunded",
            ),
            (
                json!({"orderPaymentStatus": "PAID", "orderFulfillmentStatus": "NOT_STARTED"}),
                "paid",
            ),
            (json!({"orderPaymentStatus": "PENDING"}), "pending"),
        ];
        for (o, want) in cases {
            assert_eq!(order_status(&o), want, "{o}");
        }
    }

    #[test]
    fn latest_shipment_wins() {
        let body = json!({"fulfillments": [
            {"shippedDate": "2026-04-05T00:00:00.000Z", "shippingCarrierCode": "DHL", "shipmentTrackingNumber": "NEW"},
            {"shippedDate": "2026-04-04T00:00:00.000Z", "shippingCarrierCode": "UPS", "shipmentTrackingNumber": "OLD"}
        ]});
        let s = latest_shipment(&body).unwrap();
        assert_eq!(s.tracking_number.as_deref(), Some("NEW"));
        assert_eq!(latest_shipment(&json!({"fulfillments": []})), None);
    }

    #[test]
    fn finds_the_refund_made_before() {
        let mut r = RefundRequest {
            idempotency_key: "rf-1".into(),
            order_external_id: "04-11111-22222".into(),
            return_external_id: None,
            amount_minor: 300,
            currency: "jpy".into(),
            note: "Sorry".into(),
        };
        assert_eq!(matching_refund(&order(), &r).as_deref(), Some("R-1"));
        r.amount_minor = 200; // only a FAILED one
        assert_eq!(matching_refund(&order(), &r), None);
        r.amount_minor = 100; // not made through issueRefund
        assert_eq!(matching_refund(&order(), &r), None);
    }

    #[test]
    fn comments_keep_the_key() {
        let c = refund_comment(&"x".repeat(300), "refund-0190-abcdef");
        assert_eq!(c.chars().count(), 100);
        assert!(c.ends_with(" [refund-0190-abcdef]"));
        assert_eq!(refund_comment(" Damaged mug ", "k1"), "Damaged mug [k1]");
    }
}
