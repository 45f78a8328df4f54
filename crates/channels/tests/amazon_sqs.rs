//! The Amazon SQS client against a local SQS that re-verifies every request's Signature
//! Version 4 — recomputed in this file with hmac/sha2, independently of the client's
//! signer — checks the JSON-protocol headers and bodies, keeps a queue whose received
//! messages come back unless deleted, long-polls, deletes by receipt handle and answers
//! scripted faults. The queued bodies are the examples of the published SP-API
//! notification schemas (`../shared/fixtures/amazon/*Notification.json`).

mod contract;

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aftersail_channels::amazon::parse_notification;
use aftersail_channels::amazon::sqs::{
    notification, SqsClient, SqsConfig, SqsMessage, THROTTLE_WAIT,
};
use aftersail_channels::{kinds, ConnectorError, WebhookAction, WebhookDelivery};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "mock/Secret+Key=0123456789abcdefghijKLMN";
const REGION: &str = "eu-west-1";
const QUEUE_URL: &str = "https://sqs.eu-west-1.amazonaws.com/123456789012/sp-api-notifications";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE//session+token==";
const ORDER_NOTIFICATION_ID: &str = "d0e9e693-c3ad-4373-979f-ed4ec98dd746";

/// An answer a test scripts for the next request, instead of the queue's own.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// 400 `InvalidClientTokenId`, what SQS says to an unknown or revoked key.
    InvalidToken,
    /// 400 `ThrottlingException`.
    Throttling,
    /// 429 with `Retry-After: 3`.
    TooMany,
    /// 500 `InternalFailure`.
    ServerError,
    /// 200 with a body cut off mid-JSON.
    Malformed,
    /// 200 `{}`: no messages, and no word on deletions.
    Empty,
    /// 200 with a message that lacks its receipt handle and body.
    Incomplete,
    /// No answer for 2 s.
    Hang,
    /// 400 `QueueDoesNotExist`.
    NoSuchQueue,
}

struct Message {
    id: String,
    body: String,
    receipt: Option<String>,
    visible_at: Instant,
}

#[derive(Default)]
struct Queue {
    messages: Vec<Message>,
    faults: VecDeque<Fault>,
    /// The session token requests must carry and sign.
    token: Option<String>,
    issued: u64,
    /// `(X-Amz-Target, JSON body)` of every request that passed the signature check.
    calls: Vec<(String, Value)>,
    delete_batches: Vec<usize>,
    /// Why requests were refused at the signature check (the text AWS would answer).
    rejected: Vec<String>,
    /// Requests a correct client never sends (bad target, ids, sizes, content type).
    violations: Vec<String>,
}

type Shared = Arc<Mutex<Queue>>;

#[derive(Clone)]
struct Sqs {
    base: String,
    state: Shared,
}

impl Sqs {
    async fn start() -> Self {
        let state = Shared::default();
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { base, state }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Queue) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    /// Queues a message; its SQS message id.
    fn push(&self, body: &str) -> String {
        self.with(|q| {
            q.issued += 1;
            let id = format!("5fea7756-0ea4-451a-a703-{:012x}", q.issued);
            q.messages.push(Message {
                id: id.clone(),
                body: body.to_owned(),
                receipt: None,
                visible_at: Instant::now(),
            });
            id
        })
    }

    fn fault(&self, fault: Fault) {
        self.with(|q| q.faults.push_back(fault));
    }

    /// The queue's settings, the region left to be read from the queue URL.
    fn config(&self) -> SqsConfig {
        let mut config = SqsConfig::new(QUEUE_URL, ACCESS_KEY, SECRET);
        config.endpoint = Some(self.base.clone());
        config
    }

    fn client(&self, config: SqsConfig) -> SqsClient {
        SqsClient::new(config, reqwest::Client::new()).unwrap()
    }

    fn assert_clean(&self) {
        self.with(|q| assert!(q.violations.is_empty(), "{:?}", q.violations));
    }
}

fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"__type": kind, "message": message}).to_string();
    (
        status,
        [("content-type", "application/x-amz-json-1.0")],
        body,
    )
        .into_response()
}

