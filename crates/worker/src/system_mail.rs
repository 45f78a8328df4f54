//! System mail (alerts to the shop's people): rows queued in `system_mail` with the change
//! that causes them, claimed across shops with a lease, sent over the configured SMTP server
//! (`[mail] smtp_url`), retried with backoff, dead after [`MAX_ATTEMPTS`] or a permanent
//! refusal. Without SMTP configured a mail is marked `not_configured` and kept: it goes out
//! once SMTP is set up, never lost.

use std::time::Duration;

use aftersail_channels::email::smtp::{self, SmtpConfig};
use aftersail_channels::email::Security;
use aftersail_channels::{ConnectorError, Outbound};
use aftersail_db::alerts as db;
use aftersail_db::TenantTx;
use anyhow::Context;
use chrono::Utc;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::backoff;

pub const MAX_ATTEMPTS: i32 = 8;
const BATCH: i32 = 50;
const IDLE_WAIT: Duration = Duration::from_secs(15);
/// How often unconfigured mail is looked at again (in case SMTP was set up since).
const NOT_CONFIGURED_WAIT: chrono::Duration = chrono::Duration::minutes(10);

/// The system mailer's settings: `smtp://[user:password@]host[:port]` (plain),
/// `smtp+starttls://…` (STARTTLS, port 587 by default) or `smtps://…` (TLS, port 465), and
/// the sender address.
pub fn smtp_config(url: &str, from: &str) -> anyhow::Result<SmtpConfig> {
    let url = reqwest::Url::parse(url.trim()).context("mail.smtp_url is not a URL")?;
    let (security, default_port) = match url.scheme() {
        "smtp" => (Security::Plain, 25),
        "smtp+starttls" => (Security::StartTls, 587),
        "smtps" => (Security::Tls, 465),
        other => {
            anyhow::bail!("mail.smtp_url: unknown scheme {other:?} (smtp, smtp+starttls or smtps)")
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .context("mail.smtp_url has no host")?;
    anyhow::ensure!(
        from.contains('@'),
        "mail.from must be an email address (got {from:?})"
    );
    let mut cfg = SmtpConfig::new(host, url.port().unwrap_or(default_port), from);
    cfg.security = security;
    if !url.username().is_empty() {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map_or_else(|_| s.to_owned(), String::from)
        };
        cfg.username = Some(decode(url.username()));
        cfg.password = url.password().map(decode);
    }
    Ok(cfg)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    pub not_configured: usize,
}

/// Sends (or, without `smtp`, marks `not_configured`) the mail due now.
pub async fn run_once(
    pool: &PgPool,
    smtp: Option<&SmtpConfig>,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in db::claim_mail(pool, BATCH, lease).await? {
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let Some(mail) = db::leased_mail(&mut tx, claim.id, claim.lease_id).await? else {
            continue;
        };
        tx.commit().await?;
        let Some(cfg) = smtp else {
            let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
            db::finish_mail(
                &mut tx,
                mail.id,
                claim.lease_id,
                "not_configured",
                Some("no SMTP server is configured ([mail] smtp_url)"),
                Utc::now() + NOT_CONFIGURED_WAIT,
                false,
            )
            .await?;
            tx.commit().await?;
            round.not_configured += 1;
            continue;
        };
        let outbound = Outbound {
            message_id: format!("system-{}@aftersail", mail.id),
            idempotency_key: mail.id.to_string(),
            to: mail.to_address.clone(),
            subject: mail.subject.clone(),
            body_text: mail.body.clone(),
            references: Vec::new(),
            order_external_id: None,
            attachments: Vec::new(),
            action: None,
            conversation: None,
        };
        // The network call runs outside any transaction; the result is written only while
        // the lease is still ours.
        let result = smtp::send(cfg, &outbound).await;
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        match result {
            Ok(_) => {
                db::finish_mail(
                    &mut tx,
                    mail.id,
                    claim.lease_id,
                    "sent",
                    None,
                    Utc::now(),
                    true,
                )
                .await?;
                round.sent += 1;
            }
            Err(err) => {
                let attempts = mail.attempts + 1;
                let dead = matches!(err, ConnectorError::Permanent(_) | ConnectorError::Auth(_))
                    || attempts >= MAX_ATTEMPTS;
                let state = if dead { "dead" } else { "failed" };
                tracing::warn!(error = %err, mail = %mail.id, state, "system mail not sent");
                db::finish_mail(
                    &mut tx,
                    mail.id,
                    claim.lease_id,
                    state,
                    Some(&err.to_string()),
                    backoff::retry_at(u32::try_from(attempts).unwrap_or(1), Some(&err)),
                    true,
                )
                .await?;
                round.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(round)
}

pub async fn run(
    pool: PgPool,
    smtp: Option<SmtpConfig>,
    lease: Duration,
    token: CancellationToken,
) {
    crate::repeat("system mail", IDLE_WAIT, &token, || async {
        let round = run_once(&pool, smtp.as_ref(), lease).await?;
        Ok(round.sent + round.failed > 0)
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let c = smtp_config("smtp://127.0.0.1:2525", "alerts@shop.test").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 2525));
        assert!(matches!(c.security, Security::Plain));
        assert!(c.username.is_none());
        let c = smtp_config("smtps://me%40x:p%20w@mail.example", "a@b").unwrap();
        assert_eq!(c.port, 465);
        assert!(matches!(c.security, Security::Tls));
        assert_eq!(c.username.as_deref(), Some("me@x"));
        assert_eq!(c.password.as_deref(), Some("p w"));
        assert_eq!(
            smtp_config("smtp+starttls://m.example", "a@b")
                .unwrap()
                .port,
            587
        );
        assert!(smtp_config("http://m.example", "a@b").is_err());
        assert!(smtp_config("smtp://m.example", "nobody").is_err());
        assert!(smtp_config("not a url", "a@b").is_err());
    }
}
