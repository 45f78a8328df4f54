//! Polling Shopee (orders, returns, chat) against the server built from the API pages, as
//! the worker drives it: backfill, 15-day windows, narrowing and paging, returns after
//! their orders, chat down to the last sweep, and the next sweep's changes.

mod shopee;

use std::collections::BTreeMap;

use aftersail_channels::shopee::PollCursor;
use aftersail_channels::{Inbound, ReturnState};
use chrono::Utc;
use serde_json::json;

use shopee::server::{is_vendor, load_specs, repair, SHOP_ID};
use shopee::{connector, connector_with, shop, sync, tally};

const DAY: i64 = 86_400;

#[test]
fn the_vendor_pages_load_and_their_sample_signs_are_placeholders() {
    let specs = load_specs();
    let vendor: Vec<_> = specs.iter().filter(|s| is_vendor(s)).collect();
    let mut paths: Vec<&str> = vendor.iter().map(|s| s.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v2/auth/access_token/get",
            "/api/v2/auth/token/get",
            "/api/v2/logistics/get_tracking_info",
            "/api/v2/order/get_order_detail",
            "/api/v2/order/get_order_list",
            "/api/v2/returns/get_return_detail",
            "/api/v2/returns/get_return_list",
        ]
    );
    // Two samples are not JSON as printed (a doubled `{`, missing commas).
    let mut repaired: Vec<&str> = vendor
        .iter()
        .filter(|s| s.repaired)
        .map(|s| s.name.as_str())
        .collect();
    repaired.sort();
    assert_eq!(
        repaired,
        ["v2.order.get_order_detail", "v2.public.get_access_token"]
    );
    assert_eq!(
        repair("{\n{\n\"a\": 1\n\"b\": \"x\"\n}"),
        "{\n\"a\": 1,\n\"b\": \"x\"\n}"
    );

    // Every page prints the same `sign` for its own sample parameters: seven different base
    // strings (each path differs) cannot share one HMAC under one key, and no key is given,
    // so the sample signs are placeholders that cannot be checked.
    let signs: std::collections::BTreeSet<_> = vendor
        .iter()
        .filter_map(|s| s.sample_sign.clone())
        .collect();
    assert_eq!(signs.len(), 1, "{signs:?}");
    assert_eq!(vendor.iter().filter(|s| s.sample_sign.is_some()).count(), 7);

    // Our own pages (APIs the fixtures lack) load the same way.
    assert!(specs
        .iter()
        .any(|s| s.path == "/api/v2/sellerchat/send_message" && s.post));
}

