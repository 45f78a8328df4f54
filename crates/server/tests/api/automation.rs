//! The rule runner against real PostgreSQL: events raised by the database triggers, rules
//! evaluated and their actions carried out, time rules on a controlled clock, the loop guard,
//! holiday mode, assignment, webhooks, and several workers at once.

use std::str::FromStr;
use std::time::Duration;

use aftersail_db::{customers, messages, tickets, TenantTx};
use aftersail_domain::{TenantId, TicketId};
use aftersail_worker::automation::{run_once, Settings};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{spawn_app, TestApp};

const LEASE: Duration = Duration::from_secs(60);

pub struct Shop {
    pub app: TestApp,
    pub tenant: Uuid,
}

pub async fn shop(slug: &str) -> Shop {
    let app = spawn_app().await;
    let email = format!("owner@{slug}.example");
    app.shop(slug, &email).await;
    let tenant = app.tenant_of(&email).await;
    Shop { app, tenant }
}

impl Shop {
    pub async fn tx(&self) -> TenantTx {
        TenantTx::begin(&self.app.pool, TenantId(self.tenant))
            .await
            .unwrap()
    }

    /// A rule stored as the settings page stores it.
    pub async fn rule(&self, name: &str, trigger: &str, definition: Value) -> Uuid {
        self.rule_in(name, trigger, "always", false, definition)
            .await
    }

    pub async fn rule_in(
        &self,
        name: &str,
        trigger: &str,
        rule_set: &str,
        stop: bool,
        definition: Value,
    ) -> Uuid {
        let def: aftersail_domain::rules::Definition =
            serde_json::from_value(definition.clone()).expect("a valid definition");
        let trig = aftersail_domain::rules::Trigger::parse(trigger).unwrap();
        aftersail_domain::rules::validate(trig, &def).expect("rule passes validation");
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO rules (tenant_id, id, name, position, rule_set, trigger, definition, stop)
             VALUES ($1, $2, $3, (SELECT count(*) FROM rules WHERE tenant_id = $1), $4, $5, $6, $7)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(name)
        .bind(rule_set)
        .bind(trigger)
        .bind(definition)
        .bind(stop)
        .execute(&self.app.admin)
        .await
        .unwrap();
        id
    }

    pub async fn template(&self, name: &str, body: &str, bodies: &[(&str, &str)]) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO reply_templates (tenant_id, id, name, body) VALUES ($1, $2, $3, $4)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(name)
        .bind(body)
        .execute(&self.app.admin)
        .await
        .unwrap();
        for (language, body) in bodies {
            sqlx::query(
                "INSERT INTO reply_template_bodies (tenant_id, template_id, language, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(self.tenant)
            .bind(id)
            .bind(language)
            .bind(body)
            .execute(&self.app.admin)
            .await
            .unwrap();
        }
        id
    }

