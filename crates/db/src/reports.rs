//! The reports' queries: one date range of one shop, narrowed by channel, market (the order's
//! shipping country) and SKU, aggregated in PostgreSQL (one scan per section, `GROUPING SETS`
//! for the several breakdowns of a section) through the range indexes of migration 17; units
//! sold come from the daily sums of migration 22 and the market from `tickets.market`.
//! Durations are read from the columns stored when they happened (`first_reply_secs`, …);
//! [`pending_durations`] and [`fill_durations`] are the worker's side of the business seconds.
//!
//! Every query binds `$1` tenant, `$2`/`$3` the range `[from, to)`, `$4` the shop's time zone
//! (days are the shop's days), `$5` channel, `$6` market, `$7` SKU (NULL: any).

use aftersail_domain::{TenantId, TicketId, UserId};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{Error, TenantTx};

/// What every report is narrowed by.
#[derive(Debug, Clone)]
pub struct Filter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The shop's IANA time zone: days are counted in it.
    pub zone: String,
    pub channel: Option<String>,
    /// The order's shipping country (ISO 3166-1 alpha-2).
    pub market: Option<String>,
    pub sku: Option<String>,
}

/// Readies a report transaction: no JIT. A report's plan over a big shop costs enough to
/// trigger JIT compilation, which took 1.4 s of a 1.8 s query at 100k tickets and saves
/// nothing on scans of this size.
pub async fn begin(tx: &mut TenantTx) -> Result<(), Error> {
    sqlx::query("SET LOCAL jit = off")
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A ticket (alias `t`) in the filter's channel, market and SKU.
const TICKET_SCOPE: &str = "($5::text IS NULL OR t.channel = $5)
    AND ($6::text IS NULL OR t.market = $6)
    AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM order_items i WHERE i.tenant_id = $1 AND i.order_id = t.order_id
                                     AND i.sku = $7))";

/// An RMA (alias `r`, its order `o`) in the filter's channel, market and SKU.
const RMA_SCOPE: &str = "($5::text IS NULL OR o.channel = $5)
    AND ($6::text IS NULL OR o.shipping_country = $6)
    AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM rma_items ri JOIN order_items i
                                       ON i.tenant_id = ri.tenant_id AND i.id = ri.order_item_id
                                     WHERE ri.tenant_id = $1 AND ri.rma_id = r.id AND i.sku = $7))";

fn bind<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    tenant: TenantId,
    f: &'q Filter,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    q.bind(tenant)
        .bind(f.from)
        .bind(f.to)
        .bind(&f.zone)
        .bind(&f.channel)
        .bind(&f.market)
        .bind(&f.sku)
}

// ---- returns ----------------------------------------------------------------------------------

/// Units of one SKU in one country: sold in the range, returned in the range, of which for a
/// reason that is the seller's fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units {
    pub sku: String,
    pub country: Option<String>,
    pub sold: i64,
    pub returned: i64,
    pub fault: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Returns {
    /// Reason code → RMAs opened in the range, most first.
    pub reasons: Vec<(String, i64)>,
    /// Per SKU and country.
    pub units: Vec<Units>,
    /// RMAs opened per day (only days with some).
    pub per_day: Vec<(NaiveDate, i64)>,
}

