//! A deterministic local eBay for the connector tests: the identity service (OAuth token
//! grants), the Post-Order API (not in the published fixtures, so shaped after eBay's call
//! reference), and small deterministic versions of the Fulfillment, Message and
//! Notification endpoints for value-level checks. Every request is recorded; tokens are
//! checked (`Bearer` for REST, `IAF` plus `X-EBAY-C-MARKETPLACE-ID` for Post-Order,
//! an application token for public keys).
//!
//! Also [`connector`], which builds an [`EbayConnector`] whose API roots point wherever a
//! test wants (this fake, or a fault proxy in front of Prism).

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::ebay::{EbayConfig, EbayConnector};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub const CLIENT_ID: &str = "Aftersail-App-PRD-1234";
pub const CLIENT_SECRET: &str = "PRD-cert-secret-5678";
pub const REFRESH_TOKEN: &str = "v^1.1#i^1#refresh-secret";
pub const MARKETPLACE: &str = "EBAY_GB";

/// How the identity service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Grant,
    /// `400 invalid_grant`: the refresh token was revoked.
    Refuse,
    ServerError,
    TooMany,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the fake holds and saw. Tests change it between calls.
pub struct Data {
    pub identity: Identity,
    pub expires_in: u64,
    pub issued: u32,
    pub user_token: Option<String>,
    pub app_token: Option<String>,
    /// Refuse every access token (as if the grant was revoked after issue).
    pub refuse_all_tokens: bool,
    pub token_requests: Vec<Seen>,
    pub requests: Vec<Seen>,
    pub orders: Vec<Value>,
    pub fulfillments: HashMap<String, Value>,
    pub conversations: Vec<Value>,
    pub messages: HashMap<String, Vec<Value>>,
    pub public_keys: HashMap<String, Value>,
    pub key_fetches: u32,
    pub returns: Vec<Value>,
    pub return_details: HashMap<String, Value>,
    pub inquiries: Vec<Value>,
    pub cases: Vec<Value>,
    pub claim_details: HashMap<String, Value>,
    pub refund_counter: u32,
    /// What order issueRefund answers (`PENDING` or `FAILED`).
    pub refund_status: &'static str,
}

impl Default for Data {
    fn default() -> Self {
        Self {
            identity: Identity::Grant,
            expires_in: 7200,
            issued: 0,
            user_token: None,
            app_token: None,
            refuse_all_tokens: false,
            token_requests: Vec::new(),
            requests: Vec::new(),
            orders: Vec::new(),
            fulfillments: HashMap::new(),
            conversations: Vec::new(),
            messages: HashMap::new(),
            public_keys: HashMap::new(),
            key_fetches: 0,
            returns: Vec::new(),
            return_details: HashMap::new(),
            inquiries: Vec::new(),
            cases: Vec::new(),
            claim_details: HashMap::new(),
            refund_counter: 0,
            refund_status: "PENDING",
        }
    }
}

#[derive(Clone)]
pub struct Fake {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub data: Arc<Mutex<Data>>,
}

impl Fake {
    pub async fn start() -> Self {
        let data = Arc::new(Mutex::new(Data::default()));
        let app = Router::new().fallback(handle).with_state(data.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, data }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        f(&mut self.data.lock().unwrap())
    }

    /// Requests whose path contains `part`, oldest first (token requests excluded).
    pub fn seen(&self, part: &str) -> Vec<Seen> {
        self.with(|d| {
            d.requests
                .iter()
                .filter(|r| r.path.contains(part))
                .cloned()
                .collect()
        })
    }

    pub fn token_requests(&self) -> Vec<Seen> {
        self.with(|d| d.token_requests.clone())
    }

    pub fn identity_url(&self) -> String {
        format!("{}/identity/v1", self.base)
    }
    pub fn fulfillment_url(&self) -> String {
        format!("{}/sell/fulfillment/v1", self.base)
    }
    pub fn message_url(&self) -> String {
        format!("{}/commerce/message/v1", self.base)
    }
    pub fn notification_url(&self) -> String {
        format!("{}/commerce/notification/v1", self.base)
    }
    pub fn post_order_url(&self) -> String {
        format!("{}/post-order/v2", self.base)
    }
}

