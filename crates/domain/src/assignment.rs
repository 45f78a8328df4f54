//! Automatic assignment: which agent gets a ticket when a rule assigns it to a team or to
//! anyone. The worker loads the candidates (with their load and when they last got a ticket)
//! and stores the pick's new `last_assigned_at`, so repeated picks rotate.

use chrono::{DateTime, Utc};

use crate::ids::UserId;
use crate::ticket::{serde_as_code, vocabulary};

vocabulary!(
    /// How automatic assignment chooses among eligible agents.
    AssignMethod { RoundRobin = "round_robin", LeastLoad = "least_load" }
);
serde_as_code!(AssignMethod);

impl AssignMethod {
    pub fn label(self) -> &'static str {
        match self {
            AssignMethod::RoundRobin => "round robin",
            AssignMethod::LeastLoad => "least load",
        }
    }
}

/// An agent who could get the ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user: UserId,
    /// Online and not away: only available agents are picked.
    pub available: bool,
    /// Language tags the agent answers in ("de", "pt-BR").
    pub languages: Vec<String>,
    pub open_tickets: i64,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Only available agents; if any of them speaks `language` (primary subtag match,
/// case-insensitive), only those; RoundRobin: the one assigned longest ago (never assigned
/// first; ties by user id); LeastLoad: fewest open tickets, then longest ago. None when nobody
/// is available.
pub fn pick(
    method: AssignMethod,
    language: Option<&str>,
    candidates: &[Candidate],
) -> Option<UserId> {
    let available: Vec<&Candidate> = candidates.iter().filter(|c| c.available).collect();
    let wanted = language.map(primary_subtag).filter(|l| !l.is_empty());
    let speakers: Vec<&Candidate> = match &wanted {
        Some(wanted) => available
            .iter()
            .copied()
            .filter(|c| c.languages.iter().any(|l| primary_subtag(l) == *wanted))
            .collect(),
        None => Vec::new(),
    };
    // Nobody speaking the language is no reason to leave the ticket unassigned.
    let eligible = if speakers.is_empty() {
        available
    } else {
        speakers
    };
    // `None < Some(_)`: never assigned sorts before any time.
    match method {
        AssignMethod::RoundRobin => eligible
            .into_iter()
            .min_by_key(|c| (c.last_assigned_at, c.user))
            .map(|c| c.user),
        AssignMethod::LeastLoad => eligible
            .into_iter()
            .min_by_key(|c| (c.open_tickets, c.last_assigned_at, c.user))
            .map(|c| c.user),
    }
}

/// "pt-BR" → "pt", "ZH_hans" → "zh".
fn primary_subtag(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(minute: i64) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap() + Duration::minutes(minute))
    }

    fn user(n: u128) -> UserId {
        UserId(uuid::Uuid::from_u128(n))
    }

    fn agent(
        n: u128,
        available: bool,
        languages: &[&str],
        open: i64,
        last: Option<DateTime<Utc>>,
    ) -> Candidate {
        Candidate {
            user: user(n),
            available,
            languages: languages.iter().map(|l| l.to_string()).collect(),
            open_tickets: open,
            last_assigned_at: last,
        }
    }

    /// (case, method, ticket language, candidates, expected user).
    type Row = (
        &'static str,
        AssignMethod,
        Option<&'static str>,
        Vec<Candidate>,
        Option<u128>,
    );

    #[test]
    fn picks() {
        use AssignMethod::*;
        let rows: Vec<Row> = vec![
            ("nobody at all", RoundRobin, None, vec![], None),
            (
                "nobody available",
                LeastLoad,
                None,
                vec![agent(1, false, &["en"], 0, None)],
                None,
            ),
            (
                "unavailable agents are skipped even when idle",
                RoundRobin,
                None,
                vec![agent(1, false, &[], 0, None), agent(2, true, &[], 9, at(5))],
                Some(2),
            ),
            (
                "round robin: longest ago",
                RoundRobin,
                None,
                vec![
                    agent(1, true, &[], 0, at(10)),
                    agent(2, true, &[], 5, at(1)),
                    agent(3, true, &[], 0, at(7)),
                ],
                Some(2),
            ),
            (
                "round robin: never assigned first",
                RoundRobin,
                None,
                vec![agent(1, true, &[], 0, at(1)), agent(2, true, &[], 0, None)],
                Some(2),
            ),
            (
                "round robin: ties by user id",
                RoundRobin,
                None,
                vec![
                    agent(3, true, &[], 0, at(1)),
                    agent(2, true, &[], 0, at(1)),
                    agent(4, true, &[], 0, at(1)),
                ],
                Some(2),
            ),
            (
                "round robin: load does not matter",
                RoundRobin,
                None,
                vec![
                    agent(1, true, &[], 0, at(2)),
                    agent(2, true, &[], 50, at(1)),
                ],
                Some(2),
            ),
            (
                "least load: fewest open tickets",
                LeastLoad,
                None,
                vec![
                    agent(1, true, &[], 4, None),
                    agent(2, true, &[], 2, at(9)),
                    agent(3, true, &[], 3, at(1)),
                ],
                Some(2),
            ),
            (
                "least load: tie → longest ago",
                LeastLoad,
                None,
                vec![
                    agent(1, true, &[], 2, at(9)),
                    agent(2, true, &[], 2, at(3)),
                    agent(3, true, &[], 2, at(5)),
                ],
                Some(2),
            ),
            (
                "least load: tie → never assigned, then user id",
                LeastLoad,
                None,
                vec![
                    agent(3, true, &[], 1, None),
                    agent(2, true, &[], 1, None),
                    agent(1, true, &[], 1, at(0)),
                ],
                Some(2),
            ),
            (
                "speakers of the language only",
                LeastLoad,
                Some("de"),
                vec![
                    agent(1, true, &["en"], 0, None),
                    agent(2, true, &["en", "de"], 7, at(1)),
                ],
                Some(2),
            ),
            (
                "language by primary subtag, case-insensitive",
                RoundRobin,
                Some("pt-BR"),
                vec![
                    agent(1, true, &["en"], 0, None),
                    agent(2, true, &["PT-pt"], 0, at(1)),
                ],
                Some(2),
            ),
            (
                "ticket language zh-Hans matches an agent's zh",
                RoundRobin,
                Some("zh-Hans"),
                vec![
                    agent(1, true, &["ja"], 0, None),
                    agent(2, true, &["zh"], 0, at(1)),
                ],
                Some(2),
            ),
            (
                "an unavailable speaker does not count",
                RoundRobin,
                Some("ja"),
                vec![
                    agent(1, false, &["ja"], 0, None),
                    agent(2, true, &["en"], 0, at(3)),
                    agent(3, true, &["fr"], 0, at(1)),
                ],
                Some(3),
            ),
            (
                "nobody speaks it: any available agent",
                LeastLoad,
                Some("th"),
                vec![
                    agent(1, true, &["en"], 3, None),
                    agent(2, true, &["de"], 1, None),
                ],
                Some(2),
            ),
            (
                "blank language is no language",
                LeastLoad,
                Some("  "),
                vec![
                    agent(1, true, &["en"], 3, None),
                    agent(2, true, &[], 1, None),
                ],
                Some(2),
            ),
        ];
        for (name, method, language, candidates, expected) in rows {
            assert_eq!(
                pick(method, language, &candidates),
                expected.map(user),
                "{name}"
            );
        }
    }

    #[test]
    fn round_robin_cycles_through_available_agents_evenly() {
        let mut candidates = vec![
            agent(1, true, &[], 0, at(3)),
            agent(2, true, &[], 0, None),
            agent(3, false, &[], 0, None),
            agent(4, true, &[], 0, at(1)),
            agent(5, true, &[], 0, None),
        ];
        let mut picks = Vec::new();
        for minute in 10..10 + 4 * 5 {
            let picked = pick(AssignMethod::RoundRobin, None, &candidates).unwrap();
            picks.push(picked);
            let c = candidates.iter_mut().find(|c| c.user == picked).unwrap();
            c.last_assigned_at = at(minute);
            c.open_tickets += 1;
        }
        // Never assigned first (by id), then longest ago; then the same order over and over.
        let first_round = [user(2), user(5), user(4), user(1)];
        for round in picks.chunks(4) {
            assert_eq!(round, first_round);
        }
        assert!(
            !picks.contains(&user(3)),
            "unavailable agents never get a ticket"
        );
    }

    #[test]
    fn methods_round_trip_as_codes() {
        for m in AssignMethod::ALL {
            assert_eq!(AssignMethod::parse(m.as_str()), Some(*m));
            let json = serde_json::to_string(m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
            assert_eq!(serde_json::from_str::<AssignMethod>(&json).unwrap(), *m);
        }
        assert!(serde_json::from_str::<AssignMethod>("\"random\"").is_err());
    }
}
