//! CSAT surveys: a solve queues one survey message in the buyer's language with two
//! one-click links; the public page records the answer, takes a comment and a change of
//! mind; the ticket page shows it; the shop can switch surveys off.

use std::time::Duration;

use aftersail_worker::automation::{run_once, Settings};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::automation::Shop;
use crate::helpers::{csrf_in, location, spawn_app, Browser, TestApp};

const LEASE: Duration = Duration::from_secs(60);
const PUBLIC: &str = "https://help.example.com";

async fn shop(slug: &str) -> (Browser, Shop) {
    let app = spawn_app().await;
    let email = format!("owner@{slug}.example");
    let owner = app.shop(slug, &email).await;
    let tenant = app.tenant_of(&email).await;
    (owner, Shop { app, tenant })
}

/// Runs the rule runner (which sends surveys) until the queue is quiet.
async fn settle(app: &TestApp) {
    let settings = Settings {
        public_url: Some(PUBLIC.into()),
    };
    for _ in 0..50 {
        let round = run_once(&app.pool, &settings, chrono::Utc::now(), LEASE)
            .await
            .unwrap();
        assert_eq!(round.failed, 0);
        if !round.busy() {
            return;
        }
    }
    panic!("automation did not settle");
}

async fn set_status(owner: &Browser, number: i64, status: &str) {
    let r = owner
        .post(
            &format!("/tickets/{number}/properties"),
            &[("status", status), ("priority", "normal")],
        )
        .await;
    assert!(r.status().is_redirection(), "{status}: {}", r.status());
}

/// The survey messages queued for a ticket: (body, language).
async fn surveys_sent(s: &Shop, number: i64) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT m.body_text, m.language FROM messages m
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         JOIN outbox o ON o.tenant_id = m.tenant_id AND o.message_id = m.id
         WHERE t.tenant_id = $1 AND t.number = $2 AND m.automated = 'csat' AND m.kind = 'outbound'
         ORDER BY m.created_at",
    )
    .bind(s.tenant)
    .bind(number)
    .fetch_all(&s.app.admin)
    .await
    .unwrap()
}

async fn slug(s: &Shop) -> String {
    sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
        .bind(s.tenant)
        .fetch_one(&s.app.admin)
        .await
        .unwrap()
}

/// The survey page's path (without the rating) from a survey message.
fn survey_path(body: &str) -> String {
    let start = body.find("/p/").expect("a link");
    let end = body[start..].find("?r=good").expect("the good link") + start;
    body[start..end].to_owned()
}

