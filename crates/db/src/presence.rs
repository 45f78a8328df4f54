//! Who has a ticket open, and who is typing on it, for the collision notice.
//!
//! Each open ticket page sends a heartbeat every few seconds; an entry older than
//! [`FRESH_SECS`] is somebody who left without saying so (closed laptop, lost network).
//! Changes are announced on the live channel as `tenant:number:presence`, so pages on any
//! server process refresh their notice at once.

use aftersail_domain::{TicketId, UserId};

use crate::{Error, TenantTx};

/// How long a heartbeat counts.
pub const FRESH_SECS: i64 = 30;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Present {
    pub user_id: UserId,
    pub name: String,
    pub typing: bool,
}

/// Records that `user` is on the ticket (typing or not). Announces it when it is news: the
/// user just arrived, came back, or started or stopped typing.
pub async fn heartbeat(
    tx: &mut TenantTx,
    ticket: TicketId,
    number: i64,
    user: UserId,
    typing: bool,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let news: bool = sqlx::query_scalar(
        "WITH before AS (
             SELECT typing, seen_at > now() - make_interval(secs => $5) AS fresh
             FROM ticket_presence WHERE tenant_id = $1 AND ticket_id = $2 AND user_id = $3
         ), up AS (
             INSERT INTO ticket_presence (tenant_id, ticket_id, user_id, typing, seen_at)
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (tenant_id, ticket_id, user_id)
             DO UPDATE SET typing = excluded.typing, seen_at = excluded.seen_at
         )
         SELECT NOT coalesce((SELECT fresh AND typing = $4 FROM before), false)",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(user)
    .bind(typing)
    .bind(FRESH_SECS as f64)
    .fetch_one(tx.conn())
    .await?;
    if news {
        announce(tx, number).await?;
    }
    Ok(())
}

/// `user` closed the ticket.
pub async fn leave(
    tx: &mut TenantTx,
    ticket: TicketId,
    number: i64,
    user: UserId,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let gone = sqlx::query(
        "DELETE FROM ticket_presence WHERE tenant_id = $1 AND ticket_id = $2 AND user_id = $3",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(user)
    .execute(tx.conn())
    .await?;
    if gone.rows_affected() > 0 {
        announce(tx, number).await?;
    }
    Ok(())
}

/// The other people on the ticket now, typists first.
pub async fn others(
    tx: &mut TenantTx,
    ticket: TicketId,
    me: UserId,
) -> Result<Vec<Present>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT p.user_id, u.name, p.typing FROM ticket_presence p
         JOIN users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id
         WHERE p.tenant_id = $1 AND p.ticket_id = $2 AND p.user_id <> $3
           AND p.seen_at > now() - make_interval(secs => $4)
         ORDER BY p.typing DESC, lower(u.name)",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(me)
    .bind(FRESH_SECS as f64)
    .fetch_all(tx.conn())
    .await
}

async fn announce(tx: &mut TenantTx, number: i64) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(crate::LIVE_CHANNEL)
        .bind(format!("{tenant}:{number}:presence"))
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Forgets heartbeats nobody has sent for an hour, in every shop (housekeeping).
pub async fn purge_stale(pool: &sqlx::PgPool) -> Result<i64, Error> {
    sqlx::query_scalar("SELECT purge_stale_presence()")
        .fetch_one(pool)
        .await
}
