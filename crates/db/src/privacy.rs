//! Privacy: everything stored about one customer (export), erasing it while keeping the
//! shop's figures, the evidence pack of one ticket, and purging old closed tickets
//! (retention). See docs/privacy.md.

use aftersail_domain::{CustomerId, TicketId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

/// What replaces erased text.
pub const ERASED: &str = "[erased]";
/// The name an erased customer keeps.
pub const ERASED_NAME: &str = "Erased customer";

/// A stored file to put in an archive: where it goes (folder) and its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    /// The ticket number or RMA code the file belongs to.
    pub folder: String,
    pub id: Uuid,
    pub filename: String,
    pub data: Vec<u8>,
}

/// Everything stored about the customer as one JSON document; `None` if there is no such
/// customer in this shop. Search vectors, token hashes and file bytes are left out (the
/// files go into the archive beside it).
pub async fn customer_document(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<Option<serde_json::Value>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT jsonb_build_object(
           'customer', to_jsonb(c) - 'tenant_id' - 'search_vector' - 'email_lower' - 'name_lower',
           'identities', (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', i.channel, 'address', i.address)
                                   ORDER BY i.channel, i.address), '[]')
                          FROM customer_identities i WHERE i.tenant_id = $1 AND i.customer_id = $2),
           'orders', (SELECT coalesce(jsonb_agg((to_jsonb(o) - 'tenant_id' - 'external_id_lower') || jsonb_build_object(
                        'items', (SELECT coalesce(jsonb_agg(to_jsonb(oi) - 'tenant_id' ORDER BY oi.sku, oi.id), '[]')
                                  FROM order_items oi WHERE oi.tenant_id = $1 AND oi.order_id = o.id))
                        ORDER BY o.ordered_at, o.id), '[]')
                      FROM orders o WHERE o.tenant_id = $1 AND o.customer_id = $2),
           'tickets', (SELECT coalesce(jsonb_agg((to_jsonb(t) - 'tenant_id' - 'search_vector') || jsonb_build_object(
                        'messages', (SELECT coalesce(jsonb_agg((to_jsonb(m) - 'tenant_id' - 'search_vector') || jsonb_build_object(
                                       'attachments', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                                          'id', a.id, 'filename', a.filename, 'content_type', a.content_type,
                                                          'size_bytes', a.size_bytes, 'sha256', a.sha256)
                                                        ORDER BY a.created_at, a.id), '[]')
                                                       FROM attachments a WHERE a.tenant_id = $1 AND a.message_id = m.id),
                                       'translations', (SELECT coalesce(jsonb_agg(to_jsonb(mt) - 'tenant_id' - 'message_id'
                                                          ORDER BY mt.language), '[]')
                                                        FROM message_translations mt
                                                        WHERE mt.tenant_id = $1 AND mt.message_id = m.id))
                                      ORDER BY m.created_at, m.id), '[]')
                                     FROM messages m WHERE m.tenant_id = $1 AND m.ticket_id = t.id),
                        'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) - 'tenant_id' ORDER BY e.at, e.id), '[]')
                                   FROM ticket_events e WHERE e.tenant_id = $1 AND e.ticket_id = t.id),
                        'csat', (SELECT coalesce(jsonb_agg(to_jsonb(s) - 'tenant_id' - 'token_hash' ORDER BY s.sent_at, s.id), '[]')
                                 FROM csat_surveys s WHERE s.tenant_id = $1 AND s.ticket_id = t.id),
                        'bot_answers', (SELECT coalesce(jsonb_agg(to_jsonb(b) - 'tenant_id' ORDER BY b.created_at, b.id), '[]')
                                        FROM bot_answers b WHERE b.tenant_id = $1 AND b.ticket_id = t.id))
                        ORDER BY t.number), '[]')
                       FROM tickets t WHERE t.tenant_id = $1 AND t.customer_id = $2),
           'returns', (SELECT coalesce(jsonb_agg((to_jsonb(r) - 'tenant_id') || jsonb_build_object(
                        'items', (SELECT coalesce(jsonb_agg(to_jsonb(ri) - 'tenant_id' - 'rma_id' ORDER BY ri.order_item_id), '[]')
                                  FROM rma_items ri WHERE ri.tenant_id = $1 AND ri.rma_id = r.id),
                        'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) - 'tenant_id' ORDER BY e.at, e.id), '[]')
                                   FROM rma_events e WHERE e.tenant_id = $1 AND e.rma_id = r.id),
                        'refunds', (SELECT coalesce(jsonb_agg(to_jsonb(f) - 'tenant_id' - 'lease_id' - 'lease_until'
                                      ORDER BY f.created_at, f.id), '[]')
                                    FROM refunds f WHERE f.tenant_id = $1 AND f.rma_id = r.id),
                        'photos', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'filename', p.filename,
                                      'content_type', p.content_type, 'size_bytes', p.size_bytes, 'sha256', p.sha256)
                                     ORDER BY p.created_at, p.id), '[]')
                                   FROM rma_photos p WHERE p.tenant_id = $1 AND p.rma_id = r.id))
                        ORDER BY r.created_at, r.id), '[]')
                       FROM rmas r WHERE r.tenant_id = $1 AND r.customer_id = $2),
           'audit', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'tenant_id' ORDER BY x.at, x.id), '[]')
                     FROM audit_events x
                     WHERE x.tenant_id = $1 AND x.target_id IN (
                         SELECT $2 UNION ALL
                         SELECT id FROM tickets WHERE tenant_id = $1 AND customer_id = $2 UNION ALL
                         SELECT id FROM rmas WHERE tenant_id = $1 AND customer_id = $2 UNION ALL
                         SELECT id FROM orders WHERE tenant_id = $1 AND customer_id = $2)))
         FROM customers c WHERE c.tenant_id = $1 AND c.id = $2",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_optional(tx.conn())
    .await
}

