//! Finding tickets: by number, order number, customer name or email, and words in subjects
//! and messages in any script (see `search_text()` in the search migration).

use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Hit {
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub customer_name: String,
    pub last_message_at: DateTime<Utc>,
    /// The newest message that matched the words, to show a snippet of.
    pub matched_body: Option<String>,
    pub rank: f32,
}

/// Best matches first: exact ticket number, then order number, then customer, then text rank.
pub async fn tickets(
    tx: &mut TenantTx,
    query: &str,
    number: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "WITH q AS (SELECT plainto_tsquery('simple', search_text($2)) AS query),
         candidates AS (
             SELECT t.id, 100::real AS rank FROM tickets t WHERE t.tenant_id = $1 AND t.number = $3
             UNION ALL
             SELECT t.id, 50::real FROM orders o
               JOIN tickets t ON t.tenant_id = o.tenant_id AND t.order_id = o.id
              WHERE o.tenant_id = $1 AND lower(o.external_id) = lower(trim($2))
             UNION ALL
             SELECT t.id, 10 + ts_rank(c.search_vector, q.query) FROM q, customers c
               JOIN tickets t ON t.tenant_id = c.tenant_id AND t.customer_id = c.id
              WHERE c.tenant_id = $1 AND c.search_vector @@ q.query
             UNION ALL
             SELECT t.id, 2 * ts_rank(t.search_vector, q.query) FROM q, tickets t
              WHERE t.tenant_id = $1 AND t.search_vector @@ q.query
             UNION ALL
             SELECT m.ticket_id, ts_rank(m.search_vector, q.query) FROM q, messages m
              WHERE m.tenant_id = $1 AND m.search_vector @@ q.query
         ),
         best AS (SELECT id, max(rank)::real AS rank FROM candidates GROUP BY id)
         SELECT t.number, t.subject, t.status, c.name AS customer_name, t.last_message_at, best.rank,
                (SELECT m.body_text FROM messages m, q
                  WHERE m.tenant_id = $1 AND m.ticket_id = t.id AND m.search_vector @@ q.query
                  ORDER BY m.created_at DESC LIMIT 1) AS matched_body
         FROM best
         JOIN tickets t ON t.tenant_id = $1 AND t.id = best.id
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         ORDER BY best.rank DESC, t.last_message_at DESC, t.id DESC
         LIMIT $4",
    )
    .bind(tenant)
    .bind(query)
    .bind(number)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