#[tokio::test]
async fn a_forty_day_backfill_reads_everything_in_fifteen_day_windows() {
    let (server, world) = shop().await;
    let now = Utc::now().timestamp();
    {
        let mut w = world.lock().unwrap();
        w.order("240409OLD0001", now - 39 * DAY + 777, "COMPLETED");
        w.order("240409MID0002", now - 20 * DAY + 55, "SHIPPED");
        w.order("240409NEW0003", now - 2 * DAY + 9, "READY_TO_SHIP");
        w.order("240409RET0004", now - 5 * DAY + 1, "TO_RETURN");
        w.order("240409TOOOLD5", now - 45 * DAY, "COMPLETED");
        w.return_of(
            "2206140RET0001",
            "240409RET0004",
            now - 3 * DAY + 17,
            "REQUESTED",
            13.97,
        );
        w.return_of(
            "2206140RET0002",
            "240409OLD0001",
            now - 30 * DAY + 17,
            "REFUND_PAID",
            100.0,
        );
        w.message(
            "1234567890123456789",
            5555,
            "m-old",
            true,
            now - 50 * DAY,
            "ancient",
        );
        w.message(
            "1234567890123456789",
            5555,
            "m-1",
            true,
            now - 3 * DAY,
            "Is this in stock?",
        );
        w.message(
            "1234567890123456789",
            5555,
            "m-2",
            false,
            now - 3 * DAY + 60,
            "Yes!",
        );
        w.message(
            "1234567890123456790",
            7777,
            "m-3",
            true,
            now - DAY,
            "Where is my parcel?",
        );
        w.message(
            "1234567890123456791",
            8888,
            "m-4",
            true,
            now - 41 * DAY,
            "too old",
        );
    }
    let c = connector(&server.base, json!({ "backfill_days": 40 }), json!({}));
    let (items, cursor) = sync(&c, None, 50).await;
    assert_eq!(server.violations(), Vec::<String>::new());

    let counts = tally(&items);
    let want: BTreeMap<String, usize> = [
        "order:240409OLD0001",
        "order:240409MID0002",
        "order:240409NEW0003",
        "order:240409RET0004",
        "return:2206140RET0001",
        "return:2206140RET0002",
        "message:m-1",
        "message:m-3",
    ]
    .iter()
    .map(|k| (k.to_string(), 0))
    .collect();
    let keys: Vec<&String> = counts.keys().collect();
    assert_eq!(keys, want.keys().collect::<Vec<_>>());
    // The returns' orders come again with them (before each return); everything else once.
    assert_eq!(counts["order:240409RET0004"], 2);
    assert_eq!(counts["order:240409OLD0001"], 2);
    for (key, n) in &counts {
        if !key.ends_with("RET0004") && !key.ends_with("OLD0001") {
            assert_eq!(*n, 1, "{key}");
        }
    }

    // Windows: from now − 40 days to the sweep's start, contiguous, at most 15 days each.
    let windows: Vec<(i64, i64)> = server
        .calls_to("/api/v2/order/get_order_list")
        .iter()
        .map(|c| (c.int("time_from").unwrap(), c.int("time_to").unwrap()))
        .collect();
    assert_eq!(windows.len(), 3, "{windows:?}");
    assert!((windows[0].0 - (now - 40 * DAY)).abs() <= 5);
    for pair in windows.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "windows are contiguous");
    }
    for (from, to) in &windows {
        assert!(to - from <= 15 * DAY && from < to);
    }
    assert!(windows[2].1 >= now);
    let return_windows = server.calls_to("/api/v2/returns/get_return_list");
    assert_eq!(return_windows.len(), 3);
    assert!(return_windows
        .iter()
        .all(|c| c.param("page_no").as_deref() == Some("0")));

    // Orders as mapped from the vendor's order sample.
    let order = items
        .iter()
        .find_map(|i| match i {
            Inbound::Order(o) if o.external_id == "240409OLD0001" => Some(o),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (
            order.status.as_str(),
            order.currency.as_str(),
            order.total_minor
        ),
        ("COMPLETED", "VND", 32119)
    );
    assert_eq!(order.customer.external_id.as_deref(), Some("1170319091"));
    assert_eq!(order.customer.name, "xt4fdsf96j");
    assert_eq!(order.carrier.as_deref(), Some("5-Day Delivery (SPX)"));
    assert_eq!(order.tracking_number.as_deref(), Some("TN-240409OLD0001"));
    assert_eq!(order.delivered_at.map(|t| t.timestamp()), Some(1712800000));
    assert_eq!(order.items[0].sku, "QAZ-SADOER-05");
    assert_eq!(order.items[0].unit_price_minor, 48000);
    let not_shipped = items
        .iter()
        .find_map(|i| match i {
            Inbound::Order(o) if o.external_id == "240409NEW0003" => Some(o),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (
            not_shipped.tracking_number.as_ref(),
            not_shipped.delivered_at
        ),
        (None, None)
    );
    let tracked: Vec<String> = server
        .calls_to("/api/v2/logistics/get_tracking_number")
        .iter()
        .map(|c| {
            assert_eq!(
                c.param("package_number").as_deref(),
                Some("OFG166300791210964")
            );
            c.param("order_sn").unwrap()
        })
        .collect();
    assert!(!tracked.contains(&"240409NEW0003".to_string()));

    // Each return comes right after its order, mapped from the vendor's detail sample.
    let position = |key: &str| {
        items.iter().position(|i| match i {
            Inbound::Order(o) => format!("order:{}", o.external_id) == key,
            Inbound::Return(r) => format!("return:{}", r.external_id) == key,
            Inbound::Message(_) => false,
        })
    };
    let ret = position("return:2206140RET0001").unwrap();
    assert!(matches!(&items[ret - 1], Inbound::Order(o) if o.external_id == "240409RET0004"));
    let Inbound::Return(r) = &items[ret] else {
        unreachable!()
    };
    assert_eq!(r.state, ReturnState::Requested);
    assert_eq!(r.order_external_id, "240409RET0004");
    assert_eq!(
        (r.refund_minor, r.currency.as_deref()),
        (Some(1397), Some("SGD"))
    );
    assert_eq!(r.reason, "NOT_RECEIPT");
    assert_eq!(r.customer.external_id.as_deref(), Some("1170319091"));
    let refunded = items.iter().find_map(|i| match i {
        Inbound::Return(r) if r.external_id == "2206140RET0002" => Some(r),
        _ => None,
    });
    assert_eq!(refunded.unwrap().state, ReturnState::Refunded);

    // Chat: the buyers' messages since the backfill start, not the shop's own.
    let messages: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Inbound::Message(m) => Some(m),
            _ => None,
        })
        .collect();
    let m1 = messages.iter().find(|m| m.external_id == "m-1").unwrap();
    assert_eq!(m1.from.address, "5555");
    assert_eq!(m1.body_text, "Is this in stock?");
    assert_eq!(m1.conversation.as_deref(), Some("1234567890123456789"));
    assert_eq!(m1.order_external_id.as_deref(), Some("2404098R48U37H"));

    // The cursor is the documented JSON; every stream's sweep is done.
    let cursor = PollCursor::parse(SHOP_ID, &cursor).unwrap();
    assert!(!cursor.orders.pending() && !cursor.returns.pending() && !cursor.chat.pending());
    assert!(cursor.chat.since_ns >= (now - DAY) * 1_000_000_000);
}

