//! Returns: the return-policy decision engine, as pure code.
//!
//! An owner configures a [`Policy`] (ordered [`Rule`]s of matchers and [`Terms`], usually
//! started from a [`presets`] function), return [`Warehouse`]s with priced lanes, and the shop's
//! time zone ([`ReturnSettings`]). [`decide`] turns an order, the customer's history and a
//! request into a [`Decision`]: eligible or not, resolution, destination, refund, restocking fee,
//! who pays return shipping, auto-approval, the matched rule, and the typed reasons behind it.
//!
//! Conventions (details in each module):
//! * money is `i64` minor units of the order's ISO currency, never floats; percentages are
//!   basis points; fees and partial refunds round half up to the minor unit;
//! * "within N days" counts local calendar dates in the shop's time zone, delivery day = day 0
//!   ([`calendar`]);
//! * invalid input is an ineligible decision with reasons, never a panic;
//! * all types are serde-serialisable so policies and decisions can be stored as JSON.

pub mod calendar;
pub mod decision;
pub mod market;
pub mod policy;
pub mod presets;
pub mod warehouse;

pub use decision::{
    decide, CustomerHistory, Decision, DecisionReason, Destination, Order, OrderLine, RequestLine,
    ReturnRequest, ReturnSettings,
};
pub use market::{Market, Region};
pub use policy::{
    Condition, Matchers, Payer, PerCurrency, Policy, Resolution, ReturnReason, Rule, Terms,
};
pub use warehouse::{Lane, Warehouse, WarehouseKind};

#[cfg(test)]
mod tests;
