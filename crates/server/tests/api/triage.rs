//! Triage and the bot against real PostgreSQL: every buyer message ingested is read
//! (language, intent, sentiment, escalation), the ticket's priority goes up with its reasons
//! shown on the page, agents flag abusive customers, and the `bot_answer` rule action answers
//! in the buyer's language or hands the ticket to a person; deflection is counted.

use std::time::Duration;

use aftersail_channels::email::parse::parse;
use aftersail_db::{bot, channels, orders, TenantTx};
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::automation::{run_once, Settings};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::json;

use crate::automation::{shop, Shop};
use crate::channel_sync::{add_channel, mail, scalar};
use crate::helpers::*;

const LEASE: Duration = Duration::from_secs(60);

/// Stores mails the way the worker's ingest does (one transaction each).
async fn ingest(s: &Shop, channel: uuid::Uuid, mails: &[Vec<u8>]) {
    let mut tx = s.tx().await;
    let channel = channels::get(&mut tx, ChannelId(channel))
        .await
        .unwrap()
        .unwrap();
    for raw in mails {
        let m = parse(raw);
        assert!(
            aftersail_worker::ingest::store_message(&mut tx, &channel, &m)
                .await
                .unwrap(),
            "stored"
        );
    }
    tx.commit().await.unwrap();
}

async fn text(s: &Shop, sql: &str) -> Option<String> {
    sqlx::query_scalar(sql)
        .bind(s.tenant)
        .fetch_one(&s.app.admin)
        .await
        .unwrap()
}

async fn run_rules(s: &Shop) {
    let settings = Settings {
        public_url: Some("https://help.example".into()),
    };
    for _ in 0..10 {
        let round = run_once(&s.app.pool, &settings, Utc::now(), LEASE)
            .await
            .unwrap();
        if !round.busy() {
            return;
        }
    }
}

