//! Channel connectors: where buyer messages and orders come from and where replies go.
//!
//! Every connector implements [`Connector`]: poll since a cursor, send one outbound message,
//! verify a webhook. Errors are typed ([`ConnectorError`]) so the worker knows whether to back
//! off, retry or give up. Connectors do no database work: the worker stores what they return
//! in one transaction (`aftersail_db::ingest`). Base URLs and hosts are configuration, so
//! tests point connectors at local servers.
//!
//! [`translate`] holds the machine-translation providers agents' replies go through, built
//! the same way: plain HTTP clients with typed errors and configurable base URLs.

pub mod amazon;
pub mod cache;
pub mod connector;
pub mod crypto;
pub mod ebay;
pub mod email;
pub mod json;
pub mod kinds;
pub mod shopee;
pub mod shopify;
pub mod standard_webhooks;
pub mod translate;
pub mod transport;

pub use connector::{
    Automated, Batch, Connector, ConnectorError, Inbound, InboundAttachment, InboundCustomer,
    InboundMessage, InboundOrder, InboundOrderItem, InboundReturn, InboundReturnItem, Outbound,
    OutboundAttachment, Party, RefundRequest, ReturnAnswer, ReturnState, Sent, ThreadHints,
    WebhookAction, WebhookDelivery, WebhookRequest,
};
