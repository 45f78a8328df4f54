//! Live updates over Server-Sent Events, per shop, fed by Postgres NOTIFY.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

/// Reads the event stream until `wanted` appears or `limit` passes; returns what was read.
pub async fn read_until(stream: &mut reqwest::Response, wanted: &str, limit: Duration) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + limit;
    while !seen.contains(wanted) {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            _ => break,
        }
    }
    seen
}

#[tokio::test]
async fn activity_reaches_the_shops_open_pages_and_no_other_shop() {
    let app = spawn_app().await;
    let a = app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    // A has #1000 and #1001, B only #1000: A's activity is on #1001, a number B does not
    // have, so B's stream carrying it would be a leak (B may still hear its own seeding).
    crate::tickets::seed_for(&app, app.tenant_of("owner-a@example.com").await, 2, "Alpha").await;
    crate::tickets::seed_for(&app, app.tenant_of("owner-b@example.com").await, 1, "Bravo").await;

    let mut a_stream = a.get("/events").await;
    let mut b_stream = b.get("/events").await;
    assert_eq!(a_stream.status(), StatusCode::OK);
    assert_eq!(a_stream.headers()["content-type"], "text/event-stream");

    let a_colleague = app.browser();
    a_colleague.log_in("owner-a@example.com", PASSWORD).await;
    a_colleague
        .post(
            "/tickets/1001/note",
            &[("body", "Checking with the warehouse.")],
        )
        .await;

    let got = read_until(&mut a_stream, "data: 1001", Duration::from_secs(10)).await;
    assert!(
        got.contains("event: ticket") && got.contains("data: 1001"),
        "{got:?}"
    );
    let leaked = read_until(&mut b_stream, "data: 1001", Duration::from_millis(1500)).await;
    assert!(
        !leaked.contains("data: 1001"),
        "B heard A's activity: {leaked:?}"
    );

    b.post("/tickets/1000/note", &[("body", "B's own note")])
        .await;
    let got = read_until(&mut b_stream, "data: 1000", Duration::from_secs(10)).await;
    assert!(got.contains("data: 1000"), "B hears its own: {got:?}");
}

#[tokio::test]
async fn the_stream_needs_a_sign_in_and_ends_on_shutdown() {
    let app = spawn_app().await;
    assert_eq!(
        app.browser().get("/events").await.status(),
        StatusCode::SEE_OTHER
    );
    let owner = app.shop("Shop", "owner@example.com").await;
    let mut stream = owner.get("/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    let started = std::time::Instant::now();
    app.stop().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "an open stream must not hold up shutdown"
    );
    let rest = read_until(&mut stream, "never", Duration::from_secs(2)).await;
    assert!(!rest.contains("data:"), "{rest:?}");
}
