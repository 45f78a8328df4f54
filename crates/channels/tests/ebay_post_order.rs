//! The eBay connector's Post-Order side (returns, inquiries, cases, decisions, refunds) and
//! order refunds, value by value, against the deterministic local eBay in `tests/ebay`.

mod contract;
mod ebay;

use std::time::Duration;

use aftersail_channels::ebay::{EbayConnector, PollCursor};
use aftersail_channels::{
    Automated, Connector, ConnectorError, Inbound, InboundMessage, InboundReturn, RefundRequest,
    ReturnAnswer, ReturnState,
};
use contract::{Fault, FaultProxy};
use ebay::{ago, connector, Fake, Roots};
use serde_json::{json, Value};

/// Polls until a round is over; returns everything and the last cursor.
async fn drain(c: &EbayConnector, mut cursor: Option<String>) -> (Vec<Inbound>, String) {
    let mut items = Vec::new();
    for _ in 0..40 {
        let batch = c.poll(cursor.as_deref()).await.unwrap();
        items.extend(batch.items);
        cursor = batch.cursor;
        if !batch.more {
            return (items, cursor.unwrap());
        }
    }
    panic!("the round never ended");
}

fn returns_of(items: &[Inbound]) -> Vec<&InboundReturn> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Return(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn messages_of(items: &[Inbound]) -> Vec<&InboundMessage> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn mug_order() -> Value {
    json!({
        "orderId": "07-11111-22222",
        "creationDate": ago(24 * 45),
        "lastModifiedDate": ago(24 * 40),
        "orderFulfillmentStatus": "FULFILLED",
        "orderPaymentStatus": "PAID",
        "sellerId": "best.seller",
        "buyer": {"username": "Mug_Lover"},
        "pricingSummary": {"total": {"value": "1500", "currency": "JPY"}},
        "fulfillmentHrefs": ["https://api.ebay.com/sell/fulfillment/v1/order/07-11111-22222/shipping_fulfillment/9400"],
        "lineItems": [{"lineItemId": "L1", "legacyItemId": "1101", "sku": "MUG-BLUE", "title": "Blue mug", "quantity": 1,
                       "lineItemCost": {"value": "1500", "currency": "JPY"}}],
        "paymentSummary": {"refunds": []}
    })
}

fn ret(id: &str, state: &str, created_hours_ago: i64) -> Value {
    json!({
        "returnId": id,
        "orderId": "07-11111-22222",
        "buyerLoginName": "Mug_Lover",
        "state": state,
        "status": state,
        "currentType": "MONEY_BACK",
        "creationInfo": {
            "item": {"itemId": "1101", "transactionId": "t1", "returnQuantity": 1},
            "reason": "DEFECTIVE_ITEM",
            "type": "MONEY_BACK",
            "comments": {"content": "Cracked handle"},
            "creationDate": {"value": ago(created_hours_ago)}
        },
        "sellerTotalRefund": {"estimatedRefundAmount": {"value": 1500, "currency": "JPY"}}
    })
}

#[tokio::test]
async fn returns_come_with_their_orders_across_pages() {
    let fake = Fake::start().await;
    fake.with(|d| {
        d.orders.push(mug_order());
        d.fulfillments.insert(
            "07-11111-22222".into(),
            json!({"fulfillments": [{"fulfillmentId": "9400", "shippingCarrierCode": "JP_POST", "shipmentTrackingNumber": "EJ123JP"}], "total": 1}),
        );
        d.returns.push(ret("5000000001", "RETURN_REQUESTED", 5));
        let mut legacy = ret("5000000002", "ITEM_SHIPPED", 4);
        legacy.as_object_mut().unwrap().remove("orderId");
        legacy["buyerLoginName"] = json!("Spoon_Fan");
        legacy["creationInfo"]["item"] = json!({"itemId": 2202, "transactionId": 3303, "returnQuantity": 2, "itemTitle": "Silver spoon"});
        legacy["sellerTotalRefund"] = json!({"estimatedRefundAmount": {"value": 12.5, "currency": "GBP"}});
        d.returns.push(legacy);
        d.return_details.insert(
            "5000000002".into(),
            json!({"returnShipmentInfo": {"shipmentTracking": {"carrierName": "Royal Mail", "trackingNumber": "RM123GB"}}}),
        );
        let mut closed = ret("5000000003", "CLOSED", 2);
        closed["sellerTotalRefund"]["actualRefundAmount"] = json!({"value": 1500, "currency": "JPY"});
        d.returns.push(closed);
        d.returns.push(ret("5000000004", "RETURN_REQUESTED", 24 * 60));
    });
    let mut config = ebay::config(&fake, Roots::default());
    config.page_size = 2;
    let c = EbayConnector::new(config).unwrap();

    let (items, cursor) = drain(&c, None).await;
    let returns = returns_of(&items);
    let ids: Vec<&str> = returns.iter().map(|r| r.external_id.as_str()).collect();
    assert_eq!(
        ids,
        ["5000000001", "5000000002", "5000000003"],
        "60-day-old return outside the window"
    );

    // The return's order comes before it, with its shipment.
    let order_at = items
        .iter()
        .position(|i| matches!(i, Inbound::Order(o) if o.external_id == "07-11111-22222"))
        .expect("the return's order is in the batch");
    let return_at = items
        .iter()
        .position(|i| matches!(i, Inbound::Return(r) if r.external_id == "5000000001"))
        .unwrap();
    assert!(order_at < return_at);
    if let Inbound::Order(o) = &items[order_at] {
        assert_eq!((o.total_minor, o.currency.as_str()), (1500, "JPY"));
        assert_eq!(o.tracking_number.as_deref(), Some("EJ123JP"));
    }

    let r1 = returns[0];
    assert_eq!(r1.channel, "ebay");
    assert_eq!(r1.order_external_id, "07-11111-22222");
    assert_eq!(r1.state, ReturnState::Requested);
    assert_eq!(r1.reason, "DEFECTIVE_ITEM");
    assert_eq!(r1.buyer_comment.as_deref(), Some("Cracked handle"));
    assert_eq!(r1.customer.external_id.as_deref(), Some("Mug_Lover"));
    assert_eq!(
        (
            r1.items[0].sku.as_str(),
            r1.items[0].title.as_str(),
            r1.items[0].quantity
        ),
        ("MUG-BLUE", "Blue mug", 1)
    );
    assert_eq!(
        (r1.refund_minor, r1.currency.as_deref()),
        (Some(1500), Some("JPY"))
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&r1.raw).unwrap()["returnId"],
        "5000000001"
    );

    let r2 = returns[1];
    assert_eq!(
        r2.order_external_id, "2202-3303",
        "legacy item-transaction order id"
    );
    assert_eq!(r2.state, ReturnState::InTransit);
    assert_eq!(
        (r2.carrier.as_deref(), r2.tracking_number.as_deref()),
        (Some("Royal Mail"), Some("RM123GB"))
    );
    assert_eq!(
        (r2.refund_minor, r2.currency.as_deref()),
        (Some(1250), Some("GBP"))
    );
    assert_eq!(
        (
            r2.items[0].sku.as_str(),
            r2.items[0].title.as_str(),
            r2.items[0].quantity
        ),
        ("2202", "Silver spoon", 2)
    );

    assert_eq!(returns[2].state, ReturnState::Refunded);

    // Requests: IAF and marketplace (the fake refuses others), the look-back window, pages.
    let searches = fake.seen("/return/search");
    assert_eq!(searches.len(), 2, "two pages of two");
    assert_eq!(searches[0].query["offset"], "0");
    assert_eq!(searches[1].query["offset"], "2");
    assert_eq!(
        searches[0].query["creation_date_range_from"],
        searches[1].query["creation_date_range_from"]
    );
    assert!(searches[0]
        .header("authorization")
        .unwrap()
        .starts_with("IAF user-token-"));
    let details = fake.seen("/return/5000000002");
    assert_eq!(
        details.len(),
        1,
        "only the return in transit is read in full"
    );
    assert_eq!(details[0].query["fieldgroups"], "FULL");
    let lookups: Vec<String> = fake
        .seen("/sell/fulfillment/v1/order")
        .iter()
        .filter_map(|s| s.query.get("orderIds").cloned())
        .collect();
    assert_eq!(lookups, ["07-11111-22222,2202-3303", "07-11111-22222"]);

    // The next round reads the window again: a state change shows.
    fake.with(|d| d.returns[0]["state"] = json!("ITEM_DELIVERED"));
    let (again, _) = drain(&c, Some(cursor)).await;
    let r1 = returns_of(&again)
        .into_iter()
        .find(|r| r.external_id == "5000000001")
        .unwrap()
        .clone();
    assert_eq!(r1.state, ReturnState::Received);
}

