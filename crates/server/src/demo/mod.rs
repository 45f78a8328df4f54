//! `aftersail demo`: a demo shop to explore, created once and kept on later runs.

use aftersail_db::{
    customers, messages, orders, reply_templates, rmas, teams, tenants, tickets, triage, users,
    TenantTx,
};
use aftersail_domain::{classify, Role, TenantId, UiLocale, UserId};
use sqlx::PgPool;

pub mod generator;
mod kb;

pub const SHOP_SLUG: &str = "demo";
pub const PASSWORD: &str = "aftersail-demo";

/// (email, name, role, UI language)
pub const PEOPLE: [(&str, &str, Role, UiLocale); 3] = [
    (
        "owner@demo.example",
        "Morgan Lee",
        Role::Owner,
        UiLocale::En,
    ),
    (
        "li.wei@demo.example",
        "李伟 Li Wei",
        Role::Agent,
        UiLocale::ZhCn,
    ),
    (
        "anna@demo.example",
        "Anna Schmidt",
        Role::Agent,
        UiLocale::En,
    ),
];

/// Creates the transaction's shop and its people, all with the demo password; returns the
/// people's ids in the order given.
pub(crate) async fn create_shop(
    tx: &mut TenantTx,
    slug: &str,
    name: &str,
    people: &[(&str, &str, Role, UiLocale)],
) -> anyhow::Result<Vec<UserId>> {
    let hash = aftersail_web::auth::password::hash(PASSWORD.to_owned()).await?;
    tenants::create(tx, slug, name).await?;
    let mut ids = Vec::with_capacity(people.len());
    for &(email, person, role, ui_locale) in people {
        let id = UserId::new();
        let new_user = users::NewUser {
            id,
            email,
            name: person,
            role,
            password_hash: &hash,
            ui_locale,
        };
        users::create(tx, new_user).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Creates the demo shop unless it exists. Returns whether it was created now.
pub async fn seed(pool: &PgPool) -> anyhow::Result<bool> {
    if users::login_candidate(pool, PEOPLE[0].0).await?.is_some() {
        return Ok(false);
    }
    let mut tx = TenantTx::begin(pool, TenantId::new()).await?;
    // The demo's conversations are history: rules act on what happens from now on.
    tx.without_automation().await?;
    let ids = create_shop(&mut tx, SHOP_SLUG, "Demo Outdoor Store", &PEOPLE).await?;
    let eu = teams::create(&mut tx, "EU returns").await?;
    teams::add_member(&mut tx, eu, ids[2]).await?;
    let cn = teams::create(&mut tx, "中文客服").await?;
    teams::add_member(&mut tx, cn, ids[1]).await?;
    conversations(&mut tx, ids[2]).await?;
    for (name, body) in TEMPLATES {
        reply_templates::create(&mut tx, name, body).await?;
    }
    returns_setup(&mut tx).await?;
    automation_setup(&mut tx, eu).await?;
    kb::seed(&mut tx, ids[0]).await?;
    tx.commit().await?;
    Ok(true)
}

/// Office hours, two SLA policies (a marketplace's 24 h clock and office-hours targets) and
/// four rules to look at and try: the bot for the questions it answers, an out-of-hours
/// acknowledgement in the buyer's language, escalation on words like "chargeback", and
/// German tickets to the EU team.
async fn automation_setup(
    tx: &mut TenantTx,
    eu_team: aftersail_domain::TeamId,
) -> anyhow::Result<()> {
    use serde_json::json;
    let tenant = tx.tenant();
    let calendar = uuid::Uuid::now_v7();
    let weekdays: Vec<_> = ["Mon", "Tue", "Wed", "Thu", "Fri"]
        .iter()
        .map(|d| json!({"day": d, "open": "09:00:00", "close": "18:00:00"}))
        .collect();
    sqlx::query(
        "INSERT INTO business_calendars (tenant_id, id, name, time_zone, hours, holidays)
         VALUES ($1, $2, 'Shenzhen office', 'Asia/Shanghai', $3, ARRAY['2027-02-16', '2027-02-17', '2027-02-18']::date[])",
    )
    .bind(tenant)
    .bind(calendar)
    .bind(json!(weekdays))
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE tenants SET business_calendar_id = $2 WHERE id = $1")
        .bind(tenant)
        .bind(calendar)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO sla_policies (tenant_id, id, name, position, channels, first_reply_minutes,
                                   next_reply_minutes, resolution_minutes, calendar_id, warn_minutes,
                                   breach_priority, breach_notify)
         VALUES ($1, $2, 'Marketplace 24 h', 0, ARRAY['amazon', 'ebay'], 1440, 1440, NULL, NULL, 120, 'high', 'assignee'),
                ($1, $3, 'Office hours', 1, '{}', 240, 480, 2880, $4, 30, 'high', 'admins')",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(uuid::Uuid::now_v7())
    .bind(calendar)
    .execute(tx.conn())
    .await?;
    let template = reply_templates::create(
        tx,
        "Out of office hours",
        "Hi {{customer.first_name}}, thanks for your message. Our team is back at 09:00 (China time) and will answer you then. — {{shop.name}}",
    )
    .await?;
    for (language, body) in [
        ("de", "Hallo {{customer.first_name}}, danke für Ihre Nachricht. Unser Team ist ab 9:00 Uhr (China) wieder da und antwortet Ihnen dann. — {{shop.name}}"),
        ("zh", "{{customer.first_name}} 您好，感谢您的留言。我们的团队将于北京时间 9:00 上班后回复您。— {{shop.name}}"),
    ] {
        sqlx::query("INSERT INTO reply_template_bodies (tenant_id, template_id, language, body) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind(template)
            .bind(language)
            .bind(body)
            .execute(tx.conn())
            .await?;
    }
    let rules = [
        (
            "Bot: tracking, returns, refunds and how-tos",
            "message_received",
            json!({"conditions": {"all": [{"field": "message.intent", "op": "in",
                                           "value": ["order_status", "not_received", "return_request",
                                                     "refund_status", "product_question"]}]},
                   "actions": [{"type": "bot_answer"}]}),
        ),
        (
            "Out-of-hours acknowledgement",
            "message_received",
            json!({"conditions": {"all": [{"field": "business_hours", "op": "is", "value": false},
                                          {"field": "ticket.channel", "op": "is", "value": "email"}]},
                   "actions": [{"type": "reply", "template": template}, {"type": "add_tags", "tags": ["out-of-hours"]}]}),
        ),
        (
            "Escalate threats of claims",
            "message_received",
            json!({"conditions": {"any": [{"field": "message.text", "op": "contains_any",
                                           "value": ["chargeback", "lawyer", "a-to-z", "Anwalt", "投诉", "差评"]}]},
                   "actions": [{"type": "set_priority", "priority": "urgent"}, {"type": "add_tags", "tags": ["escalated"]},
                               {"type": "notify", "to": {"kind": "admins"}, "text": "A buyer threatens a claim"}]}),
        ),
        (
            "German tickets to the EU team",
            "ticket_created",
            json!({"conditions": {"all": [{"field": "ticket.language", "op": "is", "value": "de"}]},
                   "actions": [{"type": "assign", "to": {"kind": "team", "team": eu_team, "method": "round_robin"}}]}),
        ),
    ];
    for (position, (name, trigger, definition)) in rules.into_iter().enumerate() {
        // The bot goes first and stops the rest when it took the message (no second
        // acknowledgement on top of its answer).
        sqlx::query(
            "INSERT INTO rules (tenant_id, id, name, position, trigger, definition, stop)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(uuid::Uuid::now_v7())
        .bind(name)
        .bind(position as i32)
        .bind(trigger)
        .bind(definition)
        .bind(position == 0)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// The EU preset and two return destinations: a German return centre for EU buyers and the
/// home warehouse for everyone else.
async fn returns_setup(tx: &mut TenantTx) -> anyhow::Result<()> {
    use aftersail_db::return_config;
    use aftersail_domain::money::Money;
    use aftersail_domain::returns::{presets, Lane, Market, Warehouse, WarehouseKind};
    use aftersail_domain::WarehouseId;

    return_config::save_policy(tx, &presets::eu(), Some("eu")).await?;
    let lane = |from: &str, minor: i64| Lane {
        from: Market::parse(from).expect("a country"),
        cost: Money::new(minor, "EUR"),
    };
    let eu = Market::parse("EU").expect("EU is a region");
    let centre = Warehouse {
        id: WarehouseId::new(),
        name: "Returns centre Leipzig".into(),
        kind: WarehouseKind::ReturnCentre,
        serves: vec![eu],
        lanes: vec![
            lane("DE", 450),
            lane("FR", 890),
            lane("IT", 990),
            lane("ES", 990),
            lane("NL", 690),
        ],
        accepts_repairs: true,
    };
    return_config::save_warehouse(
        tx,
        &centre,
        "Retourenzentrum, Am Exer 7, 04158 Leipzig, Germany",
        true,
    )
    .await?;
    let home = Warehouse {
        id: WarehouseId::new(),
        name: "Home warehouse Shenzhen".into(),
        kind: WarehouseKind::Home,
        serves: ["US", "GB", "JP"]
            .into_iter()
            .filter_map(Market::parse)
            .collect(),
        lanes: vec![lane("US", 2400), lane("GB", 1900), lane("JP", 1500)],
        accepts_repairs: false,
    };
    return_config::save_warehouse(tx, &home, "Bao'an District, Shenzhen 518000, China", true)
        .await?;
    Ok(())
}

/// Reply templates agents of the demo shop can insert.
const TEMPLATES: [(&str, &str); 3] = [
    (
        "Tracking number",
        "Hi {{customer.first_name}},\n\nyour order {{order.number}} is on its way with {{order.carrier}}: tracking number {{order.tracking}}.\n\nBest regards,\n{{agent.name}}",
    ),
    (
        "Return label sent",
        "Hi {{customer.first_name}},\n\nwe are sorry about the trouble with order {{order.number}}. A prepaid return label is on its way by email; once the parcel reaches us we refund you within 3 working days.\n\nBest regards,\n{{agent.name}}",
    ),
    (
        "物流查询（中文）",
        "{{customer.name}} 您好，\n\n您的订单 {{order.number}} 已由 {{order.carrier}} 发出，运单号：{{order.tracking}}。\n\n祝好，\n{{agent.name}}",
    ),
];

/// One buyer conversation of the demo: who, which order, and what was said.
struct Conversation {
    customer: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    channel: &'static str,
    order: &'static str,
    items: &'static [(&'static str, &'static str, i32, i64)],
    subject: &'static str,
    status: &'static str,
    priority: &'static str,
    kind: &'static str,
    tags: &'static [&'static str],
    sentiment: &'static str,
    /// (hours ago, inbound?, text)
    messages: &'static [(i64, bool, &'static str)],
}

const CONVERSATIONS: [Conversation; 5] = [
    Conversation {
        customer: ("Lukas Becker", "lukas.becker@example.de", "DE", "de", "EUR"),
        channel: "amazon",
        order: "302-4417283-1958712",
        items: &[("TENT-2P-GRN", "Trekking tent 2P, green", 1, 14999)],
        subject: "Zelt beschädigt angekommen",
        status: "open",
        priority: "high",
        kind: "return",
        tags: &["damaged"],
        sentiment: "negative",
        messages: &[
            (30, true, "Hallo, das Zelt ist mit einem Riss im Außenzelt angekommen. Ich möchte es zurückgeben."),
            (26, false, "Hallo Lukas, das tut uns leid! Wir haben eine Rücksendung angelegt: RMA-000001. Das Etikett kommt per E-Mail."),
        ],
    },
    Conversation {
        customer: ("佐藤 花子", "hanako.sato@example.jp", "JP", "ja", "JPY"),
        channel: "amazon",
        order: "503-1184420-7730214",
        items: &[("LAMP-USB-WHT", "USB camping lamp, white", 2, 2980)],
        subject: "注文した商品がまだ届きません",
        status: "new",
        priority: "normal",
        kind: "shipping",
        tags: &["late-delivery"],
        sentiment: "neutral",
        messages: &[(3, true, "注文から10日経ちましたが、まだ商品が届いていません。追跡番号を教えてください。")],
    },
    Conversation {
        customer: ("王磊", "wang.lei@example.cn", "CN", "zh", "CNY"),
        channel: "shopify",
        order: "#1043",
        items: &[("BAG-30L-BLK", "Daypack 30 L, black", 1, 45900)],
        subject: "订单能否改地址？",
        status: "open",
        priority: "normal",
        kind: "question",
        tags: &[],
        sentiment: "neutral",
        messages: &[(5, true, "你好，我的订单 #1043 还没发货，能不能把收货地址改成上海的新地址？")],
    },
    Conversation {
        customer: ("Emily Carter", "emily.carter@example.co.uk", "GB", "en", "GBP"),
        channel: "ebay",
        order: "12-11234-56789",
        items: &[("STOVE-GAS-MINI", "Mini gas stove", 1, 3499)],
        subject: "Item not received",
        status: "pending",
        priority: "urgent",
        kind: "shipping",
        tags: &["vip", "late-delivery"],
        sentiment: "negative",
        messages: &[
            (52, true, "My parcel shows delivered but it is not here. I will open a case if this is not solved."),
            (50, false, "Hi Emily, we have asked Royal Mail for the GPS proof of delivery and will update you within 24 hours."),
        ],
    },
    Conversation {
        customer: ("Sofia Rossi", "sofia.rossi@example.it", "IT", "it", "EUR"),
        channel: "shopee",
        order: "240615ABCD1234",
        items: &[("MAT-SELFINF", "Self-inflating sleeping mat", 1, 5999)],
        subject: "Richiesta fattura",
        status: "solved",
        priority: "low",
        kind: "billing",
        tags: &[],
        sentiment: "positive",
        messages: &[
            (120, true, "Buongiorno, potreste inviarmi la fattura dell'ordine?"),
            (118, false, "Buongiorno Sofia, trova la fattura allegata. Grazie per l'acquisto!"),
        ],
    },
];

/// Customers, orders, tickets with their threads, and one return for the first of them.
async fn conversations(tx: &mut TenantTx, replier: UserId) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    for (i, c) in CONVERSATIONS.iter().enumerate() {
        let (name, email, country, language, currency) = c.customer;
        let customer = customers::create(
            tx,
            customers::NewCustomer {
                name,
                email: Some(email),
                country: Some(country),
                language: Some(language),
                currency,
            },
        )
        .await?;
        let ordered_at = now - chrono::Duration::days(12 + i as i64);
        let (order, items) = orders::create(
            tx,
            orders::NewOrder {
                customer_id: customer,
                channel: c.channel,
                external_id: c.order,
                status: if c.kind == "question" {
                    "unshipped"
                } else {
                    "shipped"
                },
                currency,
                shipping_country: Some(country),
                carrier: Some("DHL"),
                tracking_number: Some("00340434161094015902"),
                ordered_at,
                delivered_at: (c.kind == "return").then(|| ordered_at + chrono::Duration::days(4)),
                items: c.items,
            },
        )
        .await?;
        let first_at = now - chrono::Duration::hours(c.messages[0].0);
        let (ticket, _) = tickets::create(
            tx,
            tickets::NewTicket {
                channel: c.channel,
                customer_id: customer,
                order_id: Some(order),
                subject: c.subject,
                status: c.status,
                priority: c.priority,
                kind: Some(c.kind),
                language: Some(language),
                at: first_at,
            },
        )
        .await?;
        let tags: Vec<String> = c.tags.iter().map(|t| (*t).to_owned()).collect();
        tickets::set_tags(tx, ticket, &tags).await?;
        // As a 24 h first-response / 48 h next-reply SLA policy would set them.
        let last_at = now - chrono::Duration::hours(c.messages[c.messages.len() - 1].0);
        tickets::set_sla(
            tx,
            ticket,
            Some(first_at + chrono::Duration::hours(24)),
            Some(last_at + chrono::Duration::hours(48)),
        )
        .await?;
        tickets::set_sentiment(tx, ticket, Some(c.sentiment)).await?;
        for (n, (hours_ago, inbound, text)) in c.messages.iter().enumerate() {
            let external_id = format!("demo-{i}-{n}");
            let message = messages::create(
                tx,
                messages::NewMessage {
                    ticket_id: ticket,
                    kind: if *inbound { "inbound" } else { "outbound" },
                    author: (!inbound).then_some(replier),
                    body_text: text,
                    language: Some(language),
                    channel: c.channel,
                    external_id: inbound.then_some(external_id.as_str()),
                    delivery_state: (!inbound).then_some("sent"),
                    at: now - chrono::Duration::hours(*hours_ago),
                },
            )
            .await?;
            if *inbound {
                // Read as ingest reads a buyer's message: intent, sentiment, escalations and
                // the priority they call for.
                let c = classify::classify(text, Some(language));
                triage::record_and_apply(tx, ticket, message, Some(language), &c).await?;
            }
        }
        if i == 0 {
            rmas::create(
                tx,
                rmas::NewRma {
                    order_id: order,
                    customer_id: customer,
                    ticket_id: Some(ticket),
                    status: "approved",
                    reason: "damaged_in_transit",
                    resolution: Some("refund"),
                    items: &[(items[0], 1)],
                    at: now - chrono::Duration::hours(26),
                },
            )
            .await?;
        }
    }
    Ok(())
}
