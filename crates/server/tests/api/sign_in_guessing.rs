//! Password guessing spread over many client addresses (behind a trusted proxy, each guess
//! from another `X-Forwarded-For`): the per-address throttle never trips, so the account's
//! own lock must stop it.

use reqwest::StatusCode;

use crate::helpers::*;

/// One sign-in attempt from `ip`, in a fresh browser.
async fn guess(app: &TestApp, ip: &str, password: &str) -> StatusCode {
    let b = app.browser();
    let token = b.csrf_from("/login").await;
    b.client
        .post(b.url("/login"))
        .header("x-forwarded-for", ip)
        .form(&[
            ("_csrf", token.as_str()),
            ("email", "owner@example.com"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn guesses_from_many_addresses_still_lock_the_account() {
    let app = spawn_app_with(|c| {
        c.trust_proxy = true;
        c.login_ip_max_failures = 3;
    })
    .await;
    app.shop("Shop", "owner@example.com").await;
    for i in 1..=5 {
        let expected = if i < 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::LOCKED
        };
        assert_eq!(
            guess(&app, &format!("203.0.113.{i}"), "wrong password!").await,
            expected,
            "guess {i}"
        );
    }
    assert_eq!(
        guess(&app, "198.51.100.7", PASSWORD).await,
        StatusCode::LOCKED,
        "the right password from a fresh address is refused while locked"
    );
    let addresses: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT client_ip) FROM login_attempts WHERE NOT success",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(addresses, 6, "no address reached its own limit of 3");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "only the sign-up's session");
}

/// Guesses sent all at once: each is counted before its password is checked, so no more
/// than the lockout's five are ever checked; the rest find the account locked.
#[tokio::test]
async fn concurrent_guesses_get_no_more_checks_than_the_lockout_allows() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    app.shop("Shop", "owner@example.com").await;
    let guesses = (0..12).map(|i| {
        let app = &app;
        async move { guess(app, &format!("203.0.113.{i}"), "wrong password!").await }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let wrong = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let locked = statuses
        .iter()
        .filter(|s| **s == StatusCode::LOCKED)
        .count();
    assert_eq!((wrong, locked), (4, 8), "{statuses:?}");
    let checked: i32 = sqlx::query_scalar("SELECT failed_logins FROM users")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(checked, 5, "passwords checked");
    assert_eq!(
        guess(&app, "198.51.100.7", PASSWORD).await,
        StatusCode::LOCKED
    );
}
