//! The closed loop: `clients` tasks share one session; each sends its next request as soon as
//! the previous answer has been read in full, until the measured window ends. Answers that
//! arrive during the warm-up are discarded; every answer after it is recorded exactly, with
//! its latency from the moment it was sent (so a page slower than the whole window still
//! shows up, instead of leaving the scenario empty).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::scenarios::Scenario;
use crate::session::Session;

/// Everything measured for one scenario.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Latency of every 200 answer (sent → body read) that arrived after the warm-up, unsorted.
    pub latencies: Vec<Duration>,
    /// Answers other than 200.
    pub non_ok: u64,
    /// Requests that got no complete answer (connection, timeout, body read).
    pub errors: u64,
    /// From the end of the warm-up until the last measured answer arrived.
    pub elapsed: Duration,
    /// The first failure, to say what went wrong.
    pub first_failure: Option<String>,
}

/// Runs `scenario` with `clients` concurrent tasks for `warmup` + `duration`.
pub async fn run(
    session: &Session,
    scenario: Arc<Scenario>,
    clients: u32,
    warmup: Duration,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let counter = Arc::new(AtomicU64::new(0));
    let measure_from = Instant::now() + warmup;
    let stop_at = measure_from + duration;
    let mut tasks = Vec::with_capacity(clients as usize);
    for _ in 0..clients {
        let (session, scenario, counter) = (session.clone(), scenario.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            client_loop(&session, &scenario, &counter, measure_from, stop_at).await
        }));
    }
    let mut total = Outcome::default();
    let mut last_answer = measure_from;
    for task in tasks {
        let (outcome, last) = task.await?;
        total.latencies.extend(outcome.latencies);
        total.non_ok += outcome.non_ok;
        total.errors += outcome.errors;
        total.first_failure = total.first_failure.or(outcome.first_failure);
        last_answer = last_answer.max(last);
    }
    total.elapsed = last_answer - measure_from;
    Ok(total)
}

/// One client: request after request until `stop_at`. Returns what it measured and when its
/// last measured answer arrived.
async fn client_loop(
    session: &Session,
    scenario: &Scenario,
    counter: &AtomicU64,
    measure_from: Instant,
    stop_at: Instant,
) -> (Outcome, Instant) {
    let mut outcome = Outcome::default();
    let mut last = measure_from;
    loop {
        let sent = Instant::now();
        if sent >= stop_at {
            break;
        }
        let path = scenario.path(counter.fetch_add(1, Ordering::Relaxed));
        let result = fetch(session, &path).await;
        let answered = Instant::now();
        if answered < measure_from {
            continue;
        }
        last = answered;
        match result {
            Ok(StatusCode::OK) => outcome.latencies.push(answered - sent),
            Ok(status) => {
                outcome.non_ok += 1;
                outcome
                    .first_failure
                    .get_or_insert_with(|| format!("GET {path} answered {status}"));
            }
            Err(err) => {
                outcome.errors += 1;
                outcome
                    .first_failure
                    .get_or_insert_with(|| format!("GET {path} failed: {err:#}"));
            }
        }
    }
    (outcome, last)
}

/// Sends one GET and reads the whole body; the answer's status.
async fn fetch(session: &Session, path: &str) -> Result<StatusCode, reqwest::Error> {
    let response = session.client.get(session.url(path)).send().await?;
    let status = response.status();
    response.bytes().await?;
    Ok(status)
}
