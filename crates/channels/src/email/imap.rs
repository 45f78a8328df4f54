//! IMAP polling: read a mailbox since a `UIDVALIDITY:UID` cursor, without changing anything
//! on the server (EXAMINE + `BODY.PEEK[]`: nothing is marked seen, moved or deleted), and wait
//! for new mail with IDLE.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use async_imap::error::Error as ImapError;
use async_imap::extensions::idle::IdleResponse;
use async_imap::imap_proto::{MailboxDatum, Response, Status};
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

pub use super::tls::Security;
use crate::{Batch, ConnectorError, Inbound};

/// Where and how to read incoming mail.
#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: String,
    /// The mailbox to read, `INBOX` unless the shop files support mail elsewhere.
    pub mailbox: String,
    /// A PEM CA certificate trusted in addition to the webpki roots (self-hosted servers, tests).
    pub extra_root_pem: Option<String>,
    /// At most this many messages per poll.
    pub batch_size: usize,
    /// For connecting, logging in and each poll as a whole.
    pub timeout: Duration,
}

impl ImapConfig {
    /// A configuration with the defaults: TLS, `INBOX`, 50 messages a poll, 30 s timeout.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            security: Security::Tls,
            username: username.into(),
            password: password.into(),
            mailbox: "INBOX".into(),
            extra_root_pem: None,
            batch_size: 50,
            timeout: Duration::from_secs(30),
        }
    }

    fn server(&self) -> String {
        format!("IMAP server {}:{}", self.host, self.port)
    }
}

// The password stays out of logs and panic messages.
impl fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("mailbox", &self.mailbox)
            .field("batch_size", &self.batch_size)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Position in a mailbox: UIDs only mean something within one UIDVALIDITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub uid_validity: u32,
    pub last_uid: u32,
}

