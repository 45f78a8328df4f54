//! Test support for the Amazon connector tests:
//! - [`Lwa`]: a local Login with Amazon token endpoint that counts refreshes and can
//!   refuse, answer garbage or issue short-lived tokens;
//! - [`SpApi`]: the SP-API as the connector sees it: a [`FaultProxy`] in front of a router
//!   that sends each path to the Prism serving its spec (`--errors`: a request that breaks
//!   the spec gets a 4xx), can replace a *validated* 2xx answer with a scripted body (pages
//!   and report states the spec's single example cannot give), and serves local files
//!   (report documents, which Amazon serves from pre-signed URLs).

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::amazon::{self, AmazonConnector};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

use crate::contract::{FaultProxy, Prism};

pub const CLIENT_ID: &str = "amzn1.application-oa2-client.test";
pub const CLIENT_SECRET: &str = "lwa-client-secret-do-not-leak";
pub const REFRESH_TOKEN: &str = "Atzr|refresh-token-do-not-leak";

/// What the LWA endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LwaMode {
    /// A new token `Atza|token-<n>` valid `expires_in` seconds.
    Issue { expires_in: u64 },
    /// 400 `invalid_grant`.
    Refuse,
    /// 200 with a body that is not JSON.
    Malformed,
}

struct LwaState {
    calls: AtomicUsize,
    mode: Mutex<LwaMode>,
    delay: Mutex<Duration>,
}

/// A local LWA token endpoint.
pub struct Lwa {
    /// The token URL (`…/auth/o2/token`).
    pub url: String,
    state: Arc<LwaState>,
}

async fn lwa_token(
    State(state): State<Arc<LwaState>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let n = state.calls.fetch_add(1, Ordering::SeqCst) + 1;
    let delay = *state.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let field = |k: &str| form.get(k).map(String::as_str);
    if field("grant_type") != Some("refresh_token")
        || field("client_id") != Some(CLIENT_ID)
        || field("client_secret") != Some(CLIENT_SECRET)
    {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client", "error_description": "Client authentication failed"})))
            .into_response();
    }
    let mode = *state.mode.lock().unwrap();
    match mode {
        LwaMode::Refuse => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})),
        )
            .into_response(),
        LwaMode::Malformed => ([("content-type", "application/json")], "{\"access_token\": \"Atza|").into_response(),
        LwaMode::Issue { expires_in } => {
            if field("refresh_token") != Some(REFRESH_TOKEN) {
                return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
            }
            Json(json!({
                "access_token": format!("Atza|token-{n}"),
                "refresh_token": REFRESH_TOKEN,
                "token_type": "bearer",
                "expires_in": expires_in
            }))
            .into_response()
        }
    }
}

impl Lwa {
    pub async fn start() -> Self {
        let state = Arc::new(LwaState {
            calls: AtomicUsize::new(0),
            mode: Mutex::new(LwaMode::Issue { expires_in: 3600 }),
            delay: Mutex::new(Duration::ZERO),
        });
        let app = Router::new()
            .route("/auth/o2/token", axum::routing::post(lwa_token))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/auth/o2/token", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, state }
    }

    /// How many token requests arrived.
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }

    pub fn set(&self, mode: LwaMode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// Answers only after `delay` (to make concurrent callers overlap).
    pub fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }
}

/// The specs under `../shared/fixtures/amazon` and the paths they serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spec {
    Orders2026,
    OrdersV0,
    Messaging,
    Reports,
}

impl Spec {
    fn file(self) -> &'static str {
        match self {
            Self::Orders2026 => "amazon/orders_2026-01-01.json",
            Self::OrdersV0 => "amazon/ordersV0.json",
            Self::Messaging => "amazon/messaging.json",
            Self::Reports => "amazon/reports_2021-06-30.json",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::Orders2026 => "/orders/2026-01-01/",
            Self::OrdersV0 => "/orders/v0/",
            Self::Messaging => "/messaging/v1/",
            Self::Reports => "/reports/2021-06-30/",
        }
    }
}

/// A request as the router forwarded it.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub method: String,
    pub uri: String,
    pub body: Vec<u8>,
    /// What Prism answered (a 4xx means the request broke the spec).
    pub upstream_status: u16,
    /// Whether a scripted body replaced Prism's.
    pub replaced: bool,
}

#[derive(Default)]
struct Script {
    /// (path part, body): the next request whose path contains the part and that Prism
    /// accepts gets this body.
    replacements: VecDeque<(String, Value)>,
    /// Local files: path → (status, content type, bytes).
    files: HashMap<String, (u16, String, Vec<u8>)>,
    forwarded: Vec<Forwarded>,
    /// Local file requests: (path, whether they carried an Amazon access token).
    downloads: Vec<(String, bool)>,
}

