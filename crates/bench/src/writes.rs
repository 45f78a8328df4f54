//! The write scenarios against Aftersail: tickets created through the public API, and buyers'
//! return requests through the hosted portal. Each prepares its own input (tokens, eligible
//! orders) and, after the run, checks what was stored against the answers it got.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aftersail_db::api_tokens::{self, NewToken};
use aftersail_db::{customers, orders, TenantTx};
use aftersail_domain::{TenantId, UserId};
use aftersail_server::demo;
use anyhow::Context;
use chrono::Utc;
use reqwest::{redirect, StatusCode};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::check::{expect, input_value, Failure, Step};
use crate::dataset::Dataset;
use crate::session::{between, Session};

/// First messages in the languages the shop's buyers write in (rotated by request).
const MESSAGES: [(&str, &str); 4] = [
    (
        "Wrong item in my parcel",
        "Hello, I received the wrong item: a blue mug instead of the green one. Please help.",
    ),
    (
        "订单还没有到",
        "你好，我的订单已经两周了还没有收到，请帮我查一下物流。",
    ),
    (
        "返品について",
        "注文した商品のサイズが合いませんでした。返品の方法を教えてください。",
    ),
    (
        "Falsche Lieferadresse",
        "Guten Tag, die Lieferadresse in meiner Bestellung ist falsch. Können Sie sie ändern?",
    ),
];

/// A short random tag that names this run's rows (idempotency keys, order numbers).
fn run_tag() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_owned()
}

fn plain_client(cookies: bool) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(cookies)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .tcp_nodelay(true)
        .build()?)
}

async fn superuser(options: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    PgConnection::connect_with(options)
        .await
        .context("connecting to the bench database as superuser")
}

// ---- POST /api/v1/tickets ---------------------------------------------------------------

pub struct ApiCreate {
    /// One token per client: each has the highest rate limit a token may have (10,000 a
    /// minute), so the limiter never answers 429 to a run of ordinary length.
    tokens: Vec<String>,
    client: reqwest::Client,
    tag: String,
    created: AtomicU64,
    options: PgConnectOptions,
}

impl ApiCreate {
    pub async fn prepare(dataset: &Dataset, clients: u32) -> anyhow::Result<ApiCreate> {
        let tenant = TenantId(dataset.demo_tenant);
        let mut admin = superuser(&dataset.options).await?;
        let owner: uuid::Uuid =
            sqlx::query_scalar("SELECT id FROM users WHERE tenant_id = $1 AND email = $2")
                .bind(tenant.0)
                .bind(demo::PEOPLE[0].0)
                .fetch_one(&mut admin)
                .await
                .context("the demo owner")?;
        admin.close().await.ok();
        let pool = aftersail_db::connect(dataset.options.clone(), 1).await?;
        let mut tx = TenantTx::begin(&pool, tenant).await?;
        let mut tokens = Vec::new();
        for i in 0..clients {
            let secret = format!("as_{}", aftersail_web::auth::tokens::random_token());
            api_tokens::create(
                &mut tx,
                NewToken {
                    name: &format!("aftersail-bench {} client {i}", Utc::now().to_rfc3339()),
                    prefix: &secret[..9],
                    token_hash: &aftersail_web::auth::tokens::hash(&secret),
                    scopes: &["tickets:write"],
                    rate_limit: 10_000,
                    created_by: UserId(owner),
                    expires_at: Some(Utc::now() + chrono::Duration::hours(6)),
                },
            )
            .await?;
            tokens.push(secret);
        }
        tx.commit().await?;
        pool.close().await;
        Ok(ApiCreate {
            tokens,
            client: plain_client(false)?,
            tag: run_tag(),
            created: AtomicU64::new(0),
            options: dataset.options.clone(),
        })
    }

