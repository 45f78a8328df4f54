//! What every HTTP connector says when a request got no (whole) answer: a connect error, a
//! timeout, a body cut off. Always retryable. The URL is left out of the message: it can
//! carry a signature, a token or a pre-signed document address.

use crate::ConnectorError;

/// `"{platform} {what} timed out: …"` and the like, as a `Transient` error.
pub fn failed(platform: &str, what: &str, e: &reqwest::Error) -> ConnectorError {
    ConnectorError::Transient(describe(platform, what, e))
}

/// The wording of [`failed`] on its own, for callers with their own error types.
pub fn describe(platform: &str, what: &str, e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed in transit"
    };
    let detail = match e.url() {
        Some(url) => e.to_string().replace(url.as_str(), "<url>"),
        None => e.to_string(),
    };
    format!("{platform} {what} {kind}: {detail}")
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_url_stays_out_of_the_message() {
        let e = reqwest::Client::new()
            .get("http://127.0.0.1:1/path?sign=s3cret")
            .send()
            .await
            .unwrap_err();
        let crate::ConnectorError::Transient(message) =
            super::failed("Shopee", "get_order_list", &e)
        else {
            panic!("a transport failure is transient");
        };
        assert!(
            message.starts_with("Shopee get_order_list could not connect"),
            "{message}"
        );
        assert!(!message.contains("s3cret"), "{message}");
    }
}
