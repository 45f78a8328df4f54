//! Live updates: Postgres NOTIFY → one listener per process → Server-Sent Events per browser.
//! Going through Postgres means an event written by any server or worker process reaches
//! browsers connected to every other one.

use std::convert::Infallible;
use std::time::Duration;

use aftersail_domain::TenantId;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::auth::CurrentUser;
use crate::state::AppState;

/// Something happened on ticket `number` of `tenant`.
#[derive(Clone, Debug)]
pub struct Activity {
    pub tenant: TenantId,
    pub number: i64,
    /// Who is on the ticket changed (rather than the ticket itself).
    pub presence: bool,
}

impl Activity {
    /// Parses a NOTIFY payload: `tenant:number`, or `tenant:number:presence`.
    fn parse(payload: &str) -> Option<Activity> {
        let mut parts = payload.split(':');
        let tenant = parts.next()?.parse().ok()?;
        let number = parts.next()?.parse().ok()?;
        let presence = match parts.next() {
            None => false,
            Some("presence") => true,
            Some(_) => return None,
        };
        Some(Activity {
            tenant,
            number,
            presence,
        })
    }
}

/// The process's fan-out point. Cloning shares it.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Activity>,
    stop: CancellationToken,
}

impl Hub {
    /// Starts listening; the listener and every open stream end when `stop` is cancelled.
    pub fn start(pool: PgPool, stop: CancellationToken) -> Hub {
        let (sender, _) = broadcast::channel(1024);
        let hub = Hub {
            sender: sender.clone(),
            stop: stop.clone(),
        };
        tokio::spawn(async move {
            while !stop.is_cancelled() {
                if let Err(err) = listen(&pool, &sender, &stop).await {
                    tracing::warn!(error = %err, "live updates listener failed; reconnecting");
                    tokio::select! {
                        () = stop.cancelled() => {}
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        });
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Activity> {
        self.sender.subscribe()
    }
}

async fn listen(
    pool: &PgPool,
    sender: &broadcast::Sender<Activity>,
    stop: &CancellationToken,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(aftersail_db::LIVE_CHANNEL).await?;
    loop {
        let notification = tokio::select! {
            () = stop.cancelled() => return Ok(()),
            n = listener.recv() => n?,
        };
        if let Some(activity) = Activity::parse(notification.payload()) {
            // No subscribers is fine: nobody is looking.
            let _ = sender.send(activity);
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

/// `event: ticket` (the ticket changed) or `event: presence` (who is on it changed), with the
/// ticket number as data, for the signed-in user's shop only.
async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let tenant = user.tenant();
    let receiver = state.live.subscribe();
    let stop = state.live.stop.clone();
    let stream =
        futures_util::stream::unfold((receiver, stop), move |(mut receiver, stop)| async move {
            loop {
                let next = tokio::select! {
                    () = stop.cancelled() => return None,
                    r = receiver.recv() => r,
                };
                match next {
                    Ok(a) if a.tenant == tenant => {
                        let name = if a.presence { "presence" } else { "ticket" };
                        let event = Event::default().event(name).data(a.number.to_string());
                        return Some((Ok(event), (receiver, stop)));
                    }
                    Ok(_) => continue,
                    // Fell behind: tell the page to refresh everything.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some((
                            Ok(Event::default().event("ticket").data("*")),
                            (receiver, stop),
                        ));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_parse_and_strangers_are_dropped() {
        let tenant = TenantId::new();
        let a = Activity::parse(&format!("{tenant}:1001")).unwrap();
        assert_eq!((a.tenant, a.number, a.presence), (tenant, 1001, false));
        let p = Activity::parse(&format!("{tenant}:1001:presence")).unwrap();
        assert!(p.presence);
        for bad in [
            "",
            "x:1",
            &format!("{tenant}:x"),
            &format!("{tenant}:1:other"),
        ] {
            assert!(Activity::parse(bad).is_none(), "{bad:?}");
        }
    }
}
