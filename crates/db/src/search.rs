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
/// ties go to the latest activity; each with the message it matched (or, for a ticket found by
/// its subject, number or customer, its newest message with the words). All of it runs in the
/// database, in `search_page()` over `search_ticket_ids()` (see the search migrations for why:
/// shared plans kept for the session, one round trip).
pub async fn tickets(
    tx: &mut TenantTx,
    query: &str,
    number: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, Error> {
    sqlx::query_as("SELECT * FROM search_page($1, $2, $3::int)")
        .bind(query)
        .bind(number)
        .bind(limit)
        .fetch_all(tx.conn())
        .await
}
