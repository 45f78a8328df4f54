//! Amazon SQS, the queue SP-API notifications arrive in: [`SqsClient`] long-polls it
//! (`ReceiveMessage`) and deletes what was handled (`DeleteMessageBatch`), speaking the AWS
//! JSON protocol (`POST /`, `Content-Type: application/x-amz-json-1.0`,
//! `X-Amz-Target: AmazonSQS.<Action>`) signed with [`sigv4`] for service
//! `sqs`. [`notification`] turns a received message into a webhook delivery: SP-API writes
//! the notification JSON itself as the message body.
//!
//! A received message stays in the queue, invisible for the queue's visibility timeout
//! (or [`SqsConfig::visibility_timeout`]), and comes back unless it is deleted: store it
//! first, then delete it. Redeliveries carry the same notification id, which is the
//! delivery id.
//!
//! Errors: AWS's `__type` `InvalidClientTokenId`, `UnrecognizedClientException`,
//! `SignatureDoesNotMatch`, `AccessDenied…`, `ExpiredToken…`, `MissingAuthenticationToken`
//! and HTTP 401/403 → `Auth`; `…Throttl…` (`ThrottlingException`, `RequestThrottled`,
//! `KmsThrottled`), `OverLimit` and HTTP 429 → `RateLimited` (`Retry-After`, else
//! [`THROTTLE_WAIT`]); 5xx, timeouts, connection errors and answers that are not the
//! expected JSON → `Transient`; any other 4xx → `Permanent` with AWS's message. The
//! secret and the session token never appear in errors or `Debug` output.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{json, Value};

use super::client::{retry_after_header, snippet};
use super::sigv4::{self, Credentials};
use crate::json::text;
use crate::{ConnectorError, WebhookDelivery};

/// The longest long-poll SQS allows.
pub const MAX_WAIT: Duration = Duration::from_secs(20);
/// Messages per `ReceiveMessage` and entries per `DeleteMessageBatch`.
pub const MAX_BATCH: usize = 10;
/// How long to back off after throttling when AWS does not say.
pub const THROTTLE_WAIT: Duration = Duration::from_secs(2);
/// The longest visibility timeout SQS takes (12 hours).
pub const MAX_VISIBILITY: Duration = Duration::from_secs(43_200);

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Where the queue is and the IAM credentials that may read it.
#[derive(Clone)]
pub struct SqsConfig {
    /// `https://sqs.<region>.amazonaws.com/<account>/<queue>`, as SQS names it.
    pub queue_url: String,
    /// The queue's region; `None`: read from the queue URL's host.
    pub region: Option<String>,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// For temporary (STS) credentials.
    pub session_token: Option<String>,
    /// Where requests go instead of `https://sqs.<region>.amazonaws.com/` (tests,
    /// VPC endpoints).
    pub endpoint: Option<String>,
    /// Sent as `VisibilityTimeout` (whole seconds, at most 12 h); `None`: the queue's.
    pub visibility_timeout: Option<Duration>,
    /// Per-request time allowed beyond the long-poll wait.
    pub timeout: Duration,
}