#[tokio::test]
async fn the_next_sweep_brings_what_changed_since() {
    let (server, world) = shop().await;
    let now = Utc::now().timestamp();
    {
        let mut w = world.lock().unwrap();
        w.order("ORDER-A", now - 2 * DAY, "READY_TO_SHIP");
        w.order("ORDER-B", now - DAY, "READY_TO_SHIP");
        w.message(
            "2000000000000000001",
            4242,
            "c1-m1",
            true,
            now - DAY,
            "hello",
        );
    }
    let c = connector(&server.base, json!({}), json!({}));
    let (items, cursor) = sync(&c, None, 30).await;
    assert_eq!(tally(&items).len(), 3);

    // Nothing changed: a new sweep reads only the last minutes again, and finds nothing new.
    server.clear_calls();
    let (items, cursor) = sync(&c, Some(cursor), 30).await;
    assert!(items.is_empty(), "{:?}", tally(&items));
    let windows = server.calls_to("/api/v2/order/get_order_list");
    assert_eq!(windows.len(), 1);
    let (from, to) = (
        windows[0].int("time_from").unwrap(),
        windows[0].int("time_to").unwrap(),
    );
    assert!(
        to - from < 600,
        "only the overlap and the seconds since: {from}..{to}"
    );

    // An order changes, a buyer writes again in the old conversation and in a new one.
    {
        let mut w = world.lock().unwrap();
        w.order("ORDER-A", now, "SHIPPED");
        w.message("2000000000000000001", 4242, "c1-m2", true, now, "any news?");
        w.message(
            "2000000000000000001",
            4242,
            "c1-m3",
            false,
            now,
            "shipped today",
        );
        w.message(
            "2000000000000000002",
            4343,
            "c2-m1",
            true,
            now,
            "new question",
        );
    }
    let (items, _) = sync(&c, Some(cursor), 30).await;
    let keys: Vec<String> = tally(&items).into_keys().collect();
    // c1-m1 was sent in the very second the last sweep ended at: messages are stamped in
    // seconds, so that second is read again (the ingest dedups) rather than risk a second
    // message within it.
    assert_eq!(
        keys,
        [
            "message:c1-m1",
            "message:c1-m2",
            "message:c2-m1",
            "order:ORDER-A"
        ]
    );
    let shipped = items.iter().find_map(|i| match i {
        Inbound::Order(o) => Some(o),
        _ => None,
    });
    assert_eq!(shipped.unwrap().status, "SHIPPED");
    assert_eq!(server.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_window_with_more_than_a_page_is_narrowed_and_a_crowded_second_is_paged() {
    let (server, world) = shop().await;
    let now = Utc::now().timestamp();
    let mut expected = Vec::new();
    {
        let mut w = world.lock().unwrap();
        for i in 0..7 {
            let sn = format!("SPREAD{i:02}");
            w.order(&sn, now - DAY - i * 3 * 3600, "READY_TO_SHIP");
            expected.push(format!("order:{sn}"));
        }
        // Five orders changed within the same second: more than a page of 2.
        for i in 0..5 {
            let sn = format!("BURST{i:02}");
            w.order(&sn, now - 4 * DAY, "UNPAID");
            expected.push(format!("order:{sn}"));
        }
        for i in 0..5 {
            let sn = format!("RS{i:02}");
            w.order(&format!("RO{i:02}"), now - 6 * DAY, "COMPLETED");
            w.return_of(&sn, &format!("RO{i:02}"), now - 6 * DAY, "PROCESSING", 5.0);
            expected.push(format!("return:{sn}"));
            expected.push(format!("order:RO{i:02}"));
        }
    }
    let c = connector_with(&server.base, |config| {
        config.chat = false;
        config.order_page_size = 2;
        config.return_page_size = 2;
    });
    let (items, _) = sync(&c, None, 400).await;
    let counts = tally(&items);
    expected.sort();
    expected.dedup();
    assert_eq!(counts.keys().cloned().collect::<Vec<_>>(), expected);
    assert_eq!(server.violations(), Vec::<String>::new());
    assert!(
        server
            .calls_to("/api/v2/sellerchat/get_conversation_list")
            .is_empty(),
        "chat is off"
    );

    // Windows were narrowed below 15 days, and the crowded second was paged through.
    let order_lists = server.calls_to("/api/v2/order/get_order_list");
    assert!(order_lists
        .iter()
        .any(|c| c.int("time_to").unwrap() - c.int("time_from").unwrap() <= 1));
    assert!(order_lists
        .iter()
        .any(|c| c.param("cursor").as_deref() == Some("2")));
    assert!(order_lists
        .iter()
        .any(|c| c.param("cursor").as_deref() == Some("4")));
    let return_lists = server.calls_to("/api/v2/returns/get_return_list");
    assert!(return_lists
        .iter()
        .any(|c| c.param("page_no").as_deref() == Some("2")));
    // Pages of windows that were too big were dropped unread: details only for what fit.
    let detailed: usize = server
        .calls_to("/api/v2/order/get_order_detail")
        .iter()
        .map(|c| c.param("order_sn_list").unwrap().split(',').count())
        .sum();
    assert!(
        detailed < 2 * expected.len(),
        "{detailed} order details for {} items",
        expected.len()
    );
}

#[tokio::test]
async fn chat_pages_through_conversations_and_messages_down_to_the_backfill_start() {
    let (server, world) = shop().await;
    let now = Utc::now().timestamp();
    let mut expected = Vec::new();
    {
        let mut w = world.lock().unwrap();
        for c in 0..5u64 {
            let conversation = format!("300000000000000000{c}");
            for m in 0..5 {
                let id = format!("c{c}-m{m}");
                // Conversation 4 went quiet before the backfill start; in the others the
                // oldest message is older too, and every other message is the shop's.
                let age = if c == 4 {
                    40 * DAY
                } else {
                    (5 - m) * DAY + c as i64 * 60
                };
                let created = now - if m == 0 { 35 * DAY } else { age };
                let from_buyer = m % 2 == 1 || m == 0;
                w.message(
                    &conversation,
                    9000 + c,
                    &id,
                    from_buyer,
                    created,
                    &format!("text {id}"),
                );
                if c != 4 && m != 0 && from_buyer {
                    expected.push(format!("message:{id}"));
                }
            }
        }
        // A pinned conversation would come first whatever its age; ours are all unpinned.
    }
    let c = connector_with(&server.base, |config| config.chat_page_size = 2);
    let (items, _) = sync(&c, None, 100).await;
    let counts = tally(&items);
    expected.sort();
    let got: Vec<String> = counts
        .keys()
        .filter(|k| k.starts_with("message:"))
        .cloned()
        .collect();
    assert_eq!(got, expected);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    let message_calls = server.calls_to("/api/v2/sellerchat/get_message");
    assert!(message_calls
        .iter()
        .any(|c| c.param("offset").as_deref() == Some("2")));
    assert!(!message_calls
        .iter()
        .any(|c| c.param("conversation_id").as_deref() == Some("3000000000000000004")));
    let lists = server.calls_to("/api/v2/sellerchat/get_conversation_list");
    assert_eq!(lists[0].param("direction").as_deref(), Some("latest"));
    assert!(lists[1..]
        .iter()
        .all(|c| c.param("direction").as_deref() == Some("older")));
    assert_eq!(server.violations(), Vec::<String>::new());
}