#[tokio::test]
async fn inquiries_and_cases_are_system_messages_in_the_order_conversation() {
    let fake = Fake::start().await;
    fake.with(|d| {
        d.inquiries.push(json!({
            "inquiryId": 5100000001u64, "itemId": "1101", "transactionId": "t1", "buyer": "Mug_Lover",
            "inquiryStatusEnum": "OPEN", "creationDate": {"value": ago(3)},
            "claimAmount": {"value": 1500, "currency": "JPY"}
        }));
        d.claim_details.insert("inquiry/5100000001".into(), json!({
            "inquiryId": "5100000001", "orderId": "07-11111-22222", "status": "OPEN", "buyer": "Mug_Lover",
            "claimAmount": {"value": 1500, "currency": "JPY"},
            "respondByDate": {"value": "2030-01-02T03:04:00.000Z"}, "creationDate": {"value": ago(3)}
        }));
        d.cases.push(json!({
            "caseId": "5200000001", "caseStatusEnum": "OPEN", "itemId": 2202, "transactionId": 3303,
            "buyer": "Spoon_Fan", "claimAmount": {"value": 12.5, "currency": "GBP"}, "creationDate": {"value": ago(4)}
        }));
        d.claim_details.insert("casemanagement/5200000001".into(), json!({
            "caseId": "5200000001", "caseType": "RETURN", "status": "OPEN", "itemId": 2202, "transactionId": 3303,
            "claimAmount": {"value": 12.5, "currency": "GBP"}, "lastModifiedDate": {"value": ago(1)}
        }));
    });
    let c = connector(&fake, Roots::default());
    let (items, cursor) = drain(&c, None).await;
    let messages = messages_of(&items);
    assert_eq!(messages.len(), 2);

    let inquiry = messages
        .iter()
        .find(|m| m.external_id == "inquiry:5100000001:OPEN")
        .unwrap();
    assert_eq!(inquiry.channel, "ebay");
    assert_eq!(
        inquiry.conversation.as_deref(),
        Some("aftersail:order:07-11111-22222")
    );
    assert_eq!(inquiry.order_external_id.as_deref(), Some("07-11111-22222"));
    assert_eq!(inquiry.from.address, "mug_lover");
    assert_eq!(inquiry.automated, Some(Automated::Bulk));
    assert_eq!(inquiry.raw_content_type, "application/json");
    assert!(
        inquiry
            .display_text
            .contains("item-not-received inquiry 5100000001 for order 07-11111-22222 is now OPEN"),
        "{}",
        inquiry.display_text
    );
    assert!(inquiry.display_text.contains("Claimed: 1500 JPY."));
    assert!(inquiry
        .display_text
        .contains("Respond by: 2030-01-02 03:04 UTC."));
    let raw: Value = serde_json::from_slice(&inquiry.raw).unwrap();
    assert_eq!(raw["detail"]["orderId"], "07-11111-22222");

    let case = messages
        .iter()
        .find(|m| m.external_id == "case:5200000001:OPEN")
        .unwrap();
    assert_eq!(
        case.conversation.as_deref(),
        Some("aftersail:order:2202-3303")
    );
    assert_eq!(case.from.address, "spoon_fan");
    assert!(
        case.display_text.contains("case (RETURN) 5200000001"),
        "{}",
        case.display_text
    );
    assert!(case.display_text.contains("Claimed: 12.50 GBP."));

    for (path, from, to) in [
        (
            "/inquiry/search",
            "inquiry_creation_date_range_from",
            "inquiry_creation_date_range_to",
        ),
        (
            "/casemanagement/search",
            "case_creation_date_range_from",
            "case_creation_date_range_to",
        ),
    ] {
        let seen = fake.seen(path);
        assert_eq!(seen.len(), 1, "{path}");
        assert!(
            seen[0].query.contains_key(from) && seen[0].query.contains_key(to),
            "{path}"
        );
    }

    // A status change is a new message; the unchanged case is read again under its old id.
    fake.with(|d| {
        d.claim_details.get_mut("inquiry/5100000001").unwrap()["status"] = json!("CLOSED")
    });
    let (again, _) = drain(&c, Some(cursor)).await;
    let ids: Vec<String> = messages_of(&again)
        .iter()
        .map(|m| m.external_id.clone())
        .collect();
    assert!(
        ids.contains(&"inquiry:5100000001:CLOSED".to_owned()),
        "{ids:?}"
    );
    assert!(ids.contains(&"case:5200000001:OPEN".to_owned()), "{ids:?}");
}