#[tokio::test]
async fn buyer_messages_are_read_and_raise_priority_with_reasons() {
    let s = shop("triage").await;
    let owner = s.app.browser();
    owner.log_in("owner@triage.example", PASSWORD).await;
    owner.refresh_csrf().await;
    let channel = add_channel(&s.app, s.tenant, "Mail").await;
    ingest(
        &s,
        channel,
        &[
            mail(
                "t1@b.example",
                "Jonas <jonas@b.example>",
                "Bestellung 4711",
                "",
                "Wo ist mein Paket? Ich warte seit zwei Wochen und niemand antwortet. Wenn es bis \
                 Freitag nicht da ist, eröffne ich einen PayPal-Konflikt und schreibe eine \
                 schlechte Bewertung!",
            ),
            mail(
                "t2@c.example",
                "Claire <claire@c.example>",
                "Invoice",
                "",
                "Hello, could you please send me an invoice for my order? Thank you!",
            ),
        ],
    )
    .await;

    // The German message: read, and the ticket urgent with its reasons.
    let lang = text(
        &s,
        "SELECT language FROM messages WHERE tenant_id = $1 AND external_id = 't1@b.example'",
    )
    .await;
    assert_eq!(lang.as_deref(), Some("de"));
    let escalations: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(escalations) FROM tickets WHERE subject = 'Bestellung 4711' ORDER BY 1",
    )
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert!(
        escalations
            .iter()
            .any(|e| e == "chargeback" || e == "claim")
            && escalations.iter().any(|e| e == "bad_review"),
        "PayPal dispute and a bad review threatened: {escalations:?}"
    );
    let (priority, sentiment, language): (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT priority, sentiment, language FROM tickets WHERE subject = 'Bestellung 4711'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(priority, "urgent");
    assert_eq!(sentiment.as_deref(), Some("negative"));
    assert_eq!(language.as_deref(), Some("de"));
    let history: (Option<uuid::Uuid>, String, String) = sqlx::query_as(
        "SELECT actor_id, from_value, to_value FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE t.subject = 'Bestellung 4711' AND e.kind = 'priority'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(history, (None, "normal".into(), "urgent".into()));
    assert_eq!(
        scalar(
            &s.app,
            "SELECT complaint_count::bigint FROM customers WHERE email = 'jonas@b.example'"
        )
        .await,
        1,
        "a threat counts against the customer's record"
    );
    let number: i64 =
        sqlx::query_scalar("SELECT number FROM tickets WHERE subject = 'Bestellung 4711'")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    let page = owner.page(&format!("/tickets/{number}")).await;
    let why = between(&page, "id=\"priority-reasons\"", "</p>").expect("reasons shown");
    assert!(why.contains("Threatens a bad review"), "{why}");
    assert!(page.contains("data-escalation=\"bad_review\""));

    // The polite English invoice request: read, nothing raised.
    let (intent, priority, reasons): (Option<String>, String, serde_json::Value) = sqlx::query_as(
        "SELECT intent, priority, priority_reasons FROM tickets WHERE subject = 'Invoice'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(intent.as_deref(), Some("invoice_request"));
    assert_eq!(priority, "normal");
    assert_eq!(reasons, json!([]));
    let invoice: i64 = sqlx::query_scalar("SELECT number FROM tickets WHERE subject = 'Invoice'")
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert!(!owner
        .page(&format!("/tickets/{invoice}"))
        .await
        .contains("id=\"priority-reasons\""));

    // An agent flags Claire as abusive: her next message goes up a step, and says why.
    let path = format!("/tickets/{invoice}/customer/abusive");
    assert_eq!(
        owner.post(&path, &[("abusive", "maybe")]).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        owner.post(&path, &[("abusive", "1")]).await.status(),
        StatusCode::SEE_OTHER
    );
    ingest(
        &s,
        channel,
        &[mail(
            "t3@c.example",
            "Claire <claire@c.example>",
            "Re: Invoice",
            "In-Reply-To: <t2@c.example>\r\n",
            "Thank you! Could you please also put my company name on the invoice?",
        )],
    )
    .await;
    let (priority, reasons): (String, serde_json::Value) =
        sqlx::query_as("SELECT priority, priority_reasons FROM tickets WHERE subject = 'Invoice'")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(priority, "high");
    assert!(reasons.to_string().contains("abusive"), "{reasons}");
    let audit = scalar(
        &s.app,
        "SELECT count(*) FROM audit_events WHERE action = 'customer.flagged_abusive'",
    )
    .await;
    assert_eq!(audit, 1);

    // Another shop cannot flag this shop's customers.
    let other = s.app.shop("other-shop", "owner@other.example").await;
    assert_eq!(
        other.post(&path, &[("abusive", "0")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scalar(&s.app, "SELECT count(*) FROM customers WHERE abusive").await,
        1
    );
}

/// A shop with a bot rule on every buyer message, a mail channel, and an order with tracking.
async fn bot_shop(slug: &str) -> (Shop, uuid::Uuid) {
    let s = shop(slug).await;
    s.rule(
        "Bot",
        "message_received",
        json!({"all": [], "any": [], "actions": [{"type": "bot_answer"}]}),
    )
    .await;
    let channel = add_channel(&s.app, s.tenant, "Mail").await;
    (s, channel)
}

/// Links an order with tracking to the ticket with this subject.
async fn link_order(s: &Shop, subject: &str, number: &str, tracking: Option<&str>) -> uuid::Uuid {
    let ticket = sqlx::query_as::<_, (uuid::Uuid, uuid::Uuid)>(
        "SELECT id, customer_id FROM tickets WHERE subject = $1",
    )
    .bind(subject)
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    let mut tx = s.tx().await;
    let (order, _) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: aftersail_domain::CustomerId(ticket.1),
            channel: "shopify",
            external_id: number,
            status: "shipped",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: Some("DHL"),
            tracking_number: tracking,
            ordered_at: Utc::now(),
            delivered_at: None,
            items: &[("SKU-1", "Camping chair", 1, 4990)],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("UPDATE tickets SET order_id = $1 WHERE id = $2")
        .bind(order.0)
        .bind(ticket.0)
        .execute(&s.app.admin)
        .await
        .unwrap();
    ticket.0
}

#[tokio::test]
async fn the_bot_answers_in_the_buyers_language_and_hands_off_what_it_cannot() {
    let (s, channel) = bot_shop("botshop").await;
    // Ingest without a rule run first, so the order can be linked before the bot reads.
    ingest(
        &s,
        channel,
        &[
            mail(
                "b1@x.example",
                "Ann <ann@x.example>",
                "Where is my parcel",
                "",
                "Hi, where is my order? I ordered a week ago and would like to know when it arrives.",
            ),
            mail(
                "b2@x.example",
                "Li <li@x.example>",
                "包裹",
                "",
                "你好，我的包裹到哪里了？请告诉我物流信息。",
            ),
            mail(
                "b3@x.example",
                "Bo <bo@x.example>",
                "Return",
                "",
                "Hello, I would like to return the chair I bought. How do I send it back?",
            ),
            mail(
                "b4@x.example",
                "Cy <cy@x.example>",
                "Broken!!",
                "",
                "The chair arrived broken and smells of burning plastic, this is dangerous. I will \
                 report you to consumer protection.",
            ),
        ],
    )
    .await;
    let ann = link_order(&s, "Where is my parcel", "A-1042", Some("JJD000390007")).await;
    let li = link_order(&s, "包裹", "A-1043", Some("JJD000390008")).await;
    link_order(&s, "Return", "A-1044", None).await;
    run_rules(&s).await;

    let reply = |ticket: uuid::Uuid| {
        let admin = s.app.admin.clone();
        async move {
            sqlx::query_as::<_, (String, Option<String>, Option<String>, Option<String>)>(
                "SELECT body_text, language, automated, delivery_state FROM messages
                 WHERE ticket_id = $1 AND kind = 'outbound'",
            )
            .bind(ticket)
            .fetch_all(&admin)
            .await
            .unwrap()
        }
    };
    // Ann: tracking, in English, labelled, queued for delivery; the ticket waits on her.
    let ann_replies = reply(ann).await;
    assert_eq!(ann_replies.len(), 1, "{ann_replies:?}");
    let (body, language, automated, state) = &ann_replies[0];
    assert!(
        body.contains("A-1042") && body.contains("JJD000390007"),
        "{body}"
    );
    assert!(body.contains("https://"), "a tracking link: {body}");
    assert!(body.contains("automated answer"), "{body}");
    assert_eq!(language.as_deref(), Some("en"));
    assert_eq!(automated.as_deref(), Some("bot"));
    assert_eq!(state.as_deref(), Some("queued"));
    let ann_status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(ann)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(ann_status, "pending");
    assert_eq!(
        scalar(&s.app, "SELECT count(*) FROM outbox").await,
        3,
        "three answers queued (Ann, Li, Bo)"
    );

    // Li: answered in Chinese.
    let li_replies = reply(li).await;
    assert_eq!(li_replies.len(), 1);
    assert!(
        li_replies[0].0.contains("物流单号：JJD000390008"),
        "{}",
        li_replies[0].0
    );
    assert_eq!(li_replies[0].1.as_deref(), Some("zh"));

    // Bo: the returns portal, prefilled with his order and email; the link opens filled in.
    let bo: String = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.subject = 'Return' AND m.kind = 'outbound'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    let link = "https://help.example/p/botshop/returns?order=A-1044&email=bo%40x.example&lang=en";
    assert!(bo.contains(link), "{bo}");
    let portal = s
        .app
        .browser()
        .page("/p/botshop/returns?order=A-1044&email=bo%40x.example&lang=en")
        .await;
    assert!(portal.contains("value=\"A-1044\"") && portal.contains("value=\"bo@x.example\""));

    // Cy: a safety hazard and a legal threat: a person answers; a note says why.
    let (tags, note): (Vec<String>, String) = sqlx::query_as(
        "SELECT t.tags, m.body_text FROM tickets t JOIN messages m ON m.ticket_id = t.id AND m.kind = 'note'
         WHERE t.subject = 'Broken!!'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert!(tags.contains(&"needs-human".to_owned()), "{tags:?}");
    assert!(note.contains("escalated"), "{note}");

    // Ann writes again: the bot steps aside instead of answering twice.
    ingest(
        &s,
        channel,
        &[mail(
            "b5@x.example",
            "Ann <ann@x.example>",
            "Re: Where is my parcel",
            "In-Reply-To: <b1@x.example>\r\n",
            "The tracking link does not work, where is my order?",
        )],
    )
    .await;
    run_rules(&s).await;
    assert_eq!(reply(ann).await.len(), 1, "no second bot answer");
    let outcomes: Vec<(String, String)> = sqlx::query_as(
        "SELECT outcome, kind FROM bot_answers WHERE ticket_id = $1 ORDER BY created_at",
    )
    .bind(ann)
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(
        outcomes,
        vec![
            ("answered".to_owned(), "tracking".to_owned()),
            ("handoff".to_owned(), "after_bot_answer".to_owned())
        ]
    );

    // Deflection: four tickets, three answered, Ann's came back: two deflected.
    let mut tx = TenantTx::begin(&s.app.pool, TenantId(s.tenant))
        .await
        .unwrap();
    let d = bot::deflection(
        &mut tx,
        Utc::now() - chrono::Duration::days(1),
        Utc::now() + chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    assert_eq!(
        d,
        bot::Deflection {
            tickets: 4,
            answered: 3,
            handed_off: 1,
            deflected: 2
        }
    );
    assert_eq!(d.rate(), Some(50.0));
}

#[tokio::test]
async fn how_to_questions_get_the_help_article_that_answers_them() {
    let (s, channel) = bot_shop("kbbot").await;
    let mut tx = s.tx().await;
    let article = aftersail_db::kb::create(
        &mut tx,
        None,
        0,
        None,
        &aftersail_db::kb::TranslationInput {
            locale: "en",
            slug: "pair-bluetooth-headphones",
            title: "How to pair the Bluetooth headphones",
            body_markdown: "Hold the power button for five seconds until the light blinks blue, \
                            then choose the headphones in your phone's Bluetooth settings.",
        },
    )
    .await
    .unwrap();
    aftersail_db::kb::set_published(&mut tx, article, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ingest(
        &s,
        channel,
        &[
            mail(
                "k1@x.example",
                "Dee <dee@x.example>",
                "Question",
                "",
                "Hi, how do I pair the bluetooth headphones with my phone? I cannot find them.",
            ),
            mail(
                "k2@x.example",
                "Eve <eve@x.example>",
                "Question about size",
                "",
                "Hello, does the camping chair come in a bigger size for tall people?",
            ),
        ],
    )
    .await;
    run_rules(&s).await;
    let answered: Vec<(String, String, Option<uuid::Uuid>)> = sqlx::query_as(
        "SELECT t.subject, b.kind, b.article_id FROM bot_answers b JOIN tickets t ON t.id = b.ticket_id
         ORDER BY t.subject",
    )
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(
        answered,
        vec![
            ("Question".to_owned(), "article".to_owned(), Some(article.0)),
            (
                "Question about size".to_owned(),
                "no_article".to_owned(),
                None
            ),
        ],
        "the unrelated question goes to a person"
    );
    let body: String = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.subject = 'Question' AND m.kind = 'outbound'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert!(
        body.contains("How to pair the Bluetooth headphones\nhttps://help.example/p/kbbot/help/a/pair-bluetooth-headphones?lang=en"),
        "{body}"
    );
    // The link opens the published article.
    let page = s
        .app
        .browser()
        .page("/p/kbbot/help/a/pair-bluetooth-headphones?lang=en")
        .await;
    assert!(page.contains("five seconds"));
}