/// API roots for [`connector`]; `None` keeps the fake's.
#[derive(Default)]
pub struct Roots {
    pub fulfillment: Option<String>,
    pub message: Option<String>,
    pub notification: Option<String>,
    pub post_order: Option<String>,
}

pub fn config(fake: &Fake, roots: Roots) -> EbayConfig {
    let mut config = EbayConfig::new(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN);
    config.identity_url = Some(fake.identity_url());
    config.fulfillment_url = Some(roots.fulfillment.unwrap_or_else(|| fake.fulfillment_url()));
    config.message_url = Some(roots.message.unwrap_or_else(|| fake.message_url()));
    config.notification_url = Some(
        roots
            .notification
            .unwrap_or_else(|| fake.notification_url()),
    );
    config.post_order_url = Some(roots.post_order.unwrap_or_else(|| fake.post_order_url()));
    config.marketplace_id = MARKETPLACE.into();
    config.timeout = Duration::from_secs(10);
    config
}

pub fn connector(fake: &Fake, roots: Roots) -> EbayConnector {
    EbayConnector::new(config(fake, roots)).unwrap()
}

pub fn ago(hours: i64) -> String {
    (Utc::now() - chrono::Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn error(status: StatusCode, id: u32, message: &str) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "errorId": id, "domain": "FAKE", "message": message }] })),
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    error(StatusCode::NOT_FOUND, 404, &format!("{what} not found"))
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn page_params(query: &HashMap<String, String>) -> Result<(usize, usize), String> {
    let parse = |name: &str, default: usize| match query.get(name) {
        None => Ok(default),
        Some(v) => v.parse::<usize>().map_err(|_| format!("bad {name}")),
    };
    Ok((parse("offset", 0)?, parse("limit", 50)?))
}

fn range(
    query: &HashMap<String, String>,
    from: &str,
    to: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let get = |name: &str| {
        query
            .get(name)
            .and_then(|v| time(v))
            .ok_or_else(|| format!("{name} missing or not a date"))
    };
    let (from, to) = (get(from)?, get(to)?);
    if from > to {
        return Err("range ends before it starts".into());
    }
    Ok((from, to))
}

fn bad_request(why: &str) -> Response {
    error(StatusCode::BAD_REQUEST, 2001, why)
}

fn created_in(member: &Value, pointer: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    let at = member.pointer(pointer);
    let s = at.and_then(|v| {
        v.as_str()
            .or_else(|| v.get("value").and_then(Value::as_str))
    });
    s.and_then(time).is_none_or(|t| from <= t && t <= to)
}

fn post_order_page(all: Vec<Value>, offset: usize, limit: usize) -> Response {
    let total = all.len();
    let members: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    Json(json!({
        "members": members,
        "paginationOutput": {
            "offset": offset, "limit": limit, "totalEntries": total,
            "totalPages": total.div_ceil(limit.max(1)),
        },
    }))
    .into_response()
}

