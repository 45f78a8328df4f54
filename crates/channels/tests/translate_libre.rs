//! The LibreTranslate client against a local server that answers as LibreTranslate's API
//! does (docs.libretranslate.com API usage and the server's OpenAPI: POST /translate with
//! q/source/target/format/api_key, `{"error": …}` bodies with 400/403/429/500) and refuses
//! what it refuses: unknown languages, a wrong or missing key where one is required.

mod translate_support;

use std::sync::Arc;

use aftersail_channels::translate::{TranslateError, Translator, TranslatorConfig};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use translate_support::*;

const KEY: &str = "5b6a9c2e-1f3d-4e7a-8b0c-d2e4f6a8b0c1";

/// What a typical instance has installed.
const LANGUAGES: &[&str] = &["de", "en", "es", "fr", "ja", "pt", "zh", "zt"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Normal,
    /// Answers like an engine that drops the placeholders.
    DropPlaceholders,
    TooMany,
    Banned,
    ServerError,
    WrongShape,
}

struct Mock {
    mode: Mode,
    /// Whether the instance was started with `--api-keys --require-api-key-secret`.
    requires_key: bool,
    log: Log,
}

fn error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({ "error": message })),
    )
        .into_response()
}

async fn libre(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let seen = mock.log.record(&uri, &headers, &body);
    if method != Method::POST || seen.path != "/translate" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let req = &seen.body;
    if !req.is_object() {
        return error(400, "Invalid JSON format");
    }
    match req.get("api_key").and_then(Value::as_str) {
        Some(KEY) => {}
        Some(_) => return error(403, "Invalid API key"),
        None if mock.requires_key => {
            return error(
                400,
                "Visit https://portal.libretranslate.com to get an API key",
            )
        }
        None => {}
    }
    if !has_only_fields(
        req,
        &["q", "source", "target"],
        &["format", "api_key", "alternatives"],
    ) {
        return error(400, "Invalid request: unexpected parameters");
    }
    let Some(text) = req["q"].as_str().filter(|q| !q.is_empty()) else {
        return error(400, "Invalid request: missing q parameter");
    };
    let source = req["source"].as_str().unwrap_or_default();
    let target = req["target"].as_str().unwrap_or_default();
    if source != "auto" && !LANGUAGES.contains(&source) {
        return error(400, &format!("{source} is not supported"));
    }
    if !LANGUAGES.contains(&target) {
        return error(400, &format!("{target} is not supported"));
    }
    let format = req.get("format").and_then(Value::as_str).unwrap_or("text");
    if !["text", "html"].contains(&format) {
        return error(400, &format!("{format} format is not supported"));
    }
    match mock.mode {
        Mode::Normal => {}
        Mode::DropPlaceholders => {
            return Json(json!({ "translatedText": "Das hält Ihre Wolke aktiv." })).into_response()
        }
        Mode::TooMany => return error(429, "Slowdown: 20 per 1 minute"),
        Mode::Banned => return error(403, "Too many request limits violations"),
        Mode::ServerError => return error(500, "Cannot translate text: CUDA out of memory"),
        Mode::WrongShape => {
            return Json(json!({ "translatedText": ["an", "array"] })).into_response()
        }
    }
    let mut answer = json!({ "translatedText": engine(text, target) });
    if source == "auto" {
        answer["detectedLanguage"] = json!({ "confidence": 90.0, "language": detect(text) });
    }
    Json(answer).into_response()
}

async fn start(
    mode: Mode,
    requires_key: bool,
    key: Option<&str>,
) -> (Box<dyn Translator>, Arc<Mock>) {
    let mock = Arc::new(Mock {
        mode,
        requires_key,
        log: Log::default(),
    });
    let url = serve(Router::new().fallback(libre).with_state(mock.clone())).await;
    let translator = translator(&TranslatorConfig::LibreTranslate {
        // A trailing slash, as people paste it.
        url: format!("{url}/"),
        api_key: key.map(str::to_string),
    });
    (translator, mock)
}

#[tokio::test]
async fn translates_and_reports_the_detected_source() {
    let (libre, mock) = start(Mode::Normal, true, Some(KEY)).await;
    assert_eq!(libre.provider(), "libretranslate");

    let t = translate(&*libre, GREETING, None, "de", &[]).await.unwrap();
    assert_eq!(t.text, GREETING_DE);
    assert_eq!(t.detected_source.as_deref(), Some("en"));
    assert_eq!(t.provider, "libretranslate");

    let seen = mock.log.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/translate");
    assert_eq!(
        seen[0].body,
        json!({ "q": GREETING, "source": "auto", "target": "de", "format": "text", "api_key": KEY })
    );
}

