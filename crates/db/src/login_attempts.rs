//! Login attempts per client address, shared by every server process, for throttling.

use std::net::IpAddr;

use sqlx::PgPool;

use crate::Error;

pub async fn record(pool: &PgPool, ip: IpAddr, email: &str, success: bool) -> Result<(), Error> {
    sqlx::query("INSERT INTO login_attempts (client_ip, email, success) VALUES ($1::inet, $2, $3)")
        .bind(ip.to_string())
        .bind(email)
        .bind(success)
        .execute(pool)
        .await?;
    Ok(())
}

/// Failed attempts from `ip` within the window, and the age in seconds of the oldest of them
/// (so callers can say when the window frees up).
pub async fn recent_failures(
    pool: &PgPool,
    ip: IpAddr,
    window: chrono::Duration,
) -> Result<(i64, i64), Error> {
    sqlx::query_as(
        "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(at))::bigint, 0)
         FROM login_attempts WHERE client_ip = $1::inet AND NOT success AND at > now() - $2",
    )
    .bind(ip.to_string())
    .bind(window)
    .fetch_one(pool)
    .await
}

pub async fn purge_older_than(pool: &PgPool, age: chrono::Duration) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM login_attempts WHERE at < now() - $1")
        .bind(age)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