async fn handle(State(data): State<Arc<Mutex<Data>>>, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let headers = request.headers().clone();
    let bytes = to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form {
        let form: serde_json::Map<String, Value> = url::form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        Value::Object(form)
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    let seen = Seen {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers: headers.clone(),
        body: body.clone(),
    };
    let mut data = data.lock().unwrap();
    if path == "/identity/v1/oauth2/token" && method == "POST" {
        data.token_requests.push(seen);
        return token(&mut data, &headers, &body);
    }
    data.requests.push(seen);

    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let user_ok = |scheme: &str| {
        !data.refuse_all_tokens
            && data
                .user_token
                .as_deref()
                .is_some_and(|t| auth == format!("{scheme} {t}"))
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let Some(rest) = path.strip_prefix("/post-order/v2/") {
        if !user_ok("IAF") {
            return error(
                StatusCode::UNAUTHORIZED,
                1001,
                "Invalid access token (IAF expected)",
            );
        }
        if headers
            .get("x-ebay-c-marketplace-id")
            .and_then(|v| v.to_str().ok())
            != Some(MARKETPLACE)
        {
            return error(
                StatusCode::BAD_REQUEST,
                1002,
                "X-EBAY-C-MARKETPLACE-ID missing",
            );
        }
        let rest: Vec<&str> = rest.split('/').collect();
        return post_order(&mut data, &method, &rest, &query, &body);
    }
    if path.starts_with("/commerce/notification/v1/public_key/") {
        let app_ok = !data.refuse_all_tokens
            && data
                .app_token
                .as_deref()
                .is_some_and(|t| auth == format!("Bearer {t}"));
        if !app_ok {
            return error(StatusCode::UNAUTHORIZED, 1001, "application token expected");
        }
        data.key_fetches += 1;
        let kid = segments.last().copied().unwrap_or("");
        return match data.public_keys.get(kid) {
            Some(key) => Json(key.clone()).into_response(),
            None => not_found("public key"),
        };
    }
    if !user_ok("Bearer") {
        return error(StatusCode::UNAUTHORIZED, 1001, "Invalid access token");
    }
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["sell", "fulfillment", "v1", "order"]) => get_orders(&data, &query),
        ("GET", ["sell", "fulfillment", "v1", "order", id]) => {
            match data.orders.iter().find(|o| o["orderId"] == *id) {
                Some(o) => Json(o.clone()).into_response(),
                None => not_found("order"),
            }
        }
        ("GET", ["sell", "fulfillment", "v1", "order", id, "shipping_fulfillment"]) => Json(
            data.fulfillments
                .get(*id)
                .cloned()
                .unwrap_or_else(|| json!({"fulfillments": [], "total": 0})),
        )
        .into_response(),
        ("POST", ["sell", "fulfillment", "v1", "order", id, "issue_refund"]) => {
            let id = (*id).to_owned();
            order_refund(&mut data, &id, &body)
        }
        ("GET", ["commerce", "message", "v1", "conversation"]) => {
            if query.get("conversation_type").map(String::as_str) != Some("FROM_MEMBERS") {
                return error(StatusCode::BAD_REQUEST, 3001, "conversation_type required");
            }
            let (offset, limit) = match page_params(&query) {
                Ok(p) => p,
                Err(e) => return bad_request(&e),
            };
            let list: Vec<Value> = data
                .conversations
                .iter()
                .skip(offset)
                .take(limit)
                .cloned()
                .collect();
            Json(json!({"conversations": list, "total": data.conversations.len(), "offset": offset, "limit": limit}))
                .into_response()
        }
        ("GET", ["commerce", "message", "v1", "conversation", id]) => {
            let list = data.messages.get(*id).cloned().unwrap_or_default();
            Json(json!({"messages": list, "total": list.len()})).into_response()
        }
        ("POST", ["commerce", "message", "v1", "send_message"]) => {
            data.refund_counter += 1;
            Json(json!({"messageId": format!("sent-{}", data.refund_counter), "senderUserName": "best.seller",
                        "messageBody": body["messageText"]}))
                .into_response()
        }
        _ => not_found(&format!("{method} {path}")),
    }
}

