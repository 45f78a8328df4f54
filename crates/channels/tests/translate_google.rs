//! The Google Cloud Translation (Basic, v2) client against a local server that answers as
//! Google documents (cloud.google.com/translate/docs/basic/translating-text: POST
//! /language/translate/v2?key=…, JSON with q/target/source/format, Google's JSON error
//! shape) and refuses what Google refuses: a wrong key (400 API_KEY_INVALID), no key (403),
//! unknown fields or languages (400 Invalid Value).

mod translate_support;

use std::sync::Arc;

use aftersail_channels::translate::{TranslateError, Translator, TranslatorConfig};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use translate_support::*;

const KEY: &str = "AIzaSyD-test-key-0123456789abcdefghij";

const LANGUAGES: &[&str] = &[
    "de", "en", "es", "fr", "ja", "pt", "pt-PT", "zh", "zh-CN", "zh-TW", "sw",
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Normal,
    /// Chinese answers come back with full-width, spaced-out placeholder brackets, as
    /// engines tend to do in CJK text.
    MangleCjk,
    TooMany,
    DailyLimit,
    ServerError,
    Unavailable,
    HtmlPage,
    NoData,
}

struct Mock {
    mode: Mode,
    log: Log,
}

fn google_error(code: u16, message: &str, reason: &str, status: &str) -> Response {
    (
        StatusCode::from_u16(code).unwrap(),
        Json(json!({
            "error": {
                "code": code,
                "message": message,
                "errors": [{ "message": message, "domain": "global", "reason": reason }],
                "status": status
            }
        })),
    )
        .into_response()
}

fn invalid_value() -> Response {
    google_error(400, "Invalid Value", "invalid", "INVALID_ARGUMENT")
}

async fn google(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let seen = mock.log.record(&uri, &headers, &body);
    if method != Method::POST || seen.path != "/language/translate/v2" {
        return StatusCode::NOT_FOUND.into_response();
    }
    match seen.query.get("key").map(String::as_str) {
        Some(KEY) => {}
        None | Some("") => {
            return google_error(
                403,
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                "forbidden",
                "PERMISSION_DENIED",
            )
        }
        Some(_) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "error": {
                        "code": 400,
                        "message": "API key not valid. Please pass a valid API key.",
                        "errors": [{ "message": "API key not valid. Please pass a valid API key.", "domain": "global", "reason": "badRequest" }],
                        "status": "INVALID_ARGUMENT",
                        "details": [{
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "API_KEY_INVALID",
                            "domain": "googleapis.com",
                            "metadata": { "service": "translate.googleapis.com" }
                        }]
                    }
                })),
            )
                .into_response()
        }
    }
    let req = &seen.body;
    if !seen
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
        || !has_only_fields(req, &["q", "target"], &["source", "format", "model"])
    {
        return invalid_value();
    }
    let Some(text) = req["q"]
        .as_array()
        .filter(|q| q.len() == 1)
        .and_then(|q| q[0].as_str())
    else {
        return invalid_value();
    };
    let target = req["target"].as_str().unwrap_or_default();
    let source = req.get("source").and_then(Value::as_str);
    let format = req.get("format").and_then(Value::as_str).unwrap_or("html");
    if !LANGUAGES.contains(&target)
        || source.is_some_and(|s| !LANGUAGES.contains(&s))
        || !["text", "html"].contains(&format)
    {
        return invalid_value();
    }
    match mock.mode {
        Mode::Normal | Mode::MangleCjk => {}
        Mode::TooMany => {
            return google_error(
                429,
                "Quota exceeded for quota metric 'v2 and v3 general model characters' and limit 'v2 and v3 general model characters per minute per user'",
                "rateLimitExceeded",
                "RESOURCE_EXHAUSTED",
            )
        }
        Mode::DailyLimit => {
            return google_error(403, "Daily Limit Exceeded", "dailyLimitExceeded", "PERMISSION_DENIED")
        }
        Mode::ServerError => return google_error(500, "Internal error encountered.", "backendError", "INTERNAL"),
        Mode::Unavailable => return google_error(503, "The service is currently unavailable.", "backendError", "UNAVAILABLE"),
        Mode::HtmlPage => {
            return (
                [("content-type", "text/html")],
                "<html><body>502 Bad Gateway</body></html>",
            )
                .into_response()
        }
        Mode::NoData => return Json(json!({ "data": {} })).into_response(),
    }
    let mut translated = engine(text, target);
    if mock.mode == Mode::MangleCjk && target.starts_with("zh") {
        translated = translated.replace("[[", "［［ ").replace("]]", " ］］");
    }
    let mut item = json!({ "translatedText": translated });
    // Only reported when Google had to detect it.
    if source.is_none() {
        item["detectedSourceLanguage"] = json!(detect(text));
    }
    Json(json!({ "data": { "translations": [item] } })).into_response()
}

async fn start(mode: Mode, key: &str) -> (Box<dyn Translator>, Arc<Mock>) {
    let mock = Arc::new(Mock {
        mode,
        log: Log::default(),
    });
    let base = serve(Router::new().fallback(google).with_state(mock.clone())).await;
    let translator = translator(&TranslatorConfig::Google {
        api_key: key.into(),
        base_url: Some(base),
    });
    (translator, mock)
}