pub async fn returns(tx: &mut TenantTx, f: &Filter, faults: &[&str]) -> Result<Returns, Error> {
    let tenant = tx.tenant();
    let rows: Vec<(i32, Option<String>, Option<NaiveDate>, i64)> = bind(
        sqlx::query_as(&format!(
            "SELECT GROUPING(x.reason, x.day)::int, x.reason, x.day, count(*)
             FROM (SELECT r.reason, (r.created_at AT TIME ZONE $4)::date AS day
                   FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
                   WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND {RMA_SCOPE}) x
             GROUP BY GROUPING SETS ((x.reason), (x.day))
             ORDER BY 4 DESC, 2, 3"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Returns::default();
    for (grouping, reason, day, n) in rows {
        match (grouping, reason, day) {
            (1, Some(reason), _) => out.reasons.push((reason, n)),
            (2, _, Some(day)) => out.per_day.push((day, n)),
            _ => {}
        }
    }
    out.per_day.sort();

    let sold: Vec<(String, Option<String>, i64)> = bind(
        sqlx::query_as(
            // The daily sums kept by migration 22's triggers, in the shop's days: the range's
            // bounds are the shop's midnights, so whole days cover it exactly.
            "SELECT u.sku, nullif(u.market, ''), sum(u.units)::bigint
             FROM units_sold_daily u
             WHERE u.tenant_id = $1 AND u.day >= ($2 AT TIME ZONE $4)::date AND u.day < ($3 AT TIME ZONE $4)::date
               AND ($5::text IS NULL OR u.channel = $5) AND ($6::text IS NULL OR u.market = $6)
               AND ($7::text IS NULL OR u.sku = $7)
             GROUP BY 1, 2 HAVING sum(u.units) <> 0",
        ),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let returned: Vec<(String, Option<String>, i64, i64)> = bind(
        sqlx::query_as(
            "SELECT i.sku, o.shipping_country, sum(ri.quantity)::bigint,
                    coalesce(sum(ri.quantity) FILTER (WHERE r.reason = ANY($8)), 0)::bigint
             FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
             JOIN rma_items ri ON ri.tenant_id = r.tenant_id AND ri.rma_id = r.id
             JOIN order_items i ON i.tenant_id = ri.tenant_id AND i.id = ri.order_item_id
             WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3
               AND ($5::text IS NULL OR o.channel = $5) AND ($6::text IS NULL OR o.shipping_country = $6)
               AND ($7::text IS NULL OR i.sku = $7) AND $4::text IS NOT NULL
             GROUP BY 1, 2",
        ),
        tenant,
        f,
    )
    .bind(faults)
    .fetch_all(tx.conn())
    .await?;
    let mut units: Vec<Units> = sold
        .into_iter()
        .map(|(sku, country, sold)| Units {
            sku,
            country,
            sold,
            ..Units::default()
        })
        .collect();
    for (sku, country, n, fault) in returned {
        match units
            .iter_mut()
            .find(|u| u.sku == sku && u.country == country)
        {
            Some(u) => {
                u.returned = n;
                u.fault = fault;
            }
            None => units.push(Units {
                sku,
                country,
                sold: 0,
                returned: n,
                fault,
            }),
        }
    }
    out.units = units;
    Ok(out)
}

// ---- refunds ----------------------------------------------------------------------------------

/// A group of RMAs or refunds with their refunded amount in one currency (`None`: no refund).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MoneyGroup {
    pub key: String,
    pub currency: Option<String>,
    pub count: i64,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Refunds {
    /// RMAs opened in the range per resolution (`none` while undecided) and refund currency
    /// (live refunds: not rejected).
    pub by_resolution: Vec<MoneyGroup>,
    /// Refunds created in the range per state and currency.
    pub by_state: Vec<MoneyGroup>,
    /// Refunds created per day.
    pub per_day: Vec<(NaiveDate, i64)>,
}

pub async fn refunds(tx: &mut TenantTx, f: &Filter) -> Result<Refunds, Error> {
    let tenant = tx.tenant();
    let by_resolution = bind(
        sqlx::query_as(&format!(
            "SELECT coalesce(r.resolution, 'none') AS key, x.currency, count(*) AS count,
                    coalesce(sum(x.amount_minor), 0)::bigint AS amount_minor
             FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
             LEFT JOIN refunds x ON x.tenant_id = r.tenant_id AND x.rma_id = r.id AND x.state <> 'rejected'
             WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND {RMA_SCOPE}
               AND $4::text IS NOT NULL
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    type Row = (
        i32,
        Option<String>,
        Option<String>,
        Option<NaiveDate>,
        i64,
        i64,
    );
    let rows: Vec<Row> = bind(
        sqlx::query_as(&format!(
            "SELECT GROUPING(y.state, y.currency, y.day)::int, y.state, y.currency, y.day, count(*),
                    coalesce(sum(y.amount_minor), 0)::bigint
             FROM (SELECT x.state, x.currency, x.amount_minor, (x.created_at AT TIME ZONE $4)::date AS day
                   FROM refunds x JOIN rmas r ON r.tenant_id = x.tenant_id AND r.id = x.rma_id
                   JOIN orders o ON o.tenant_id = x.tenant_id AND o.id = x.order_id
                   WHERE x.tenant_id = $1 AND x.created_at >= $2 AND x.created_at < $3 AND {RMA_SCOPE}) y
             GROUP BY GROUPING SETS ((y.state, y.currency), (y.day))
             ORDER BY 5 DESC, 2, 3, 4"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Refunds {
        by_resolution,
        ..Refunds::default()
    };
    for (grouping, state, currency, day, count, amount_minor) in rows {
        match (grouping, state, day) {
            (1, Some(key), _) => out.by_state.push(MoneyGroup {
                key,
                currency,
                count,
                amount_minor,
            }),
            (6, _, Some(day)) => out.per_day.push((day, count)),
            _ => {}
        }
    }
    out.per_day.sort();
    Ok(out)
}

// ---- tickets ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct Tickets {
    pub per_day: Vec<(NaiveDate, i64)>,
    /// Intent code (`none`: not classified) → tickets, most first.
    pub by_intent: Vec<(String, i64)>,
    /// Type code (`none`: not set) → tickets, most first.
    pub by_type: Vec<(String, i64)>,
}

pub async fn tickets(tx: &mut TenantTx, f: &Filter) -> Result<Tickets, Error> {
    let tenant = tx.tenant();
    type Row = (i32, Option<NaiveDate>, Option<String>, Option<String>, i64);
    let rows: Vec<Row> = bind(
        sqlx::query_as(&format!(
            "SELECT GROUPING(x.day, x.intent, x.type)::int, x.day, x.intent, x.type, count(*)
             FROM (SELECT (t.created_at AT TIME ZONE $4)::date AS day, coalesce(t.intent, 'none') AS intent,
                          coalesce(t.type, 'none') AS type
                   FROM tickets t
                   WHERE t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3 AND {TICKET_SCOPE}) x
             GROUP BY GROUPING SETS ((x.day), (x.intent), (x.type))
             ORDER BY 5 DESC, 2, 3, 4"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Tickets::default();
    for (grouping, day, intent, kind, n) in rows {
        match grouping {
            3 => out.per_day.extend(day.map(|d| (d, n))),
            5 => out.by_intent.extend(intent.map(|i| (i, n))),
            6 => out.by_type.extend(kind.map(|k| (k, n))),
            _ => {}
        }
    }
    out.per_day.sort();
    Ok(out)
}

// ---- service ----------------------------------------------------------------------------------

/// Reply and resolution times (seconds; median and p90, nearest rank) and SLA compliance of
/// one group of tickets created in the range.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceRow {
    pub tickets: i64,
    pub replied: i64,
    pub first_reply_p50: Option<i64>,
    pub first_reply_p90: Option<i64>,
    pub first_reply_business_p50: Option<i64>,
    pub first_reply_business_p90: Option<i64>,
    pub solved: i64,
    pub resolution_p50: Option<i64>,
    pub resolution_p90: Option<i64>,
    pub resolution_business_p50: Option<i64>,
    pub resolution_business_p90: Option<i64>,
    pub first_reply_met: i64,
    pub first_reply_missed: i64,
    pub resolution_met: i64,
    pub resolution_missed: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub overall: ServiceRow,
    pub by_channel: Vec<(String, ServiceRow)>,
    /// Per assignee (`None`: unassigned) with their name.
    pub by_agent: Vec<(Option<UserId>, Option<String>, ServiceRow)>,
}

#[derive(sqlx::FromRow)]
struct ServiceGroup {
    grouping: i32,
    channel: Option<String>,
    assignee_id: Option<UserId>,
    agent_name: Option<String>,
    #[sqlx(flatten)]
    row: ServiceRow,
}

pub async fn service(tx: &mut TenantTx, f: &Filter, now: DateTime<Utc>) -> Result<Service, Error> {
    let tenant = tx.tenant();
    // A target is met when the reply (solve) came by its due time and no breach was recorded
    // for it (a deadline moved later by a priority change does not undo a breach); missed when
    // it came late, a breach was recorded, or it has not come and the due time has passed.
    // Tickets without the target, or still within it, count neither way.
    let groups: Vec<ServiceGroup> = bind(
        sqlx::query_as(&format!(
            "WITH s AS (
                SELECT t.channel, t.assignee_id, t.first_reply_secs, t.first_reply_business_secs,
                       t.resolution_secs, t.resolution_business_secs,
                       CASE WHEN t.first_response_due_at IS NULL THEN NULL
                            WHEN t.first_response_at IS NULL THEN CASE WHEN t.first_response_due_at < $8 THEN false END
                            WHEN t.first_response_at > t.first_response_due_at THEN false
                            ELSE NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.tenant_id = $1 AND e.ticket_id = t.id
                                             AND e.target = 'first_reply' AND e.kind = 'breach')
                       END AS first_ok,
                       CASE WHEN t.resolution_due_at IS NULL THEN NULL
                            WHEN t.solved_at IS NULL THEN CASE WHEN t.resolution_due_at < $8 THEN false END
                            WHEN t.solved_at > t.resolution_due_at THEN false
                            ELSE NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.tenant_id = $1 AND e.ticket_id = t.id
                                             AND e.target = 'resolution' AND e.kind = 'breach')
                       END AS resolution_ok
                FROM tickets t
                WHERE t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3 AND {TICKET_SCOPE}
                  AND $4::text IS NOT NULL)
             SELECT GROUPING(s.channel, s.assignee_id)::int AS grouping, s.channel, s.assignee_id,
                    min(u.name) AS agent_name,
                    count(*) AS tickets, count(s.first_reply_secs) AS replied,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY s.first_reply_secs) AS first_reply_p50,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.first_reply_secs) AS first_reply_p90,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY s.first_reply_business_secs) AS first_reply_business_p50,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.first_reply_business_secs) AS first_reply_business_p90,
                    count(s.resolution_secs) AS solved,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY s.resolution_secs) AS resolution_p50,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.resolution_secs) AS resolution_p90,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY s.resolution_business_secs) AS resolution_business_p50,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY s.resolution_business_secs) AS resolution_business_p90,
                    count(*) FILTER (WHERE s.first_ok) AS first_reply_met,
                    count(*) FILTER (WHERE NOT s.first_ok) AS first_reply_missed,
                    count(*) FILTER (WHERE s.resolution_ok) AS resolution_met,
                    count(*) FILTER (WHERE NOT s.resolution_ok) AS resolution_missed
             FROM s LEFT JOIN users u ON u.tenant_id = $1 AND u.id = s.assignee_id
             GROUP BY GROUPING SETS ((s.channel), (s.assignee_id), ())
             ORDER BY count(*) DESC, 2, 4"
        )),
        tenant,
        f,
    )
    .bind(now)
    .fetch_all(tx.conn())
    .await?;
    let mut out = Service::default();
    for g in groups {
        match g.grouping {
            1 => out.by_channel.push((g.channel.unwrap_or_default(), g.row)),
            2 => out.by_agent.push((g.assignee_id, g.agent_name, g.row)),
            3 => out.overall = g.row,
            _ => {}
        }
    }
    Ok(out)
}