impl Cursor {
    /// Reads `"<uidvalidity>:<last_uid>"`.
    pub fn parse(text: &str) -> Option<Self> {
        let (validity, uid) = text.trim().split_once(':')?;
        Some(Self {
            uid_validity: validity.parse().ok()?,
            last_uid: uid.parse().ok()?,
        })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.uid_validity, self.last_uid)
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

type ImapSession = Session<Box<dyn Io>>;

/// Fetches up to `batch_size` messages after `cursor`, oldest UID first.
///
/// `None`, an unreadable cursor or one from another UIDVALIDITY start from the first message
/// (the ingest deduplicates by Message-ID, so reading again is safe).
pub async fn poll(cfg: &ImapConfig, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
    within(cfg, cfg.timeout, async {
        let mut session = login(cfg).await?;
        let result = poll_session(cfg, &mut session, cursor).await;
        logout(session).await;
        result
    })
    .await
}

async fn poll_session(
    cfg: &ImapConfig,
    session: &mut ImapSession,
    cursor: Option<&str>,
) -> Result<Batch, ConnectorError> {
    let mailbox = session
        .examine(&cfg.mailbox)
        .await
        .map_err(|e| mailbox_error(cfg, e))?;
    let uid_validity = mailbox.uid_validity.ok_or_else(|| {
        ConnectorError::Transient(format!(
            "{} did not report a UIDVALIDITY for \"{}\"",
            cfg.server(),
            cfg.mailbox
        ))
    })?;
    let last_uid = match cursor.map(|text| (text, Cursor::parse(text))) {
        None => 0,
        Some((_, Some(c))) if c.uid_validity == uid_validity => c.last_uid,
        Some((_, Some(c))) => {
            tracing::warn!(
                server = %cfg.server(), mailbox = %cfg.mailbox,
                old = c.uid_validity, new = uid_validity,
                "UIDVALIDITY changed; reading the mailbox from the start again"
            );
            0
        }
        Some((text, None)) => {
            tracing::warn!(
                cursor = text,
                "unreadable IMAP cursor; reading from the start"
            );
            0
        }
    };
    let done = |last_uid, more, backlog| Batch {
        items: Vec::new(),
        cursor: Some(
            Cursor {
                uid_validity,
                last_uid,
            }
            .to_string(),
        ),
        more,
        backlog: Some(backlog),
    };
    if mailbox.exists == 0 {
        return Ok(done(last_uid, false, 0));
    }

    let first = last_uid.saturating_add(1);
    // `n:*` also matches the highest UID when every UID is below n: hence the filter.
    let mut waiting: Vec<u32> = session
        .uid_search(format!("UID {first}:*"))
        .await
        .map_err(|e| protocol_error(cfg, "search the mailbox", e))?
        .into_iter()
        .filter(|uid| *uid > last_uid)
        .collect();
    waiting.sort_unstable();
    let take = waiting.len().min(cfg.batch_size.max(1));
    let Some((&low, &high)) = waiting[..take].first().zip(waiting[..take].last()) else {
        return Ok(done(last_uid, false, 0));
    };
    let backlog = waiting.len() - take;

    let mut fetched: Vec<(u32, Vec<u8>)> = session
        .uid_fetch(format!("{low}:{high}"), "(UID BODY.PEEK[])")
        .await
        .map_err(|e| protocol_error(cfg, "fetch messages", e))?
        .map_ok(|f| (f.uid.unwrap_or(0), f.body().map(<[u8]>::to_vec)))
        .try_collect::<Vec<_>>()
        .await
        .map_err(|e| protocol_error(cfg, "fetch messages", e))?
        .into_iter()
        .filter_map(|(uid, body)| Some((uid, body?)))
        .filter(|(uid, _)| (low..=high).contains(uid))
        .collect();
    fetched.sort_unstable_by_key(|(uid, _)| *uid);
    fetched.dedup_by_key(|(uid, _)| *uid);

    let items = fetched
        .iter()
        .map(|(_, raw)| Inbound::Message(super::parse::parse(raw)))
        .collect();
    Ok(Batch {
        items,
        // Messages expunged between SEARCH and FETCH are simply gone: move past them too.
        cursor: Some(
            Cursor {
                uid_validity,
                last_uid: high,
            }
            .to_string(),
        ),
        more: backlog > 0,
        backlog: Some(backlog as i64),
    })
}

/// Logs in and opens the mailbox read-only, changing nothing (Settings → "Test connection").
pub async fn check(cfg: &ImapConfig) -> Result<(), ConnectorError> {
    within(cfg, cfg.timeout, async {
        let mut session = login(cfg).await?;
        let result = session
            .examine(&cfg.mailbox)
            .await
            .map(drop)
            .map_err(|e| mailbox_error(cfg, e));
        logout(session).await;
        result
    })
    .await
}

/// Waits up to `max_wait` for mail to arrive: `true` when the server announced new mail
/// (IDLE's `EXISTS`), `false` on timeout. Servers without IDLE are not asked: this just
/// sleeps `max_wait` and returns `false`, and the caller polls as usual.
pub async fn wait_for_mail(cfg: &ImapConfig, max_wait: Duration) -> Result<bool, ConnectorError> {
    let session = within(cfg, cfg.timeout, async {
        let mut session = login(cfg).await?;
        let capabilities = session
            .capabilities()
            .await
            .map_err(|e| protocol_error(cfg, "list its capabilities", e))?;
        if !capabilities.has_str("IDLE") {
            logout(session).await;
            return Ok(None);
        }
        session
            .examine(&cfg.mailbox)
            .await
            .map_err(|e| mailbox_error(cfg, e))?;
        Ok(Some(session))
    })
    .await?;
    let Some(session) = session else {
        tokio::time::sleep(max_wait).await;
        return Ok(false);
    };

    let mut idle = session.idle();
    within(cfg, cfg.timeout, async {
        idle.init()
            .await
            .map_err(|e| protocol_error(cfg, "start IDLE", e))
    })
    .await?;
    let deadline = tokio::time::Instant::now() + max_wait;
    let mut arrived = false;
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if remaining.is_zero() {
            break;
        }
        let (wait, _stop) = idle.wait_with_timeout(remaining);
        // The library's timeout restarts on every keep-alive; this one does not.
        let response = match tokio::time::timeout(remaining, wait).await {
            Err(_) => break,
            Ok(response) => response.map_err(|e| protocol_error(cfg, "wait for mail", e))?,
        };
        match response {
            IdleResponse::NewData(data) => {
                if matches!(
                    data.parsed(),
                    Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_))
                ) {
                    arrived = true;
                    break;
                }
            }
            IdleResponse::Timeout | IdleResponse::ManualInterrupt => break,
        }
    }
    // Leaving IDLE politely is a courtesy: the answer is known already.
    let _ = within(cfg, cfg.timeout, async {
        if let Ok(session) = idle.done().await {
            logout(session).await;
        }
        Ok(())
    })
    .await;
    Ok(arrived)
}

async fn within<T>(
    cfg: &ImapConfig,
    limit: Duration,
    work: impl Future<Output = Result<T, ConnectorError>>,
) -> Result<T, ConnectorError> {
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(ConnectorError::Transient(format!(
            "{} did not answer within {} s",
            cfg.server(),
            limit.as_secs_f32()
        )))
    })
}

