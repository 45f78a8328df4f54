//! `aftersail demo --tickets N`: bulk, realistic, multilingual tickets for benchmarks.
//!
//! Everything is generated inside PostgreSQL with set-based `INSERT … SELECT` over
//! `generate_series`, one transaction per batch. `COPY FROM` would be faster still, but
//! PostgreSQL refuses it on tables with row-level security for anyone but their owner, and
//! the app pool deliberately is not the owner: going through [`TenantTx`] keeps the RLS
//! `WITH CHECK` as a guard that every generated row belongs to the shop being filled.
//!
//! A run's tickets are spread over the last 359 days in number order, oldest first, and
//! inserted in that order, as a shop writes them: a day's rows lie together in the tables.
//!
//! Randomness is a hash of the ticket number (or the customer's key), so the same database
//! state always yields the same data. Each batch allocates its ticket numbers as one block,
//! so running the command again appends further tickets and never reuses a number.

use std::time::{Duration, Instant};

use aftersail_db::{users, TenantTx};
use aftersail_domain::{Role, TenantId, UiLocale};
use anyhow::Context;
use sqlx::{ConnectOptions, PgPool};

use super::{PEOPLE, SHOP_SLUG};

/// Tickets per transaction: large enough that per-statement overhead vanishes, small enough
/// that the batch's temporary tables stay modest and progress shows often.
pub const BATCH_SIZE: u64 = 50_000;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Volume {
    /// Tickets added to the demo shop.
    pub tickets: u64,
    /// Extra shops ("noise-1", …), each given a tenth as many tickets.
    pub noise_tenants: u32,
    pub batch_size: u64,
}

impl Volume {
    pub fn new(tickets: u64, noise_tenants: u32) -> Self {
        Self {
            tickets,
            noise_tenants,
            batch_size: BATCH_SIZE,
        }
    }
}

/// What a run added.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub tickets: u64,
    /// Rows in all tables (customers, orders, items, tickets, messages).
    pub rows: u64,
    pub elapsed: Duration,
}

/// Adds `volume.tickets` tickets to the demo shop (which [`super::seed`] must have created)
/// and a tenth as many to each noise shop, creating those shops on first use.
pub async fn generate(pool: &PgPool, volume: Volume) -> anyhow::Result<Summary> {
    anyhow::ensure!(volume.batch_size > 0, "batch size must be positive");
    let started = Instant::now();
    // Bulk statements take seconds by design; sqlx would log each as a slow-statement
    // warning, so the generator uses a quiet connection of its own (still the app role).
    let quiet = pool
        .connect_options()
        .as_ref()
        .clone()
        .disable_statement_logging();
    let pool = &aftersail_db::connect(quiet, 1).await?;
    let text = Texts::new();
    let mut shops = vec![(SHOP_SLUG.to_owned(), demo_shop(pool).await?, volume.tickets)];
    for k in 1..=volume.noise_tenants {
        let slug = format!("noise-{k}");
        let shop = noise_shop(pool, &slug).await?;
        shops.push((slug, shop, volume.tickets / 10));
    }
    let mut total = Summary {
        tickets: 0,
        rows: 0,
        elapsed: Duration::ZERO,
    };
    for (slug, shop, count) in &shops {
        let rows = fill(pool, &text, slug, shop, *count, volume.batch_size).await?;
        total.tickets += count;
        total.rows += rows;
    }
    pool.close().await;
    total.elapsed = started.elapsed();
    tracing::info!(
        tickets = total.tickets,
        rows = total.rows,
        seconds = total.elapsed.as_secs_f64(),
        "demo data generated"
    );
    Ok(total)
}

/// A shop to fill: its tenant and the agents who answer its buyers.
struct Shop {
    tenant: TenantId,
    agents: Vec<uuid::Uuid>,
}

async fn demo_shop(pool: &PgPool) -> anyhow::Result<Shop> {
    let owner = users::login_candidate(pool, PEOPLE[0].0)
        .await?
        .context("the demo shop does not exist yet (run the demo seed first)")?;
    let mut agents = Vec::new();
    for (email, _, role, _) in PEOPLE {
        if role == Role::Agent {
            if let Some(agent) = users::login_candidate(pool, email).await? {
                agents.push(agent.user_id.0);
            }
        }
    }
    anyhow::ensure!(!agents.is_empty(), "the demo shop has no agents");
    Ok(Shop {
        tenant: owner.tenant_id,
        agents,
    })
}

/// Finds the noise shop by its owner's address (tenants are invisible by slug under RLS),
/// or creates it with an owner and one agent.
async fn noise_shop(pool: &PgPool, slug: &str) -> anyhow::Result<Shop> {
    let owner_email = format!("owner@{slug}.example");
    let agent_email = format!("agent@{slug}.example");
    if let Some(owner) = users::login_candidate(pool, &owner_email).await? {
        let agent = users::login_candidate(pool, &agent_email)
            .await?
            .with_context(|| format!("{agent_email} is missing"))?;
        return Ok(Shop {
            tenant: owner.tenant_id,
            agents: vec![agent.user_id.0],
        });
    }
    let tenant = TenantId::new();
    let mut tx = TenantTx::begin(pool, tenant).await?;
    let people = [
        (
            owner_email.as_str(),
            "Noise Owner",
            Role::Owner,
            UiLocale::En,
        ),
        (
            agent_email.as_str(),
            "Noise Agent",
            Role::Agent,
            UiLocale::En,
        ),
    ];
    let ids = super::create_shop(&mut tx, slug, &format!("Noise shop {slug}"), &people).await?;
    let agent = ids[1];
    tx.commit().await?;
    tracing::info!(shop = slug, "noise shop created");
    Ok(Shop {
        tenant,
        agents: vec![agent.0],
    })
}

/// Adds `count` tickets to one shop, batch by batch, logging progress after each.
async fn fill(
    pool: &PgPool,
    text: &Texts,
    slug: &str,
    shop: &Shop,
    count: u64,
    batch_size: u64,
) -> anyhow::Result<u64> {
    let started = Instant::now();
    let (mut done, mut rows) = (0, 0);
    while done < count {
        let n = batch_size.min(count - done);
        let span = Span { first: done, count };
        rows += batch(pool, text, shop, span, n)
            .await
            .with_context(|| format!("generating tickets for {slug}"))?;
        done += n;
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        tracing::info!(
            shop = slug,
            done,
            total = count,
            tickets_per_s = (done as f64 / secs).round(),
            rows_per_s = (rows as f64 / secs).round(),
            "generating tickets"
        );
    }
    Ok(rows)
}

/// Where a batch sits in its run: the run's tickets are spread over the last 359 days in
/// number order, oldest first, so the batch's tickets take the slots `first..first + n` of
/// `count`. A shop writes its rows in time order; so does the generator, and a day's rows lie
/// together in the tables as they would in a real shop (random ages spread them over every
/// page, which made day-bounded scans read the whole table; docs/benchmarks.md).
#[derive(Debug, Clone, Copy)]
struct Span {
    first: u64,
    count: u64,
}