    /// A new ticket with the buyer's first message, stored as ingest stores it.
    pub async fn ticket(&self, language: &str, text: &str, at: DateTime<Utc>) -> (TicketId, i64) {
        let mut tx = self.tx().await;
        let customer = customers::create(
            &mut tx,
            customers::NewCustomer {
                name: "Anna Schmidt",
                email: Some("anna@example.de"),
                country: Some("DE"),
                language: Some(language),
                currency: "EUR",
            },
        )
        .await
        .unwrap();
        let (ticket, number) = tickets::create(
            &mut tx,
            tickets::NewTicket {
                channel: "email",
                customer_id: customer,
                order_id: None,
                subject: "Wo ist meine Bestellung?",
                status: "new",
                priority: "normal",
                kind: None,
                language: Some(language),
                at,
            },
        )
        .await
        .unwrap();
        messages::create(
            &mut tx,
            messages::NewMessage {
                ticket_id: ticket,
                kind: "inbound",
                author: None,
                body_text: text,
                language: Some(language),
                channel: "email",
                external_id: None,
                delivery_state: None,
                at,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (ticket, number)
    }

    pub async fn tags(&self, ticket: TicketId) -> Vec<String> {
        sqlx::query_scalar("SELECT tags FROM tickets WHERE id = $1")
            .bind(ticket.0)
            .fetch_one(&self.app.admin)
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str, ticket: TicketId) -> i64 {
        sqlx::query_scalar(sql)
            .bind(ticket.0)
            .fetch_one(&self.app.admin)
            .await
            .unwrap()
    }

    /// Runs the rule runner until the queue is quiet (bounded: a loop would fail the test).
    pub async fn settle(&self, now: DateTime<Utc>) {
        settle(&self.app.pool, now).await;
    }
}

pub async fn settle(pool: &PgPool, now: DateTime<Utc>) {
    for _ in 0..50 {
        let round = run_once(pool, &Settings::default(), now, LEASE)
            .await
            .unwrap();
        assert_eq!(round.failed, 0, "no event fails");
        if !round.busy() {
            return;
        }
    }
    panic!("automation did not settle within 50 rounds");
}

async fn outbound_rule_messages(s: &Shop, ticket: TicketId) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT body_text, language FROM messages WHERE ticket_id = $1 AND kind = 'outbound' AND automated = 'rule'",
    )
    .bind(ticket.0)
    .fetch_all(&s.app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_message_arriving_gets_one_reply_in_the_buyers_language() {
    let s = shop("auto-reply").await;
    let template = s
        .template(
            "Acknowledge",
            "Thanks {{customer.first_name}}, we will answer within a day.",
            &[(
                "de",
                "Danke {{customer.first_name}}, wir antworten innerhalb eines Tages.",
            )],
        )
        .await;
    s.rule(
        "Acknowledge buyers",
        "message_received",
        json!({
            "conditions": {"all": [{"field": "ticket.channel", "op": "is", "value": "email"}]},
            "actions": [
                {"type": "reply", "template": template},
                {"type": "add_tags", "tags": ["acknowledged"]}
            ]
        }),
    )
    .await;
    let now = Utc::now();
    let (ticket, _) = s.ticket("de", "Wo bleibt mein Paket?", now).await;

    s.settle(now).await;
    s.settle(now).await;

    let replies = outbound_rule_messages(&s, ticket).await;
    assert_eq!(
        replies,
        vec![(
            "Danke Anna, wir antworten innerhalb eines Tages.".to_owned(),
            Some("de".to_owned())
        )],
        "exactly one reply, in German"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.ticket_id = $1", ticket)
            .await,
        1,
        "the reply waits in the outbox for delivery"
    );
    assert_eq!(s.tags(ticket).await, vec!["acknowledged"]);
    // A rule's reply is no agent's first response: the SLA clock keeps running.
    let first_response: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT first_response_at FROM tickets WHERE id = $1")
            .bind(ticket.0)
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(first_response, None);
    // The run is logged with what it did, and the change is in the ticket's history.
    let runs: Vec<(bool, Vec<String>, Vec<String>)> =
        sqlx::query_as("SELECT matched, actions, errors FROM rule_runs WHERE ticket_id = $1")
            .bind(ticket.0)
            .fetch_all(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].0);
    assert!(
        runs[0].1[0].starts_with("Replied with Acknowledge (de)"),
        "{:?}",
        runs[0].1
    );
    assert!(runs[0].2.is_empty());
    assert_eq!(
        s.count("SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND rule_id IS NOT NULL AND kind = 'tags'", ticket)
            .await,
        1
    );

    // An English buyer gets the default body.
    let (en, _) = s.ticket("en", "Where is my parcel?", now).await;
    s.settle(now).await;
    assert_eq!(
        outbound_rule_messages(&s, en).await[0].0,
        "Thanks Anna, we will answer within a day."
    );
}

#[tokio::test]
async fn auto_replies_and_bounces_are_never_answered() {
    let s = shop("no-ping-pong").await;
    let template = s.template("Ack", "We got your message.", &[]).await;
    s.rule(
        "Acknowledge",
        "message_received",
        json!({"actions": [{"type": "reply", "template": template}]}),
    )
    .await;
    let now = Utc::now();
    let (ticket, _) = s.ticket("en", "first", now).await;
    s.settle(now).await;
    assert_eq!(outbound_rule_messages(&s, ticket).await.len(), 1);

    // The buyer's mail server answers our reply with an out-of-office.
    sqlx::query(
        "INSERT INTO messages (tenant_id, id, ticket_id, kind, body_text, language, channel, automated, created_at)
         VALUES ($1, $2, $3, 'inbound', 'I am out of office until Monday', 'en', 'email', 'auto_reply', now())",
    )
    .bind(s.tenant)
    .bind(Uuid::now_v7())
    .bind(ticket.0)
    .execute(&s.app.admin)
    .await
    .unwrap();
    s.settle(now).await;
    assert_eq!(
        outbound_rule_messages(&s, ticket).await.len(),
        1,
        "no reply to an auto-reply"
    );
    let errors: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(errors) FROM rule_runs WHERE ticket_id = $1 ORDER BY ran_at DESC LIMIT 1",
    )
    .bind(ticket.0)
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert!(
        errors[0].contains("automated message (auto_reply)"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn a_missing_template_value_sends_nothing_and_says_why() {
    let s = shop("missing-value").await;
    let template = s
        .template("Tracking", "Your parcel: {{order.tracking_url}}", &[])
        .await;
    s.rule(
        "Tracking answer",
        "message_received",
        json!({"actions": [{"type": "reply", "template": template}]}),
    )
    .await;
    let now = Utc::now();
    let (ticket, _) = s.ticket("en", "where?", now).await;
    s.settle(now).await;
    assert!(outbound_rule_messages(&s, ticket).await.is_empty());
    let errors: Vec<String> =
        sqlx::query_scalar("SELECT unnest(errors) FROM rule_runs WHERE ticket_id = $1")
            .bind(ticket.0)
            .fetch_all(&s.app.admin)
            .await
            .unwrap();
    assert!(errors[0].contains("order.tracking_url"), "{errors:?}");
}

#[tokio::test]
async fn conditions_decide_and_every_evaluation_is_logged() {
    let s = shop("conditions").await;
    s.rule(
        "German complaints",
        "message_received",
        json!({"conditions": {
            "all": [{"field": "message.language", "op": "is", "value": "de"}],
            "any": [{"field": "message.text", "op": "contains_any", "value": ["kaputt", "beschädigt"]},
                    {"field": "customer.tags", "op": "contains", "value": "vip"}]
        },
        "actions": [{"type": "set_priority", "priority": "high"}, {"type": "set_type", "ticket_type": "complaint"}]}),
    )
    .await;
    let now = Utc::now();
    let (broken, _) = s.ticket("de", "Die Tasse kam KAPUTT an", now).await;
    let (fine, _) = s.ticket("de", "Alles gut, danke", now).await;
    let (english, _) = s.ticket("en", "It arrived kaputt", now).await;
    s.settle(now).await;
    let priority = |t: TicketId| {
        let pool = s.app.admin.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT priority || '/' || coalesce(type, '-') FROM tickets WHERE id = $1",
            )
            .bind(t.0)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(priority(broken).await, "high/complaint");
    assert_eq!(priority(fine).await, "normal/-");
    assert_eq!(priority(english).await, "normal/-");
    let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM rule_runs WHERE NOT matched")
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(
        logged, 2,
        "the two tickets that did not match are logged too"
    );
}

#[tokio::test]
async fn a_time_rule_fires_after_its_delay_on_a_controlled_clock() {
    let s = shop("time-rules").await;
    s.rule(
        "Nudge after a day",
        "time",
        json!({"time": {"after": "ticket_created", "minutes": 1440},
               "conditions": {"all": [{"field": "ticket.status", "op": "in", "value": ["new", "open"]}]},
               "actions": [{"type": "add_tags", "tags": ["overdue-24h"]},
                           {"type": "note", "text": "No answer for a day"}]}),
    )
    .await;
    s.rule(
        "Close after three days pending",
        "time",
        json!({"time": {"after": "became_pending", "minutes": 4320},
               "conditions": {"all": [{"field": "ticket.status", "op": "is", "value": "pending"}]},
               "actions": [{"type": "set_status", "status": "solved"}]}),
    )
    .await;
    let t0 = Utc::now();
    let (ticket, _) = s.ticket("en", "hello?", t0).await;
    let (waiting, _) = s.ticket("en", "also hello", t0).await;
    s.settle(t0).await;
    sqlx::query("UPDATE tickets SET status = 'pending' WHERE id = $1")
        .bind(waiting.0)
        .execute(&s.app.admin)
        .await
        .unwrap();
    s.settle(t0).await;

    s.settle(t0 + chrono::Duration::hours(23)).await;
    assert!(s.tags(ticket).await.is_empty(), "not before the delay");

    s.settle(t0 + chrono::Duration::hours(24) + chrono::Duration::minutes(1))
        .await;
    assert_eq!(s.tags(ticket).await, vec!["overdue-24h"]);
    assert!(
        s.tags(waiting).await.is_empty(),
        "the pending ticket does not match"
    );
    assert_eq!(
        s.count(
            "SELECT count(*) FROM messages WHERE ticket_id = $1 AND kind = 'note'",
            ticket
        )
        .await,
        1
    );
    // Firing again is impossible: the timer is spent.
    s.settle(t0 + chrono::Duration::hours(48)).await;
    assert_eq!(
        s.count(
            "SELECT count(*) FROM messages WHERE ticket_id = $1 AND kind = 'note'",
            ticket
        )
        .await,
        1
    );

    let status = |t: TicketId| {
        let pool = s.app.admin.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM tickets WHERE id = $1")
                .bind(t.0)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    s.settle(t0 + chrono::Duration::hours(71)).await;
    assert_eq!(status(waiting).await, "pending");
    s.settle(t0 + chrono::Duration::hours(73)).await;
    assert_eq!(
        status(waiting).await,
        "solved",
        "three days pending closes it"
    );
    let event: String = sqlx::query_scalar(
        "SELECT event FROM rule_runs WHERE ticket_id = $1 AND matched ORDER BY ran_at DESC LIMIT 1",
    )
    .bind(waiting.0)
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(event, "time: 4320 min after became_pending");
}

#[tokio::test]
async fn rules_that_undo_each_other_stop_after_firing_once() {
    let s = shop("loop-guard").await;
    let a = s
        .rule(
            "High becomes normal",
            "ticket_updated",
            json!({"conditions": {"all": [{"field": "ticket.priority", "op": "is", "value": "high"}]},
                   "actions": [{"type": "set_priority", "priority": "normal"}]}),
        )
        .await;
    let b = s
        .rule(
            "Normal becomes high",
            "ticket_updated",
            json!({"conditions": {"all": [{"field": "ticket.priority", "op": "is", "value": "normal"}]},
                   "actions": [{"type": "set_priority", "priority": "high"}]}),
        )
        .await;
    let now = Utc::now();
    let (ticket, _) = s.ticket("en", "hi", now).await;
    s.settle(now).await;
    // An agent raises the priority.
    sqlx::query("UPDATE tickets SET priority = 'high' WHERE id = $1")
        .bind(ticket.0)
        .execute(&s.app.admin)
        .await
        .unwrap();
    s.settle(now).await; // panics if the rules kept each other going

    for rule in [a, b] {
        let fired: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM rule_runs WHERE rule_id = $1 AND matched AND cardinality(actions) > 0",
        )
        .bind(rule)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
        assert_eq!(fired, 1, "each rule fired once for the agent's change");
    }
    let guarded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rule_runs WHERE errors[1] LIKE 'loop guard%'")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert!(guarded >= 1, "the guard stopped a second firing");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM automation_events")
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn holiday_mode_switches_rule_sets_and_stop_ends_the_list() {
    let s = shop("holidays").await;
    s.rule_in(
        "Holiday notice",
        "ticket_created",
        "holiday",
        true,
        json!({"actions": [{"type": "add_tags", "tags": ["holiday"]}]}),
    )
    .await;
    s.rule_in(
        "Regular triage",
        "ticket_created",
        "regular",
        false,
        json!({"actions": [{"type": "add_tags", "tags": ["regular"]}]}),
    )
    .await;
    s.rule_in(
        "Always",
        "ticket_created",
        "always",
        false,
        json!({"actions": [{"type": "add_tags", "tags": ["always"]}]}),
    )
    .await;
    let now = Utc::now();
    let (regular, _) = s.ticket("en", "a", now).await;
    s.settle(now).await;
    assert_eq!(s.tags(regular).await, vec!["always", "regular"]);

    sqlx::query("UPDATE tenants SET holiday_mode = true WHERE id = $1")
        .bind(s.tenant)
        .execute(&s.app.admin)
        .await
        .unwrap();
    let (holiday, _) = s.ticket("en", "b", now).await;
    s.settle(now).await;
    assert_eq!(
        s.tags(holiday).await,
        vec!["holiday"],
        "holiday rules run, regular ones not, and stop ends the list"
    );
}

async fn agent(s: &Shop, name: &str, languages: &[&str], available: bool) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO users (tenant_id, id, email, name, role, password_hash, languages, available)
         VALUES ($1, $2, $3, $4, 'agent', 'x', $5, $6)",
    )
    .bind(s.tenant)
    .bind(id)
    .bind(format!(
        "{}@{}.example",
        name.to_lowercase(),
        s.tenant.simple()
    ))
    .bind(name)
    .bind(languages.iter().map(|l| l.to_string()).collect::<Vec<_>>())
    .bind(available)
    .execute(&s.app.admin)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn assignment_is_round_robin_over_available_agents_and_prefers_their_languages() {
    let s = shop("assignment").await;
    let team = Uuid::now_v7();
    sqlx::query("INSERT INTO teams (tenant_id, id, name) VALUES ($1, $2, 'Support')")
        .bind(s.tenant)
        .bind(team)
        .execute(&s.app.admin)
        .await
        .unwrap();
    let ana = agent(&s, "Ana", &["es"], true).await;
    let bo = agent(&s, "Bo", &["de"], true).await;
    let cy = agent(&s, "Cy", &["de", "fr"], true).await;
    let off = agent(&s, "Off", &["de"], false).await;
    for user in [ana, bo, cy, off] {
        sqlx::query("INSERT INTO team_members (tenant_id, team_id, user_id) VALUES ($1, $2, $3)")
            .bind(s.tenant)
            .bind(team)
            .bind(user)
            .execute(&s.app.admin)
            .await
            .unwrap();
    }
    s.rule(
        "Round robin",
        "ticket_created",
        json!({"actions": [{"type": "assign", "to": {"kind": "team", "team": team, "method": "round_robin"}}]}),
    )
    .await;
    let now = Utc::now();
    let mut german = Vec::new();
    for i in 0..4 {
        german.push(s.ticket("de", &format!("hallo {i}"), now).await.0);
        s.settle(now).await; // one at a time: the rotation is observable
    }
    let (english, _) = s.ticket("en", "hello", now).await;
    s.settle(now).await;
    let assignee = |t: TicketId| {
        let pool = s.app.admin.clone();
        async move {
            sqlx::query_scalar::<_, Option<Uuid>>("SELECT assignee_id FROM tickets WHERE id = $1")
                .bind(t.0)
                .fetch_one(&pool)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let mut got = Vec::new();
    for t in &german {
        got.push(assignee(*t).await);
    }
    assert!(
        got.iter().all(|u| *u == bo || *u == cy),
        "German tickets go to German speakers who are available"
    );
    assert_eq!(got.iter().filter(|u| **u == bo).count(), 2, "in turns");
    assert_eq!(got.iter().filter(|u| **u == cy).count(), 2, "in turns");
    assert_ne!(got[0], got[1]);
    // Nobody speaks English: any available agent; Ana has waited longest.
    assert_eq!(assignee(english).await, ana);
}

#[tokio::test]
async fn several_workers_never_fire_a_rule_twice() {
    let s = shop("many-workers").await;
    let template = s
        .template("Ack", "Got it, {{customer.first_name}}.", &[])
        .await;
    s.rule(
        "Acknowledge",
        "message_received",
        json!({"actions": [{"type": "reply", "template": template}, {"type": "add_tags", "tags": ["acked"]}]}),
    )
    .await;
    let now = Utc::now();
    for i in 0..40 {
        s.ticket("en", &format!("message {i}"), now).await;
    }
    // Four workers, each with its own pool (as separate processes would have).
    let options = sqlx::postgres::PgConnectOptions::from_str(&s.app.database_url()).unwrap();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let pool = aftersail_db::connect(options.clone(), 3).await.unwrap();
        workers.push(tokio::spawn(async move {
            for _ in 0..40 {
                let round = run_once(&pool, &Settings::default(), now, LEASE)
                    .await
                    .unwrap();
                if !round.busy() {
                    break;
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    s.settle(now).await;
    let (replies, fired, tickets): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages WHERE automated = 'rule'),
                (SELECT count(*) FROM rule_runs WHERE matched),
                (SELECT count(*) FROM tickets WHERE 'acked' = ANY(tags))",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!((replies, fired, tickets), (40, 40, 40));
}

#[tokio::test]
async fn a_webhook_action_posts_the_ticket_and_retries_failures() {
    use axum::{routing::post, Json, Router};
    use std::sync::{Arc, Mutex};
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = received.clone();
    let app = Router::new()
        .route(
            "/hook",
            post(move |Json(body): Json<Value>| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(body);
                    "ok"
                }
            }),
        )
        .route(
            "/broken",
            post(|| async { (axum::http::StatusCode::BAD_GATEWAY, "down") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let s = shop("webhooks").await;
    s.rule(
        "Tell the ERP",
        "ticket_created",
        json!({"actions": [{"type": "webhook", "url": format!("{base}/hook")},
                           {"type": "webhook", "url": format!("{base}/broken")}]}),
    )
    .await;
    let now = Utc::now();
    let (_, number) = s.ticket("en", "hi", now).await;
    s.settle(now).await;
    let http = reqwest::Client::new();
    let round = aftersail_worker::rule_webhooks::run_once(&s.app.pool, &http, LEASE)
        .await
        .unwrap();
    assert_eq!((round.sent, round.failed), (1, 1));
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["ticket"]["number"], json!(number));
    assert_eq!(bodies[0]["rule"]["name"], json!("Tell the ERP"));
    let states: Vec<(String, Option<i32>)> =
        sqlx::query_as("SELECT state, response_status FROM rule_webhook_calls ORDER BY url DESC")
            .fetch_all(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(
        states,
        vec![
            ("sent".to_owned(), Some(200)),
            ("failed".to_owned(), Some(502))
        ],
        "the failure waits for a retry"
    );
}

#[tokio::test]
async fn the_demo_shops_rules_and_policies_are_valid_and_work() {
    let app = spawn_app().await;
    assert!(aftersail_server::demo::seed(&app.pool).await.unwrap());
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM automation_events")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(queued, 0, "the demo's history raises no automation");
    let rules: Vec<(String, Value)> = sqlx::query_as("SELECT trigger, definition FROM rules")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(rules.len(), 4);
    for (trigger, definition) in rules {
        let def: aftersail_domain::rules::Definition = serde_json::from_value(definition).unwrap();
        let trigger = aftersail_domain::rules::Trigger::parse(&trigger).unwrap();
        aftersail_domain::rules::validate(trigger, &def).expect("demo rule is valid");
    }
    // A buyer threatens a chargeback: the rule escalates.
    let tenant: Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'demo'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let s = Shop { app, tenant };
    let now = Utc::now();
    let (ticket, _) = s.ticket("en", "I will file a chargeback", now).await;
    s.settle(now).await;
    let priority: String = sqlx::query_scalar("SELECT priority FROM tickets WHERE id = $1")
        .bind(ticket.0)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(priority, "urgent");
    assert!(s.tags(ticket).await.contains(&"escalated".to_owned()));
    let policy: Option<String> = sqlx::query_scalar(
        "SELECT p.name FROM tickets t JOIN sla_policies p ON p.tenant_id = t.tenant_id AND p.id = t.sla_policy_id WHERE t.id = $1",
    )
    .bind(ticket.0)
    .fetch_optional(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(policy.as_deref(), Some("Office hours"));
}