    pub async fn run(&self, session: &Session, client: usize, n: u64) -> Step {
        let (subject, message) = MESSAGES[(n % MESSAGES.len() as u64) as usize];
        let body = serde_json::json!({
            "customer": {
                "email": format!("api-{}-{n}@bench.example", self.tag),
                "name": format!("Bench Buyer {n}"),
            },
            "subject": subject,
            "message": message,
            "idempotency_key": self.key(n),
        });
        let sent = self
            .client
            .post(session.url("/api/v1/tickets"))
            .bearer_auth(&self.tokens[client % self.tokens.len()])
            .json(&body)
            .send()
            .await;
        let answer = expect("POST /api/v1/tickets", sent, StatusCode::CREATED).await?;
        if !answer.contains("\"number\"") {
            return Err(Failure::Answer(format!(
                "POST /api/v1/tickets answered 201 without a ticket number: {answer}"
            )));
        }
        self.created.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn key(&self, n: u64) -> String {
        format!("bench-{}-{n:010}", self.tag)
    }

    /// Every 201 made exactly one ticket with one message, under its idempotency key.
    pub async fn verify(&self) -> anyhow::Result<String> {
        let mut admin = superuser(&self.options).await?;
        let (messages, tickets): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(DISTINCT ticket_id) FROM messages WHERE external_id LIKE $1",
        )
        // The API stores the key as the first message's external id, prefixed `api:`.
        .bind(format!("api:bench-{}-%", self.tag))
        .fetch_one(&mut admin)
        .await?;
        admin.close().await.ok();
        let answered = self.created.load(Ordering::Relaxed) as i64;
        anyhow::ensure!(
            messages == answered && tickets == answered,
            "api create ticket: {answered} answers 201 but {tickets} tickets / {messages} messages stored"
        );
        Ok(format!(
            "{answered} answers 201 (warm-up included) = {tickets} tickets stored"
        ))
    }
}

// ---- the portal's return request ------------------------------------------------------------

/// One prepared order: its number and the buyer's email, as the buyer types them.
struct PortalOrder {
    number: String,
    email: String,
}

pub struct PortalReturn {
    slug: String,
    orders: Vec<PortalOrder>,
    /// One anonymous browser per client (each keeps its own pre-session CSRF cookie).
    browsers: Vec<reqwest::Client>,
    tag: String,
    submitted: AtomicU64,
    options: PgConnectOptions,
}

/// Orders created per transaction while preparing.
const ORDER_BATCH: u64 = 500;

