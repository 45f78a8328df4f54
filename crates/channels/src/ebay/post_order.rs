//! Post-Order API v2 (`/post-order/v2`, `Authorization: IAF <token>`,
//! `X-EBAY-C-MARKETPLACE-ID`): returns, item-not-received inquiries and cases.
//!
//! - Returns (`GET /return/search` by creation date, `GET /return/{id}`) become
//!   [`InboundReturn`]s with eBay's state mapped to ours ([`return_state`]); the return's
//!   tracking comes from the detail of returns in transit. [`decide`] answers a return
//!   (`POST /return/{id}/decide`: `ACCEPT`, `DECLINE`, `OFFER_PARTIAL_REFUND`) and
//!   [`refund_return`] refunds one (`POST /return/{id}/issue_refund`).
//! - Inquiries (`GET /inquiry/search`, `GET /inquiry/{id}`) and cases
//!   (`GET /casemanagement/search`, `GET /casemanagement/{id}`) are not returns — an
//!   item-not-received inquiry has nothing to send back, and a case is eBay stepping into
//!   a return or an inquiry — so each becomes a system message ([`claim_message`]) in the
//!   order's conversation, where the agent who handles the buyer sees it. The message id
//!   carries the claim's status, so every status change (opened, escalated to a case,
//!   closed) shows once. They are marked [`Automated::Bulk`]: rules do not answer eBay's
//!   notices, agents do.
//!
//! Refunding a return is idempotent by state: the return is read first, and one already
//! refunded (a refund state, or an actual refund amount) is not refunded again.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::fields::{self, amount, id, text, Paging};
use super::http::{url, Api, Call};
use super::orders::item_sku;
use super::SYNTHETIC_CONVERSATION_PREFIX;
use crate::{
    Automated, ConnectorError, InboundCustomer, InboundMessage, InboundReturn, InboundReturnItem,
    Party, RefundRequest, ReturnAnswer, ReturnState, ThreadHints,
};

/// One search page: the `members` and the paging facts.
#[derive(Debug)]
pub struct SearchPage {
    pub members: Vec<Value>,
    pub paging: Paging,
}

/// What a Post-Order search is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    Returns,
    Inquiries,
    Cases,
}

impl Search {
    fn path(self) -> [&'static str; 2] {
        match self {
            Self::Returns => ["return", "search"],
            Self::Inquiries => ["inquiry", "search"],
            Self::Cases => ["casemanagement", "search"],
        }
    }

    /// The names of the creation-date range parameters.
    fn range(self) -> (&'static str, &'static str) {
        match self {
            Self::Returns => ("creation_date_range_from", "creation_date_range_to"),
            Self::Inquiries => (
                "inquiry_creation_date_range_from",
                "inquiry_creation_date_range_to",
            ),
            Self::Cases => (
                "case_creation_date_range_from",
                "case_creation_date_range_to",
            ),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Returns => "searchReturns",
            Self::Inquiries => "searchInquiries",
            Self::Cases => "searchCases",
        }
    }
}

/// One page of a creation-date search.
pub async fn search(
    api: &Api,
    root: &str,
    kind: Search,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    offset: u64,
    limit: u32,
) -> Result<SearchPage, ConnectorError> {
    let (from_name, to_name) = kind.range();
    let body = api
        .call(
            &Call::get(kind.what(), url(root, &kind.path()))
                .post_order()
                .query(from_name, fields::format_time(from))
                .query(to_name, fields::format_time(to))
                .query("limit", limit.to_string())
                .query("offset", offset.to_string()),
        )
        .await?;
    let members = match body.get("members") {
        Some(Value::Array(list)) => list.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(ConnectorError::Transient(format!(
                "eBay {} answered members that are not a list",
                kind.what()
            )))
        }
    };
    Ok(SearchPage {
        members,
        paging: Paging::post_order(&body),
    })
}

/// `GET /return/{id}` (`fieldgroups`: `SUMMARY` for the state, `FULL` for shipping).
pub async fn get_return(
    api: &Api,
    root: &str,
    return_id: &str,
    fieldgroups: &str,
) -> Result<Value, ConnectorError> {
    api.call(
        &Call::get("getReturn", url(root, &["return", return_id]))
            .post_order()
            .query("fieldgroups", fieldgroups),
    )
    .await
}

