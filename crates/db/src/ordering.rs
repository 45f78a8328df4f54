//! Ordered settings lists (rules, SLA policies): moving one entry up or down, switching one
//! on or off.

use uuid::Uuid;

use crate::{Error, TenantTx};

/// Swaps the row with its neighbour above (`up`) or below, then numbers the whole list
/// 1, 2, 3… so equal or gapped positions (two rows created at once) never make a move a no-op.
/// `table` is one of this crate's own table names, never a value from a request.
/// `None`: no such row; `Some(false)`: already at that end, nothing changed.
pub(crate) async fn swap(
    tx: &mut TenantTx,
    table: &'static str,
    id: Uuid,
    up: bool,
) -> Result<Option<bool>, Error> {
    let tenant = tx.tenant();
    let mut ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE tenant_id = $1 ORDER BY position, id FOR UPDATE"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    let Some(from) = ids.iter().position(|i| *i == id) else {
        return Ok(None);
    };
    let to = if up {
        from.checked_sub(1)
    } else {
        Some(from + 1).filter(|i| *i < ids.len())
    };
    let Some(to) = to else {
        return Ok(Some(false));
    };
    ids.swap(from, to);
    sqlx::query(&format!(
        "UPDATE {table} t SET position = o.n::integer, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, n)
         WHERE t.tenant_id = $1 AND t.id = o.id AND t.position IS DISTINCT FROM o.n::integer"
    ))
    .bind(tenant)
    .bind(&ids)
    .execute(tx.conn())
    .await?;
    Ok(Some(true))
}

/// Switches the row on or off; false when there is no such row in the shop. `table` is one of
/// this crate's own table names, never a value from a request.
pub(crate) async fn set_enabled(
    tx: &mut TenantTx,
    table: &'static str,
    id: Uuid,
    enabled: bool,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(&format!(
        "UPDATE {table} SET enabled = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .bind(enabled)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
