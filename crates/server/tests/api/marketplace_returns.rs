//! A Shopee return end to end, with the real Shopee connector against the local Shopee built
//! from Shopee's API pages (it checks every request's signature and parameters): the worker
//! imports the return as an RMA with its order; the agent's decline is refused by Shopee
//! (it needs a dispute with evidence) and changes nothing; the approval confirms it on
//! Shopee; the refund is then recognised as done without confirming twice.

#[path = "../../../channels/tests/shopee/mod.rs"]
pub mod shopee;

use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::{channel_sync, refund_sync, Connectors};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::json;

use crate::channel_sync::scalar;
use crate::helpers::*;
use shopee::server::{PARTNER_ID, PARTNER_KEY, SHOP_ID};

const LEASE: Duration = Duration::from_secs(60);
const RETURN_SN: &str = "2206140TA5PM808";
const ORDER_SN: &str = "220614T9XV8JTN";

/// Runs the channel sync (each round due at once) until the first RMA is imported.
pub async fn sync_until_a_return_arrives(app: &TestApp, connectors: &Connectors) {
    for _ in 0..40 {
        if scalar(app, "SELECT count(*) FROM rmas").await > 0 {
            return;
        }
        sqlx::query("UPDATE channels SET next_poll_at = now(), next_request_at = now()")
            .execute(&app.admin)
            .await
            .unwrap();
        let round = channel_sync::run_once(&app.pool, connectors, LEASE)
            .await
            .unwrap();
        assert_eq!(round.failed, 0, "{round:?}");
    }
    panic!("no return arrived");
}

#[tokio::test]
async fn a_shopee_return_is_imported_answered_on_shopee_and_refunded_once() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let (server, world) = shopee::shop().await;
    let now = Utc::now().timestamp();
    {
        let mut w = world.lock().unwrap();
        w.order(ORDER_SN, now - 3600, "COMPLETED");
        w.return_of(RETURN_SN, ORDER_SN, now - 600, "REQUESTED", 13.97);
    }
    let id = uuid::Uuid::now_v7();
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let secrets = json!({ "partner_key": PARTNER_KEY, "access_token": shopee::server::ACCESS_TOKEN,
                          "refresh_token": shopee::server::REFRESH_TOKEN });
    let sealed = key.seal(
        secrets.to_string().as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed, requests_per_minute)
         VALUES ($1, $2, 'shopee', 'Shopee SG', $3, $4, 6000)",
    )
    .bind(tenant)
    .bind(id)
    .bind(json!({ "partner_id": PARTNER_ID, "shop_id": SHOP_ID, "base_url": server.base, "chat": false }))
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();

    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));
    sync_until_a_return_arrives(&app, &connectors).await;
    let (code, status, order_channel, order_number): (String, String, String, String) =
        sqlx::query_as(
            "SELECT r.code, r.status, o.channel, o.external_id FROM rmas r
             JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id",
        )
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "requested");
    assert_eq!(
        (order_channel.as_str(), order_number.as_str()),
        ("shopee", ORDER_SN)
    );
    let page = owner.page(&format!("/returns/{code}")).await;
    assert!(
        page.contains(&format!("Opened on Shopee as return {RETURN_SN}")),
        "{page}"
    );

    // Declining needs a dispute on Shopee: refused there, so nothing changes here.
    let r = owner
        .post(&format!("/returns/{code}/reject"), &[("note", "Used item")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Shopee did not take the answer"));
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM rmas WHERE status = 'requested'").await,
        1
    );

    // Approving confirms the return on Shopee first.
    let r = owner.post(&format!("/returns/{code}/approve"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(world.lock().unwrap().returns[0].status, "ACCEPTED");
    assert_eq!(server.calls_to("/api/v2/returns/confirm").len(), 1);
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM rmas WHERE status = 'approved'").await,
        1
    );

    // Shopee refunds the buyer on confirmation: the refund is recognised, not made twice.
    let (rma_id, order_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, order_id FROM rmas")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state, idempotency_key)
         VALUES ($1, gen_random_uuid(), $2, $3, 1397, 'SGD', 'approved', 'aftersail-refund-sg-1')",
    )
    .bind(tenant)
    .bind(rma_id)
    .bind(order_id)
    .execute(&app.admin)
    .await
    .unwrap();
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.issued, 1, "{round:?}");
    assert_eq!(server.calls_to("/api/v2/returns/confirm").len(), 1);
    assert_eq!(server.violations(), Vec::<String>::new());
}
