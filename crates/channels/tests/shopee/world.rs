//! A shop's data (orders, returns, chat) behind the [`DocServer`]: responders that answer
//! each documented API from the page's own sample, patched with this data (other order
//! numbers, times, statuses, more pages), so the connector meets Shopee's shapes with
//! enough variety to page, window and map.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::server::{shopee_error, with_response, Call, DocServer, SHOP_ID};

#[derive(Debug, Clone)]
pub struct Order {
    pub sn: String,
    pub update_time: i64,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct Return {
    pub sn: String,
    pub order_sn: String,
    pub update_time: i64,
    pub status: String,
    pub refund_amount: f64,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    /// Sent by the buyer (else by the shop).
    pub from_buyer: bool,
    pub created: i64,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: String,
    pub to_id: u64,
    pub to_name: String,
    /// Newest last.
    pub messages: Vec<Message>,
}

impl Conversation {
    fn last_nanos(&self) -> i64 {
        self.messages
            .last()
            .map(|m| m.created * 1_000_000_000 + 123)
            .unwrap_or(0)
    }
}

#[derive(Debug, Default)]
pub struct World {
    pub orders: Vec<Order>,
    pub returns: Vec<Return>,
    pub conversations: Vec<Conversation>,
    /// `(return_sn, body)` of every offer.
    pub offers: Vec<(String, Value)>,
    /// Messages the shop sent through the API.
    pub sent: Vec<Value>,
    next_message: u64,
}

pub type Shared = Arc<Mutex<World>>;

impl World {
    pub fn order(&mut self, sn: &str, update_time: i64, status: &str) {
        self.orders.retain(|o| o.sn != sn);
        self.orders.push(Order {
            sn: sn.into(),
            update_time,
            status: status.into(),
        });
    }

    pub fn return_of(
        &mut self,
        sn: &str,
        order_sn: &str,
        update_time: i64,
        status: &str,
        refund_amount: f64,
    ) {
        self.returns.retain(|r| r.sn != sn);
        self.returns.push(Return {
            sn: sn.into(),
            order_sn: order_sn.into(),
            update_time,
            status: status.into(),
            refund_amount,
        });
    }

