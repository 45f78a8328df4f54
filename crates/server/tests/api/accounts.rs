//! Sign-up, sign-in, lockout, throttling, sign-out, sessions.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn sign_up_creates_a_shop_and_its_owner_and_signs_in() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b
        .sign_up(
            "Acme Outdoor GmbH",
            "Anna Owner",
            "Anna@Acme.example",
            PASSWORD,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/inbox");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("aftersail_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http gets no Secure flag");

    let inbox = b.page("/inbox").await;
    assert!(inbox.contains("Acme Outdoor GmbH") && inbox.contains("Anna Owner"));

    let (slug, role, hash): (String, String, String) = sqlx::query_as(
        "SELECT t.slug, u.role, u.password_hash FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.email = 'anna@acme.example'",
    )
    .fetch_one(&app.admin)
    .await
    .expect("email stored normalised");
    assert_eq!(
        (slug.as_str(), role.as_str()),
        ("acme-outdoor-gmbh", "owner")
    );
    assert!(hash.starts_with("$argon2id$"), "argon2id, never plain text");
}

#[tokio::test]
async fn sign_up_with_bad_input_explains_and_changes_nothing() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b.sign_up("", "", "not-an-email", "short").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for message in [
        "Enter 1 to 100 characters.",
        "Enter a valid email address.",
        "Use at least 10 characters.",
    ] {
        assert!(html.contains(message), "missing {message:?}");
    }
    assert!(
        html.contains(r#"value="not-an-email""#),
        "input is kept for correction"
    );
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(tenants, 0);
}

#[tokio::test]
async fn a_second_sign_up_with_the_same_email_is_refused() {
    let app = spawn_app().await;
    app.shop("First Shop", "dup@example.com").await;
    let r = app
        .browser()
        .sign_up("Second Shop", "Someone", "DUP@example.com", PASSWORD)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("An account with this email already exists."));
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(tenants, 1, "the half-made shop was rolled back");
}

#[tokio::test]
async fn shops_with_the_same_name_get_distinct_slugs() {
    let app = spawn_app().await;
    app.shop("Same Name", "a@example.com").await;
    app.shop("Same Name", "b@example.com").await;
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM tenants ORDER BY created_at")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(slugs[0], "same-name");
    assert!(
        slugs[1].starts_with("same-name-") && slugs[1] != slugs[0],
        "{slugs:?}"
    );
}

#[tokio::test]
async fn login_then_logout() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let b = app.browser();
    let token = b.csrf_from("/login?next=/settings/profile").await;
    let r = b
        .post_with(
            "/login",
            &token,
            &[
                ("email", "owner@example.com"),
                ("password", PASSWORD),
                ("next", "/settings/profile"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/settings/profile",
        "returns where the user was going"
    );
    b.refresh_csrf().await;
    assert_eq!(b.get("/inbox").await.status(), StatusCode::OK);

    let r = b.post("/logout", &[]).await;
    assert_eq!(location(&r), "/login");
    let r = b.get("/inbox").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=/inbox");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "only the sign-up browser's session remains");
}

#[tokio::test]
async fn login_never_redirects_off_site() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let b = app.browser();
    let token = b.csrf_from("/login").await;
    let r = b
        .post_with(
            "/login",
            &token,
            &[
                ("email", "owner@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/inbox");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    for email in ["owner@example.com", "nobody@example.com"] {
        let r = app.browser().log_in(email, "wrong password!").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("aftersail_session=")));
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Email or password is incorrect."));
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_for_the_right_one() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let b = app.browser();
    for attempt in 1..=5 {
        let r = b.log_in("owner@example.com", "wrong password!").await;
        let expected = if attempt < 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::LOCKED
        };
        assert_eq!(r.status(), expected, "attempt {attempt}");
    }
    let r = b.log_in("owner@example.com", PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::LOCKED,
        "locked accounts refuse the right password too"
    );
    assert!(r.text().await.unwrap().contains("Try again in 15 minutes."));

    // Once the lock expires the right password works and the counter resets.
    sqlx::query("UPDATE users SET locked_until = now() - interval '1 second'")
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        b.log_in("owner@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let failed: i32 = sqlx::query_scalar("SELECT failed_logins FROM users")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(failed, 0);
}

#[tokio::test]
async fn many_failures_from_one_address_are_throttled() {
    let app = spawn_app_with(|c| c.login_ip_max_failures = 3).await;
    app.shop("Shop", "owner@example.com").await;
    let b = app.browser();
    for i in 0..3 {
        let email = format!("guess{i}@example.com");
        assert_eq!(
            b.log_in(&email, "whatever pw").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = b.log_in("owner@example.com", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "no new session while throttled");
}

#[tokio::test]
async fn secure_cookies_behind_https() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let b = app.browser();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-proto", "https".parse().unwrap());
    let r = b.get_with("/login", headers).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_login_in_the_way_their_client_understands() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b.get("/settings/team?x=1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=/settings/team%3Fx%3D1");

    let mut htmx = reqwest::header::HeaderMap::new();
    htmx.insert("hx-request", "true".parse().unwrap());
    let r = b.get_with("/inbox", htmx).await;
    assert_eq!(r.headers()["hx-redirect"], "/login?next=/inbox");

    let mut json = reqwest::header::HeaderMap::new();
    json.insert("accept", "application/json".parse().unwrap());
    let r = b.get_with("/inbox", json).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = spawn_app().await;
    let here = app.shop("Shop", "owner@example.com").await;
    let elsewhere = app.browser();
    assert_eq!(
        elsewhere
            .log_in("owner@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let r = here
        .post(
            "/settings/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("The current password is incorrect."));
    assert_eq!(
        elsewhere.get("/inbox").await.status(),
        StatusCode::OK,
        "a refused change changes nothing"
    );

    let r = here
        .post(
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/settings/profile?notice=password_changed");
    assert_eq!(
        here.get("/inbox").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/inbox").await.status(),
        StatusCode::SEE_OTHER,
        "others are signed out"
    );
    assert_eq!(
        app.browser()
            .log_in("owner@example.com", "a brand new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}
