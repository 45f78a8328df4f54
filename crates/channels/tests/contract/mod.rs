//! Contract-test support for the marketplace connectors:
//! - [`Prism`]: the vendor's published spec (`../shared/fixtures/...`) served by Prism
//!   (`tests/prism`, installed with `npm ci`) in `--errors` mode, so a request that does not
//!   validate against the spec is answered with a 4xx problem instead of a mock response;
//! - [`FaultProxy`]: a local HTTP proxy in front of any base URL that records every request
//!   and answers the next ones with scripted faults (429 with Retry-After, 5xx, malformed or
//!   truncated JSON, expired-token 401) before forwarding normally again.
//!
//! Missing software is a test failure with a message saying what to install, never a skip.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// `../shared/fixtures/<relative>` from the repository root.
pub fn fixture(relative: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let path = root.join(relative);
    assert!(
        path.exists(),
        "fixture {} is missing: the vendor specs live in ../shared/fixtures beside the repository",
        path.display()
    );
    path
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A Prism mock server for one spec, stopped on drop.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prism {
    /// Serves `spec` (a path under `../shared/fixtures`) with the spec's own examples.
    pub async fn start(spec: &str) -> Self {
        Self::launch(spec, false).await
    }

    /// Serves `spec` with responses generated from its schemas (`--dynamic`), for specs
    /// without examples (eBay).
    pub async fn start_dynamic(spec: &str) -> Self {
        Self::launch(spec, true).await
    }

    async fn launch(spec: &str, dynamic: bool) -> Self {
        let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../channels/tests/prism/node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "Prism is not installed: run `npm ci --prefix crates/channels/tests/prism` (.ci/run does)"
        );
        let spec = fixture(spec);
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("prism.log");
        let port = free_port();
        let mut cmd = Command::new(&bin);
        cmd.args([
            "mock",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ]);
        if dynamic {
            cmd.arg("--dynamic");
        }
        cmd.arg(&spec)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("prism.err")).unwrap(),
            ));
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism ({e}); is Node.js installed?"));
        let prism = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if prism.log().contains("Prism is listening") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not start on {} within 60 s:\n{}\n{}",
                spec.display(),
                prism.log(),
                std::fs::read_to_string(prism._dir.path().join("prism.err")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        prism
    }

    /// What Prism printed so far (every request, and every validation problem it found).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Validation problems Prism reported for requests (lines with `Request` and `violation`
    /// or `error`), for assertions that nothing the connector sent broke the spec.
    pub fn request_violations(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| {
                let l = l.to_lowercase();
                (l.contains("violation") || l.contains("✖")) && l.contains("request")
            })
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One scripted answer given instead of forwarding a request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A status with a body and headers (e.g. 429 with `Retry-After`, 503, 401).
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Forward, but cut the upstream body in half (a connection dropped mid-answer).
    Truncate,
    /// Answer 200 with this body as `application/json` (malformed or partial JSON).
    Body(String),
}

impl Fault {
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn too_many(retry_after_secs: u64) -> Self {
        Self::Status {
            status: 429,
            headers: vec![("Retry-After".into(), retry_after_secs.to_string())],
            body: r#"{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota"}]}"#
                .into(),
        }
    }
}

/// A request as it reached the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, e.g. `/orders/2026-01-01/orders?marketplaceIds=...`.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The status the client got.
    pub status: u16,
}

#[derive(Default)]
struct Script {
    /// (path substring, fault): the next request whose path contains the substring gets it.
    faults: VecDeque<(String, Fault)>,
    seen: Vec<Seen>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    script: Arc<Mutex<Script>>,
}

/// A recording, fault-injecting proxy in front of `upstream`; stops with the test runtime.
#[derive(Clone)]
pub struct FaultProxy {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub base: String,
    script: Arc<Mutex<Script>>,
}

impl FaultProxy {
    pub async fn start(upstream: &str) -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            script: script.clone(),
        };
        let app = Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { base, script }
    }

    /// The next request whose path and query contain `path_part` gets `fault`; faults for
    /// the same part are given in the order pushed.
    pub fn push(&self, path_part: &str, fault: Fault) {
        self.script
            .lock()
            .unwrap()
            .faults
            .push_back((path_part.to_owned(), fault));
    }

    /// Faults not given yet.
    pub fn pending(&self) -> usize {
        self.script.lock().unwrap().faults.len()
    }

    /// Every request so far, oldest first.
    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().unwrap().seen.clone()
    }

    pub fn clear_seen(&self) {
        self.script.lock().unwrap().seen.clear();
    }
}

async fn forward(State(state): State<ProxyState>, request: Request) -> Response {
    let method = request.method().clone();
    let uri = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let headers = request.headers().clone();
    let body = to_bytes(request.into_body(), 64 << 20)
        .await
        .unwrap_or_default()
        .to_vec();
    let fault = {
        let mut script = state.script.lock().unwrap();
        let at = script
            .faults
            .iter()
            .position(|(part, _)| uri.contains(part.as_str()));
        at.and_then(|i| script.faults.remove(i)).map(|(_, f)| f)
    };
    let record = |status: u16| {
        state.script.lock().unwrap().seen.push(Seen {
            method: method.to_string(),
            uri: uri.clone(),
            headers: headers.clone(),
            body: body.clone(),
            status,
        });
    };
    match fault {
        Some(Fault::Status {
            status,
            headers: extra,
            body,
        }) => {
            record(status);
            let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
            response
                .headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            for (name, value) in extra {
                response.headers_mut().insert(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_str(&value).unwrap(),
                );
            }
            response
        }
        Some(Fault::Body(text)) => {
            record(200);
            ([("content-type", "application/json")], text).into_response()
        }
        other => {
            let truncate = matches!(other, Some(Fault::Truncate));
            let mut upstream = state
                .http
                .request(method.clone(), format!("{}{uri}", state.upstream))
                .body(body.clone());
            for (name, value) in &headers {
                if name != "host" && name != "content-length" {
                    upstream = upstream.header(name, value);
                }
            }
            match upstream.send().await {
                Err(e) => {
                    record(502);
                    (StatusCode::BAD_GATEWAY, format!("proxy: {e}")).into_response()
                }
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    record(status);
                    let mut out = Response::builder().status(status);
                    for (name, value) in answer.headers() {
                        if name != "content-length"
                            && name != "transfer-encoding"
                            && name != "connection"
                        {
                            out = out.header(name, value);
                        }
                    }
                    let mut bytes = answer.bytes().await.unwrap_or_default().to_vec();
                    if truncate {
                        bytes.truncate(bytes.len() / 2);
                    }
                    out.body(Body::from(bytes)).unwrap()
                }
            }
        }
    }
}
