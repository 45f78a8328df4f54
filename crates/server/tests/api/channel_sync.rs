//! Channel sync, ingest and outbox delivery through the worker, with a scripted connector at
//! the network edge (the real email and Shopify connectors have their own tests against
//! real servers and the vendor's contract).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::email::parse::parse;
use aftersail_channels::{Batch, Connector, ConnectorError, Inbound, Outbound, Sent};
use aftersail_db::{outbox, TenantTx};
use aftersail_domain::{TenantId, TicketId, UserId};
use aftersail_worker::{channel_sync, outbox_delivery, webhook_processing, Connectors};

use crate::helpers::*;

/// A mailbox on the other side: polls page through its messages by index; sends are
/// recorded; scripted failures come first.
#[derive(Default)]
pub struct FakeChannel {
    pub mail: Mutex<Vec<Vec<u8>>>,
    pub page: usize,
    pub poll_failures: Mutex<VecDeque<ConnectorError>>,
    pub send_failures: Mutex<VecDeque<ConnectorError>>,
    pub sent: Mutex<Vec<Outbound>>,
    pub poll_delay: Option<Duration>,
    pub polls: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

#[async_trait::async_trait]
impl Connector for FakeChannel {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if let Some(delay) = self.poll_delay {
            tokio::time::sleep(delay).await;
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(err) = self.poll_failures.lock().unwrap().pop_front() {
            return Err(err);
        }
        let start: usize = cursor.map_or(0, |c| c.parse().unwrap());
        let mail = self.mail.lock().unwrap();
        let end = (start + self.page.max(1)).min(mail.len());
        Ok(Batch {
            items: mail[start..end]
                .iter()
                .map(|raw| Inbound::Message(parse(raw)))
                .collect(),
            cursor: Some(end.to_string()),
            more: end < mail.len(),
            backlog: Some((mail.len() - end) as i64),
        })
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        if let Some(err) = self.send_failures.lock().unwrap().pop_front() {
            return Err(err);
        }
        self.sent.lock().unwrap().push(message.clone());
        Ok(Sent {
            external_id: message.message_id.clone(),
        })
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        Ok(())
    }
}

/// Connectors that hand out the fake registered for each channel name.
pub fn fakes(by_name: HashMap<String, Arc<FakeChannel>>) -> Connectors {
    Connectors::with_factory(None, move |channel, _secrets| {
        by_name
            .get(&channel.name)
            .cloned()
            .map(|fake| fake as Arc<dyn Connector>)
            .ok_or_else(|| format!("no fake for {}", channel.name))
    })
}

pub async fn add_channel(app: &TestApp, tenant: uuid::Uuid, name: &str) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, requests_per_minute)
         VALUES ($1, $2, 'email', $3, '{\"smtp\": {\"from_address\": \"support@shop.example\"}}', 6000)",
    )
    .bind(tenant)
    .bind(id)
    .bind(name)
    .execute(&app.admin)
    .await
    .unwrap();
    id
}