/// One transaction: allocate `n` ticket numbers, plan the tickets in temporary tables, then
/// insert customers, orders, items, tickets and messages from the plan. Returns rows added.
async fn batch(
    pool: &PgPool,
    text: &Texts,
    shop: &Shop,
    span: Span,
    n: u64,
) -> anyhow::Result<u64> {
    let n = i64::try_from(n)?;
    let mut tx = TenantTx::begin(pool, shop.tenant).await?;
    tx.without_automation().await?;
    let start: i64 = sqlx::query_scalar("SELECT take_shop_numbers('ticket', $1)")
        .bind(n)
        .fetch_one(tx.conn())
        .await?;
    let ids = IdParts::new(shop.tenant);
    sqlx::raw_sql(TEMP_TABLES).execute(tx.conn()).await?;
    plan_tickets(&mut tx, text, shop, &ids, span, start, n).await?;
    plan_items(&mut tx, &ids).await?;
    // Statistics let the planner hash-join the plan tables instead of guessing their size.
    sqlx::raw_sql("ANALYZE gen_t; ANALYZE gen_i")
        .execute(tx.conn())
        .await?;
    let mut rows = 0;
    // Parents before children, for the foreign keys.
    for sql in [
        INSERT_CUSTOMERS,
        INSERT_ORDERS,
        INSERT_ITEMS,
        INSERT_TICKETS,
    ] {
        rows += sqlx::query(sql)
            .bind(shop.tenant)
            .execute(tx.conn())
            .await?
            .rows_affected();
    }
    rows += sqlx::query(INSERT_MESSAGES)
        .bind(shop.tenant)
        .bind(&ids.head)
        .bind(&ids.mid)
        .execute(tx.conn())
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(rows)
}

/// Generated ids are UUIDv7-shaped: the batch's clock in the first 48 bits, then the table,
/// a few bits of the tenant, and the row's key (ticket number based), so every statement of
/// a batch can derive a row's id without a lookup, and ids rise with the number, which keeps
/// primary-key inserts at the right edge of the index.
struct IdParts {
    /// 12 hex digits of milliseconds and the version nibble `7`.
    head: String,
    /// 8 hex digits: two of the tenant, the RFC 4122 variant nibble `8`, five more of the tenant.
    mid: String,
}

impl IdParts {
    fn new(tenant: TenantId) -> Self {
        let ms = chrono::Utc::now().timestamp_millis();
        let t = tenant.0.simple().to_string();
        let t = &t[t.len() - 7..];
        Self {
            head: format!("{ms:012x}7"),
            mid: format!("{}8{}", &t[..2], &t[2..]),
        }
    }
}

async fn plan_tickets(
    tx: &mut TenantTx,
    text: &Texts,
    shop: &Shop,
    ids: &IdParts,
    span: Span,
    start: i64,
    n: i64,
) -> anyhow::Result<()> {
    sqlx::query(PLAN_TICKETS)
        .bind(start)
        .bind(n)
        .bind(text.now)
        .bind(&ids.head)
        .bind(&ids.mid)
        .bind(&shop.agents)
        .bind(&text.language_pick)
        .bind(&text.channel_pick)
        .bind(&text.family_first)
        .bind(&text.separator)
        .bind(&text.codes)
        .bind(&text.countries)
        .bind(&text.currencies)
        .bind(&text.rates)
        .bind(&text.carriers)
        .bind(&text.first_names)
        .bind(&text.first_ascii)
        .bind(&text.last_names)
        .bind(&text.last_ascii)
        .bind(&text.subjects)
        .bind(&text.bodies)
        .bind(&text.follow_ups)
        .bind(&text.replies)
        .bind(&text.closings)
        .bind(i64::try_from(span.first)?)
        .bind(i64::try_from(span.count)?)
        .execute(tx.conn())
        .await?;
    Ok(())
}