/// `GET /inquiry/{id}` or `GET /casemanagement/{id}`.
pub async fn get_claim(
    api: &Api,
    root: &str,
    kind: Search,
    claim_id: &str,
) -> Result<Value, ConnectorError> {
    let (segment, what) = match kind {
        Search::Cases => ("casemanagement", "getCase"),
        _ => ("inquiry", "getInquiry"),
    };
    api.call(&Call::get(what, url(root, &[segment, claim_id])).post_order())
        .await
}

/// A return's (or a claim's) order: `orderId`, else the legacy `itemId-transactionId`.
pub fn order_id_of(v: &Value) -> Option<String> {
    if let Some(order) = text(v, "/orderId") {
        return Some(order.to_owned());
    }
    let item = id(v, "/creationInfo/item/itemId").or_else(|| id(v, "/itemId"))?;
    let transaction =
        id(v, "/creationInfo/item/transactionId").or_else(|| id(v, "/transactionId"))?;
    Some(format!("{item}-{transaction}"))
}

/// eBay's return `state` (or, when it is not one we know, `status`) → ours. `refunded`:
/// the return shows an actual refund amount.
pub fn return_state(state: &str, status: &str, refunded: bool) -> ReturnState {
    fn known(s: &str, refunded: bool) -> Option<ReturnState> {
        Some(match s {
            "REFUND_ISSUED"
            | "REFUND_INITIATED"
            | "AUTO_REFUND_INITIATED"
            | "REFUND_AS_PAYOUT_INITIATED"
            | "REFUND_NON_PAYPAL_INITIATED"
            | "REFUND_SENT_PENDING_CONFIRMATION"
            | "PARTIAL_REFUND_INITIATED"
            | "PARTIAL_REFUND_AS_PAYOUT_INITIATED"
            | "PARTIAL_REFUND_NON_PAYPAL_INITIATED"
            | "LESS_THAN_A_FULL_REFUND_ISSUED" => ReturnState::Refunded,
            "ITEM_SHIPPED" => ReturnState::InTransit,
            "ITEM_DELIVERED" => ReturnState::Received,
            "ITEM_READY_TO_SHIP"
            | "READY_FOR_SHIPPING"
            | "RETURN_ACCEPTED"
            | "ITEM_KEPT"
            | "REPLACEMENT_STARTED"
            | "REPLACEMENT_SHIPPED" => {
                if refunded {
                    ReturnState::Refunded
                } else {
                    ReturnState::Approved
                }
            }
            "RETURN_REJECTED" | "RETURN_DECLINED" | "REJECTED" | "DECLINED" => {
                ReturnState::Rejected
            }
            "INITIAL"
            | "RETURN_REQUESTED"
            | "RETURN_REQUESTED_TIMEOUT"
            | "RETURN_STARTED"
            | "WAITING_FOR_RMA"
            | "WAITING_FOR_SELLER_INFO"
            | "WAITING_FOR_RETURN_LABEL"
            | "PARTIAL_REFUND_REQUESTED"
            | "PARTIAL_REFUND_DECLINED"
            | "PARTIAL_REFUND_FAILED"
            | "REPLACEMENT_REQUESTED"
            | "ESCALATED" => ReturnState::Requested,
            "CLOSED" | "REPLACEMENT_CLOSED" | "REPLACED" | "CANCELLED" | "CANCELED" => {
                if refunded {
                    ReturnState::Refunded
                } else {
                    ReturnState::Closed
                }
            }
            _ => return None,
        })
    }
    known(state, refunded)
        .or_else(|| known(status, refunded))
        .unwrap_or_else(|| {
            tracing::warn!(
                state,
                status,
                "unknown eBay return state; treating it as requested"
            );
            ReturnState::Requested
        })
}

/// The states in which the seller still decides (and a decision may be sent).
fn awaits_decision(state: ReturnState) -> bool {
    state == ReturnState::Requested
}

fn actual_refund(summary: &Value) -> Option<(i64, String)> {
    amount(summary, "/sellerTotalRefund/actualRefundAmount")
        .or_else(|| amount(summary, "/buyerTotalRefund/actualRefundAmount"))
}

/// The summary inside a `GET /return/{id}` answer (or the answer itself).
fn summary_of(answer: &Value) -> &Value {
    answer
        .get("summary")
        .filter(|s| s.is_object())
        .unwrap_or(answer)
}

fn state_of(summary: &Value) -> ReturnState {
    return_state(
        text(summary, "/state").unwrap_or(""),
        text(summary, "/status").unwrap_or(""),
        actual_refund(summary).is_some(),
    )
}