pub fn mail(id: &str, from: &str, subject: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: support@shop.example\r\nSubject: {subject}\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

const LEASE: Duration = Duration::from_secs(60);

/// Runs sync rounds until nothing is due (the test's "worker ran for a while").
async fn sync_until_idle(app: &TestApp, connectors: &Connectors) -> channel_sync::Round {
    let mut total = channel_sync::Round::default();
    for _ in 0..50 {
        let round = channel_sync::run_once(&app.pool, connectors, LEASE)
            .await
            .unwrap();
        if round.polled + round.failed == 0 {
            // Due but held back by the channel's rate limit: wait for its next request slot.
            if scalar(
                app,
                "SELECT count(*) FROM channels WHERE status = 'active' AND next_poll_at <= now()",
            )
            .await
                == 0
            {
                return total;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        total.polled += round.polled;
        total.failed += round.failed;
        total.ingested.messages += round.ingested.messages;
        total.ingested.duplicates += round.ingested.duplicates;
        total.ingested.orders += round.ingested.orders;
    }
    panic!("the channel never became idle");
}

pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.admin).await.unwrap()
}

#[tokio::test]
async fn mail_is_ingested_threaded_and_never_duplicated() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Support mailbox").await;

    let fake = Arc::new(FakeChannel {
        page: 2,
        ..FakeChannel::default()
    });
    *fake.mail.lock().unwrap() = vec![
        mail(
            "m1@buyer.example",
            "Anna Buyer <Anna@Buyer.example>",
            "Where is my order?",
            "",
            "It has not arrived.",
        ),
        mail(
            "m2@buyer.example",
            "anna@buyer.example",
            "Re: Where is my order?",
            "In-Reply-To: <m1@buyer.example>\r\n",
            "Any news?",
        ),
        mail(
            "m3@other.example",
            "Bob <bob@other.example>",
            "Damaged parcel",
            "",
            "The box was crushed.",
        ),
        mail(
            "m4@buyer.example",
            "anna@buyer.example",
            "AW: 回复: Where is my order?",
            "",
            "Hello again (no references).",
        ),
    ];
    let connectors = fakes(HashMap::from([(
        "Support mailbox".to_owned(),
        fake.clone(),
    )]));

    let round = sync_until_idle(&app, &connectors).await;
    assert_eq!(round.ingested.messages, 4);
    assert_eq!(
        round.polled, 2,
        "two pages of two, the first with more=true polls again at once"
    );

    assert_eq!(
        scalar(&app, "SELECT count(*) FROM tickets").await,
        2,
        "Anna's 3 mails thread into one ticket"
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.subject = 'Where is my order?'").await,
        3
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM customers").await,
        2,
        "the address is matched case-insensitively"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM inbound_payloads WHERE kind = 'message'"
        )
        .await,
        4,
        "every raw mail is kept"
    );
    let (cursor, done, ingested, backlog): (Option<String>, bool, i64, Option<i64>) =
        sqlx::query_as("SELECT cursor, backfill_done, items_ingested, backlog FROM channels")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (cursor.as_deref(), done, ingested, backlog),
        (Some("4"), true, 4, Some(0))
    );
    let (reply_to, status): (Option<String>, String) =
        sqlx::query_as("SELECT reply_to, status FROM tickets WHERE subject = 'Where is my order?'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (reply_to.as_deref(), status.as_str()),
        (Some("anna@buyer.example"), "new")
    );

    // The mailbox is read again from the start (a lost cursor, a UIDVALIDITY change):
    // every message is recognised, nothing is stored twice.
    sqlx::query("UPDATE channels SET cursor = NULL, next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    let again = sync_until_idle(&app, &connectors).await;
    assert_eq!((again.ingested.messages, again.ingested.duplicates), (0, 4));
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 4);

    // A buyer writing to a solved ticket opens it again; after closure a new ticket starts.
    sqlx::query("UPDATE tickets SET status = 'solved' WHERE subject = 'Damaged parcel'")
        .execute(&app.admin)
        .await
        .unwrap();
    fake.mail.lock().unwrap().push(mail(
        "m5@other.example",
        "bob@other.example",
        "Re: Damaged parcel",
        "References: <m3@other.example>\r\n",
        "Still broken.",
    ));
    sqlx::query("UPDATE channels SET next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    sync_until_idle(&app, &connectors).await;
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM tickets WHERE subject = 'Damaged parcel' AND status = 'open'"
        )
        .await,
        1
    );
    sqlx::query("UPDATE tickets SET status = 'closed' WHERE subject = 'Damaged parcel'")
        .execute(&app.admin)
        .await
        .unwrap();
    fake.mail.lock().unwrap().push(mail(
        "m6@other.example",
        "bob@other.example",
        "Re: Damaged parcel",
        "References: <m3@other.example> <m5@other.example>\r\n",
        "Hello?",
    ));
    sqlx::query("UPDATE channels SET next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    sync_until_idle(&app, &connectors).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM tickets").await, 3);
}