fn answer(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/x-amz-json-1.0")],
        v.to_string(),
    )
        .into_response()
}

async fn handle(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fault = state.lock().unwrap().faults.pop_front();
    if let Some(fault) = fault {
        return fault_answer(fault).await;
    }
    let token = state.lock().unwrap().token.clone();
    if let Err((kind, why)) = verify(token.as_deref(), &method, &uri, &headers, &body) {
        state.lock().unwrap().rejected.push(why.clone());
        return aws_error(StatusCode::BAD_REQUEST, kind, &why);
    }
    let violation = |what: String| {
        state.lock().unwrap().violations.push(what.clone());
        aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.sqs#InvalidParameterValue",
            &what,
        )
    };
    if method != Method::POST || uri.path() != "/" {
        return violation(format!("{method} {uri}"));
    }
    if header(&headers, "content-type").as_deref() != Some("application/x-amz-json-1.0") {
        return violation(format!(
            "content type {:?}",
            header(&headers, "content-type")
        ));
    }
    let target = header(&headers, "x-amz-target").unwrap_or_default();
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return violation("the body is not JSON".into());
    };
    if request["QueueUrl"] != QUEUE_URL {
        state
            .lock()
            .unwrap()
            .violations
            .push(format!("queue {}", request["QueueUrl"]));
        return aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.sqs#QueueDoesNotExist",
            "The specified queue does not exist.",
        );
    }
    state
        .lock()
        .unwrap()
        .calls
        .push((target.clone(), request.clone()));
    match target.as_str() {
        "AmazonSQS.ReceiveMessage" => receive(&state, &request).await,
        "AmazonSQS.DeleteMessageBatch" => delete(&state, &request),
        other => {
            state
                .lock()
                .unwrap()
                .violations
                .push(format!("target {other:?}"));
            aws_error(
                StatusCode::BAD_REQUEST,
                "com.amazon.coral.service#UnknownOperationException",
                "",
            )
        }
    }
}

async fn fault_answer(fault: Fault) -> Response {
    match fault {
        Fault::InvalidToken => aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazon.coral.service#InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        Fault::Throttling => aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazon.coral.availability#ThrottlingException",
            "Rate exceeded",
        ),
        Fault::TooMany => {
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "3")], "").into_response()
        }
        Fault::ServerError => aws_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "com.amazon.coral.service#InternalFailure",
            "We encountered an internal error. Please try again.",
        ),
        Fault::Malformed => (
            StatusCode::OK,
            [("content-type", "application/x-amz-json-1.0")],
            r#"{"Messages":[{"MessageId":"x","Rece"#,
        )
            .into_response(),
        Fault::Empty => answer(json!({})),
        Fault::Incomplete => answer(json!({"Messages": [{"MessageId": "x"}]})),
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            answer(json!({}))
        }
        Fault::NoSuchQueue => aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.sqs#QueueDoesNotExist",
            "The specified queue does not exist.",
        ),
    }
}