/// Total bytes of the customer's attachments and RMA photos (checked before reading them).
pub async fn customer_files_size(tx: &mut TenantTx, customer: CustomerId) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT (SELECT coalesce(sum(a.size_bytes), 0) FROM attachments a
                 JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
                 JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
                 WHERE a.tenant_id = $1 AND t.customer_id = $2)::bigint
              + (SELECT coalesce(sum(p.size_bytes), 0) FROM rma_photos p
                 JOIN rmas r ON r.tenant_id = p.tenant_id AND r.id = p.rma_id
                 WHERE p.tenant_id = $1 AND r.customer_id = $2)::bigint",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_one(tx.conn())
    .await
}

/// The customer's attachments, by ticket number.
pub async fn customer_attachments(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<Vec<StoredFile>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.number::text AS folder, a.id, a.filename, a.data FROM attachments a
         JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         WHERE a.tenant_id = $1 AND t.customer_id = $2 ORDER BY t.number, a.created_at, a.id",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// The customer's RMA photos, by RMA code.
pub async fn customer_rma_photos(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<Vec<StoredFile>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT r.code AS folder, p.id, p.filename, p.data FROM rma_photos p
         JOIN rmas r ON r.tenant_id = p.tenant_id AND r.id = p.rma_id
         WHERE p.tenant_id = $1 AND r.customer_id = $2 ORDER BY r.code, p.created_at, p.id",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// What an erasure changed, by kind (no personal data: these go into the audit detail).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Erased {
    pub tickets: i64,
    pub messages: i64,
    pub attachments: i64,
    pub rma_photos: i64,
    pub translations: i64,
    pub raw_payloads: i64,
    pub replies_cancelled: i64,
    pub returns: i64,
}

/// Erases the customer's personal data inside `tx` (the caller commits, with its audit row):
/// profile and addresses, message text, subjects, files, translations, raw payloads,
/// survey comments and return notes. Counts, amounts, SKUs, dates, statuses, reasons and
/// ratings stay, so reports do not move. Generated search columns follow the new text.
/// `None` if there is no such customer.
pub async fn erase_customer(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<Option<Erased>, Error> {
    let tenant = tx.tenant();
    let locked: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM customers WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant)
            .bind(customer)
            .fetch_optional(tx.conn())
            .await?;
    if locked.is_none() {
        return Ok(None);
    }
    // The addresses that identify them, for the rows that carry them without a key to
    // follow (raw webhook bodies, audit details). Names are left out: another buyer may
    // share one.
    let known: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT s FROM (
             SELECT c.email AS s FROM customers c WHERE c.tenant_id = $1 AND c.id = $2
             UNION ALL SELECT i.address FROM customer_identities i WHERE i.tenant_id = $1 AND i.customer_id = $2
             UNION ALL SELECT r.buyer_email FROM rmas r WHERE r.tenant_id = $1 AND r.customer_id = $2
             UNION ALL SELECT t.reply_to FROM tickets t WHERE t.tenant_id = $1 AND t.customer_id = $2
         ) x WHERE s IS NOT NULL AND length(s) >= 4",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;

    // Raw payloads their messages and returns came from, and any other raw body naming them.
    let raw_payloads = exec(
        tx,
        "WITH gone AS (DELETE FROM inbound_payloads p WHERE p.tenant_id = $1 AND (
                 p.id IN (SELECT m.raw_payload_id FROM messages m JOIN tickets t
                            ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
                          WHERE m.tenant_id = $1 AND t.customer_id = $2 AND m.raw_payload_id IS NOT NULL
                          UNION ALL
                          SELECT r.raw_payload_id FROM rmas r
                          WHERE r.tenant_id = $1 AND r.customer_id = $2 AND r.raw_payload_id IS NOT NULL)
                 OR EXISTS (SELECT 1 FROM unnest($3::text[]) k
                            WHERE position(convert_to(k, 'UTF8') IN p.body) > 0))
             RETURNING 1) SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    let mut erased = Erased {
        raw_payloads,
        ..Erased::default()
    };
    exec(
        tx,
        "WITH gone AS (DELETE FROM webhook_events w WHERE w.tenant_id = $1 AND $2::uuid IS NOT NULL
             AND EXISTS (SELECT 1 FROM unnest($3::text[]) k WHERE position(convert_to(k, 'UTF8') IN w.body) > 0)
         RETURNING 1) SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    erased.replies_cancelled = exec(
        tx,
        "WITH gone AS (UPDATE outbox o SET state = 'dead', last_error = 'cancelled: customer erased',
                              lease_id = NULL, lease_until = NULL
             FROM messages m JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
             WHERE o.tenant_id = $1 AND m.tenant_id = $1 AND m.id = o.message_id AND t.customer_id = $2
               AND o.state IN ('queued', 'failed') AND $3::text[] IS NOT NULL
             RETURNING o.message_id),
         marked AS (UPDATE messages m SET delivery_state = 'dead' FROM gone
                    WHERE m.tenant_id = $1 AND m.id = gone.message_id RETURNING 1)
         SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    erased.translations = exec(
        tx,
        "WITH gone AS (DELETE FROM message_translations mt USING messages m, tickets t
             WHERE mt.tenant_id = $1 AND m.tenant_id = $1 AND t.tenant_id = $1 AND m.id = mt.message_id
               AND t.id = m.ticket_id AND t.customer_id = $2 AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    erased.attachments = exec(
        tx,
        "WITH gone AS (DELETE FROM attachments a USING messages m, tickets t
             WHERE a.tenant_id = $1 AND m.tenant_id = $1 AND t.tenant_id = $1 AND m.id = a.message_id
               AND t.id = m.ticket_id AND t.customer_id = $2 AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    erased.messages = exec(
        tx,
        "WITH done AS (UPDATE messages m SET body_text = '[erased]', body_html = NULL,
                              subject = CASE WHEN m.subject IS NULL THEN NULL ELSE '[erased]' END,
                              conversation = NULL, raw_payload_id = NULL
             FROM tickets t WHERE m.tenant_id = $1 AND t.tenant_id = $1 AND t.id = m.ticket_id
               AND t.customer_id = $2 AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM done",
        customer,
        &known,
    )
    .await?;
    exec(
        tx,
        "WITH done AS (UPDATE notifications n SET text = '[erased]' FROM tickets t
             WHERE n.tenant_id = $1 AND t.tenant_id = $1 AND t.id = n.ticket_id AND t.customer_id = $2
               AND $3::text[] IS NOT NULL RETURNING 1),
         calls AS (DELETE FROM rule_webhook_calls c USING tickets t
             WHERE c.tenant_id = $1 AND t.tenant_id = $1 AND t.id = c.ticket_id AND t.customer_id = $2 RETURNING 1),
         previous AS (UPDATE automation_events e SET previous = NULL FROM tickets t
             WHERE e.tenant_id = $1 AND t.tenant_id = $1 AND t.id = e.ticket_id AND t.customer_id = $2
               AND e.previous IS NOT NULL RETURNING 1),
         surveys AS (UPDATE csat_surveys s SET comment = NULL FROM tickets t
             WHERE s.tenant_id = $1 AND t.tenant_id = $1 AND t.id = s.ticket_id AND t.customer_id = $2
               AND s.comment IS NOT NULL RETURNING 1)
         SELECT (SELECT count(*) FROM done) + (SELECT count(*) FROM calls)
              + (SELECT count(*) FROM previous) + (SELECT count(*) FROM surveys)",
        customer,
        &known,
    )
    .await?;
    erased.tickets = exec(
        tx,
        "WITH done AS (UPDATE tickets SET subject = '[erased]', reply_to = NULL
             WHERE tenant_id = $1 AND customer_id = $2 AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM done",
        customer,
        &known,
    )
    .await?;
    erased.rma_photos = exec(
        tx,
        "WITH gone AS (DELETE FROM rma_photos p USING rmas r
             WHERE p.tenant_id = $1 AND r.tenant_id = $1 AND r.id = p.rma_id AND r.customer_id = $2
               AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM gone",
        customer,
        &known,
    )
    .await?;
    exec(
        tx,
        "WITH done AS (UPDATE rma_events e SET note = CASE WHEN e.note IS NULL THEN NULL ELSE '[erased]' END,
                              data = CASE WHEN EXISTS (SELECT 1 FROM unnest($3::text[]) k
                                                       WHERE strpos(e.data::text, k) > 0)
                                          THEN '{}'::jsonb ELSE e.data END
             FROM rmas r WHERE e.tenant_id = $1 AND r.tenant_id = $1 AND r.id = e.rma_id
               AND r.customer_id = $2 RETURNING 1)
         SELECT count(*) FROM done",
        customer,
        &known,
    )
    .await?;
    erased.returns = exec(
        tx,
        "WITH done AS (UPDATE rmas SET buyer_email = NULL, label_url = NULL, raw_payload_id = NULL
             WHERE tenant_id = $1 AND customer_id = $2 AND $3::text[] IS NOT NULL RETURNING 1)
         SELECT count(*) FROM done",
        customer,
        &known,
    )
    .await?;
    // Audit details that quote them (the rows stay: who did what, when).
    exec(
        tx,
        "WITH done AS (UPDATE audit_events x SET detail = jsonb_build_object('erased', true)
             WHERE x.tenant_id = $1 AND $2::uuid IS NOT NULL
               AND EXISTS (SELECT 1 FROM unnest($3::text[]) k WHERE strpos(x.detail::text, k) > 0)
             RETURNING 1)
         SELECT count(*) FROM done",
        customer,
        &known,
    )
    .await?;
    exec(
        tx,
        "WITH gone AS (DELETE FROM customer_identities WHERE tenant_id = $1 AND customer_id = $2
                       AND $3::text[] IS NOT NULL RETURNING 1),
         done AS (UPDATE customers SET name = 'Erased customer', email = NULL
                  WHERE tenant_id = $1 AND id = $2 RETURNING 1)
         SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM done)",
        customer,
        &known,
    )
    .await?;
    Ok(Some(erased))
}