// ---- CSAT -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsatCounts {
    pub sent: i64,
    pub responses: i64,
    pub good: i64,
}

#[derive(Debug, Clone)]
pub struct CsatComment {
    pub answered_at: DateTime<Utc>,
    pub rating: String,
    pub comment: String,
    pub ticket_number: i64,
    pub agent: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Csat {
    pub overall: CsatCounts,
    pub by_agent: Vec<(Option<String>, CsatCounts)>,
    pub by_channel: Vec<(String, CsatCounts)>,
    pub per_day: Vec<(NaiveDate, CsatCounts)>,
    pub comments: Vec<CsatComment>,
}

/// A survey (alias `s`) in the filter's channel, market and SKU (through its ticket's order).
const SURVEY_SCOPE: &str = "($5::text IS NULL OR s.channel = $5)
    AND ($6::text IS NULL OR s.market = $6)
    AND ($7::text IS NULL OR EXISTS (
        SELECT 1 FROM tickets t JOIN order_items i ON i.tenant_id = t.tenant_id AND i.order_id = t.order_id
        WHERE t.tenant_id = $1 AND t.id = s.ticket_id AND i.sku = $7))";

/// Surveys sent in the range (their answers whenever they came).
pub async fn csat(tx: &mut TenantTx, f: &Filter, comments: i64) -> Result<Csat, Error> {
    let tenant = tx.tenant();
    type Row = (
        i32,
        Option<String>,
        Option<String>,
        Option<NaiveDate>,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = bind(
        sqlx::query_as(&format!(
            "SELECT GROUPING(x.agent, x.channel, x.day)::int, x.agent, x.channel, x.day,
                    count(*), count(x.rating), count(*) FILTER (WHERE x.rating = 'good')
             FROM (SELECT u.name AS agent, s.channel, s.rating, (s.sent_at AT TIME ZONE $4)::date AS day
                   FROM csat_surveys s LEFT JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.agent_id
                   WHERE s.tenant_id = $1 AND s.sent_at >= $2 AND s.sent_at < $3 AND {SURVEY_SCOPE}) x
             GROUP BY GROUPING SETS ((x.agent), (x.channel), (x.day), ())
             ORDER BY 5 DESC, 2, 3, 4"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Csat::default();
    for (grouping, agent, channel, day, sent, responses, good) in rows {
        let counts = CsatCounts {
            sent,
            responses,
            good,
        };
        match grouping {
            3 => out.by_agent.push((agent, counts)),
            5 => out.by_channel.push((channel.unwrap_or_default(), counts)),
            6 => out.per_day.extend(day.map(|d| (d, counts))),
            7 => out.overall = counts,
            _ => {}
        }
    }
    out.per_day.sort_by_key(|(d, _)| *d);
    type CommentRow = (DateTime<Utc>, String, String, i64, Option<String>);
    let rows: Vec<CommentRow> = bind(
        sqlx::query_as(&format!(
            "SELECT s.answered_at, s.rating, s.comment, t.number, u.name
             FROM csat_surveys s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
             LEFT JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.agent_id
             WHERE s.tenant_id = $1 AND s.sent_at >= $2 AND s.sent_at < $3 AND {SURVEY_SCOPE}
               AND s.answered_at IS NOT NULL AND coalesce(s.comment, '') <> '' AND $4::text IS NOT NULL
             ORDER BY s.answered_at DESC, s.id DESC LIMIT $8"
        )),
        tenant,
        f,
    )
    .bind(comments)
    .fetch_all(tx.conn())
    .await?;
    out.comments = rows
        .into_iter()
        .map(
            |(answered_at, rating, comment, ticket_number, agent)| CsatComment {
                answered_at,
                rating,
                comment,
                ticket_number,
                agent,
            },
        )
        .collect();
    Ok(out)
}

// ---- bot --------------------------------------------------------------------------------------

/// What the bot did with the tickets it first looked at in a range (as `bot::deflection`
/// counts them: deflected = answered, and no person replied nor was handed it afterwards).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotCounts {
    pub tickets: i64,
    pub answered: i64,
    pub handed_off: i64,
    pub deflected: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Bot {
    pub overall: BotCounts,
    pub per_day: Vec<(NaiveDate, BotCounts)>,
}

pub async fn bot(tx: &mut TenantTx, f: &Filter) -> Result<Bot, Error> {
    let tenant = tx.tenant();
    let rows: Vec<(i32, Option<NaiveDate>, i64, i64, i64, i64)> = bind(
        sqlx::query_as(&format!(
            "WITH firsts AS (
                 SELECT DISTINCT b.ticket_id FROM bot_answers b
                 WHERE b.tenant_id = $1 AND b.created_at >= $2 AND b.created_at < $3
                   AND NOT EXISTS (SELECT 1 FROM bot_answers p WHERE p.tenant_id = $1
                                   AND p.ticket_id = b.ticket_id AND p.created_at < $2)),
             per_ticket AS (
                 SELECT f.ticket_id, a.first_at, a.answered_at, a.answered
                 FROM firsts f JOIN tickets t ON t.tenant_id = $1 AND t.id = f.ticket_id
                 CROSS JOIN LATERAL (
                     SELECT min(created_at) AS first_at,
                            min(created_at) FILTER (WHERE outcome = 'answered') AS answered_at,
                            bool_or(outcome = 'answered') AS answered
                     FROM bot_answers WHERE tenant_id = $1 AND ticket_id = f.ticket_id) a
                 WHERE {TICKET_SCOPE}),
             flagged AS (
                 SELECT (p.first_at AT TIME ZONE $4)::date AS day, p.answered,
                        p.answered
                        AND NOT EXISTS (SELECT 1 FROM messages m
                                        WHERE m.tenant_id = $1 AND m.ticket_id = p.ticket_id
                                          AND m.kind = 'outbound' AND m.author_user_id IS NOT NULL
                                          AND m.automated IS NULL AND m.created_at > p.answered_at)
                        AND NOT EXISTS (SELECT 1 FROM bot_answers h
                                        WHERE h.tenant_id = $1 AND h.ticket_id = p.ticket_id
                                          AND h.outcome = 'handoff' AND h.created_at > p.answered_at) AS deflected
                 FROM per_ticket p)
             SELECT GROUPING(day)::int, day, count(*), count(*) FILTER (WHERE answered),
                    count(*) FILTER (WHERE NOT answered), count(*) FILTER (WHERE deflected)
             FROM flagged GROUP BY GROUPING SETS ((day), ()) ORDER BY 2"
        )),
        tenant,
        f,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Bot::default();
    for (grouping, day, tickets, answered, handed_off, deflected) in rows {
        let counts = BotCounts {
            tickets,
            answered,
            handed_off,
            deflected,
        };
        match (grouping, day) {
            (0, Some(day)) => out.per_day.push((day, counts)),
            (1, _) => out.overall = counts,
            _ => {}
        }
    }
    Ok(out)
}

// ---- the durations worker ---------------------------------------------------------------------

/// Tickets (across shops) whose business seconds are still to be counted.
pub async fn pending_durations(
    pool: &sqlx::PgPool,
    limit: i32,
) -> Result<Vec<(TenantId, TicketId)>, Error> {
    sqlx::query_as("SELECT tenant_id, id FROM pending_ticket_durations($1)")
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// A pending ticket's moments, locked (others skipped: another worker has them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingDurations {
    pub id: TicketId,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub solved_at: Option<DateTime<Utc>>,
}

pub async fn lock_pending(
    tx: &mut TenantTx,
    tickets: &[TicketId],
) -> Result<Vec<PendingDurations>, Error> {
    let tenant = tx.tenant();
    let ids: Vec<uuid::Uuid> = tickets.iter().map(|t| t.0).collect();
    sqlx::query_as(
        "SELECT id, created_at, first_response_at, solved_at FROM tickets
         WHERE tenant_id = $1 AND id = ANY($2) AND durations_pending
         FOR UPDATE SKIP LOCKED",
    )
    .bind(tenant)
    .bind(&ids)
    .fetch_all(tx.conn())
    .await
}

/// Stores counted business seconds (`None` where the moment has not come) and clears the mark.
pub async fn fill_durations(
    tx: &mut TenantTx,
    rows: &[(TicketId, Option<i64>, Option<i64>)],
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.0 .0).collect();
    let first: Vec<Option<i64>> = rows.iter().map(|r| r.1).collect();
    let resolution: Vec<Option<i64>> = rows.iter().map(|r| r.2).collect();
    sqlx::query(
        "UPDATE tickets t SET first_reply_business_secs = v.first, resolution_business_secs = v.resolution,
                              durations_pending = false
         FROM unnest($2::uuid[], $3::bigint[], $4::bigint[]) AS v (id, first, resolution)
         WHERE t.tenant_id = $1 AND t.id = v.id",
    )
    .bind(tenant)
    .bind(&ids)
    .bind(&first)
    .bind(&resolution)
    .execute(tx.conn())
    .await?;
    Ok(())
}