/// `ReceiveMessage`: visible messages up to the maximum, hidden for the visibility timeout
/// (0 unless asked: undeleted messages come straight back); none before the wait is over
/// → `{}`.
async fn receive(state: &Shared, request: &Value) -> Response {
    let max = request["MaxNumberOfMessages"].as_u64().unwrap_or(1);
    let wait = request["WaitTimeSeconds"].as_u64().unwrap_or(0);
    let visibility = request.get("VisibilityTimeout").map(|v| v.as_u64());
    if !(1..=10).contains(&max)
        || wait > 20
        || matches!(visibility, Some(None) | Some(Some(43_201..)))
    {
        state
            .lock()
            .unwrap()
            .violations
            .push(format!("receive {request}"));
        return aws_error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.sqs#InvalidParameterValue",
            "",
        );
    }
    let hidden_for = Duration::from_secs(visibility.flatten().unwrap_or(0));
    let deadline = Instant::now() + Duration::from_secs(wait);
    loop {
        {
            let mut q = state.lock().unwrap();
            let now = Instant::now();
            let mut issued = q.issued;
            let mut out = Vec::new();
            for m in q
                .messages
                .iter_mut()
                .filter(|m| m.visible_at <= now)
                .take(max as usize)
            {
                issued += 1;
                let receipt = format!("AQEB{}-{issued}", m.id);
                m.receipt = Some(receipt.clone());
                m.visible_at = now + hidden_for;
                out.push(json!({"MessageId": m.id, "ReceiptHandle": receipt, "MD5OfBody": "-", "Body": m.body}));
            }
            q.issued = issued;
            if !out.is_empty() {
                return answer(json!({ "Messages": out }));
            }
        }
        if Instant::now() >= deadline {
            return answer(json!({}));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `DeleteMessageBatch`: 1–10 entries with distinct ids matching `^[A-Za-z0-9_-]{1,80}$`;
/// an entry whose receipt handle is not a message's latest one fails.
fn delete(state: &Shared, request: &Value) -> Response {
    let mut q = state.lock().unwrap();
    let entries = request["Entries"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| e["Id"].as_str().unwrap_or(""))
        .collect();
    let valid = |id: &str| {
        (1..=80).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let problem = if entries.is_empty() {
        Some("com.amazonaws.sqs#EmptyBatchRequest")
    } else if entries.len() > 10 {
        Some("com.amazonaws.sqs#TooManyEntriesInBatchRequest")
    } else if !ids.iter().all(|id| valid(id)) {
        Some("com.amazonaws.sqs#InvalidBatchEntryId")
    } else if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        Some("com.amazonaws.sqs#BatchEntryIdsNotDistinct")
    } else {
        None
    };
    if let Some(kind) = problem {
        q.violations.push(format!("{kind}: {request}"));
        return aws_error(StatusCode::BAD_REQUEST, kind, "");
    }
    q.delete_batches.push(entries.len());
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for entry in &entries {
        let handle = entry["ReceiptHandle"].as_str().unwrap_or("");
        match q.messages.iter().position(|m| m.receipt.as_deref() == Some(handle)) {
            Some(i) => {
                q.messages.remove(i);
                successful.push(json!({"Id": entry["Id"]}));
            }
            None => failed.push(json!({
                "Id": entry["Id"], "SenderFault": true, "Code": "ReceiptHandleIsInvalid",
                "Message": format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
            })),
        }
    }
    answer(json!({"Successful": successful, "Failed": failed}))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Checks the request's `Authorization` as SQS would, from what arrived on the wire; the
/// error is the `__type` and message SQS would answer.
fn verify(
    token: Option<&str>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), (&'static str, String)> {
    let refuse = |why: String| ("com.amazon.coral.service#SignatureDoesNotMatch", why);
    let authorization = header(headers, "authorization").ok_or((
        "com.amazon.coral.service#MissingAuthenticationToken",
        "Request is missing Authentication Token".to_owned(),
    ))?;
    let fields = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| refuse(format!("unknown algorithm in {authorization:?}")))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in fields.split(", ") {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(refuse(format!("unexpected {part:?} in Authorization"))),
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(refuse(format!(
            "incomplete Authorization {authorization:?}"
        )));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = scope[..] else {
        return Err(refuse(format!("bad credential {credential:?}")));
    };
    if key != ACCESS_KEY {
        return Err((
            "com.amazon.coral.service#InvalidClientTokenId",
            "The security token included in the request is invalid.".into(),
        ));
    }
    let amz_date = header(headers, "x-amz-date").ok_or_else(|| refuse("no X-Amz-Date".into()))?;
    let at = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| refuse(format!("bad X-Amz-Date {amz_date:?}")))?
        .and_utc();
    if (chrono::Utc::now() - at).num_seconds().abs() > 300 {
        return Err(refuse(format!("Signature expired: {amz_date}")));
    }
    if date != &amz_date[..8]
        || region != REGION
        || service != "sqs"
        || terminator != "aws4_request"
    {
        return Err(refuse(format!(
            "Credential should be scoped to a valid region and service: {credential}"
        )));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted != names
        || names
            .iter()
            .any(|n| n.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(refuse(format!(
            "SignedHeaders not sorted lower-case: {signed_headers}"
        )));
    }
    for needed in ["content-type", "host", "x-amz-date", "x-amz-target"] {
        if !names.contains(&needed) {
            return Err(refuse(format!("{needed} is not signed")));
        }
    }
    match token {
        Some(token)
            if header(headers, "x-amz-security-token").as_deref() != Some(token)
                || !names.contains(&"x-amz-security-token") =>
        {
            return Err((
                "com.amazon.coral.service#InvalidClientTokenId",
                "The security token included in the request is invalid.".into(),
            ))
        }
        None if headers.contains_key("x-amz-security-token") => {
            return Err((
                "com.amazon.coral.service#InvalidClientTokenId",
                "The security token included in the request is invalid.".into(),
            ))
        }
        _ => {}
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let values: Vec<String> = headers
            .get_all(*name)
            .iter()
            .map(|v| {
                let v = String::from_utf8_lossy(v.as_bytes());
                v.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect();
        if values.is_empty() {
            return Err(refuse(format!("signed header {name} was not sent")));
        }
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let mut query: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .collect();
    query.sort_unstable();
    let canonical_request = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        uri.path(),
        query.join("&"),
        sha256_hex(body)
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut key = format!("AWS4{SECRET}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        key = hmac_sha256(&key, part);
    }
    let expected = hex::encode(hmac_sha256(&key, &string_to_sign));
    if signature != expected {
        // Like AWS, quote what was expected (which holds the session token, if any).
        return Err(refuse(format!(
            "The request signature we calculated does not match the signature you provided. \
             The Canonical String for this request should have been '{canonical_request}' \
             The String-to-Sign should have been '{string_to_sign}'"
        )));
    }
    Ok(())
}

/// The `n`th example of a published notification schema.
fn example(file: &str, n: usize) -> Value {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(contract::fixture(file)).unwrap()).unwrap();
    schema["examples"][n].clone()
}

#[tokio::test]
async fn fixture_notifications_are_received_mapped_and_deleted() {
    let sqs = Sqs::start().await;
    let order = example("amazon/OrderChangeNotification.json", 0);
    let report = example("amazon/ReportProcessingFinishedNotification.json", 0);
    let mut unnamed = example("amazon/ReportProcessingFinishedNotification.json", 1);
    unnamed
        .as_object_mut()
        .unwrap()
        .remove("notificationMetadata");
    let bodies: Vec<String> = [&order, &report, &unnamed]
        .iter()
        .map(|v| v.to_string())
        .collect();
    let ids: Vec<String> = bodies.iter().map(|b| sqs.push(b)).collect();
    let client = sqs.client(sqs.config());
    assert_eq!(client.region(), REGION, "read from the queue URL");

    let got = client.receive(10, Duration::ZERO).await.unwrap();
    assert_eq!(
        got.iter().map(|m| &m.id).collect::<Vec<_>>(),
        ids.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        got.iter().map(|m| &m.body).collect::<Vec<_>>(),
        bodies.iter().collect::<Vec<_>>()
    );
    let deliveries: Vec<(WebhookDelivery, Vec<u8>)> =
        got.iter().map(|m| notification(m).unwrap()).collect();
    let expected = [
        (ORDER_NOTIFICATION_ID, "ORDER_CHANGE"),
        (ORDER_NOTIFICATION_ID, "REPORT_PROCESSING_FINISHED"), // the schema examples share one id
        (ids[2].as_str(), "REPORT_PROCESSING_FINISHED"),       // no metadata: the SQS message id
    ];
    for ((delivery, _), (id, topic)) in deliveries.iter().zip(expected) {
        assert_eq!(
            delivery,
            &WebhookDelivery {
                id: id.into(),
                topic: topic.into()
            }
        );
    }
    for ((_, body), sent) in deliveries.iter().zip(&bodies) {
        assert_eq!(body, sent.as_bytes(), "the body as is");
    }
    // The connector's parser reads the named ones; it requires a notification id for
    // these two types, so the unnamed one is refused there (the delivery id still works).
    assert_eq!(
        parse_notification(&deliveries[0].1)
            .unwrap()
            .notification_type(),
        "ORDER_CHANGE"
    );
    assert_eq!(
        parse_notification(&deliveries[1].1)
            .unwrap()
            .notification_type(),
        "REPORT_PROCESSING_FINISHED"
    );
    assert!(parse_notification(&deliveries[2].1).is_err());
    // What the worker then does with a delivery.
    let (delivery, body) = &deliveries[0];
    assert!(matches!(
        kinds::parse_webhook("amazon", &json!({}), &delivery.topic, body),
        Ok(WebhookAction::PollSoon)
    ));

    // Not deleted, they come back (this queue hides received messages for 0 s)...
    let again = client.receive(10, Duration::ZERO).await.unwrap();
    assert_eq!(again.len(), 3);
    assert!(again
        .iter()
        .zip(&got)
        .all(|(a, b)| a.id == b.id && a.receipt != b.receipt));
    // ... and deleted, they do not.
    let receipts: Vec<String> = again.iter().map(|m| m.receipt.clone()).collect();
    client.delete(&receipts).await.unwrap();
    assert!(client.receive(10, Duration::ZERO).await.unwrap().is_empty());

    sqs.with(|q| {
        assert!(q.rejected.is_empty(), "{:?}", q.rejected);
        assert!(q.messages.is_empty());
        assert_eq!(q.delete_batches, [3]);
        let targets: Vec<&str> = q.calls.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            targets,
            [
                "AmazonSQS.ReceiveMessage",
                "AmazonSQS.ReceiveMessage",
                "AmazonSQS.DeleteMessageBatch",
                "AmazonSQS.ReceiveMessage"
            ]
        );
        assert_eq!(
            q.calls[0].1,
            json!({"QueueUrl": QUEUE_URL, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 0})
        );
    });
    sqs.assert_clean();
}

#[tokio::test]
async fn long_polls_wait_for_a_message_or_answer_empty() {
    let sqs = Sqs::start().await;
    let client = sqs.client(sqs.config());

    let started = Instant::now();
    assert!(client
        .receive(5, Duration::from_secs(1))
        .await
        .unwrap()
        .is_empty());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(4),
        "{waited:?}"
    );

    // A message that arrives during the wait is answered at once.
    let late = sqs.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        late.push(r#"{"NotificationType":"ANY_OFFER_CHANGED"}"#);
    });
    let started = Instant::now();
    let got = client.receive(5, Duration::from_secs(10)).await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // Out-of-range arguments are clamped to what SQS takes (1–10 messages, 20 s).
    sqs.push(r#"{"NotificationType":"ANY_OFFER_CHANGED"}"#);
    assert_eq!(
        client
            .receive(0, Duration::from_secs(60))
            .await
            .unwrap()
            .len(),
        1
    );
    sqs.with(|q| {
        let (_, last) = q.calls.last().unwrap();
        assert_eq!(last["MaxNumberOfMessages"], 1);
        assert_eq!(last["WaitTimeSeconds"], 20);
        assert_eq!(q.calls[0].1["WaitTimeSeconds"], 1);
        assert_eq!(q.calls[1].1["WaitTimeSeconds"], 10);
    });
    sqs.assert_clean();
}

#[tokio::test]
async fn deletes_go_in_batches_of_ten_and_failures_are_counted() {
    let sqs = Sqs::start().await;
    let mut config = sqs.config();
    config.visibility_timeout = Some(Duration::from_secs(60));
    let client = sqs.client(config);
    for n in 0..23 {
        sqs.push(&json!({"NotificationType": "ORDER_CHANGE", "n": n}).to_string());
    }
    let mut receipts = Vec::new();
    loop {
        let got = client.receive(10, Duration::ZERO).await.unwrap();
        if got.is_empty() {
            break;
        }
        receipts.extend(got.into_iter().map(|m| m.receipt));
    }
    assert_eq!(
        receipts.iter().collect::<HashSet<_>>().len(),
        23,
        "hidden once received"
    );
    client.delete(&receipts).await.unwrap();
    sqs.with(|q| {
        assert_eq!(q.delete_batches, [10, 10, 3]);
        assert!(q.messages.is_empty());
        assert!(q
            .calls
            .iter()
            .filter(|(t, _)| t.ends_with("ReceiveMessage"))
            .all(|(_, b)| b["VisibilityTimeout"] == 60));
    });

    // Entries SQS refuses make one error with their count; the others are deleted.
    for n in 0..12 {
        sqs.push(&json!({"NotificationType": "ORDER_CHANGE", "n": n}).to_string());
    }
    let mut receipts: Vec<String> = Vec::new();
    for _ in 0..2 {
        receipts.extend(
            client
                .receive(10, Duration::ZERO)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.receipt),
        );
    }
    assert_eq!(receipts.len(), 12);
    receipts[3] = "AQEBstale-1".into();
    receipts[11] = "AQEBstale-2".into();
    let error = client.delete(&receipts).await.unwrap_err();
    let ConnectorError::Permanent(text) = &error else {
        panic!("receipt handles SQS calls invalid stay invalid: {error:?}");
    };
    assert!(text.contains("2 of 12 messages were not deleted"), "{text}");
    assert!(text.contains("ReceiptHandleIsInvalid"), "{text}");
    sqs.with(|q| {
        assert_eq!(q.delete_batches, [10, 10, 3, 10, 2]);
        assert_eq!(q.messages.len(), 2);
    });

    // Nothing to delete, nothing sent.
    let calls = sqs.with(|q| q.calls.len());
    client.delete(&[]).await.unwrap();
    assert_eq!(sqs.with(|q| q.calls.len()), calls);
    sqs.assert_clean();
}

#[tokio::test]
async fn refused_credentials_are_auth_errors() {
    let sqs = Sqs::start().await;
    sqs.push(r#"{"NotificationType":"ORDER_CHANGE"}"#);

    let mut config = sqs.config();
    config.secret_access_key = "wrong/Secret+Key".into();
    let error = sqs
        .client(config)
        .receive(10, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConnectorError::Auth(m) if m.contains("SignatureDoesNotMatch")),
        "{error:?}"
    );
    assert!(!error.to_string().contains("wrong/Secret+Key"));
    assert_eq!(
        sqs.with(|q| q.rejected.len()),
        1,
        "refused by the signature check"
    );

    let mut config = sqs.config();
    config.access_key_id = "AKIAUNKNOWNKEY000000".into();
    let error = sqs
        .client(config)
        .receive(10, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConnectorError::Auth(m) if m.contains("InvalidClientTokenId")),
        "{error:?}"
    );

    // Signed for another region than the queue's.
    let mut config = sqs.config();
    config.region = Some("us-east-1".into());
    let error = sqs
        .client(config)
        .receive(10, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(&error, ConnectorError::Auth(_)), "{error:?}");

    // The right credentials still read the queue.
    assert_eq!(
        sqs.client(sqs.config())
            .receive(10, Duration::ZERO)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sqs.with(|q| q.rejected.len()), 3);
    sqs.assert_clean();
}

#[tokio::test]
async fn temporary_credentials_sign_the_session_token() {
    let sqs = Sqs::start().await;
    sqs.with(|q| q.token = Some(TOKEN.into()));
    sqs.push(r#"{"NotificationType":"ORDER_CHANGE"}"#);
    let mut config = sqs.config();
    config.session_token = Some(TOKEN.into());
    let debug = format!("{config:?} {:?}", sqs.client(config.clone()));
    assert!(!debug.contains(TOKEN) && !debug.contains(SECRET), "{debug}");
    assert!(debug.contains(ACCESS_KEY));

    assert_eq!(
        sqs.client(config.clone())
            .receive(10, Duration::ZERO)
            .await
            .unwrap()
            .len(),
        1
    );

    let error = sqs
        .client(sqs.config())
        .receive(10, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConnectorError::Auth(m) if m.contains("InvalidClientTokenId")),
        "{error:?}"
    );

    // SQS quotes the canonical request, token included, when the signature is wrong: the
    // error keeps neither the token nor the secret.
    let mut wrong = config;
    wrong.secret_access_key = "wrong/Secret+Key".into();
    let error = sqs
        .client(wrong)
        .receive(10, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(&error, ConnectorError::Auth(_)), "{error:?}");
    assert!(
        sqs.with(|q| q.rejected.last().unwrap().contains(TOKEN)),
        "the answer quoted the token"
    );
    let text = error.to_string();
    assert!(
        !text.contains(TOKEN) && !text.contains("wrong/Secret+Key"),
        "{text}"
    );
    sqs.assert_clean();
}

#[tokio::test]
async fn faults_map_to_what_the_worker_does_next() {
    let sqs = Sqs::start().await;
    let mut config = sqs.config();
    config.timeout = Duration::from_millis(300);
    let client = sqs.client(config);

    sqs.fault(Fault::InvalidToken);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Auth(m) if m.contains("InvalidClientTokenId")),
        "{e:?}"
    );

    sqs.fault(Fault::Throttling);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(e, ConnectorError::RateLimited { retry_after } if retry_after == THROTTLE_WAIT),
        "{e:?}"
    );

    sqs.fault(Fault::TooMany);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(e, ConnectorError::RateLimited { retry_after } if retry_after == Duration::from_secs(3)),
        "{e:?}"
    );

    sqs.fault(Fault::ServerError);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Transient(m) if m.contains("InternalFailure")),
        "{e:?}"
    );

    sqs.fault(Fault::Malformed);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Transient(_)), "{e:?}");

    sqs.fault(Fault::Incomplete);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Transient(m) if m.contains("without ReceiptHandle")),
        "{e:?}"
    );

    sqs.fault(Fault::Hang);
    let started = Instant::now();
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Transient(m) if m.contains("timed out")),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));

    sqs.fault(Fault::NoSuchQueue);
    let e = client.receive(10, Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Permanent(m) if m.contains("The specified queue does not exist.")),
        "{e:?}"
    );

    // Deleting meets the same faults.
    sqs.push(r#"{"NotificationType":"ORDER_CHANGE"}"#);
    let receipt = client.receive(10, Duration::ZERO).await.unwrap()[0]
        .receipt
        .clone();
    sqs.fault(Fault::Throttling);
    let e = client
        .delete(std::slice::from_ref(&receipt))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectorError::RateLimited { .. }), "{e:?}");
    sqs.fault(Fault::ServerError);
    let e = client
        .delete(std::slice::from_ref(&receipt))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectorError::Transient(_)), "{e:?}");
    sqs.fault(Fault::Malformed);
    let e = client
        .delete(std::slice::from_ref(&receipt))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectorError::Transient(_)), "{e:?}");
    sqs.fault(Fault::Empty);
    let e = client
        .delete(std::slice::from_ref(&receipt))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Transient(m) if m.contains("1 of 1 messages were not deleted (not in SQS's answer)")),
        "{e:?}"
    );
    // After the faults, the message is still there to delete.
    client.delete(&[receipt]).await.unwrap();
    assert!(sqs.with(|q| q.messages.is_empty()));
    sqs.assert_clean();
}

#[test]
fn bodies_that_are_not_notifications_are_refused() {
    let message = |body: &str| SqsMessage {
        id: "m-1".into(),
        receipt: "r-1".into(),
        body: body.into(),
    };
    for body in [
        "not json",
        "[]",
        r#"{"Payload":{}}"#,
        r#"{"NotificationType":"  "}"#,
    ] {
        let e = notification(&message(body)).unwrap_err();
        assert!(
            matches!(&e, ConnectorError::Permanent(m) if m.contains("m-1")),
            "{body}: {e:?}"
        );
    }
    let (delivery, bytes) = notification(&message(
        r#"{"notificationType":"FEED_PROCESSING_FINISHED","notificationMetadata":{"notificationId":"n-9"}}"#,
    ))
    .unwrap();
    assert_eq!(
        delivery,
        WebhookDelivery {
            id: "n-9".into(),
            topic: "FEED_PROCESSING_FINISHED".into()
        }
    );
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        r#"{"notificationType":"FEED_PROCESSING_FINISHED","notificationMetadata":{"notificationId":"n-9"}}"#,
        "the body as is"
    );
}