#[tokio::test]
async fn return_decisions_are_sent_once_and_only_while_open() {
    let fake = Fake::start().await;
    fake.with(|d| {
        for id in ["R-ACCEPT", "R-DECLINE", "R-OFFER"] {
            d.returns.push(ret(id, "RETURN_REQUESTED", 1));
        }
    });
    let c = connector(&fake, Roots::default());

    c.answer_return("R-ACCEPT", &ReturnAnswer::Accept)
        .await
        .unwrap();
    c.answer_return("R-ACCEPT", &ReturnAnswer::Accept)
        .await
        .unwrap();
    let decisions = fake.seen("/return/R-ACCEPT/decide");
    assert_eq!(decisions.len(), 1, "a retry after success sends nothing");
    assert_eq!(decisions[0].body, json!({"decision": "ACCEPT"}));
    assert!(decisions[0]
        .header("authorization")
        .unwrap()
        .starts_with("IAF "));
    let late = c
        .answer_return(
            "R-ACCEPT",
            &ReturnAnswer::Decline {
                reason: "too late".into(),
            },
        )
        .await;
    assert!(
        matches!(late, Err(ConnectorError::Permanent(ref m)) if m.contains("approved")),
        "{late:?}"
    );

    c.answer_return(
        "R-DECLINE",
        &ReturnAnswer::Decline {
            reason: "Used and scratched".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        fake.seen("/return/R-DECLINE/decide")[0].body,
        json!({"decision": "DECLINE", "comments": {"content": "Used and scratched"}})
    );

    c.answer_return(
        "R-OFFER",
        &ReturnAnswer::Offer {
            amount_minor: 1250,
            currency: "gbp".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        fake.seen("/return/R-OFFER/decide")[0].body,
        json!({"decision": "OFFER_PARTIAL_REFUND", "partialRefundAmount": {"value": 12.5, "currency": "GBP"}})
    );

    let missing = c.answer_return("R-NONE", &ReturnAnswer::Accept).await;
    assert!(
        matches!(missing, Err(ConnectorError::Permanent(_))),
        "{missing:?}"
    );
}

fn refund_request(
    key: &str,
    amount_minor: i64,
    currency: &str,
    return_id: Option<&str>,
) -> RefundRequest {
    RefundRequest {
        idempotency_key: key.into(),
        order_external_id: "07-11111-22222".into(),
        return_external_id: return_id.map(str::to_owned),
        amount_minor,
        currency: currency.into(),
        note: "Sorry about the handle".into(),
    }
}

#[tokio::test]
async fn return_refunds_are_not_issued_twice() {
    let fake = Fake::start().await;
    fake.with(|d| d.returns.push(ret("R-77", "ITEM_DELIVERED", 1)));
    let c = connector(&fake, Roots::default());
    let request = refund_request("rf-77", 1500, "JPY", Some("R-77"));

    assert_eq!(c.refund(&request).await.unwrap(), "return:R-77");
    let posts = fake.seen("/return/R-77/issue_refund");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body,
        json!({
            "comments": {"content": "Sorry about the handle [rf-77]"},
            "refundDetail": {
                "itemizedRefundDetail": [{"refundAmount": {"value": 1500.0, "currency": "JPY"}, "refundFeeType": "PURCHASE_PRICE"}],
                "totalAmount": {"value": 1500.0, "currency": "JPY"}
            }
        })
    );
    // The answer was lost; the worker retries: the return shows the refund, nothing is sent.
    assert_eq!(c.refund(&request).await.unwrap(), "return:R-77");
    assert_eq!(fake.seen("/return/R-77/issue_refund").len(), 1);
}

#[tokio::test]
async fn order_refunds_find_the_refund_made_before() {
    let fake = Fake::start().await;
    fake.with(|d| d.orders.push(mug_order()));
    let c = connector(&fake, Roots::default());
    let request = refund_request("rf-1", 500, "jpy", None);

    let first = c.refund(&request).await.unwrap();
    let posts = fake.seen("/order/07-11111-22222/issue_refund");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body,
        json!({"reasonForRefund": "OTHER", "comment": "Sorry about the handle [rf-1]",
               "orderLevelRefundAmount": {"value": "500", "currency": "JPY"}})
    );
    assert!(posts[0]
        .header("authorization")
        .unwrap()
        .starts_with("Bearer "));
    assert_eq!(
        c.refund(&request).await.unwrap(),
        first,
        "a retry finds the refund"
    );
    assert_eq!(fake.seen("/issue_refund").len(), 1);

    let other = c
        .refund(&refund_request("rf-2", 300, "JPY", None))
        .await
        .unwrap();
    assert_ne!(other, first);
    assert_eq!(fake.seen("/issue_refund").len(), 2);

    fake.with(|d| d.refund_status = "FAILED");
    let failed = c.refund(&refund_request("rf-3", 100, "JPY", None)).await;
    assert!(
        matches!(failed, Err(ConnectorError::Permanent(ref m)) if m.contains("FAILED")),
        "{failed:?}"
    );
    let bad = c.refund(&refund_request("rf-4", 100, "yens", None)).await;
    assert!(matches!(bad, Err(ConnectorError::Permanent(_))));
    assert_eq!(
        fake.seen("/issue_refund").len(),
        3,
        "a bad currency sends nothing"
    );
}

