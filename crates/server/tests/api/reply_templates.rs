//! Reply templates: managed by admins in Settings, inserted by agents with the ticket's
//! details filled in.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::tickets::seed_for;

const TRACKING: &str = "Hi {{customer.first_name}}, order {{order.number}} ships with {{ order.carrier }} ({{order.tracking}}). {{agent.name}} / {{unknown}}";

#[tokio::test]
async fn admins_manage_templates_and_agents_insert_them_filled_for_the_ticket() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "A").await;

    let r = owner
        .post(
            "/settings/templates",
            &[("name", "Tracking"), ("body", TRACKING)],
        )
        .await;
    assert_eq!(location(&r), "/settings/templates?notice=template_saved");
    let r = owner
        .post(
            "/settings/templates",
            &[("name", "tracking"), ("body", "again")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("A template with this name already exists."));
    let r = owner
        .post("/settings/templates", &[("name", "Empty"), ("body", "   ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        agent
            .post("/settings/templates", &[("name", "Mine"), ("body", "x")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM reply_templates")
        .fetch_one(&app.admin)
        .await
        .unwrap();

    // The agent's ticket page offers it filled in; without JavaScript, ?template= prefills.
    let filled = "Hi A, order A-order-0 ships with DHL (TRACK123). Member Person / {{unknown}}";
    let page = agent.page("/tickets/1000").await;
    assert!(page.contains(&format!(r#"<option value="{id}" data-body=""#)));
    assert!(visible(&page).contains("Template Tracking Insert"));
    let prefilled = agent.page(&format!("/tickets/1000?template={id}")).await;
    let reply_box = between(&prefilled, r#"<textarea id="reply""#, "</textarea>").unwrap();
    assert!(reply_box.ends_with(&format!(">{filled}")), "{reply_box}");
    assert_eq!(
        agent
            .get(&format!("/tickets/1000?template={}", uuid::Uuid::now_v7()))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent.get("/tickets/1000?template=nope").await.status(),
        StatusCode::BAD_REQUEST
    );

    // Edit, then delete; both in the audit log.
    let r = owner
        .post(
            &format!("/settings/templates/{id}"),
            &[
                ("name", "Tracking info"),
                ("body", "Hello {{customer.name}}"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(agent
        .page("/tickets/1000")
        .await
        .contains("data-body=\"Hello A Buyer 000\""));
    owner
        .post(&format!("/settings/templates/{id}/delete"), &[])
        .await;
    assert!(!agent.page("/tickets/1000").await.contains("template-pick"));
    let audit = visible(&owner.page("/settings/audit").await);
    for action in ["template.created", "template.updated", "template.deleted"] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    assert_eq!(
        owner
            .post(&format!("/settings/templates/{id}/delete"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