#[tokio::test]
async fn a_ticket_token_threads_only_for_its_own_customer() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..FakeChannel::default()
    });
    *fake.mail.lock().unwrap() = vec![mail(
        "a1@x.example",
        "a@x.example",
        "Refund",
        "",
        "Please refund.",
    )];
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake.clone())]));
    sync_until_idle(&app, &connectors).await;
    let number = scalar(&app, "SELECT number FROM tickets").await;

    fake.mail.lock().unwrap().extend([
        mail(
            "a2@x.example",
            "a@x.example",
            &format!("Something else [#{number}]"),
            "",
            "Mine.",
        ),
        mail(
            "e1@evil.example",
            "eve@evil.example",
            &format!("Re: Refund [#{number}]"),
            "",
            "Not mine.",
        ),
    ]);
    sqlx::query("UPDATE channels SET next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    sync_until_idle(&app, &connectors).await;
    let on_ticket = scalar(&app, &format!("SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = {number}")).await;
    assert_eq!(
        on_ticket, 2,
        "the token threads the owner's mail, not a stranger's"
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM tickets").await, 2);
}

#[tokio::test]
async fn workers_never_poll_one_channel_at_the_same_time() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let mut by_name = HashMap::new();
    let mut all = Vec::new();
    for i in 0..5 {
        let name = format!("Box {i}");
        add_channel(&app, tenant, &name).await;
        let fake = Arc::new(FakeChannel {
            page: 5,
            poll_delay: Some(Duration::from_millis(300)),
            ..FakeChannel::default()
        });
        *fake.mail.lock().unwrap() = (0..3)
            .map(|j| {
                mail(
                    &format!("{i}-{j}@b.example"),
                    &format!("b{i}@b.example"),
                    "Hi",
                    "",
                    "x",
                )
            })
            .collect();
        by_name.insert(name, fake.clone());
        all.push(fake);
    }
    let connectors = fakes(by_name);
    // Four workers at once, each claiming whatever is due.
    let rounds = futures_util::future::join_all(
        (0..4).map(|_| channel_sync::run_once(&app.pool, &connectors, LEASE)),
    )
    .await;
    let polled: usize = rounds.iter().map(|r| r.as_ref().unwrap().polled).sum();
    assert_eq!(polled, 5, "each due channel polled once in all");
    for fake in &all {
        assert_eq!(fake.polls.load(Ordering::SeqCst), 1);
        assert_eq!(fake.max_in_flight.load(Ordering::SeqCst), 1);
    }
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 15);
}

#[tokio::test]
async fn failures_back_off_refused_credentials_stop_and_rate_limits_are_honoured() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..FakeChannel::default()
    });
    *fake.mail.lock().unwrap() = vec![mail("x1@b.example", "b@b.example", "Hi", "", "x")];
    fake.poll_failures.lock().unwrap().extend([
        ConnectorError::Transient("connection reset by imap.example".into()),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(90),
        },
        ConnectorError::Auth("LOGIN refused".into()),
    ]);
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake.clone())]));

    let health = || async {
        sqlx::query_as::<_, (String, i32, Option<String>, f64, Option<String>)>(
            "SELECT status, consecutive_failures, last_error,
                    extract(epoch FROM next_poll_at - now())::float8, cursor FROM channels",
        )
        .fetch_one(&app.admin)
        .await
        .unwrap()
    };
    let due_now = || async {
        sqlx::query("UPDATE channels SET next_poll_at = now(), next_request_at = now()")
            .execute(&app.admin)
            .await
            .unwrap();
    };

    channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    let (status, failures, error, wait, cursor) = health().await;
    assert_eq!((status.as_str(), failures, cursor), ("active", 1, None));
    assert!(error.unwrap().contains("connection reset by imap.example"));
    assert!(
        (10.0..=30.5).contains(&wait),
        "first backoff is 15–30 s with jitter, got {wait}"
    );

    due_now().await;
    channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    let (_, failures, _, wait, _) = health().await;
    assert_eq!(failures, 2);
    assert!(
        (80.0..=90.5).contains(&wait),
        "retry-after is honoured, got {wait}"
    );

    due_now().await;
    channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    let (status, _, error, _, _) = health().await;
    assert_eq!(status, "auth_failed");
    assert!(error.unwrap().contains("LOGIN refused"));
    due_now().await;
    let round = channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(
        round.polled + round.failed,
        0,
        "refused credentials stop polling until the settings change"
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 0);

    // The owner fixes the password: polling resumes and the mail arrives.
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let channel = aftersail_db::channels::list(&mut tx)
        .await
        .unwrap()
        .remove(0);
    aftersail_db::channels::update_settings(&mut tx, channel.id, "Mail", &channel.settings, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sync_until_idle(&app, &connectors).await;
    let (status, failures, error, _, cursor) = health().await;
    assert_eq!(
        (status.as_str(), failures, error, cursor.as_deref()),
        ("active", 0, None, Some("1"))
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 1);
}

