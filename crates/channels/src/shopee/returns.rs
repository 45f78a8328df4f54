//! Returns: `get_return_list` (one page of an `update_time` window), `get_return_detail`,
//! the mapping to [`InboundReturn`] with Shopee's statuses in our [`ReturnState`]s, and
//! the seller's answers: `confirm` (accept; Shopee refunds the buyer) and `offer` (a
//! partial refund instead).
//!
//! | Shopee `status` | [`ReturnState`] |
//! |---|---|
//! | `REQUESTED` | `Requested` |
//! | `PROCESSING`, `ACCEPTED` | `Approved`; `InTransit` / `Received` while the reverse parcel is on its way / delivered |
//! | `SELLER_DISPUTE`, `JUDGING` (Shopee reviews the seller's dispute) | `Rejected` |
//! | `REFUND_PAID` | `Refunded` |
//! | `CANCELLED`, `CLOSED` | `Closed` |
//! | anything else | `Requested` (the raw status stays in `raw`) |

use serde_json::{json, Value};

use super::client::ShopeeClient;
use super::money::{from_minor, to_minor};
use super::{id_string, text, unix_time, CHANNEL};
use crate::{
    ConnectorError, InboundCustomer, InboundOrder, InboundReturn, InboundReturnItem, ReturnState,
};

pub const RETURN_LIST_PATH: &str = "/api/v2/returns/get_return_list";
pub const RETURN_DETAIL_PATH: &str = "/api/v2/returns/get_return_detail";
pub const CONFIRM_PATH: &str = "/api/v2/returns/confirm";
pub const OFFER_PATH: &str = "/api/v2/returns/offer";

/// One page of `get_return_list`: the returns as listed, and whether more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnPage {
    pub returns: Vec<Value>,
    pub more: bool,
}

impl ReturnPage {
    /// The listed `return_sn`s, without repeats, in Shopee's order.
    pub fn return_sns(&self) -> Vec<String> {
        let mut sns: Vec<String> = Vec::new();
        for sn in self.returns.iter().filter_map(|r| text(r, "return_sn")) {
            if !sns.contains(&sn) {
                sns.push(sn);
            }
        }
        sns
    }
}

