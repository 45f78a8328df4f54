//! SMTP sending with lettre: one reply per call, threaded with `In-Reply-To`/`References`,
//! and failures sorted into login trouble, retry-later and never-retry.

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use super::tls::Security;
use crate::{ConnectorError, Outbound, Sent};

/// Where and how to send replies.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// `None`: the server takes mail without logging in (a local relay).
    pub username: Option<String>,
    pub password: Option<String>,
    /// The shop's support address replies come from.
    pub from_address: String,
    /// Shown next to the address (`"Acme Support" <support@acme.example>`).
    pub from_name: Option<String>,
    /// A PEM CA certificate trusted in addition to the webpki roots (self-hosted servers, tests).
    pub extra_root_pem: Option<String>,
    /// For connecting and for each SMTP command.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// A configuration with the defaults: STARTTLS, no login, no display name, 30 s timeout.
    pub fn new(host: impl Into<String>, port: u16, from_address: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            port,
            security: Security::StartTls,
            username: None,
            password: None,
            from_address: from_address.into(),
            from_name: None,
            extra_root_pem: None,
            timeout: Duration::from_secs(30),
        }
    }

    fn server(&self) -> String {
        format!("SMTP server {}:{}", self.host, self.port)
    }
}

// The password stays out of logs and panic messages.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from_address", &self.from_address)
            .field("from_name", &self.from_name)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Sends one reply. The Message-ID is `<{message.message_id}>`, so a retry after a crash
/// carries the same id and the recipient's threading treats it as the same message.
pub async fn send(cfg: &SmtpConfig, message: &Outbound) -> Result<Sent, ConnectorError> {
    let email = build_message(cfg, message)?;
    let transport = transport(cfg)?;
    let sending = transport.send(email);
    match tokio::time::timeout(cfg.timeout * 3, sending).await {
        Err(_) => Err(timed_out(cfg)),
        Ok(Err(e)) => Err(classify(cfg, &e)),
        Ok(Ok(_)) => Ok(Sent {
            external_id: message.message_id.clone(),
        }),
    }
}

/// Connects, secures the connection and logs in, sending nothing (Settings → "Test connection").
pub async fn check(cfg: &SmtpConfig) -> Result<(), ConnectorError> {
    let transport = transport(cfg)?;
    match tokio::time::timeout(cfg.timeout * 2, transport.test_connection()).await {
        Err(_) => Err(timed_out(cfg)),
        Ok(Err(e)) => Err(classify(cfg, &e)),
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err(ConnectorError::Transient(format!(
            "{} accepted the connection but did not answer",
            cfg.server()
        ))),
    }
}

/// The RFC 5322 message for `outbound`: text/plain UTF-8, or multipart/mixed with attachments.
pub fn build_message(cfg: &SmtpConfig, outbound: &Outbound) -> Result<Message, ConnectorError> {
    let from_address: Address = cfg.from_address.trim().parse().map_err(|_| {
        ConnectorError::Permanent(format!(
            "the sender address \"{}\" in the email settings is not a valid email address",
            cfg.from_address
        ))
    })?;
    let from = Mailbox::new(display_name(cfg.from_name.as_deref()), from_address);
    let to: Mailbox = outbound.to.trim().parse().map_err(|_| {
        ConnectorError::Permanent(format!(
            "the recipient address \"{}\" is not a valid email address",
            outbound.to
        ))
    })?;

    let mut builder = Message::builder()
        .message_id(Some(format!("<{}>", outbound.message_id)))
        .from(from)
        .to(to)
        .subject(outbound.subject.clone());
    if let Some(last) = outbound.references.last() {
        builder = builder.in_reply_to(format!("<{last}>"));
        let all: Vec<String> = outbound
            .references
            .iter()
            .map(|id| format!("<{id}>"))
            .collect();
        builder = builder.references(all.join(" "));
    }

    let built = if outbound.attachments.is_empty() {
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(outbound.body_text.clone())
    } else {
        let mut parts =
            MultiPart::mixed().singlepart(SinglePart::plain(outbound.body_text.clone()));
        for attachment in &outbound.attachments {
            let content_type = ContentType::parse(&attachment.content_type)
                .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
            parts = parts.singlepart(
                Attachment::new(attachment.filename.clone())
                    .body(attachment.bytes.clone(), content_type),
            );
        }
        builder.multipart(parts)
    };
    built.map_err(|e| ConnectorError::Permanent(format!("the reply cannot be built: {e}")))
}

/// The sender's display name as one header-safe line: control characters (CR/LF, which
/// lettre cannot encode in a name and panics on) become spaces; blank is no name.
fn display_name(name: Option<&str>) -> Option<String> {
    let name: String = name?
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then_some(name)
}

fn transport(cfg: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, ConnectorError> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
        .port(cfg.port)
        .timeout(Some(cfg.timeout));
    builder = match cfg.security {
        Security::Plain => builder.tls(Tls::None),
        Security::StartTls => builder.tls(Tls::Required(tls_parameters(cfg)?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls_parameters(cfg)?)),
    };
    if let Some(username) = &cfg.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            cfg.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// lettre takes no ready-made rustls config, so the same trust (webpki roots + the extra PEM)
/// is given through its own builder; its rustls build uses the ring provider.
fn tls_parameters(cfg: &SmtpConfig) -> Result<TlsParameters, ConnectorError> {
    let mut builder =
        TlsParameters::builder(cfg.host.clone()).certificate_store(CertificateStore::WebpkiRoots);
    if let Some(pem) = &cfg.extra_root_pem {
        super::tls::pem_certificates(pem)
            .map_err(|e| ConnectorError::Permanent(format!("{}: {e}", cfg.server())))?;
        let certificate = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| ConnectorError::Permanent(format!("{}: {e}", cfg.server())))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|e| ConnectorError::Permanent(format!("{}: TLS setup failed: {e}", cfg.server())))
}

