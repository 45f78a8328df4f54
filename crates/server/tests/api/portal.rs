//! The buyer return portal: order lookup without enumeration, throttling, return requests
//! decided by the policy engine, photos, the status page, languages, and a real browser run.

use aftersail_db::{customers, orders, return_config, rmas, TenantTx};
use aftersail_domain::money::Money;
use aftersail_domain::returns::{presets, Lane, Market, Warehouse, WarehouseKind};
use aftersail_domain::{OrderItemId, TenantId, WarehouseId};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::browser::WebDriver;
use crate::helpers::*;

const ADDRESS: &str = "Returns Dept.\nLagerstraße 5\n10115 Berlin";

struct PortalShop {
    tenant: uuid::Uuid,
    slug: String,
    /// MUG-1 (2 bought, 19.99 EUR), CHAIR-1 (1 bought, 49.99 EUR).
    mug: OrderItemId,
    chair: OrderItemId,
}

/// A shop with the EU policy, a Berlin warehouse serving DE, and order `number` by `buyer`
/// delivered `days_ago`.
async fn portal_shop(
    app: &TestApp,
    name: &str,
    owner: &str,
    number: &str,
    buyer: &str,
    days_ago: i64,
) -> PortalShop {
    app.shop(name, owner).await;
    let tenant = app.tenant_of(owner).await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    return_config::save_policy(&mut tx, &presets::eu(), Some("eu"))
        .await
        .unwrap();
    let warehouse = Warehouse {
        id: WarehouseId::new(),
        name: format!("{name} Berlin"),
        kind: WarehouseKind::ReturnCentre,
        serves: vec![Market::parse("DE").unwrap()],
        lanes: vec![Lane {
            from: Market::parse("DE").unwrap(),
            cost: Money::new(450, "EUR"),
        }],
        accepts_repairs: false,
    };
    return_config::save_warehouse(&mut tx, &warehouse, ADDRESS, true)
        .await
        .unwrap();
    let customer = customers::create(
        &mut tx,
        customers::NewCustomer {
            name: "Berta Buyer",
            email: Some(buyer),
            country: Some("DE"),
            language: Some("de"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    let delivered = Utc::now() - Duration::days(days_ago);
    let (_, items) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: customer,
            channel: "shopify",
            external_id: number,
            status: "delivered",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: Some("DHL"),
            tracking_number: Some("TRACK1"),
            ordered_at: delivered - Duration::days(2),
            delivered_at: Some(delivered),
            items: &[
                ("CHAIR-1", "Camping chair", 1, 4999),
                ("MUG-1", "Blue mug", 2, 1999),
            ],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    PortalShop {
        tenant,
        slug,
        chair: items[0],
        mug: items[1],
    }
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#43;", "+")
        .replace("&#x2b;", "+")
        .replace("&#61;", "=")
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// Looks the order up; returns the response.
async fn lookup(
    b: &Browser,
    slug: &str,
    query: &str,
    number: &str,
    email: &str,
) -> reqwest::Response {
    let path = format!("/p/{slug}/returns{query}");
    let token = b.csrf_from(&path).await;
    b.post_with(&path, &token, &[("number", number), ("email", email)])
        .await
}

/// The request form's sealed order token and CSRF token.
async fn request_form(
    b: &Browser,
    shop: &PortalShop,
    query: &str,
    email: &str,
) -> (String, String) {
    let r = lookup(b, &shop.slug, query, "SO-1001", email).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"request-form\""), "{html}");
    let token = unescape(between(&html, r#"name="token" value=""#, "\"").unwrap());
    (token, csrf_in(&html).unwrap())
}

type File = (&'static str, &'static str, Vec<u8>);

async fn submit(
    b: &Browser,
    slug: &str,
    query: &str,
    csrf: &str,
    fields: &[(String, String)],
    files: Vec<File>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("_csrf", csrf.to_owned());
    for (k, v) in fields {
        form = form.text(k.clone(), v.clone());
    }
    for (name, mime, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(mime)
            .unwrap();
        form = form.part("photos", part);
    }
    b.client
        .post(b.url(&format!("/p/{slug}/returns/request{query}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn fields(token: &str, item: OrderItemId, qty: &str, reason: &str) -> Vec<(String, String)> {
    vec![
        ("token".into(), token.into()),
        (format!("qty_{}", item.0), qty.into()),
        ("reason".into(), reason.into()),
        ("unused".into(), "1".into()),
        ("preferred".into(), "refund".into()),
        ("comment".into(), "Does not fit my tent.".into()),
    ]
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn lookups_that_miss_look_the_same_and_are_throttled() {
    let app = spawn_app().await;
    let a = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;
    let _b = portal_shop(
        &app,
        "Beta Shop",
        "b@example.com",
        "SO-2002",
        "carl@example.com",
        3,
    )
    .await;
    let buyer = app.browser();

    let hit = lookup(&buyer, &a.slug, "", "so-1001", "BERTA@example.com ").await;
    assert_eq!(hit.status(), StatusCode::OK);
    let html = hit.text().await.unwrap();
    assert!(
        html.contains("Camping chair") && html.contains("Blue mug"),
        "{html}"
    );

    let mut pages = Vec::new();
    for (number, email) in [
        ("SO-1001", "mallory@example.com"), // right number, wrong email
        ("SO-9999", "berta@example.com"),   // no such order
        ("SO-2002", "carl@example.com"),    // another shop's order and its buyer
    ] {
        let r = lookup(&buyer, &a.slug, "", number, email).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        pages.push(visible(&r.text().await.unwrap()));
    }
    assert!(pages[0].contains("We could not find an order with that number and email"));
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[1], pages[2]);
    assert!(!pages[0].contains("Camping chair"));

    for _ in 3..10 {
        let r = lookup(&buyer, &a.slug, "", "SO-0000", "x@example.com").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The 11th failure in a row from this address: refused, in the buyer's language.
    let r = lookup(&buyer, &a.slug, "?lang=de", "SO-1001", "berta@example.com").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let text = visible(&r.text().await.unwrap());
    assert!(text.contains("Zu viele Versuche"), "{text}");
    assert!(text.contains("Minuten erneut"), "{text}");
    let stored: i64 = count(&app, "portal_attempts").await;
    assert_eq!(stored, 20, "each failure counted per address and per shop");
}

#[tokio::test]
async fn a_buyer_returns_one_unit_in_the_window_and_follows_it_by_code() {
    let app = spawn_app().await;
    let shop = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;
    let buyer = app.browser();
    let (token, csrf) = request_form(&buyer, &shop, "", "berta@example.com").await;

    let r = submit(
        &buyer,
        &shop.slug,
        "",
        &csrf,
        &fields(&token, shop.chair, "1", "changed_mind"),
        vec![("chair.png", "image/png", png())],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let status_path = location(&r).to_owned();
    assert!(status_path.starts_with(&format!("/p/{}/returns/status?", shop.slug)));
    let html = buyer.page(&status_path).await;
    let text = visible(&html);

    let (code, status, decision, refund): (String, String, serde_json::Value, Option<i64>) =
        sqlx::query_as("SELECT code, status, decision, refund_minor FROM rmas")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(decision["eligible"], true, "{decision}");
    let expected = if decision["auto_approve"] == true {
        "approved"
    } else {
        "requested"
    };
    assert_eq!(status, expected);
    assert_eq!(
        status, "approved",
        "49.99 EUR is under the EU preset's 100 EUR limit"
    );
    assert_eq!(refund, Some(4999));
    assert!(text.contains(&code), "the code is shown: {text}");
    assert!(html.contains(&format!(r#"id="rma-code" dir="ltr">{code}<"#)));
    assert!(text.contains("Approved"), "{text}");
    assert!(text.contains("Lagerstraße 5"), "{text}");
    assert!(text.contains("You pay the return shipping."), "{text}");
    assert!(text.contains("Refund: 49.99 EUR"), "{text}");

    let items: Vec<(uuid::Uuid, i32)> =
        sqlx::query_as("SELECT order_item_id, quantity FROM rma_items")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(items, vec![(shop.chair.0, 1)]);
    let (photo_type, photo_size): (String, i64) =
        sqlx::query_as("SELECT content_type, size_bytes FROM rma_photos")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (photo_type.as_str(), photo_size),
        ("image/png", png().len() as i64)
    );
    let (email, language, request): (String, String, serde_json::Value) =
        sqlx::query_as("SELECT buyer_email, language, request FROM rmas")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (email.as_str(), language.as_str()),
        ("berta@example.com", "en")
    );
    assert_eq!(request["reason"], "changed_mind");
    assert_eq!(request["comment"], "Does not fit my tent.");
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM rma_events ORDER BY at, id")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(kinds, ["requested", "approved"]);

    // An internal note never reaches the buyer.
    let mut tx = TenantTx::begin(&app.pool, TenantId(shop.tenant))
        .await
        .unwrap();
    let rma = rmas::get_by_code(&mut tx, &code).await.unwrap().unwrap();
    rmas::add_event(
        &mut tx,
        rma.id,
        None,
        "note",
        Some("buyer seems shady"),
        false,
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Later, from another device: code + email.
    let other = app.browser();
    let path = format!("/p/{}/returns/status", shop.slug);
    let csrf = other.csrf_from(&path).await;
    let r = other
        .post_with(
            &path,
            &csrf,
            &[
                ("code", &code.to_lowercase()),
                ("email", "Berta@Example.com"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = visible(&r.text().await.unwrap());
    assert!(
        text.contains(&code) && text.contains("Lagerstraße 5"),
        "{text}"
    );
    assert!(
        text.contains("Requested") && text.contains("Approved"),
        "timeline: {text}"
    );
    assert!(!text.contains("shady"), "{text}");

    // The unit is gone from what can be returned: asking again for it fails, nothing stored.
    let (token, csrf) = request_form(&buyer, &shop, "", "berta@example.com").await;
    let r = submit(
        &buyer,
        &shop.slug,
        "",
        &csrf,
        &fields(&token, shop.chair, "1", "changed_mind"),
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "rmas").await, 1);

    // The return has its conversation: a return ticket for the buyer, answered by email,
    // with the status mail queued in the buyer's language.
    let (kind, reply_to, subject): (Option<String>, Option<String>, String) = sqlx::query_as(
        "SELECT t.type, t.reply_to, t.subject FROM rmas r JOIN tickets t ON t.id = r.ticket_id",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(kind.as_deref(), Some("return"));
    assert_eq!(reply_to.as_deref(), Some("berta@example.com"));
    assert!(subject.contains(&code), "{subject}");
    let mails: Vec<String> = sqlx::query_scalar(
        "SELECT m.body_text FROM outbox o JOIN messages m ON m.id = o.message_id ORDER BY m.created_at",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(mails.len(), 1, "one mail per status: {mails:?}");
    assert!(mails[0].contains(&code), "{}", mails[0]);
    if expected == "approved" {
        assert!(
            mails[0].contains("Lagerstraße 5"),
            "the return address: {}",
            mails[0]
        );
    }

    // An agent closes the return: the buyer hears of it, once.
    let owner = app.browser();
    owner.log_in("a@example.com", PASSWORD).await;
    let r = owner
        .post(&format!("/returns/{code}/close"), &[("note", "done")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(mails, 2);
}

#[tokio::test]
async fn too_many_units_and_bad_photos_store_nothing() {
    let app = spawn_app().await;
    let shop = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;
    let buyer = app.browser();
    let (token, csrf) = request_form(&buyer, &shop, "", "berta@example.com").await;

    let r = submit(
        &buyer,
        &shop.slug,
        "",
        &csrf,
        &fields(&token, shop.mug, "3", "changed_mind"),
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible(&r.text().await.unwrap());
    assert!(
        text.contains("more than you can still return of “Blue mug”"),
        "{text}"
    );

    let r = submit(
        &buyer,
        &shop.slug,
        "",
        &csrf,
        &fields(&token, shop.mug, "1", "changed_mind"),
        vec![(
            "receipt.jpg",
            "image/jpeg",
            b"%PDF-1.4 not an image".to_vec(),
        )],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible(&r.text().await.unwrap());
    assert!(
        text.contains("“receipt.jpg” is not a JPEG, PNG, WebP or GIF image"),
        "{text}"
    );

    let mut big = png();
    big.resize(11 * 1024 * 1024, 0);
    let r = submit(
        &buyer,
        &shop.slug,
        "?lang=fr",
        &csrf,
        &fields(&token, shop.mug, "1", "changed_mind"),
        vec![("mug.png", "image/png", big)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible(&r.text().await.unwrap());
    assert!(text.contains("« mug.png » dépasse 10 Mo"), "{text}");

    // ~50 MB: refused before it is read, in the buyer's language.
    let mut huge = png();
    huge.resize(50 * 1024 * 1024, 0);
    let r = submit(
        &buyer,
        &shop.slug,
        "?lang=de",
        &csrf,
        &fields(&token, shop.mug, "1", "changed_mind"),
        vec![("huge.png", "image/png", huge)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = visible(&r.text().await.unwrap());
    assert!(text.contains("Der Upload ist zu groß"), "{text}");

    // A forged token (or a raw order id) is not an order.
    let r = submit(
        &buyer,
        &shop.slug,
        "",
        &csrf,
        &fields("v1:forged", shop.mug, "1", "changed_mind"),
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    assert_eq!(count(&app, "rmas").await, 0);
    assert_eq!(count(&app, "rma_items").await, 0);
    assert_eq!(count(&app, "rma_photos").await, 0);
}

#[tokio::test]
async fn outside_the_window_is_rejected_with_the_reason_in_german() {
    let app = spawn_app().await;
    let shop = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        20,
    )
    .await;
    let buyer = app.browser();
    let (token, csrf) = request_form(&buyer, &shop, "?lang=de", "berta@example.com").await;
    let r = submit(
        &buyer,
        &shop.slug,
        "?lang=de",
        &csrf,
        &fields(&token, shop.mug, "1", "changed_mind"),
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = buyer.page(location(&r)).await;
    assert!(html.contains(r#"<html lang="de" dir="ltr">"#));
    let text = visible(&html);
    assert!(text.contains("Abgelehnt"), "{text}");
    assert!(
        text.contains(
            "Die Rückgabefrist von 14 Tagen ist abgelaufen (20 Tage seit der Lieferung)."
        ),
        "{text}"
    );
    let (status, language): (String, String) = sqlx::query_as("SELECT status, language FROM rmas")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!((status.as_str(), language.as_str()), ("rejected", "de"));
}

#[tokio::test]
async fn the_portal_speaks_the_buyers_language() {
    let app = spawn_app().await;
    let shop = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;
    let buyer = app.browser();
    let path = format!("/p/{}/returns", shop.slug);

    let ar = buyer.page(&format!("{path}?lang=ar")).await;
    assert!(ar.contains(r#"<html lang="ar" dir="rtl">"#), "{ar}");
    assert!(visible(&ar).contains("رقم الطلب"));

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "accept-language",
        "de-DE,de;q=0.9,en;q=0.5".parse().unwrap(),
    );
    let r = buyer.get_with(&path, headers).await;
    let de = visible(&r.text().await.unwrap());
    assert!(
        de.contains("Bestellnummer") && de.contains("Bestellung suchen"),
        "{de}"
    );

    let ja = visible(&buyer.page(&format!("{path}/status?lang=ja")).await);
    assert!(ja.contains("返品コード"), "{ja}");
    // The switcher offers every language.
    for code in [
        "en", "de", "fr", "es", "it", "ja", "zh", "pt", "nl", "pl", "ar",
    ] {
        assert!(
            ar.contains(&format!("lang={code}\"")),
            "switcher lacks {code}"
        );
    }

    let r = buyer.get("/p/no-such-shop/returns?lang=fr").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(visible(&r.text().await.unwrap()).contains("Cette page de retours n’existe pas."));
}

#[tokio::test]
async fn another_shops_return_never_shows_here() {
    let app = spawn_app().await;
    let a = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;
    let b = portal_shop(
        &app,
        "Beta Shop",
        "b@example.com",
        "SO-1001",
        "carl@example.com",
        3,
    )
    .await;
    let carl = app.browser();
    let (token, csrf) = request_form(&carl, &b, "", "carl@example.com").await;
    let r = submit(
        &carl,
        &b.slug,
        "",
        &csrf,
        &fields(&token, b.chair, "1", "changed_mind"),
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let code: String = sqlx::query_scalar("SELECT code FROM rmas")
        .fetch_one(&app.admin)
        .await
        .unwrap();

    // Beta's code and buyer on Alpha's status page: the generic miss.
    let path = format!("/p/{}/returns/status", a.slug);
    let csrf = carl.csrf_from(&path).await;
    let r = carl
        .post_with(
            &path,
            &csrf,
            &[("code", &code), ("email", "carl@example.com")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible(&r.text().await.unwrap());
    assert!(
        text.contains("We could not find a return with that code and email."),
        "{text}"
    );
    // A status link that is not Alpha's does not open there.
    let view = carl
        .get(&format!("/p/{}/returns/status?view=forged", a.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(!view.contains(&format!(r#"id="rma-code" dir="ltr">{code}<"#)));
}

#[tokio::test]
async fn a_buyer_requests_a_return_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    let shop = portal_shop(
        &app,
        "Alpha Shop",
        "a@example.com",
        "SO-1001",
        "berta@example.com",
        3,
    )
    .await;

    web.goto(&format!("{}/p/{}/returns", app.address, shop.slug))
        .await;
    web.type_into("#number", "SO-1001").await;
    web.type_into("#email", "berta@example.com").await;
    web.click("#find-form button[type=submit]").await;
    web.wait_true("document.querySelector('#request-form')")
        .await;
    web.script(&format!(
        "document.querySelector('#qty-{}').value = '1'",
        shop.chair.0
    ))
    .await;
    web.screenshot("portal-request").await;
    web.click("#request-form button[type=submit]").await;
    web.wait_true("document.querySelector('#rma-code')").await;
    let code: String = sqlx::query_scalar("SELECT code FROM rmas")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(web.text("#rma-code").await, code);
    assert!(web.text("#return-address").await.contains("Lagerstraße 5"));
    // The stylesheet loaded under the Content-Security-Policy.
    assert_eq!(
        web.script("return getComputedStyle(document.querySelector('.card')).borderRadius")
            .await,
        "8px"
    );
    web.screenshot("portal-status").await;

    web.click("a[hreflang=ar]").await;
    web.wait_true("document.documentElement.dir === 'rtl'")
        .await;
    assert_eq!(
        web.text("#rma-code").await,
        code,
        "the switcher keeps the return on screen"
    );
    web.screenshot("portal-status-ar").await;
}
