//! Orders: `get_order_list` (one page of a `update_time` window), `get_order_detail`
//! (batches of 50 `order_sn`), tracking (`get_tracking_number`, and `get_tracking_info` for
//! the delivery time), and the mapping to [`InboundOrder`].

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use super::client::ShopeeClient;
use super::money::to_minor;
use super::{id_string, text, unix_time, CHANNEL};
use crate::{ConnectorError, InboundCustomer, InboundOrder, InboundOrderItem};

pub const ORDER_LIST_PATH: &str = "/api/v2/order/get_order_list";
pub const ORDER_DETAIL_PATH: &str = "/api/v2/order/get_order_detail";
pub const TRACKING_INFO_PATH: &str = "/api/v2/logistics/get_tracking_info";
pub const TRACKING_NUMBER_PATH: &str = "/api/v2/logistics/get_tracking_number";

/// `get_order_detail` takes at most 50 orders.
pub const DETAIL_BATCH: usize = 50;

/// What `get_order_detail` is asked to add to its defaults.
pub const DETAIL_FIELDS: &str = "buyer_user_id,buyer_username,recipient_address,item_list,package_list,shipping_carrier,payment_method,total_amount,pay_time,pickup_done_time,buyer_cancel_reason,cancel_by,cancel_reason";

/// Tracking calls in flight at once for one page.
const TRACKING_CONCURRENCY: usize = 4;

/// One page of `get_order_list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    /// In Shopee's order, without repeats.
    pub order_sns: Vec<String>,
    pub more: bool,
    pub next_cursor: Option<String>,
}

/// Orders whose `update_time` is within `[from, to]`, one page.
pub async fn list(
    client: &ShopeeClient,
    from: i64,
    to: i64,
    page_size: u32,
    cursor: Option<&str>,
) -> Result<OrderPage, ConnectorError> {
    let mut params = vec![
        ("time_range_field", "update_time".to_string()),
        ("time_from", from.to_string()),
        ("time_to", to.to_string()),
        ("page_size", page_size.clamp(1, 100).to_string()),
        ("response_optional_fields", "order_status".to_string()),
    ];
    if let Some(cursor) = cursor {
        params.push(("cursor", cursor.to_string()));
    }
    let response = client.get(ORDER_LIST_PATH, &params).await?;
    let mut seen = HashSet::new();
    let order_sns = response
        .get("order_list")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|o| text(o, "order_sn"))
                .filter(|sn| seen.insert(sn.clone()))
                .collect()
        })
        .unwrap_or_default();
    Ok(OrderPage {
        order_sns,
        more: response
            .get("more")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        next_cursor: text(&response, "next_cursor"),
    })
}

/// The orders `order_sns` as [`InboundOrder`]s, with tracking, in the order asked. An
/// order Shopee does not find (deleted, another shop's) is left out with a warning.
pub async fn fetch(
    client: &ShopeeClient,
    order_sns: &[String],
) -> Result<Vec<InboundOrder>, ConnectorError> {
    let mut details = Vec::with_capacity(order_sns.len());
    for chunk in order_sns.chunks(DETAIL_BATCH) {
        details.extend(details_of(client, chunk).await?);
    }
    let orders: Vec<InboundOrder> = stream::iter(details)
        .map(|order| async move {
            let tracking = tracking(client, &order).await?;
            to_inbound(&order, &tracking)
        })
        .buffered(TRACKING_CONCURRENCY)
        .try_collect()
        .await?;
    let mut by_sn: Vec<Option<InboundOrder>> = orders.into_iter().map(Some).collect();
    let mut sorted = Vec::with_capacity(by_sn.len());
    for sn in order_sns {
        if let Some(slot) = by_sn
            .iter_mut()
            .find(|o| o.as_ref().is_some_and(|o| &o.external_id == sn))
        {
            sorted.extend(slot.take());
        } else {
            tracing::warn!(shop_id = client.shop_id(), order_sn = %sn, "Shopee did not return this order's details");
        }
    }
    Ok(sorted)
}