impl fmt::Debug for SqsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqsConfig")
            .field("queue_url", &self.queue_url)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("endpoint", &self.endpoint)
            .field("visibility_timeout", &self.visibility_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SqsConfig {
    /// A queue read with long-lived credentials; region from the URL, the queue's own
    /// visibility timeout, 10 s allowed beyond each wait.
    pub fn new(queue_url: &str, access_key_id: &str, secret_access_key: &str) -> Self {
        Self {
            queue_url: queue_url.trim().to_owned(),
            region: None,
            access_key_id: access_key_id.trim().to_owned(),
            secret_access_key: secret_access_key.trim().to_owned(),
            session_token: None,
            endpoint: None,
            visibility_timeout: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Reads the queue settings of an Amazon channel.
    ///
    /// Settings: `sqs_queue_url` (required), `sqs_region` (default: from the URL),
    /// `sqs_endpoint` (default `https://sqs.<region>.amazonaws.com/`),
    /// `sqs_visibility_timeout_seconds` (0–43200, default: the queue's).
    /// Secrets: `aws_access_key_id` and `aws_secret_access_key` (required),
    /// `aws_session_token`.
    pub fn from_json(settings: &Value, secrets: &Value) -> Result<Self, String> {
        let required = |v: &Value, key: &str, what: &str| {
            text(v, &format!("/{key}"))
                .ok_or_else(|| format!("{what} ({key}) is missing"))
                .map(str::to_owned)
        };
        let mut config = Self::new(
            &required(settings, "sqs_queue_url", "the SQS queue URL")?,
            &required(secrets, "aws_access_key_id", "the AWS access key id")?,
            &required(
                secrets,
                "aws_secret_access_key",
                "the AWS secret access key",
            )?,
        );
        config.session_token = text(secrets, "/aws_session_token").map(str::to_owned);
        config.region = text(settings, "/sqs_region").map(str::to_owned);
        config.endpoint = text(settings, "/sqs_endpoint").map(str::to_owned);
        config.visibility_timeout = match settings.get("sqs_visibility_timeout_seconds") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(s) if s <= MAX_VISIBILITY.as_secs() => Some(Duration::from_secs(s)),
                _ => {
                    return Err(format!(
                        "sqs_visibility_timeout_seconds must be a whole number from 0 to 43200, not {v}"
                    ))
                }
            },
        };
        config.region()?;
        config.endpoint()?;
        Ok(config)
    }

    /// The explicit region, else the one in the queue URL's host
    /// (`sqs.<region>.amazonaws.com[.cn]` or the legacy `<region>.queue.amazonaws.com`).
    pub fn region(&self) -> Result<String, String> {
        if let Some(region) = self
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            return Ok(region.to_owned());
        }
        let url = url::Url::parse(&self.queue_url)
            .map_err(|e| format!("the SQS queue URL {:?} is not a URL: {e}", self.queue_url))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        let region = match labels.as_slice() {
            ["sqs", region, "amazonaws", "com"] | ["sqs", region, "amazonaws", "com", "cn"] => {
                Some(*region)
            }
            [region, "queue", "amazonaws", "com"] => Some(*region),
            _ => None,
        };
        region
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                format!("no region in the SQS queue URL host {host:?}: set the region (sqs_region)")
            })
    }

    /// The URL requests are posted to.
    pub fn endpoint(&self) -> Result<url::Url, String> {
        let endpoint = match self
            .endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => e.to_owned(),
            None => {
                let region = self.region()?;
                let suffix = if region.starts_with("cn-") { ".cn" } else { "" };
                format!("https://sqs.{region}.amazonaws.com{suffix}/")
            }
        };
        let url = url::Url::parse(&endpoint)
            .map_err(|e| format!("the SQS endpoint {endpoint:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "the SQS endpoint {endpoint:?} is not an http(s) URL"
            ));
        }
        Ok(url)
    }
}

/// One received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsMessage {
    /// SQS's `MessageId`.
    pub id: String,
    /// The `ReceiptHandle` that deletes this receipt of the message.
    pub receipt: String,
    pub body: String,
}

/// The SQS queue of one seller account.
#[derive(Debug)]
pub struct SqsClient {
    http: reqwest::Client,
    credentials: Credentials,
    queue_url: String,
    region: String,
    endpoint: url::Url,
    /// The `Host` header as sent: host, and port when not the scheme's default.
    host: String,
    visibility_timeout: Option<Duration>,
    timeout: Duration,
}