#[tokio::test]
async fn post_order_faults_lose_nothing() {
    let fake = Fake::start().await;
    fake.with(|d| {
        d.returns.push(ret("5000000001", "RETURN_REQUESTED", 5));
        d.orders.push(mug_order());
    });
    let proxy = FaultProxy::start(&fake.base).await;
    let c = connector(
        &fake,
        Roots {
            post_order: Some(format!("{}/post-order/v2", proxy.base)),
            ..Roots::default()
        },
    );
    // Orders, then messages: the returns stream is next.
    let mut cursor = None;
    for _ in 0..2 {
        cursor = c.poll(cursor.as_deref()).await.unwrap().cursor;
    }
    let before = PollCursor::parse(cursor.as_deref().unwrap()).unwrap();
    assert!(before.returns.sweep.is_some());

    proxy.push("/return/search", Fault::too_many(7));
    proxy.push("/return/search", Fault::status(503));
    proxy.push(
        "/return/search",
        Fault::Body(r#"{"members":[{"returnId":"#.into()),
    );
    proxy.push("/return/search", Fault::Truncate);
    let got = c.poll(cursor.as_deref()).await;
    assert_eq!(
        got.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(7)
        }
    );
    for _ in 0..3 {
        let got = c.poll(cursor.as_deref()).await;
        assert!(matches!(got, Err(ConnectorError::Transient(_))), "{got:?}");
    }
    assert_eq!(proxy.pending(), 0);
    let batch = c.poll(cursor.as_deref()).await.unwrap();
    assert_eq!(
        returns_of(&batch.items).len(),
        1,
        "the page comes through after the faults"
    );
    let uris: Vec<String> = proxy
        .seen()
        .iter()
        .filter(|s| s.uri.contains("/return/search"))
        .map(|s| s.uri.clone())
        .collect();
    assert_eq!(uris.len(), 5);
    assert!(
        uris.iter().all(|u| *u == uris[0]),
        "every retry asks for the same page: {uris:?}"
    );
}