#[tokio::test]
async fn a_batch_whose_lease_was_lost_is_not_stored() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    sqlx::query("UPDATE channels SET requests_per_minute = 60")
        .execute(&app.admin)
        .await
        .unwrap();
    let claims = aftersail_db::channels::claim_due(&app.pool, 5, LEASE)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert!(
        aftersail_db::channels::claim_due(&app.pool, 5, LEASE)
            .await
            .unwrap()
            .is_empty(),
        "a leased channel is not claimed again"
    );
    // The claim stamped both in one statement: the lease (60 s) and the next request slot.
    let spacing: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM (now() + interval '60 seconds') - lease_until
                                   + (next_request_at - now()))::float8 FROM channels",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert!(
        (spacing - 1.0).abs() < 0.001,
        "60 requests a minute: the next one a second after the claim, got {spacing}"
    );
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let channel = aftersail_db::channels::get_leased(&mut tx, claims[0].id, claims[0].lease_id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // The lease ran out and another worker took the channel over.
    sqlx::query("UPDATE channels SET lease_id = gen_random_uuid()")
        .execute(&app.admin)
        .await
        .unwrap();
    let batch = Batch {
        items: vec![Inbound::Message(parse(&mail(
            "l1@b.example",
            "b@b.example",
            "Hi",
            "",
            "x",
        )))],
        cursor: Some("1".into()),
        more: false,
        backlog: None,
    };
    let result = aftersail_worker::ingest::apply(
        &app.pool,
        TenantId(tenant),
        &channel,
        claims[0].lease_id,
        &batch,
    )
    .await;
    assert!(matches!(
        result,
        Err(aftersail_worker::ingest::IngestError::LeaseLost)
    ));
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 0);
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM inbound_payloads").await,
        0
    );
}

/// Ingests one mail through a fake channel and queues an agent's reply to it.
async fn ticket_with_reply(
    app: &TestApp,
    tenant: uuid::Uuid,
    fake: &Arc<FakeChannel>,
    connectors: &Connectors,
) -> (TicketId, aftersail_domain::MessageId) {
    *fake.mail.lock().unwrap() = vec![mail(
        "q1@buyer.example",
        "Anna <anna@buyer.example>",
        "Where is my order?",
        "",
        "Order 123-1234567-1234567 has not arrived.",
    )];
    sync_until_idle(app, connectors).await;
    let owner = UserId(app.id_of_user("owner@example.com").await);
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let ticket: TicketId = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    let message = outbox::enqueue_reply(
        &mut tx,
        outbox::Reply {
            ticket_id: ticket,
            author: owner,
            body_text: "It ships today.",
            language: None,
            channel: "email",
            idempotency_key: "form-1",
            translate_to: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    (ticket, message)
}

async fn delivery(app: &TestApp) -> (String, i32, Option<String>, Option<String>, f64) {
    sqlx::query_as(
        "SELECT o.state, o.attempts, o.last_error, m.delivery_state,
                extract(epoch FROM o.next_attempt_at - now())::float8
         FROM outbox o JOIN messages m ON m.id = o.message_id",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn replies_are_delivered_to_the_ticket_address_with_references_and_token() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..FakeChannel::default()
    });
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake.clone())]));
    let (_ticket, message) = ticket_with_reply(&app, tenant, &fake, &connectors).await;

    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1);
    let sent = fake.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let number = scalar(&app, "SELECT number FROM tickets").await;
    assert_eq!(sent[0].to, "anna@buyer.example");
    assert_eq!(
        sent[0].subject,
        format!("Re: Where is my order? [#{number}]")
    );
    assert_eq!(sent[0].references, vec!["q1@buyer.example".to_owned()]);
    assert_eq!(sent[0].body_text, "It ships today.");
    assert!(
        sent[0].message_id.ends_with("@shop.example"),
        "{}",
        sent[0].message_id
    );
    let (state, attempts, _, message_state, _) = delivery(&app).await;
    assert_eq!(
        (state.as_str(), attempts, message_state.as_deref()),
        ("sent", 1, Some("sent"))
    );
    let external: Option<String> =
        sqlx::query_scalar("SELECT external_id FROM messages WHERE id = $1")
            .bind(message)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(external.as_deref(), Some(sent[0].message_id.as_str()));

    // Nothing is sent twice.
    let again = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(again, outbox_delivery::Round::default());

    // The buyer answers our reply: it threads by In-Reply-To into the same ticket.
    fake.mail.lock().unwrap().push(mail(
        "q2@buyer.example",
        "anna@buyer.example",
        "Thanks",
        &format!("In-Reply-To: <{}>\r\n", sent[0].message_id),
        "Great, thanks!",
    ));
    sqlx::query("UPDATE channels SET next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    sync_until_idle(&app, &connectors).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM tickets").await, 1);
}

