//! PostgreSQL access. Tenant data is only reachable through a [`TenantTx`], a transaction
//! that has set `app.tenant_id` for row-level security and carries the same tenant for the
//! explicit `tenant_id = $1` filters (which the composite indexes need anyway).

pub mod alerts;
pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod automation;
pub mod bot;
pub mod calendars;
pub mod channels;
pub mod csat;
pub mod customers;
pub mod inbound_payloads;
pub mod invitations;
pub mod kb;
pub mod login_attempts;
pub mod marketplace_returns;
pub mod messages;
pub mod notifications;
mod ordering;
pub mod orders;
pub mod outbox;
pub mod portal;
pub mod presence;
pub mod privacy;
pub mod refunds;
pub mod reply_templates;
pub mod reports;
pub mod return_config;
pub mod rmas;
pub mod rule_runs;
pub mod rule_webhooks;
pub mod rules;
pub mod search;
pub mod sessions;
pub mod sla;
pub mod sla_policies;
pub mod teams;
pub mod tenants;
pub mod ticket_events;
pub mod tickets;
pub mod translation;
pub mod triage;
pub mod users;
pub mod webhook_endpoints;
pub mod webhook_events;

use std::time::Duration;

use aftersail_domain::TenantId;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::ConnectOptions as _;
use sqlx::{Connection, Executor, PgConnection, PgPool, Postgres, Transaction};

pub use sqlx::Error;

/// Every migration in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The NOTIFY channel for ticket activity; payload `<tenant id>:<ticket number>`, sent in the
/// writing transaction so listeners hear of it only once it is committed.
pub const LIVE_CHANNEL: &str = "aftersail_ticket_activity";

/// The NOLOGIN role every pooled connection switches to; it does not bypass RLS.
pub const APP_ROLE: &str = "aftersail_app";

/// Opens the application pool. Each connection switches to [`APP_ROLE`] before first use,
/// so row-level security holds even when `options` names a superuser.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool, Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(format!("SET ROLE {APP_ROLE}").as_str())
                    .await?;
                Ok(())
            })
        })
        .connect_with(options.application_name("aftersail"))
        .await
}

/// Applies pending migrations as the connecting (owner) role. Safe to run from several
/// processes at once: sqlx serialises them with an advisory lock.
pub async fn migrate(options: &PgConnectOptions) -> Result<(), sqlx::migrate::MigrateError> {
    // A migration over a big shop takes minutes by design; logging each whole file as a
    // "slow statement" would only bury the progress lines.
    let quiet = options.clone().disable_statement_logging();
    let mut conn = PgConnection::connect_with(&quiet).await?;
    MIGRATOR.run(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// How many embedded migrations the database has not applied yet.
pub async fn pending_migrations(pool: &PgPool) -> Result<usize, Error> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .count())
}

/// A transaction scoped to one tenant, for every read and write of tenant data.
pub struct TenantTx {
    tenant: TenantId,
    tx: Transaction<'static, Postgres>,
}

impl TenantTx {
    /// `BEGIN` and the tenant in one round trip: every page and API call starts here, and a
    /// round trip costs ~0.08 ms of CPU on this machine's kind (pgbench, `SELECT 1`). The id
    /// is a `Uuid`, whose text is hex digits and dashes only, so it can stand in the text.
    pub async fn begin(pool: &PgPool, tenant: TenantId) -> Result<Self, Error> {
        let tx = pool
            .begin_with(format!(
                "BEGIN; SELECT set_config('app.tenant_id', '{}', true)",
                tenant.0.hyphenated()
            ))
            .await?;
        Ok(Self { tenant, tx })
    }

    /// Changes in this transaction raise no automation events (bulk history such as the demo
    /// generator's: rules are for what happens from now on).
    pub async fn without_automation(&mut self) -> Result<(), Error> {
        sqlx::query("SELECT set_config('app.automation', 'off', true)")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Runs `run` with prepared statements on shared (generic) plans, then hands the
    /// transaction back to PostgreSQL's own choice for the statements that follow. For queries
    /// whose every plan is the same scan, so that a large shop does not pay for planning on
    /// each call (see the inbox and search).
    pub(crate) async fn on_generic_plans<T>(
        &mut self,
        run: impl AsyncFnOnce(&mut PgConnection) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.plan_cache_mode("force_generic_plan").await?;
        let result = run(&mut self.tx).await;
        self.plan_cache_mode("auto").await?;
        result
    }

    async fn plan_cache_mode(&mut self, mode: &str) -> Result<(), Error> {
        sqlx::query("SELECT set_config('plan_cache_mode', $1, true)")
            .bind(mode)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), Error> {
        self.tx.commit().await
    }
}

/// A wait PostgreSQL's `interval` can hold (it has no nanoseconds): whole milliseconds.
pub fn whole_millis(d: Duration) -> Duration {
    Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The name of the constraint a database error violated, for turning it into a field error.
pub fn violated_constraint(err: &Error) -> Option<&str> {
    err.as_database_error().and_then(|e| e.constraint())
}