#[tokio::test]
async fn translates_and_reports_the_detected_source() {
    let (google, mock) = start(Mode::Normal, KEY).await;
    assert_eq!(google.provider(), "google");

    let t = translate(&*google, GREETING, None, "de", &[])
        .await
        .unwrap();
    assert_eq!(t.text, GREETING_DE);
    assert_eq!(t.detected_source.as_deref(), Some("en"));
    assert_eq!(t.provider, "google");

    let seen = mock.log.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/language/translate/v2");
    assert_eq!(seen[0].query.get("key").map(String::as_str), Some(KEY));
    assert_eq!(
        seen[0].body,
        json!({ "q": [GREETING], "target": "de", "format": "text" })
    );
}

#[tokio::test]
async fn our_language_codes_become_google_codes() {
    let (google, mock) = start(Mode::Normal, KEY).await;
    let cases = [
        ("zh", None, "zh-CN", None),
        ("zh-Hant", Some("en"), "zh-TW", Some("en")),
        ("pt", Some("zh-TW"), "pt", Some("zh-TW")),
        ("pt-PT", None, "pt-PT", None),
        ("en-GB", Some("zh"), "en", Some("zh-CN")),
    ];
    for (target, source, _, _) in cases {
        let t = translate(&*google, GREETING, source, target, &[])
            .await
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        // Google names a detected language only when it had to detect one.
        assert_eq!(t.detected_source.is_some(), source.is_none(), "{target}");
    }
    for (seen, (target, _, google_target, google_source)) in mock.log.all().iter().zip(cases) {
        assert_eq!(seen.body["target"], google_target, "{target}");
        assert_eq!(
            seen.body.get("source").and_then(Value::as_str),
            google_source,
            "{target}"
        );
        assert_eq!(seen.body["format"], "text");
    }
    let zh = translate(&*google, GREETING, None, "zh", &[])
        .await
        .unwrap();
    assert_eq!(zh.text, GREETING_ZH);
}

#[tokio::test]
async fn glossary_terms_are_kept_or_mapped_even_with_mangled_placeholders() {
    let (google, mock) = start(Mode::MangleCjk, KEY).await;
    let glossary = glossary();
    let de = translate(&*google, GLOSSED, None, "de", &glossary)
        .await
        .unwrap();
    assert_eq!(de.text, GLOSSED_DE);
    let zh = translate(&*google, GLOSSED, None, "zh", &glossary)
        .await
        .unwrap();
    assert_eq!(zh.text, GLOSSED_ZH);
    for seen in mock.log.all() {
        assert_eq!(seen.body["q"][0], "[[1]] keeps your [[2]] on.");
    }
}

#[tokio::test]
async fn a_refused_or_missing_key_is_auth() {
    let (google, _) = start(Mode::Normal, "AIzaSy-wrong").await;
    let err = translate(&*google, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("API key not valid")),
        "{err:?}"
    );
    assert!(!err.retryable());

    let (google, _) = start(Mode::Normal, "").await;
    let err = translate(&*google, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("HTTP 403")),
        "{err:?}"
    );
}

#[tokio::test]
async fn rate_and_daily_limits_are_quota() {
    for mode in [Mode::TooMany, Mode::DailyLimit] {
        let (google, _) = start(mode, KEY).await;
        let err = translate(&*google, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::Quota(_)), "{mode:?}: {err:?}");
        assert!(err.retryable());
    }
}

#[tokio::test]
async fn server_errors_are_unavailable_and_retryable() {
    for (mode, code) in [(Mode::ServerError, "500"), (Mode::Unavailable, "503")] {
        let (google, _) = start(mode, KEY).await;
        let err = translate(&*google, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, TranslateError::Unavailable(m) if m.contains(code)),
            "{mode:?}: {err:?}"
        );
        assert!(err.retryable());
    }
}

#[tokio::test]
async fn an_answer_that_is_not_the_documented_json_is_malformed() {
    for mode in [Mode::HtmlPage, Mode::NoData] {
        let (google, _) = start(mode, KEY).await;
        let err = translate(&*google, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(err, TranslateError::Malformed(_)),
            "{mode:?}: {err:?}"
        );
        assert!(!err.retryable());
    }
}

#[tokio::test]
async fn an_unsupported_language_is_unsupported() {
    let (google, mock) = start(Mode::Normal, KEY).await;
    // Avestan is an ISO 639-1 language Google does not translate.
    let err = translate(&*google, GREETING, None, "ae", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unsupported(m) if m.contains("Invalid Value")),
        "{err:?}"
    );
    assert_eq!(mock.log.all().len(), 1);
    let err = translate(&*google, GREETING, None, "x-klingon", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Unsupported(_)), "{err:?}");
    assert_eq!(mock.log.all().len(), 1);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_the_key_stays_out_of_the_message() {
    let google = translator(&TranslatorConfig::Google {
        api_key: KEY.into(),
        base_url: Some(closed_url()),
    });
    let err = translate(&*google, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    let TranslateError::Unavailable(message) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.starts_with("Google translation request could not connect"),
        "{message}"
    );
    assert!(!message.contains(KEY), "{message}");
    assert!(!err.to_string().contains(KEY));
}