/// Returns whose `update_time` is within `[from, to]`, page `page_no` (from 0: Shopee's
/// documented default; were it counted from 1, page 0 would only repeat page 1).
pub async fn list(
    client: &ShopeeClient,
    from: i64,
    to: i64,
    page_no: u32,
    page_size: u32,
) -> Result<ReturnPage, ConnectorError> {
    let params = [
        ("page_no", page_no.to_string()),
        ("page_size", page_size.clamp(1, 100).to_string()),
        ("update_time_from", from.to_string()),
        ("update_time_to", to.to_string()),
    ];
    let response = client.get(RETURN_LIST_PATH, &params).await?;
    Ok(ReturnPage {
        returns: response
            .get("return")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        more: response
            .get("more")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// `get_return_detail` of one return.
pub async fn detail(client: &ShopeeClient, return_sn: &str) -> Result<Value, ConnectorError> {
    let response = client
        .get(RETURN_DETAIL_PATH, &[("return_sn", return_sn.to_string())])
        .await?;
    if text(&response, "return_sn").is_none() {
        return Err(ConnectorError::Transient(format!(
            "{} answered without a return_sn",
            client.what(RETURN_DETAIL_PATH)
        )));
    }
    Ok(response)
}

/// Accepts the buyer's request: Shopee refunds the buyer (after the item comes back when
/// the return needs one).
pub async fn confirm(client: &ShopeeClient, return_sn: &str) -> Result<(), ConnectorError> {
    client
        .post(CONFIRM_PATH, &json!({ "return_sn": return_sn }))
        .await
        .map(drop)
}

/// Offers the buyer a refund of `amount_minor` (sent as Shopee's decimal float) without
/// a return.
pub async fn offer(
    client: &ShopeeClient,
    return_sn: &str,
    amount_minor: i64,
    currency: &str,
) -> Result<(), ConnectorError> {
    client
        .post(
            OFFER_PATH,
            &json!({
                "return_sn": return_sn,
                "proposed_solution": "REFUND",
                "proposed_adjusted_refund_amount": from_minor(amount_minor, currency),
            }),
        )
        .await
        .map(drop)
}

/// Shopee's `status` and reverse-logistics status → our state; see the module docs.
pub fn state(status: &str, reverse_logistics: Option<&str>) -> ReturnState {
    let parcel = reverse_logistics
        .map(|s| s.to_ascii_uppercase())
        .unwrap_or_default();
    let on_its_way =
        parcel.contains("PICKUP_DONE") || parcel.contains("TRANSIT") || parcel.contains("SHIPPED");
    let arrived = parcel.contains("DELIVERY_DONE")
        || (parcel.ends_with("DELIVERED") && !parcel.contains("FAIL"));
    match status.to_ascii_uppercase().as_str() {
        "REQUESTED" => ReturnState::Requested,
        "PROCESSING" | "ACCEPTED" if arrived => ReturnState::Received,
        "PROCESSING" | "ACCEPTED" if on_its_way => ReturnState::InTransit,
        "PROCESSING" | "ACCEPTED" => ReturnState::Approved,
        "SELLER_DISPUTE" | "JUDGING" => ReturnState::Rejected,
        "REFUND_PAID" => ReturnState::Refunded,
        "CANCELLED" | "CLOSED" => ReturnState::Closed,
        _ => ReturnState::Requested,
    }
}

/// The refund a return asks for, in minor units, with its currency.
pub fn refund_of(detail: &Value) -> (Option<i64>, Option<String>) {
    let currency = text(detail, "currency").map(|c| c.to_ascii_uppercase());
    let refund = currency
        .as_deref()
        .and_then(|c| detail.get("refund_amount").and_then(|a| to_minor(a, c)));
    (refund, currency)
}

/// One `get_return_detail` answer → [`InboundReturn`]. `order` (the same order fetched for
/// the batch) lends the buyer's id and country.
pub fn to_inbound(
    detail: &Value,
    order: Option<&InboundOrder>,
) -> Result<InboundReturn, ConnectorError> {
    let broken =
        |what: &str| ConnectorError::Transient(format!("Shopee return detail without {what}"));
    let return_sn = text(detail, "return_sn").ok_or_else(|| broken("return_sn"))?;
    let order_sn =
        text(detail, "order_sn").ok_or_else(|| broken(&format!("order_sn ({return_sn})")))?;
    let requested_at = detail
        .get("create_time")
        .and_then(unix_time)
        .ok_or_else(|| broken(&format!("create_time ({return_sn})")))?;
    let reverse = text(detail, "reverse_logistics_status")
        .or_else(|| text(detail, "reverse_logistic_status"))
        .or_else(|| text(detail, "logistics_status"));
    let (refund_minor, currency) = refund_of(detail);
    let user = detail.get("user");
    let customer = InboundCustomer {
        external_id: order.and_then(|o| o.customer.external_id.clone()),
        name: user
            .and_then(|u| text(u, "username"))
            .or_else(|| order.map(|o| o.customer.name.clone()))
            .unwrap_or_default(),
        // Shopee masks most of the address (`********oo@shopee.com`): useless to write to.
        email: user
            .and_then(|u| text(u, "email"))
            .filter(|e| !e.contains('*') && e.contains('@')),
        country: order.and_then(|o| o.customer.country.clone()),
    };
    let items = detail
        .get("item")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|i| InboundReturnItem {
                    sku: text(i, "variation_sku")
                        .or_else(|| text(i, "item_sku"))
                        .or_else(|| i.get("item_id").and_then(id_string))
                        .unwrap_or_default(),
                    title: text(i, "name").unwrap_or_default(),
                    quantity: i
                        .get("amount")
                        .and_then(Value::as_i64)
                        .and_then(|q| i32::try_from(q).ok())
                        .unwrap_or(1),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(InboundReturn {
        channel: CHANNEL.to_string(),
        external_id: return_sn,
        order_external_id: order_sn,
        state: state(
            &text(detail, "status").unwrap_or_default(),
            reverse.as_deref(),
        ),
        reason: text(detail, "reason").unwrap_or_default(),
        buyer_comment: text(detail, "text_reason"),
        customer,
        items,
        refund_minor,
        currency,
        carrier: text(detail, "reverse_logistics_channel_name")
            .or_else(|| text(detail, "reverse_logistic_channel_name")),
        tracking_number: text(detail, "tracking_number"),
        requested_at,
        raw: serde_json::to_vec(detail).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_rma_states() {
        use ReturnState::*;
        let cases = [
            ("REQUESTED", None, Requested),
            ("PROCESSING", None, Approved),
            ("ACCEPTED", Some("LOGISTICS_REQUEST_CREATED"), Approved),
            ("ACCEPTED", Some("LOGISTICS_PICKUP_DONE"), InTransit),
            ("PROCESSING", Some("LOGISTICS_DELIVERY_DONE"), Received),
            ("PROCESSING", Some("LOGISTICS_DELIVERY_FAILED"), Approved),
            ("SELLER_DISPUTE", None, Rejected),
            ("JUDGING", None, Rejected),
            ("REFUND_PAID", None, Refunded),
            ("CANCELLED", None, Closed),
            ("CLOSED", Some("LOGISTICS_DELIVERY_DONE"), Closed),
            ("SOMETHING_NEW", None, Requested),
        ];
        for (status, parcel, want) in cases {
            assert_eq!(state(status, parcel), want, "{status} {parcel:?}");
        }
    }

    #[test]
    fn maps_a_return_detail() {
        let detail = json!({
            "return_sn": "2206140TA5PM808", "order_sn": "220614T9XV8JTN", "status": "ACCEPTED",
            "reason": "NOT_RECEIPT", "text_reason": "not received", "refund_amount": 13.97, "currency": "sgd",
            "create_time": 1655205084, "tracking_number": "RNSHS00177569",
            "user": {"username": "gwlsg01", "email": "********oo@shopee.com"},
            "item": [{"name": "Orange macaron", "amount": 1, "item_id": 2700126223i64, "item_sku": "USB", "variation_sku": "RED"},
                     {"name": "Plain", "amount": 2, "item_id": 7}],
            "reverse_logistic_status": "LOGISTICS_REQUEST_CREATED",
            "reverse_logistic_channel_name": "SPX Return"
        });
        let r = to_inbound(&detail, None).unwrap();
        assert_eq!(r.channel, "shopee");
        assert_eq!(r.external_id, "2206140TA5PM808");
        assert_eq!(r.order_external_id, "220614T9XV8JTN");
        assert_eq!(r.state, ReturnState::Approved);
        assert_eq!(r.reason, "NOT_RECEIPT");
        assert_eq!(r.buyer_comment.as_deref(), Some("not received"));
        assert_eq!(
            (r.refund_minor, r.currency.as_deref()),
            (Some(1397), Some("SGD"))
        );
        assert_eq!(r.customer.name, "gwlsg01");
        assert_eq!(r.customer.email, None);
        assert_eq!(r.carrier.as_deref(), Some("SPX Return"));
        assert_eq!(r.tracking_number.as_deref(), Some("RNSHS00177569"));
        assert_eq!(r.requested_at.timestamp(), 1655205084);
        assert_eq!(
            r.items,
            vec![
                InboundReturnItem {
                    sku: "RED".into(),
                    title: "Orange macaron".into(),
                    quantity: 1
                },
                InboundReturnItem {
                    sku: "7".into(),
                    title: "Plain".into(),
                    quantity: 2
                },
            ]
        );
        let mut broken = detail.clone();
        broken.as_object_mut().unwrap().remove("order_sn");
        assert!(matches!(
            to_inbound(&broken, None),
            Err(ConnectorError::Transient(_))
        ));
    }
}
