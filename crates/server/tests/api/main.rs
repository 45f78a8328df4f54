//! Integration tests: the real app against real PostgreSQL, driven over HTTP.

mod accounts;
mod attachments;
mod binary;
mod browser;
mod channels;
mod csrf;
mod generator;
mod helpers;
mod i18n;
mod inbox_views;
mod live;
mod ops;
mod people;
mod presence;
mod reply_templates;
mod search;
mod tenancy;
mod tickets;
mod worker;
