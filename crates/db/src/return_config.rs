//! A shop's return policy and warehouses: what the decision engine needs besides the order
//! and the request. The policy is the domain's `Policy` as JSON, edited whole.

use aftersail_domain::returns::{Lane, Market, Policy, ReturnSettings, Warehouse, WarehouseKind};
use aftersail_domain::WarehouseId;

use crate::{Error, TenantTx};

/// The stored policy and the preset it started from, if the owner set one up.
pub async fn policy(tx: &mut TenantTx) -> Result<Option<(Policy, Option<String>)>, Error> {
    let tenant = tx.tenant();
    let row: Option<(serde_json::Value, Option<String>)> =
        sqlx::query_as("SELECT policy, preset FROM return_settings WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_optional(tx.conn())
            .await?;
    Ok(row.and_then(|(json, preset)| {
        serde_json::from_value(json)
            .map_err(|e| tracing::error!(error = %e, "stored return policy unreadable"))
            .ok()
            .map(|p| (p, preset))
    }))
}

/// Replaces the policy.
pub async fn save_policy(
    tx: &mut TenantTx,
    policy: &Policy,
    preset: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let json = serde_json::to_value(policy).expect("a policy serialises");
    sqlx::query(
        "INSERT INTO return_settings (tenant_id, policy, preset) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, preset = EXCLUDED.preset,
                                                updated_at = now()",
    )
    .bind(tenant)
    .bind(json)
    .bind(preset)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A warehouse as stored, with what buyers are shown.
#[derive(Debug, Clone)]
pub struct StoredWarehouse {
    pub warehouse: Warehouse,
    pub address: String,
    pub active: bool,
}

type WarehouseRow = (
    WarehouseId,
    String,
    String,
    Vec<String>,
    serde_json::Value,
    bool,
    String,
    bool,
);

fn from_row(r: WarehouseRow) -> StoredWarehouse {
    let (id, name, kind, serves, lanes, accepts_repairs, address, active) = r;
    let kind = match kind.as_str() {
        "repair_partner" => WarehouseKind::RepairPartner,
        "home" => WarehouseKind::Home,
        _ => WarehouseKind::ReturnCentre,
    };
    let lanes: Vec<Lane> = serde_json::from_value(lanes).unwrap_or_default();
    StoredWarehouse {
        warehouse: Warehouse {
            id,
            name,
            kind,
            serves: serves.iter().filter_map(|m| Market::parse(m)).collect(),
            lanes,
            accepts_repairs,
        },
        address,
        active,
    }
}

pub async fn warehouses(tx: &mut TenantTx) -> Result<Vec<StoredWarehouse>, Error> {
    let tenant = tx.tenant();
    let rows: Vec<WarehouseRow> = sqlx::query_as(
        "SELECT id, name, kind, serves, lanes, accepts_repairs, address, active FROM warehouses
         WHERE tenant_id = $1 ORDER BY lower(name)",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub fn kind_code(kind: WarehouseKind) -> &'static str {
    match kind {
        WarehouseKind::ReturnCentre => "return_centre",
        WarehouseKind::RepairPartner => "repair_partner",
        WarehouseKind::Home => "home",
    }
}

/// Creates or replaces a warehouse (by id). A name the shop uses already violates
/// `warehouses_name_key`.
pub async fn save_warehouse(
    tx: &mut TenantTx,
    w: &Warehouse,
    address: &str,
    active: bool,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO warehouses (tenant_id, id, name, kind, serves, lanes, accepts_repairs, address, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
             serves = EXCLUDED.serves, lanes = EXCLUDED.lanes, accepts_repairs = EXCLUDED.accepts_repairs,
             address = EXCLUDED.address, active = EXCLUDED.active",
    )
    .bind(tenant)
    .bind(w.id)
    .bind(&w.name)
    .bind(kind_code(w.kind))
    .bind(w.serves.iter().map(ToString::to_string).collect::<Vec<_>>())
    .bind(serde_json::to_value(&w.lanes).expect("lanes serialise"))
    .bind(w.accepts_repairs)
    .bind(address)
    .bind(active)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Everything the engine needs from the shop: its policy (`None` until the owner sets one
/// up), active warehouses, and its time zone.
pub async fn settings(tx: &mut TenantTx) -> Result<Option<ReturnSettings>, Error> {
    let Some((policy, _)) = policy(tx).await? else {
        return Ok(None);
    };
    let warehouses = warehouses(tx)
        .await?
        .into_iter()
        .filter(|w| w.active)
        .map(|w| w.warehouse)
        .collect();
    let tenant = tx.tenant();
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(tx.conn())
        .await?;
    Ok(Some(ReturnSettings {
        policy,
        warehouses,
        time_zone: zone.parse().unwrap_or(chrono_tz::UTC),
    }))
}
