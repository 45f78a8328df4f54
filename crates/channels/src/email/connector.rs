//! The email channel behind the [`Connector`] contract: IMAP in, SMTP out.

use crate::{Batch, Connector, ConnectorError, Outbound, Sent};

use super::imap::{self, ImapConfig};
use super::smtp::{self, SmtpConfig};

/// One shop mailbox: where mail is read and how replies are sent.
#[derive(Debug, Clone)]
pub struct EmailConnector {
    pub imap: ImapConfig,
    pub smtp: SmtpConfig,
}

impl EmailConnector {
    pub fn new(imap: ImapConfig, smtp: SmtpConfig) -> Self {
        Self { imap, smtp }
    }
}

#[async_trait::async_trait]
impl Connector for EmailConnector {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        imap::poll(&self.imap, cursor).await
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        smtp::send(&self.smtp, message).await
    }

    /// IMAP first, then SMTP; the error names the server that failed ("IMAP server …" or
    /// "SMTP server …").
    async fn check(&self) -> Result<(), ConnectorError> {
        imap::check(&self.imap).await?;
        smtp::check(&self.smtp).await
    }

    /// IMAP IDLE where the server has it; otherwise this just waits and says nothing came.
    async fn wait_for_activity(
        &self,
        max_wait: std::time::Duration,
    ) -> Result<bool, ConnectorError> {
        imap::wait_for_mail(&self.imap, max_wait).await
    }
}
