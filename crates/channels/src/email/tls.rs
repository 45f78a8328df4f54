//! TLS for the mail connectors: which kind of connection to open, and the rustls client
//! configuration both IMAP and SMTP trust.

use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// How the connection to a mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    #[default]
    Tls,
    /// A plain connection upgraded with STARTTLS before logging in (IMAP 143, submission 587).
    StartTls,
    /// No encryption at all. Only for local test servers and trusted networks.
    Plain,
}

/// The certificates in `pem` (one or more `CERTIFICATE` blocks), or a message saying why not.
pub(crate) fn pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the extra root certificate is not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the extra root certificate holds no CERTIFICATE block".into());
    }
    Ok(certs)
}

/// A client configuration trusting the webpki (Mozilla) roots plus `extra_root_pem`, using the
/// ring provider explicitly so nothing depends on a process-wide default provider.
pub fn client_config(extra_root_pem: Option<&str>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = extra_root_pem {
        for cert in pem_certificates(pem)? {
            roots
                .add(cert)
                .map_err(|e| format!("the extra root certificate cannot be used: {e}"))?;
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webpki_roots_alone_build() {
        assert!(client_config(None).is_ok());
    }

    #[test]
    fn garbage_pem_is_refused_with_a_message() {
        let err = client_config(Some("not a certificate")).unwrap_err();
        assert!(err.contains("extra root certificate"), "{err}");
    }
}
