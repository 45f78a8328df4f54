//! Settings → Returns: presets, rule editing and ordering, warehouses with priced lanes, the
//! time zone, "try the policy", and who may see and change any of it.

use aftersail_domain::returns::{presets, Lane, Policy};
use reqwest::StatusCode;

use crate::helpers::*;

type FormFields = Vec<(&'static str, &'static str)>;

async fn stored_policy(app: &TestApp, email: &str) -> Option<Policy> {
    let tenant = app.tenant_of(email).await;
    let json: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT policy FROM return_settings WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_optional(&app.admin)
            .await
            .unwrap();
    json.map(|j| serde_json::from_value(j).unwrap())
}

async fn rule_ids(app: &TestApp, email: &str) -> Vec<String> {
    stored_policy(app, email)
        .await
        .map(|p| p.rules.into_iter().map(|r| r.id).collect())
        .unwrap_or_default()
}

/// The EU rule's form, as the page would send it unchanged.
fn eu_rule_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "EU/EEA standard"),
        ("markets", "EEA"),
        ("channels", ""),
        ("categories", ""),
        ("skus", ""),
        ("window_days", "14"),
        ("warranty_days", "730"),
        ("resolutions", "refund"),
        ("resolutions", "exchange"),
        ("resolutions", "store_credit"),
        ("fault_resolutions", "exchange"),
        ("fault_resolutions", "repair"),
        ("fault_resolutions", "refund"),
        ("fault_resolutions", "partial_refund"),
        ("restocking_fee", "0"),
        ("return_shipping", "buyer"),
        ("fault_return_shipping", "seller"),
        ("auto_approve_amount", "100.00"),
        ("auto_approve_currency", "EUR"),
        ("rwr_amount", "10.00"),
        ("rwr_currency", "EUR"),
    ]
}

fn with(
    form: &[(&'static str, &'static str)],
    key: &str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    form.iter()
        .map(|&(k, v)| if k == key { (k, value) } else { (k, v) })
        .collect()
}

