//! Automation settings in a real browser (headless Chromium): an admin builds a rule in the
//! form (a message is received; message language is de; add tag `german`), with rows added
//! and action inputs shown by the page's script, saves it, sees it listed, and switches
//! holiday mode on.

use crate::browser::WebDriver;
use crate::helpers::*;

#[tokio::test]
async fn an_admin_builds_a_rule_in_the_browser_and_switches_holiday_mode() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Rule Shop", "owner@example.com").await;

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;

    web.goto(&format!("{}/settings/rules", app.address)).await;
    web.click("#new-rule").await;
    web.wait_path("/settings/rules/new").await;
    web.type_into("#rule-name", "German buyers").await;
    // The time fields show only for time rules.
    web.wait_true("document.querySelector('#rule-time').hidden === true")
        .await;
    web.script("document.querySelector('#rule-trigger').value = 'message_received'")
        .await;
    // "Add condition" adds a row in place (no reload).
    web.click("[data-add-row=all]").await;
    web.wait_true("document.querySelectorAll('#conditions-all [data-row=all]').length === 2")
        .await;
    web.script(
        "var f = document.querySelector('#conditions-all select[name=all_field]'); \
         f.value = 'message.language'; \
         document.querySelector('#conditions-all select[name=all_op]').value = 'is';",
    )
    .await;
    web.type_into("#conditions-all input[name=all_value]", "de")
        .await;
    // Picking the action type shows its own inputs only.
    web.wait_true("document.querySelector('#actions input[name=a_tags]').closest('[data-for]').hidden === true")
        .await;
    web.script(
        "var t = document.querySelector('#actions select[name=a_type]'); \
         t.value = 'add_tags'; t.dispatchEvent(new Event('change'));",
    )
    .await;
    web.wait_true("document.querySelector('#actions input[name=a_tags]').closest('[data-for]').hidden === false")
        .await;
    web.type_into("#actions input[name=a_tags]", "german").await;
    web.screenshot("rule-form").await;
    web.click("#rule-save").await;
    web.wait_true("location.pathname === '/settings/rules' && !!document.querySelector('#rules')")
        .await;
    let listed = web.text("#rules").await;
    assert!(listed.contains("German buyers"), "{listed}");
    assert!(listed.contains("Message language is de"), "{listed}");
    assert!(listed.contains("Add tag german"), "{listed}");
    let definition: serde_json::Value = sqlx::query_scalar("SELECT definition FROM rules")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        definition,
        serde_json::json!({
            "conditions": {"all": [{"field": "message.language", "op": "is", "value": "de"}], "any": []},
            "actions": [{"type": "add_tags", "tags": ["german"]}]
        })
    );

    assert!(web
        .text("#holiday-state")
        .await
        .contains("Holiday mode is off"));
    web.click("#holiday-toggle").await;
    web.wait_true("document.querySelector('#holiday-state') && document.querySelector('#holiday-state').dataset.on === '1'")
        .await;
    assert!(web
        .text("#holiday-state")
        .await
        .contains("Holiday mode is on"));
    web.screenshot("rules-holiday-mode").await;
    let on: bool = sqlx::query_scalar("SELECT holiday_mode FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(on);

    // The calendar form adds opening-hours rows in place too.
    web.goto(&format!("{}/settings/sla/calendars/new", app.address))
        .await;
    web.wait_true("document.querySelectorAll('#calendar-hours [data-row=hours]').length === 6")
        .await;
    web.click("[data-add-row=hours]").await;
    web.wait_true("document.querySelectorAll('#calendar-hours [data-row=hours]').length === 7")
        .await;
    web.screenshot("calendar-form").await;
}