    /// Adds a message to conversation `id` (created with buyer `to_id` if new).
    pub fn message(
        &mut self,
        conversation: &str,
        to_id: u64,
        id: &str,
        from_buyer: bool,
        created: i64,
        text: &str,
    ) {
        let index = match self.conversations.iter().position(|c| c.id == conversation) {
            Some(i) => i,
            None => {
                self.conversations.push(Conversation {
                    id: conversation.into(),
                    to_id,
                    to_name: format!("buyer_{to_id}"),
                    messages: Vec::new(),
                });
                self.conversations.len() - 1
            }
        };
        let c = &mut self.conversations[index];
        c.messages.push(Message {
            id: id.into(),
            from_buyer,
            created,
            text: text.into(),
        });
        c.messages.sort_by_key(|m| m.created);
    }
}

fn page_size(call: &Call, default: usize) -> usize {
    call.int("page_size").map(|n| n as usize).unwrap_or(default)
}

/// Installs responders for every API the connector uses.
pub fn install(server: &DocServer, world: &Shared) {
    let w = world.clone();
    server.respond("/api/v2/order/get_order_list", move |call, sample| {
        let world = w.lock().unwrap();
        let (from, to) = (call.int("time_from").unwrap(), call.int("time_to").unwrap());
        assert_eq!(
            call.param("time_range_field").as_deref(),
            Some("update_time")
        );
        let mut hits: Vec<&Order> = world
            .orders
            .iter()
            .filter(|o| (from..=to).contains(&o.update_time))
            .collect();
        hits.sort_by(|a, b| b.update_time.cmp(&a.update_time).then(a.sn.cmp(&b.sn)));
        let offset: usize = call
            .param("cursor")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let size = page_size(call, 20);
        let page: Vec<Value> = hits
            .iter()
            .skip(offset)
            .take(size)
            .map(|o| json!({ "order_sn": o.sn, "order_status": o.status }))
            .collect();
        let more = hits.len() > offset + size;
        with_response(
            sample,
            json!({
                "more": more,
                "next_cursor": if more { (offset + size).to_string() } else { String::new() },
                "order_list": page,
            }),
        )
    });

    let w = world.clone();
    server.respond("/api/v2/order/get_order_detail", move |call, sample| {
        let world = w.lock().unwrap();
        let template = sample["response"]["order_list"][0].clone();
        let mut list = Vec::new();
        for sn in call.param("order_sn_list").unwrap().split(',') {
            let Some(order) = world.orders.iter().find(|o| o.sn == sn) else {
                return shopee_error(
                    200,
                    "error_not_found",
                    "Wrong parameters, detail: the order is not found.",
                );
            };
            let mut detail = template.clone();
            detail["order_sn"] = json!(order.sn);
            detail["order_status"] = json!(order.status);
            detail["update_time"] = json!(order.update_time);
            // The sample's parcel was delivered; one not shipped yet has not left.
            let shipped = ["SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"]
                .contains(&order.status.as_str());
            if !shipped {
                detail["package_list"][0]["logistics_status"] = json!("LOGISTICS_READY");
            }
            list.push(detail);
        }
        with_response(sample, json!({ "order_list": list }))
    });

    server.respond(
        "/api/v2/logistics/get_tracking_number",
        move |call, sample| {
            let mut response = sample["response"].clone();
            response["tracking_number"] = json!(format!("TN-{}", call.param("order_sn").unwrap()));
            with_response(sample, response)
        },
    );

    server.respond("/api/v2/logistics/get_tracking_info", move |call, sample| {
        let mut response = sample["response"].clone();
        response["order_sn"] = json!(call.param("order_sn").unwrap());
        response["logistics_status"] = json!("LOGISTICS_DELIVERY_DONE");
        let mut events = response["tracking_info"].as_array().cloned().unwrap_or_default();
        events.push(json!({ "update_time": 1712800000, "description": "Delivered", "logistics_status": "DELIVERED" }));
        response["tracking_info"] = json!(events);
        // Shopee's sample says "-" for "no error".
        with_response(sample, response)
    });

    let w = world.clone();
    server.respond("/api/v2/returns/get_return_list", move |call, sample| {
        let world = w.lock().unwrap();
        let (from, to) = (
            call.int("update_time_from").unwrap(),
            call.int("update_time_to").unwrap(),
        );
        let mut hits: Vec<&Return> = world
            .returns
            .iter()
            .filter(|r| (from..=to).contains(&r.update_time))
            .collect();
        hits.sort_by(|a, b| b.update_time.cmp(&a.update_time).then(a.sn.cmp(&b.sn)));
        let size = page_size(call, 40);
        let page_no = call.int("page_no").unwrap() as usize;
        let template = sample["response"]["return"][0].clone();
        let page: Vec<Value> = hits
            .iter()
            .skip(page_no * size)
            .take(size)
            .map(|r| {
                let mut entry = template.clone();
                entry["return_sn"] = json!(r.sn);
                entry["order_sn"] = json!(r.order_sn);
                entry["update_time"] = json!(r.update_time);
                entry["status"] = json!(r.status);
                entry["refund_amount"] = json!(r.refund_amount);
                entry
            })
            .collect();
        with_response(
            sample,
            json!({ "more": hits.len() > (page_no + 1) * size, "return": page }),
        )
    });

    let w = world.clone();
    server.respond("/api/v2/returns/get_return_detail", move |call, sample| {
        let world = w.lock().unwrap();
        let sn = call.param("return_sn").unwrap();
        let Some(r) = world.returns.iter().find(|r| r.sn == sn) else {
            return shopee_error(200, "error_data", "The return you queried doesn't exist.");
        };
        let mut response = sample["response"].clone();
        response["return_sn"] = json!(r.sn);
        response["order_sn"] = json!(r.order_sn);
        response["status"] = json!(r.status);
        response["update_time"] = json!(r.update_time);
        response["refund_amount"] = json!(r.refund_amount);
        with_response(sample, response)
    });

    let w = world.clone();
    server.respond("/api/v2/returns/confirm", move |call, sample| {
        let mut world = w.lock().unwrap();
        let sn = call.param("return_sn").unwrap();
        let Some(r) = world.returns.iter_mut().find(|r| r.sn == sn) else {
            return shopee_error(200, "error_param", "Return SN or ID is invalid.");
        };
        if r.status != "REQUESTED" && r.status != "PROCESSING" {
            return shopee_error(
                200,
                "error_param",
                "The return status is not allowed to confirm.",
            );
        }
        r.status = "ACCEPTED".into();
        with_response(sample, json!({ "return_sn": sn }))
    });

    let w = world.clone();
    server.respond("/api/v2/returns/offer", move |call, sample| {
        let sn = call.param("return_sn").unwrap();
        w.lock()
            .unwrap()
            .offers
            .push((sn.clone(), call.body.clone()));
        with_response(sample, json!({ "return_sn": sn }))
    });

    let w = world.clone();
    server.respond("/api/v2/sellerchat/get_conversation_list", move |call, sample| {
        let world = w.lock().unwrap();
        let mut all: Vec<&Conversation> = world.conversations.iter().collect();
        all.sort_by_key(|c| std::cmp::Reverse(c.last_nanos()));
        let before = match call.param("direction").as_deref() {
            Some("older") => call.int("next_timestamp_nano").expect("older pages name their start"),
            _ => i64::MAX,
        };
        let size = page_size(call, 25);
        let rest: Vec<&&Conversation> = all.iter().filter(|c| c.last_nanos() < before).collect();
        let template = sample["response"]["conversations"][0].clone();
        let page: Vec<Value> = rest
            .iter()
            .take(size)
            .map(|c| {
                let mut entry = template.clone();
                entry["conversation_id"] = json!(c.id);
                entry["to_id"] = json!(c.to_id);
                entry["to_name"] = json!(c.to_name);
                entry["last_message_timestamp"] = json!(c.last_nanos());
                entry
            })
            .collect();
        let more = rest.len() > size;
        let next = page
            .last()
            .map(|c| c["last_message_timestamp"].to_string())
            .unwrap_or_else(|| "0".into());
        with_response(
            sample,
            json!({
                "page_result": { "page_size": size, "more": more,
                                 "next_cursor": { "next_message_time_nano": next, "conversation_id": "0" } },
                "conversations": page,
            }),
        )
    });

    let w = world.clone();
    server.respond("/api/v2/sellerchat/get_message", move |call, sample| {
        let world = w.lock().unwrap();
        let id = call.param("conversation_id").unwrap();
        let Some(c) = world.conversations.iter().find(|c| c.id == id) else {
            return shopee_error(200, "error_param", "conversation not found");
        };
        let offset: usize = call.param("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        let size = page_size(call, 25);
        let template = &sample["response"]["messages"];
        let newest_first: Vec<&Message> = c.messages.iter().rev().collect();
        let page: Vec<Value> = newest_first
            .iter()
            .skip(offset)
            .take(size)
            .map(|m| {
                let mut entry = if m.from_buyer { template[1].clone() } else { template[0].clone() };
                entry["message_id"] = json!(m.id);
                entry["conversation_id"] = json!(c.id);
                entry["created_timestamp"] = json!(m.created);
                entry["content"] = json!({ "text": m.text });
                if m.from_buyer {
                    entry["from_id"] = json!(c.to_id);
                } else {
                    entry["to_id"] = json!(c.to_id);
                    entry["from_shop_id"] = json!(SHOP_ID);
                }
                entry
            })
            .collect();
        let more = newest_first.len() > offset + size;
        with_response(
            sample,
            json!({
                "page_result": { "page_size": size, "more": more,
                                 "next_offset": if more { (offset + size).to_string() } else { String::new() } },
                "messages": page,
            }),
        )
    });

    let w = world.clone();
    server.respond("/api/v2/sellerchat/send_message", move |call, sample| {
        let mut world = w.lock().unwrap();
        world.next_message += 1;
        let id = format!("sent-{}", world.next_message);
        world.sent.push(call.body.clone());
        let mut response = sample["response"].clone();
        response["message_id"] = json!(id);
        response["to_id"] = call.body["to_id"].clone();
        response["content"] = call.body["content"].clone();
        with_response(sample, response)
    });

    let w = world.clone();
    server.respond(
        "/api/v2/sellerchat/get_one_conversation",
        move |call, sample| {
            let world = w.lock().unwrap();
            let id = call.param("conversation_id").unwrap();
            let Some(c) = world.conversations.iter().find(|c| c.id == id) else {
                return shopee_error(200, "error_param", "conversation not found");
            };
            let mut response = sample["response"].clone();
            response["conversation_id"] = json!(c.id);
            response["to_id"] = json!(c.to_id);
            with_response(sample, response)
        },
    );
}