impl SqsClient {
    /// Checks the configuration (region, endpoint, credentials present); a bad one is a
    /// `Permanent` error.
    pub fn new(config: SqsConfig, http: reqwest::Client) -> Result<Self, ConnectorError> {
        let bad = |m: String| ConnectorError::Permanent(format!("Amazon SQS: {m}"));
        let region = config.region().map_err(bad)?;
        let endpoint = config.endpoint().map_err(bad)?;
        if config.access_key_id.is_empty() || config.secret_access_key.is_empty() {
            return Err(bad("the AWS access key id and secret are needed".into()));
        }
        if config.queue_url.is_empty() {
            return Err(bad("the queue URL is missing".into()));
        }
        let mut host = endpoint.host_str().unwrap_or_default().to_owned();
        if let Some(port) = endpoint.port() {
            host.push_str(&format!(":{port}"));
        }
        Ok(Self {
            http,
            credentials: Credentials {
                access_key_id: config.access_key_id,
                secret_access_key: config.secret_access_key,
                session_token: config.session_token.filter(|t| !t.trim().is_empty()),
            },
            queue_url: config.queue_url,
            region,
            endpoint,
            host,
            visibility_timeout: config.visibility_timeout.map(|v| v.min(MAX_VISIBILITY)),
            timeout: config.timeout,
        })
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `ReceiveMessage`: up to `max` messages (clamped to 1–10), waiting up to `wait`
    /// (whole seconds, at most 20) for the first to arrive; empty when none did.
    pub async fn receive(
        &self,
        max: u8,
        wait: Duration,
    ) -> Result<Vec<SqsMessage>, ConnectorError> {
        let wait = wait.min(MAX_WAIT);
        let mut body = json!({
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max.clamp(1, MAX_BATCH as u8),
            "WaitTimeSeconds": wait.as_secs(),
        });
        if let Some(visibility) = self.visibility_timeout {
            body["VisibilityTimeout"] = json!(visibility.as_secs());
        }
        let answer = self.call("ReceiveMessage", &body, wait).await?;
        let messages = match answer.get("Messages") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(list)) => list,
            Some(_) => return Err(malformed("ReceiveMessage", "Messages is not a list")),
        };
        messages
            .iter()
            .map(|m| {
                let field = |name: &str| {
                    m.get(name)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            malformed("ReceiveMessage", &format!("a message without {name}"))
                        })
                };
                Ok(SqsMessage {
                    id: field("MessageId")?,
                    receipt: field("ReceiptHandle")?,
                    body: field("Body")?,
                })
            })
            .collect()
    }

    /// `DeleteMessageBatch` for every receipt, ten per call. Entries SQS reports as not
    /// deleted (or does not report) make one error naming how many failed, after every
    /// batch was tried; a refused call stops at that batch (earlier batches are deleted;
    /// deleting them again is harmless).
    pub async fn delete(&self, receipts: &[String]) -> Result<(), ConnectorError> {
        let mut failed = 0usize;
        let mut first_failure: Option<String> = None;
        let mut sender_fault_only = true;
        for chunk in receipts.chunks(MAX_BATCH) {
            // Ids need only be unique within one batch: its indexes are.
            let entries: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, receipt)| json!({"Id": i.to_string(), "ReceiptHandle": receipt}))
                .collect();
            let body = json!({"QueueUrl": self.queue_url, "Entries": entries});
            let answer = self
                .call("DeleteMessageBatch", &body, Duration::ZERO)
                .await?;
            if !answer.is_object() {
                return Err(malformed("DeleteMessageBatch", "not a JSON object"));
            }
            let list = |key: &str| -> Vec<&Value> {
                answer
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|l| l.iter().collect())
                    .unwrap_or_default()
            };
            let deleted: Vec<&str> = list("Successful")
                .iter()
                .filter_map(|e| e.get("Id").and_then(Value::as_str))
                .collect();
            let refused = list("Failed");
            for entry in &refused {
                if entry.get("SenderFault").and_then(Value::as_bool) != Some(true) {
                    sender_fault_only = false;
                }
                if first_failure.is_none() {
                    let part = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
                    first_failure = Some(format!("{}: {}", part("Code"), part("Message")));
                }
            }
            for i in 0..chunk.len() {
                let id = i.to_string();
                if deleted.contains(&id.as_str()) {
                    continue;
                }
                failed += 1;
                let was_refused = refused
                    .iter()
                    .any(|e| e.get("Id").and_then(Value::as_str) == Some(id.as_str()));
                if !was_refused {
                    // Neither deleted nor refused: SQS's answer is incomplete.
                    sender_fault_only = false;
                    first_failure.get_or_insert_with(|| "not in SQS's answer".into());
                }
            }
        }
        if failed == 0 {
            return Ok(());
        }
        let message = format!(
            "Amazon SQS DeleteMessageBatch: {failed} of {} messages were not deleted ({})",
            receipts.len(),
            first_failure.unwrap_or_default()
        );
        Err(if sender_fault_only {
            ConnectorError::Permanent(message)
        } else {
            ConnectorError::Transient(message)
        })
    }

    /// One signed JSON-protocol call; `wait` is the long-poll time the answer may take.
    async fn call(
        &self,
        action: &str,
        body: &Value,
        wait: Duration,
    ) -> Result<Value, ConnectorError> {
        let payload = serde_json::to_vec(body)
            .map_err(|e| ConnectorError::Permanent(format!("Amazon SQS {action}: {e}")))?;
        let target = format!("AmazonSQS.{action}");
        let signature = sigv4::sign(
            &self.credentials,
            &self.region,
            "sqs",
            chrono::Utc::now(),
            &sigv4::Request {
                method: "POST",
                host: &self.host,
                path: self.endpoint.path(),
                query: &[],
                headers: &[("content-type", CONTENT_TYPE), ("x-amz-target", &target)],
                body: &payload,
            },
        );
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .timeout(wait + self.timeout)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("x-amz-target", &target);
        for (name, value) in &signature.headers {
            request = request.header(*name, value);
        }
        let response = request
            .body(payload)
            .send()
            .await
            .map_err(|e| crate::transport::failed("Amazon SQS", action, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| crate::transport::failed("Amazon SQS", action, &e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                malformed(
                    action,
                    &format!("not valid JSON ({e}): {}", snippet(&bytes)),
                )
            });
        }
        Err(self.error(action, status.as_u16(), &headers, &bytes))
    }

    /// The error for a refused call, with the secret and token scrubbed from AWS's text
    /// (a `SignatureDoesNotMatch` message can quote the canonical request).
    fn error(&self, action: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> ConnectorError {
        let mut error = error_for(action, status, headers, body);
        let scrub = |m: &mut String| {
            for secret in [
                Some(&self.credentials.secret_access_key),
                self.credentials.session_token.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                *m = m.replace(secret.as_str(), "<redacted>");
            }
        };
        match &mut error {
            ConnectorError::Auth(m)
            | ConnectorError::Transient(m)
            | ConnectorError::Permanent(m) => scrub(m),
            ConnectorError::RateLimited { .. } => {}
        }
        error
    }
}