impl Erased {
    /// For the audit detail: counts only.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "tickets": self.tickets, "messages": self.messages, "attachments": self.attachments,
            "rma_photos": self.rma_photos, "translations": self.translations,
            "raw_payloads": self.raw_payloads, "replies_cancelled": self.replies_cancelled,
            "returns": self.returns,
        })
    }
}

async fn exec(
    tx: &mut TenantTx,
    sql: &'static str,
    customer: CustomerId,
    known: &[String],
) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(sql)
        .bind(tenant)
        .bind(customer)
        .bind(known)
        .fetch_one(tx.conn())
        .await
}

// ---------------------------------------------------------------------------------------
// Evidence pack
// ---------------------------------------------------------------------------------------

/// The facts of one ticket for a marketplace appeal: the ticket, its customer, order and
/// items, RMAs with their timelines and refunds, and the conversation in order.
pub async fn ticket_document(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Option<serde_json::Value>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT jsonb_build_object(
           'ticket', jsonb_build_object('number', t.number, 'subject', t.subject, 'status', t.status,
                       'priority', t.priority, 'type', t.type, 'channel', t.channel, 'language', t.language,
                       'tags', to_jsonb(t.tags), 'created_at', t.created_at, 'last_message_at', t.last_message_at),
           'customer', (SELECT jsonb_build_object('name', c.name, 'email', c.email, 'country', c.country,
                                                  'language', c.language)
                        FROM customers c WHERE c.tenant_id = $1 AND c.id = t.customer_id),
           'order', (SELECT jsonb_build_object('number', o.external_id, 'channel', o.channel, 'status', o.status,
                               'total_minor', o.total_minor, 'currency', o.currency,
                               'shipping_country', o.shipping_country, 'ordered_at', o.ordered_at,
                               'carrier', o.carrier, 'tracking_number', o.tracking_number,
                               'delivered_at', o.delivered_at,
                               'items', (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', oi.sku, 'title', oi.title,
                                            'quantity', oi.quantity, 'unit_price_minor', oi.unit_price_minor)
                                          ORDER BY oi.sku, oi.id), '[]')
                                         FROM order_items oi WHERE oi.tenant_id = $1 AND oi.order_id = o.id))
                     FROM orders o WHERE o.tenant_id = $1 AND o.id = t.order_id),
           'returns', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', r.code, 'status', r.status,
                               'reason', r.reason, 'resolution', r.resolution, 'created_at', r.created_at,
                               'refund_minor', r.refund_minor, 'currency', r.currency, 'decision', r.decision,
                               'carrier', r.carrier, 'tracking_number', r.tracking_number,
                               'events', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', e.at, 'kind', e.kind,
                                             'note', e.note, 'by', u.name, 'data', e.data) ORDER BY e.at, e.id), '[]')
                                          FROM rma_events e
                                          LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_user_id
                                          WHERE e.tenant_id = $1 AND e.rma_id = r.id),
                               'refunds', (SELECT coalesce(jsonb_agg(jsonb_build_object('amount_minor', f.amount_minor,
                                              'currency', f.currency, 'state', f.state, 'decided_at', f.decided_at,
                                              'issued_at', f.issued_at, 'external_id', f.external_id)
                                            ORDER BY f.created_at, f.id), '[]')
                                           FROM refunds f WHERE f.tenant_id = $1 AND f.rma_id = r.id))
                          ORDER BY r.created_at, r.id), '[]')
                       FROM rmas r WHERE r.tenant_id = $1
                         AND (r.ticket_id = t.id OR (t.order_id IS NOT NULL AND r.order_id = t.order_id))),
           'messages', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', m.created_at, 'kind', m.kind,
                               'author', u.name, 'channel', m.channel, 'body', m.body_text,
                               'delivery_state', m.delivery_state,
                               'attachments', (SELECT coalesce(jsonb_agg(a.filename ORDER BY a.created_at, a.id), '[]')
                                               FROM attachments a WHERE a.tenant_id = $1 AND a.message_id = m.id))
                           ORDER BY m.created_at, m.id), '[]')
                        FROM messages m
                        LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
                        WHERE m.tenant_id = $1 AND m.ticket_id = t.id))
         FROM tickets t WHERE t.tenant_id = $1 AND t.id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await
}

