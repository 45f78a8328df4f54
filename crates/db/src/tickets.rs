//! Tickets: one buyer conversation each, numbered per shop (#1000, #1001, …).

use aftersail_domain::ticket::{InboxSort, Status};
use aftersail_domain::{CustomerId, OrderId, SlaPolicyId, TeamId, TenantId, TicketId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};

use crate::{Error, TenantTx};

pub struct NewTicket<'a> {
    pub channel: &'a str,
    pub customer_id: CustomerId,
    pub order_id: Option<OrderId>,
    pub subject: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub kind: Option<&'a str>,
    pub language: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Creates a ticket with the shop's next number: from the shop's own sequence (migration 24),
/// so numbers are unique and increasing per shop and concurrent writers do not wait for each
/// other; a creation that rolls back leaves a gap.
pub async fn create(tx: &mut TenantTx, t: NewTicket<'_>) -> Result<(TicketId, i64), Error> {
    let tenant = tx.tenant();
    let number: i64 = sqlx::query_scalar("SELECT next_shop_number('ticket')")
        .fetch_one(tx.conn())
        .await?;
    let id = TicketId::new();
    sqlx::query(
        "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status, priority,
                              type, language, first_message_at, last_message_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12)",
    )
    .bind(tenant)
    .bind(id)
    .bind(number)
    .bind(t.channel)
    .bind(t.customer_id)
    .bind(t.order_id)
    .bind(t.subject)
    .bind(t.status)
    .bind(t.priority)
    .bind(t.kind)
    .bind(t.language)
    .bind(t.at)
    .execute(tx.conn())
    .await?;
    Ok((id, number))
}

/// A row of the inbox list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub language: Option<String>,
    pub tags: Vec<String>,
    pub sla_due_at: Option<DateTime<Utc>>,
    /// How long before `sla_due_at` the ticket counts as due soon (its policy's warning).
    pub sla_warn_minutes: i32,
    /// Activity since the viewing agent last opened the ticket (or never opened).
    pub unread: bool,
    pub customer_name: String,
    pub assignee_name: Option<String>,
    pub last_message_at: DateTime<Utc>,
}

/// Which tickets an inbox list shows. Every field narrows; the defaults show everything.
#[derive(Debug, Default, Clone)]
pub struct InboxFilter {
    /// Any of these statuses (empty: any status).
    pub statuses: Vec<String>,
    /// `Some(None)`: unassigned; `Some(Some(user))`: assigned to that user.
    pub assignee: Option<Option<UserId>>,
    pub team: Option<TeamId>,
    pub channel: Option<String>,
    pub priority: Option<String>,
    pub kind: Option<String>,
    pub language: Option<String>,
    /// Tickets carrying this (normalized) tag.
    pub tag: Option<String>,
    /// Only tickets with an SLA deadline before this instant (breached: now; due soon: now + window).
    pub sla_due_before: Option<DateTime<Utc>>,
    /// Only tickets with an SLA deadline at or after this instant.
    pub sla_due_from: Option<DateTime<Utc>>,
    /// Whose read state `unread` reports (and `unread_only` filters on).
    pub viewer: Option<UserId>,
    pub unread_only: bool,
}

impl InboxFilter {
    fn needs_sla(&self) -> bool {
        self.sla_due_before.is_some() || self.sla_due_from.is_some()
    }
}

/// Where the next page starts: the last row of the previous one, in the list's own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxCursor {
    /// Sorted by activity: after `(last_message_at, id)`, descending.
    Activity { at: DateTime<Utc>, id: TicketId },
    /// Sorted by SLA: after `(sla_due_at, id)`, ascending.
    Sla { due: DateTime<Utc>, id: TicketId },
    /// Sorted by SLA, past every ticket with a deadline: the rest by activity.
    AfterSla { at: DateTime<Utc>, id: TicketId },
}