/// `get_order_detail` for up to 50 orders. When Shopee refuses the batch (one unknown
/// order fails the whole call with `error_not_found`), each order is asked for alone and
/// the ones still refused are left out.
async fn details_of(
    client: &ShopeeClient,
    order_sns: &[String],
) -> Result<Vec<Value>, ConnectorError> {
    match detail_batch(client, order_sns).await {
        Err(ConnectorError::Permanent(message)) if order_sns.len() > 1 => {
            tracing::warn!(shop_id = client.shop_id(), %message, "Shopee refused an order batch; asking one by one");
            let mut found = Vec::new();
            for sn in order_sns {
                match detail_batch(client, std::slice::from_ref(sn)).await {
                    Ok(orders) => found.extend(orders),
                    Err(ConnectorError::Permanent(message)) => {
                        tracing::warn!(shop_id = client.shop_id(), order_sn = %sn, %message, "Shopee refused this order's details");
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(found)
        }
        other => other,
    }
}

async fn detail_batch(
    client: &ShopeeClient,
    order_sns: &[String],
) -> Result<Vec<Value>, ConnectorError> {
    let params = [
        ("order_sn_list", order_sns.join(",")),
        ("response_optional_fields", DETAIL_FIELDS.to_string()),
    ];
    let response = client.get(ORDER_DETAIL_PATH, &params).await?;
    let Some(list) = response.get("order_list").and_then(Value::as_array) else {
        return Err(ConnectorError::Transient(format!(
            "{} answered without an order_list",
            client.what(ORDER_DETAIL_PATH)
        )));
    };
    Ok(list.clone())
}

/// What tracking adds to an order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    pub tracking_number: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Statuses in which a parcel has left: worth a tracking number.
const SHIPPED: [&str; 4] = ["SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"];
/// Statuses in which a parcel may have arrived: worth the tracking history.
const MAYBE_DELIVERED: [&str; 3] = ["TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"];

/// The first package's tracking number and delivery time, for orders that have shipped.
/// Shopee refusing a tracking call (no package yet, a split order) leaves the field empty.
pub async fn tracking(client: &ShopeeClient, order: &Value) -> Result<Tracking, ConnectorError> {
    let status = text(order, "order_status").unwrap_or_default();
    let Some(order_sn) = text(order, "order_sn") else {
        return Ok(Tracking::default());
    };
    let package = order
        .pointer("/package_list/0")
        .and_then(|p| text(p, "package_number"));
    let package_delivered = order
        .pointer("/package_list/0/logistics_status")
        .and_then(Value::as_str)
        == Some("LOGISTICS_DELIVERY_DONE");
    let mut params = vec![("order_sn", order_sn)];
    if let Some(package) = package {
        // "You shouldn't fill the field with empty string when there is a package number."
        params.push(("package_number", package));
    }
    let mut tracking = Tracking::default();
    if SHIPPED.contains(&status.as_str()) || package_delivered {
        match client.get(TRACKING_NUMBER_PATH, &params).await {
            Ok(response) => tracking.tracking_number = text(&response, "tracking_number"),
            Err(ConnectorError::Permanent(message)) => {
                tracing::debug!(shop_id = client.shop_id(), %message, "no Shopee tracking number");
            }
            Err(e) => return Err(e),
        }
    }
    if MAYBE_DELIVERED.contains(&status.as_str()) || package_delivered {
        match client.get(TRACKING_INFO_PATH, &params).await {
            Ok(response) => tracking.delivered_at = delivered_at(&response),
            Err(ConnectorError::Permanent(message)) => {
                tracing::debug!(shop_id = client.shop_id(), %message, "no Shopee tracking history");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(tracking)
}

/// The delivery time in a `get_tracking_info` answer: the latest `DELIVERED` event, or the
/// latest event at all when the parcel's status is `LOGISTICS_DELIVERY_DONE`.
pub fn delivered_at(response: &Value) -> Option<DateTime<Utc>> {
    let events = response.get("tracking_info").and_then(Value::as_array)?;
    let time_of = |e: &Value| e.get("update_time").and_then(unix_time);
    let delivered = events
        .iter()
        .filter(|e| e.get("logistics_status").and_then(Value::as_str) == Some("DELIVERED"))
        .filter_map(time_of)
        .max();
    if delivered.is_some() {
        return delivered;
    }
    if response.get("logistics_status").and_then(Value::as_str) == Some("LOGISTICS_DELIVERY_DONE") {
        return events.iter().filter_map(time_of).max();
    }
    None
}

/// One `get_order_detail` order → [`InboundOrder`]. An order without `order_sn`,
/// `currency` or `create_time` (always returned) is a broken answer: `Transient`.
pub fn to_inbound(order: &Value, tracking: &Tracking) -> Result<InboundOrder, ConnectorError> {
    let broken =
        |what: &str| ConnectorError::Transient(format!("Shopee order detail without {what}"));
    let order_sn = text(order, "order_sn").ok_or_else(|| broken("order_sn"))?;
    let currency = text(order, "currency")
        .map(|c| c.to_ascii_uppercase())
        .ok_or_else(|| broken(&format!("currency ({order_sn})")))?;
    let ordered_at = order
        .get("create_time")
        .and_then(unix_time)
        .ok_or_else(|| broken(&format!("create_time ({order_sn})")))?;

    let items: Vec<InboundOrderItem> = order
        .get("item_list")
        .and_then(Value::as_array)
        .map(|items| items.iter().map(|i| item(i, &currency)).collect())
        .unwrap_or_default();
    let total_minor = order
        .get("total_amount")
        .and_then(|a| to_minor(a, &currency))
        .unwrap_or_else(|| {
            items
                .iter()
                .map(|i| i.unit_price_minor * i64::from(i.quantity))
                .sum()
        });

    let address = order.get("recipient_address");
    let region = address
        .and_then(|a| text(a, "region"))
        .or_else(|| text(order, "region"))
        .map(|r| r.to_ascii_uppercase());
    let name = text(order, "buyer_username")
        .filter(|n| !is_masked(n))
        .or_else(|| {
            address
                .and_then(|a| text(a, "name"))
                .filter(|n| !is_masked(n))
        })
        .or_else(|| text(order, "buyer_username"))
        .unwrap_or_default();
    let customer = InboundCustomer {
        external_id: order
            .get("buyer_user_id")
            .and_then(id_string)
            .filter(|id| id != "0"),
        name,
        email: None,
        country: region.clone(),
    };
    let carrier = order
        .pointer("/package_list/0")
        .and_then(|p| text(p, "shipping_carrier"))
        .or_else(|| text(order, "shipping_carrier"))
        .or_else(|| text(order, "checkout_shipping_carrier"));

    Ok(InboundOrder {
        channel: CHANNEL.to_string(),
        external_id: order_sn,
        status: text(order, "order_status").unwrap_or_default(),
        customer,
        total_minor,
        currency,
        shipping_country: region,
        carrier,
        tracking_number: tracking.tracking_number.clone(),
        ordered_at,
        delivered_at: tracking.delivered_at,
        items,
        raw: serde_json::to_vec(order).unwrap_or_default(),
    })
}

fn item(item: &Value, currency: &str) -> InboundOrderItem {
    let sku = text(item, "model_sku")
        .or_else(|| text(item, "item_sku"))
        .unwrap_or_else(|| {
            let item_id = item.get("item_id").and_then(id_string).unwrap_or_default();
            match item
                .get("model_id")
                .and_then(id_string)
                .filter(|m| m != "0")
            {
                Some(model) => format!("{item_id}:{model}"),
                None => item_id,
            }
        });
    let name = text(item, "item_name").unwrap_or_default();
    let title = match text(item, "model_name") {
        Some(model) if !name.is_empty() => format!("{name} ({model})"),
        Some(model) => model,
        None => name,
    };
    let price = item
        .get("model_discounted_price")
        .filter(|p| !p.is_null())
        .or_else(|| item.get("model_original_price"))
        .and_then(|p| to_minor(p, currency))
        .unwrap_or(0);
    InboundOrderItem {
        sku,
        title,
        quantity: item
            .get("model_quantity_purchased")
            .and_then(Value::as_i64)
            .and_then(|q| i32::try_from(q).ok())
            .unwrap_or(1),
        unit_price_minor: price,
    }
}

/// Shopee masks names as `****` or `P******n` for some orders.
fn is_masked(name: &str) -> bool {
    name.contains("**")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "order_sn": "2404098R48U37H", "order_status": "COMPLETED", "currency": "VND", "region": "VN",
            "create_time": 1712601591, "update_time": 1713139948, "total_amount": 32119,
            "buyer_user_id": 1170319091, "buyer_username": "xt4fdsf96j",
            "recipient_address": {"name": "P******n", "region": "VN"},
            "shipping_carrier": "Giao Hàng Nhanh",
            "package_list": [{"package_number": "OFG166300791210964", "shipping_carrier": "5-Day Delivery (SPX)",
                              "logistics_status": "LOGISTICS_DELIVERY_DONE"}],
            "item_list": [
                {"item_id": 23620853561i64, "item_name": "Kem", "item_sku": "", "model_id": 221404189791i64,
                 "model_name": "60g（Papaya）", "model_sku": "QAZ-SADOER-05", "model_quantity_purchased": 1,
                 "model_original_price": 300000, "model_discounted_price": 48000},
                {"item_id": 5, "item_name": "Plain", "model_id": 0, "model_quantity_purchased": 2,
                 "model_original_price": 1000}
            ]
        })
    }

    #[test]
    fn maps_an_order_detail() {
        let tracking = Tracking {
            tracking_number: Some("SPXVN123".into()),
            delivered_at: DateTime::from_timestamp(1712900000, 0),
        };
        let order = to_inbound(&sample(), &tracking).unwrap();
        assert_eq!(order.channel, "shopee");
        assert_eq!(order.external_id, "2404098R48U37H");
        assert_eq!(order.status, "COMPLETED");
        assert_eq!(order.currency, "VND");
        assert_eq!(order.total_minor, 32119);
        assert_eq!(order.customer.external_id.as_deref(), Some("1170319091"));
        assert_eq!(order.customer.name, "xt4fdsf96j");
        assert_eq!(order.customer.country.as_deref(), Some("VN"));
        assert_eq!(order.shipping_country.as_deref(), Some("VN"));
        assert_eq!(order.carrier.as_deref(), Some("5-Day Delivery (SPX)"));
        assert_eq!(order.tracking_number.as_deref(), Some("SPXVN123"));
        assert_eq!(order.ordered_at.timestamp(), 1712601591);
        assert_eq!(order.delivered_at, tracking.delivered_at);
        assert_eq!(
            order.items,
            vec![
                InboundOrderItem {
                    sku: "QAZ-SADOER-05".into(),
                    title: "Kem (60g（Papaya）)".into(),
                    quantity: 1,
                    unit_price_minor: 48000,
                },
                InboundOrderItem {
                    sku: "5".into(),
                    title: "Plain".into(),
                    quantity: 2,
                    unit_price_minor: 1000,
                },
            ]
        );
        let raw: Value = serde_json::from_slice(&order.raw).unwrap();
        assert_eq!(raw, sample());
    }

    #[test]
    fn fills_gaps_and_refuses_broken_orders() {
        let mut order = sample();
        order["currency"] = json!("sgd");
        order.as_object_mut().unwrap().remove("total_amount");
        order["buyer_username"] = json!("****");
        order["recipient_address"]["name"] = json!("Tan Ah Kow");
        let mapped = to_inbound(&order, &Tracking::default()).unwrap();
        assert_eq!(mapped.currency, "SGD");
        // 480.00 + 2 × 10.00 SGD
        assert_eq!(mapped.total_minor, 4_800_000 + 2 * 100_000);
        assert_eq!(mapped.customer.name, "Tan Ah Kow");
        for key in ["order_sn", "currency", "create_time"] {
            let mut broken = sample();
            broken.as_object_mut().unwrap().remove(key);
            assert!(
                matches!(
                    to_inbound(&broken, &Tracking::default()),
                    Err(ConnectorError::Transient(_))
                ),
                "{key}"
            );
        }
    }

    #[test]
    fn delivery_time_comes_from_the_delivered_event() {
        let info = json!({"logistics_status": "LOGISTICS_DELIVERY_DONE", "tracking_info": [
            {"update_time": 1712700000, "logistics_status": "PICKED_UP"},
            {"update_time": 1712800000, "logistics_status": "DELIVERED"},
            {"update_time": 1712900000, "logistics_status": "UPDATE"}
        ]});
        assert_eq!(delivered_at(&info), DateTime::from_timestamp(1712800000, 0));
        let done = json!({"logistics_status": "LOGISTICS_DELIVERY_DONE", "tracking_info": [
            {"update_time": 1712700000, "logistics_status": "PICKED_UP"},
            {"update_time": 1712750000, "logistics_status": "UPDATE"}
        ]});
        assert_eq!(delivered_at(&done), DateTime::from_timestamp(1712750000, 0));
        let failed = json!({"logistics_status": "LOGISTICS_DELIVERY_FAILED", "tracking_info": [
            {"update_time": 1726561500, "logistics_status": "FAILED_DELIVERED"}
        ]});
        assert_eq!(delivered_at(&failed), None);
    }
}
