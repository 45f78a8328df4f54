//! Settings → Rules: admins build, change, reorder, switch and delete rules through the
//! forms; bad rules are refused with the reasons and store nothing; the holiday switch; the
//! run log and its filters; agents get 403 and other shops' rules are 404 everywhere.

use aftersail_db::rule_runs::{self, NewRun};
use aftersail_db::TenantTx;
use aftersail_domain::{RuleId, TenantId, TicketId};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::helpers::*;

/// A complete rule form: message received, message language is de, add tag `german`.
fn german_rule(name: &str) -> Vec<(&str, String)> {
    vec![
        ("name", name.into()),
        ("trigger", "message_received".into()),
        ("rule_set", "always".into()),
        ("all_field", "message.language".into()),
        ("all_op", "is".into()),
        ("all_value", "de".into()),
        ("all_field", String::new()),
        ("all_op", String::new()),
        ("all_value", String::new()),
        ("any_field", String::new()),
        ("any_op", String::new()),
        ("any_value", String::new()),
        ("a_type", "add_tags".into()),
        ("a_tags", "german".into()),
    ]
}

async fn post_form(b: &Browser, path: &str, form: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &fields).await
}

async fn rule_ids(app: &TestApp) -> Vec<(uuid::Uuid, String, i32, bool)> {
    sqlx::query_as("SELECT id, name, position, enabled FROM rules ORDER BY position, id")
        .fetch_all(&app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn admins_build_reorder_switch_and_delete_rules_through_the_forms() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;

    assert!(visible(&owner.page("/settings/rules").await).contains("No rules yet."));
    let form = owner.page("/settings/rules/new").await;
    assert!(form.contains(r#"<option value="message.language""#));

    let r = post_form(&owner, "/settings/rules", &german_rule("German buyers")).await;
    assert_eq!(location(&r), "/settings/rules?notice=rule_saved");
    let mut second = german_rule("Complaints");
    second[5].1 = "ja".into();
    second.push(("stop", "1".into()));
    let r = post_form(&owner, "/settings/rules", &second).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let stored: (String, String, serde_json::Value, bool) = sqlx::query_as(
        "SELECT trigger, rule_set, definition, stop FROM rules WHERE name = 'German buyers'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(stored.0, "message_received");
    assert_eq!(stored.1, "always");
    assert_eq!(
        stored.2,
        serde_json::json!({
            "conditions": {"all": [{"field": "message.language", "op": "is", "value": "de"}], "any": []},
            "actions": [{"type": "add_tags", "tags": ["german"]}]
        })
    );
    assert!(!stored.3);

    let list = visible(&owner.page("/settings/rules").await);
    assert!(list.contains("German buyers"), "{list}");
    assert!(list.contains("Message language is de"), "{list}");
    assert!(list.contains("Add tag german"), "{list}");
    assert!(list.contains("A message is received"), "{list}");
    assert!(list.contains("stop"), "{list}");

    // The edit form shows the stored rule as rows; a change is saved.
    let ids = rule_ids(&app).await;
    let (first, second_id) = (ids[0].0, ids[1].0);
    let edit = owner.page(&format!("/settings/rules/{first}")).await;
    assert!(edit.contains(r#"name="all_value" value="de""#), "{edit}");
    assert!(edit.contains(r#"name="a_tags" value="german""#));
    let mut changed = german_rule("German buyers");
    changed[13].1 = "german, de".into();
    let r = post_form(&owner, &format!("/settings/rules/{first}"), &changed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let def: serde_json::Value = sqlx::query_scalar("SELECT definition FROM rules WHERE id = $1")
        .bind(first)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        def["actions"][0]["tags"],
        serde_json::json!(["german", "de"])
    );

    // Move the second up: the order swaps.
    let r = owner
        .post(
            &format!("/settings/rules/{second_id}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(location(&r), "/settings/rules?notice=rule_moved");
    let ids = rule_ids(&app).await;
    assert_eq!(ids[0].0, second_id);
    assert_eq!((ids[0].2, ids[1].2), (1, 2));

    // Off and on again.
    owner
        .post(
            &format!("/settings/rules/{first}/enabled"),
            &[("enabled", "0")],
        )
        .await;
    assert!(
        !rule_ids(&app)
            .await
            .iter()
            .find(|r| r.0 == first)
            .unwrap()
            .3
    );
    owner
        .post(
            &format!("/settings/rules/{first}/enabled"),
            &[("enabled", "1")],
        )
        .await;
    assert!(
        rule_ids(&app)
            .await
            .iter()
            .find(|r| r.0 == first)
            .unwrap()
            .3
    );

    // Delete asks first, then deletes.
    let confirm = visible(&owner.page(&format!("/settings/rules/{first}/delete")).await);
    assert!(
        confirm.contains("Delete the rule “German buyers”?"),
        "{confirm}"
    );
    let r = owner
        .post(&format!("/settings/rules/{first}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/settings/rules?notice=rule_deleted");
    assert_eq!(rule_ids(&app).await.len(), 1);

    let audit = visible(&owner.page("/settings/audit").await);
    for action in [
        "rule.created",
        "rule.updated",
        "rule.moved",
        "rule.disabled",
        "rule.enabled",
        "rule.deleted",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
}

#[tokio::test]
async fn bad_rules_are_refused_with_reasons_and_store_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    post_form(&owner, "/settings/rules", &german_rule("Taken")).await;

    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            {
                let mut f = german_rule("Bad op");
                f[3].1 = "order.total".into();
                f[4].1 = "gt".into();
                f[5].1 = "lots".into();
                f
            },
            "needs a number",
        ),
        (
            {
                let mut f = german_rule("No action");
                f[12].1 = String::new();
                f
            },
            "A rule needs at least one action.",
        ),
        (
            {
                let mut f = german_rule("Bad priority");
                f[3].1 = "ticket.priority".into();
                f[5].1 = "hgh".into();
                f
            },
            "“hgh” is not a ticket priority",
        ),
        (
            {
                let mut f = german_rule("Changed without update");
                f[4].1 = "changed_to".into();
                f
            },
            "only works for rules that run when a ticket is updated",
        ),
        (
            {
                let mut f = german_rule("Time without wait");
                f[1].1 = "time".into();
                f.push(("time_anchor", "ticket_created".into()));
                f.push(("time_amount", "".into()));
                f.push(("time_unit", "hours".into()));
                f
            },
            "Enter how long after",
        ),
        (
            {
                let mut f = german_rule("Foreign template");
                f[12].1 = "reply".into();
                f.push(("a_template", uuid::Uuid::now_v7().to_string()));
                f
            },
            "Action 1: choose what it needs",
        ),
        (
            {
                let mut f = german_rule("Bad hook");
                f[12].1 = "webhook".into();
                f.push(("a_url", "ftp://example.com".into()));
                f
            },
            "is not a web address",
        ),
        (
            german_rule("taken"),
            "A rule with this name already exists.",
        ),
        (german_rule("   "), "Enter 1 to 100 characters."),
    ];
    for (form, expected) in cases {
        let r = post_form(&owner, "/settings/rules", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let page = visible(&r.text().await.unwrap());
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert_eq!(rule_ids(&app).await.len(), 1, "nothing more was stored");

    // An edit that fails leaves the stored rule as it was.
    let id = rule_ids(&app).await[0].0;
    let mut bad = german_rule("Taken");
    bad[12].1 = String::new();
    let r = post_form(&owner, &format!("/settings/rules/{id}"), &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let def: serde_json::Value = sqlx::query_scalar("SELECT definition FROM rules")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(def["actions"][0]["type"], "add_tags");

    // "Add a condition" without JavaScript: one more row, nothing saved.
    let mut more = german_rule("More rows");
    more.push(("more", "all".into()));
    let r = post_form(&owner, "/settings/rules", &more).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches(r#"name="all_value""#).count(), 3);
    assert_eq!(rule_ids(&app).await.len(), 1);
}

#[tokio::test]
async fn holiday_mode_switches_and_rule_sets_are_stored() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let page = owner.page("/settings/rules").await;
    assert!(visible(&page).contains("Holiday mode is off"));
    let r = owner.post("/settings/rules/holiday", &[("on", "1")]).await;
    assert_eq!(location(&r), "/settings/rules?notice=holiday_on");
    assert!(visible(&owner.page("/settings/rules").await).contains("Holiday mode is on"));
    let on: bool = sqlx::query_scalar("SELECT holiday_mode FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(on);
    assert_eq!(
        owner
            .post("/settings/rules/holiday", &[("on", "maybe")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    let mut holiday = german_rule("Away reply");
    holiday[2].1 = "holiday".into();
    post_form(&owner, "/settings/rules", &holiday).await;
    let mut regular = german_rule("Normal days");
    regular[2].1 = "regular".into();
    post_form(&owner, "/settings/rules", &regular).await;
    post_form(&owner, "/settings/rules", &german_rule("Every day")).await;

    // What the worker reads: the holiday set and "always" while on, the regular set while off.
    let tenant = TenantId(app.tenant_of("owner@example.com").await);
    let mut tx = TenantTx::begin(&app.pool, tenant).await.unwrap();
    let names = |rules: Vec<aftersail_db::automation::ActiveRule>| {
        rules.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(
            aftersail_db::automation::rules_for(&mut tx, "message_received", true)
                .await
                .unwrap()
        ),
        ["Away reply", "Every day"]
    );
    assert_eq!(
        names(
            aftersail_db::automation::rules_for(&mut tx, "message_received", false)
                .await
                .unwrap()
        ),
        ["Normal days", "Every day"]
    );
    assert!(
        aftersail_db::automation::rules_for(&mut tx, "ticket_created", false)
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
    assert!(visible(&owner.page("/settings/audit").await).contains("rules.holiday_mode"));
}

#[tokio::test]
async fn the_run_log_lists_runs_newest_first_with_filters_and_paging() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "A").await;
    post_form(&owner, "/settings/rules", &german_rule("German")).await;
    post_form(&owner, "/settings/rules", &german_rule("Other")).await;
    let ids = rule_ids(&app).await;
    let (german, other) = (RuleId(ids[0].0), RuleId(ids[1].0));
    let ticket: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tickets WHERE number = 1000")
        .fetch_one(&app.admin)
        .await
        .unwrap();

    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let start = Utc::now() - Duration::hours(2);
    for i in 0..55 {
        let matched = i % 2 == 0;
        let actions = if matched {
            vec!["Add tag german".to_owned()]
        } else {
            vec![]
        };
        let errors = if i == 54 {
            vec!["webhook refused".to_owned()]
        } else {
            vec![]
        };
        rule_runs::record(
            &mut tx,
            NewRun {
                rule_id: if i == 30 { other } else { german },
                ticket_id: Some(TicketId(ticket)),
                event: "message_received",
                matched,
                actions: &actions,
                errors: &errors,
                at: start + Duration::minutes(i),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let page = owner.page("/settings/rules/runs").await;
    let text = visible(&page);
    assert!(text.contains("webhook refused"), "newest first: {text}");
    assert!(text.contains("#1000"));
    assert!(page.contains(r#"href="/tickets/1000""#));
    assert_eq!(page.matches("data-run=").count(), 50);
    let older = next_link(&page).expect("an Older link");
    let rest = owner.page(&older).await;
    assert_eq!(rest.matches("data-run=").count(), 5);
    assert!(next_link(&rest).is_none());

    let errors = owner.page("/settings/rules/runs?errors=1").await;
    assert_eq!(errors.matches("data-run=").count(), 1);
    let other_runs = owner
        .page(&format!("/settings/rules/runs?rule={}", other.0))
        .await;
    assert_eq!(other_runs.matches("data-run=").count(), 1);
    let unmatched = owner.page("/settings/rules/runs?matched=no").await;
    assert_eq!(unmatched.matches("data-run=").count(), 27);
    assert!(!visible(&unmatched).contains("Add tag german"));
    assert_eq!(
        owner
            .get("/settings/rules/runs?matched=perhaps")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        owner
            .get("/settings/rules/runs?before=garbage")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    // The rules list shows when each last ran.
    assert!(owner
        .page("/settings/rules")
        .await
        .contains(&format!("/settings/rules/runs?rule={}", german.0)));
}

#[tokio::test]
async fn agents_get_403_and_other_shops_rules_are_404_on_every_route() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let stranger = app.shop("Other", "other@example.com").await;
    post_form(&owner, "/settings/rules", &german_rule("Mine")).await;
    let id = rule_ids(&app).await[0].0;

    for path in [
        "/settings/rules".to_owned(),
        "/settings/rules/new".to_owned(),
        "/settings/rules/runs".to_owned(),
        format!("/settings/rules/{id}"),
        format!("/settings/rules/{id}/delete"),
    ] {
        assert_eq!(
            agent.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let agent_posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/settings/rules".into(), vec![("name", "x")]),
        ("/settings/rules/holiday".into(), vec![("on", "1")]),
        (format!("/settings/rules/{id}"), vec![("name", "x")]),
        (
            format!("/settings/rules/{id}/enabled"),
            vec![("enabled", "0")],
        ),
        (
            format!("/settings/rules/{id}/move"),
            vec![("direction", "up")],
        ),
        (format!("/settings/rules/{id}/delete"), vec![]),
    ];
    for (path, form) in &agent_posts {
        assert_eq!(
            agent.post(path, form).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    // Another shop's owner: every route with this shop's rule id is 404, and nothing changes.
    for path in [
        format!("/settings/rules/{id}"),
        format!("/settings/rules/{id}/delete"),
        format!("/settings/rules/runs?rule={id}"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let form = german_rule("Hijack");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stranger_posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/settings/rules/{id}"), fields),
        (
            format!("/settings/rules/{id}/enabled"),
            vec![("enabled", "0")],
        ),
        (
            format!("/settings/rules/{id}/move"),
            vec![("direction", "down")],
        ),
        (format!("/settings/rules/{id}/delete"), vec![]),
    ];
    for (path, form) in &stranger_posts {
        assert_eq!(
            stranger.post(path, form).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let ids = rule_ids(&app).await;
    assert_eq!(ids.len(), 1);
    assert_eq!((ids[0].1.as_str(), ids[0].3), ("Mine", true));
    // Without the CSRF token nothing happens either.
    let r = owner
        .post_with(&format!("/settings/rules/{id}/delete"), "wrong", &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
