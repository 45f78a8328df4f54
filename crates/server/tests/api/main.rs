//! Integration tests: the real app against real PostgreSQL, driven over HTTP.

mod accounts;
mod alerts;
mod attachments;
mod automation;
mod automation_settings;
mod binary;
mod browser;
mod browser_automation;
mod browser_kb;
mod browser_marketplaces;
mod channel_sync;
mod channels;
#[path = "../../../channels/tests/contract/mod.rs"]
mod contract;
mod csrf;
mod email_channel;
mod generator;
mod helpers;
mod i18n;
mod inbox_views;
mod kb;
mod live;
#[path = "../../../channels/tests/support/mod.rs"]
mod mail_servers;
mod marketplace_channels;
mod marketplace_messaging;
mod marketplace_returns;
mod marketplace_sync;
mod notification_queue;
mod notifications;
mod ops;
mod people;
mod portal;
mod presence;
mod reply_templates;
mod returns_agent;
mod returns_settings;
mod search;
mod sla;
mod sla_settings;
mod tenancy;
mod tickets;
mod translation;
mod triage;
mod worker;
