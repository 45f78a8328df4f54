//! Background housekeeping.

use aftersail_worker::housekeeping;
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn housekeeping_purges_expired_sessions_old_login_attempts_and_stale_presence() {
    let app = spawn_app().await;
    let stale = app.shop("Shop", "owner@example.com").await;
    let fresh = app.browser();
    fresh.log_in("owner@example.com", PASSWORD).await;
    app.browser()
        .log_in("owner@example.com", "wrong password!")
        .await;

    // Someone opened a ticket an hour and more ago and never came back.
    crate::tickets::seed_for(&app, app.tenant_of("owner@example.com").await, 1, "P").await;
    assert_eq!(fresh.get("/tickets/1000").await.status(), StatusCode::OK);
    sqlx::query("UPDATE ticket_presence SET seen_at = now() - interval '61 minutes'")
        .execute(&app.admin)
        .await
        .unwrap();

    // A loop-guard row from two days ago (and one from now, which stays).
    sqlx::query(
        "INSERT INTO rules (tenant_id, id, name, position, trigger, definition)
         SELECT tenant_id, gen_random_uuid(), 'R', 0, 'ticket_created', '{}' FROM tickets LIMIT 1",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO rule_fires (tenant_id, rule_id, ticket_id, cause, fired_at)
         SELECT t.tenant_id, r.id, t.id, c, CASE WHEN c = 'old' THEN now() - interval '2 days' ELSE now() END
         FROM tickets t JOIN rules r ON r.tenant_id = t.tenant_id, unnest(ARRAY['old', 'new']) AS c",
    )
    .execute(&app.admin)
    .await
    .unwrap();

    // Age the first session and the failed attempt past their lifetimes.
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE created_at = (SELECT min(created_at) FROM sessions)").execute(&app.admin).await.unwrap();
    sqlx::query("INSERT INTO portal_attempts (key, at) VALUES ('ip:203.0.113.9', now() - interval '2 days'), ('ip:203.0.113.9', now())")
        .execute(&app.admin)
        .await
        .unwrap();
    sqlx::query("UPDATE login_attempts SET at = now() - interval '2 days' WHERE NOT success")
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        stale.get("/inbox").await.status(),
        StatusCode::SEE_OTHER,
        "expired sessions stop working at once"
    );

    let purged = housekeeping::run_once(&app.pool).await.unwrap();
    assert_eq!(
        purged,
        housekeeping::Purged {
            sessions: 1,
            login_attempts: 1,
            presence: 1,
            portal_attempts: 1,
            rule_fires: 1,
            retention_tickets: 0,
        }
    );
    assert_eq!(fresh.get("/inbox").await.status(), StatusCode::OK);
    assert_eq!(
        housekeeping::run_once(&app.pool).await.unwrap(),
        housekeeping::Purged::default(),
        "idempotent"
    );
}
