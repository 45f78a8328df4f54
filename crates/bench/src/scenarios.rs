//! What is measured: each scenario is one thing a user does — a page of the agent app, an API
//! call, a buyer's whole return request — and a rule for its n-th request. Preparing them
//! also checks that each measures something real (the filter matches tickets, page 50
//! exists, every search word finds tickets, the orders to return are eligible).

use anyhow::Context;
use reqwest::StatusCode;

use crate::check::{expect, Step};
use crate::dataset::Dataset;
use crate::django;
use crate::session::{next_link, Session};
use crate::writes;

/// A filter the generator fills a page of at 10k tickets as at 1M: new and open tickets
/// (the last month's, mostly) from Amazon (40 % of buyers), about 53 at 10k. A narrower
/// filter showed 9 rows at 10k and a full page at 1M, so the two sizes compared different
/// pages; preparing checks the page is full.
pub const FILTERED: &str = "/inbox?view=open&channel=amazon";

/// Rows of a full inbox page (and of the django-helpdesk list page the bench asks for).
pub const PAGE_SIZE: u64 = 50;

/// The inbox page `PAGE_DEPTH` is reached by following "older" links from the first.
pub const PAGE_DEPTH: usize = 50;

/// Words the generator writes into subjects and messages, one per script family: English,
/// Chinese (CJK bigram), Japanese (kana/kanji bigram) and German.
pub const SEARCH_WORDS: [&str; 4] = ["wrong item", "订单", "返品", "Lieferadresse"];

pub struct Scenario {
    pub name: &'static str,
    /// What one request is, for the report.
    pub request: String,
    pub action: Action,
}

/// What one timed request does.
pub enum Action {
    /// One GET answered 200.
    Get(Urls),
    /// django-helpdesk's ticket list: the page, then the JSON its table loads (see `django`).
    DjangoList(django::List),
    /// `POST /api/v1/tickets` (Aftersail).
    ApiCreate(writes::ApiCreate),
    /// A buyer's return request through the portal (Aftersail).
    PortalReturn(writes::PortalReturn),
    /// `POST /api/tickets/` (django-helpdesk).
    DjangoApiCreate(django::ApiCreate),
    /// The public ticket form (django-helpdesk).
    DjangoPublicSubmit(django::PublicSubmit),
}

pub enum Urls {
    Fixed(String),
    /// Round-robin over these paths.
    Rotate(Vec<String>),
    /// `{prefix}{n}{suffix}` with `n` spread over `low..=high` by a hash of the request index.
    Spread {
        prefix: &'static str,
        suffix: &'static str,
        low: i64,
        high: i64,
    },
}

impl Urls {
    /// The path of the `n`-th request.
    pub fn path(&self, n: u64) -> String {
        match self {
            Urls::Fixed(path) => path.clone(),
            Urls::Rotate(paths) => paths[(n % paths.len() as u64) as usize].clone(),
            Urls::Spread {
                prefix,
                suffix,
                low,
                high,
            } => {
                let span = (high - low + 1) as u64;
                format!("{prefix}{}{suffix}", low + (mix(n) % span) as i64)
            }
        }
    }
}

impl Scenario {
    /// The scenario's `n`-th request, sent by client `client`.
    pub async fn run(&self, session: &Session, client: usize, n: u64) -> Step {
        match &self.action {
            Action::Get(urls) => {
                let path = urls.path(n);
                let sent = session.client.get(session.url(&path)).send().await;
                expect(&format!("GET {path}"), sent, StatusCode::OK).await?;
                Ok(())
            }
            Action::DjangoList(list) => list.run(session, n).await,
            Action::ApiCreate(a) => a.run(session, client, n).await,
            Action::PortalReturn(p) => p.run(session, client, n).await,
            Action::DjangoApiCreate(a) => a.run(session, n).await,
            Action::DjangoPublicSubmit(p) => p.run(session, client, n).await,
        }
    }

    /// After the run: what the scenario stored matches the answers it got (write scenarios).
    pub async fn verify(&self) -> anyhow::Result<Option<String>> {
        match &self.action {
            Action::ApiCreate(a) => a.verify().await.map(Some),
            Action::PortalReturn(p) => p.verify().await.map(Some),
            Action::DjangoApiCreate(a) => a.verify().await.map(Some),
            Action::DjangoPublicSubmit(p) => p.verify().await.map(Some),
            Action::Get(_) | Action::DjangoList(_) => Ok(None),
        }
    }
}

/// SplitMix64's finaliser: consecutive indexes land far apart in the number range.
pub fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Which scenarios to run: the read-only pages, the writes, or both.
pub struct Selection {
    pub reads: bool,
    pub writes: bool,
    /// Requests the write scenarios must be able to make (orders prepared for returns).
    pub write_capacity: u64,
    pub clients: u32,
}