fn token(data: &mut Data, headers: &HeaderMap, form: &Value) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client", "error_description": "client authentication failed"})),
        )
            .into_response();
    }
    match data.identity {
        Identity::Refuse => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant", "error_description": "the provided authorization refresh token is invalid or was issued to another client"})),
            )
                .into_response()
        }
        Identity::ServerError => return (StatusCode::SERVICE_UNAVAILABLE, "upstream down").into_response(),
        Identity::TooMany => {
            return (StatusCode::TOO_MANY_REQUESTS, [("Retry-After", "11")], "slow down").into_response()
        }
        Identity::Grant => {}
    }
    data.issued += 1;
    let n = data.issued;
    match form["grant_type"].as_str() {
        Some("refresh_token")
            if form["refresh_token"] == REFRESH_TOKEN && form["scope"].is_string() =>
        {
            let t = format!("user-token-{n}");
            data.user_token = Some(t.clone());
            Json(json!({"access_token": t, "expires_in": data.expires_in, "token_type": "User Access Token"}))
                .into_response()
        }
        Some("client_credentials") if form["scope"] == "https://api.ebay.com/oauth/api_scope" => {
            let t = format!("app-token-{n}");
            data.app_token = Some(t.clone());
            Json(json!({"access_token": t, "expires_in": data.expires_in, "token_type": "Application Access Token"}))
                .into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"error": "unsupported_grant_type", "error_description": format!("{form}")}),
            ),
        )
            .into_response(),
    }
}

fn get_orders(data: &Data, query: &HashMap<String, String>) -> Response {
    if let Some(ids) = query.get("orderIds") {
        let ids: Vec<&str> = ids.split(',').collect();
        if ids.iter().any(|id| !id.contains('-') || id.len() < 5) {
            return error(StatusCode::BAD_REQUEST, 32100, "Invalid order ID");
        }
        let list: Vec<Value> = data
            .orders
            .iter()
            .filter(|o| ids.contains(&o["orderId"].as_str().unwrap_or("")))
            .cloned()
            .collect();
        return Json(json!({"orders": list, "total": list.len()})).into_response();
    }
    let (offset, limit) = match page_params(query) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let matching: Vec<Value> = match query.get("filter") {
        None => data.orders.clone(),
        Some(filter) => {
            let Some(inner) = filter
                .strip_prefix("lastmodifieddate:[")
                .and_then(|f| f.strip_suffix(']'))
            else {
                return error(StatusCode::BAD_REQUEST, 32200, "bad filter");
            };
            let Some((from, to)) = inner.split_once("..") else {
                return error(StatusCode::BAD_REQUEST, 32200, "bad range");
            };
            let (Some(from), Some(to)) = (time(from), time(to)) else {
                return error(StatusCode::BAD_REQUEST, 32200, "bad dates");
            };
            data.orders
                .iter()
                .filter(|o| {
                    o["lastModifiedDate"]
                        .as_str()
                        .and_then(time)
                        .is_some_and(|t| from <= t && t <= to)
                })
                .cloned()
                .collect()
        }
    };
    let total = matching.len();
    let list: Vec<Value> = matching.into_iter().skip(offset).take(limit).collect();
    let mut page = json!({"orders": list, "total": total, "offset": offset, "limit": limit});
    if offset + limit < total {
        page["next"] = json!(format!("/order?offset={}", offset + limit));
    }
    Json(page).into_response()
}

fn order_refund(data: &mut Data, id: &str, body: &Value) -> Response {
    let Some(index) = data.orders.iter().position(|o| o["orderId"] == id) else {
        return not_found("order");
    };
    if body["comment"]
        .as_str()
        .is_none_or(|c| c.chars().count() > 100)
        || body["orderLevelRefundAmount"]["value"].as_str().is_none()
    {
        return error(StatusCode::BAD_REQUEST, 32300, "bad refund request");
    }
    if data.refund_status == "FAILED" {
        return Json(json!({"refundStatus": "FAILED"})).into_response();
    }
    data.refund_counter += 1;
    let refund_id = format!("5{:09}", data.refund_counter);
    let refund = json!({
        "refundId": refund_id, "refundStatus": "PENDING",
        "amount": body["orderLevelRefundAmount"].clone(),
    });
    let order = &mut data.orders[index];
    if !order["paymentSummary"]["refunds"].is_array() {
        order["paymentSummary"] = json!({"refunds": []});
    }
    order["paymentSummary"]["refunds"]
        .as_array_mut()
        .unwrap()
        .push(refund);
    Json(json!({"refundId": refund_id, "refundStatus": "PENDING"})).into_response()
}

