//! Orders: the Orders API 2026-01-01 (`searchOrders` by last update with `paginationToken`,
//! `getOrder` with `includedData`) and the v0 API kept as a fallback (`getOrders` with
//! `NextToken`, then `getOrderItems` per order), and the mapping of both shapes to
//! [`InboundOrder`].
//!
//! Neither API gives a delivery time: when a 2026 package says `DELIVERED`, `delivered_at`
//! is the earlier of the order's last update and the end of its promised delivery window
//! (both are bounds the delivery happened before, as far as Amazon tells). v0 has no
//! package data at all, so v0 orders carry no carrier, tracking number or delivery.

use crate::json::text;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::client::{ApiError, SpClient};
use super::money::{currency_code, marketplace, to_minor};
use super::rate::ops;
use super::CHANNEL;
use crate::{InboundCustomer, InboundOrder, InboundOrderItem};

/// The datasets asked for with every 2026 order.
pub const INCLUDED_DATA: &str = "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES";

/// Item pages read per v0 order at most (a guard against a token that never ends).
const MAX_ITEM_PAGES: usize = 10;

/// One page of orders.
#[derive(Debug, Default)]
pub struct OrdersPage {
    pub orders: Vec<InboundOrder>,
    /// The token for the next page; `None` on the last one.
    pub next_token: Option<String>,
}

/// An RFC 3339 timestamp in whole seconds, as Amazon takes them.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One page of `searchOrders` (2026-01-01): orders updated in `[since, until]`.
pub async fn search_2026(
    client: &SpClient,
    marketplace_ids: &[String],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    page_size: u32,
    page_token: Option<&str>,
) -> Result<OrdersPage, ApiError> {
    let mut query = vec![
        ("lastUpdatedAfter", timestamp(since)),
        ("lastUpdatedBefore", timestamp(until)),
        ("marketplaceIds", marketplace_ids.join(",")),
        ("includedData", INCLUDED_DATA.to_owned()),
        ("maxResultsPerPage", page_size.clamp(1, 100).to_string()),
    ];
    if let Some(token) = page_token {
        query.push(("paginationToken", token.to_owned()));
    }
    let answer = client
        .get(
            &ops::SEARCH_ORDERS,
            &["orders", "2026-01-01", "orders"],
            &query,
        )
        .await?;
    let orders = answer
        .get("orders")
        .and_then(Value::as_array)
        .ok_or_else(|| unexpected("searchOrders", "has no orders list"))?;
    Ok(OrdersPage {
        orders: map_each(orders, from_2026),
        next_token: non_empty(answer.pointer("/pagination/nextToken")),
    })
}