async fn plan_items(tx: &mut TenantTx, ids: &IdParts) -> anyhow::Result<()> {
    let skus: Vec<&str> = PRODUCTS.iter().map(|p| p.0).collect();
    let titles: Vec<&str> = PRODUCTS.iter().map(|p| p.1).collect();
    let prices: Vec<i64> = PRODUCTS.iter().map(|p| p.2).collect();
    sqlx::query(PLAN_ITEMS)
        .bind(&ids.head)
        .bind(&ids.mid)
        .bind(skus)
        .bind(titles)
        .bind(prices)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The batch's plan; dropped at commit. Temporary tables need no RLS (they are private to
/// the session) and cost no WAL.
const TEMP_TABLES: &str = "
CREATE TEMP TABLE gen_t (
    number bigint, id uuid, customer_key bigint, customer_id uuid, order_id uuid,
    lang text, name text, email text, country text, currency text, rate float8, carrier text,
    channel text, order_channel text, order_ext text, order_status text, tracking text,
    ordered_at timestamptz, delivered_at timestamptz,
    subject text, type text, status text, priority text, assignee uuid,
    n_msgs int, n_items int, gap interval, first_at timestamptz, last_at timestamptz,
    bodies text[]
) ON COMMIT DROP;
CREATE TEMP TABLE gen_i (
    id uuid, order_id uuid, customer_key bigint, sku text, title text,
    quantity int, unit_price_minor bigint
) ON COMMIT DROP;
";

/// One row per ticket. `r_*` are independent draws (31-bit hashes of the ticket number,
/// `c_*` of the customer key, so a customer's traits agree across their tickets).
/// About three consecutive tickets share a customer; the last customer absorbs the rest.
/// A ticket's first message falls in its slot of the run's 359 days (`pos` of `$26`, from
/// `$25`: see [`Span`]); its messages follow at `gap` intervals, squeezed so the last is a
/// minute old at the latest (a few seconds less for the newest tickets, whose messages are
/// at least a second apart).
const PLAN_TICKETS: &str = "
INSERT INTO gen_t
WITH base AS (
    SELECT $1 + i AS number, $25 + i AS pos,
           $1 + least((i + (hashint8extended($1 + i, 1) & 1)) / 3, ($2 - 1) / 3) AS ck
    FROM generate_series(0::bigint, $2 - 1) AS i
), draw AS (
    SELECT number, pos, ck,
           hashint8extended(ck, 2) & 2147483647 AS c_lang,
           hashint8extended(ck, 3) & 2147483647 AS c_place,
           hashint8extended(ck, 4) & 2147483647 AS c_channel,
           hashint8extended(ck, 5) & 2147483647 AS c_first,
           hashint8extended(ck, 6) & 2147483647 AS c_last,
           hashint8extended(number, 7) & 2147483647 AS r_topic,
           hashint8extended(number, 8) & 2147483647 AS r_msgs,
           hashint8extended(number, 9) & 2147483647 AS r_items,
           hashint8extended(number, 10) & 2147483647 AS r_age,
           hashint8extended(number, 11) & 2147483647 AS r_gap,
           hashint8extended(number, 12) & 2147483647 AS r_status,
           hashint8extended(number, 13) & 2147483647 AS r_prio,
           hashint8extended(number, 14) & 2147483647 AS r_agent,
           hashint8extended(number, 15) & 2147483647 AS r_order,
           hashint8extended(number, 16) & 2147483647 AS r_order2,
           hashint8extended(number, 17) & 2147483647 AS r_days
    FROM base
), shaped AS (
    SELECT d.*,
           ($7::int[])[1 + c_lang % cardinality($7::int[])] AS l,
           ($8::text[])[1 + c_channel % cardinality($8::text[])] AS channel,
           (r_topic % 8)::int AS topic,
           CASE WHEN r_msgs % 100 < 25 THEN 1 WHEN r_msgs % 100 < 60 THEN 2
                WHEN r_msgs % 100 < 80 THEN 3 ELSE 4 END AS n_msgs,
           CASE WHEN r_items % 100 < 60 THEN 1 WHEN r_items % 100 < 88 THEN 2 ELSE 3 END AS n_items,
           60 + ($26 - 1 - pos) * slot + r_age % slot AS first_age
    FROM draw d
    CROSS JOIN (SELECT greatest(359 * 86400 / $26, 1) AS slot) AS s
), spaced AS (
    SELECT s.*,
           make_interval(secs => least(600 + r_gap % (2 * 86400),
                                       greatest((first_age - 60) / greatest(n_msgs - 1, 1), 1))) AS gap
    FROM shaped s
), aged AS (
    SELECT s.*, make_interval(secs => first_age) - gap * (n_msgs - 1) AS age
    FROM spaced s
), people AS (
    SELECT s.*,
           l * 2 + (c_place % 2)::int + 1 AS pi,
           l * 6 + (c_first % 6)::int + 1 AS fi,
           l * 6 + (c_last % 6)::int + 1 AS li,
           CASE WHEN channel = 'email' THEN 'shopify' ELSE channel END AS order_channel,
           $3::timestamptz - age AS last_at,
           $3::timestamptz - make_interval(secs => first_age) AS first_at,
           -- Old conversations are settled; only recent ones are new, open or waiting.
           CASE WHEN age > interval '30 days' THEN
                    CASE WHEN r_status % 100 < 80 THEN 'closed' WHEN r_status % 100 < 98 THEN 'solved'
                         ELSE 'on_hold' END
                WHEN age > interval '3 days' THEN
                    CASE WHEN r_status % 100 < 55 THEN 'solved' WHEN r_status % 100 < 65 THEN 'closed'
                         WHEN r_status % 100 < 80 THEN 'pending' WHEN r_status % 100 < 92 THEN 'open'
                         ELSE 'on_hold' END
                WHEN n_msgs = 1 THEN CASE WHEN r_status % 100 < 75 THEN 'new' ELSE 'open' END
                WHEN n_msgs % 2 = 1 THEN 'open'
                WHEN r_status % 100 < 60 THEN 'pending'
                ELSE 'solved' END AS status
    FROM aged s
), timed AS (
    SELECT p.*,
           CASE topic WHEN 0 THEN 'shipped' WHEN 4 THEN 'unshipped' ELSE 'delivered' END AS order_status,
           first_at - CASE topic
               WHEN 4 THEN make_interval(hours => 2 + (r_days % 22)::int)
               WHEN 0 THEN make_interval(days => 5 + (r_days % 10)::int)
               ELSE make_interval(days => 3 + (r_days % 25)::int, secs => r_order % 86400) END AS ordered_at,
           CASE WHEN ($9::bool[])[l + 1]
                THEN ($18::text[])[li] || ($10::text[])[l + 1] || ($16::text[])[fi]
                ELSE ($16::text[])[fi] || ' ' || ($18::text[])[li] END AS name
    FROM people p
), named AS (
    SELECT t.*,
           CASE WHEN ($9::bool[])[l + 1] THEN name ELSE ($16::text[])[fi] END AS greet,
           CASE order_channel
               WHEN 'amazon' THEN (ARRAY['028','171','303','304','305','402','403','404','405','406',
                                         '407','408'])[1 + r_order % 12]
                                  || '-' || repeat('0', 7 - length(number::text)) || number
                                  || '-' || lpad((r_order2 % 10000000)::text, 7, '0')
               WHEN 'ebay' THEN (13 + r_order % 87) || '-' || repeat('0', 5 - length(number::text))
                                || number || '-' || lpad((r_order2 % 100000)::text, 5, '0')
               WHEN 'shopify' THEN '#' || (100000 + number)
               ELSE to_char(ordered_at AT TIME ZONE 'UTC', 'YYMMDD') || chr(65 + (r_order % 26)::int)
                    || chr(65 + (r_order2 % 26)::int) || repeat('0', 6 - length(number::text)) || number
           END AS ext
    FROM timed t
)
SELECT number,
       ($4 || '4' || $5 || lpad(to_hex(number), 10, '0'))::uuid,
       ck,
       ($4 || '1' || $5 || lpad(to_hex(ck), 10, '0'))::uuid,
       ($4 || '2' || $5 || lpad(to_hex(number), 10, '0'))::uuid,
       ($11::text[])[l + 1],
       name,
       lower(($17::text[])[fi] || '.' || ($19::text[])[li]) || (ck % 100) || '@example.'
           || lower(($12::text[])[pi]),
       ($12::text[])[pi], ($13::text[])[pi], ($14::float8[])[pi], ($15::text[])[pi],
       channel, order_channel, ext, order_status,
       CASE WHEN order_status <> 'unshipped'
            THEN '00340' || lpad((r_order2 % 1000000000)::text, 9, '0') || lpad((number % 1000000)::text, 6, '0')
       END,
       ordered_at,
       CASE WHEN order_status = 'delivered' THEN ordered_at + make_interval(days => 2 + (r_days % 2)::int) END,
       replace(($20::text[])[l * 8 + topic + 1], '{order}', ext),
       (ARRAY['shipping','return','complaint','return','question','billing','technical','repair'])[topic + 1],
       status,
       CASE WHEN r_prio % 100 < 15 THEN 'low' WHEN r_prio % 100 < 75 THEN 'normal'
            WHEN r_prio % 100 < 93 THEN 'high' ELSE 'urgent' END,
       CASE WHEN status <> 'new' THEN ($6::uuid[])[1 + r_agent % cardinality($6::uuid[])] END,
       n_msgs, n_items, gap, first_at, last_at,
       ARRAY[replace(replace(($21::text[])[l * 8 + topic + 1], '{order}', ext), '{name}', greet),
             replace(replace(($23::text[])[l + 1], '{order}', ext), '{name}', greet),
             replace(replace(($22::text[])[l + 1], '{order}', ext), '{name}', greet),
             replace(replace(($24::text[])[l + 1], '{order}', ext), '{name}', greet)]
FROM named
ORDER BY number
";

/// One to three distinct products per order (steps of 5 through the 12 products never
/// repeat within three), mostly one of each, priced in the buyer's currency.
const PLAN_ITEMS: &str = "
INSERT INTO gen_i
SELECT ($1 || '3' || $2 || lpad(to_hex(t.number * 4 + j), 10, '0'))::uuid,
       t.order_id, t.customer_key,
       ($3::text[])[k], ($4::text[])[k],
       CASE WHEN (hashint8extended(t.number * 4 + j, 31) & 2147483647) % 8 = 0 THEN 2 ELSE 1 END,
       round(($5::bigint[])[k] * t.rate)::bigint
FROM gen_t t
CROSS JOIN LATERAL generate_series(0, t.n_items - 1) AS j
CROSS JOIN LATERAL (
    SELECT 1 + ((hashint8extended(t.number, 30) & 2147483647) + j * 5) % 12 AS k
) AS pick
ORDER BY 1
";

/// Customers carry their order count and lifetime value from the start; all their orders
/// are generated in the same batch, so no later correction is needed.
const INSERT_CUSTOMERS: &str = "
INSERT INTO customers (tenant_id, id, name, email, country, language, currency,
                       lifetime_value_minor, order_count, created_at)
SELECT $1, c.customer_id, c.name, c.email, c.country, c.lang, c.currency,
       v.total, o.orders, o.since
FROM (SELECT DISTINCT ON (customer_key) customer_key, customer_id, name, email, country, lang, currency
      FROM gen_t ORDER BY customer_key) c
JOIN (SELECT customer_key, count(*) AS orders, min(ordered_at) AS since
      FROM gen_t GROUP BY customer_key) o USING (customer_key)
JOIN (SELECT customer_key, sum(quantity * unit_price_minor)::bigint AS total
      FROM gen_i GROUP BY customer_key) v USING (customer_key)
ORDER BY c.customer_key
";

const INSERT_ORDERS: &str = "
INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor, currency,
                    shipping_country, carrier, tracking_number, ordered_at, delivered_at)
