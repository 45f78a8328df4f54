//! Messaging an Amazon buyer through the Messaging API from the ticket page, end to end: the
//! real Amazon connector against Prism serving Amazon's messaging spec (a request that breaks
//! the spec is refused) and a local Login with Amazon endpoint; the panel lists the kinds of
//! message Amazon allows for the ticket's order, and the queued message is posted by the
//! outbox worker through the Amazon channel.

#[path = "../../../channels/tests/amazon/support.rs"]
pub mod amazon;

use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::{outbox_delivery, Connectors};
use amazon::{Lwa, SpApi, Spec};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const ORDER: &str = "123-1234567-1234567";
const LEASE: Duration = Duration::from_secs(60);

pub fn actions(names: &[&str]) -> Value {
    let link = |n: &str| json!({"href": format!("/messaging/v1/orders/{ORDER}/messages/{n}?marketplaceIds=ATVPDKIKX0DER"), "name": n});
    json!({
        "_links": {"actions": names.iter().map(|n| link(n)).collect::<Vec<_>>(),
                   "self": {"href": format!("/messaging/v1/orders/{ORDER}?marketplaceIds=ATVPDKIKX0DER")}},
        "_embedded": {"actions": names.iter().map(|n| json!({"_links": {"self": link(n)}})).collect::<Vec<_>>()}
    })
}

/// An Amazon channel of `tenant` against `api` and `lwa`, its credentials sealed.
pub async fn connect_amazon(
    app: &TestApp,
    tenant: uuid::Uuid,
    api: &SpApi,
    lwa: &Lwa,
) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let sealed = SecretKey::parse(TEST_SECRET_KEY).unwrap().seal(
        amazon::secrets().to_string().as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed, requests_per_minute)
         VALUES ($1, $2, 'amazon', 'Amazon US', $3, $4, 6000)",
    )
    .bind(tenant)
    .bind(id)
    .bind(amazon::settings(api, lwa, json!({})))
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn an_agent_messages_an_amazon_buyer_with_a_kind_amazon_allows() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "A").await;
    sqlx::query("UPDATE orders SET channel = 'amazon', external_id = $1")
        .bind(ORDER)
        .execute(&app.admin)
        .await
        .unwrap();
    let (lwa, api) = (Lwa::start().await, SpApi::start(&[Spec::Messaging]).await);
    let id = connect_amazon(&app, tenant, &api, &lwa).await;

    let page = owner.page("/tickets/1000").await;
    assert!(
        page.contains("/tickets/1000/marketplace-message"),
        "the panel is offered"
    );
    api.replace(
        &format!("/messaging/v1/orders/{ORDER}?"),
        actions(&["confirmDeliveryDetails", "unexpectedProblem"]),
    );
    let panel = owner.page("/tickets/1000/marketplace-message").await;
    assert!(panel.contains(r#"value="unexpectedProblem""#), "{panel}");
    assert!(panel.contains("Confirm delivery details"));
    let key = crate::tickets::idempotency_key(&panel);

    let text = "Leider verzögert sich Ihre Bestellung um zwei Tage.";
    let form = [
        ("action", "unexpectedProblem"),
        ("body", text),
        ("idempotency_key", key.as_str()),
    ];
    let r = owner.post("/tickets/1000/marketplace-message", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    owner.post("/tickets/1000/marketplace-message", &form).await;
    let queued: Vec<(String, Option<String>, Option<uuid::Uuid>)> =
        sqlx::query_as("SELECT channel, action, via_channel_id FROM outbox")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        queued,
        [(
            "amazon".to_owned(),
            Some("unexpectedProblem".to_owned()),
            Some(id)
        )],
        "one message for one form, through the Amazon channel"
    );

    // Delivered by the worker: Amazon is asked again, then the message is posted.
    api.replace(
        &format!("/messaging/v1/orders/{ORDER}?"),
        actions(&["confirmDeliveryDetails", "unexpectedProblem"]),
    );
    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let posts: Vec<_> = api
        .proxy
        .seen()
        .into_iter()
        .filter(|s| s.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert!(posts[0].uri.starts_with(&format!(
        "/messaging/v1/orders/{ORDER}/messages/unexpectedProblem"
    )));
    assert_eq!(posts[0].status, 201, "Prism took the request as valid");
    assert_eq!(
        serde_json::from_slice::<Value>(&posts[0].body).unwrap(),
        json!({ "text": text })
    );
    api.assert_all_valid();

    // Another shop cannot use the panel of a ticket it does not have.
    let other = app.shop("Other", "other@example.com").await;
    assert_eq!(
        other
            .get("/tickets/1000/marketplace-message")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = other.post("/tickets/1000/marketplace-message", &form).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