#[tokio::test]
async fn a_refused_post_order_search_does_not_hold_the_others_back() {
    let fake = Fake::start().await;
    fake.with(|d| d.returns.push(ret("5000000001", "RETURN_REQUESTED", 5)));
    let proxy = FaultProxy::start(&fake.base).await;
    let c = connector(
        &fake,
        Roots {
            post_order: Some(format!("{}/post-order/v2", proxy.base)),
            ..Roots::default()
        },
    );
    proxy.push("/casemanagement/search", Fault::status(400));
    let (items, cursor) = drain(&c, None).await;
    assert_eq!(returns_of(&items).len(), 1, "the other streams went on");
    let refused: Vec<u16> = proxy
        .seen()
        .iter()
        .filter(|s| s.uri.contains("/casemanagement/search"))
        .map(|s| s.status)
        .collect();
    assert_eq!(refused, [400]);
    // The next round asks again.
    drain(&c, Some(cursor)).await;
    let cases: Vec<u16> = proxy
        .seen()
        .iter()
        .filter(|s| s.uri.contains("/casemanagement/search"))
        .map(|s| s.status)
        .collect();
    assert_eq!(cases, [400, 200]);
}

#[tokio::test]
async fn the_sandbox_has_no_post_order_streams() {
    let fake = Fake::start().await;
    fake.with(|d| d.returns.push(ret("5000000001", "RETURN_REQUESTED", 5)));
    let mut config = ebay::config(&fake, Roots::default());
    config.environment = aftersail_channels::ebay::Environment::Sandbox;
    config.base_url = Some(fake.base.clone());
    config.post_order_url = None;
    let c = EbayConnector::new(config).unwrap();
    let (items, _) = drain(&c, None).await;
    assert!(returns_of(&items).is_empty());
    assert!(fake.seen("/post-order/").is_empty());
    assert!(
        !fake.seen("/commerce/message/v1/conversation").is_empty(),
        "messages are still read"
    );
}