impl PortalReturn {
    /// Creates `count` orders eligible for a return in the demo shop (delivered three days
    /// ago to Germany, inside the EU policy's 14-day window, each from its own new buyer).
    pub async fn prepare(
        dataset: &Dataset,
        count: u64,
        clients: u32,
    ) -> anyhow::Result<PortalReturn> {
        let tag = run_tag();
        let tenant = TenantId(dataset.demo_tenant);
        let pool = aftersail_db::connect(dataset.options.clone(), 1).await?;
        let delivered = Utc::now() - chrono::Duration::days(3);
        let started = std::time::Instant::now();
        let mut orders_made = Vec::with_capacity(count as usize);
        for batch in 0..count.div_ceil(ORDER_BATCH) {
            let mut tx = TenantTx::begin(&pool, tenant).await?;
            for i in batch * ORDER_BATCH..((batch + 1) * ORDER_BATCH).min(count) {
                let order = PortalOrder {
                    number: format!("BENCH-{tag}-{i:06}"),
                    email: format!("buyer-{tag}-{i}@bench.example"),
                };
                let customer = customers::create(
                    &mut tx,
                    customers::NewCustomer {
                        name: "Bench Buyer",
                        email: Some(&order.email),
                        country: Some("DE"),
                        language: Some("de"),
                        currency: "EUR",
                    },
                )
                .await?;
                orders::create(
                    &mut tx,
                    orders::NewOrder {
                        customer_id: customer,
                        channel: "shopify",
                        external_id: &order.number,
                        status: "delivered",
                        currency: "EUR",
                        shipping_country: Some("DE"),
                        carrier: Some("DHL"),
                        tracking_number: None,
                        ordered_at: delivered - chrono::Duration::days(2),
                        delivered_at: Some(delivered),
                        items: &[("BENCH-MUG", "Bench mug", 2, 1999)],
                    },
                )
                .await?;
                orders_made.push(order);
            }
            tx.commit().await?;
        }
        pool.close().await;
        println!(
            "  portal: {count} eligible orders prepared in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(PortalReturn {
            slug: demo::SHOP_SLUG.to_owned(),
            orders: orders_made,
            browsers: (0..clients)
                .map(|_| plain_client(true))
                .collect::<anyhow::Result<_>>()?,
            tag,
            submitted: AtomicU64::new(0),
            options: dataset.options.clone(),
        })
    }

    pub async fn run(&self, session: &Session, client: usize, n: u64) -> Step {
        let Some(order) = self.orders.get(n as usize) else {
            return Err(Failure::Error(format!(
                "ran out of prepared orders ({} made); raise --write-capacity",
                self.orders.len()
            )));
        };
        let browser = &self.browsers[client % self.browsers.len()];
        let find = format!("/p/{}/returns", self.slug);
        let page = expect(
            &format!("GET {find}"),
            browser.get(session.url(&find)).send().await,
            StatusCode::OK,
        )
        .await?;
        let csrf = field(&page, "_csrf", &find)?;
        let form = expect(
            &format!("POST {find}"),
            browser
                .post(session.url(&find))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("number", &order.number),
                    ("email", &order.email),
                ])
                .send()
                .await,
            StatusCode::OK,
        )
        .await?;
        let token = field(&form, "token", "the request form")?;
        let csrf = field(&form, "_csrf", "the request form")?;
        let item = between(&form, r#"name="qty_"#, "\"").ok_or_else(|| {
            Failure::Answer(format!("the request form for {} has no item", order.number))
        })?;
        let submit = format!("/p/{}/returns/request", self.slug);
        let multipart = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .text("token", token)
            .text(format!("qty_{item}"), "1")
            .text("reason", "changed_mind")
            .text("preferred", "refund")
            .text("unused", "1")
            .text("comment", "Bench: changed my mind.");
        expect(
            &format!("POST {submit}"),
            browser
                .post(session.url(&submit))
                .multipart(multipart)
                .send()
                .await,
            StatusCode::SEE_OTHER,
        )
        .await?;
        self.submitted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Every 303 made exactly one RMA, each for a different prepared order, none rejected.
    pub async fn verify(&self) -> anyhow::Result<String> {
        let mut admin = superuser(&self.options).await?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT r.status, count(*), count(DISTINCT r.order_id)
             FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
             WHERE o.external_id LIKE $1 GROUP BY r.status ORDER BY r.status",
        )
        .bind(format!("BENCH-{}-%", self.tag))
        .fetch_all(&mut admin)
        .await?;
        admin.close().await.ok();
        let stored: i64 = rows.iter().map(|r| r.1).sum();
        let orders: i64 = rows.iter().map(|r| r.2).sum();
        let answered = self.submitted.load(Ordering::Relaxed) as i64;
        anyhow::ensure!(
            stored == answered && orders == answered,
            "portal RMA submission: {answered} answers 303 but {stored} RMAs for {orders} orders stored"
        );
        anyhow::ensure!(
            rows.iter().all(|r| r.0 != "rejected"),
            "portal RMA submission: some prepared orders were rejected: {rows:?}"
        );
        let by_status: Vec<String> = rows.iter().map(|r| format!("{} {}", r.1, r.0)).collect();
        Ok(format!(
            "{answered} answers 303 (warm-up included) = {stored} RMAs stored ({})",
            by_status.join(", ")
        ))
    }
}

fn field(html: &str, name: &str, page: &str) -> Step<String> {
    input_value(html, name).ok_or_else(|| Failure::Answer(format!("{page} has no {name} field")))
}
