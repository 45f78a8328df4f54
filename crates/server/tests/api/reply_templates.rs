//! Reply templates: managed by admins in Settings, inserted by agents with the ticket's
//! details filled in.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::tickets::seed_for;

const TRACKING: &str = "Hi {{customer.first_name}}, order {{order.number}} ships with {{ order.carrier }} ({{order.tracking}}). {{agent.name}}";

#[tokio::test]
async fn admins_manage_templates_and_agents_insert_them_filled_for_the_ticket() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 1, "A").await;

    // Variables are checked when a template is saved.
    let unknown = format!("{TRACKING} / {{{{unknown}}}}");
    let r = owner
        .post(
            "/settings/templates",
            &[("name", "Tracking"), ("body", &unknown)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("“{{unknown}}” is not a variable."));
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
    let filled = "Hi A, order A-order-0 ships with DHL (TRACK123). Member Person";
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

/// The template form as the page sends it.
fn template_form<'a>(
    name: &'a str,
    body: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("name", name), ("category", "Shipping"), ("body", body)];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn templates_have_categories_language_versions_actions_and_checked_variables() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed_for(&app, tenant, 1, "A").await;

    // Unknown variables and open braces are refused, naming the problem; nothing is stored.
    let cases = [
        (
            template_form("Bad", "Hi {{customer.nmae}}", &[]),
            "“{{customer.nmae}}” is not a variable.",
        ),
        (
            template_form("Open", "Hi {{customer.name", &[]),
            "is never closed",
        ),
        (
            template_form(
                "Bad de",
                "Hi",
                &[("lang", "de"), ("lang_body", "Hallo {{kunde.name}}")],
            ),
            "de: “{{kunde.name}}” is not a variable.",
        ),
        (
            template_form(
                "Bad lang",
                "Hi",
                &[("lang", "german"), ("lang_body", "Hallo")],
            ),
            "“german” is not a language code",
        ),
        (
            template_form(
                "Twice",
                "Hi",
                &[
                    ("lang", "de"),
                    ("lang_body", "Hallo"),
                    ("lang", "DE"),
                    ("lang_body", "Servus"),
                ],
            ),
            "“de” is listed twice.",
        ),
        (
            template_form("Bad tags", "Hi", &[("tags", "no spaces allowed!")]),
            "Tags may contain letters, digits",
        ),
    ];
    for (form, expected) in cases {
        let r = owner.post("/settings/templates", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let page = visible(&r.text().await.unwrap());
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM reply_templates")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(count, 0);

    let r = owner
        .post(
            "/settings/templates",
            &template_form(
                "Where is my parcel",
                "Hi {{ customer.first_name | \"there\" }}, order {{order.number}}: {{order.tracking_url}} ({{rma.code}})",
                &[
                    ("lang", "de"),
                    ("lang_body", "Hallo {{customer.first_name}}, Bestellung {{order.number}}."),
                    ("lang", "ja"),
                    ("lang_body", "{{customer.name}}様"),
                    ("lang", ""),
                    ("lang_body", ""),
                    ("status", "pending"),
                    ("tags", "tracking, Where-Is"),
                ],
            ),
        )
        .await;
    assert_eq!(location(&r), "/settings/templates?notice=template_saved");
    let (id, category, actions): (uuid::Uuid, String, serde_json::Value) =
        sqlx::query_as("SELECT id, category, actions FROM reply_templates")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(category, "Shipping");
    assert_eq!(
        actions,
        serde_json::json!([
            {"type": "set_status", "status": "pending"},
            {"type": "add_tags", "tags": ["tracking", "where-is"]}
        ])
    );
    let langs: Vec<String> =
        sqlx::query_scalar("SELECT language FROM reply_template_bodies ORDER BY language")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(langs, ["de", "ja"]);

    // Preview with a real ticket: the German buyer gets the German version.
    let page = owner
        .page(&format!("/settings/templates/{id}?preview=1000"))
        .await;
    let preview = visible(
        between(&page, r#"<div id="template-preview">"#, "</div>\n  </div>").unwrap_or(&page),
    );
    assert!(preview.contains("Version used: de"), "{preview}");
    assert!(
        preview.contains("Hallo A, Bestellung A-order-0."),
        "{preview}"
    );
    assert!(preview.contains("Every variable has a value"), "{preview}");
    // Another shop's ticket number is no ticket here.
    let other = app.shop("Other", "other@example.com").await;
    seed_for(&app, app.tenant_of("other@example.com").await, 3, "B").await;
    sqlx::query("DELETE FROM tickets WHERE tenant_id = $1")
        .bind(tenant)
        .execute(&app.admin)
        .await
        .unwrap();
    let page = visible(
        &owner
            .page(&format!("/settings/templates/{id}?preview=1002"))
            .await,
    );
    assert!(page.contains("No such ticket in this shop."), "{page}");
    let page = visible(
        &owner
            .page(&format!("/settings/templates/{id}?preview=abc"))
            .await,
    );
    assert!(page.contains("No such ticket in this shop."));

    // Another shop's template id is 404 everywhere; the agent role is 403.
    let form = template_form("Hijack", "x", &[]);
    for path in [
        format!("/settings/templates/{id}"),
        format!("/settings/templates/{id}/delete"),
        format!("/settings/templates/{id}/bodies/de/delete"),
    ] {
        assert_eq!(
            other.post(&path, &form).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        other
            .get(&format!("/settings/templates/{id}?preview=1000"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Removing one language version keeps the rest.
    let r = owner
        .post(&format!("/settings/templates/{id}/bodies/ja/delete"), &[])
        .await;
    assert_eq!(
        location(&r),
        format!("/settings/templates/{id}?notice=template_body_deleted")
    );
    assert_eq!(
        owner
            .post(&format!("/settings/templates/{id}/bodies/ja/delete"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let audit = visible(&owner.page("/settings/audit").await);
    assert!(audit.contains("template.language_removed"));
}

#[tokio::test]
async fn agents_insert_the_version_in_the_tickets_language_and_its_tags_go_with_the_reply() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed_for(&app, tenant, 1, "A").await;
    sqlx::query("UPDATE tickets SET language = 'de-AT'")
        .execute(&app.admin)
        .await
        .unwrap();
    owner
        .post(
            "/settings/templates",
            &template_form(
                "Thanks",
                "Thanks {{customer.first_name}}",
                &[
                    ("lang", "de"),
                    ("lang_body", "Danke {{customer.first_name}}"),
                    ("status", "solved"),
                    ("tags", "thanked"),
                ],
            ),
        )
        .await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM reply_templates")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let page = agent.page("/tickets/1000").await;
    assert!(
        page.contains("data-body=\"Danke A\""),
        "de-AT falls back to de"
    );
    assert!(page.contains("data-status=\"solved\""));
    // Without JavaScript: the reply starts from the template, its status preselected.
    let page = agent.page(&format!("/tickets/1000?template={id}")).await;
    assert!(page.contains(&format!(
        r#"name="template" id="reply-template" value="{id}""#
    )));
    assert!(page.contains(r#"<option value="solved" selected>"#));

    let key = between(&page, r#"name="idempotency_key" value=""#, "\"")
        .unwrap()
        .to_owned();
    let id_text = id.to_string();
    let r = agent
        .post_files(
            "/tickets/1000/reply",
            &[
                ("body", "Danke A"),
                ("idempotency_key", &key),
                ("status", "solved"),
                ("template", &id_text),
            ],
            vec![],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, tags): (String, Vec<String>) =
        sqlx::query_as("SELECT status, tags FROM tickets WHERE number = 1000")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(status, "solved");
    assert!(tags.contains(&"thanked".to_owned()), "{tags:?}");
}
