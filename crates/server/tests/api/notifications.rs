//! In-app notifications (each person's own, newest first, unread badge, mark read) and the
//! agents' assignment settings (language skills by admins, availability by everyone for
//! themselves and by admins for anyone).

use aftersail_db::notifications::{self, Recipients};
use aftersail_db::TenantTx;
use aftersail_domain::{TenantId, UserId};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::helpers::*;

async fn notify(app: &TestApp, tenant: uuid::Uuid, user: uuid::Uuid, text: &str, minutes_ago: i64) {
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let ticket: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM tickets WHERE tenant_id = $1 AND number = 1000")
            .bind(tenant)
            .fetch_optional(&app.admin)
            .await
            .unwrap();
    notifications::notify(
        &mut tx,
        Recipients::User(UserId(user)),
        ticket.map(aftersail_domain::TicketId),
        text,
        Utc::now() - Duration::minutes(minutes_ago),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn people_see_their_own_notifications_newest_first_and_mark_them_read() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "A").await;
    let agent_id = app.id_of_user("agent@example.com").await;
    let owner_id = app.id_of_user("owner@example.com").await;

    // The nav loads the badge; nothing unread shows no number.
    assert!(agent
        .page("/inbox")
        .await
        .contains(r#"hx-get="/notifications/badge""#));
    assert!(!agent
        .page("/notifications/badge")
        .await
        .contains("data-unread"));
    assert!(visible(&agent.page("/notifications").await).contains("No notifications."));

    for i in 0..55 {
        notify(
            &app,
            tenant,
            agent_id,
            &format!("SLA warning {i:02}"),
            100 - i,
        )
        .await;
    }
    notify(&app, tenant, owner_id, "For the owner only", 1).await;

    let badge = agent.page("/notifications/badge").await;
    assert!(badge.contains(r#"data-unread="55""#), "{badge}");
    let page = agent.page("/notifications").await;
    let text = visible(&page);
    assert!(text.contains("55 unread"));
    assert!(!text.contains("For the owner only"));
    let first = text.find("SLA warning 54").expect("newest first");
    assert!(first < text.find("SLA warning 53").unwrap());
    assert!(page.contains(r#"href="/tickets/1000""#));
    assert_eq!(page.matches("data-notification=").count(), 50);
    let older = next_link(&page).expect("an Older link");
    let rest = agent.page(&older).await;
    assert_eq!(rest.matches("data-notification=").count(), 5);
    assert!(visible(&rest).contains("SLA warning 00"));

    // Mark one read, then the rest.
    let id = between(&page, r#"<tr data-notification=""#, "\"")
        .unwrap()
        .to_owned();
    let r = agent.post(&format!("/notifications/{id}/read"), &[]).await;
    assert_eq!(location(&r), "/notifications");
    assert!(agent
        .page("/notifications/badge")
        .await
        .contains(r#"data-unread="54""#));
    // Someone else's notification is not there for them.
    let owners: uuid::Uuid = sqlx::query_scalar("SELECT id FROM notifications WHERE user_id = $1")
        .bind(owner_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        agent
            .post(&format!("/notifications/{owners}/read"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = agent.post("/notifications/read", &[]).await;
    assert_eq!(location(&r), "/notifications");
    assert!(!agent
        .page("/notifications/badge")
        .await
        .contains("data-unread"));
    assert!(visible(&agent.page("/notifications").await).contains("0 unread"));
    // The owner's stays unread.
    assert!(owner
        .page("/notifications/badge")
        .await
        .contains(r#"data-unread="1""#));
    // Another shop sees none of it, and can't mark it read.
    let stranger = app.shop("Other", "other@example.com").await;
    assert!(visible(&stranger.page("/notifications").await).contains("No notifications."));
    assert_eq!(
        stranger
            .post(&format!("/notifications/{owners}/read"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent.get("/notifications?before=nonsense").await.status(),
        StatusCode::BAD_REQUEST
    );
    // Signed out: to the login page.
    assert_eq!(
        app.browser().get("/notifications").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn admins_set_language_skills_and_everyone_switches_their_own_availability() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await;
    let stranger = app.shop("Other", "other@example.com").await;

    let r = owner
        .post(
            &format!("/settings/users/{agent_id}/languages"),
            &[("languages", "de, JA,pt_BR de")],
        )
        .await;
    assert_eq!(location(&r), "/settings/team?notice=languages_saved");
    let stored: Vec<String> = sqlx::query_scalar("SELECT languages FROM users WHERE id = $1")
        .bind(agent_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored, ["de", "ja", "pt-br"]);
    let people = owner.page("/settings/team").await;
    assert!(people.contains(r#"value="de, ja, pt-br""#));

    // A bad list is refused and shown again; nothing changes.
    let r = owner
        .post(
            &format!("/settings/users/{agent_id}/languages"),
            &[("languages", "de, Deutsch")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible(&html).contains("Not a language code: Deutsch."));
    assert!(html.contains(r#"value="de, Deutsch""#));
    let stored: Vec<String> = sqlx::query_scalar("SELECT languages FROM users WHERE id = $1")
        .bind(agent_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);

    // The agent sees their languages and switches themselves away and back.
    let profile = agent.page("/settings/profile").await;
    assert!(visible(&profile).contains("de, ja, pt-br"));
    assert!(visible(&profile).contains("Available"));
    let r = agent
        .post("/settings/availability", &[("available", "0")])
        .await;
    assert_eq!(location(&r), "/settings/profile?notice=availability_saved");
    let available: bool = sqlx::query_scalar("SELECT available FROM users WHERE id = $1")
        .bind(agent_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(!available);
    assert!(visible(&agent.page("/settings/profile").await).contains("Away"));
    // An admin puts them back.
    let r = owner
        .post(
            &format!("/settings/users/{agent_id}/available"),
            &[("available", "1")],
        )
        .await;
    assert_eq!(location(&r), "/settings/team?notice=availability_saved");
    let available: bool = sqlx::query_scalar("SELECT available FROM users WHERE id = $1")
        .bind(agent_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(available);

    // Agents can't set anyone's skills or availability; other shops' people are 404.
    let owner_id = app.id_of_user("owner@example.com").await;
    assert_eq!(
        agent
            .post(
                &format!("/settings/users/{agent_id}/languages"),
                &[("languages", "fr")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent
            .post(
                &format!("/settings/users/{owner_id}/available"),
                &[("available", "0")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    for (path, form) in [
        (
            format!("/settings/users/{agent_id}/languages"),
            [("languages", "fr")],
        ),
        (
            format!("/settings/users/{agent_id}/available"),
            [("available", "0")],
        ),
    ] {
        assert_eq!(
            stranger.post(&path, &form).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let audit = visible(&owner.page("/settings/audit").await);
    assert!(audit.contains("user.languages_changed"));
    assert!(audit.contains("user.availability_changed"));
}
