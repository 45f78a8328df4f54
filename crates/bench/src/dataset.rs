//! The bench database `aftersail_bench_<tickets>`: migrated, seeded with the demo shop, filled
//! by the demo generator and vacuumed. A completed database is marked with a comment, so
//! `--reuse` can tell it from one whose generation was interrupted.

use std::str::FromStr;
use std::time::Instant;

use aftersail_server::demo::{self, generator};
use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

/// A ready bench database and what the scenarios need to know about it.
pub struct Dataset {
    pub name: String,
    /// Superuser options for the bench database (the app pool switches to the app role).
    pub options: PgConnectOptions,
    /// The demo shop's tenant id (for `app.tenant_id` when explaining queries by hand).
    pub demo_tenant: uuid::Uuid,
    /// Lowest and highest ticket number of the demo shop.
    pub numbers: (i64, i64),
    pub demo_tickets: i64,
    pub size_bytes: i64,
}

/// Creates (or, with `reuse`, finds) the bench database for this volume.
pub async fn prepare(
    server_url: &str,
    tickets: u64,
    noise_tenants: u32,
    reuse: bool,
) -> anyhow::Result<Dataset> {
    let server = PgConnectOptions::from_str(server_url)
        .with_context(|| format!("invalid database URL {server_url}"))?;
    let name = format!("aftersail_bench_{tickets}");
    let marker =
        format!("aftersail-bench complete: tickets={tickets} noise_tenants={noise_tenants}");
    let mut admin = PgConnection::connect_with(&server)
        .await
        .with_context(|| format!("connecting to PostgreSQL at {server_url}"))?;
    let comment: Option<Option<String>> = sqlx::query_scalar(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(&name)
    .fetch_optional(&mut admin)
    .await?;
    let options = server.clone().database(&name);
    let complete = comment.flatten().as_deref() == Some(marker.as_str());
    if reuse && complete {
        println!("Reusing database {name} ({marker}).");
        admin.close().await.ok();
        // Brings an older bench database up to the code's schema; no-op when current.
        aftersail_db::migrate(&options)
            .await
            .with_context(|| format!("migrating {name}"))?;
    } else {
        if reuse {
            println!("No completed database {name} for this volume to reuse; generating it.");
        }
        admin
            .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
            .await
            .with_context(|| format!("dropping {name}"))?;
        admin
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .with_context(|| format!("creating {name}"))?;
        admin.close().await.ok();
        fill(&name, &options, tickets, noise_tenants).await?;
        let mut conn = PgConnection::connect_with(&options).await?;
        conn.execute(format!(r#"COMMENT ON DATABASE "{name}" IS '{marker}'"#).as_str())
            .await?;
        conn.close().await.ok();
    }
    describe(name, options).await
}

/// Migrates, seeds the demo shop, generates the tickets and vacuums, timing each step.
async fn fill(
    name: &str,
    options: &PgConnectOptions,
    tickets: u64,
    noise_tenants: u32,
) -> anyhow::Result<()> {
    aftersail_db::migrate(options)
        .await
        .with_context(|| format!("migrating {name}"))?;
    let pool = aftersail_db::connect(options.clone(), 2).await?;
    demo::seed(&pool).await.context("seeding the demo shop")?;
    println!(
        "Generating {tickets} tickets in the demo shop and {} in each of {noise_tenants} noise shops …",
        tickets / 10
    );
    let summary = generator::generate(&pool, generator::Volume::new(tickets, noise_tenants))
        .await
        .context("generating demo data")?;
    pool.close().await;
    println!(
        "Generated {} tickets ({} rows) in {:.1} s.",
        summary.tickets,
        summary.rows,
        summary.elapsed.as_secs_f64()
    );
    let started = Instant::now();
    // VACUUM takes seconds by design: no slow-statement warning for it.
    let quiet = options.clone().disable_statement_logging();
    let mut conn = PgConnection::connect_with(&quiet).await?;
    conn.execute("VACUUM ANALYZE")
        .await
        .with_context(|| format!("VACUUM ANALYZE on {name}"))?;
    conn.close().await.ok();
    println!(
        "VACUUM ANALYZE took {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn describe(name: String, options: PgConnectOptions) -> anyhow::Result<Dataset> {
    let mut conn = PgConnection::connect_with(&options).await?;
    // As superuser: row-level security does not apply, so the shop is found by its slug.
    let (demo_tenant, low, high, demo_tickets): (uuid::Uuid, i64, i64, i64) = sqlx::query_as(
        "SELECT s.id, min(t.number), max(t.number), count(*)
         FROM tenants s JOIN tickets t ON t.tenant_id = s.id
         WHERE s.slug = $1 GROUP BY s.id",
    )
    .bind(demo::SHOP_SLUG)
    .fetch_optional(&mut conn)
    .await?
    .with_context(|| format!("{name} has no demo shop with tickets"))?;
    let size_bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await.ok();
    Ok(Dataset {
        name,
        options,
        demo_tenant,
        numbers: (low, high),
        demo_tickets,
        size_bytes,
    })
}
