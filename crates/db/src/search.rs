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

/// Best matches first: exact ticket number, then order number, then customer, then text rank;
/// ties go to the latest activity. The matching itself runs in `search_ticket_ids()` (see the
/// search-at-scale and search-keys migrations for why it must be a database function), which
/// gives each candidate ticket once, unordered; this orders them, keeps a page, and reads it
/// with the message each matched (or, for a ticket found by its subject, number or customer,
/// its newest message with the words; the query's tsquery is made once for all of them).
pub async fn tickets(
    tx: &mut TenantTx,
    query: &str,
    number: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, Error> {
    let tenant = tx.tenant();
    // One shared plan: each is the same joins by key, and a fresh plan per call cost more
    // than the query at 1M tickets (see the search-candidates migration).
    tx.on_generic_plans(async |conn| {
        sqlx::query_as(
            "WITH words AS MATERIALIZED (SELECT plainto_tsquery('simple', search_text($2)) AS q),
                  best AS (SELECT t.id, t.number, t.subject, t.status, t.customer_id,
                                  t.last_message_at, f.rank, f.message_id
                           FROM search_ticket_ids($2, $3, $4::int) f
                           JOIN tickets t ON t.tenant_id = $1 AND t.id = f.ticket_id
                           ORDER BY f.rank DESC, t.last_message_at DESC, t.id DESC
                           LIMIT $4)
             SELECT b.number, b.subject, b.status, c.name AS customer_name, b.last_message_at, b.rank,
                    CASE WHEN b.message_id IS NOT NULL
                         THEN (SELECT m.body_text FROM messages m
                                WHERE m.tenant_id = $1 AND m.id = b.message_id)
                         ELSE (SELECT m.body_text FROM messages m
                                WHERE m.tenant_id = $1 AND m.ticket_id = b.id
                                  AND m.search_vector @@ (SELECT q FROM words)
                                ORDER BY m.created_at DESC LIMIT 1)
                    END AS matched_body
             FROM best b
             JOIN customers c ON c.tenant_id = $1 AND c.id = b.customer_id
             ORDER BY b.rank DESC, b.last_message_at DESC, b.id DESC",
        )
        .bind(tenant)
        .bind(query)
        .bind(number)
        .bind(limit)
        .fetch_all(conn)
        .await
    })
    .await
}