SELECT $1, t.order_id, t.customer_id, t.order_channel, t.order_ext, t.order_status, v.total,
       t.currency, t.country, CASE WHEN t.order_status <> 'unshipped' THEN t.carrier END,
       t.tracking, t.ordered_at, t.delivered_at
FROM gen_t t
JOIN (SELECT order_id, sum(quantity * unit_price_minor)::bigint AS total
      FROM gen_i GROUP BY order_id) v USING (order_id)
ORDER BY t.number
";

const INSERT_ITEMS: &str = "
INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
SELECT $1, id, order_id, sku, title, quantity, unit_price_minor FROM gen_i
ORDER BY id
";

/// SLA deadlines as a 24 h first-response / 48 h next-reply policy would set them (the SLA
/// issue computes them from the shop's policies); a tenth of tickets carry a tag, complaints
/// read as negative.
const INSERT_TICKETS: &str = "
INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status, priority,
                     type, assignee_id, language, first_message_at, last_message_at, created_at,
                     first_response_at, first_response_due_at, resolution_due_at, tags, sentiment)
SELECT $1, id, number, channel, customer_id, order_id, subject, status, priority,
       type, assignee, lang, first_at, last_at, first_at,
       CASE WHEN n_msgs > 1 THEN first_at + gap END,
       first_at + interval '24 hours',
       last_at + interval '48 hours',
       CASE hashint8extended(number, 18) & 31
           WHEN 0 THEN ARRAY['vip'] WHEN 1 THEN ARRAY['late-delivery'] WHEN 2 THEN ARRAY['damaged']
           WHEN 3 THEN ARRAY['vip', 'repeat-buyer'] ELSE '{}'::text[] END,
       CASE WHEN type = 'complaint' THEN 'negative'
            WHEN hashint8extended(number, 19) & 3 = 0 THEN 'positive' ELSE 'neutral' END
FROM gen_t
ORDER BY number
";

/// Buyer and shop take turns, starting with the buyer; replies are sent by the assignee.
const INSERT_MESSAGES: &str = "
INSERT INTO messages (tenant_id, id, ticket_id, kind, author_user_id, body_text, language, channel,
                      external_id, delivery_state, created_at)
SELECT $1, ($2 || '5' || $3 || lpad(to_hex(t.number * 4 + k), 10, '0'))::uuid, t.id,
       CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       CASE WHEN k % 2 = 1 THEN t.assignee END,
       t.bodies[k + 1], t.lang, t.channel,
       CASE WHEN k % 2 = 0 THEN 'gen-' || t.number || '-' || k END,
       CASE WHEN k % 2 = 1 THEN 'sent' END,
       t.first_at + t.gap * k
FROM gen_t t CROSS JOIN LATERAL generate_series(0, t.n_msgs - 1) AS k
ORDER BY t.number, k
";

/// (SKU, title, price in euro cents)
const PRODUCTS: [(&str, &str, i64); 12] = [
    ("TENT-2P-GRN", "Trekking tent 2P, green", 14999),
    ("LAMP-USB-WHT", "USB camping lamp, white", 1899),
    ("BAG-30L-BLK", "Daypack 30 L, black", 5990),
    ("STOVE-GAS-MINI", "Mini gas stove", 3499),
    ("MAT-SELFINF", "Self-inflating sleeping mat", 5999),
    ("BAG-SLEEP-3S", "Sleeping bag, 3 seasons", 8999),
    ("BOTTLE-TI-750", "Titanium bottle 750 ml", 3490),
    ("POLE-CARBON", "Carbon trekking poles (pair)", 7990),
    ("JACKET-RAIN-M", "Rain jacket, men, M", 11990),
    ("HEADLAMP-400", "Headlamp 400 lm", 2990),
    ("CHAIR-FOLD", "Folding camp chair", 4490),
    ("FILTER-H2O", "Water filter", 3990),
];

/// (channel, share of buyers in percent)
const CHANNELS: [(&str, usize); 5] = [
    ("amazon", 40),
    ("ebay", 18),
    ("shopify", 20),
    ("shopee", 10),
    ("email", 12),
];

