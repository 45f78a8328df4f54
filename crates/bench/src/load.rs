//! The closed loop: `clients` tasks share one session; each sends its next request as soon as
//! the previous answer has been read in full, until the measured window ends. Answers that
//! arrive during the warm-up are discarded; every answer after it is recorded exactly, with
//! its latency from the moment it was sent (so a page slower than the whole window still
//! shows up, instead of leaving the scenario empty).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::check::Failure;
use crate::scenarios::Scenario;
use crate::session::Session;

/// Everything measured for one scenario.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Latency of every request answered as expected (sent → last body read) that finished
    /// after the warm-up, unsorted.
    pub latencies: Vec<Duration>,
    /// Answers other than the expected ones.
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
    for client in 0..clients as usize {
        let (session, scenario, counter) = (session.clone(), scenario.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            client_loop(&session, &scenario, client, &counter, measure_from, stop_at).await
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
    client: usize,
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
        let result = scenario
            .run(session, client, counter.fetch_add(1, Ordering::Relaxed))
            .await;
        let answered = Instant::now();
        // Failures count even in the warm-up: a wrong answer is never a result.
        match result {
            Ok(()) if answered < measure_from => {}
            Ok(()) => {
                last = answered;
                outcome.latencies.push(answered - sent);
            }
            Err(Failure::Answer(what)) => {
                outcome.non_ok += 1;
                outcome.first_failure.get_or_insert(what);
            }
            Err(Failure::Error(what)) => {
                outcome.errors += 1;
                outcome.first_failure.get_or_insert(what);
            }
        }
    }
    (outcome, last)
}