fn timed_out(cfg: &SmtpConfig) -> ConnectorError {
    ConnectorError::Transient(format!(
        "{} did not answer within {} s",
        cfg.server(),
        cfg.timeout.as_secs_f32()
    ))
}

/// Reply codes meaning the login itself was refused (RFC 4954): 530 authentication required,
/// 534 mechanism too weak, 535 credentials invalid, 538 encryption required for the mechanism.
const AUTH_CODES: [&str; 4] = ["530", "534", "535", "538"];

fn classify(cfg: &SmtpConfig, e: &SmtpError) -> ConnectorError {
    let server = cfg.server();
    if let Some(code) = e.status() {
        let code = code.to_string();
        if AUTH_CODES.contains(&code.as_str()) {
            return ConnectorError::Auth(format!("{server} refused the login: {e}"));
        }
        if e.is_transient() {
            return ConnectorError::Transient(format!(
                "{server} refused the message for now, try again later: {e}"
            ));
        }
        return ConnectorError::Permanent(format!("{server} rejected the message: {e}"));
    }
    let text = e.to_string();
    if e.is_client() && text.contains("authentication mechanism") {
        return ConnectorError::Auth(format!(
            "{server} offers no login method we support (PLAIN or LOGIN); \
             check the security setting: {text}"
        ));
    }
    if e.is_timeout() {
        return timed_out(cfg);
    }
    if e.is_tls() {
        return ConnectorError::Transient(format!("TLS with the {server} failed: {text}"));
    }
    ConnectorError::Transient(format!("could not talk to the {server}: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OutboundAttachment;

    fn cfg() -> SmtpConfig {
        let mut cfg = SmtpConfig::new("smtp.example.com", 587, "support@shop.example");
        cfg.from_name = Some("Shop Support".into());
        cfg.password = Some("hunter2".into());
        cfg
    }

    fn outbound() -> Outbound {
        Outbound {
            message_id: "outbox-1@aftersail.test".into(),
            to: "buyer@example.org".into(),
            subject: "Re: Rücksendung".into(),
            body_text: "Hallo".into(),
            references: vec!["a@x".into(), "b@x".into()],
            ..Outbound::default()
        }
    }

    #[test]
    fn threading_headers_are_set() {
        let text =
            String::from_utf8(build_message(&cfg(), &outbound()).unwrap().formatted()).unwrap();
        assert!(
            text.contains("Message-ID: <outbox-1@aftersail.test>"),
            "{text}"
        );
        assert!(text.contains("In-Reply-To: <b@x>"), "{text}");
        assert!(text.contains("References: <a@x> <b@x>"), "{text}");
    }

    #[test]
    fn attachments_make_a_mixed_multipart() {
        let mut out = outbound();
        out.attachments.push(OutboundAttachment {
            filename: "label.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4".to_vec(),
        });
        let text = String::from_utf8(build_message(&cfg(), &out).unwrap().formatted()).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("label.pdf"), "{text}");
    }

    #[test]
    fn bad_addresses_are_permanent_and_say_which() {
        let mut out = outbound();
        out.to = "not an address".into();
        let err = build_message(&cfg(), &out).unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Permanent(m) if m.contains("recipient")),
            "{err:?}"
        );
        let mut bad_from = cfg();
        bad_from.from_address = "support@".into();
        let err = build_message(&bad_from, &outbound()).unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Permanent(m) if m.contains("sender")),
            "{err:?}"
        );
    }

    #[test]
    fn control_characters_never_reach_a_header() {
        let mut cfg = cfg();
        cfg.from_name = Some("Shop\r\nBcc: victim@elsewhere.example\r\nX-Injected: 1".into());
        let mut out = outbound();
        out.subject = "Re: Hi\r\nBcc: victim@elsewhere.example".into();
        out.attachments.push(OutboundAttachment {
            filename: "label\r\nX-Injected: 1.pdf".into(),
            content_type: "application/pdf\r\nX-Injected: 1".into(),
            bytes: b"%PDF-1.4".to_vec(),
        });
        let text = String::from_utf8(build_message(&cfg, &out).unwrap().formatted()).unwrap();
        for line in text.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            assert!(
                !lower.starts_with("bcc:") && !lower.starts_with("x-injected"),
                "{line:?} in {text}"
            );
        }
        assert_eq!(
            text.matches("\r\nFrom: ").count() + usize::from(text.starts_with("From: ")),
            1
        );
        assert_eq!(display_name(Some(" \r\n ")), None);
        assert_eq!(display_name(None), None);

        let mut out = outbound();
        out.to = "Eve\r\nBcc: victim@elsewhere.example <eve@example.org>".into();
        assert!(matches!(
            build_message(&cfg, &out),
            Err(ConnectorError::Permanent(_))
        ));
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", cfg()).contains("hunter2"));
    }
}
