//! A local Shopee built from the API documentation files: every
//! `../shared/fixtures/shopee/*.json` (the vendor's pages) and `tests/shopee/api/*.json`
//! (the pages the fixtures lack, written from Shopee's docs in the same layout).
//!
//! For a request to a documented path it checks what Shopee checks: the method, the common
//! parameters the page lists (`partner_id`, `timestamp`, `sign`, and `access_token`,
//! `shop_id` for shop APIs), the signature (recomputed with the partner key), the
//! timestamp's age, the request parameters the page marks required (query for GET, JSON
//! body for POST), the 15-day limit of the list windows, and the access token. Problems
//! with the request are answered like Shopee (`error_sign`, `error_param`) and recorded
//! as violations, which tests assert are none. Then it answers the page's response sample,
//! or what a test's responder makes of it (more pages, other order numbers).
//!
//! Two vendor samples are not valid JSON (a doubled `{`, missing commas); [`repair`]
//! fixes exactly those slips, and [`Spec::repaired`] says which were repaired.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aftersail_channels::shopee::sign;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

pub const PARTNER_ID: u64 = 2001887;
pub const PARTNER_KEY: &str = "test-partner-key";
pub const SHOP_ID: u64 = 600000;
pub const ACCESS_TOKEN: &str = "access-0";
pub const REFRESH_TOKEN: &str = "refresh-0";
pub const AUTH_CODE: &str = "5a5477794a55537954697169514f4653";

/// One documented API.
#[derive(Debug, Clone)]
pub struct Spec {
    pub file: PathBuf,
    pub name: String,
    pub path: String,
    pub post: bool,
    /// Public APIs are signed without a token and shop.
    pub public: bool,
    pub common: Vec<String>,
    pub required: Vec<String>,
    pub sample: Value,
    /// The sample needed [`repair`] to parse.
    pub repaired: bool,
    /// The `sign` sample of the common parameters.
    pub sample_sign: Option<String>,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/shopee")
}

fn api_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../channels/tests/shopee/api")
}

