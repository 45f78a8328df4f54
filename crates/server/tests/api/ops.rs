//! Health, readiness, metrics, error pages, static files, security headers.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b.get("/healthz").await;
    assert_eq!(
        (r.status(), r.text().await.unwrap().as_str()),
        (StatusCode::OK, "ok")
    );
    let r = b.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );

    // A database that misses a migration is not ready.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let r = b.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["pending"], 1);
}

#[tokio::test]
async fn metrics_count_requests_per_route() {
    let app = spawn_app().await;
    let b = app.browser();
    b.get("/login").await;
    b.get("/nope/nothing").await;
    let text = b.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/login",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "latency histogram exported"
    );
    assert!(
        !text.contains("/nope/nothing"),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn unknown_pages_are_404_in_html_or_json() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b.get("/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(visible(&r.text().await.unwrap()).contains("That page doesn't exist"));
    let mut json = reqwest::header::HeaderMap::new();
    json.insert("accept", "application/json".parse().unwrap());
    let r = b.get_with("/no/such/page", json).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
}

#[tokio::test]
async fn htmx_gets_error_fragments_not_pages() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let r = owner
        .client
        .get(owner.url("/settings/teams/01234567-89ab-cdef-0123-456789abcdef"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = r.text().await.unwrap();
    assert!(body.starts_with(r#"<div class="error-partial""#), "{body}");
}

#[tokio::test]
async fn malformed_ids_and_wrong_methods_get_clear_errors() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let r = owner.get("/settings/teams/not-a-uuid").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("The request was not valid."),
        "an error page, not axum's plain text: {body}"
    );
    let r = owner.post("/settings/users/123/deactivate", &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let json = |r: reqwest::RequestBuilder| r.header("accept", "application/json");
    let r = json(owner.client.delete(owner.url("/settings/profile")))
        .header("x-csrf-token", "x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "CSRF is checked before routing"
    );
    let token = owner.csrf_from("/settings/profile").await;
    let r = json(owner.client.delete(owner.url("/settings/profile")))
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "bad_request"
    );
}

#[tokio::test]
async fn static_assets_and_security_headers() {
    let app = spawn_app().await;
    let b = app.browser();
    let r = b.get("/static/vendor/htmx.min.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("htmx"));
    assert_eq!(b.get("/static/app.css").await.status(), StatusCode::OK);
    let r = b.get("/login").await;
    let h = r.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn graceful_shutdown_finishes_and_closes_the_pool() {
    let app = spawn_app().await;
    let pool = app.pool.clone();
    let address = app.address.clone();
    app.stop().await.expect("clean shutdown");
    assert!(pool.is_closed());
    assert!(
        reqwest::get(format!("{address}/healthz")).await.is_err(),
        "no longer accepting"
    );
}