/// Builds the scenarios against the running app, checking each before it is timed.
pub async fn prepare(
    session: &Session,
    dataset: &Dataset,
    selection: &Selection,
) -> anyhow::Result<Vec<Scenario>> {
    let mut scenarios = Vec::new();
    if selection.reads {
        scenarios.extend(prepare_reads(session, dataset).await?);
    }
    if selection.writes {
        scenarios.push(Scenario {
            name: "api create ticket",
            request:
                "POST /api/v1/tickets (bearer token, new customer, unique idempotency key; 201)"
                    .into(),
            action: Action::ApiCreate(
                writes::ApiCreate::prepare(dataset, selection.clients).await?,
            ),
        });
        scenarios.push(Scenario {
            name: "portal RMA submission",
            request: "GET /p/{shop}/returns, POST order number + email (200, the form), POST the form (303): a different eligible order each".into(),
            action: Action::PortalReturn(
                writes::PortalReturn::prepare(dataset, selection.write_capacity, selection.clients)
                    .await?,
            ),
        });
    }
    Ok(scenarios)
}

async fn prepare_reads(session: &Session, dataset: &Dataset) -> anyhow::Result<Vec<Scenario>> {
    let filtered = session.page(FILTERED).await?;
    let rows = inbox_rows(&filtered) as u64;
    anyhow::ensure!(
        rows == PAGE_SIZE,
        "the filtered view {FILTERED} shows {rows} tickets, not a full page of {PAGE_SIZE}"
    );
    let deep = walk_pages(session, "/inbox?view=all", PAGE_DEPTH).await?;
    let mut searches = Vec::new();
    for word in SEARCH_WORDS {
        let path = format!("/search?q={}", encode(word));
        let html = session.page(&path).await?;
        let hits = search_hits(&html);
        anyhow::ensure!(hits > 0, "searching for {word:?} finds nothing");
        println!("  search {word:?}: {hits} results shown");
        searches.push(path);
    }
    let (low, high) = dataset.numbers;
    Ok(vec![
        Scenario {
            name: "inbox first page",
            request: "GET /inbox?view=all".into(),
            action: Action::Get(Urls::Fixed("/inbox?view=all".into())),
        },
        Scenario {
            name: "filtered view",
            request: format!("GET {FILTERED}"),
            action: Action::Get(Urls::Fixed(FILTERED.into())),
        },
        Scenario {
            name: "page 50 (keyset)",
            request: format!(
                "GET /inbox?view=all&before=… (page {PAGE_DEPTH}, reached by following the \"older\" link {} times)",
                PAGE_DEPTH - 1
            ),
            action: Action::Get(Urls::Fixed(deep)),
        },
        Scenario {
            name: "ticket page",
            request: format!("GET /tickets/{{n}}, n spread over #{low}..#{high}, a different one per request"),
            action: Action::Get(Urls::Spread {
                prefix: "/tickets/",
                suffix: "",
                low,
                high,
            }),
        },
        Scenario {
            name: "keyword search",
            request: format!("GET /search?q=…, rotating over {}", quoted_words()),
            action: Action::Get(Urls::Rotate(searches)),
        },
    ])
}

pub fn quoted_words() -> String {
    SEARCH_WORDS
        .iter()
        .map(|w| format!("{w:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Follows the "older" link from `first` until page `depth`; returns that page's path.
async fn walk_pages(session: &Session, first: &str, depth: usize) -> anyhow::Result<String> {
    let mut path = first.to_owned();
    for page in 1..depth {
        let html = session.page(&path).await?;
        path = next_link(&html).with_context(|| {
            format!("inbox page {page} has no \"older\" link; too few tickets for page {depth}?")
        })?;
    }
    let html = session.page(&path).await?;
    anyhow::ensure!(inbox_rows(&html) > 0, "inbox page {depth} shows no tickets");
    Ok(path)
}

/// Ticket rows of an inbox page (each has a selection checkbox).
fn inbox_rows(html: &str) -> usize {
    html.matches(r#"name="ticket" value=""#).count()
}

/// Results of a search page (each starts with the ticket number).
fn search_hits(html: &str) -> usize {
    html.matches(r#"<span class="mono">#"#).count()
}

/// Percent-encodes a query value (UTF-8 bytes; unreserved characters stay).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_spaces_and_cjk() {
        assert_eq!(encode("wrong item"), "wrong%20item");
        assert_eq!(encode("订单"), "%E8%AE%A2%E5%8D%95");
    }

    #[test]
    fn ticket_numbers_stay_in_range_and_spread() {
        let s = Urls::Spread {
            prefix: "/tickets/",
            suffix: "",
            low: 1000,
            high: 1009,
        };
        let seen: std::collections::BTreeSet<String> = (0..200).map(|n| s.path(n)).collect();
        assert_eq!(seen.len(), 10);
        assert!(seen.contains("/tickets/1000") && seen.contains("/tickets/1009"));
    }
}
