//! Automation rules as settings: ordered, each with a trigger, a rule set (always / holiday /
//! regular), a stop flag and its conditions and actions as a JSON `Definition`.
//! (What they did: `rule_runs`.)

use aftersail_domain::rules::Definition;
use aftersail_domain::RuleId;
use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::{Error, TenantTx};

/// The unique index that keeps names distinct (case-insensitively) within a shop.
pub const NAME_KEY: &str = "rules_name_key";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rule {
    pub id: RuleId,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    /// `always`, `holiday` or `regular`.
    pub rule_set: String,
    /// `message_received`, `ticket_created`, `ticket_updated`, `order_updated` or `time`.
    pub trigger: String,
    pub definition: Json<Definition>,
    /// Later rules are not considered for the event once this one matched.
    pub stop: bool,
    pub updated_at: DateTime<Utc>,
    /// When the rule last ran (`list` only; `None` elsewhere).
    pub last_run_at: Option<DateTime<Utc>>,
}

/// What a rule form sets (everything but its place in the order and whether it is on).
#[derive(Debug, Clone)]
pub struct RuleInput<'a> {
    pub name: &'a str,
    pub rule_set: &'a str,
    pub trigger: &'a str,
    pub definition: &'a Definition,
    pub stop: bool,
}

const COLUMNS: &str =
    "r.id, r.name, r.position, r.enabled, r.rule_set, r.trigger, r.definition, r.stop, r.updated_at";

/// Every rule in order, with when each last ran.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<Rule>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS},
                (SELECT max(x.ran_at) FROM rule_runs x WHERE x.tenant_id = r.tenant_id AND x.rule_id = r.id)
                    AS last_run_at
         FROM rules r WHERE r.tenant_id = $1 ORDER BY r.position, r.id"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn get(tx: &mut TenantTx, id: RuleId) -> Result<Option<Rule>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS}, NULL::timestamptz AS last_run_at
         FROM rules r WHERE r.tenant_id = $1 AND r.id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// A new rule, last in the order, enabled.
pub async fn create(tx: &mut TenantTx, rule: &RuleInput<'_>) -> Result<RuleId, Error> {
    let tenant = tx.tenant();
    let id = RuleId::new();
    sqlx::query(
        "INSERT INTO rules (tenant_id, id, name, position, rule_set, trigger, definition, stop)
         VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM rules WHERE tenant_id = $1),
                 $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(rule.name)
    .bind(rule.rule_set)
    .bind(rule.trigger)
    .bind(Json(rule.definition))
    .bind(rule.stop)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Returns false when there is no such rule in the shop.
pub async fn update(tx: &mut TenantTx, id: RuleId, rule: &RuleInput<'_>) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE rules SET name = $3, rule_set = $4, trigger = $5, definition = $6, stop = $7,
             updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(rule.name)
    .bind(rule.rule_set)
    .bind(rule.trigger)
    .bind(Json(rule.definition))
    .bind(rule.stop)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns false when there is no such rule in the shop.
pub async fn set_enabled(tx: &mut TenantTx, id: RuleId, enabled: bool) -> Result<bool, Error> {
    crate::ordering::set_enabled(tx, "rules", id.0, enabled).await
}

/// Returns the deleted rule's name, or `None` when there was no such rule. Its run log goes
/// with it.
pub async fn delete(tx: &mut TenantTx, id: RuleId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("DELETE FROM rules WHERE tenant_id = $1 AND id = $2 RETURNING name")
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// Swaps the rule with its neighbour above (`up`) or below. `None`: no such rule;
/// `Some(false)`: already first (or last), nothing changed.
pub async fn move_rule(tx: &mut TenantTx, id: RuleId, up: bool) -> Result<Option<bool>, Error> {
    crate::ordering::swap(tx, "rules", id.0, up).await
}

/// Every rule's id and name, in order (for pickers such as the run log's filter).
pub async fn names(tx: &mut TenantTx) -> Result<Vec<(RuleId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as("SELECT id, name FROM rules WHERE tenant_id = $1 ORDER BY position, id")
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}
