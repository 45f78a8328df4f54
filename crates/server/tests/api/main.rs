//! Integration tests: the real app against real PostgreSQL, driven over HTTP.

mod accounts;
mod binary;
mod browser;
mod csrf;
mod generator;
mod helpers;
mod i18n;
mod live;
mod ops;
mod people;
mod search;
mod tenancy;
mod tickets;
mod worker;
