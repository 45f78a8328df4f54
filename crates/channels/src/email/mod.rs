//! Email: IMAP polling, SMTP sending, and turning raw mail into an [`InboundMessage`].
//!
//! - [`parse`]: RFC 5322 bytes → [`InboundMessage`] (mail-parser), with [`thread`] hints,
//!   [`relay`] detection (Amazon/eBay buyer-seller relay), [`automated`] mail recognised,
//!   [`quote`]d history and signatures stripped for display, HTML [`sanitize`]d (ammonia).
//! - [`imap`] polls a mailbox since a `UIDVALIDITY:UID` cursor; [`smtp`] sends replies;
//!   [`EmailConnector`] puts both behind the [`Connector`](crate::Connector) contract.
//!
//! [`InboundMessage`]: crate::InboundMessage

pub mod automated;
pub mod connector;
pub mod imap;
pub mod parse;
pub mod quote;
pub mod relay;
pub mod sanitize;
pub mod smtp;
pub mod thread;
pub mod tls;

pub use connector::EmailConnector;
pub use tls::Security;