/// The ticket's attachments (folder: ticket number) and the photos of its RMAs (folder: code).
pub async fn ticket_files(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<StoredFile>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.number::text AS folder, a.id, a.filename, a.data FROM attachments a
         JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         WHERE a.tenant_id = $1 AND t.id = $2
         UNION ALL
         SELECT r.code, p.id, p.filename, p.data FROM rma_photos p
         JOIN rmas r ON r.tenant_id = p.tenant_id AND r.id = p.rma_id
         JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = $2
         WHERE p.tenant_id = $1
           AND (r.ticket_id = t.id OR (t.order_id IS NOT NULL AND r.order_id = t.order_id))
         ORDER BY 1, 2",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}

/// Bytes of [`ticket_files`], checked before reading them.
pub async fn ticket_files_size(tx: &mut TenantTx, ticket: TicketId) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT (SELECT coalesce(sum(a.size_bytes), 0) FROM attachments a
                 JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
                 WHERE a.tenant_id = $1 AND m.ticket_id = $2)::bigint
              + (SELECT coalesce(sum(p.size_bytes), 0) FROM rma_photos p
                 JOIN rmas r ON r.tenant_id = p.tenant_id AND r.id = p.rma_id
                 JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = $2
                 WHERE p.tenant_id = $1
                   AND (r.ticket_id = t.id OR (t.order_id IS NOT NULL AND r.order_id = t.order_id)))::bigint",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_one(tx.conn())
    .await
}

