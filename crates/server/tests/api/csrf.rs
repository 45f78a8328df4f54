//! Every state-changing request needs the right CSRF token.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn login_and_sign_up_without_a_token_are_refused() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b
        .client
        .post(b.url("/signup"))
        .form(&[
            ("shop_name", "S"),
            ("name", "N"),
            ("email", "x@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Reload the page"));
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(tenants, 0);

    // A token that does not match the browser's cookie is as bad as none.
    let _ = b.csrf_from("/login").await;
    let r = b
        .post_with(
            "/signup",
            "forged-token-forged-token-forged-token-xx",
            &[("shop_name", "S")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signed_in_forms_need_the_sessions_own_token() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let other = app.shop("Other", "other@example.com").await;
    let other_token = other.csrf_from("/settings/profile").await;

    for token in ["", "wrong", other_token.as_str()] {
        let r = owner
            .post_with(
                "/settings/profile",
                token,
                &[("name", "Hacked"), ("ui_locale", "en")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    let name: String =
        sqlx::query_scalar("SELECT name FROM users WHERE email = 'owner@example.com'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(name, "Owner Person", "nothing changed");

    // htmx sends the token as a header instead of a form field.
    let token = owner.csrf_from("/settings/profile").await;
    let r = owner
        .client
        .post(owner.url("/settings/profile"))
        .header("x-csrf-token", token)
        .form(&[("name", "Renamed"), ("ui_locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = owner
        .client
        .post(owner.url("/settings/profile"))
        .header("x-csrf-token", "nope")
        .form(&[("name", "Again"), ("ui_locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let name: String =
        sqlx::query_scalar("SELECT name FROM users WHERE email = 'owner@example.com'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(name, "Renamed");
}

#[tokio::test]
async fn every_page_form_carries_the_token() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    owner.post("/settings/teams", &[("name", "EU")]).await;
    let team: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    for path in [
        "/inbox",
        "/returns",
        "/customers",
        "/kb",
        "/reports",
        "/settings/profile",
        "/settings/team",
        "/settings/teams",
        &format!("/settings/teams/{team}"),
        "/settings/audit",
        "/settings/channels/email",
    ] {
        let html = owner.page(path).await;
        // GET forms (filters) change nothing and carry no token; every POST form must.
        let forms = html.matches(r#"method="post""#).count();
        let tokens = html.matches(r#"name="_csrf""#).count();
        assert!(
            forms > 0 && forms == tokens,
            "{path}: {forms} forms, {tokens} tokens"
        );
    }
}