/// Maps a non-2xx answer by AWS's error type (`__type`, else the `x-amzn-ErrorType`
/// header) and status.
fn error_for(action: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> ConnectorError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let field = |k: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let kind = field("__type")
        .or_else(|| field("code"))
        .or_else(|| {
            headers
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(':').next().unwrap_or(v).trim())
        })
        .unwrap_or("");
    // `com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`.
    let short = kind.rsplit('#').next().unwrap_or(kind);
    let message = field("message").or_else(|| field("Message"));
    let detail = match (short.is_empty(), message) {
        (false, Some(m)) => format!("{short}: {m}"),
        (false, None) => short.to_owned(),
        (true, Some(m)) => m.to_owned(),
        (true, None) => {
            let s = snippet(body);
            if s.is_empty() {
                "no details".into()
            } else {
                s
            }
        }
    };
    let detail = snippet(detail.as_bytes());
    const AUTH: [&str; 6] = [
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "ExpiredToken",
        "MissingAuthenticationToken",
    ];
    if kind.contains("Throttl") || kind.contains("OverLimit") || status == 429 {
        ConnectorError::RateLimited {
            retry_after: retry_after_header(headers).unwrap_or(THROTTLE_WAIT),
        }
    } else if AUTH.iter().any(|a| kind.contains(a)) || status == 401 || status == 403 {
        ConnectorError::Auth(format!(
            "Amazon SQS {action}: credentials refused (HTTP {status}: {detail}); check the access key and the queue's policy"
        ))
    } else if status >= 500 {
        ConnectorError::Transient(format!(
            "Amazon SQS {action}: failed on Amazon's side (HTTP {status}: {detail})"
        ))
    } else {
        ConnectorError::Permanent(format!(
            "Amazon SQS {action}: refused (HTTP {status}: {detail})"
        ))
    }
}