#[tokio::test]
async fn owner_applies_a_preset_and_edits_a_rule_with_validation() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;

    let page = visible(&owner.page("/settings/returns").await);
    assert!(page.contains("No return policy yet"), "{page}");
    assert!(owner
        .page("/settings/profile")
        .await
        .contains(r#"href="/settings/returns""#));

    let r = owner
        .post("/settings/returns/preset", &[("preset", "mars")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stored_policy(&app, "owner@example.com").await.is_none());

    let r = owner
        .post("/settings/returns/preset", &[("preset", "eu")])
        .await;
    assert_eq!(
        location(&r),
        "/settings/returns?notice=returns_preset_applied"
    );
    assert_eq!(
        stored_policy(&app, "owner@example.com").await,
        Some(presets::eu())
    );
    let page = visible(&owner.page("/settings/returns").await);
    for words in [
        "Personalised goods",
        "Markets: EEA",
        "Categories/SKUs: personalised",
        "Channels: any",
        "No change-of-mind returns",
        "Change of mind: 14 days from delivery · Faults: 730 days · Buyer pays return shipping · Faults: seller pays return shipping · Auto-approve up to 100.00 EUR · Refund without return below 10.00 EUR · Resolutions: refund, exchange, store credit · Fault resolutions: exchange, repair, refund, partial refund",
        "Applying a preset replaces all current rules",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }

    // The rule form shows the stored rule; saving it unchanged changes nothing.
    let form_page = owner.page("/settings/returns/rules/eu").await;
    assert!(form_page.contains(r#"name="window_days" inputmode="numeric" value="14""#));
    let r = owner
        .post("/settings/returns/rules/eu", &eu_rule_form())
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stored_policy(&app, "owner@example.com").await,
        Some(presets::eu())
    );

    // Invalid inputs: 422, the error named, the input kept, nothing stored.
    let base = eu_rule_form();
    // (form, the error shown, an input kept as typed)
    let cases: Vec<(FormFields, &str, &str)> = vec![
        (
            with(&base, "markets", "DE, XX"),
            "Unknown country or region code: XX",
            "DE, XX",
        ),
        (
            with(&base, "restocking_fee", "150"),
            "Enter a percentage from 0 to 100.",
            "150",
        ),
        (
            with(&base, "window_days", "-5"),
            "Enter a whole number of days",
            "-5",
        ),
        (
            with(&base, "auto_approve_amount", "-3"),
            "Enter an amount of 0 or more",
            "-3",
        ),
        (
            base.iter()
                .copied()
                .filter(|(k, _)| *k != "resolutions")
                .collect(),
            "Allow at least one resolution.",
            "EU/EEA standard",
        ),
    ];
    for (form, error, kept) in cases {
        let r = owner.post("/settings/returns/rules/eu", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let html = r.text().await.unwrap();
        assert!(
            visible(&html).contains(error),
            "{error}: {}",
            visible(&html)
        );
        assert!(html.contains(&format!(r#"value="{kept}""#)), "{kept} kept");
    }
    assert_eq!(
        stored_policy(&app, "owner@example.com").await,
        Some(presets::eu())
    );

    // A 30-day window and a 10 % fee; a GBP limit is added beside the EUR one.
    let mut form = with(&with(&base, "window_days", "30"), "restocking_fee", "10");
    form = with(
        &with(&form, "auto_approve_amount", "80.5"),
        "auto_approve_currency",
        "GBP",
    );
    form.push(("tags_attached", "1"));
    let r = owner.post("/settings/returns/rules/eu", &form).await;
    assert_eq!(location(&r), "/settings/returns?notice=returns_rule_saved");
    let policy = stored_policy(&app, "owner@example.com").await.unwrap();
    let terms = &policy.rules[1].terms;
    assert_eq!(terms.window_days, Some(30));
    assert_eq!(terms.restocking_fee_bp, 1000);
    assert!(terms.required.tags_attached && !terms.required.unused);
    assert_eq!(terms.auto_approve_up_to.get("GBP"), Some(8050));
    assert_eq!(
        terms.auto_approve_up_to.get("EUR"),
        Some(10000),
        "other currency kept"
    );
    assert_eq!(terms.partial_refund_bp, 2000, "unedited terms kept");
    assert_eq!(
        policy.rules[0],
        presets::eu().rules[0],
        "other rules untouched"
    );
    let page = visible(&owner.page("/settings/returns").await);
    assert!(
        page.contains("Change of mind: 30 days from delivery"),
        "{page}"
    );
    assert!(page.contains("Restocking fee 10 %"), "{page}");
    assert!(
        page.contains("Auto-approve up to 80.50 GBP / 100.00 EUR"),
        "{page}"
    );

    // A blank window means no change-of-mind returns.
    let r = owner
        .post(
            "/settings/returns/rules/eu",
            &with(&base, "window_days", ""),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let policy = stored_policy(&app, "owner@example.com").await.unwrap();
    assert_eq!(policy.rules[1].terms.window_days, None);

    assert_eq!(
        owner.get("/settings/returns/rules/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    let audit = visible(&owner.page("/settings/audit").await);
    for action in ["returns.preset_applied", "returns.rule_updated"] {
        assert!(audit.contains(action), "{action}");
    }
}

#[tokio::test]
async fn rules_are_added_moved_and_deleted_in_order() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    const OWNER: &str = "owner@example.com";

    // Without a policy, adding a rule starts a custom one.
    let r = owner.post("/settings/returns/rules", &[]).await;
    assert_eq!(location(&r), "/settings/returns/rules/rule-1");
    assert_eq!(rule_ids(&app, OWNER).await, ["rule-1"]);

    owner
        .post("/settings/returns/preset", &[("preset", "eu")])
        .await;
    owner.post("/settings/returns/rules", &[]).await;
    assert_eq!(
        rule_ids(&app, OWNER).await,
        ["eu-personalised", "eu", "rule-1"]
    );

    let r = owner
        .post(
            "/settings/returns/rules/rule-1/move",
            &[("direction", "up")],
        )
        .await;
    assert_eq!(location(&r), "/settings/returns?notice=returns_rule_moved");
    assert_eq!(
        rule_ids(&app, OWNER).await,
        ["eu-personalised", "rule-1", "eu"]
    );
    owner
        .post(
            "/settings/returns/rules/eu-personalised/move",
            &[("direction", "down")],
        )
        .await;
    assert_eq!(
        rule_ids(&app, OWNER).await,
        ["rule-1", "eu-personalised", "eu"]
    );
    // Already first: nothing moves.
    owner
        .post(
            "/settings/returns/rules/rule-1/move",
            &[("direction", "up")],
        )
        .await;
    assert_eq!(
        rule_ids(&app, OWNER).await,
        ["rule-1", "eu-personalised", "eu"]
    );

    // The page lists them in the stored order.
    let page = visible(&owner.page("/settings/returns").await);
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s}: {page}"));
    assert!(
        at("New rule") < at("Personalised goods")
            && at("Personalised goods") < at("EU/EEA standard")
    );

    let r = owner
        .post("/settings/returns/rules/eu-personalised/delete", &[])
        .await;
    assert_eq!(
        location(&r),
        "/settings/returns?notice=returns_rule_deleted"
    );
    assert_eq!(rule_ids(&app, OWNER).await, ["rule-1", "eu"]);
    assert_eq!(
        owner
            .post("/settings/returns/rules/eu-personalised/delete", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let audit = visible(&owner.page("/settings/audit").await);
    for action in [
        "returns.rule_added",
        "returns.rule_moved",
        "returns.rule_deleted",
    ] {
        assert!(audit.contains(action), "{action}");
    }
}

async fn warehouse_id(app: &TestApp, name: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM warehouses WHERE name = $1")
        .bind(name)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

fn warehouse_form<'a>(name: &'a str, lanes: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "return_centre"),
        ("serves", "DE, FR"),
        ("lanes", lanes),
        ("address", "Lagerstraße 1\n10115 Berlin"),
        ("active", "1"),
    ]
}

#[tokio::test]
async fn warehouses_with_priced_lanes() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;

    let r = owner
        .post(
            "/settings/returns/warehouses",
            &warehouse_form("Berlin returns", "DE 4.50 EUR\nFR 8.90 EUR\n"),
        )
        .await;
    assert_eq!(
        location(&r),
        "/settings/returns/warehouses?notice=returns_warehouse_saved"
    );
    let id = warehouse_id(&app, "Berlin returns").await;
    let (lanes, serves, active): (serde_json::Value, Vec<String>, bool) =
        sqlx::query_as("SELECT lanes, serves, active FROM warehouses WHERE id = $1")
            .bind(id)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let lanes: Vec<Lane> = serde_json::from_value(lanes).unwrap();
    let costs: Vec<(String, i64, &str)> = lanes
        .iter()
        .map(|l| (l.from.to_string(), l.cost.minor, l.cost.currency.as_str()))
        .collect();
    assert_eq!(
        costs,
        [("DE".into(), 450, "EUR"), ("FR".into(), 890, "EUR")]
    );
    assert_eq!(serves, ["DE", "FR"]);
    assert!(active);
    let page = visible(&owner.page("/settings/returns/warehouses").await);
    assert!(
        page.contains("Berlin returns Return centre DE, FR DE → 4.50 EUR FR → 8.90 EUR no"),
        "{page}"
    );

    // A bad lane line, an unknown served country, a taken name: 422, input kept.
    let r = owner
        .post(
            "/settings/returns/warehouses",
            &warehouse_form("Paris", "DE 4.50 EUR\nFR eight EUR"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        visible(&html).contains("Line 2: write it as DE 4.50 EUR"),
        "{}",
        visible(&html)
    );
    assert!(html.contains("FR eight EUR</textarea>"));
    let mut bad_country = warehouse_form("Paris", "");
    bad_country[2] = ("serves", "FR, QQ");
    let r = owner
        .post("/settings/returns/warehouses", &bad_country)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("Unknown country or region code: QQ"));
    let r = owner
        .post(
            "/settings/returns/warehouses",
            &warehouse_form("berlin RETURNS", "DE 1 EUR"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible(&r.text().await.unwrap()).contains("A warehouse with this name already exists.")
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM warehouses")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(count, 1);

    // Edit: the form shows the lanes as typed; a JPY lane has no decimals.
    let edit = owner
        .page(&format!("/settings/returns/warehouses/{id}"))
        .await;
    assert!(
        edit.contains("DE 4.50 EUR\nFR 8.90 EUR</textarea>"),
        "{edit}"
    );
    let r = owner
        .post(
            &format!("/settings/returns/warehouses/{id}"),
            &warehouse_form("Berlin returns", "DE 4.50 EUR\nJP 1500 JPY"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let lanes: serde_json::Value = sqlx::query_scalar("SELECT lanes FROM warehouses WHERE id = $1")
        .bind(id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(lanes[1]["cost"]["minor"], 1500);

    let r = owner
        .post(
            &format!("/settings/returns/warehouses/{id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(
        location(&r),
        "/settings/returns/warehouses?notice=returns_warehouse_deactivated"
    );
    let active: bool = sqlx::query_scalar("SELECT active FROM warehouses WHERE id = $1")
        .bind(id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(!active);
    assert!(visible(&owner.page("/settings/returns/warehouses").await).contains("Inactive"));
    let audit = visible(&owner.page("/settings/audit").await);
    for action in [
        "warehouse.created",
        "warehouse.updated",
        "warehouse.deactivated",
    ] {
        assert!(audit.contains(action), "{action}");
    }
}

#[tokio::test]
async fn trying_the_policy_shows_the_engines_decision() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    assert!(visible(&owner.page("/settings/returns/try").await)
        .contains("Set up a return policy first."));

    owner
        .post("/settings/returns/preset", &[("preset", "eu")])
        .await;
    owner
        .post(
            "/settings/returns/warehouses",
            &warehouse_form("Berlin returns", "DE 4.50 EUR"),
        )
        .await;

    let query = |days: &str| {
        format!("/settings/returns/try?country=DE&channel=shopify&category=&reason=changed_mind&days={days}&value=50.00&currency=EUR")
    };
    let page = visible(&owner.page(&query("10")).await);
    for words in [
        "Eligible",
        "Matched rule EU/EEA standard",
        "Resolution refund",
        "Refund 50.00 EUR",
        "Destination Berlin returns",
        "Return shipping paid by Buyer",
        "Auto-approved yes",
        "Day 10 of a 14-day window",
        "Cheapest destination: Berlin returns (4.50 EUR)",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }

    let page = visible(&owner.page(&query("20")).await);
    assert!(page.contains("Not eligible"), "{page}");
    assert!(
        page.contains("Day 20 is outside the 14-day window"),
        "{page}"
    );
    assert!(!page.contains("Destination Berlin returns"));

    let r = owner.get(&query("-1")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn time_zone_is_validated() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tz = || async {
        sqlx::query_scalar::<_, String>("SELECT time_zone FROM tenants")
            .fetch_one(&app.admin)
            .await
            .unwrap()
    };
    let r = owner
        .post(
            "/settings/returns/time-zone",
            &[("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible(&html).contains("Unknown time zone"));
    assert!(html.contains(r#"value="Mars/Olympus""#));
    assert_eq!(tz().await, "UTC");

    let r = owner
        .post(
            "/settings/returns/time-zone",
            &[("time_zone", " Europe/Berlin ")],
        )
        .await;
    assert_eq!(
        location(&r),
        "/settings/returns?notice=returns_time_zone_saved"
    );
    assert_eq!(tz().await, "Europe/Berlin");
    assert!(owner
        .page("/settings/returns")
        .await
        .contains(r#"value="Europe/Berlin""#));
    assert!(visible(&owner.page("/settings/audit").await).contains("returns.time_zone_changed"));
}

#[tokio::test]
async fn agents_are_refused_and_shops_are_kept_apart() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    owner
        .post("/settings/returns/preset", &[("preset", "eu")])
        .await;
    owner
        .post(
            "/settings/returns/warehouses",
            &warehouse_form("Berlin returns", "DE 4.50 EUR"),
        )
        .await;
    let id = warehouse_id(&app, "Berlin returns").await;
    let wh = format!("/settings/returns/warehouses/{id}");

    let gets = [
        "/settings/returns".to_owned(),
        "/settings/returns/rules/eu".into(),
        "/settings/returns/warehouses".into(),
        wh.clone(),
        "/settings/returns/try?country=DE&reason=changed_mind&days=1&value=1&currency=EUR".into(),
    ];
    for path in &gets {
        assert_eq!(
            agent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/settings/returns/preset".into(), vec![("preset", "us")]),
        (
            "/settings/returns/time-zone".into(),
            vec![("time_zone", "Asia/Tokyo")],
        ),
        ("/settings/returns/rules".into(), vec![]),
        ("/settings/returns/rules/eu".into(), eu_rule_form()),
        (
            "/settings/returns/rules/eu/move".into(),
            vec![("direction", "up")],
        ),
        ("/settings/returns/rules/eu/delete".into(), vec![]),
        (
            "/settings/returns/warehouses".into(),
            warehouse_form("Mine", ""),
        ),
        (wh.clone(), warehouse_form("Mine", "")),
        (format!("{wh}/deactivate"), vec![]),
    ];
    for (path, form) in &posts {
        assert_eq!(
            agent.post(path, form).await.status(),
            StatusCode::FORBIDDEN,
            "POST {path}"
        );
    }
    assert_eq!(
        stored_policy(&app, "owner@example.com").await,
        Some(presets::eu())
    );
    assert!(!agent
        .page("/settings/profile")
        .await
        .contains(r#"href="/settings/returns""#));

    // Another shop sees none of it and cannot touch it.
    let other = app.shop("Other", "other@example.com").await;
    let page = visible(&other.page("/settings/returns").await);
    assert!(page.contains("No return policy yet") && !page.contains("EU/EEA standard"));
    assert!(!visible(&other.page("/settings/returns/warehouses").await).contains("Berlin"));
    assert_eq!(
        other.get("/settings/returns/rules/eu").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(other.get(&wh).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .post(&wh, &warehouse_form("Taken over", ""))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.post(&format!("{wh}/deactivate"), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post("/settings/returns/rules/eu/delete", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (name, active): (String, bool) =
        sqlx::query_as("SELECT name, active FROM warehouses WHERE id = $1")
            .bind(id)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!((name.as_str(), active), ("Berlin returns", true));
    assert_eq!(
        stored_policy(&app, "owner@example.com").await,
        Some(presets::eu())
    );
}