#[tokio::test]
async fn a_self_hosted_instance_needs_no_key() {
    let (libre, mock) = start(Mode::Normal, false, None).await;
    let t = translate(&*libre, GREETING, Some("en"), "zh", &[])
        .await
        .unwrap();
    assert_eq!(t.text, GREETING_ZH);
    // Only "auto" gets a detected language back.
    assert_eq!(t.detected_source, None);
    assert_eq!(
        mock.log.all()[0].body,
        json!({ "q": GREETING, "source": "en", "target": "zh", "format": "text" })
    );
}

#[tokio::test]
async fn regional_tags_are_sent_as_their_iso_639_1_code() {
    let (libre, mock) = start(Mode::Normal, false, None).await;
    let cases = [
        ("zh-TW", Some("en-GB"), "zh", "en"),
        ("pt-BR", None, "pt", "auto"),
        ("zh-Hans", Some("pt-PT"), "zh", "pt"),
    ];
    for (target, source, _, _) in cases {
        translate(&*libre, GREETING, source, target, &[])
            .await
            .unwrap_or_else(|e| panic!("{target}: {e}"));
    }
    for (seen, (target, _, libre_target, libre_source)) in mock.log.all().iter().zip(cases) {
        assert_eq!(seen.body["target"], libre_target, "{target}");
        assert_eq!(seen.body["source"], libre_source, "{target}");
    }
}

#[tokio::test]
async fn glossary_terms_are_kept_or_mapped_and_never_sent() {
    let (libre, mock) = start(Mode::Normal, false, None).await;
    let glossary = glossary();
    let de = translate(&*libre, GLOSSED, None, "de", &glossary)
        .await
        .unwrap();
    assert_eq!(de.text, GLOSSED_DE);
    let zh = translate(&*libre, GLOSSED, Some("en"), "zh", &glossary)
        .await
        .unwrap();
    assert_eq!(zh.text, GLOSSED_ZH);
    for seen in mock.log.all() {
        assert_eq!(seen.body["q"], "[[1]] keeps your [[2]] on.");
    }
}

#[tokio::test]
async fn a_lost_placeholder_is_a_glossary_error() {
    let (libre, _) = start(Mode::DropPlaceholders, false, None).await;
    let err = translate(&*libre, GLOSSED, None, "de", &glossary())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Glossary(m) if m.contains("Aftersail Pro")),
        "{err:?}"
    );
    assert!(!err.retryable());
    // Without a glossary the same answer is simply the translation.
    let t = translate(&*libre, GLOSSED, None, "de", &[]).await.unwrap();
    assert_eq!(t.text, "Das hält Ihre Wolke aktiv.");
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_auth() {
    let (libre, _) = start(Mode::Normal, true, Some("not-a-key")).await;
    let err = translate(&*libre, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("Invalid API key")),
        "{err:?}"
    );
    assert!(!err.retryable());

    // An empty key is no key.
    let (libre, mock) = start(Mode::Normal, true, Some(" ")).await;
    let err = translate(&*libre, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("to get an API key")),
        "{err:?}"
    );
    assert!(mock.log.all()[0].body.get("api_key").is_none());
}

#[tokio::test]
async fn rate_limits_and_bans_are_quota() {
    for mode in [Mode::TooMany, Mode::Banned] {
        let (libre, _) = start(mode, false, None).await;
        let err = translate(&*libre, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::Quota(_)), "{mode:?}: {err:?}");
        assert!(err.retryable());
    }
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_retryable() {
    let (libre, _) = start(Mode::ServerError, false, None).await;
    let err = translate(&*libre, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unavailable(m) if m.contains("HTTP 500") && m.contains("Cannot translate text")),
        "{err:?}"
    );
    assert!(err.retryable());
}

#[tokio::test]
async fn an_answer_that_is_not_the_documented_json_is_malformed() {
    let (libre, _) = start(Mode::WrongShape, false, None).await;
    let err = translate(&*libre, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Malformed(_)), "{err:?}");
    assert!(!err.retryable());
}

#[tokio::test]
async fn a_language_the_instance_lacks_is_unsupported() {
    let (libre, mock) = start(Mode::Normal, false, None).await;
    let err = translate(&*libre, GREETING, None, "sw", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unsupported(m) if m.contains("sw is not supported")),
        "{err:?}"
    );
    let err = translate(&*libre, GREETING, Some("sw"), "de", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Unsupported(_)), "{err:?}");
    assert_eq!(mock.log.all().len(), 2);
    let err = translate(&*libre, GREETING, None, "qq", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Unsupported(_)), "{err:?}");
    assert_eq!(mock.log.all().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let libre = translator(&TranslatorConfig::LibreTranslate {
        url: closed_url(),
        api_key: None,
    });
    let err = translate(&*libre, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unavailable(m) if m.starts_with("LibreTranslate translation request could not connect")),
        "{err:?}"
    );
}
