//! Return destinations and the lanes that reach them.
//!
//! A warehouse is *suitable* for a request when it serves the buyer's country, takes the kind of
//! work (repairs go only to warehouses that repair; other returns never go to a repair-only
//! partner) and has a lane from the buyer's country priced in the order's currency. The engine
//! picks the cheapest suitable lane; ties go to the warehouse listed first, so the result is
//! deterministic. Lanes priced in another currency are skipped (never converted) and reported.

use serde::{Deserialize, Serialize};

use super::market::Market;
use crate::ids::WarehouseId;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarehouseKind {
    /// An overseas return centre (consolidates returns in the buyer's market).
    ReturnCentre,
    /// Repairs only.
    RepairPartner,
    /// The seller's own warehouse.
    Home,
}

/// Shipping one return from `from` to the warehouse costs `cost`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub from: Market,
    pub cost: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warehouse {
    pub id: WarehouseId,
    pub name: String,
    pub kind: WarehouseKind,
    /// The markets whose returns it takes.
    pub serves: Vec<Market>,
    pub lanes: Vec<Lane>,
    pub accepts_repairs: bool,
}

impl Warehouse {
    /// Whether this warehouse takes this kind of work at all.
    pub fn takes(&self, repair: bool) -> bool {
        if repair {
            self.accepts_repairs
        } else {
            self.kind != WarehouseKind::RepairPartner
        }
    }
}

/// The chosen lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub warehouse: WarehouseId,
    pub cost_minor: i64,
}

/// What the search found: the cheapest route, if any, and the warehouses that served the country
/// but whose lanes were all priced in another currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteSearch {
    pub cheapest: Option<Route>,
    pub currency_mismatches: Vec<(WarehouseId, String)>,
}

/// The cheapest suitable route for a return from `country` in `currency`.
pub fn cheapest_route(
    warehouses: &[Warehouse],
    country: &str,
    currency: &str,
    repair: bool,
) -> RouteSearch {
    let mut search = RouteSearch::default();
    for warehouse in warehouses {
        if !warehouse.takes(repair) || !warehouse.serves.iter().any(|m| m.contains(country)) {
            continue;
        }
        let lanes: Vec<&Lane> = warehouse
            .lanes
            .iter()
            .filter(|l| l.from.contains(country))
            .collect();
        let best = lanes
            .iter()
            .filter(|l| l.cost.currency == currency)
            .map(|l| l.cost.minor)
            .min();
        match best {
            Some(cost) => {
                if search.cheapest.as_ref().is_none_or(|r| cost < r.cost_minor) {
                    search.cheapest = Some(Route {
                        warehouse: warehouse.id,
                        cost_minor: cost,
                    });
                }
            }
            None => {
                if let Some(lane) = lanes.first() {
                    search
                        .currency_mismatches
                        .push((warehouse.id, lane.cost.currency.clone()));
                }
            }
        }
    }
    search
}