#[tokio::test]
async fn failed_replies_are_retried_with_backoff_then_dead_and_can_be_sent_again() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..FakeChannel::default()
    });
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake.clone())]));
    let (_ticket, message) = ticket_with_reply(&app, tenant, &fake, &connectors).await;
    let due_now = || async {
        sqlx::raw_sql("UPDATE outbox SET next_attempt_at = now(); UPDATE channels SET next_request_at = now()")
            .execute(&app.admin)
            .await
            .unwrap();
    };

    fake.send_failures
        .lock()
        .unwrap()
        .push_back(ConnectorError::Transient("SMTP 451 try later".into()));
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let (state, attempts, error, message_state, wait) = delivery(&app).await;
    assert_eq!(
        (state.as_str(), attempts, message_state.as_deref()),
        ("failed", 1, Some("failed"))
    );
    assert!(error.unwrap().contains("451"));
    assert!(
        (10.0..=30.5).contains(&wait),
        "backoff with jitter, got {wait}"
    );
    assert_eq!(
        outbox_delivery::run_once(&app.pool, &connectors, LEASE)
            .await
            .unwrap(),
        outbox_delivery::Round::default(),
        "not before its time"
    );

    // A permanent refusal is dead at once.
    due_now().await;
    fake.send_failures
        .lock()
        .unwrap()
        .push_back(ConnectorError::Permanent("550 no such user".into()));
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    let (state, attempts, error, message_state, _) = delivery(&app).await;
    assert_eq!(
        (state.as_str(), attempts, message_state.as_deref()),
        ("dead", 2, Some("dead"))
    );
    assert!(error.unwrap().contains("550 no such user"));
    due_now().await;
    assert_eq!(
        outbox_delivery::run_once(&app.pool, &connectors, LEASE)
            .await
            .unwrap(),
        outbox_delivery::Round::default(),
        "dead letters wait for a person"
    );

    // An agent sends it again.
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    assert!(outbox::retry(&mut tx, message).await.unwrap());
    tx.commit().await.unwrap();
    due_now().await;
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1);
    assert_eq!(fake.sent.lock().unwrap().len(), 1);

    // Transient failures until the attempts are used up: dead.
    sqlx::query("UPDATE outbox SET state = 'queued', attempts = $1")
        .bind(outbox_delivery::MAX_ATTEMPTS - 1)
        .execute(&app.admin)
        .await
        .unwrap();
    due_now().await;
    fake.send_failures
        .lock()
        .unwrap()
        .push_back(ConnectorError::Transient("timeout".into()));
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
}

