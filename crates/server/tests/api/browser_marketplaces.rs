//! Marketplace channels in a real browser (headless Chromium): an owner connects a Shopee
//! shop by form and tests it, the worker imports its return, an agent approves it on the
//! RMA page (confirmed on Shopee); an agent opens the Amazon message panel of a ticket
//! (loaded on demand by htmx), picks a kind of message Amazon allows and sends it.

use aftersail_channels::crypto::SecretKey;
use aftersail_worker::Connectors;
use chrono::Utc;

use crate::browser::WebDriver;
use crate::helpers::*;
use crate::marketplace_messaging::amazon::{Lwa, SpApi, Spec};
use crate::marketplace_returns::shopee;

async fn log_in(web: &WebDriver, app: &TestApp, email: &str) {
    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", email).await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
}

#[tokio::test]
async fn an_owner_connects_shopee_in_a_browser_and_approves_its_return() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Shopee Shop", "owner@example.com").await;
    let (server, world) = shopee::shop().await;
    let now = Utc::now().timestamp();
    {
        let mut w = world.lock().unwrap();
        w.order("220614T9XV8JTN", now - 3600, "COMPLETED");
        w.return_of(
            "2206140TA5PM808",
            "220614T9XV8JTN",
            now - 600,
            "REQUESTED",
            13.97,
        );
    }

    log_in(&web, &app, "owner@example.com").await;
    web.goto(&format!("{}/settings/channels", app.address))
        .await;
    web.click("#connect-shopee").await;
    web.wait_path("/settings/channels/new/shopee").await;
    web.type_into("#channel-name", "Shopee SG").await;
    web.type_into("#mk-partner_id", &shopee::server::PARTNER_ID.to_string())
        .await;
    web.type_into("#mk-shop_id", &shopee::server::SHOP_ID.to_string())
        .await;
    web.type_into("#mk-partner_key", shopee::server::PARTNER_KEY)
        .await;
    web.type_into("#mk-access_token", shopee::server::ACCESS_TOKEN)
        .await;
    web.type_into("#mk-refresh_token", shopee::server::REFRESH_TOKEN)
        .await;
    web.click("#channel-form button[type=submit]").await;
    web.wait_true("location.pathname.startsWith('/settings/channels/0')")
        .await;
    assert!(web.text("#webhook-url").await.contains("/webhooks/shopee/"));

    // The form names Shopee's real hosts; the saved channel is pointed at the local Shopee.
    sqlx::query(
        "UPDATE channels SET settings = settings || jsonb_build_object('base_url', $1::text, 'chat', false)",
    )
    .bind(&server.base)
    .execute(&app.admin)
    .await
    .unwrap();
    let here = web.script("return location.href").await;
    web.goto(here.as_str().unwrap()).await;
    web.click("form[action$='/test'] button").await;
    web.wait_true(
        "document.querySelector('#channel-test-result').innerText.includes('Connection OK')",
    )
    .await;
    web.screenshot("shopee-connected").await;

    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));
    crate::marketplace_returns::sync_until_a_return_arrives(&app, &connectors).await;
    web.goto(&format!("{}/returns", app.address)).await;
    web.click("a[href^='/returns/RMA-']").await;
    web.wait_true("location.pathname.startsWith('/returns/RMA-')")
        .await;
    assert!(web
        .text("#rma-source")
        .await
        .contains("Opened on Shopee as return 2206140TA5PM808"));
    web.click("form[action$='/approve'] button").await;
    web.wait_true("document.querySelector('#rma-status').dataset.status === 'approved'")
        .await;
    assert_eq!(world.lock().unwrap().returns[0].status, "ACCEPTED");
    web.screenshot("shopee-return-approved").await;
}

#[tokio::test]
async fn an_agent_sends_an_amazon_message_from_the_ticket_panel_in_a_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Amazon Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "A").await;
    let order = "123-1234567-1234567";
    sqlx::query("UPDATE orders SET channel = 'amazon', external_id = $1")
        .bind(order)
        .execute(&app.admin)
        .await
        .unwrap();
    let (lwa, api) = (Lwa::start().await, SpApi::start(&[Spec::Messaging]).await);
    crate::marketplace_messaging::connect_amazon(&app, tenant, &api, &lwa).await;
    api.replace(
        &format!("/messaging/v1/orders/{order}?"),
        crate::marketplace_messaging::actions(&["confirmDeliveryDetails", "warranty"]),
    );

    log_in(&web, &app, "owner@example.com").await;
    web.goto(&format!("{}/tickets/1000", app.address)).await;
    web.click("#marketplace-message summary").await;
    web.wait_true("!!document.querySelector('#mk-action')")
        .await;
    assert!(web
        .text("#mk-action")
        .await
        .contains("Confirm delivery details"));
    web.script("document.querySelector('#mk-action').value = 'warranty'")
        .await;
    web.type_into("#mk-body", "Die Garantie gilt zwei Jahre.")
        .await;
    web.click("#marketplace-message-form button[type=submit]")
        .await;
    web.wait_path("/tickets/1000").await;
    web.wait_true(
        "document.querySelector('main').innerText.includes('Die Garantie gilt zwei Jahre.')",
    )
    .await;
    web.screenshot("amazon-message-queued").await;
    let action: String = sqlx::query_scalar("SELECT action FROM outbox")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(action, "warranty");
}
