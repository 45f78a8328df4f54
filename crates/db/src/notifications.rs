//! In-app notifications: "SLA breached on #1042", "Rule X: VIP wrote" — for one agent each.

use aftersail_domain::{NotificationId, TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

/// Who a notification goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// The ticket's assignee (nobody when unassigned).
    Assignee(TicketId),
    /// Every active member of the team.
    Team(aftersail_domain::TeamId),
    User(UserId),
    /// Every active owner and admin.
    Admins,
}

/// Notifies each recipient once; returns how many were notified.
pub async fn notify(
    tx: &mut TenantTx,
    to: Recipients,
    ticket: Option<TicketId>,
    text: &str,
    at: DateTime<Utc>,
) -> Result<u64, Error> {
    let tenant = tx.tenant();
    let (sql, id): (&str, Option<uuid::Uuid>) = match to {
        Recipients::Assignee(t) => (
            "SELECT assignee_id FROM tickets WHERE tenant_id = $1 AND id = $2 AND assignee_id IS NOT NULL",
            Some(t.0),
        ),
        Recipients::Team(team) => (
            "SELECT m.user_id FROM team_members m
             JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id AND u.active
             WHERE m.tenant_id = $1 AND m.team_id = $2",
            Some(team.0),
        ),
        Recipients::User(user) => (
            "SELECT id FROM users WHERE tenant_id = $1 AND id = $2 AND active",
            Some(user.0),
        ),
        Recipients::Admins => (
            "SELECT id FROM users WHERE tenant_id = $1 AND active AND role IN ('owner', 'admin') AND $2::uuid IS NULL",
            None,
        ),
    };
    let done = sqlx::query(&format!(
        "INSERT INTO notifications (tenant_id, id, user_id, ticket_id, text, created_at)
         SELECT $1, gen_random_uuid(), r.user_id, $3, $4, $5 FROM ({sql}) AS r(user_id)"
    ))
    .bind(tenant)
    .bind(id)
    .bind(ticket)
    .bind(text)
    .bind(at)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: NotificationId,
    pub ticket_number: Option<i64>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The user's notifications, newest first; `before` is the last row of the previous page.
pub async fn list(
    tx: &mut TenantTx,
    user: UserId,
    before: Option<(DateTime<Utc>, NotificationId)>,
    limit: i64,
) -> Result<Vec<Notification>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT n.id, t.number AS ticket_number, n.text, n.created_at, n.read_at
         FROM notifications n LEFT JOIN tickets t ON t.tenant_id = n.tenant_id AND t.id = n.ticket_id
         WHERE n.tenant_id = $1 AND n.user_id = $2
           AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3, $4))
         ORDER BY n.created_at DESC, n.id DESC LIMIT $5",
    )
    .bind(tenant)
    .bind(user)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

pub async fn unread_count(tx: &mut TenantTx, user: UserId) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL",
    )
    .bind(tenant)
    .bind(user)
    .fetch_one(tx.conn())
    .await
}

/// Marks one (`Some`) or all of the user's notifications read; returns how many changed.
pub async fn mark_read(
    tx: &mut TenantTx,
    user: UserId,
    id: Option<NotificationId>,
) -> Result<u64, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE notifications SET read_at = now()
         WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL AND ($3::uuid IS NULL OR id = $3)",
    )
    .bind(tenant)
    .bind(user)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

/// Whether the notification is this user's (anyone else's is as good as absent).
pub async fn is_for(tx: &mut TenantTx, user: UserId, id: NotificationId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND id = $3)",
    )
    .bind(tenant)
    .bind(user)
    .bind(id)
    .fetch_one(tx.conn())
    .await
}
