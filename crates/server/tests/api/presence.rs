//! The collision notice: who else is viewing or typing on a ticket, announced live.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::live::read_until;
use crate::tickets::seed_for;

#[tokio::test]
async fn agents_see_who_else_is_viewing_or_typing_and_hear_of_it_live() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 2, "P").await;

    owner.page("/tickets/1000").await;
    assert_eq!(
        visible(&owner.page("/tickets/1000/presence").await),
        "",
        "not yourself"
    );
    let mut events = owner.get("/events").await;

    agent.page("/tickets/1000").await;
    assert_eq!(
        visible(&owner.page("/tickets/1000/presence").await),
        "Member Person is viewing this ticket"
    );
    let r = agent
        .post("/tickets/1000/presence", &[("typing", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        visible(&r.text().await.unwrap()),
        "Owner Person is viewing this ticket"
    );
    assert_eq!(
        visible(&owner.page("/tickets/1000/presence").await),
        "Member Person is typing…"
    );
    assert!(
        visible(&owner.page("/tickets/1001/presence").await).is_empty(),
        "only on that ticket"
    );

    // The agent's arrival was announced on the shop's stream.
    let seen = read_until(
        &mut events,
        "event: presence\ndata: 1000",
        Duration::from_secs(10),
    )
    .await;
    assert!(seen.contains("event: presence\ndata: 1000"), "{seen:?}");

    // Leaving clears it at once; a heartbeat that stops counts after 30 seconds.
    let r = agent
        .post("/tickets/1000/presence", &[("leave", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(visible(&owner.page("/tickets/1000/presence").await).is_empty());
    agent.page("/tickets/1000").await;
    sqlx::query("UPDATE ticket_presence SET seen_at = now() - interval '31 seconds'")
        .execute(&app.admin)
        .await
        .unwrap();
    assert!(visible(&owner.page("/tickets/1000/presence").await).is_empty());

    assert_eq!(
        agent
            .post("/tickets/1000/presence", &[("typing", "maybe")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        agent.get("/tickets/4242/presence").await.status(),
        StatusCode::NOT_FOUND
    );
}