/// Carrier and tracking number from a return's detail.
pub fn return_tracking(detail: &Value) -> (Option<String>, Option<String>) {
    let info = [
        "/detail/returnShipmentInfo/shipmentTracking",
        "/returnShipmentInfo/shipmentTracking",
    ]
    .iter()
    .find_map(|p| detail.pointer(p));
    let tracking = match info {
        Some(Value::Array(list)) => list.last(),
        other => other,
    };
    let Some(tracking) = tracking else {
        return (None, None);
    };
    let carrier = ["/carrierName", "/carrierEnum", "/carrierUsed"]
        .iter()
        .find_map(|p| text(tracking, p))
        .map(str::to_owned);
    (
        carrier,
        text(tracking, "/trackingNumber").map(str::to_owned),
    )
}

/// A return summary → [`InboundReturn`]. `order` (the return's order, when fetched) gives
/// the item's SKU and title; `detail` (fetched for returns in transit) the tracking.
pub fn to_inbound_return(
    summary: &Value,
    order: Option<&Value>,
    detail: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<InboundReturn> {
    let Some(return_id) = id(summary, "/returnId") else {
        tracing::warn!("eBay return without returnId skipped");
        return None;
    };
    let Some(order_id) = order_id_of(summary) else {
        tracing::warn!(
            return_id,
            "eBay return without order or item/transaction id skipped"
        );
        return None;
    };
    let item_id = id(summary, "/creationInfo/item/itemId");
    let line = order.and_then(|o| {
        o.get("lineItems")
            .and_then(Value::as_array)?
            .iter()
            .find(|l| item_id.is_some() && id(l, "/legacyItemId") == item_id)
    });
    let quantity = summary
        .pointer("/creationInfo/item/returnQuantity")
        .and_then(Value::as_i64)
        .map(|q| q.clamp(0, i64::from(i32::MAX)) as i32)
        .unwrap_or(1);
    let title = text(summary, "/creationInfo/item/itemTitle")
        .or_else(|| line.and_then(|l| text(l, "/title")))
        .unwrap_or("")
        .to_owned();
    let sku = line
        .map(item_sku)
        .or_else(|| item_id.clone())
        .unwrap_or_default();
    let refund = actual_refund(summary)
        .or_else(|| amount(summary, "/sellerTotalRefund/estimatedRefundAmount"))
        .or_else(|| amount(summary, "/buyerTotalRefund/estimatedRefundAmount"));
    let buyer = text(summary, "/buyerLoginName");
    let (carrier, tracking_number) = detail.map(return_tracking).unwrap_or((None, None));
    Some(InboundReturn {
        channel: super::CHANNEL.to_owned(),
        external_id: return_id,
        order_external_id: order_id,
        state: state_of(summary),
        reason: text(summary, "/creationInfo/reason")
            .unwrap_or("UNKNOWN")
            .to_owned(),
        buyer_comment: text(summary, "/creationInfo/comments/content").map(str::to_owned),
        customer: InboundCustomer {
            external_id: buyer.map(str::to_owned),
            name: buyer.unwrap_or("eBay buyer").to_owned(),
            email: None,
            country: None,
        },
        items: vec![InboundReturnItem {
            sku,
            title,
            quantity,
        }],
        refund_minor: refund.as_ref().map(|(minor, _)| *minor),
        currency: refund.map(|(_, currency)| currency),
        carrier,
        tracking_number,
        requested_at: fields::time(summary, "/creationInfo/creationDate").unwrap_or(now),
        raw: serde_json::to_vec(summary).unwrap_or_default(),
    })
}

/// An inquiry or a case (search member plus detail) → a system message in the order's
/// conversation. `None` without an id.
pub fn claim_message(
    kind: Search,
    summary: &Value,
    detail: &Value,
    now: DateTime<Utc>,
) -> Option<InboundMessage> {
    let (id_field, label) = match kind {
        Search::Cases => ("/caseId", "case"),
        _ => ("/inquiryId", "inquiry"),
    };
    let claim_id = id(summary, id_field).or_else(|| id(detail, id_field))?;
    let pick = |pointers: &[&str]| {
        pointers
            .iter()
            .find_map(|p| text(detail, p).or_else(|| text(summary, p)))
            .map(str::to_owned)
    };
    let status = pick(&["/status", "/state", "/inquiryStatusEnum", "/caseStatusEnum"])
        .unwrap_or_else(|| "UNKNOWN".to_owned());
    let order = order_id_of(detail).or_else(|| order_id_of(summary));
    let buyer = pick(&["/buyer", "/buyerLoginName", "/initiator"]);
    let claim = amount(detail, "/claimAmount").or_else(|| amount(summary, "/claimAmount"));
    let respond_by = [
        "/respondByDate",
        "/sellerMakeItRightByDate",
        "/expirationDate",
    ]
    .iter()
    .find_map(|p| fields::time(detail, p).or_else(|| fields::time(summary, p)));
    let case_type = pick(&["/caseType"]);
    let sent_at = ["/lastModifiedDate", "/creationDate"]
        .iter()
        .find_map(|p| fields::time(detail, p).or_else(|| fields::time(summary, p)))
        .unwrap_or(now);

    let what = match (kind, case_type.as_deref()) {
        (Search::Cases, Some(t)) => format!("case ({t})"),
        (Search::Cases, None) => "case".to_owned(),
        _ => "item-not-received inquiry".to_owned(),
    };
    let order_words = order
        .as_deref()
        .map(|o| format!(" for order {o}"))
        .unwrap_or_default();
    let subject = format!("eBay {label} {claim_id}{order_words}: {status}");
    let mut body = format!("eBay {what} {claim_id}{order_words} is now {status}.");
    if let Some((minor, currency)) = &claim {
        body.push_str(&format!(
            "\nClaimed: {} {currency}.",
            fields::decimal(*minor, currency)
        ));
    }
    if let Some(by) = respond_by {
        body.push_str(&format!(
            "\nRespond by: {}.",
            by.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    body.push_str(
        "\nAnswer it in eBay's Resolution Center; a reply here goes to the buyer as a message.",
    );
    let conversation = match &order {
        Some(o) => format!("{SYNTHETIC_CONVERSATION_PREFIX}order:{o}"),
        None => format!("{SYNTHETIC_CONVERSATION_PREFIX}{label}:{claim_id}"),
    };
    let raw = json!({ "summary": summary, "detail": detail });
    Some(InboundMessage {
        channel: super::CHANNEL.to_owned(),
        external_id: format!("{label}:{claim_id}:{status}"),
        from: Party {
            address: buyer.as_deref().unwrap_or("ebay").to_lowercase(),
            name: buyer.clone(),
        },
        reply_to: None,
        thread: ThreadHints {
            normalized_subject: subject.to_lowercase(),
            ..ThreadHints::default()
        },
        subject,
        display_text: body.clone(),
        body_text: body,
        body_html: None,
        language: Some("en".to_owned()),
        sent_at,
        order_external_id: order,
        conversation: Some(conversation),
        automated: Some(Automated::Bulk),
        attachments: Vec::new(),
        raw: serde_json::to_vec(&raw).unwrap_or_default(),
        raw_content_type: "application/json",
    })
}

/// Answers a return, unless it was answered that way already (a retry after a lost
/// answer); a return past deciding that does not match the answer is refused.
pub async fn decide(
    api: &Api,
    root: &str,
    return_id: &str,
    answer: &ReturnAnswer,
) -> Result<(), ConnectorError> {
    let current = get_return(api, root, return_id, "SUMMARY").await?;
    let summary = summary_of(&current);
    let state = state_of(summary);
    if !awaits_decision(state) {
        let done = match answer {
            ReturnAnswer::Accept => matches!(
                state,
                ReturnState::Approved
                    | ReturnState::InTransit
                    | ReturnState::Received
                    | ReturnState::Refunded
            ),
            ReturnAnswer::Decline { .. } => {
                matches!(state, ReturnState::Rejected | ReturnState::Closed)
            }
            ReturnAnswer::Offer { .. } => state == ReturnState::Refunded,
        };
        if done {
            return Ok(());
        }
        return Err(ConnectorError::Permanent(format!(
            "eBay return {return_id} is {} ({}); it takes no decision now",
            state.as_str(),
            text(summary, "/state").unwrap_or("unknown state")
        )));
    }
    let body = match answer {
        ReturnAnswer::Accept => json!({ "decision": "ACCEPT" }),
        ReturnAnswer::Decline { reason } => json!({
            "decision": "DECLINE",
            "comments": { "content": reason },
        }),
        ReturnAnswer::Offer {
            amount_minor,
            currency,
        } => {
            let currency = fields::currency(currency).ok_or_else(|| {
                ConnectorError::Permanent(format!(
                    "eBay return offer: {currency:?} is not a currency code"
                ))
            })?;
            json!({
                "decision": "OFFER_PARTIAL_REFUND",
                "partialRefundAmount": {
                    "value": fields::decimal_number(*amount_minor, &currency),
                    "currency": currency,
                },
            })
        }
    };
    api.call(
        &Call::post(
            "decideReturn",
            url(root, &["return", return_id, "decide"]),
            &body,
        )
        .post_order(),
    )
    .await?;
    Ok(())
}

/// Refunds a return (`issue_refund`), unless it shows a refund already. Returns
/// `return:<returnId>`: eBay gives a return refund no id of its own.
pub async fn refund_return(
    api: &Api,
    root: &str,
    return_id: &str,
    refund: &RefundRequest,
) -> Result<String, ConnectorError> {
    let platform_id = format!("return:{return_id}");
    let currency = fields::currency(&refund.currency).ok_or_else(|| {
        ConnectorError::Permanent(format!(
            "eBay refund: {:?} is not a currency code",
            refund.currency
        ))
    })?;
    let current = get_return(api, root, return_id, "SUMMARY").await?;
    if state_of(summary_of(&current)) == ReturnState::Refunded {
        tracing::info!(
            return_id,
            "eBay return already refunded; not refunding again"
        );
        return Ok(platform_id);
    }
    let value = fields::decimal_number(refund.amount_minor, &currency);
    let body = json!({
        "comments": { "content": super::orders::refund_comment(&refund.note, &refund.idempotency_key) },
        "refundDetail": {
            "itemizedRefundDetail": [{
                "refundAmount": { "value": value, "currency": currency },
                "refundFeeType": "PURCHASE_PRICE",
            }],
            "totalAmount": { "value": value, "currency": currency },
        },
    });
    let answer = api
        .call(
            &Call::post(
                "issueReturnRefund",
                url(root, &["return", return_id, "issue_refund"]),
                &body,
            )
            .post_order(),
        )
        .await?;
    match text(&answer, "/refundStatus") {
        Some("FAILED") => Err(ConnectorError::Permanent(format!(
            "eBay refused the refund for return {return_id} (refundStatus FAILED)"
        ))),
        _ => Ok(platform_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states() {
        let cases = [
            ("RETURN_REQUESTED", "", false, ReturnState::Requested),
            ("PARTIAL_REFUND_DECLINED", "", false, ReturnState::Requested),
            (
                "ITEM_READY_TO_SHIP",
                "READY_FOR_SHIPPING",
                false,
                ReturnState::Approved,
            ),
            ("ITEM_SHIPPED", "", false, ReturnState::InTransit),
            ("ITEM_DELIVERED", "", false, ReturnState::Received),
            ("REFUND_ISSUED", "", true, ReturnState::Refunded),
            (
                "LESS_THAN_A_FULL_REFUND_ISSUED",
                "",
                false,
                ReturnState::Refunded,
            ),
            ("CLOSED", "CLOSED", true, ReturnState::Refunded),
            ("CLOSED", "CLOSED", false, ReturnState::Closed),
            ("RETURN_REJECTED", "", false, ReturnState::Rejected),
            (
                "SOMETHING_NEW",
                "ITEM_SHIPPED",
                false,
                ReturnState::InTransit,
            ),
            ("SOMETHING_NEW", "ALSO_NEW", false, ReturnState::Requested),
        ];
        for (state, status, refunded, want) in cases {
            assert_eq!(
                return_state(state, status, refunded),
                want,
                "{state} {status}"
            );
        }
    }

    #[test]
    fn order_ids() {
        assert_eq!(
            order_id_of(&json!({"orderId": "07-1-2"})).as_deref(),
            Some("07-1-2")
        );
        assert_eq!(
            order_id_of(
                &json!({"creationInfo": {"item": {"itemId": "1104", "transactionId": 99}}})
            )
            .as_deref(),
            Some("1104-99")
        );
        assert_eq!(
            order_id_of(&json!({"itemId": 5, "transactionId": "6"})).as_deref(),
            Some("5-6")
        );
        assert_eq!(order_id_of(&json!({"itemId": 5})), None);
    }

    #[test]
    fn tracking_in_either_shape() {
        let one = json!({"detail": {"returnShipmentInfo": {"shipmentTracking": {"carrierName": "USPS", "trackingNumber": "94001"}}}});
        assert_eq!(
            return_tracking(&one),
            (Some("USPS".into()), Some("94001".into()))
        );
        let many = json!({"returnShipmentInfo": {"shipmentTracking": [{"carrierEnum": "UPS", "trackingNumber": "1"}, {"carrierEnum": "FEDEX", "trackingNumber": "2"}]}});
        assert_eq!(
            return_tracking(&many),
            (Some("FEDEX".into()), Some("2".into()))
        );
        assert_eq!(return_tracking(&json!({})), (None, None));
    }
}
