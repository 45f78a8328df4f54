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
/// The matching itself runs in `search_ticket_ids()` (see the search-at-scale and search-keys
/// migrations for why it must be a database function); this reads the page of tickets it
/// chose, with the message it matched (or, for a ticket found by its subject, number or
/// customer, its newest message with the words).
pub async fn tickets(
    tx: &mut TenantTx,
    query: &str,
    number: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "WITH best AS (SELECT ticket_id AS id, rank, message_id FROM search_ticket_ids($2, $3, $4::int))
         SELECT t.number, t.subject, t.status, c.name AS customer_name, t.last_message_at, best.rank,
                CASE WHEN best.message_id IS NOT NULL
                     THEN (SELECT m.body_text FROM messages m
                            WHERE m.tenant_id = $1 AND m.id = best.message_id)
                     ELSE (SELECT m.body_text FROM messages m
                            WHERE m.tenant_id = $1 AND m.ticket_id = t.id
                              AND m.search_vector @@ plainto_tsquery('simple', search_text($2))
                            ORDER BY m.created_at DESC LIMIT 1)
                END AS matched_body
         FROM best
         JOIN tickets t ON t.tenant_id = $1 AND t.id = best.id
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         ORDER BY best.rank DESC, t.last_message_at DESC, t.id DESC",
    )
    .bind(tenant)
    .bind(query)
    .bind(number)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
