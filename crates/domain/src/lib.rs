//! Aftersail's pure core: no IO, no clocks, no database. Everything here is plain
//! data and functions over it, so it can be tested exhaustively.

pub mod alerts;
pub mod assignment;
pub mod attachment;
pub mod bot;
pub mod classify;
pub mod csat;
pub mod csv;
pub mod glossary;
pub mod ids;
pub mod kb;
pub mod languages;
pub mod locale;
pub mod money;
pub mod placeholders;
pub mod priority;
pub mod reports;
pub mod returns;
pub mod role;
pub mod rules;
pub mod search;
pub mod sla;
pub mod tags;
pub mod templates;
pub mod ticket;
pub mod validation;

pub use ids::*;
pub use locale::UiLocale;
pub use role::Role;