#[tokio::test]
async fn a_reply_on_a_ticket_without_a_channel_is_dead_with_a_reason() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "P").await;
    let owner = UserId(app.id_of_user("owner@example.com").await);
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let ticket: TicketId = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    outbox::enqueue_reply(
        &mut tx,
        outbox::Reply {
            ticket_id: ticket,
            author: owner,
            body_text: "Hello",
            language: None,
            channel: "email",
            idempotency_key: "k",
            translate_to: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let connectors = fakes(HashMap::new());
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    let (state, _, error, _, _) = delivery(&app).await;
    assert_eq!(state, "dead");
    assert!(error.unwrap().contains("no connected channel"));
}

#[tokio::test]
async fn shopify_webhooks_upsert_orders_poke_the_sync_and_stop_on_uninstall() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let channel = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, next_poll_at)
         VALUES ($1, $2, 'shopify', 'Shop', '{\"shop\": \"demo.myshopify.com\"}', now() + interval '1 hour')",
    )
    .bind(tenant)
    .bind(channel)
    .execute(&app.admin)
    .await
    .unwrap();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../channels/tests/shopify");
    let store = |delivery: &'static str, topic: &'static str, body: Vec<u8>| {
        let admin = app.admin.clone();
        async move {
            sqlx::query(
                "INSERT INTO webhook_events (tenant_id, id, channel_id, delivery_id, topic, body)
                 VALUES ($1, gen_random_uuid(), $2, $3, $4, $5)",
            )
            .bind(tenant)
            .bind(channel)
            .bind(delivery)
            .bind(topic)
            .bind(body)
            .execute(&admin)
            .await
            .unwrap();
        }
    };
    let order_sample = std::fs::read_dir(samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("orders_create")
        })
        .expect("an orders/create sample");
    store("d1", "orders/create", std::fs::read(order_sample).unwrap()).await;
    store("d2", "orders/create", b"{not json".to_vec()).await;

    let round = webhook_processing::run_once(&app.pool).await.unwrap();
    assert_eq!((round.processed, round.failed), (1, 1));
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM orders WHERE channel = 'shopify'"
        )
        .await,
        1
    );
    assert!(scalar(&app, "SELECT count(*) FROM order_items").await >= 1);
    let error: Option<String> =
        sqlx::query_scalar("SELECT last_error FROM webhook_events WHERE delivery_id = 'd2'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert!(
        error.is_some(),
        "a malformed delivery keeps its error for the owner"
    );

    let fulfillment = std::fs::read_dir(samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fulfillments_")
        })
        .expect("a fulfillments sample");
    store(
        "d3",
        "fulfillments/create",
        std::fs::read(fulfillment).unwrap(),
    )
    .await;
    webhook_processing::run_once(&app.pool).await.unwrap();
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM channels WHERE next_poll_at <= now()"
        )
        .await,
        1,
        "a fulfillment makes the shop sync at once"
    );

    store(
        "d4",
        "app/uninstalled",
        br#"{"id": 1, "domain": "demo.myshopify.com"}"#.to_vec(),
    )
    .await;
    webhook_processing::run_once(&app.pool).await.unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "auth_failed");
}

