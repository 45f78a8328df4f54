//! Tenant isolation: by the app's own checks (404 for other tenants' ids) and by
//! row-level security alone (a query that forgot its filter still sees one tenant).

use aftersail_db::TenantTx;
use aftersail_domain::TenantId;
use reqwest::StatusCode;

use crate::helpers::*;

/// Two shops, each with a team, an agent and a pending invitation.
async fn two_shops(app: &TestApp) -> (Browser, Browser) {
    let a = app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    for (owner, suffix) in [(&a, "a"), (&b, "b")] {
        app.member(owner, &format!("agent-{suffix}@example.com"), "agent")
            .await;
        owner
            .post("/settings/teams", &[("name", &format!("Team {suffix}"))])
            .await;
        owner
            .post(
                "/settings/team/invitations",
                &[
                    ("email", &format!("pending-{suffix}@example.com")),
                    ("role", "agent"),
                ],
            )
            .await;
        owner
            .post(
                "/settings/channels/email",
                &[
                    ("name", &format!("Mailbox {suffix}")),
                    ("imap_host", "127.0.0.1"),
                    ("imap_port", "993"),
                    ("imap_security", "tls"),
                    ("imap_username", "u"),
                    ("imap_password", "p"),
                    ("smtp_host", "127.0.0.1"),
                    ("smtp_port", "465"),
                    ("smtp_security", "tls"),
                    ("from_address", &format!("mail-{suffix}@example.com")),
                    ("poll_interval_secs", "60"),
                ],
            )
            .await;
    }
    (a, b)
}

