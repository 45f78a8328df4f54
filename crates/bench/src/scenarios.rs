//! What is measured: each scenario is one page of the agent app and a rule for the URL of
//! its n-th request. Preparing them also checks that each measures something real (the
//! filter matches tickets, page 50 exists, every search word finds tickets).

use anyhow::Context;

use crate::dataset::Dataset;
use crate::session::{next_link, Session};

/// A filter combination the generator fills: open tickets, from Amazon (40 % of buyers), of
/// high priority (18 %).
pub const FILTERED: &str = "/inbox?view=open&channel=amazon&priority=high";

/// The inbox page `PAGE_DEPTH` is reached by following "older" links from the first.
pub const PAGE_DEPTH: usize = 50;

/// Words the generator writes into subjects and messages, one per script family: English,
/// Chinese (CJK bigram), Japanese (kana/kanji bigram) and German.
pub const SEARCH_WORDS: [&str; 4] = ["wrong item", "订单", "返品", "Lieferadresse"];

pub struct Scenario {
    pub name: &'static str,
    /// What one request is, for the report.
    pub request: String,
    urls: Urls,
}

enum Urls {
    Fixed(String),
    /// Round-robin over these paths.
    Rotate(Vec<String>),
    /// `/tickets/{n}` with `n` spread over `low..=high` by a hash of the request index.
    Tickets {
        low: i64,
        high: i64,
    },
}

impl Scenario {
    /// The path of the scenario's `n`-th request.
    pub fn path(&self, n: u64) -> String {
        match &self.urls {
            Urls::Fixed(path) => path.clone(),
            Urls::Rotate(paths) => paths[(n % paths.len() as u64) as usize].clone(),
            Urls::Tickets { low, high } => {
                let span = (high - low + 1) as u64;
                format!("/tickets/{}", low + (mix(n) % span) as i64)
            }
        }
    }
}

/// SplitMix64's finaliser: consecutive indexes land far apart in the number range.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Builds the scenarios against the running app, checking each before it is timed.
pub async fn prepare(session: &Session, dataset: &Dataset) -> anyhow::Result<Vec<Scenario>> {
    let filtered = session.page(FILTERED).await?;
    anyhow::ensure!(
        inbox_rows(&filtered) > 0,
        "the filtered view {FILTERED} shows no tickets"
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
            urls: Urls::Fixed("/inbox?view=all".into()),
        },
        Scenario {
            name: "filtered view",
            request: format!("GET {FILTERED}"),
            urls: Urls::Fixed(FILTERED.into()),
        },
        Scenario {
            name: "page 50 (keyset)",
            request: format!(
                "GET /inbox?view=all&before=… (page {PAGE_DEPTH}, reached by following the \"older\" link {} times)",
                PAGE_DEPTH - 1
            ),
            urls: Urls::Fixed(deep),
        },
        Scenario {
            name: "ticket page",
            request: format!("GET /tickets/{{n}}, n spread over #{low}..#{high}, a different one per request"),
            urls: Urls::Tickets { low, high },
        },
        Scenario {
            name: "keyword search",
            request: format!(
                "GET /search?q=…, rotating over {}",
                SEARCH_WORDS
                    .iter()
                    .map(|w| format!("{w:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            urls: Urls::Rotate(searches),
        },
    ])
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
fn encode(s: &str) -> String {
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
        let s = Scenario {
            name: "t",
            request: String::new(),
            urls: Urls::Tickets {
                low: 1000,
                high: 1009,
            },
        };
        let seen: std::collections::BTreeSet<String> = (0..200).map(|n| s.path(n)).collect();
        assert_eq!(seen.len(), 10);
        assert!(seen.contains("/tickets/1000") && seen.contains("/tickets/1009"));
    }
}
