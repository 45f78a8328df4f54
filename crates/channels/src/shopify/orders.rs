//! Orders: the GraphQL orders query, and the mapping of an order — as a GraphQL node or as
//! the REST representation webhooks carry — to an [`InboundOrder`].

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::money::to_minor;
use super::{legacy_id, CHANNEL};
use crate::{ConnectorError, InboundCustomer, InboundOrder, InboundOrderItem};

/// One page of orders updated at or after `$query`'s timestamp, oldest update first.
pub const ORDERS_QUERY: &str = r#"query Orders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      id
      name
      email
      createdAt
      updatedAt
      displayFinancialStatus
      displayFulfillmentStatus
      cancelledAt
      currencyCode
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id displayName email }
      shippingAddress { countryCodeV2 }
      lineItems(first: 50) {
        nodes { sku title quantity originalUnitPriceSet { shopMoney { amount } } }
      }
      fulfillments { trackingInfo { company number url } deliveredAt }
    }
    pageInfo { hasNextPage endCursor }
  }
}"#;

/// The search filter for orders updated at or after `since` (`updated_at:>='…'`).
pub fn updated_since_filter(since: DateTime<Utc>) -> String {
    format!(
        "updated_at:>='{}'",
        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

/// Our status for an order from Shopify's financial and fulfillment statuses (either API's
/// spelling: `PARTIALLY_REFUNDED` or `partially_refunded`, `partial` or `PARTIALLY_FULFILLED`).
/// Cancellation and refunds win; then delivery and shipping; then payment.
pub fn order_status(
    cancelled: bool,
    financial: Option<&str>,
    fulfillment: Option<&str>,
    delivered: bool,
) -> &'static str {
    let financial = financial.unwrap_or("").to_ascii_lowercase();
    let fulfillment = fulfillment.unwrap_or("").to_ascii_lowercase();
    if cancelled {
        "cancelled"
    } else if financial == "refunded" {
        "refunded"
    } else if delivered {
        "delivered"
    } else if fulfillment == "fulfilled" {
        "shipped"
    } else if fulfillment == "partial" || fulfillment == "partially_fulfilled" {
        "partially_shipped"
    } else if financial == "partially_refunded" {
        "partially_refunded"
    } else if matches!(financial.as_str(), "paid" | "partially_paid") {
        "paid"
    } else if financial == "voided" || financial == "expired" {
        "cancelled"
    } else {
        "pending"
    }
}

fn money(shop: &str, order: &str, amount: &str, currency: &str) -> Result<i64, ConnectorError> {
    to_minor(amount, currency)
        .map_err(|e| ConnectorError::Permanent(format!("Shopify {shop}: order {order}: {e}")))
}

fn country(code: Option<String>) -> Option<String> {
    code.map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlOrder {
    name: String,
    email: Option<String>,
    created_at: DateTime<Utc>,
    display_financial_status: Option<String>,
    display_fulfillment_status: Option<String>,
    cancelled_at: Option<DateTime<Utc>>,
    currency_code: String,
    total_price_set: GqlMoneyBag,
    customer: Option<GqlCustomer>,
    shipping_address: Option<GqlAddress>,
    line_items: GqlNodes<GqlLineItem>,
    #[serde(default)]
    fulfillments: Vec<GqlFulfillment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlMoneyBag {
    shop_money: GqlMoney,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlMoney {
    amount: String,
    currency_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlCustomer {
    id: String,
    display_name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlAddress {
    country_code_v2: Option<String>,
}

#[derive(Deserialize)]
struct GqlNodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlLineItem {
    sku: Option<String>,
    title: String,
    quantity: i32,
    original_unit_price_set: GqlMoneyBag,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlFulfillment {
    #[serde(default)]
    tracking_info: Vec<GqlTracking>,
    delivered_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct GqlTracking {
    company: Option<String>,
    number: Option<String>,
}

/// A node of the [`ORDERS_QUERY`] → an [`InboundOrder`] (`raw` is the node's JSON).
pub fn from_graphql(shop: &str, node: &Value) -> Result<InboundOrder, ConnectorError> {
    let order: GqlOrder = serde_json::from_value(node.clone()).map_err(|e| {
        ConnectorError::Permanent(format!(
            "Shopify {shop}: unexpected order shape in GraphQL answer: {e}"
        ))
    })?;
    let currency = order
        .total_price_set
        .shop_money
        .currency_code
        .clone()
        .unwrap_or_else(|| order.currency_code.clone())
        .to_ascii_uppercase();
    let name = order.name.clone();
    let total_minor = money(
        shop,
        &name,
        &order.total_price_set.shop_money.amount,
        &currency,
    )?;
    let items = order
        .line_items
        .nodes
        .iter()
        .map(|li| {
            Ok(InboundOrderItem {
                sku: li.sku.clone().unwrap_or_default(),
                title: li.title.clone(),
                quantity: li.quantity,
                unit_price_minor: money(
                    shop,
                    &name,
                    &li.original_unit_price_set.shop_money.amount,
                    &currency,
                )?,
            })
        })
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    // The latest fulfillment with a tracking number says where the parcel is.
    let tracking = order
        .fulfillments
        .iter()
        .rev()
        .flat_map(|f| f.tracking_info.iter().rev())
        .find(|t| non_empty(t.number.clone()).is_some());
    let delivered_at = order
        .fulfillments
        .iter()
        .filter_map(|f| f.delivered_at)
        .max();
    let email = non_empty(order.customer.as_ref().and_then(|c| c.email.clone()))
        .or_else(|| non_empty(order.email.clone()))
        .map(|e| e.to_lowercase());
    let customer = InboundCustomer {
        external_id: order.customer.as_ref().map(|c| legacy_id(&c.id)),
        name: non_empty(order.customer.as_ref().and_then(|c| c.display_name.clone()))
            .or_else(|| email.clone())
            .unwrap_or_default(),
        email,
        country: country(
            order
                .shipping_address
                .as_ref()
                .and_then(|a| a.country_code_v2.clone()),
        ),
    };
    Ok(InboundOrder {
        channel: CHANNEL.to_string(),
        status: order_status(
            order.cancelled_at.is_some(),
            order.display_financial_status.as_deref(),
            order.display_fulfillment_status.as_deref(),
            delivered_at.is_some(),
        )
        .to_string(),
        external_id: name,
        shipping_country: customer.country.clone(),
        customer,
        total_minor,
        currency,
        carrier: tracking.and_then(|t| non_empty(t.company.clone())),
        tracking_number: tracking.and_then(|t| non_empty(t.number.clone())),
        ordered_at: order.created_at,
        delivered_at,
        items,
        raw: serde_json::to_vec(node).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
struct RestOrder {
    name: String,
    email: Option<String>,
    created_at: DateTime<Utc>,
    currency: String,
    total_price: String,
    financial_status: Option<String>,
    fulfillment_status: Option<String>,
    cancelled_at: Option<DateTime<Utc>>,
    customer: Option<RestCustomer>,
    shipping_address: Option<RestAddress>,
    #[serde(default)]
    line_items: Vec<RestLineItem>,
    #[serde(default)]
    fulfillments: Vec<RestFulfillment>,
}

#[derive(Deserialize)]
struct RestCustomer {
    id: Option<Value>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
struct RestAddress {
    country_code: Option<String>,
}

#[derive(Deserialize)]
struct RestLineItem {
    sku: Option<String>,
    title: String,
    quantity: i32,
    price: String,
}

/// A fulfillment in the REST representation (inside orders, and as the
/// `fulfillments/*` webhook payload).
#[derive(Deserialize)]
pub(crate) struct RestFulfillment {
    pub(crate) tracking_company: Option<String>,
    pub(crate) tracking_number: Option<String>,
    #[serde(default)]
    pub(crate) tracking_numbers: Vec<String>,
    pub(crate) shipment_status: Option<String>,
    pub(crate) updated_at: Option<DateTime<Utc>>,
}

impl RestFulfillment {
    pub(crate) fn numbers(&self) -> Vec<String> {
        let mut numbers: Vec<String> = self
            .tracking_numbers
            .iter()
            .filter_map(|n| non_empty(Some(n.clone())))
            .collect();
        if let Some(n) = non_empty(self.tracking_number.clone()) {
            if !numbers.contains(&n) {
                numbers.insert(0, n);
            }
        }
        numbers
    }

    pub(crate) fn delivered_at(&self) -> Option<DateTime<Utc>> {
        (self.shipment_status.as_deref() == Some("delivered"))
            .then_some(self.updated_at)
            .flatten()
    }
}

/// A REST order (the `orders/*` webhook payload) → an [`InboundOrder`] (`raw` is `body`).
pub fn from_rest(shop: &str, body: &[u8]) -> Result<InboundOrder, ConnectorError> {
    let order: RestOrder = serde_json::from_slice(body).map_err(|e| {
        ConnectorError::Permanent(format!("Shopify {shop}: unreadable order payload: {e}"))
    })?;
    let currency = order.currency.to_ascii_uppercase();
    let name = order.name.clone();
    let total_minor = money(shop, &name, &order.total_price, &currency)?;
    let items = order
        .line_items
        .iter()
        .map(|li| {
            Ok(InboundOrderItem {
                sku: li.sku.clone().unwrap_or_default(),
                title: li.title.clone(),
                quantity: li.quantity,
                unit_price_minor: money(shop, &name, &li.price, &currency)?,
            })
        })
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    let tracked = order
        .fulfillments
        .iter()
        .rev()
        .find(|f| !f.numbers().is_empty());
    let delivered_at = order
        .fulfillments
        .iter()
        .filter_map(RestFulfillment::delivered_at)
        .max();
    let customer = order.customer.as_ref();
    let email = non_empty(customer.and_then(|c| c.email.clone()))
        .or_else(|| non_empty(order.email.clone()))
        .map(|e| e.to_lowercase());
    let full_name = customer
        .map(|c| {
            [c.first_name.clone(), c.last_name.clone()]
                .into_iter()
                .filter_map(non_empty)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|n| !n.is_empty());
    let customer = InboundCustomer {
        external_id: customer.and_then(|c| match &c.id {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) => Some(legacy_id(s)),
            _ => None,
        }),
        name: full_name.or_else(|| email.clone()).unwrap_or_default(),
        email,
        country: country(
            order
                .shipping_address
                .as_ref()
                .and_then(|a| a.country_code.clone()),
        ),
    };
    Ok(InboundOrder {
        channel: CHANNEL.to_string(),
        status: order_status(
            order.cancelled_at.is_some(),
            order.financial_status.as_deref(),
            order.fulfillment_status.as_deref(),
            delivered_at.is_some(),
        )
        .to_string(),
        external_id: name,
        shipping_country: customer.country.clone(),
        customer,
        total_minor,
        currency,
        carrier: tracked.and_then(|f| non_empty(f.tracking_company.clone())),
        tracking_number: tracked.and_then(|f| f.numbers().into_iter().next()),
        ordered_at: order.created_at,
        delivered_at,
        items,
        raw: body.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let cases = [
            ((true, Some("PAID"), Some("FULFILLED"), false), "cancelled"),
            (
                (false, Some("REFUNDED"), Some("FULFILLED"), true),
                "refunded",
            ),
            ((false, Some("paid"), Some("fulfilled"), true), "delivered"),
            ((false, Some("PAID"), Some("FULFILLED"), false), "shipped"),
            (
                (false, Some("paid"), Some("partial"), false),
                "partially_shipped",
            ),
            (
                (
                    false,
                    Some("PARTIALLY_REFUNDED"),
                    Some("UNFULFILLED"),
                    false,
                ),
                "partially_refunded",
            ),
            ((false, Some("PAID"), Some("UNFULFILLED"), false), "paid"),
            ((false, Some("paid"), None, false), "paid"),
            ((false, Some("VOIDED"), None, false), "cancelled"),
            ((false, Some("PENDING"), None, false), "pending"),
            ((false, None, None, false), "pending"),
        ];
        for ((c, f, ff, d), want) in cases {
            assert_eq!(order_status(c, f, ff, d), want, "{c} {f:?} {ff:?} {d}");
        }
    }

    #[test]
    fn filter_is_an_inclusive_timestamp() {
        let since = DateTime::parse_from_rfc3339("2026-08-01T10:20:30.123Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            updated_since_filter(since),
            "updated_at:>='2026-08-01T10:20:30Z'"
        );
    }
}