/// `getOrder` (2026-01-01) with [`INCLUDED_DATA`]: the order's JSON, or `None` when Amazon
/// does not know it (404) or answers for another order.
pub async fn get_2026(client: &SpClient, order_id: &str) -> Result<Option<Value>, ApiError> {
    let answer = match client
        .get(
            &ops::GET_ORDER,
            &["orders", "2026-01-01", "orders", order_id],
            &[("includedData", INCLUDED_DATA.to_owned())],
        )
        .await
    {
        Ok(answer) => answer,
        Err(e) if e.status == Some(404) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(answer
        .get("order")
        .filter(|o| same_order(o.get("orderId"), order_id))
        .cloned())
}

/// One page of v0 `getOrders` (orders updated in `[since, until]`), each order with the
/// items `getOrderItems` gives for it.
pub async fn search_v0(
    client: &SpClient,
    marketplace_ids: &[String],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    page_size: u32,
    page_token: Option<&str>,
) -> Result<OrdersPage, ApiError> {
    let mut query = vec![
        ("MarketplaceIds", marketplace_ids.join(",")),
        ("LastUpdatedAfter", timestamp(since)),
        ("LastUpdatedBefore", timestamp(until)),
        ("MaxResultsPerPage", page_size.clamp(1, 100).to_string()),
    ];
    if let Some(token) = page_token {
        query.push(("NextToken", token.to_owned()));
    }
    let answer = client
        .get(&ops::GET_ORDERS_V0, &["orders", "v0", "orders"], &query)
        .await?;
    let orders = answer
        .pointer("/payload/Orders")
        .and_then(Value::as_array)
        .ok_or_else(|| unexpected("getOrders", "has no payload.Orders list"))?;
    let mut page = OrdersPage {
        orders: Vec::with_capacity(orders.len()),
        next_token: non_empty(answer.pointer("/payload/NextToken")),
    };
    for order in orders {
        let Some(id) = order.get("AmazonOrderId").and_then(Value::as_str) else {
            tracing::warn!("Amazon getOrders: skipping an order without AmazonOrderId");
            continue;
        };
        let items = items_v0(client, id).await?;
        match from_v0(order, &items) {
            Ok(o) => page.orders.push(o),
            Err(e) => tracing::warn!(order = id, "Amazon getOrders: skipping an order: {e}"),
        }
    }
    Ok(page)
}

/// v0 `getOrder` and its items: the order's JSON (with `OrderItems` added), or `None` when
/// Amazon does not know it (404) or answers for another order.
pub async fn get_v0(client: &SpClient, order_id: &str) -> Result<Option<Value>, ApiError> {
    let answer = match client
        .get(
            &ops::GET_ORDER_V0,
            &["orders", "v0", "orders", order_id],
            &[],
        )
        .await
    {
        Ok(answer) => answer,
        Err(e) if e.status == Some(404) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(order) = answer
        .get("payload")
        .filter(|o| same_order(o.get("AmazonOrderId"), order_id))
        .cloned()
    else {
        return Ok(None);
    };
    let items = items_v0(client, order_id).await?;
    Ok(Some(with_items(order, items)))
}

/// Every item of a v0 order (`getOrderItems`, following `NextToken`), each once.
pub async fn items_v0(client: &SpClient, order_id: &str) -> Result<Vec<Value>, ApiError> {
    let mut items: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_ITEM_PAGES {
        let query: Vec<(&str, String)> = token.iter().map(|t| ("NextToken", t.clone())).collect();
        let answer = client
            .get(
                &ops::GET_ORDER_ITEMS_V0,
                &["orders", "v0", "orders", order_id, "orderItems"],
                &query,
            )
            .await?;
        let page = answer
            .pointer("/payload/OrderItems")
            .and_then(Value::as_array)
            .ok_or_else(|| unexpected("getOrderItems", "has no payload.OrderItems list"))?;
        for item in page {
            let id = item.get("OrderItemId");
            if id.is_none() || !items.iter().any(|i| i.get("OrderItemId") == id) {
                items.push(item.clone());
            }
        }
        let next = non_empty(answer.pointer("/payload/NextToken"));
        // A token equal to the one sent would read the same page forever.
        if next.is_none() || next == token {
            break;
        }
        token = next;
    }
    Ok(items)
}

/// The v0 order JSON with its items under `OrderItems`, as kept in `raw`.
pub fn with_items(mut order: Value, items: Vec<Value>) -> Value {
    if let Value::Object(map) = &mut order {
        map.insert("OrderItems".into(), Value::Array(items));
    }
    order
}

/// The marketplace an order (either API's JSON) was placed in.
pub fn marketplace_of(order: &Value) -> Option<String> {
    order
        .pointer("/salesChannel/marketplaceId")
        .or_else(|| order.get("MarketplaceId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Maps every order, skipping (and logging) those that cannot be read.
fn map_each(
    orders: &[Value],
    map: fn(&Value) -> Result<InboundOrder, String>,
) -> Vec<InboundOrder> {
    orders
        .iter()
        .filter_map(|o| match map(o) {
            Ok(order) => Some(order),
            Err(e) => {
                tracing::warn!("Amazon: skipping an order that cannot be read: {e}");
                None
            }
        })
        .collect()
}

fn same_order(id: Option<&Value>, wanted: &str) -> bool {
    let same = id.and_then(Value::as_str) == Some(wanted);
    if !same {
        tracing::warn!(order = wanted, answered = ?id, "Amazon answered for another order");
    }
    same
}

fn unexpected(operation: &str, what: &str) -> ApiError {
    crate::ConnectorError::Permanent(format!("Amazon {operation}: the answer {what}")).into()
}

fn non_empty(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    text(v, pointer)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn country(code: Option<&str>) -> Option<String> {
    code.map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
}

fn money(amount: &str, currency: &str, order: &str) -> Result<i64, String> {
    to_minor(amount, currency).map_err(|e| format!("order {order}: {e}"))
}

/// Our order status from the 2026 fulfillment status and packages.
pub fn status_2026(fulfillment: Option<&str>, all_delivered: bool) -> &'static str {
    match fulfillment.unwrap_or("") {
        "CANCELLED" => "cancelled",
        "UNFULFILLABLE" => "unfulfillable",
        "SHIPPED" if all_delivered => "delivered",
        "SHIPPED" => "shipped",
        "PARTIALLY_SHIPPED" => "partially_shipped",
        "UNSHIPPED" => "paid",
        _ => "pending",
    }
}

/// Our order status from a v0 `OrderStatus`.
pub fn status_v0(status: Option<&str>) -> &'static str {
    match status.unwrap_or("") {
        "Canceled" | "Cancelled" => "cancelled",
        "Unfulfillable" => "unfulfillable",
        "Shipped" | "InvoiceUnconfirmed" => "shipped",
        "PartiallyShipped" => "partially_shipped",
        "Unshipped" => "paid",
        _ => "pending",
    }
}

/// A 2026-01-01 order (with [`INCLUDED_DATA`]) → an [`InboundOrder`] (`raw` is its JSON).
pub fn from_2026(order: &Value) -> Result<InboundOrder, String> {
    let id = text(order, "/orderId").ok_or("an order has no orderId")?;
    let ordered_at = time(order, "/createdTime")
        .or_else(|| time(order, "/lastUpdatedTime"))
        .ok_or_else(|| format!("order {id} has no createdTime"))?;
    let market = text(order, "/salesChannel/marketplaceId").and_then(marketplace);
    let items_json = order
        .get("orderItems")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let currency = text(order, "/proceeds/grandTotal/currencyCode")
        .or_else(|| {
            items_json
                .iter()
                .find_map(|i| text(i, "/product/price/unitPrice/currencyCode"))
        })
        .and_then(currency_code)
        .or_else(|| market.map(|(_, c)| c.to_owned()))
        .unwrap_or_default();
    let mut items = Vec::with_capacity(items_json.len());
    for item in items_json {
        let quantity = item
            .get("quantityOrdered")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .clamp(0, i64::from(i32::MAX)) as i32;
        let unit_price_minor = match text(item, "/product/price/unitPrice/amount") {
            Some(amount) => money(amount, &currency, id)?,
            None => 0,
        };
        items.push(InboundOrderItem {
            sku: text(item, "/product/sellerSku")
                .or_else(|| text(item, "/product/asin"))
                .unwrap_or_default()
                .to_owned(),
            title: text(item, "/product/title").unwrap_or_default().to_owned(),
            quantity,
            unit_price_minor,
        });
    }
    let total_minor = match text(order, "/proceeds/grandTotal/amount") {
        Some(amount) => money(amount, &currency, id)?,
        None => items
            .iter()
            .map(|i| i.unit_price_minor.saturating_mul(i64::from(i.quantity)))
            .sum(),
    };
    let packages = order
        .get("packages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let package_status = |p: &Value| text(p, "/packageStatus/status").map(str::to_owned);
    let live: Vec<&Value> = packages
        .iter()
        .filter(|p| package_status(p).as_deref() != Some("CANCELLED"))
        .collect();
    let any_delivered = live
        .iter()
        .any(|p| package_status(p).as_deref() == Some("DELIVERED"));
    let all_delivered = any_delivered
        && live
            .iter()
            .all(|p| package_status(p).as_deref() == Some("DELIVERED"));
    let delivered_at = any_delivered
        .then(|| {
            let updated = time(order, "/lastUpdatedTime");
            let promised = time(order, "/fulfillment/deliverByWindow/latestDateTime");
            match (updated, promised) {
                (Some(u), Some(p)) => Some(u.min(p)),
                (u, p) => u.or(p),
            }
        })
        .flatten();
    let tracked = live
        .iter()
        .rev()
        .find(|p| text(p, "/trackingNumber").is_some());
    let email = text(order, "/buyer/buyerEmail").map(str::to_lowercase);
    let address_country = country(text(order, "/recipient/deliveryAddress/countryCode"));
    let customer = InboundCustomer {
        external_id: None,
        name: text(order, "/buyer/buyerName")
            .or_else(|| text(order, "/recipient/deliveryAddress/name"))
            .map(str::to_owned)
            .or_else(|| email.clone())
            .unwrap_or_default(),
        email,
        country: address_country
            .clone()
            .or_else(|| market.map(|(c, _)| c.to_owned())),
    };
    Ok(InboundOrder {
        channel: CHANNEL.to_owned(),
        external_id: id.to_owned(),
        status: status_2026(text(order, "/fulfillment/fulfillmentStatus"), all_delivered)
            .to_owned(),
        customer,
        total_minor,
        currency,
        shipping_country: address_country,
        carrier: tracked.and_then(|p| text(p, "/carrier")).map(str::to_owned),
        tracking_number: tracked
            .and_then(|p| text(p, "/trackingNumber"))
            .map(str::to_owned),
        ordered_at,
        delivered_at,
        items,
        raw: serde_json::to_vec(order).unwrap_or_default(),
    })
}

/// A v0 order and its `getOrderItems` items → an [`InboundOrder`] (`raw` is the order's
/// JSON with the items under `OrderItems`).
pub fn from_v0(order: &Value, items_json: &[Value]) -> Result<InboundOrder, String> {
    let id = text(order, "/AmazonOrderId").ok_or("an order has no AmazonOrderId")?;
    let ordered_at = time(order, "/PurchaseDate")
        .or_else(|| time(order, "/LastUpdateDate"))
        .ok_or_else(|| format!("order {id} has no PurchaseDate"))?;
    let market = text(order, "/MarketplaceId").and_then(marketplace);
    let currency = text(order, "/OrderTotal/CurrencyCode")
        .or_else(|| {
            items_json
                .iter()
                .find_map(|i| text(i, "/ItemPrice/CurrencyCode"))
        })
        .and_then(currency_code)
        .or_else(|| market.map(|(_, c)| c.to_owned()))
        .unwrap_or_default();
    let mut items = Vec::with_capacity(items_json.len());
    for item in items_json {
        let quantity = item
            .get("QuantityOrdered")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .clamp(0, i64::from(i32::MAX)) as i32;
        // v0's ItemPrice is the price of the whole line (unit price × quantity).
        let line = match text(item, "/ItemPrice/Amount") {
            Some(amount) => money(amount, &currency, id)?,
            None => 0,
        };
        let unit_price_minor = if quantity > 1 {
            let q = i64::from(quantity);
            (line + q / 2).div_euclid(q)
        } else {
            line
        };
        items.push(InboundOrderItem {
            sku: text(item, "/SellerSKU")
                .or_else(|| text(item, "/ASIN"))
                .unwrap_or_default()
                .to_owned(),
            title: text(item, "/Title").unwrap_or_default().to_owned(),
            quantity,
            unit_price_minor,
        });
    }
    let total_minor = match text(order, "/OrderTotal/Amount") {
        Some(amount) => money(amount, &currency, id)?,
        None => items
            .iter()
            .map(|i| i.unit_price_minor.saturating_mul(i64::from(i.quantity)))
            .sum(),
    };
    let email = text(order, "/BuyerInfo/BuyerEmail").map(str::to_lowercase);
    let address_country = country(text(order, "/ShippingAddress/CountryCode"));
    let customer = InboundCustomer {
        external_id: None,
        name: text(order, "/BuyerInfo/BuyerName")
            .or_else(|| text(order, "/ShippingAddress/Name"))
            .map(str::to_owned)
            .or_else(|| email.clone())
            .unwrap_or_default(),
        email,
        country: address_country
            .clone()
            .or_else(|| market.map(|(c, _)| c.to_owned())),
    };
    let raw = match order {
        Value::Object(map) if !map.contains_key("OrderItems") => {
            let mut map: Map<String, Value> = map.clone();
            map.insert("OrderItems".into(), Value::Array(items_json.to_vec()));
            Value::Object(map)
        }
        other => other.clone(),
    };
    Ok(InboundOrder {
        channel: CHANNEL.to_owned(),
        external_id: id.to_owned(),
        status: status_v0(text(order, "/OrderStatus")).to_owned(),
        customer,
        total_minor,
        currency,
        shipping_country: address_country,
        carrier: None,
        tracking_number: None,
        ordered_at,
        delivered_at: None,
        items,
        raw: serde_json::to_vec(&raw).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn statuses() {
        assert_eq!(status_2026(Some("SHIPPED"), true), "delivered");
        assert_eq!(status_2026(Some("SHIPPED"), false), "shipped");
        assert_eq!(
            status_2026(Some("PARTIALLY_SHIPPED"), false),
            "partially_shipped"
        );
        assert_eq!(status_2026(Some("UNSHIPPED"), false), "paid");
        assert_eq!(status_2026(Some("CANCELLED"), true), "cancelled");
        assert_eq!(status_2026(Some("PENDING_AVAILABILITY"), false), "pending");
        assert_eq!(status_2026(None, false), "pending");
        assert_eq!(status_v0(Some("Canceled")), "cancelled");
        assert_eq!(status_v0(Some("Unshipped")), "paid");
        assert_eq!(status_v0(Some("Shipped")), "shipped");
        assert_eq!(status_v0(Some("Pending")), "pending");
    }

    #[test]
    fn a_2026_order_without_proceeds_or_packages_still_maps() {
        let order = json!({
            "orderId": "028-1234567-8901234",
            "createdTime": "2025-03-15T10:30:00Z",
            "lastUpdatedTime": "2025-03-15T14:20:00Z",
            "salesChannel": {"channelName": "AMAZON", "marketplaceId": "A1VC38T7YXB528"},
            "fulfillment": {"fulfillmentStatus": "UNSHIPPED"},
            "orderItems": [
                {"orderItemId": "1", "quantityOrdered": 2, "product": {"asin": "B0TEST", "title": "ケーブル", "price": {"unitPrice": {"amount": "980", "currencyCode": "JPY"}}}}
            ]
        });
        let o = from_2026(&order).unwrap();
        assert_eq!(o.status, "paid");
        assert_eq!(o.currency, "JPY");
        assert_eq!(o.total_minor, 1960);
        assert_eq!(o.items[0].sku, "B0TEST");
        assert_eq!(o.items[0].unit_price_minor, 980);
        assert_eq!(o.customer.country.as_deref(), Some("JP"));
        assert_eq!(o.shipping_country, None);
        assert_eq!(o.delivered_at, None);
        assert_eq!(o.ordered_at, ts("2025-03-15T10:30:00Z"));
    }

    #[test]
    fn delivery_time_is_bounded_by_the_promise_and_the_last_update() {
        let mut order = json!({
            "orderId": "1", "createdTime": "2026-01-01T00:00:00Z", "lastUpdatedTime": "2026-01-20T00:00:00Z",
            "salesChannel": {"channelName": "AMAZON"},
            "fulfillment": {"fulfillmentStatus": "SHIPPED", "deliverByWindow": {"latestDateTime": "2026-01-05T00:00:00Z"}},
            "orderItems": [],
            "packages": [
                {"packageReferenceId": "a", "packageStatus": {"status": "DELIVERED"}, "carrier": "DHL", "trackingNumber": "JD1"},
                {"packageReferenceId": "b", "packageStatus": {"status": "CANCELLED"}, "carrier": "UPS", "trackingNumber": "1Z"}
            ]
        });
        let o = from_2026(&order).unwrap();
        assert_eq!(o.status, "delivered");
        assert_eq!(o.delivered_at, Some(ts("2026-01-05T00:00:00Z")));
        assert_eq!(
            (o.carrier.as_deref(), o.tracking_number.as_deref()),
            (Some("DHL"), Some("JD1"))
        );
        order["packages"][1]["packageStatus"]["status"] = json!("IN_TRANSIT");
        let o = from_2026(&order).unwrap();
        assert_eq!(o.status, "shipped");
        assert_eq!(o.tracking_number.as_deref(), Some("1Z"));
        assert!(o.delivered_at.is_some());
        assert!(from_2026(&json!({"createdTime": "2026-01-01T00:00:00Z"})).is_err());
        assert!(from_2026(&json!({"orderId": "x"})).is_err());
    }

    #[test]
    fn v0_line_prices_become_unit_prices() {
        let order = json!({"AmazonOrderId": "9", "PurchaseDate": "2026-01-01T00:00:00Z", "OrderStatus": "Unshipped",
            "OrderTotal": {"CurrencyCode": "EUR", "Amount": "30.00"}, "MarketplaceId": "A1PA6795UKMFR9"});
        let items = [
            json!({"OrderItemId": "a", "SellerSKU": "S", "Title": "T", "QuantityOrdered": 3, "ItemPrice": {"CurrencyCode": "EUR", "Amount": "30.00"}}),
        ];
        let o = from_v0(&order, &items).unwrap();
        assert_eq!(o.items[0].unit_price_minor, 1000);
        assert_eq!(o.total_minor, 3000);
        assert_eq!(o.customer.country.as_deref(), Some("DE"));
        let raw: Value = serde_json::from_slice(&o.raw).unwrap();
        assert_eq!(raw["OrderItems"][0]["SellerSKU"], "S");
    }
}