fn malformed(action: &str, what: &str) -> ConnectorError {
    ConnectorError::Transient(format!("Amazon SQS {action}: unexpected answer: {what}"))
}

/// The webhook delivery of a received SP-API notification and its body (the message body
/// as is): id = `NotificationMetadata.NotificationId` (same for redeliveries), else the
/// SQS message id; topic = `NotificationType`. Either spelling (`notificationType`) is read.
/// A body that is not a notification is `Permanent`: it will never become one.
pub fn notification(message: &SqsMessage) -> Result<(WebhookDelivery, Vec<u8>), ConnectorError> {
    let refused = |what: &str| {
        ConnectorError::Permanent(format!("Amazon SQS message {}: {what}", message.id))
    };
    let v: Value = serde_json::from_str(&message.body)
        .map_err(|e| refused(&format!("the body is not JSON ({e})")))?;
    if !v.is_object() {
        return Err(refused("the body is not a JSON object"));
    }
    let first = |paths: &[&str]| paths.iter().find_map(|p| text(&v, p)).map(str::to_owned);
    let topic = first(&["/NotificationType", "/notificationType"])
        .ok_or_else(|| refused("no NotificationType"))?;
    let id = first(&[
        "/NotificationMetadata/NotificationId",
        "/notificationMetadata/notificationId",
    ])
    .unwrap_or_else(|| message.id.clone());
    Ok((
        WebhookDelivery { id, topic },
        message.body.as_bytes().to_vec(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> SqsConfig {
        SqsConfig::new(url, "AKID", "secret")
    }

    #[test]
    fn the_region_comes_from_the_queue_url_unless_given() {
        for (url, region) in [
            (
                "https://sqs.eu-west-1.amazonaws.com/123456789012/notes",
                "eu-west-1",
            ),
            (
                "https://sqs.cn-north-1.amazonaws.com.cn/123/q",
                "cn-north-1",
            ),
            ("https://us-west-2.queue.amazonaws.com/123/q", "us-west-2"),
        ] {
            assert_eq!(config(url).region().unwrap(), region, "{url}");
        }
        let mut c = config("http://127.0.0.1:9324/000000000000/q");
        assert!(c.region().unwrap_err().contains("sqs_region"));
        c.region = Some("ap-southeast-2".into());
        assert_eq!(c.region().unwrap(), "ap-southeast-2");
        assert!(config("not a url").region().is_err());
    }

    #[test]
    fn the_endpoint_is_the_regional_one_unless_given() {
        let c = config("https://sqs.eu-west-1.amazonaws.com/123/q");
        assert_eq!(
            c.endpoint().unwrap().as_str(),
            "https://sqs.eu-west-1.amazonaws.com/"
        );
        let c = config("https://sqs.cn-north-1.amazonaws.com.cn/123/q");
        assert_eq!(
            c.endpoint().unwrap().as_str(),
            "https://sqs.cn-north-1.amazonaws.com.cn/"
        );
        let mut c = config("https://sqs.eu-west-1.amazonaws.com/123/q");
        c.endpoint = Some("http://127.0.0.1:4566".into());
        assert_eq!(c.endpoint().unwrap().as_str(), "http://127.0.0.1:4566/");
        c.endpoint = Some("ftp://x".into());
        assert!(c.endpoint().is_err());
        let client = SqsClient::new(c, reqwest::Client::new()).unwrap_err();
        assert!(matches!(client, ConnectorError::Permanent(_)));
    }

    #[test]
    fn errors_map_by_type_and_status() {
        let h = HeaderMap::new();
        let body = |t: &str| format!(r#"{{"__type":"{t}","message":"m"}}"#).into_bytes();
        let e = |s, t: &str| error_for("ReceiveMessage", s, &h, &body(t));
        assert!(matches!(
            e(400, "com.amazon.coral.service#InvalidClientTokenId"),
            ConnectorError::Auth(_)
        ));
        assert!(matches!(
            e(400, "com.amazon.coral.service#UnrecognizedClientException"),
            ConnectorError::Auth(_)
        ));
        assert!(matches!(
            e(400, "com.amazon.coral.service#ExpiredTokenException"),
            ConnectorError::Auth(_)
        ));
        assert!(matches!(
            e(400, "com.amazonaws.sqs#KmsAccessDenied"),
            ConnectorError::Auth(_)
        ));
        assert!(
            matches!(e(400, "com.amazon.coral.availability#ThrottlingException"), ConnectorError::RateLimited { retry_after } if retry_after == THROTTLE_WAIT)
        );
        assert!(matches!(
            e(400, "com.amazonaws.sqs#RequestThrottled"),
            ConnectorError::RateLimited { .. }
        ));
        assert!(matches!(
            e(503, "com.amazonaws.sqs#ServiceUnavailable"),
            ConnectorError::Transient(_)
        ));
        let ConnectorError::Permanent(m) = e(400, "com.amazonaws.sqs#QueueDoesNotExist") else {
            panic!("a missing queue is permanent");
        };
        assert_eq!(
            m,
            "Amazon SQS ReceiveMessage: refused (HTTP 400: QueueDoesNotExist: m)"
        );
        let mut h = HeaderMap::new();
        h.insert(
            "x-amzn-errortype",
            "AccessDeniedException:http://internal".parse().unwrap(),
        );
        assert!(matches!(
            error_for("X", 400, &h, b""),
            ConnectorError::Auth(_)
        ));
        assert!(
            matches!(error_for("X", 502, &HeaderMap::new(), b"<html>"), ConnectorError::Transient(m) if m.contains("<html>"))
        );
    }

    #[test]
    fn settings_json() {
        let settings = json!({"sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/1/q", "sqs_visibility_timeout_seconds": 60});
        let secrets = json!({"aws_access_key_id": "AKID", "aws_secret_access_key": "s3cr3t", "aws_session_token": "tok"});
        let c = SqsConfig::from_json(&settings, &secrets).unwrap();
        assert_eq!(c.region().unwrap(), "us-east-1");
        assert_eq!(c.visibility_timeout, Some(Duration::from_secs(60)));
        assert_eq!(c.session_token.as_deref(), Some("tok"));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("tok\""),
            "{shown}"
        );
        let err = SqsConfig::from_json(&json!({}), &secrets).unwrap_err();
        assert_eq!(err, "the SQS queue URL (sqs_queue_url) is missing");
        let err = SqsConfig::from_json(&settings, &json!({"aws_access_key_id": "A"})).unwrap_err();
        assert_eq!(
            err,
            "the AWS secret access key (aws_secret_access_key) is missing"
        );
        let err = SqsConfig::from_json(&json!({"sqs_queue_url": "http://localhost/1/q"}), &secrets)
            .unwrap_err();
        assert!(err.contains("sqs_region"), "{err}");
        let err = SqsConfig::from_json(&json!({"sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/1/q", "sqs_visibility_timeout_seconds": 50000}), &secrets).unwrap_err();
        assert!(err.contains("43200"), "{err}");
    }
}