async fn logout(mut session: ImapSession) {
    if let Err(e) = session.logout().await {
        tracing::debug!(error = %e, "IMAP logout failed");
    }
}

/// Connects (TLS or STARTTLS as configured) and logs in.
async fn login(cfg: &ImapConfig) -> Result<ImapSession, ConnectorError> {
    let client = connect(cfg).await?;
    client
        .login(&cfg.username, &cfg.password)
        .await
        .map_err(|(e, _)| match e {
            ImapError::No(text) | ImapError::Bad(text) => ConnectorError::Auth(format!(
                "{} refused the login for \"{}\": {}",
                cfg.server(),
                cfg.username,
                text.trim()
            )),
            other => protocol_error(cfg, "log in", other),
        })
}

async fn connect(cfg: &ImapConfig) -> Result<Client<Box<dyn Io>>, ConnectorError> {
    let tcp = TcpStream::connect((cfg.host.as_str(), cfg.port))
        .await
        .map_err(|e| {
            ConnectorError::Transient(format!("could not reach the {}: {e}", cfg.server()))
        })?;
    match cfg.security {
        Security::Plain => {
            let mut client = Client::new(Box::new(tcp) as Box<dyn Io>);
            greeting(cfg, &mut client).await?;
            Ok(client)
        }
        Security::Tls => {
            let tls = start_tls(cfg, tcp).await?;
            let mut client = Client::new(Box::new(tls) as Box<dyn Io>);
            greeting(cfg, &mut client).await?;
            Ok(client)
        }
        Security::StartTls => {
            let mut client = Client::new(tcp);
            greeting(cfg, &mut client).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| {
                    ConnectorError::Transient(format!(
                        "{} did not accept STARTTLS ({e}); check the security setting",
                        cfg.server()
                    ))
                })?;
            let tls = start_tls(cfg, client.into_inner()).await?;
            // No second greeting after STARTTLS (RFC 3501 6.2.1).
            Ok(Client::new(Box::new(tls) as Box<dyn Io>))
        }
    }
}

async fn start_tls(
    cfg: &ImapConfig,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ConnectorError> {
    let config = super::tls::client_config(cfg.extra_root_pem.as_deref())
        .map_err(|e| ConnectorError::Permanent(format!("{}: {e}", cfg.server())))?;
    let name = ServerName::try_from(cfg.host.clone()).map_err(|_| {
        ConnectorError::Permanent(format!("\"{}\" is not a valid host name", cfg.host))
    })?;
    TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| {
            ConnectorError::Transient(format!(
                "TLS handshake with the {} failed: {e}",
                cfg.server()
            ))
        })
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug>(
    cfg: &ImapConfig,
    client: &mut Client<T>,
) -> Result<(), ConnectorError> {
    let response = client.read_response().await.map_err(|e| {
        ConnectorError::Transient(format!("{} sent no greeting: {e}", cfg.server()))
    })?;
    match response.as_ref().map(|r| r.parsed()) {
        Some(Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        }) => Ok(()),
        Some(other) => Err(ConnectorError::Transient(format!(
            "{} greeted with something unexpected: {other:?}",
            cfg.server()
        ))),
        None => Err(ConnectorError::Transient(format!(
            "{} closed the connection before greeting",
            cfg.server()
        ))),
    }
}

fn mailbox_error(cfg: &ImapConfig, e: ImapError) -> ConnectorError {
    match e {
        ImapError::No(text) => ConnectorError::Permanent(format!(
            "{} cannot open the mailbox \"{}\": {}",
            cfg.server(),
            cfg.mailbox,
            text.trim()
        )),
        other => protocol_error(cfg, "open the mailbox", other),
    }
}

fn protocol_error(cfg: &ImapConfig, doing: &str, e: ImapError) -> ConnectorError {
    ConnectorError::Transient(format!("{} failed to {doing}: {e}", cfg.server()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor::parse("1700000000:42").unwrap();
        assert_eq!(c.uid_validity, 1_700_000_000);
        assert_eq!(c.last_uid, 42);
        assert_eq!(c.to_string(), "1700000000:42");
        assert_eq!(Cursor::parse("42"), None);
        assert_eq!(Cursor::parse("a:b"), None);
        assert_eq!(Cursor::parse(""), None);
    }

    #[test]
    fn debug_hides_the_password() {
        let cfg = ImapConfig::new("imap.example.com", 993, "shop", "hunter2");
        assert!(!format!("{cfg:?}").contains("hunter2"));
    }
}