/// Every documented API: the vendor fixtures first, then ours.
pub fn load_specs() -> Vec<Spec> {
    let mut specs = Vec::new();
    for dir in [fixtures_dir(), api_dir()] {
        assert!(dir.is_dir(), "{} is missing", dir.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for file in files {
            specs.push(load_spec(&file));
        }
    }
    specs
}

/// Whether `spec` comes from the vendor fixtures.
pub fn is_vendor(spec: &Spec) -> bool {
    spec.file.starts_with(fixtures_dir())
}

fn load_spec(file: &Path) -> Spec {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let required = doc["params"]["request_params"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter(|p| {
                    p["required"]
                        .as_str()
                        .is_some_and(|r| r.eq_ignore_ascii_case("true"))
                })
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let (sample, repaired) = match &doc["response_sample"][0]["value"] {
        Value::String(text) => match serde_json::from_str(text) {
            Ok(v) => (v, false),
            Err(_) => {
                let fixed = repair(text);
                let v = serde_json::from_str(&fixed).unwrap_or_else(|e| {
                    panic!(
                        "{}: sample unreadable even repaired: {e}\n{fixed}",
                        file.display()
                    )
                });
                (v, true)
            }
        },
        other => (other.clone(), false),
    };
    Spec {
        file: file.to_owned(),
        name: doc["api_name"].as_str().unwrap_or_default().to_owned(),
        path: doc["path"]
            .as_str()
            .expect("every page names its path")
            .to_owned(),
        post: doc["method"].as_i64() == Some(1),
        public: doc["api_type"].as_str() == Some("Public"),
        common: names(&doc["common_params"]),
        required,
        sample,
        repaired,
        sample_sign: doc["common_params"]
            .as_array()
            .and_then(|l| l.iter().find(|p| p["name"] == "sign"))
            .and_then(|p| p["sample"].as_str())
            .map(str::to_owned),
    }
}

/// Fixes the two slips of the vendor samples: an opening `{` written twice, and a comma
/// missing at the end of a line whose next line starts another member.
pub fn repair(text: &str) -> String {
    let mut text = text.trim().to_owned();
    if let Some(rest) = text.strip_prefix('{') {
        if rest.trim_start().starts_with('{') {
            text = rest.trim_start().to_owned();
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let ends_value = {
            let t = line.trim_end();
            t.ends_with('"')
                || t.ends_with('}')
                || t.ends_with(']')
                || t.ends_with("true")
                || t.ends_with("false")
                || t.ends_with("null")
                || t.chars().last().is_some_and(|c| c.is_ascii_digit())
        };
        if ends_value && next.is_some_and(|n| n.starts_with('"')) {
            out.push(format!("{},", line.trim_end()));
        } else {
            out.push((*line).to_owned());
        }
    }
    out.join("\n")
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub body: Value,
}

impl Call {
    /// A request parameter: from the query for GET, the body for POST (as text).
    pub fn param(&self, name: &str) -> Option<String> {
        if let Some(v) = self.query.get(name) {
            return Some(v.clone());
        }
        match self.body.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.param(name).and_then(|v| v.parse().ok())
    }
}

/// Makes the answer to a call from the page's sample: `(HTTP status, body)`.
pub type Responder = Arc<dyn Fn(&Call, &Value) -> (u16, Value) + Send + Sync>;

/// The sample with its `response` replaced.
pub fn with_response(sample: &Value, response: Value) -> (u16, Value) {
    let mut body = sample.clone();
    body["response"] = response;
    (200, body)
}

/// A Shopee error answer.
pub fn shopee_error(status: u16, error: &str, message: &str) -> (u16, Value) {
    (
        status,
        json!({ "error": error, "message": message, "request_id": "test" }),
    )
}

struct TokenBook {
    access: HashSet<String>,
    refresh: Option<String>,
    refuse_refresh: bool,
    issued: u32,
}

struct ServerState {
    specs: HashMap<String, Spec>,
    tokens: Mutex<TokenBook>,
    responders: Mutex<HashMap<String, Responder>>,
    calls: Mutex<Vec<Call>>,
    violations: Mutex<Vec<String>>,
}

/// The running server; stops with the test runtime.
#[derive(Clone)]
pub struct DocServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    state: Arc<ServerState>,
}

impl DocServer {
    pub async fn start() -> Self {
        let specs = load_specs()
            .into_iter()
            .map(|s| (s.path.clone(), s))
            .collect();
        let state = Arc::new(ServerState {
            specs,
            tokens: Mutex::new(TokenBook {
                access: HashSet::from([ACCESS_TOKEN.to_owned()]),
                refresh: Some(REFRESH_TOKEN.to_owned()),
                refuse_refresh: false,
                issued: 0,
            }),
            responders: Mutex::new(HashMap::new()),
            calls: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { base, state }
    }

    /// The page of `path`.
    pub fn spec(&self, path: &str) -> Spec {
        self.state.specs[path].clone()
    }

    /// Answers calls to `path` with `responder` instead of the plain sample.
    pub fn respond(
        &self,
        path: &str,
        responder: impl Fn(&Call, &Value) -> (u16, Value) + Send + Sync + 'static,
    ) {
        assert!(
            self.state.specs.contains_key(path),
            "no page documents {path}"
        );
        self.state
            .responders
            .lock()
            .unwrap()
            .insert(path.to_owned(), Arc::new(responder));
    }

    /// Every access token issued so far stops working (they expired).
    pub fn expire_access_tokens(&self) {
        self.state.tokens.lock().unwrap().access.clear();
    }

    /// The refresh endpoint refuses every refresh token from now on.
    pub fn refuse_refresh(&self) {
        self.state.tokens.lock().unwrap().refuse_refresh = true;
    }

    /// How many token pairs were issued (refreshes and code exchanges).
    pub fn issued(&self) -> u32 {
        self.state.tokens.lock().unwrap().issued
    }

    /// The refresh token that works now.
    pub fn valid_refresh_token(&self) -> Option<String> {
        self.state.tokens.lock().unwrap().refresh.clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    pub fn calls_to(&self, path: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.path == path)
            .collect()
    }

    pub fn clear_calls(&self) {
        self.state.calls.lock().unwrap().clear();
    }

    /// What was wrong with requests so far (should be nothing).
    pub fn violations(&self) -> Vec<String> {
        self.state.violations.lock().unwrap().clone()
    }
}

fn reply((status, body): (u16, Value)) -> Response {
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let violation = |what: String| {
        state
            .violations
            .lock()
            .unwrap()
            .push(format!("{method} {path}: {what}"));
    };
    let Some(spec) = state.specs.get(&path) else {
        violation("no documented API".into());
        return reply(shopee_error(
            404,
            "error_not_found",
            "Permission denied. This API is currently offline or the request path is incorrect.",
        ));
    };
    let want = if spec.post { Method::POST } else { Method::GET };
    if method != want {
        violation(format!("the page says {want}"));
        return reply(shopee_error(405, "error_param", "wrong method"));
    }
    let body: Value = if spec.post {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                violation("POST body is not a JSON object".into());
                return reply(shopee_error(400, "error_param", "body is not JSON"));
            }
        }
    } else {
        Value::Null
    };

    for name in &spec.common {
        if query.get(name).is_none_or(|v| v.is_empty()) {
            violation(format!("common parameter {name} missing"));
            return reply(shopee_error(
                400,
                "error_param",
                &format!("There is no {name} in query."),
            ));
        }
    }
    if query["partner_id"] != PARTNER_ID.to_string() {
        violation(format!("partner_id {}", query["partner_id"]));
        return reply(shopee_error(
            403,
            "invalid_partner_id",
            "Invalid partner_id, please have a check.",
        ));
    }
    let Ok(timestamp) = query["timestamp"].parse::<i64>() else {
        violation("timestamp is not a number".into());
        return reply(shopee_error(400, "error_param", "Invalid timestamp"));
    };
    if (chrono::Utc::now().timestamp() - timestamp).abs() > 300 {
        violation("timestamp older than 5 minutes".into());
        return reply(shopee_error(400, "error_param", "Timestamp is expired."));
    }
    let expected = if spec.public {
        sign::public_sign(PARTNER_KEY, PARTNER_ID, &path, timestamp)
    } else {
        if query["shop_id"] != SHOP_ID.to_string() {
            violation(format!("shop_id {}", query["shop_id"]));
            return reply(shopee_error(403, "error_shop", "shopid is invalid"));
        }
        sign::shop_sign(
            PARTNER_KEY,
            PARTNER_ID,
            &path,
            timestamp,
            &query["access_token"],
            SHOP_ID,
        )
    };
    if query["sign"] != expected {
        violation("wrong sign".into());
        return reply(shopee_error(403, "error_sign", "Wrong sign."));
    }

    let call = Call {
        path: path.clone(),
        query: query.clone(),
        body,
    };
    for name in &spec.required {
        if call.param(name).is_none_or(|v| v.is_empty()) {
            violation(format!("required parameter {name} missing"));
            return reply(shopee_error(
                400,
                "error_param",
                &format!("Wrong parameters, detail: {name} is required."),
            ));
        }
    }
    // The list pages: "diff in 15days", and the end after the start.
    for (from, to) in [
        ("time_from", "time_to"),
        ("update_time_from", "update_time_to"),
    ] {
        if let (Some(a), Some(b)) = (call.int(from), call.int(to)) {
            if a >= b || b - a > 15 * 86_400 {
                violation(format!("window {from}={a} {to}={b}"));
                return reply(shopee_error(
                    200,
                    "order.order_list_invalid_time",
                    "Start time must be earlier than end time and diff in 15days.",
                ));
            }
        }
    }
    state.calls.lock().unwrap().push(call.clone());

    if let Some(answer) = tokens(&state, spec, &call) {
        return reply(answer);
    }
    let responder = state.responders.lock().unwrap().get(&path).cloned();
    match responder {
        Some(responder) => reply(responder(&call, &spec.sample)),
        None => reply((200, spec.sample.clone())),
    }
}

/// Token checks and the token endpoints; `None` lets the call through.
fn tokens(state: &ServerState, spec: &Spec, call: &Call) -> Option<(u16, Value)> {
    let mut book = state.tokens.lock().unwrap();
    if !spec.public {
        if !book.access.contains(&call.query["access_token"]) {
            return Some(shopee_error(
                403,
                "invalid_acceess_token",
                "Invalid access_token.",
            ));
        }
        return None;
    }
    let accepted = match spec.path.as_str() {
        "/api/v2/auth/token/get" => call.param("code").as_deref() == Some(AUTH_CODE),
        "/api/v2/auth/access_token/get" => {
            !book.refuse_refresh
                && call.param("refresh_token") == book.refresh
                && call.int("shop_id") == Some(SHOP_ID as i64)
        }
        _ => return None,
    };
    if !accepted {
        return Some(shopee_error(403, "error_auth", "Invalid refresh_token."));
    }
    book.issued += 1;
    let access = format!("access-{}", book.issued);
    let refresh = format!("refresh-{}", book.issued);
    // A refresh token works once; the old access token goes with it.
    book.access = HashSet::from([access.clone()]);
    book.refresh = Some(refresh.clone());
    let mut answer = spec.sample.clone();
    answer["access_token"] = json!(access);
    answer["refresh_token"] = json!(refresh);
    Some((200, answer))
}