fn post_order(
    data: &mut Data,
    method: &str,
    rest: &[&str],
    query: &HashMap<String, String>,
    body: &Value,
) -> Response {
    let (offset, limit) = match page_params(query) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    match (method, rest) {
        ("GET", ["return", "search"]) => {
            let (from, to) =
                match range(query, "creation_date_range_from", "creation_date_range_to") {
                    Ok(r) => r,
                    Err(e) => return bad_request(&e),
                };
            let all = data
                .returns
                .iter()
                .filter(|r| created_in(r, "/creationInfo/creationDate", from, to))
                .cloned()
                .collect();
            post_order_page(all, offset, limit)
        }
        ("GET", ["return", id]) => {
            let Some(summary) = data.returns.iter().find(|r| r["returnId"] == *id).cloned() else {
                return not_found("return");
            };
            match query.get("fieldgroups").map(String::as_str) {
                Some("SUMMARY") => Json(json!({"summary": summary})).into_response(),
                _ => Json(json!({"summary": summary, "detail": data.return_details.get(*id).cloned().unwrap_or(json!({}))}))
                    .into_response(),
            }
        }
        ("POST", ["return", id, "decide"]) => {
            let Some(r) = data.returns.iter_mut().find(|r| r["returnId"] == *id) else {
                return not_found("return");
            };
            let state = match body["decision"].as_str() {
                Some("ACCEPT") => "ITEM_READY_TO_SHIP",
                Some("DECLINE") if body["comments"]["content"].is_string() => "RETURN_REJECTED",
                Some("OFFER_PARTIAL_REFUND")
                    if body["partialRefundAmount"]["value"].is_number() =>
                {
                    "PARTIAL_REFUND_REQUESTED"
                }
                _ => return error(StatusCode::BAD_REQUEST, 1510, "bad decision"),
            };
            r["state"] = json!(state);
            StatusCode::OK.into_response()
        }
        ("POST", ["return", id, "issue_refund"]) => {
            let Some(r) = data.returns.iter_mut().find(|r| r["returnId"] == *id) else {
                return not_found("return");
            };
            let total = &body["refundDetail"]["totalAmount"];
            if !total["value"].is_number() || !body["comments"]["content"].is_string() {
                return error(StatusCode::BAD_REQUEST, 1520, "bad refund");
            }
            r["state"] = json!("REFUND_ISSUED");
            r["sellerTotalRefund"]["actualRefundAmount"] = total.clone();
            Json(json!({"refundStatus": "SUCCESS"})).into_response()
        }
        ("GET", ["inquiry", "search"]) => {
            let (from, to) = match range(
                query,
                "inquiry_creation_date_range_from",
                "inquiry_creation_date_range_to",
            ) {
                Ok(r) => r,
                Err(e) => return bad_request(&e),
            };
            let all = data
                .inquiries
                .iter()
                .filter(|r| created_in(r, "/creationDate", from, to))
                .cloned()
                .collect();
            post_order_page(all, offset, limit)
        }
        ("GET", ["casemanagement", "search"]) => {
            let (from, to) = match range(
                query,
                "case_creation_date_range_from",
                "case_creation_date_range_to",
            ) {
                Ok(r) => r,
                Err(e) => return bad_request(&e),
            };
            let all = data
                .cases
                .iter()
                .filter(|r| created_in(r, "/creationDate", from, to))
                .cloned()
                .collect();
            post_order_page(all, offset, limit)
        }
        ("GET", [kind @ ("inquiry" | "casemanagement"), id]) => {
            match data.claim_details.get(&format!("{kind}/{id}")) {
                Some(detail) => Json(detail.clone()).into_response(),
                None => not_found(kind),
            }
        }
        _ => not_found(&format!("post-order {method} {}", rest.join("/"))),
    }
}

/// Answers a request with an empty 200 (used where an endpoint needs no data).
pub fn empty() -> Response {
    (StatusCode::OK, Body::empty()).into_response()
}
