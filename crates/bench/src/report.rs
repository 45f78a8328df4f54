//! Results: exact percentiles over every measured request (all latencies sorted, no
//! sampling), printed as a Markdown table and optionally written as JSON.

use std::time::Duration;

use serde::Serialize;

use crate::load::Outcome;
use crate::rss::Memory;

/// One scenario's figures.
#[derive(Debug, Serialize)]
pub struct Row {
    pub scenario: String,
    pub request: String,
    pub requests: u64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Answers other than the expected ones (status or content).
    pub unexpected: u64,
    pub errors: u64,
    /// Some request was not answered as expected (or not answered at all), or what the
    /// scenario stored does not match its answers.
    pub failed: bool,
    pub first_failure: Option<String>,
    /// The server's memory before and after the scenario (see `Report::memory`).
    pub memory_before: Option<Memory>,
    pub memory_after: Option<Memory>,
    /// What a write scenario stored, checked against its answers.
    pub stored: Option<String>,
}

impl Row {
    pub fn new(scenario: &str, request: &str, mut outcome: Outcome) -> Row {
        outcome.latencies.sort_unstable();
        let l = &outcome.latencies;
        let secs = outcome.elapsed.as_secs_f64();
        Row {
            scenario: scenario.to_owned(),
            request: request.to_owned(),
            requests: l.len() as u64,
            requests_per_s: if secs > 0.0 {
                l.len() as f64 / secs
            } else {
                0.0
            },
            p50_ms: ms(percentile(l, 50.0)),
            p90_ms: ms(percentile(l, 90.0)),
            p99_ms: ms(percentile(l, 99.0)),
            max_ms: ms(l.last().copied().unwrap_or_default()),
            unexpected: outcome.non_ok,
            errors: outcome.errors,
            failed: outcome.non_ok > 0 || outcome.errors > 0 || l.is_empty(),
            first_failure: outcome.first_failure,
            memory_before: None,
            memory_after: None,
            stored: None,
        }
    }

    /// "before → after (peak)" resident MiB, or "–".
    fn memory_cell(&self) -> String {
        match (self.memory_before, self.memory_after) {
            (Some(b), Some(a)) => format!(
                "{:.0} → {:.0} ({:.0})",
                b.rss_mib(),
                a.rss_mib(),
                a.hwm_mib()
            ),
            _ => "–".into(),
        }
    }
}

/// The run's setting and its rows.
#[derive(Debug, Serialize)]
pub struct Report {
    /// "aftersail" or "django-helpdesk".
    pub target: String,
    pub date: String,
    /// What the memory column measures.
    pub memory: String,
    /// `/proc/loadavg` at the start and the end of the run (other work on the machine).
    pub load_start: String,
    pub load_end: String,
    pub database: String,
    pub database_size_mb: f64,
    pub demo_tickets: i64,
    pub tickets_per_noise_shop: u64,
    pub noise_shops: u32,
    pub clients: u32,
    pub warmup_s: u64,
    pub duration_s: u64,
    pub cores: usize,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.failed)
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "{}: {} tickets; {} noise shops × {} tickets; database {} ({:.0} MB)\n\
             {} clients, {} s warm-up + {} s measured per scenario; {} cores; client and server on one machine; {}\n\
             Load average at start: {}; at end: {}\n\
             Memory: {}\n\n\
             | scenario | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | unexpected | errors | RSS MiB before → after (peak) |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            self.target,
            self.demo_tickets,
            self.noise_shops,
            self.tickets_per_noise_shop,
            self.database,
            self.database_size_mb,
            self.clients,
            self.warmup_s,
            self.duration_s,
            self.cores,
            self.date,
            self.load_start,
            self.load_end,
            self.memory,
        );
        for r in &self.rows {
            out += &format!(
                "| {}{} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} |\n",
                r.scenario,
                if r.failed { " (FAILED)" } else { "" },
                r.requests,
                r.requests_per_s,
                r.p50_ms,
                r.p90_ms,
                r.p99_ms,
                r.max_ms,
                r.unexpected,
                r.errors,
                r.memory_cell()
            );
        }
        for r in self.rows.iter().filter(|r| r.stored.is_some()) {
            out += &format!(
                "\n{} stored: {}",
                r.scenario,
                r.stored.as_deref().unwrap_or_default()
            );
        }
        for r in self.rows.iter().filter(|r| r.failed) {
            out += &format!(
                "\n{} failed: {}",
                r.scenario,
                r.first_failure
                    .as_deref()
                    .unwrap_or("no request was answered")
            );
        }
        out
    }
}

/// Nearest-rank percentile of sorted values: the smallest value with at least `p` % of all
/// values at or below it.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&v[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn a_scenario_with_errors_fails() {
        let outcome = Outcome {
            latencies: vec![Duration::from_millis(3)],
            non_ok: 1,
            ..Outcome::default()
        };
        assert!(Row::new("s", "GET /", outcome).failed);
    }
}