// ---------------------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------------------

/// Shortest retention period a shop may set.
pub const MIN_RETENTION_DAYS: i32 = 30;
/// Longest (100 years; the column's check).
pub const MAX_RETENTION_DAYS: i32 = 36500;

/// The shop's retention period in days; `None`: keep everything.
pub async fn retention_days(tx: &mut TenantTx) -> Result<Option<i32>, Error> {
    let tenant = tx.tenant();
    Ok(sqlx::query_scalar::<_, Option<i32>>(
        "SELECT retention_days FROM privacy_settings WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_optional(tx.conn())
    .await?
    .flatten())
}

pub async fn set_retention_days(tx: &mut TenantTx, days: Option<i32>) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO privacy_settings (tenant_id, retention_days) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, updated_at = now()",
    )
    .bind(tenant)
    .bind(days)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A solved or closed ticket whose last activity (message or change) is before `cutoff`.
const PURGEABLE: &str =
    "t.tenant_id = $1 AND t.status IN ('solved', 'closed') AND t.last_message_at < $2
     AND NOT EXISTS (SELECT 1 FROM ticket_events e
                     WHERE e.tenant_id = t.tenant_id AND e.ticket_id = t.id AND e.at >= $2)";

/// How many tickets a purge with this cutoff would delete (the settings preview).
pub async fn purgeable_count(tx: &mut TenantTx, cutoff: DateTime<Utc>) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(&format!("SELECT count(*) FROM tickets t WHERE {PURGEABLE}"))
        .bind(tenant)
        .bind(cutoff)
        .fetch_one(tx.conn())
        .await
}