#[derive(Clone)]
struct RouterState {
    upstreams: Vec<(&'static str, String)>,
    http: reqwest::Client,
    script: Arc<Mutex<Script>>,
}

async fn route(State(state): State<RouterState>, request: Request) -> Response {
    let method = request.method().clone();
    let uri = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let body = to_bytes(request.into_body(), 64 << 20)
        .await
        .unwrap_or_default()
        .to_vec();
    let file = state.script.lock().unwrap().files.get(&path).cloned();
    if let Some((status, content_type, bytes)) = file {
        let with_token = headers.contains_key("x-amz-access-token");
        state
            .script
            .lock()
            .unwrap()
            .downloads
            .push((path.clone(), with_token));
        return Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Body::from(bytes))
            .unwrap();
    }
    let Some((_, upstream)) = state
        .upstreams
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
    else {
        return (StatusCode::NOT_FOUND, format!("no spec serves {path}")).into_response();
    };
    let mut forward = state
        .http
        .request(method.clone(), format!("{upstream}{uri}"))
        .body(body.clone());
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    let answer = match forward.send().await {
        Ok(a) => a,
        Err(e) => return (StatusCode::BAD_GATEWAY, format!("router: {e}")).into_response(),
    };
    let status = answer.status().as_u16();
    let answer_headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default().to_vec();
    let replacement = if (200..300).contains(&status) {
        let mut script = state.script.lock().unwrap();
        let at = script
            .replacements
            .iter()
            .position(|(part, _)| uri.contains(part.as_str()));
        at.and_then(|i| script.replacements.remove(i))
            .map(|(_, body)| body)
    } else {
        None
    };
    state.script.lock().unwrap().forwarded.push(Forwarded {
        method: method.to_string(),
        uri: uri.clone(),
        body,
        upstream_status: status,
        replaced: replacement.is_some(),
    });
    if let Some(body) = replacement {
        let mut response = (StatusCode::from_u16(status).unwrap(), Json(body)).into_response();
        if let Some(limit) = answer_headers.get("x-amzn-RateLimit-Limit") {
            response
                .headers_mut()
                .insert("x-amzn-RateLimit-Limit", limit.clone());
        }
        return response;
    }
    let mut out = Response::builder().status(status);
    for (name, value) in &answer_headers {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            out = out.header(name, value);
        }
    }
    out.body(Body::from(bytes)).unwrap()
}

/// The SP-API for one test: Prisms per spec, the router, and a fault proxy in front.
pub struct SpApi {
    /// What the connector's `base_url` is (the fault proxy).
    pub base: String,
    /// The router's own address (for local file URLs, which bypass the fault proxy too).
    pub router: String,
    pub proxy: FaultProxy,
    prisms: Vec<(Spec, Prism)>,
    script: Arc<Mutex<Script>>,
}

impl SpApi {
    pub async fn start(specs: &[Spec]) -> Self {
        let prisms: Vec<(Spec, Prism)> = futures_util::future::join_all(
            specs
                .iter()
                .map(|s| async move { (*s, Prism::start(s.file()).await) }),
        )
        .await;
        let script = Arc::new(Mutex::new(Script::default()));
        let state = RouterState {
            upstreams: prisms
                .iter()
                .map(|(s, p)| (s.prefix(), p.base.clone()))
                .collect(),
            http: reqwest::Client::new(),
            script: script.clone(),
        };
        let app = Router::new().fallback(route).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let router = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let proxy = FaultProxy::start(&router).await;
        Self {
            base: proxy.base.clone(),
            router,
            proxy,
            prisms,
            script,
        }
    }

    /// The next request whose path and query contain `path_part` and that Prism accepts
    /// gets `body` (with Prism's status) instead of Prism's example.
    pub fn replace(&self, path_part: &str, body: Value) {
        self.script
            .lock()
            .unwrap()
            .replacements
            .push_back((path_part.to_owned(), body));
    }

    /// Replacements not used yet.
    pub fn pending_replacements(&self) -> usize {
        self.script.lock().unwrap().replacements.len()
    }

    /// Serves `bytes` at `path` on the router; returns its URL.
    pub fn serve(&self, path: &str, status: u16, content_type: &str, bytes: Vec<u8>) -> String {
        self.script
            .lock()
            .unwrap()
            .files
            .insert(path.to_owned(), (status, content_type.to_owned(), bytes));
        format!("{}{path}", self.router)
    }

    /// Local file requests: (path, whether they carried an Amazon access token).
    pub fn downloads(&self) -> Vec<(String, bool)> {
        self.script.lock().unwrap().downloads.clone()
    }

    /// Every request the router forwarded to a Prism, oldest first.
    pub fn forwarded(&self) -> Vec<Forwarded> {
        self.script.lock().unwrap().forwarded.clone()
    }

    /// Requests Prism refused (its `--errors` validation or an unknown path).
    pub fn refused(&self) -> Vec<Forwarded> {
        self.forwarded()
            .into_iter()
            .filter(|f| f.upstream_status >= 400)
            .collect()
    }

    /// Prism's log lines about request violations, over every spec.
    pub fn violations(&self) -> Vec<String> {
        self.prisms
            .iter()
            .flat_map(|(_, p)| p.request_violations())
            .collect()
    }

    /// Asserts every request so far validated against its spec.
    pub fn assert_all_valid(&self) {
        let refused = self.refused();
        assert!(
            refused.is_empty(),
            "Prism refused requests: {refused:#?}\n{:#?}",
            self.violations()
        );
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "Prism reported violations: {violations:#?}"
        );
    }
}

/// Settings for a connector against `api` and `lwa`, with `extra` keys merged in.
pub fn settings(api: &SpApi, lwa: &Lwa, extra: Value) -> Value {
    let mut s = json!({
        "region": "na",
        "marketplace_ids": ["ATVPDKIKX0DER"],
        "base_url": api.base,
        "lwa_url": lwa.url,
    });
    if let (Value::Object(s), Value::Object(extra)) = (&mut s, extra) {
        s.extend(extra);
    }
    s
}

pub fn secrets() -> Value {
    json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN})
}

/// A connector as the worker builds it.
pub fn connector(api: &SpApi, lwa: &Lwa, extra: Value) -> AmazonConnector {
    amazon::from_settings(&settings(api, lwa, extra), &secrets()).expect("valid settings")
}

/// Asserts an error message carries no secret.
pub fn assert_no_secret(message: &str) {
    for secret in [CLIENT_SECRET, REFRESH_TOKEN, "Atza|"] {
        assert!(
            !message.contains(secret),
            "secret {secret:?} leaked into {message:?}"
        );
    }
}