async fn rating(s: &Shop) -> Vec<(Option<String>, Option<String>)> {
    sqlx::query_as("SELECT rating, comment FROM csat_surveys WHERE tenant_id = $1 ORDER BY sent_at")
        .bind(s.tenant)
        .fetch_all(&s.app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_solve_sends_one_survey_and_one_click_records_the_answer() {
    let (owner, s) = shop("csat-flow").await;
    let (_, number) = s
        .ticket("de", "Wo ist mein Paket?", chrono::Utc::now())
        .await;
    set_status(&owner, number, "solved").await;
    settle(&s.app).await;
    // Saving the solved ticket again is no new solve.
    set_status(&owner, number, "solved").await;
    settle(&s.app).await;

    let sent = surveys_sent(&s, number).await;
    assert_eq!(sent.len(), 1, "one survey per solve");
    let (body, language) = &sent[0];
    assert_eq!(language.as_deref(), Some("de"));
    assert!(body.starts_with("Ihre Anfrage wurde gelöst."), "{body}");
    let slug = slug(&s).await;
    let path = survey_path(body);
    assert!(body.contains(&format!("{PUBLIC}{path}?r=good")));
    assert!(body.contains(&format!("{PUBLIC}{path}?r=bad")));
    assert!(path.starts_with(&format!("/p/{slug}/csat/")));
    let (agent, channel): (Option<Uuid>, String) =
        sqlx::query_as("SELECT agent_id, channel FROM csat_surveys")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!((agent, channel.as_str()), (None, "email"));

    // The buyer clicks "good": recorded at once, thanked in German.
    let buyer = Browser::new(&s.app.address);
    let page = buyer.page(&format!("{path}?r=good")).await;
    assert!(page.contains("Vielen Dank für Ihre Rückmeldung!"), "{page}");
    assert!(page.contains(r#"value="good" checked"#));
    assert_eq!(rating(&s).await, [(Some("good".into()), None)]);
    // A later click on the other link does not flip it…
    buyer.page(&format!("{path}?r=bad")).await;
    assert_eq!(rating(&s).await, [(Some("good".into()), None)]);
    // …the form does, with a comment (CSRF of the portal).
    let csrf = csrf_in(&page).unwrap();
    let r = buyer
        .post_with(
            &path,
            &csrf,
            &[("rating", "bad"), ("comment", "Zu langsam geantwortet.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = buyer.page(location(&r)).await;
    assert!(after.contains("Ihre Antwort wurde gespeichert."));
    assert_eq!(
        rating(&s).await,
        [(Some("bad".into()), Some("Zu langsam geantwortet.".into()))]
    );
    // Without the CSRF token nothing changes.
    let r = buyer
        .post_with(&path, "forged", &[("rating", "good")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = buyer.post_with(&path, &csrf, &[("rating", "meh")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rating(&s).await[0].0.as_deref(), Some("bad"));

    // The agent sees it on the ticket.
    let ticket = owner.page(&format!("/tickets/{number}")).await;
    assert!(ticket.contains(r#"data-rating="bad""#) && ticket.contains("Zu langsam geantwortet."));

    // Reopened and solved again: a new survey.
    set_status(&owner, number, "open").await;
    set_status(&owner, number, "solved").await;
    settle(&s.app).await;
    assert_eq!(surveys_sent(&s, number).await.len(), 2);
}

#[tokio::test]
async fn an_earlier_update_handled_after_the_solve_sends_no_second_survey() {
    let (owner, s) = shop("csat-queued").await;
    let (_, number) = s
        .ticket("en", "Where is my parcel?", chrono::Utc::now())
        .await;
    settle(&s.app).await;
    // Both updates queue before the runner looks: open → pending, then pending → solved.
    set_status(&owner, number, "pending").await;
    set_status(&owner, number, "solved").await;
    settle(&s.app).await;
    assert_eq!(
        surveys_sent(&s, number).await.len(),
        1,
        "one solve, one survey"
    );
}

#[tokio::test]
async fn unknown_and_other_shops_tokens_are_not_found() {
    let (_owner, mut s) = shop("csat-mine").await;
    let other = s.app.shop("csat-theirs", "owner@csat-theirs.example").await;
    let mine = s.tenant;
    // A survey in the other shop (its ticket solved by its owner).
    s.tenant = s.app.tenant_of("owner@csat-theirs.example").await;
    let (_, number) = s.ticket("en", "Hello", chrono::Utc::now()).await;
    set_status(&other, number, "solved").await;
    settle(&s.app).await;
    let sent = surveys_sent(&s, number).await;
    assert_eq!(sent.len(), 1);
    let their_path = survey_path(&sent[0].0);
    let token = their_path.rsplit('/').next().unwrap().to_owned();
    assert!(sent[0].0.starts_with("Your request has been solved."));
    s.tenant = mine;
    let my_slug = slug(&s).await;

    let buyer = Browser::new(&s.app.address);
    for path in [
        format!("/p/{my_slug}/csat/{token}?r=good"),
        format!("/p/{my_slug}/csat/{}?r=good", "0".repeat(48)),
        format!("/p/{my_slug}/csat/not-a-token"),
        format!("/p/no-such-shop/csat/{token}"),
    ] {
        let r = buyer.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = buyer
        .get(&format!("/p/{my_slug}/csat/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This survey link is not valid."));
    // A real portal CSRF token (the buyer's cookie), from the survey's own page (no rating).
    let csrf = csrf_in(&buyer.page(&their_path).await).unwrap();
    let r = buyer
        .post_with(
            &format!("/p/{my_slug}/csat/{token}"),
            &csrf,
            &[("rating", "bad")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let answered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM csat_surveys WHERE rating IS NOT NULL")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(
        answered, 0,
        "nothing recorded through another shop's address"
    );
    // Through its own shop's address it works.
    assert_eq!(
        buyer.get(&format!("{their_path}?r=good")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn no_survey_when_switched_off_or_nobody_to_write_to() {
    let (owner, s) = shop("csat-off").await;
    let agent = s
        .app
        .member(&owner, "agent@csat-off.example", "agent")
        .await;
    assert_eq!(
        agent
            .post("/settings/webhooks/csat", &[("enabled", "0")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = owner
        .post("/settings/webhooks/csat", &[("enabled", "0")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = owner.page(location(&r)).await;
    assert!(page.contains("Surveys are off."));
    let (_, first) = s.ticket("fr", "Bonjour", chrono::Utc::now()).await;
    set_status(&owner, first, "solved").await;
    settle(&s.app).await;
    assert!(surveys_sent(&s, first).await.is_empty(), "switched off");

    owner
        .post("/settings/webhooks/csat", &[("enabled", "1")])
        .await;
    let (ticket, second) = s.ticket("fr", "Bonjour encore", chrono::Utc::now()).await;
    sqlx::query("UPDATE customers SET email = NULL WHERE id = (SELECT customer_id FROM tickets WHERE id = $1)")
        .bind(ticket.0)
        .execute(&s.app.admin)
        .await
        .unwrap();
    set_status(&owner, second, "solved").await;
    settle(&s.app).await;
    assert!(surveys_sent(&s, second).await.is_empty(), "no address");
    let surveys: i64 = sqlx::query_scalar("SELECT count(*) FROM csat_surveys")
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(surveys, 0);
}

#[tokio::test]
async fn a_bulk_solve_sends_one_survey_per_ticket_in_each_buyers_language() {
    let (owner, s) = shop("csat-bulk").await;
    let now = chrono::Utc::now();
    let mut numbers = Vec::new();
    for lang in ["ja", "es", "pl"] {
        numbers.push(s.ticket(lang, "Hi", now).await.1);
    }
    let numbers_text: Vec<String> = numbers.iter().map(i64::to_string).collect();
    let mut form: Vec<(&str, &str)> = numbers_text
        .iter()
        .map(|n| ("ticket", n.as_str()))
        .collect();
    form.push(("action", "status:solved"));
    form.push(("return_to", "/inbox?view=all"));
    let r = owner.post("/tickets/bulk", &form).await;
    assert!(r.status().is_redirection());
    settle(&s.app).await;
    let mut firsts = Vec::new();
    for n in &numbers {
        let sent = surveys_sent(&s, *n).await;
        assert_eq!(sent.len(), 1, "ticket {n}");
        firsts.push((
            sent[0].0.lines().next().unwrap().to_owned(),
            sent[0].1.clone(),
        ));
    }
    assert_eq!(
        firsts,
        [
            (
                "お問い合わせは解決しました。私たちの対応はいかがでしたか？".to_owned(),
                Some("ja".to_owned())
            ),
            (
                "Su solicitud ha sido resuelta. ¿Qué tal lo hicimos?".to_owned(),
                Some("es".to_owned())
            ),
            // No Polish survey text: English.
            (
                "Your request has been solved. How did we do?".to_owned(),
                Some("en".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn a_rule_that_solves_sends_the_survey_too() {
    let (_owner, s) = shop("csat-rule").await;
    s.rule(
        "Close thanks",
        "message_received",
        serde_json::json!({"actions": [{"type": "set_status", "status": "solved"}]}),
    )
    .await;
    let (_, number) = s
        .ticket("it", "Grazie, tutto risolto", chrono::Utc::now())
        .await;
    settle(&s.app).await;
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE number = $1")
        .bind(number)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(status, "solved");
    let sent = surveys_sent(&s, number).await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].0.starts_with("La sua richiesta è stata risolta."),
        "{}",
        sent[0].0
    );
}
