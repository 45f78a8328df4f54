//! Test support for the Shopee connector: the documentation-built server ([`server`]), the
//! shop data behind it ([`world`]), and helpers to build and drive a connector.
//! `api/` holds the pages of the APIs the vendor fixtures lack.

#![allow(dead_code)]

pub mod server;
pub mod world;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aftersail_channels::shopee::{from_settings, ShopeeConfig, ShopeeConnector, Tokens};
use aftersail_channels::{Connector, ConnectorError, Inbound};
use serde_json::{json, Value};

use server::{DocServer, ACCESS_TOKEN, PARTNER_ID, PARTNER_KEY, REFRESH_TOKEN, SHOP_ID};
use world::{Shared, World};

/// A running server with an empty shop.
pub async fn shop() -> (DocServer, Shared) {
    let server = DocServer::start().await;
    let world: Shared = Arc::new(Mutex::new(World::default()));
    world::install(&server, &world);
    (server, world)
}

/// A connector for `base` built the way the worker builds it (`from_settings`), with
/// `settings` merged over the required keys and `secrets` over the test tokens.
pub fn connector(base: &str, settings: Value, secrets: Value) -> ShopeeConnector {
    let mut s = json!({ "partner_id": PARTNER_ID, "shop_id": SHOP_ID, "base_url": base });
    merge(&mut s, settings);
    let mut k = json!({ "partner_key": PARTNER_KEY, "access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN });
    merge(&mut k, secrets);
    from_settings(&s, &k).unwrap()
}

/// A connector for `base` from a config the test adjusts (page sizes and the like, which
/// settings do not expose).
pub fn connector_with(base: &str, adjust: impl FnOnce(&mut ShopeeConfig)) -> ShopeeConnector {
    let tokens = Tokens {
        access_token: ACCESS_TOKEN.into(),
        refresh_token: REFRESH_TOKEN.into(),
        access_expires_at: None,
    };
    let mut config = ShopeeConfig::new(PARTNER_ID, PARTNER_KEY, SHOP_ID, tokens);
    config.base_url = base.into();
    config.timeout = std::time::Duration::from_secs(10);
    adjust(&mut config);
    ShopeeConnector::new(config).unwrap()
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

/// Polls from `cursor` until `more` is false; panics on an error or after `max_polls`.
pub async fn sync(
    c: &ShopeeConnector,
    cursor: Option<String>,
    max_polls: usize,
) -> (Vec<Inbound>, String) {
    let mut cursor = cursor;
    let mut items = Vec::new();
    for _ in 0..max_polls {
        let batch = c.poll(cursor.as_deref()).await.unwrap();
        items.extend(batch.items);
        cursor = batch.cursor;
        if !batch.more {
            return (items, cursor.unwrap());
        }
    }
    panic!("still more after {max_polls} polls");
}

/// Like [`sync`], but a failed poll is retried from the same cursor (as the worker does);
/// returns the items and the errors seen.
pub async fn sync_through_errors(
    c: &ShopeeConnector,
    cursor: Option<String>,
    max_polls: usize,
) -> (Vec<Inbound>, String, Vec<ConnectorError>) {
    let mut cursor = cursor;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..max_polls {
        match c.poll(cursor.as_deref()).await {
            Ok(batch) => {
                items.extend(batch.items);
                cursor = batch.cursor;
                if !batch.more {
                    return (items, cursor.unwrap(), errors);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    panic!("still more after {max_polls} polls; errors: {errors:?}");
}

/// How many times each external id was delivered, by kind (`order:…`, `return:…`,
/// `message:…`).
pub fn tally(items: &[Inbound]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        let key = match item {
            Inbound::Order(o) => format!("order:{}", o.external_id),
            Inbound::Return(r) => format!("return:{}", r.external_id),
            Inbound::Message(m) => format!("message:{}", m.external_id),
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
