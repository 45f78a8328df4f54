//! `--target django`: the same workloads, with the same closed loop and percentiles, against
//! django-helpdesk (set up by `bench/django-helpdesk/run.sh`). Each Aftersail scenario is
//! mapped to django-helpdesk's nearest equivalent; BENCHMARKS.md says where the analogy is
//! loose.
//!
//! django-helpdesk's ticket list is a page whose table is filled by a second request
//! (`/datatables_ticket_list/<query>`, JSON): an agent sees the list only after both, so a
//! list request here is both, the second built from the first as the page's script does.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use reqwest::{redirect, StatusCode};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::check::{expect, input_value, Failure, Step};
use crate::scenarios::{self, encode, Action, Scenario, Urls, PAGE_DEPTH, PAGE_SIZE, SEARCH_WORDS};
use crate::session::Session;

/// django-helpdesk's number for the Open status.
const OPEN: i32 = 1;

/// The django-helpdesk site under test and its database (read for ids and for checks).
pub struct Site {
    pub options: PgConnectOptions,
    pub user: String,
    pub password: String,
    /// Lowest and highest ticket id.
    pub ids: (i64, i64),
    /// The queue the filtered view and the writes use (the busiest one).
    pub queue: i64,
    pub tickets: i64,
    pub queues: i64,
}

impl Site {
    /// Reads what the scenarios need from the django-helpdesk database.
    pub async fn open(database_url: &str, user: &str, password: &str) -> anyhow::Result<Site> {
        let options = PgConnectOptions::from_str(database_url)
            .with_context(|| format!("invalid --django-database-url {database_url}"))?;
        let mut conn = PgConnection::connect_with(&options)
            .await
            .with_context(|| {
                format!("connecting to the django-helpdesk database {database_url}")
            })?;
        let (low, high, tickets): (Option<i64>, Option<i64>, i64) =
            sqlx::query_as("SELECT min(id)::int8, max(id)::int8, count(*) FROM helpdesk_ticket")
                .fetch_one(&mut conn)
                .await
                .context("reading helpdesk_ticket (is this a django-helpdesk database?)")?;
        anyhow::ensure!(tickets > 0, "the django-helpdesk database has no tickets");
        let (queue, queues): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT queue_id::int8 FROM helpdesk_ticket GROUP BY queue_id
                     ORDER BY count(*) DESC, queue_id LIMIT 1),
                    (SELECT count(*) FROM helpdesk_queue)",
        )
        .fetch_one(&mut conn)
        .await?;
        conn.close().await.ok();
        Ok(Site {
            options,
            user: user.to_owned(),
            password: password.to_owned(),
            ids: (low.unwrap_or(0), high.unwrap_or(0)),
            queue,
            tickets,
            queues,
        })
    }
}

fn client(cookies: bool) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(cookies)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .tcp_nodelay(true)
        .build()?)
}

/// Signs in through django's login form (CSRF token from the page and its cookie).
pub async fn log_in(base: &str, site: &Site) -> anyhow::Result<Session> {
    let session = Session::new(client(true)?, base);
    let page = session.page("/login/").await?;
    let csrf = input_value(&page, "csrfmiddlewaretoken")
        .context("django's login page has no csrfmiddlewaretoken")?;
    let response = session
        .client
        .post(session.url("/login/"))
        .form(&[
            ("csrfmiddlewaretoken", csrf.as_str()),
            ("username", &site.user),
            ("password", &site.password),
            ("next", "/tickets/"),
        ])
        .send()
        .await
        .context("POST /login/")?;
    anyhow::ensure!(
        response.status() == StatusCode::FOUND,
        "signing in to django-helpdesk as {} answered {}",
        site.user,
        response.status()
    );
    session
        .page("/tickets/")
        .await
        .context("the django session does not reach /tickets/ after signing in")?;
    Ok(session)
}

/// The ticket list: the page, then its table's JSON (`start` rows in, newest first).
pub struct List {
    page: Urls,
    start: u64,
}

impl List {
    pub async fn run(&self, session: &Session, n: u64) -> Step {
        let path = self.page.path(n);
        let html = expect(
            &format!("GET {path}"),
            session.client.get(session.url(&path)).send().await,
            StatusCode::OK,
        )
        .await?;
        let data = data_url(&html, self.start).ok_or_else(|| {
            Failure::Answer(format!("GET {path}: the page has no query_encoded field"))
        })?;
        let json = expect(
            &format!("GET {data}"),
            session.client.get(session.url(&data)).send().await,
            StatusCode::OK,
        )
        .await?;
        if !json.contains("\"data\"") {
            return Err(Failure::Answer(format!(
                "GET {data}: no data in {json:.200}"
            )));
        }
        Ok(())
    }
}

/// The URL the list page's table loads its rows from (django-helpdesk's `ticket_list.html`
/// script): the page's encoded query, `start` rows in, `PAGE_SIZE` rows, newest first.
pub fn data_url(html: &str, start: u64) -> Option<String> {
    let query = input_value(html, "query_encoded")?;
    Some(format!(
        "/datatables_ticket_list/{query}?draw=1&start={start}&length={PAGE_SIZE}&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=desc"
    ))
}