#[tokio::test]
async fn the_formatted_and_original_message_open_for_their_shop_only() {
    let app = spawn_app().await;
    let a = app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    let tenant = app.tenant_of("owner-a@example.com").await;
    crate::tickets::seed_for(&app, app.tenant_of("owner-b@example.com").await, 1, "B").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..FakeChannel::default()
    });
    *fake.mail.lock().unwrap() = vec![        "Message-ID: <h1@buyer.example>\r\nFrom: a@buyer.example\r\nSubject: Photo\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <p>See <img src=\"cid:pic1@buyer\"> here</p>\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <pic1@buyer>\r\n\
         Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"
    .as_bytes()
    .to_vec()];
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake)]));
    sync_until_idle(&app, &connectors).await;
    let (message, number): (uuid::Uuid, i64) = sqlx::query_as(
        "SELECT m.id, t.number FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let attachment: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM attachments WHERE content_id = 'pic1@buyer'")
            .fetch_one(&app.admin)
            .await
            .unwrap();

    let html = a
        .get(&format!("/tickets/{number}/messages/{message}/html"))
        .await;
    assert_eq!(html.status(), reqwest::StatusCode::OK);
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let body = html.text().await.unwrap();
    assert!(
        body.contains(&format!("/tickets/{number}/attachments/{attachment}")),
        "inline images point at the stored part: {body}"
    );
    let raw = a
        .get(&format!("/tickets/{number}/messages/{message}/raw"))
        .await;
    assert_eq!(raw.status(), reqwest::StatusCode::OK);
    assert!(raw
        .text()
        .await
        .unwrap()
        .starts_with("Message-ID: <h1@buyer.example>"));

    for path in [
        format!("/tickets/{number}/messages/{message}/html"),
        format!("/tickets/{number}/messages/{message}/raw"),
        format!("/tickets/{number}/messages/{}/html", uuid::Uuid::now_v7()),
    ] {
        assert_eq!(
            b.get(&path).await.status(),
            reqwest::StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

/// Two mailboxes of one shop ingesting at the same time, with the same buyers writing to
/// both, in opposite orders: every mail is stored once, in its buyer's one conversation, and
/// no batch fails. (Stored side by side, the two batches locked the same customers and
/// tickets in opposite orders and PostgreSQL aborted one as a deadlock, one to three times a
/// run; `ingest::apply` now stores one batch of a shop at a time.)
#[tokio::test]
async fn two_mailboxes_of_one_shop_ingest_at_once_without_failing() {
    use aftersail_db::channels;

    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    const BUYERS: usize = 24;
    const ROUNDS: usize = 8;
    const PAGE: usize = 12;
    let mut queues: HashMap<uuid::Uuid, VecDeque<Batch>> = HashMap::new();
    for (box_no, name) in ["Mailbox A", "Mailbox B"].into_iter().enumerate() {
        let id = add_channel(&app, tenant, name).await;
        // Buyer by buyer, in opposite orders in the two boxes.
        let mut mails = Vec::new();
        for round in 0..ROUNDS {
            for b in 0..BUYERS {
                let buyer = if box_no == 0 { b } else { BUYERS - 1 - b };
                let subject = if round == 0 && box_no == 0 {
                    format!("Order {buyer}")
                } else {
                    format!("Re: Order {buyer}")
                };
                let refs = if round == 0 && box_no == 0 {
                    String::new()
                } else {
                    format!("In-Reply-To: <r0-b{buyer}-box0@buyer.example>\r\n")
                };
                mails.push(parse(&mail(
                    &format!("r{round}-b{buyer}-box{box_no}@buyer.example"),
                    &format!("Buyer {buyer} <buyer{buyer}@buyer.example>"),
                    &subject,
                    &refs,
                    &format!("Message {round} from buyer {buyer} to box {box_no}"),
                )));
            }
        }
        let pages = mails.len().div_ceil(PAGE);
        let batches = mails
            .chunks(PAGE)
            .enumerate()
            .map(|(i, chunk)| Batch {
                items: chunk.iter().cloned().map(Inbound::Message).collect(),
                cursor: Some((i + 1).to_string()),
                more: i + 1 < pages,
                backlog: None,
            })
            .collect();
        queues.insert(id, batches);
    }
    let queues = Arc::new(Mutex::new(queues));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for _ in 0..2 {
        let (pool, admin) = (app.pool.clone(), app.admin.clone());
        let (queues, failures) = (queues.clone(), failures.clone());
        workers.push(tokio::spawn(async move {
            let deadline = std::time::Instant::now() + Duration::from_secs(120);
            while std::time::Instant::now() < deadline {
                let claim = channels::claim_due(&pool, 1, LEASE).await.unwrap();
                let Some(claim) = claim.into_iter().next() else {
                    if queues.lock().unwrap().values().all(VecDeque::is_empty) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    continue;
                };
                let batch = queues
                    .lock()
                    .unwrap()
                    .get_mut(&claim.id.0)
                    .unwrap()
                    .pop_front();
                let Some(batch) = batch else { continue };
                let mut tx = TenantTx::begin(&pool, claim.tenant_id).await.unwrap();
                let channel = channels::get_leased(&mut tx, claim.id, claim.lease_id)
                    .await
                    .unwrap()
                    .unwrap();
                tx.commit().await.unwrap();
                let result = aftersail_worker::ingest::apply(
                    &pool,
                    claim.tenant_id,
                    &channel,
                    claim.lease_id,
                    &batch,
                )
                .await;
                if let Err(err) = result {
                    failures.lock().unwrap().push(err.to_string());
                    // As the sync does: the batch comes again on the next poll.
                    queues
                        .lock()
                        .unwrap()
                        .get_mut(&claim.id.0)
                        .unwrap()
                        .push_front(batch);
                    sqlx::query(
                        "UPDATE channels SET lease_id = NULL, lease_until = NULL WHERE id = $1",
                    )
                    .bind(claim.id.0)
                    .execute(&admin)
                    .await
                    .unwrap();
                }
            }
            panic!("the mailboxes were not drained in 120 s");
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    assert_eq!(
        *failures.lock().unwrap(),
        Vec::<String>::new(),
        "no batch failed"
    );
    let total = (2 * ROUNDS * BUYERS) as i64;
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, total);
    assert_eq!(
        scalar(&app, "SELECT count(DISTINCT external_id) FROM messages").await,
        total
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM tickets").await,
        BUYERS as i64,
        "one conversation per buyer"
    );
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT count(*) FROM (SELECT ticket_id FROM messages GROUP BY ticket_id
                 HAVING count(*) = {}) t",
                2 * ROUNDS
            )
        )
        .await,
        BUYERS as i64,
        "each buyer's mails from both boxes in that conversation"
    );
}