/// The columns of an [`InboxRow`]; `unread` needs the viewer as `$viewer`-style bind, so the
/// caller pushes it.
fn push_row_columns(q: &mut QueryBuilder<'_, Postgres>, viewer: Option<UserId>) {
    q.push(
        "SELECT t.id, t.number, t.channel, t.subject, t.status, t.priority, t.language, t.tags,
                t.sla_due_at, t.sla_warn_minutes, ",
    );
    match viewer {
        Some(user) => {
            push_unread(q, user);
            q.push(" AS unread, ");
        }
        None => {
            q.push("false AS unread, ");
        }
    }
    q.push(
        "c.name AS customer_name, u.name AS assignee_name, t.last_message_at
         FROM tickets t
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.assignee_id",
    );
}

fn push_filter(q: &mut QueryBuilder<'_, Postgres>, tenant: TenantId, f: &InboxFilter) {
    q.push(" WHERE t.tenant_id = ").push_bind(tenant);
    if !f.statuses.is_empty() {
        // Written into the SQL (only codes of the closed vocabulary), not bound: the planner
        // can then see that an open-statuses view fits `tickets_active_inbox_idx`.
        let codes: Vec<String> = f
            .statuses
            .iter()
            .filter_map(|s| Status::parse(s))
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        if codes.is_empty() {
            q.push(" AND false");
        } else {
            q.push(format!(" AND t.status IN ({})", codes.join(", ")));
        }
    }
    match f.assignee {
        Some(Some(user)) => {
            q.push(" AND t.assignee_id = ").push_bind(user);
        }
        Some(None) => {
            q.push(" AND t.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(team) = f.team {
        q.push(" AND t.team_id = ").push_bind(team);
    }
    for (column, value) in [
        ("t.channel", &f.channel),
        ("t.priority", &f.priority),
        ("t.type", &f.kind),
        ("t.language", &f.language),
    ] {
        if let Some(v) = value {
            q.push(format!(" AND {column} = ")).push_bind(v.clone());
        }
    }
    if let Some(tag) = &f.tag {
        q.push(" AND t.tags @> ARRAY[")
            .push_bind(tag.clone())
            .push("]::text[]");
    }
    if let Some(before) = f.sla_due_before {
        q.push(" AND t.sla_due_at < ").push_bind(before);
    }
    if let Some(from) = f.sla_due_from {
        q.push(" AND t.sla_due_at >= ").push_bind(from);
    }
    if let (true, Some(user)) = (f.unread_only, f.viewer) {
        q.push(" AND ");
        push_unread(q, user);
    }
}

/// Whether ticket `t` has activity `user` has not seen: they never opened it, or not since.
fn push_unread(q: &mut QueryBuilder<'_, Postgres>, user: UserId) {
    q.push(
        "NOT EXISTS (SELECT 1 FROM ticket_reads r WHERE r.tenant_id = t.tenant_id AND r.user_id = ",
    )
    .push_bind(user)
    .push(" AND r.ticket_id = t.id AND r.read_at >= t.last_message_at)");
}

/// One page of the inbox, `limit` rows after `after`, so pages stay stable while new
/// tickets arrive. By activity it is one keyset scan of the `tickets_*inbox_idx` indexes; by
/// SLA it reads the deadlines in order (`tickets_sla_idx`), then, once those run out, the
/// tickets without a running clock by activity.
pub async fn inbox(
    tx: &mut TenantTx,
    filter: &InboxFilter,
    sort: InboxSort,
    after: Option<InboxCursor>,
    limit: i64,
) -> Result<Vec<InboxRow>, Error> {
    let mut rows = Vec::new();
    let by_deadline =
        sort == InboxSort::SlaDue && !matches!(after, Some(InboxCursor::AfterSla { .. }));
    if by_deadline {
        let tenant = tx.tenant();
        let mut q = QueryBuilder::new("");
        push_row_columns(&mut q, filter.viewer);
        push_filter(&mut q, tenant, filter);
        q.push(" AND t.sla_due_at IS NOT NULL");
        if let Some(InboxCursor::Sla { due, id }) = after {
            q.push(" AND (t.sla_due_at, t.id) > (")
                .push_bind(due)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        q.push(format!(" ORDER BY t.sla_due_at, t.id LIMIT {limit}"));
        rows = q.build_query_as().fetch_all(tx.conn()).await?;
        if rows.len() as i64 == limit || filter.needs_sla() {
            return Ok(rows);
        }
    }
    let mut q = by_activity(
        "",
        tx.tenant(),
        filter,
        sort,
        after,
        limit - rows.len() as i64,
    );
    // One shared plan for every shop. PostgreSQL's choice between a shared plan and one made
    // for the call depends on the shop's size: the shared plan estimates a shop at the
    // average size, so for a large shop it looks costlier than a fresh plan (the same index
    // scan, costed for more rows), and every page was planned again: ~0.5 ms of a ~3.5 ms
    // page at 1M tickets, none at 10k. The filters are index key columns and the limit is
    // written in, so the shared plan is the same scan.
    let page = tx
        .on_generic_plans(async |conn| q.build_query_as::<InboxRow>().fetch_all(conn).await)
        .await?;
    rows.extend(page);
    Ok(rows)
}

/// The inbox by activity: one keyset scan of an inbox index, newest first, whose trailing key
/// columns test the filters on the index entry (see the inbox-filters migration).
fn by_activity<'a>(
    prefix: &str,
    tenant: TenantId,
    filter: &InboxFilter,
    sort: InboxSort,
    after: Option<InboxCursor>,
    limit: i64,
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(prefix);
    push_row_columns(&mut q, filter.viewer);
    push_filter(&mut q, tenant, filter);
    if sort == InboxSort::SlaDue {
        q.push(" AND t.sla_due_at IS NULL");
    }
    match after {
        Some(InboxCursor::Activity { at, id } | InboxCursor::AfterSla { at, id }) => {
            q.push(" AND (t.last_message_at, t.id) < (")
                .push_bind(at)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        Some(InboxCursor::Sla { .. }) | None => {}
    }
    // The limit is written into the SQL, not bound (it is a number the code chooses): a plan
    // made for a bound limit assumes it keeps a tenth of the rows, which in a large shop costs
    // the shared plan more than planning afresh, so PostgreSQL planned every page again
    // (~0.4 ms at 1M tickets, none at 10k).
    q.push(format!(
        " ORDER BY t.last_message_at DESC, t.id DESC LIMIT {limit}"
    ));
    q
}

/// PostgreSQL's plan for the first page of `filter` by activity, as the app runs it (for
/// plan tests and for diagnosing a slow view).
pub async fn explain_inbox(
    tx: &mut TenantTx,
    filter: &InboxFilter,
    limit: i64,
) -> Result<String, Error> {
    let mut q = by_activity(
        "EXPLAIN ",
        tx.tenant(),
        filter,
        InboxSort::Activity,
        None,
        limit,
    );
    let lines = tx
        .on_generic_plans(async |conn| q.build_query_scalar::<String>().fetch_all(conn).await)
        .await?;
    Ok(lines.join("\n"))
}

/// The cursor that continues a list after `row`, in `sort` order.
pub fn cursor_after(row: &InboxRow, sort: InboxSort) -> InboxCursor {
    match (sort, row.sla_due_at) {
        (InboxSort::Activity, _) => InboxCursor::Activity {
            at: row.last_message_at,
            id: row.id,
        },
        (InboxSort::SlaDue, Some(due)) => InboxCursor::Sla { due, id: row.id },
        (InboxSort::SlaDue, None) => InboxCursor::AfterSla {
            at: row.last_message_at,
            id: row.id,
        },
    }
}

/// How many tickets match, counting no further than `cap` (so a count costs at most `cap`
/// index entries however large the shop; the UI shows "cap+" beyond it).
pub async fn count(tx: &mut TenantTx, filter: &InboxFilter, cap: i64) -> Result<i64, Error> {
    let tenant = tx.tenant();
    let mut q = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM tickets t");
    push_filter(&mut q, tenant, filter);
    // Written in, not bound, for the reason given in `by_activity`.
    q.push(format!(" LIMIT {cap}) capped"));
    q.build_query_scalar().fetch_one(tx.conn()).await
}

/// Assigns the ticket to an agent and/or team (both must be in the shop: composite foreign keys).
pub async fn assign(
    tx: &mut TenantTx,
    id: TicketId,
    assignee: Option<UserId>,
    team: Option<TeamId>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET assignee_id = $3, team_id = $4 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(assignee)
    .bind(team)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ticket {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub customer_id: CustomerId,
    pub order_id: Option<OrderId>,
    pub subject: String,
    pub status: String,
    pub priority: String,
    #[sqlx(rename = "type")]
    pub kind: Option<String>,
    pub language: Option<String>,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub tags: Vec<String>,
    pub sentiment: Option<String>,
    /// What the buyer wants, as the newest message that said it (domain::classify).
    pub intent: Option<String>,
    pub escalations: Vec<String>,
    /// Why the ticket has its priority: a list of domain::priority::Reason as JSON.
    pub priority_reasons: serde_json::Value,
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    /// The SLA policy whose clocks run on the ticket.
    pub sla_policy_id: Option<SlaPolicyId>,
    pub next_reply_due_at: Option<DateTime<Utc>>,
    pub sla_warn_minutes: i32,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

pub async fn get_by_number(tx: &mut TenantTx, number: i64) -> Result<Option<Ticket>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, number, channel, customer_id, order_id, subject, status, priority, type, language,
                assignee_id, team_id, tags, sentiment, intent, escalations, priority_reasons,
                first_response_at, first_response_due_at,
                resolution_due_at, sla_due_at, sla_policy_id, next_reply_due_at, sla_warn_minutes,
                created_at, last_message_at
         FROM tickets WHERE tenant_id = $1 AND number = $2",
    )
    .bind(tenant)
    .bind(number)
    .fetch_optional(tx.conn())
    .await
}

/// The customer's other tickets, newest first.
pub async fn for_customer(tx: &mut TenantTx, customer: CustomerId) -> Result<Vec<InboxRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.id, t.number, t.channel, t.subject, t.status, t.priority, t.language, t.tags,
                t.sla_due_at, t.sla_warn_minutes, false AS unread, c.name AS customer_name, NULL::text AS assignee_name,
                t.last_message_at
         FROM tickets t JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         WHERE t.tenant_id = $1 AND t.customer_id = $2
         ORDER BY t.last_message_at DESC, t.id DESC LIMIT 20",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// Sets status, priority and type (the caller records the history of what changed).
pub async fn set_properties(
    tx: &mut TenantTx,
    id: TicketId,
    status: &str,
    priority: &str,
    kind: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET status = $3, priority = $4, type = $5 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(status)
    .bind(priority)
    .bind(kind)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A column bulk actions may set (a closed list: never a name from the request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkField {
    Status,
    Priority,
    Assignee,
}

impl BulkField {
    fn column(self) -> &'static str {
        match self {
            BulkField::Status => "status",
            BulkField::Priority => "priority",
            BulkField::Assignee => "assignee_id",
        }
    }
}

/// Sets one field on many tickets (by number) at once. Returns, per ticket changed, its id and
/// the previous value as text, for the history. Numbers not in the shop are simply not matched;
/// callers compare counts to refuse partial batches.
pub async fn bulk_set(
    tx: &mut TenantTx,
    numbers: &[i64],
    field: BulkField,
    value: Option<&str>,
) -> Result<Vec<(TicketId, Option<String>)>, Error> {
    let tenant = tx.tenant();
    let column = field.column();
    let cast = if field == BulkField::Assignee {
        "::uuid"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "UPDATE tickets t SET {column} = $3{cast}
         FROM (SELECT id, {column}::text AS old FROM tickets
               WHERE tenant_id = $1 AND number = ANY($2) FOR UPDATE) o
         WHERE t.tenant_id = $1 AND t.id = o.id
         RETURNING t.id, o.old"
    ))
    .bind(tenant)
    .bind(numbers)
    .bind(value)
    .fetch_all(tx.conn())
    .await
}

/// How many of these numbers are tickets of the shop.
pub async fn count_numbers(tx: &mut TenantTx, numbers: &[i64]) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT count(*) FROM tickets WHERE tenant_id = $1 AND number = ANY($2)")
        .bind(tenant)
        .bind(numbers)
        .fetch_one(tx.conn())
        .await
}

/// Moves `source`'s messages and returns into `target`, closes `source` and points it at
/// `target`. The caller checks both belong to the same customer.
pub async fn merge(tx: &mut TenantTx, source: TicketId, target: TicketId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE messages SET ticket_id = $3 WHERE tenant_id = $1 AND ticket_id = $2")
        .bind(tenant)
        .bind(source)
        .bind(target)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE rmas SET ticket_id = $3 WHERE tenant_id = $1 AND ticket_id = $2")
        .bind(tenant)
        .bind(source)
        .bind(target)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "UPDATE tickets t SET first_message_at = least(t.first_message_at, s.first_message_at),
                              last_message_at = greatest(t.last_message_at, s.last_message_at)
         FROM tickets s WHERE t.tenant_id = $1 AND t.id = $3 AND s.tenant_id = $1 AND s.id = $2",
    )
    .bind(tenant)
    .bind(source)
    .bind(target)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE tickets SET status = 'closed', merged_into_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(source)
        .bind(target)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The number of the ticket `id` was merged into, if any.
pub async fn merged_into_number(tx: &mut TenantTx, id: TicketId) -> Result<Option<i64>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT m.number FROM tickets t JOIN tickets m ON m.tenant_id = t.tenant_id AND m.id = t.merged_into_id
         WHERE t.tenant_id = $1 AND t.id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// Replaces the ticket's tags (already normalized; the caller records what changed).
pub async fn set_tags(tx: &mut TenantTx, id: TicketId, tags: &[String]) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE tickets SET tags = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(tags)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Adds (or removes) one tag on many tickets by number; returns the tickets that changed.
/// Adding never takes a ticket past `max_tags`: those are returned as refused instead.
pub async fn bulk_tag(
    tx: &mut TenantTx,
    numbers: &[i64],
    tag: &str,
    add: bool,
    max_tags: i64,
) -> Result<BulkTagged, Error> {
    let tenant = tx.tenant();
    if add {
        let refused: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM tickets WHERE tenant_id = $1 AND number = ANY($2)
               AND NOT tags @> ARRAY[$3]::text[] AND cardinality(tags) >= $4",
        )
        .bind(tenant)
        .bind(numbers)
        .bind(tag)
        .bind(max_tags)
        .fetch_one(tx.conn())
        .await?;
        if refused > 0 {
            return Ok(BulkTagged::Refused(refused));
        }
    }
    let sql = if add {
        "UPDATE tickets SET tags = array_append(tags, $3)
         WHERE tenant_id = $1 AND number = ANY($2) AND NOT tags @> ARRAY[$3]::text[] RETURNING id"
    } else {
        "UPDATE tickets SET tags = array_remove(tags, $3)
         WHERE tenant_id = $1 AND number = ANY($2) AND tags @> ARRAY[$3]::text[] RETURNING id"
    };
    let changed = sqlx::query_scalar(sql)
        .bind(tenant)
        .bind(numbers)
        .bind(tag)
        .fetch_all(tx.conn())
        .await?;
    Ok(BulkTagged::Changed(changed))
}

#[derive(Debug)]
pub enum BulkTagged {
    Changed(Vec<TicketId>),
    /// This many tickets already carry the most tags a ticket may have.
    Refused(i64),
}

/// Records that `user` has seen the ticket as it is now: it stops being unread for them.
pub async fn mark_read(tx: &mut TenantTx, id: TicketId, user: UserId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO ticket_reads (tenant_id, user_id, ticket_id, read_at)
         SELECT $1, $2, $3, greatest(now(), t.last_message_at) FROM tickets t
         WHERE t.tenant_id = $1 AND t.id = $3
         ON CONFLICT (tenant_id, user_id, ticket_id) DO UPDATE SET read_at = excluded.read_at",
    )
    .bind(tenant)
    .bind(user)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Makes the ticket unread for `user` again (the agent's "mark as unread").
pub async fn mark_unread(tx: &mut TenantTx, id: TicketId, user: UserId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "DELETE FROM ticket_reads WHERE tenant_id = $1 AND user_id = $2 AND ticket_id = $3",
    )
    .bind(tenant)
    .bind(user)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets the SLA deadlines (first response, resolution); the deadline racing now
/// (`sla_due_at`) follows from them, the first response and the status.
pub async fn set_sla(
    tx: &mut TenantTx,
    id: TicketId,
    first_response_due_at: Option<DateTime<Utc>>,
    resolution_due_at: Option<DateTime<Utc>>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET first_response_due_at = $3, resolution_due_at = $4
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(first_response_due_at)
    .bind(resolution_due_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets how the buyer sounds (negative, neutral, positive; `None`: not assessed).
pub async fn set_sentiment(
    tx: &mut TenantTx,
    id: TicketId,
    sentiment: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE tickets SET sentiment = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(sentiment)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The ticket with this number if it belongs to this customer (a `[#1042]` subject token
/// from anyone else threads nothing), with its status.
pub async fn of_customer_by_number(
    tx: &mut TenantTx,
    number: i64,
    customer: CustomerId,
) -> Result<Option<(TicketId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, status FROM tickets WHERE tenant_id = $1 AND number = $2 AND customer_id = $3",
    )
    .bind(tenant)
    .bind(number)
    .bind(customer)
    .fetch_optional(tx.conn())
    .await
}

/// The customer's tickets still being worked on (not closed), newest activity first, as
/// (id, subject), for threading by subject.
pub async fn open_subjects_of_customer(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<Vec<(TicketId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, subject FROM tickets WHERE tenant_id = $1 AND customer_id = $2 AND status <> 'closed'
         ORDER BY last_message_at DESC LIMIT 20",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// A buyer wrote: a ticket waiting on them (pending), on hold or solved opens again; the
/// channel and address replies go to follow the newest message; an order found in the
/// message is linked when the ticket has none.
pub async fn record_inbound(
    tx: &mut TenantTx,
    id: TicketId,
    channel_id: aftersail_domain::ChannelId,
    reply_to: &str,
    order: Option<OrderId>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET status = CASE WHEN status IN ('pending', 'on_hold', 'solved') THEN 'open' ELSE status END,
                channel_id = $3, reply_to = $4, order_id = coalesce(order_id, $5)
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(channel_id)
    .bind(reply_to)
    .bind(order)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Filters of the API's ticket list (`None`: any).
#[derive(Debug, Clone, Default)]
pub struct PageFilter {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    /// Tickets whose row changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

/// A page of tickets in id (creation) order after `after`: a keyset stable under concurrent
/// inserts, since new tickets get larger UUIDv7 ids and land on later pages.
pub async fn page(
    tx: &mut TenantTx,
    filter: &PageFilter,
    after: Option<TicketId>,
    limit: i64,
) -> Result<Vec<Ticket>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, number, channel, customer_id, order_id, subject, status, priority, type, language,
                assignee_id, team_id, tags, sentiment, intent, escalations, priority_reasons,
                first_response_at, first_response_due_at,
                resolution_due_at, sla_due_at, sla_policy_id, next_reply_due_at, sla_warn_minutes,
                created_at, last_message_at
         FROM tickets WHERE tenant_id = $1
           AND ($2::uuid IS NULL OR id > $2)
           AND ($3::text IS NULL OR status = $3)
           AND ($4::text IS NULL OR priority = $4)
           AND ($5::text IS NULL OR channel = $5)
           AND ($6::timestamptz IS NULL OR updated_at >= $6)
         ORDER BY id LIMIT $7",
    )
    .bind(tenant)
    .bind(after)
    .bind(&filter.status)
    .bind(&filter.priority)
    .bind(&filter.channel)
    .bind(filter.updated_since)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// The shop number of a ticket (`None`: no such ticket here).
pub async fn number_of(tx: &mut TenantTx, id: TicketId) -> Result<Option<i64>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT number FROM tickets WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}
