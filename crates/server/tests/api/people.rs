//! Invitations, roles, deactivation, teams: what each role may and may not do.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn owner_invites_an_agent_who_joins_with_the_link_once() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let inbox = agent.page("/inbox").await;
    assert!(inbox.contains("Member Person") && inbox.contains("Shop"));
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE email = 'agent@example.com'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(role, "agent");
    assert_eq!(
        app.tenant_of("agent@example.com").await,
        app.tenant_of("owner@example.com").await
    );

    // The link is single-use.
    let used: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invitations WHERE accepted_at IS NOT NULL")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(used, 1);
    let audit = owner.page("/settings/audit").await;
    assert!(audit.contains("invitation.created") && audit.contains("invitation.accepted"));
}

#[tokio::test]
async fn used_revoked_and_unknown_invitation_links_are_refused() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let html = owner
        .post(
            "/settings/team/invitations",
            &[("email", "late@example.com"), ("role", "agent")],
        )
        .await
        .text()
        .await
        .unwrap();
    let link = between(&html, r#"id="invite-link">"#, "</code>").unwrap();
    let path = &link[link.find("/invite/").unwrap()..];
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM invitations")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let r = owner
        .post(&format!("/settings/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(location(&r), "/settings/team?notice=invite_revoked");

    let b = app.browser();
    let r = b.get(path).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("invalid, expired, revoked or already used"));
    assert_eq!(
        b.get("/invite/made-up-token").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn agents_cannot_manage_people() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let owner_id = app.id_of_user("owner@example.com").await;

    for path in ["/settings/team", "/settings/teams", "/settings/audit"] {
        assert_eq!(
            agent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    let attempts = [
        (
            "/settings/team/invitations".to_owned(),
            vec![("email", "x@example.com"), ("role", "admin")],
        ),
        (
            format!("/settings/users/{owner_id}/role"),
            vec![("role", "agent")],
        ),
        (format!("/settings/users/{owner_id}/deactivate"), vec![]),
        ("/settings/teams".to_owned(), vec![("name", "Mine")]),
    ];
    for (path, form) in attempts {
        assert_eq!(
            agent.post(&path, &form).await.status(),
            StatusCode::FORBIDDEN,
            "POST {path}"
        );
    }
    let (invitations, teams): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM invitations), (SELECT count(*) FROM teams)")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (invitations, teams),
        (1, 0),
        "only the owner's invitation of the agent exists"
    );
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(owner_id)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(role, "owner");
    // The settings tabs for admins are not even shown.
    assert!(!agent
        .page("/settings/profile")
        .await
        .contains("/settings/team\""));
}

#[tokio::test]
async fn admins_manage_agents_but_not_owners_or_other_admins() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let admin = app.member(&owner, "admin@example.com", "admin").await;
    app.member(&owner, "agent@example.com", "agent").await;
    app.member(&owner, "admin2@example.com", "admin").await;
    let (owner_id, agent_id, admin2_id) = (
        app.id_of_user("owner@example.com").await,
        app.id_of_user("agent@example.com").await,
        app.id_of_user("admin2@example.com").await,
    );

    let r = admin
        .post(
            "/settings/team/invitations",
            &[("email", "new-admin@example.com"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("You can't give that role."));
    assert_eq!(
        admin
            .post(
                "/settings/team/invitations",
                &[("email", "new-agent@example.com"), ("role", "agent")]
            )
            .await
            .status(),
        StatusCode::CREATED
    );

    assert_eq!(
        admin
            .post(&format!("/settings/users/{owner_id}/deactivate"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .post(
                &format!("/settings/users/{admin2_id}/role"),
                &[("role", "agent")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .post(
                &format!("/settings/users/{agent_id}/role"),
                &[("role", "admin")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "no promoting beyond own reach"
    );
    assert_eq!(
        admin
            .post(&format!("/settings/users/{agent_id}/deactivate"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let roles: Vec<(String, String, bool)> =
        sqlx::query_as("SELECT email, role, active FROM users ORDER BY email")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    let expected = [
        ("admin2@example.com", "admin", true),
        ("admin@example.com", "admin", true),
        ("agent@example.com", "agent", false),
        ("owner@example.com", "owner", true),
    ];
    let got: Vec<(&str, &str, bool)> = roles
        .iter()
        .map(|(e, r, a)| (e.as_str(), r.as_str(), *a))
        .collect();
    assert_eq!(got, expected);
    let pending: Vec<String> =
        sqlx::query_scalar("SELECT role FROM invitations WHERE accepted_at IS NULL")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(pending, vec!["agent"], "the admin invitation was refused");
}

#[tokio::test]
async fn nobody_changes_their_own_role_or_deactivates_themselves() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let me = app.id_of_user("owner@example.com").await;
    assert_eq!(
        owner
            .post(&format!("/settings/users/{me}/role"), &[("role", "agent")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner
            .post(&format!("/settings/users/{me}/deactivate"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (role, active): (String, bool) = sqlx::query_as("SELECT role, active FROM users")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        (role.as_str(), active),
        ("owner", true),
        "a shop always keeps its owner"
    );
}

#[tokio::test]
async fn deactivating_signs_someone_out_and_keeps_them_out_until_reactivated() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await;

    owner
        .post(&format!("/settings/users/{agent_id}/deactivate"), &[])
        .await;
    assert_eq!(agent.get("/inbox").await.status(), StatusCode::SEE_OTHER);
    let r = app.browser().log_in("agent@example.com", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("deactivated"));

    owner
        .post(&format!("/settings/users/{agent_id}/reactivate"), &[])
        .await;
    assert_eq!(
        app.browser()
            .log_in("agent@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn owner_changes_roles_and_it_is_audited() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await;
    assert_eq!(
        agent.get("/settings/team").await.status(),
        StatusCode::FORBIDDEN
    );
    let r = owner
        .post(
            &format!("/settings/users/{agent_id}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(location(&r), "/settings/team?notice=role_changed");
    assert_eq!(
        agent.get("/settings/team").await.status(),
        StatusCode::OK,
        "takes effect on the next request"
    );
    let bad = owner
        .post(
            &format!("/settings/users/{agent_id}/role"),
            &[("role", "superuser")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let detail: serde_json::Value =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'user.role_changed'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        detail,
        serde_json::json!({ "from": "agent", "to": "admin" })
    );
}

#[tokio::test]
async fn teams_are_created_renamed_staffed_and_deleted() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await.to_string();

    let r = owner
        .post("/settings/teams", &[("name", "EU returns")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let team = location(&r).to_owned();
    let dup = owner
        .post("/settings/teams", &[("name", "eu RETURNS")])
        .await;
    assert_eq!(dup.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup
        .text()
        .await
        .unwrap()
        .contains("A team with this name already exists."));
    assert_eq!(
        owner
            .post("/settings/teams", &[("name", "   ")])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    owner
        .post(&format!("{team}/members"), &[("user_id", &agent_id)])
        .await;
    owner
        .post(&format!("{team}/members"), &[("user_id", &agent_id)])
        .await; // idempotent
    assert_eq!(
        owner
            .post(&format!("{team}/members"), &[("user_id", "not-a-uuid")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    owner
        .post(&format!("{team}/rename"), &[("name", "EU & UK returns")])
        .await;
    let page = owner.page(&team).await;
    assert!(
        visible(&page).contains("EU & UK returns") && page.contains("agent@example.com"),
        "{page}"
    );
    assert!(
        owner.page("/settings/teams").await.contains("<td>1</td>"),
        "member count shown"
    );

    owner
        .post(&format!("{team}/members/{agent_id}/remove"), &[])
        .await;
    assert!(owner.page(&team).await.contains("No members yet."));
    let r = owner.post(&format!("{team}/delete"), &[]).await;
    assert_eq!(location(&r), "/settings/teams?notice=team_deleted");
    assert_eq!(owner.get(&team).await.status(), StatusCode::NOT_FOUND);
}