async fn snapshot(app: &TestApp, tenant: uuid::Uuid) -> String {
    sqlx::query_scalar(
        "SELECT concat_ws('|',
            (SELECT string_agg(concat(email, role, active, name), ',' ORDER BY email) FROM users WHERE tenant_id = $1),
            (SELECT string_agg(name, ',' ORDER BY name) FROM teams WHERE tenant_id = $1),
            (SELECT count(*) FROM team_members WHERE tenant_id = $1),
            (SELECT string_agg(concat(email, revoked_at IS NULL), ',' ORDER BY email) FROM invitations WHERE tenant_id = $1),
            (SELECT count(*) FROM sessions WHERE tenant_id = $1),
            (SELECT string_agg(concat(name, status, settings::text, secrets_sealed), ',') FROM channels WHERE tenant_id = $1))",
    )
    .bind(tenant)
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn another_tenants_ids_answer_404_on_every_route_and_change_nothing() {
    let app = spawn_app().await;
    let (_a, b) = two_shops(&app).await;
    let tenant_a = app.tenant_of("owner-a@example.com").await;
    let before = snapshot(&app, tenant_a).await;

    let user_a = app.id_of_user("agent-a@example.com").await;
    let team_a: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE tenant_id = $1")
        .bind(tenant_a)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let invitation_a: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM invitations WHERE tenant_id = $1 AND accepted_at IS NULL",
    )
    .bind(tenant_a)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let team_b: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE tenant_id <> $1")
        .bind(tenant_a)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let channel_a: uuid::Uuid = sqlx::query_scalar("SELECT id FROM channels WHERE tenant_id = $1")
        .bind(tenant_a)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let (user_a, team_a, invitation_a) = (
        user_a.to_string(),
        team_a.to_string(),
        invitation_a.to_string(),
    );

    // Every route that takes an id. Add new ones here as they are written.
    let gets = [
        format!("/settings/teams/{team_a}"),
        format!("/settings/channels/{channel_a}"),
    ];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/settings/users/{user_a}/role"),
            vec![("role", "admin")],
        ),
        (format!("/settings/users/{user_a}/deactivate"), vec![]),
        (format!("/settings/users/{user_a}/reactivate"), vec![]),
        (
            format!("/settings/invitations/{invitation_a}/revoke"),
            vec![],
        ),
        (
            format!("/settings/teams/{team_a}/rename"),
            vec![("name", "Pwned")],
        ),
        (format!("/settings/teams/{team_a}/delete"), vec![]),
        (
            format!("/settings/teams/{team_a}/members"),
            vec![("user_id", user_a.as_str())],
        ),
        (
            format!("/settings/teams/{team_a}/members/{user_a}/remove"),
            vec![],
        ),
        (
            format!("/settings/channels/{channel_a}"),
            vec![("name", "Pwned")],
        ),
        (format!("/settings/channels/{channel_a}/pause"), vec![]),
        (format!("/settings/channels/{channel_a}/resume"), vec![]),
        (format!("/settings/channels/{channel_a}/test"), vec![]),
        // B's own team, A's user: still no way in.
        (
            format!("/settings/teams/{team_b}/members"),
            vec![("user_id", user_a.as_str())],
        ),
    ];
    for path in &gets {
        assert_eq!(
            b.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for (path, form) in &posts {
        assert_eq!(
            b.post(path, form).await.status(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    assert_eq!(
        snapshot(&app, tenant_a).await,
        before,
        "tenant A is exactly as it was"
    );

    // And nothing of A shows on any of B's pages.
    for path in [
        "/inbox",
        "/settings/team",
        "/settings/teams",
        "/settings/audit",
        "/settings/channels",
        "/settings/profile",
    ] {
        let html = b.page(path).await;
        assert!(
            !html.contains("example.com\">") || !html.contains("-a@example.com"),
            "{path} leaks A"
        );
        assert!(
            !html.contains("agent-a@") && !html.contains("Team a") && !html.contains("Shop A"),
            "{path} leaks A"
        );
    }
}

#[tokio::test]
async fn row_level_security_alone_blocks_a_query_that_forgot_its_tenant_filter() {
    let app = spawn_app().await;
    two_shops(&app).await;
    let a = TenantId(app.tenant_of("owner-a@example.com").await);
    let b = TenantId(app.tenant_of("owner-b@example.com").await);

    // Through the app's pool (role aftersail_app), in B's transaction, with no WHERE at all:
    let mut tx = TenantTx::begin(&app.pool, b).await.unwrap();
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
        .fetch_all(tx.conn())
        .await
        .unwrap();
    assert_eq!(emails, ["agent-b@example.com", "owner-b@example.com"]);
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    assert_eq!(tenants, 1);
    let touched = sqlx::query("UPDATE users SET name = 'renamed'")
        .execute(tx.conn())
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 2, "an unfiltered UPDATE reaches only B's rows");
    let deleted = sqlx::query("DELETE FROM teams")
        .execute(tx.conn())
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(deleted, 1);
    tx.commit().await.unwrap();

    // Writing a row into A from B's transaction is refused by the policy's WITH CHECK.
    let mut tx = TenantTx::begin(&app.pool, b).await.unwrap();
    let err = sqlx::query("INSERT INTO teams (tenant_id, id, name) VALUES ($1, $2, 'sneaky')")
        .bind(a)
        .bind(uuid::Uuid::now_v7())
        .execute(tx.conn())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);

    // Without any tenant set, nothing is visible at all.
    let visible: i64 = sqlx::query_scalar("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM sessions) + (SELECT count(*) FROM tenants)")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(visible, 0);

    let a_names: Vec<String> = sqlx::query_scalar("SELECT name FROM users WHERE tenant_id = $1")
        .bind(a)
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert!(
        a_names.iter().all(|n| n != "renamed"),
        "A untouched: {a_names:?}"
    );
    let a_teams: i64 = sqlx::query_scalar("SELECT count(*) FROM teams WHERE tenant_id = $1")
        .bind(a)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(a_teams, 1);
}

#[tokio::test]
async fn the_app_role_cannot_bypass_security_even_when_connecting_as_a_superuser() {
    let app = spawn_app().await;
    let (user, is_super, bypass): (String, bool, bool) = sqlx::query_as(
        "SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (user.as_str(), is_super, bypass),
        ("aftersail_app", false, false)
    );
    // The test connects as postgres, a superuser; the pool switched roles anyway.
    let session_user: String = sqlx::query_scalar("SELECT session_user::text")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(session_user, "postgres");
}

#[tokio::test]
async fn every_table_with_a_tenant_id_has_row_level_security_and_a_composite_key() {
    let app = spawn_app().await;
    let unprotected: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         WHERE c.relkind = 'r'
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
           AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert!(
        unprotected.is_empty(),
        "tables without RLS: {unprotected:?}"
    );

    let bad_keys: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
         WHERE c.relkind = 'r'
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
           AND (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = k.conkey[1]) <> 'tenant_id'",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert!(
        bad_keys.is_empty(),
        "primary keys must lead with tenant_id: {bad_keys:?}"
    );
}

#[tokio::test]
async fn another_shops_tickets_files_and_templates_answer_404_and_change_nothing() {
    let app = spawn_app().await;
    let (a, b) = two_shops(&app).await;
    let tenant_a = app.tenant_of("owner-a@example.com").await;
    crate::tickets::seed_for(&app, tenant_a, 2, "A").await;
    // B has a ticket #1000 of its own: A's ids must not open through it either.
    crate::tickets::seed_for(&app, app.tenant_of("owner-b@example.com").await, 1, "B").await;
    a.post_files(
        "/tickets/1001/note",
        &[("body", "A's file")],
        vec![(
            "attachments",
            "secret.txt",
            "text/plain",
            b"A only".to_vec(),
        )],
    )
    .await;
    a.post(
        "/settings/templates",
        &[("name", "A's template"), ("body", "A only")],
    )
    .await;
    let attachment: uuid::Uuid = sqlx::query_scalar("SELECT id FROM attachments")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let template: uuid::Uuid = sqlx::query_scalar("SELECT id FROM reply_templates")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let state = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT concat_ws('|',
                (SELECT string_agg(concat(number, status, priority, tags::text), ',' ORDER BY number) FROM tickets WHERE tenant_id = $1),
                (SELECT count(*) FROM messages WHERE tenant_id = $1),
                (SELECT count(*) FROM ticket_reads WHERE tenant_id = $1),
                (SELECT count(*) FROM ticket_presence WHERE tenant_id = $1),
                (SELECT string_agg(concat(name, body), ',') FROM reply_templates WHERE tenant_id = $1))",
        )
        .bind(tenant_a)
        .fetch_one(&app.admin)
        .await
        .unwrap()
    };
    let before = state().await;

    for path in [
        "/tickets/1001".to_owned(),
        "/tickets/1001/presence".to_owned(),
        format!("/tickets/1001/attachments/{attachment}"),
        format!("/tickets/1000/attachments/{attachment}"),
        format!("/tickets/1000?template={template}"),
        format!("/settings/templates/{template}"),
    ] {
        assert_eq!(
            b.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for (path, form) in [
        ("/tickets/1001/tags".to_owned(), vec![("tags", "pwned")]),
        ("/tickets/1001/unread".to_owned(), vec![]),
        ("/tickets/1001/presence".to_owned(), vec![("typing", "1")]),
        ("/tickets/1001/note".to_owned(), vec![("body", "pwned")]),
        (
            "/tickets/bulk".to_owned(),
            vec![("action", "tag:add"), ("tag", "pwned"), ("ticket", "1001")],
        ),
        (
            format!("/settings/templates/{template}"),
            vec![("name", "Pwned"), ("body", "pwned")],
        ),
        (format!("/settings/templates/{template}/delete"), vec![]),
    ] {
        assert_eq!(
            b.post(&path, &form).await.status(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    assert_eq!(state().await, before, "shop A is exactly as it was");
    let page = b.page("/tickets/1000").await;
    assert!(!page.contains("A&#39;s template") && !page.contains("A's template"));
}