/// Where a language's buyers live: (country, currency, minor units per euro cent, carrier).
type Place = (&'static str, &'static str, f64, &'static str);
/// A name and its ASCII spelling for the e-mail address.
type Name = (&'static str, &'static str);

/// One buyer language. Subjects and first messages follow the eight topics of
/// [`PLAN_TICKETS`] (where is it, damaged, wrong item, return, address, invoice, broken,
/// warranty). `{order}` becomes the order number, `{name}` the buyer's name.
struct Language {
    code: &'static str,
    /// Share of buyers in percent.
    weight: usize,
    /// Family name first, and buyers are addressed by their full name.
    family_first: bool,
    /// Between family and given name when `family_first`.
    separator: &'static str,
    places: [Place; 2],
    first: [Name; 6],
    last: [Name; 6],
    subjects: [&'static str; 8],
    bodies: [&'static str; 8],
    follow_up: &'static str,
    reply: &'static str,
    closing: &'static str,
}

/// The phrase tables flattened into arrays for binding (`ARRAY[lang * k + i]` in SQL).
struct Texts {
    now: chrono::DateTime<chrono::Utc>,
    language_pick: Vec<i32>,
    channel_pick: Vec<&'static str>,
    family_first: Vec<bool>,
    separator: Vec<&'static str>,
    codes: Vec<&'static str>,
    countries: Vec<&'static str>,
    currencies: Vec<&'static str>,
    rates: Vec<f64>,
    carriers: Vec<&'static str>,
    first_names: Vec<&'static str>,
    first_ascii: Vec<&'static str>,
    last_names: Vec<&'static str>,
    last_ascii: Vec<&'static str>,
    subjects: Vec<&'static str>,
    bodies: Vec<&'static str>,
    follow_ups: Vec<&'static str>,
    replies: Vec<&'static str>,
    closings: Vec<&'static str>,
}

impl Texts {
    fn new() -> Self {
        let all = &LANGUAGES;
        let each = |f: fn(&Language) -> &'static str| all.iter().map(f).collect::<Vec<_>>();
        Self {
            // One clock for the whole run, so batches agree on "the last 365 days".
            now: chrono::Utc::now(),
            language_pick: all
                .iter()
                .enumerate()
                .flat_map(|(i, l)| std::iter::repeat_n(i as i32, l.weight))
                .collect(),
            channel_pick: CHANNELS
                .iter()
                .flat_map(|&(c, w)| std::iter::repeat_n(c, w))
                .collect(),
            family_first: all.iter().map(|l| l.family_first).collect(),
            separator: each(|l| l.separator),
            codes: each(|l| l.code),
            countries: all.iter().flat_map(|l| l.places.map(|p| p.0)).collect(),
            currencies: all.iter().flat_map(|l| l.places.map(|p| p.1)).collect(),
            rates: all.iter().flat_map(|l| l.places.map(|p| p.2)).collect(),
            carriers: all.iter().flat_map(|l| l.places.map(|p| p.3)).collect(),
            first_names: all.iter().flat_map(|l| l.first.map(|n| n.0)).collect(),
            first_ascii: all.iter().flat_map(|l| l.first.map(|n| n.1)).collect(),
            last_names: all.iter().flat_map(|l| l.last.map(|n| n.0)).collect(),
            last_ascii: all.iter().flat_map(|l| l.last.map(|n| n.1)).collect(),
            subjects: all.iter().flat_map(|l| l.subjects).collect(),
            bodies: all.iter().flat_map(|l| l.bodies).collect(),
            follow_ups: each(|l| l.follow_up),
            replies: each(|l| l.reply),
            closings: each(|l| l.closing),
        }
    }
}

const LANGUAGES: [Language; 13] = [
    Language {
        code: "en",
        weight: 24,
        family_first: false,
        separator: " ",
        places: [("GB", "GBP", 0.85, "Royal Mail"), ("US", "USD", 1.08, "UPS")],
        first: [("James", "james"), ("Emily", "emily"), ("Olivia", "olivia"), ("Michael", "michael"), ("Sarah", "sarah"), ("Daniel", "daniel")],
        last: [("Smith", "smith"), ("Johnson", "johnson"), ("Carter", "carter"), ("Brown", "brown"), ("Wilson", "wilson"), ("Taylor", "taylor")],
        subjects: [
            "Where is my order {order}?",
            "Item arrived damaged",
            "Wrong item received",
            "Return and refund for order {order}",
            "Please change my delivery address",
            "Invoice for order {order}",
            "Product stopped working",
            "Warranty repair request",
        ],
        bodies: [
            "Hi, I ordered over a week ago (order {order}) and the tracking has not moved for days. Where is my order?",
            "Hello, my parcel for order {order} arrived today and the item is broken. The box was crushed. What can you do?",
            "I received the wrong item for order {order}. I ordered the green one and got a blue one in a different size.",
            "I would like to return order {order}, it is not what I need. How do I get a refund?",
            "Hi, can you still change the delivery address for order {order}? I moved last week.",
            "Hello, could you send me an invoice with VAT for order {order}? I need it for my company.",
            "The product from order {order} stopped working after two weeks. It does not switch on any more.",
            "My item from order {order} is still under warranty but broke. Can you repair it?",
        ],
        follow_up: "Any update on this? I still have not heard back about order {order}.",
        reply: "Hi {name}, thank you for your message about order {order}. We are looking into it and will get back to you within 24 hours.",
        closing: "Hi {name}, this is sorted now: you will receive a confirmation email shortly. Thanks for your patience!",
    },
    Language {
        code: "de",
        weight: 14,
        family_first: false,
        separator: " ",
        places: [("DE", "EUR", 1.0, "DHL"), ("AT", "EUR", 1.0, "Österreichische Post")],
        first: [("Lukas", "lukas"), ("Anna", "anna"), ("Jonas", "jonas"), ("Lena", "lena"), ("Felix", "felix"), ("Marie", "marie")],
        last: [("Müller", "mueller"), ("Schmidt", "schmidt"), ("Becker", "becker"), ("Fischer", "fischer"), ("Weber", "weber"), ("Schäfer", "schaefer")],
        subjects: [
            "Wo ist meine Bestellung {order}?",
            "Artikel beschädigt angekommen",
            "Falscher Artikel geliefert",
            "Rücksendung und Erstattung für {order}",
            "Bitte Lieferadresse ändern",
            "Rechnung für Bestellung {order}",
            "Produkt funktioniert nicht mehr",
            "Reparatur auf Garantie",
        ],
        bodies: [
            "Hallo, ich habe vor über einer Woche bestellt (Bestellung {order}) und die Sendungsverfolgung bewegt sich nicht. Wo ist meine Bestellung?",
            "Guten Tag, mein Paket zur Bestellung {order} kam heute an und der Artikel ist kaputt. Der Karton war eingedrückt.",
            "Ich habe zur Bestellung {order} den falschen Artikel erhalten: grün bestellt, blau in einer anderen Größe bekommen.",
            "Ich möchte die Bestellung {order} zurückschicken. Wie bekomme ich mein Geld zurück?",
            "Hallo, können Sie die Lieferadresse für {order} noch ändern? Ich bin letzte Woche umgezogen.",
            "Guten Tag, bitte senden Sie mir eine Rechnung mit ausgewiesener MwSt. für die Bestellung {order}.",
            "Das Produkt aus der Bestellung {order} funktioniert nach zwei Wochen nicht mehr. Es lässt sich nicht einschalten.",
            "Mein Artikel aus der Bestellung {order} hat noch Garantie, ist aber defekt. Können Sie ihn reparieren?",
        ],
        follow_up: "Gibt es schon Neuigkeiten? Ich habe zu {order} noch nichts gehört.",
        reply: "Hallo {name}, danke für Ihre Nachricht zur Bestellung {order}. Wir kümmern uns darum und melden uns innerhalb von 24 Stunden.",
        closing: "Hallo {name}, das ist jetzt erledigt – Sie erhalten in Kürze eine Bestätigung per E-Mail. Danke für Ihre Geduld!",
    },
    Language {
        code: "fr",
        weight: 8,
        family_first: false,
        separator: " ",
        places: [("FR", "EUR", 1.0, "Colissimo"), ("BE", "EUR", 1.0, "bpost")],
        first: [("Camille", "camille"), ("Louis", "louis"), ("Chloé", "chloe"), ("Hugo", "hugo"), ("Léa", "lea"), ("Jules", "jules")],
        last: [("Martin", "martin"), ("Bernard", "bernard"), ("Dubois", "dubois"), ("Moreau", "moreau"), ("Laurent", "laurent"), ("Lefèvre", "lefevre")],
        subjects: [
            "Où est ma commande {order} ?",
            "Article arrivé endommagé",
            "Mauvais article reçu",
            "Retour et remboursement de la commande {order}",
            "Changement d'adresse de livraison",
            "Facture pour la commande {order}",
            "Le produit ne fonctionne plus",
            "Demande de réparation sous garantie",
        ],
        bodies: [
            "Bonjour, j'ai commandé il y a plus d'une semaine (commande {order}) et le suivi ne bouge plus. Où est ma commande ?",
            "Bonjour, mon colis pour la commande {order} est arrivé aujourd'hui et l'article est cassé. Le carton était écrasé.",
            "J'ai reçu le mauvais article pour la commande {order} : j'ai commandé le vert et reçu un bleu d'une autre taille.",
            "Je souhaite retourner la commande {order}. Comment puis-je être remboursé ?",
            "Bonjour, pouvez-vous encore modifier l'adresse de livraison de la commande {order} ? J'ai déménagé.",
            "Bonjour, pourriez-vous m'envoyer une facture avec TVA pour la commande {order} ?",
            "Le produit de la commande {order} ne fonctionne plus après deux semaines. Il ne s'allume plus.",
            "Mon article de la commande {order} est encore sous garantie mais il est en panne. Pouvez-vous le réparer ?",
        ],
        follow_up: "Avez-vous des nouvelles ? Je n'ai toujours pas de réponse concernant la commande {order}.",
        reply: "Bonjour {name}, merci pour votre message concernant la commande {order}. Nous vérifions et revenons vers vous sous 24 heures.",
        closing: "Bonjour {name}, c'est réglé : vous allez recevoir une confirmation par e-mail. Merci de votre patience !",
    },
    Language {
        code: "es",
        weight: 7,
        family_first: false,
        separator: " ",
        places: [("ES", "EUR", 1.0, "Correos"), ("MX", "MXN", 18.5, "Estafeta")],
        first: [("Lucía", "lucia"), ("Javier", "javier"), ("Carmen", "carmen"), ("Pablo", "pablo"), ("Marta", "marta"), ("Diego", "diego")],
        last: [("García", "garcia"), ("Fernández", "fernandez"), ("López", "lopez"), ("Martínez", "martinez"), ("Sánchez", "sanchez"), ("Romero", "romero")],
        subjects: [
            "¿Dónde está mi pedido {order}?",
            "El artículo llegó dañado",
            "He recibido un artículo equivocado",
            "Devolución y reembolso del pedido {order}",
            "Cambiar la dirección de entrega",
            "Factura del pedido {order}",
            "El producto ha dejado de funcionar",
            "Reparación en garantía",
        ],
        bodies: [
            "Hola, hice el pedido {order} hace más de una semana y el seguimiento no se mueve. ¿Dónde está mi pedido?",
            "Hola, mi paquete del pedido {order} llegó hoy y el artículo está roto. La caja venía aplastada.",
            "He recibido un artículo equivocado en el pedido {order}: pedí el verde y me llegó uno azul de otra talla.",
            "Quiero devolver el pedido {order}. ¿Cómo obtengo el reembolso?",
            "Hola, ¿todavía pueden cambiar la dirección de entrega del pedido {order}? Me he mudado.",
            "Hola, ¿me pueden enviar una factura con IVA del pedido {order}?",
            "El producto del pedido {order} dejó de funcionar a las dos semanas. Ya no enciende.",
            "Mi artículo del pedido {order} sigue en garantía pero se ha estropeado. ¿Pueden repararlo?",
        ],
        follow_up: "¿Hay alguna novedad? Sigo sin respuesta sobre el pedido {order}.",
        reply: "Hola {name}, gracias por tu mensaje sobre el pedido {order}. Lo estamos revisando y te responderemos en 24 horas.",
        closing: "Hola {name}, ya está resuelto: recibirás un correo de confirmación en breve. ¡Gracias por tu paciencia!",
    },
    Language {
        code: "it",
        weight: 6,
        family_first: false,
        separator: " ",
        places: [("IT", "EUR", 1.0, "BRT"), ("CH", "CHF", 0.95, "Swiss Post")],
        first: [("Giulia", "giulia"), ("Marco", "marco"), ("Sofia", "sofia"), ("Luca", "luca"), ("Chiara", "chiara"), ("Matteo", "matteo")],
        last: [("Rossi", "rossi"), ("Russo", "russo"), ("Ferrari", "ferrari"), ("Esposito", "esposito"), ("Bianchi", "bianchi"), ("Romano", "romano")],
        subjects: [
            "Dov'è il mio ordine {order}?",
            "Articolo arrivato danneggiato",
            "Ho ricevuto l'articolo sbagliato",
            "Reso e rimborso dell'ordine {order}",
            "Modifica dell'indirizzo di consegna",
            "Richiesta fattura per l'ordine {order}",
            "Il prodotto non funziona più",
            "Riparazione in garanzia",
        ],
        bodies: [
            "Buongiorno, ho ordinato più di una settimana fa (ordine {order}) e il tracciamento è fermo. Dov'è il mio ordine?",
            "Buongiorno, il pacco dell'ordine {order} è arrivato oggi e l'articolo è rotto. La scatola era schiacciata.",
            "Ho ricevuto l'articolo sbagliato per l'ordine {order}: avevo ordinato quello verde e mi è arrivato uno blu di un'altra taglia.",
            "Vorrei restituire l'ordine {order}. Come posso ottenere il rimborso?",
            "Buongiorno, potete ancora cambiare l'indirizzo di consegna dell'ordine {order}? Ho traslocato.",
            "Buongiorno, potreste inviarmi la fattura dell'ordine {order}?",
            "Il prodotto dell'ordine {order} ha smesso di funzionare dopo due settimane. Non si accende più.",
            "Il mio articolo dell'ordine {order} è ancora in garanzia ma si è guastato. Potete ripararlo?",
        ],
        follow_up: "Ci sono novità? Non ho ancora ricevuto risposta per l'ordine {order}.",
        reply: "Buongiorno {name}, grazie per il messaggio sull'ordine {order}. Stiamo verificando e le risponderemo entro 24 ore.",
        closing: "Buongiorno {name}, è tutto risolto: riceverà a breve un'e-mail di conferma. Grazie per la pazienza!",
    },
    Language {
        code: "ja",
        weight: 8,
        family_first: true,
        separator: " ",
        places: [("JP", "JPY", 1.6, "Yamato"), ("JP", "JPY", 1.6, "Sagawa")],
        first: [("花子", "hanako"), ("太郎", "taro"), ("陽菜", "hina"), ("翔", "sho"), ("美咲", "misaki"), ("健太", "kenta")],
        last: [("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"), ("渡辺", "watanabe")],
        subjects: [
            "注文した商品がまだ届きません（{order}）",
            "商品が破損して届きました",
            "違う商品が届きました",
            "返品と返金について（{order}）",
            "お届け先住所の変更",
            "領収書の発行をお願いします（{order}）",
            "商品が動かなくなりました",
            "保証修理の依頼",
        ],
        bodies: [
            "注文から10日経ちましたが、注文番号{order}の商品がまだ届いていません。追跡番号を教えてください。",
            "本日、注文番号{order}の荷物が届きましたが、商品が壊れていました。箱もつぶれていました。",
            "注文番号{order}で違う商品が届きました。緑色を注文しましたが、サイズ違いの青色でした。",
            "注文番号{order}を返品したいです。返金の手続きを教えてください。",
            "注文番号{order}のお届け先住所を変更できますか？先週引っ越しました。",
            "注文番号{order}の領収書を発行していただけますか？",
            "注文番号{order}の商品が2週間で動かなくなりました。電源が入りません。",
            "注文番号{order}の商品は保証期間中ですが故障しました。修理をお願いできますか？",
        ],
        follow_up: "その後いかがでしょうか。注文番号{order}について、まだ連絡がありません。",
        reply: "{name}様、注文番号{order}についてご連絡ありがとうございます。確認のうえ24時間以内にご連絡いたします。",
        closing: "{name}様、対応が完了しました。まもなく確認メールをお送りします。お待たせいたしました。",
    },
    Language {
        code: "zh",
        weight: 8,
        family_first: true,
        separator: "",
        places: [("CN", "CNY", 7.8, "SF Express"), ("SG", "SGD", 1.45, "SingPost")],
        first: [("磊", "lei"), ("芳", "fang"), ("伟", "wei"), ("静", "jing"), ("洋", "yang"), ("敏", "min")],
        last: [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang")],
        subjects: [
            "我的订单还没到（{order}）",
            "商品到货时已损坏",
            "收到的商品不对",
            "订单{order}退货退款",
            "订单能否改地址？",
            "申请开具发票（{order}）",
            "产品不能用了",
            "申请保修维修",
        ],
        bodies: [
            "你好，我的订单{order}已经下单十天了还没收到，物流信息也不更新，请帮忙查一下。",
            "你好，订单{order}的包裹今天到了，但商品已经损坏，外箱也被压坏了。",
            "订单{order}收到的商品不对：我买的是绿色的，收到的是蓝色的，尺码也不一样。",
            "我想退回订单{order}，请问怎么申请退款？",
            "你好，订单{order}还没发货，能不能把收货地址改成新的地址？",
            "你好，请为订单{order}开具发票，谢谢。",
            "订单{order}的产品用了两个星期就坏了，现在开不了机。",
            "订单{order}的商品还在保修期内，但是坏了，可以维修吗？",
        ],
        follow_up: "请问有进展吗？订单{order}到现在还没有回复。",
        reply: "{name}您好，感谢您关于订单{order}的留言。我们正在核实，会在24小时内回复您。",
        closing: "{name}您好，问题已处理完毕，稍后您会收到确认邮件。感谢您的耐心！",
    },
    Language {
        code: "ko",
        weight: 4,
        family_first: true,
        separator: "",
        places: [("KR", "KRW", 14.5, "CJ Logistics"), ("KR", "KRW", 14.5, "Korea Post")],
        first: [("민준", "minjun"), ("서연", "seoyeon"), ("지호", "jiho"), ("하은", "haeun"), ("도윤", "doyun"), ("수빈", "subin")],
        last: [("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang")],
        subjects: [
            "주문한 상품이 아직 도착하지 않았어요 ({order})",
            "상품이 파손되어 도착했습니다",
            "다른 상품이 배송되었습니다",
            "주문 {order} 반품 및 환불 요청",
            "배송지 주소 변경 요청",
            "주문 {order} 세금계산서 요청",
            "제품이 작동하지 않습니다",
            "보증 수리 요청",
        ],
        bodies: [
            "안녕하세요, 열흘 전에 주문했는데(주문번호 {order}) 아직 받지 못했습니다. 배송 조회도 멈춰 있어요.",
            "주문번호 {order} 택배를 오늘 받았는데 상품이 깨져 있었습니다. 상자도 찌그러져 있었어요.",
            "주문번호 {order}에서 다른 상품이 왔습니다. 초록색을 주문했는데 사이즈가 다른 파란색이 왔어요.",
            "주문번호 {order} 상품을 반품하고 싶습니다. 환불은 어떻게 받나요?",
            "주문번호 {order} 배송지 주소를 변경할 수 있을까요? 지난주에 이사했습니다.",
            "주문번호 {order} 세금계산서를 발행해 주실 수 있나요?",
            "주문번호 {order} 제품이 2주 만에 작동하지 않습니다. 전원이 켜지지 않아요.",
            "주문번호 {order} 상품이 보증 기간 중인데 고장 났습니다. 수리가 가능할까요?",
        ],
        follow_up: "혹시 진행 상황이 있을까요? 주문번호 {order} 관련해서 아직 답변을 못 받았습니다.",
        reply: "{name} 고객님, 주문번호 {order} 관련 문의 감사합니다. 확인 후 24시간 이내에 답변드리겠습니다.",
        closing: "{name} 고객님, 처리가 완료되었습니다. 곧 확인 메일을 받으실 겁니다. 기다려 주셔서 감사합니다!",
    },
    Language {
        code: "th",
        weight: 4,
        family_first: false,
        separator: " ",
        places: [("TH", "THB", 39.0, "Kerry Express"), ("TH", "THB", 39.0, "Flash Express")],
        first: [("สมชาย", "somchai"), ("สุดา", "suda"), ("อนันต์", "anan"), ("พิมพ์", "pim"), ("ณัฐ", "nat"), ("วิภา", "wipa")],
        last: [("ศรีสุข", "srisuk"), ("วงศ์ไทย", "wongthai"), ("ใจดี", "jaidee"), ("สุขสวัสดิ์", "suksawat"), ("ทองดี", "thongdee"), ("แก้วมณี", "kaewmanee")],
        subjects: [
            "สินค้ายังไม่ได้รับ ({order})",
            "สินค้าเสียหายระหว่างขนส่ง",
            "ได้รับสินค้าผิด",
            "ขอคืนสินค้าและขอเงินคืน {order}",
            "ขอเปลี่ยนที่อยู่จัดส่ง",
            "ขอใบกำกับภาษี {order}",
            "สินค้าใช้งานไม่ได้",
            "ขอส่งซ่อมในประกัน",
        ],
        bodies: [
            "สวัสดีค่ะ สั่งซื้อมาเกินหนึ่งสัปดาห์แล้ว (คำสั่งซื้อ {order}) แต่สินค้ายังไม่ได้รับ และสถานะพัสดุไม่อัปเดตเลยค่ะ",
            "สวัสดีครับ ได้รับพัสดุคำสั่งซื้อ {order} วันนี้ แต่สินค้าแตกเสียหาย กล่องบุบมาด้วยครับ",
            "ได้รับสินค้าผิดในคำสั่งซื้อ {order} ค่ะ สั่งสีเขียวแต่ได้สีน้ำเงินและไซซ์ไม่ตรง",
            "ต้องการคืนสินค้าคำสั่งซื้อ {order} ครับ ขอเงินคืนได้อย่างไร",
            "สามารถเปลี่ยนที่อยู่จัดส่งของคำสั่งซื้อ {order} ได้ไหมคะ ย้ายบ้านเมื่อสัปดาห์ที่แล้ว",
            "รบกวนออกใบกำกับภาษีสำหรับคำสั่งซื้อ {order} ด้วยครับ",
            "สินค้าจากคำสั่งซื้อ {order} ใช้ได้สองสัปดาห์ก็เสีย เปิดไม่ติดแล้วค่ะ",
            "สินค้าคำสั่งซื้อ {order} ยังอยู่ในประกันแต่เสีย ส่งซ่อมได้ไหมครับ",
        ],
        follow_up: "มีความคืบหน้าไหมคะ ยังไม่ได้รับคำตอบเรื่องคำสั่งซื้อ {order} เลย",
        reply: "สวัสดีค่ะคุณ{name} ขอบคุณที่ติดต่อเรื่องคำสั่งซื้อ {order} เรากำลังตรวจสอบและจะติดต่อกลับภายใน 24 ชั่วโมงค่ะ",
        closing: "คุณ{name} เรื่องนี้ดำเนินการเรียบร้อยแล้ว คุณจะได้รับอีเมลยืนยันเร็ว ๆ นี้ ขอบคุณที่รอค่ะ",
    },
    Language {
        code: "ar",
        weight: 4,
        family_first: false,
        separator: " ",
        places: [("AE", "AED", 3.97, "Aramex"), ("SA", "SAR", 4.05, "SMSA")],
        first: [("محمد", "mohammed"), ("فاطمة", "fatima"), ("أحمد", "ahmed"), ("مريم", "maryam"), ("عمر", "omar"), ("نور", "noor")],
        last: [("العلي", "alali"), ("الحسن", "alhassan"), ("السيد", "alsayed"), ("الخطيب", "alkhatib"), ("النجار", "alnajjar"), ("حداد", "haddad")],
        subjects: [
            "لم أستلم طلبي {order}",
            "وصل المنتج تالفًا",
            "استلمت منتجًا خاطئًا",
            "إرجاع واسترداد المبلغ للطلب {order}",
            "تغيير عنوان التوصيل",
            "طلب فاتورة للطلب {order}",
            "المنتج توقف عن العمل",
            "طلب إصلاح ضمن الضمان",
        ],
        bodies: [
            "مرحبًا، طلبت منذ أكثر من أسبوع (الطلب {order}) ولم أستلم طلبي حتى الآن، والتتبع لا يتحرك.",
            "مرحبًا، وصل طرد الطلب {order} اليوم والمنتج مكسور، وكانت العلبة مهشمة.",
            "استلمت منتجًا خاطئًا في الطلب {order}: طلبت اللون الأخضر ووصلني الأزرق بمقاس مختلف.",
            "أريد إرجاع الطلب {order}. كيف أسترد المبلغ؟",
            "هل يمكن تغيير عنوان التوصيل للطلب {order}؟ انتقلت إلى منزل جديد.",
            "مرحبًا، هل يمكنكم إرسال فاتورة ضريبية للطلب {order}؟",
            "المنتج من الطلب {order} توقف عن العمل بعد أسبوعين ولا يعمل الآن.",
            "المنتج من الطلب {order} ما زال ضمن الضمان لكنه تعطل. هل يمكن إصلاحه؟",
        ],
        follow_up: "هل من جديد؟ لم أتلقَّ أي رد بخصوص الطلب {order}.",
        reply: "مرحبًا {name}، شكرًا لرسالتك بخصوص الطلب {order}. نحن نتحقق من الأمر وسنرد عليك خلال 24 ساعة.",
        closing: "مرحبًا {name}، تم حل المشكلة وستصلك رسالة تأكيد قريبًا. شكرًا لصبرك!",
    },
    Language {
        code: "pt",
        weight: 5,
        family_first: false,
        separator: " ",
        places: [("BR", "BRL", 5.9, "Correios"), ("PT", "EUR", 1.0, "CTT")],
        first: [("João", "joao"), ("Ana", "ana"), ("Pedro", "pedro"), ("Beatriz", "beatriz"), ("Rafael", "rafael"), ("Mariana", "mariana")],
        last: [("Silva", "silva"), ("Santos", "santos"), ("Oliveira", "oliveira"), ("Souza", "souza"), ("Costa", "costa"), ("Pereira", "pereira")],
        subjects: [
            "Onde está o meu pedido {order}?",
            "Produto chegou danificado",
            "Recebi o produto errado",
            "Devolução e reembolso do pedido {order}",
            "Alterar endereço de entrega",
            "Nota fiscal do pedido {order}",
            "O produto parou de funcionar",
            "Reparo na garantia",
        ],
        bodies: [
            "Olá, fiz o pedido {order} há mais de uma semana e o rastreamento não atualiza. Onde está o meu pedido?",
            "Olá, o pacote do pedido {order} chegou hoje e o produto está quebrado. A caixa veio amassada.",
            "Recebi o produto errado no pedido {order}: pedi o verde e veio um azul de outro tamanho.",
            "Quero devolver o pedido {order}. Como faço para receber o reembolso?",
            "Olá, ainda é possível alterar o endereço de entrega do pedido {order}? Mudei de casa.",
            "Olá, podem enviar a nota fiscal do pedido {order}?",
            "O produto do pedido {order} parou de funcionar depois de duas semanas. Não liga mais.",
            "O meu produto do pedido {order} ainda está na garantia, mas avariou. Podem repará-lo?",
        ],
        follow_up: "Alguma novidade? Ainda não tive resposta sobre o pedido {order}.",
        reply: "Olá {name}, obrigado pela sua mensagem sobre o pedido {order}. Estamos verificando e responderemos em até 24 horas.",
        closing: "Olá {name}, está resolvido: você receberá um e-mail de confirmação em breve. Obrigado pela paciência!",
    },
    Language {
        code: "nl",
        weight: 4,
        family_first: false,
        separator: " ",
        places: [("NL", "EUR", 1.0, "PostNL"), ("BE", "EUR", 1.0, "bpost")],
        first: [("Daan", "daan"), ("Emma", "emma"), ("Sem", "sem"), ("Julia", "julia"), ("Lars", "lars"), ("Sanne", "sanne")],
        last: [("de Jong", "dejong"), ("Jansen", "jansen"), ("de Vries", "devries"), ("Bakker", "bakker"), ("Visser", "visser"), ("Smit", "smit")],
        subjects: [
            "Waar is mijn bestelling {order}?",
            "Artikel beschadigd aangekomen",
            "Verkeerd artikel ontvangen",
            "Retour en terugbetaling voor {order}",
            "Bezorgadres wijzigen",
            "Factuur voor bestelling {order}",
            "Product werkt niet meer",
            "Garantiereparatie aanvragen",
        ],
        bodies: [
            "Hallo, ik heb meer dan een week geleden besteld (bestelling {order}) en de track & trace staat stil. Waar is mijn bestelling?",
            "Goedendag, mijn pakket van bestelling {order} kwam vandaag aan en het artikel is kapot. De doos was ingedeukt.",
            "Ik heb bij bestelling {order} het verkeerde artikel gekregen: groen besteld, blauw in een andere maat ontvangen.",
            "Ik wil bestelling {order} retourneren. Hoe krijg ik mijn geld terug?",
            "Hallo, kunt u het bezorgadres van bestelling {order} nog wijzigen? Ik ben verhuisd.",
            "Goedendag, kunt u mij een factuur met btw sturen voor bestelling {order}?",
            "Het product uit bestelling {order} werkt na twee weken niet meer. Het gaat niet meer aan.",
            "Mijn artikel uit bestelling {order} valt nog onder de garantie maar is kapot. Kunt u het repareren?",
        ],
        follow_up: "Is er al nieuws? Ik heb nog niets gehoord over bestelling {order}.",
        reply: "Hallo {name}, bedankt voor uw bericht over bestelling {order}. We zoeken het uit en laten binnen 24 uur van ons horen.",
        closing: "Hallo {name}, het is geregeld: u ontvangt zo een bevestiging per e-mail. Bedankt voor uw geduld!",
    },
    Language {
        code: "pl",
        weight: 4,
        family_first: false,
        separator: " ",
        places: [("PL", "PLN", 4.3, "InPost"), ("PL", "PLN", 4.3, "DPD")],
        first: [("Jakub", "jakub"), ("Anna", "anna"), ("Piotr", "piotr"), ("Zofia", "zofia"), ("Kamil", "kamil"), ("Magda", "magda")],
        last: [("Nowak", "nowak"), ("Kowalski", "kowalski"), ("Wiśniewski", "wisniewski"), ("Wójcik", "wojcik"), ("Kamiński", "kaminski"), ("Lewandowski", "lewandowski")],
        subjects: [
            "Gdzie jest moje zamówienie {order}?",
            "Towar dotarł uszkodzony",
            "Otrzymałem niewłaściwy produkt",
            "Zwrot zamówienia {order}",
            "Zmiana adresu dostawy",
            "Faktura do zamówienia {order}",
            "Produkt przestał działać",
            "Naprawa gwarancyjna",
        ],
        bodies: [
            "Dzień dobry, zamówiłem ponad tydzień temu (zamówienie {order}), a śledzenie przesyłki stoi w miejscu. Gdzie jest moje zamówienie?",
            "Dzień dobry, paczka z zamówienia {order} dotarła dziś, a produkt jest zepsuty. Karton był zgnieciony.",
            "W zamówieniu {order} dostałem niewłaściwy produkt: zamówiłem zielony, a przyszedł niebieski w innym rozmiarze.",
            "Chcę zwrócić zamówienie {order}. Jak mogę otrzymać zwrot pieniędzy?",
            "Czy można jeszcze zmienić adres dostawy zamówienia {order}? Przeprowadziłem się.",
            "Dzień dobry, proszę o fakturę VAT do zamówienia {order}.",
            "Produkt z zamówienia {order} przestał działać po dwóch tygodniach. Nie włącza się.",
            "Mój produkt z zamówienia {order} jest na gwarancji, ale się zepsuł. Czy możecie go naprawić?",
        ],
        follow_up: "Czy są jakieś nowości? Nadal nie mam odpowiedzi w sprawie zamówienia {order}.",
        reply: "Dzień dobry {name}, dziękujemy za wiadomość dotyczącą zamówienia {order}. Sprawdzamy to i odpowiemy w ciągu 24 godzin.",
        closing: "Dzień dobry {name}, sprawa jest załatwiona: wkrótce otrzymasz potwierdzenie e-mailem. Dziękujemy za cierpliwość!",
    },
];