/// What one retention batch deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub tickets: i64,
    pub messages: i64,
    pub attachments: i64,
    pub raw_payloads: i64,
}

impl Purged {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "tickets": self.tickets, "messages": self.messages,
            "attachments": self.attachments, "raw_payloads": self.raw_payloads,
        })
    }
}

impl std::ops::AddAssign for Purged {
    fn add_assign(&mut self, o: Self) {
        self.tickets += o.tickets;
        self.messages += o.messages;
        self.attachments += o.attachments;
        self.raw_payloads += o.raw_payloads;
    }
}

/// Deletes up to `batch` purgeable tickets with their messages, attachments, translations,
/// events, survey and rule history, and their raw payloads. RMAs, orders and refunds stay
/// (the RMA loses its link to the ticket).
pub async fn purge_batch(
    tx: &mut TenantTx,
    cutoff: DateTime<Utc>,
    batch: i64,
) -> Result<Purged, Error> {
    let tenant = tx.tenant();
    let (tickets, messages, attachments, raw_payloads): (i64, i64, i64, i64) =
        sqlx::query_as(&format!(
            "WITH doomed AS (SELECT t.id FROM tickets t WHERE {PURGEABLE}
                             ORDER BY t.last_message_at, t.id LIMIT $3 FOR UPDATE SKIP LOCKED),
                  msgs AS (SELECT m.id, m.raw_payload_id FROM messages m
                           WHERE m.tenant_id = $1 AND m.ticket_id IN (SELECT id FROM doomed)),
                  files AS (SELECT count(*) AS n FROM attachments a
                            WHERE a.tenant_id = $1 AND a.message_id IN (SELECT id FROM msgs)),
                  payloads AS (DELETE FROM inbound_payloads p WHERE p.tenant_id = $1
                               AND p.id IN (SELECT raw_payload_id FROM msgs) RETURNING 1),
                  timeline AS (DELETE FROM automation_events e WHERE e.tenant_id = $1
                               AND e.ticket_id IN (SELECT id FROM doomed) RETURNING 1),
                  gone AS (DELETE FROM tickets t WHERE t.tenant_id = $1
                           AND t.id IN (SELECT id FROM doomed) RETURNING 1)
             SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM msgs),
                    (SELECT n FROM files), (SELECT count(*) FROM payloads)"
        ))
        .bind(tenant)
        .bind(cutoff)
        .bind(batch)
        .fetch_one(tx.conn())
        .await?;
    Ok(Purged {
        tickets,
        messages,
        attachments,
        raw_payloads,
    })
}

/// Shops with a retention period (across shops; SECURITY DEFINER in migration 20).
pub async fn retention_shops(pool: &PgPool) -> Result<Vec<(Uuid, i32)>, Error> {
    sqlx::query_as("SELECT tenant_id, retention_days FROM privacy_retention_shops()")
        .fetch_all(pool)
        .await
}