/// Rows the table's JSON holds.
fn rows(json: &str) -> usize {
    json.matches("\"ticket\":").count()
}

/// Checks a list URL shows rows (`start` rows in); the number shown.
async fn list_rows(session: &Session, path: &str, start: u64) -> anyhow::Result<usize> {
    let html = session.page(path).await?;
    let data = data_url(&html, start).with_context(|| format!("{path} has no query_encoded"))?;
    Ok(rows(&session.page(&data).await?))
}

/// `POST /api/tickets/` (Django REST framework, the superuser's API token).
pub struct ApiCreate {
    client: reqwest::Client,
    token: String,
    queue: i64,
    tag: String,
    created: AtomicU64,
    options: PgConnectOptions,
}

impl ApiCreate {
    pub async fn run(&self, session: &Session, n: u64) -> Step {
        let body = serde_json::json!({
            "queue": self.queue,
            "title": format!("bench-{}-api-{n}", self.tag),
            "description": "Hello, I received the wrong item: a blue mug instead of the green one.",
            "submitter_email": format!("api-{}-{n}@bench.example", self.tag),
            "priority": 3,
        });
        let sent = self
            .client
            .post(session.url("/api/tickets/"))
            .header("Authorization", format!("Token {}", self.token))
            .json(&body)
            .send()
            .await;
        expect("POST /api/tickets/", sent, StatusCode::CREATED).await?;
        self.created.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub async fn verify(&self) -> anyhow::Result<String> {
        let stored = count_titles(&self.options, &format!("bench-{}-api-%", self.tag)).await?;
        let answered = self.created.load(Ordering::Relaxed) as i64;
        anyhow::ensure!(
            stored == answered,
            "django api create: {answered} answers 201 but {stored} tickets stored"
        );
        Ok(format!(
            "{answered} answers 201 (warm-up included) = {stored} tickets stored"
        ))
    }
}

/// The public "submit a ticket" form, as an anonymous visitor: GET it, POST it (302).
pub struct PublicSubmit {
    browsers: Vec<reqwest::Client>,
    queue: i64,
    tag: String,
    submitted: AtomicU64,
    options: PgConnectOptions,
}

impl PublicSubmit {
    pub async fn run(&self, session: &Session, client: usize, n: u64) -> Step {
        let browser = &self.browsers[client % self.browsers.len()];
        let path = "/tickets/submit/";
        let page = expect(
            &format!("GET {path}"),
            browser.get(session.url(path)).send().await,
            StatusCode::OK,
        )
        .await?;
        let csrf = input_value(&page, "csrfmiddlewaretoken")
            .ok_or_else(|| Failure::Answer(format!("GET {path}: no csrfmiddlewaretoken field")))?;
        let sent = browser
            .post(session.url(path))
            .form(&[
                ("csrfmiddlewaretoken", csrf),
                ("queue", self.queue.to_string()),
                ("title", format!("bench-{}-portal-{n}", self.tag)),
                (
                    "body",
                    "Order 1001: I would like to return one blue mug, I changed my mind.".into(),
                ),
                ("priority", "3".into()),
                (
                    "submitter_email",
                    format!("buyer-{}-{n}@bench.example", self.tag),
                ),
            ])
            .send()
            .await;
        expect(&format!("POST {path}"), sent, StatusCode::FOUND).await?;
        self.submitted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub async fn verify(&self) -> anyhow::Result<String> {
        let stored = count_titles(&self.options, &format!("bench-{}-portal-%", self.tag)).await?;
        let answered = self.submitted.load(Ordering::Relaxed) as i64;
        anyhow::ensure!(
            stored == answered,
            "django public submission: {answered} answers 302 but {stored} tickets stored"
        );
        Ok(format!(
            "{answered} answers 302 (warm-up included) = {stored} tickets stored"
        ))
    }
}

/// The user's DRF token (made by `generate.py`).
async fn api_token(site: &Site) -> anyhow::Result<String> {
    let mut conn = PgConnection::connect_with(&site.options).await?;
    let key = sqlx::query_scalar(
        "SELECT t.key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id
         WHERE u.username = $1",
    )
    .bind(&site.user)
    .fetch_optional(&mut conn)
    .await?
    .with_context(|| format!("{} has no API token (authtoken_token)", site.user))?;
    conn.close().await.ok();
    Ok(key)
}

async fn count_titles(options: &PgConnectOptions, pattern: &str) -> anyhow::Result<i64> {
    let mut conn = PgConnection::connect_with(options).await?;
    let n = sqlx::query_scalar("SELECT count(*) FROM helpdesk_ticket WHERE title LIKE $1")
        .bind(pattern)
        .fetch_one(&mut conn)
        .await?;
    conn.close().await.ok();
    Ok(n)
}

/// Every status the generator writes (open, reopened, resolved, closed): Aftersail's
/// "all" view. django-helpdesk's list without a status shows open and reopened only.
pub const ALL: &str = "/tickets/?status=1&status=2&status=3&status=4";

/// The filtered list's query: open, one queue (the channel's analogue).
pub fn filtered_path(queue: i64) -> String {
    format!("/tickets/?queue={queue}&status={OPEN}")
}

/// The django-helpdesk scenarios, each checked before it is timed.
pub async fn prepare(
    session: &Session,
    site: &Site,
    selection: &scenarios::Selection,
) -> anyhow::Result<Vec<Scenario>> {
    let mut out = Vec::new();
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    if selection.reads {
        let first = list_rows(session, ALL, 0).await?;
        anyhow::ensure!(first > 0, "django-helpdesk's ticket list shows no tickets");
        let filtered = filtered_path(site.queue);
        anyhow::ensure!(
            list_rows(session, &filtered, 0).await? > 0,
            "the filtered list {filtered} shows no tickets"
        );
        let deep = (PAGE_DEPTH as u64 - 1) * PAGE_SIZE;
        anyhow::ensure!(
            list_rows(session, ALL, deep).await? > 0,
            "django-helpdesk has no page {PAGE_DEPTH}"
        );
        let mut searches = Vec::new();
        for word in SEARCH_WORDS {
            let path = format!("{ALL}&q={}", encode(word));
            let hits = list_rows(session, &path, 0).await?;
            anyhow::ensure!(hits > 0, "django-helpdesk finds nothing for {word:?}");
            println!("  search {word:?}: {hits} results shown");
            searches.push(path);
        }
        let (low, high) = site.ids;
        out.extend([
            Scenario {
                name: "inbox first page",
                request: format!("GET {ALL} + its table's JSON (first 50, newest first)"),
                action: Action::DjangoList(List {
                    page: Urls::Fixed(ALL.into()),
                    start: 0,
                }),
            },
            Scenario {
                name: "filtered view",
                request: format!("GET {filtered} + its table's JSON"),
                action: Action::DjangoList(List {
                    page: Urls::Fixed(filtered),
                    start: 0,
                }),
            },
            Scenario {
                name: "page 50 (keyset)",
                request: format!(
                    "GET {ALL} + its table's JSON from row {deep} (offset paging: django-helpdesk has no keyset)"
                ),
                action: Action::DjangoList(List {
                    page: Urls::Fixed(ALL.into()),
                    start: deep,
                }),
            },
            Scenario {
                name: "ticket page",
                request: format!("GET /tickets/{{id}}/, id spread over {low}..{high}"),
                action: Action::Get(Urls::Spread {
                    prefix: "/tickets/",
                    suffix: "/",
                    low,
                    high,
                }),
            },
            Scenario {
                name: "keyword search",
                request: format!(
                    "GET {ALL}&q=… + its table's JSON, rotating over {}",
                    scenarios::quoted_words()
                ),
                action: Action::DjangoList(List {
                    page: Urls::Rotate(searches),
                    start: 0,
                }),
            },
        ]);
    }
    if selection.writes {
        out.push(Scenario {
            name: "api create ticket",
            request: format!("POST /api/tickets/ (DRF token, queue {}; 201)", site.queue),
            action: Action::DjangoApiCreate(ApiCreate {
                client: client(false)?,
                token: api_token(site).await?,
                queue: site.queue,
                tag: tag.clone(),
                created: AtomicU64::new(0),
                options: site.options.clone(),
            }),
        });
        out.push(Scenario {
            name: "portal RMA submission",
            request: "GET /tickets/submit/, POST it (302), anonymous: the public ticket form"
                .into(),
            action: Action::DjangoPublicSubmit(PublicSubmit {
                browsers: (0..selection.clients)
                    .map(|_| client(true))
                    .collect::<anyhow::Result<_>>()?,
                queue: site.queue,
                tag,
                submitted: AtomicU64::new(0),
                options: site.options.clone(),
            }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_url_comes_from_the_page() {
        let html = r#"<form><input type="hidden" name="query_encoded" value="eyJmaWx0ZXJpbmciOiB7fX0=" /></form>"#;
        assert_eq!(
            data_url(html, 2450).as_deref(),
            Some("/datatables_ticket_list/eyJmaWx0ZXJpbmciOiB7fX0=?draw=1&start=2450&length=50&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=desc")
        );
        assert_eq!(data_url("<p>no form</p>", 0), None);
    }

    #[test]
    fn filtered_list_maps_open_to_djangos_number() {
        assert_eq!(filtered_path(3), "/tickets/?queue=3&status=1");
    }

    #[test]
    fn rows_are_counted_in_the_tables_json() {
        let json = r#"{"data": [{"ticket": "1 [q-1]", "id": 1}, {"ticket": "2 [q-2]", "id": 2}], "recordsTotal": 2}"#;
        assert_eq!(rows(json), 2);
    }
}
