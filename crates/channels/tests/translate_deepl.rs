//! The DeepL client against a local server that answers as DeepL documents
//! (developers.deepl.com: /v2/translate, DeepL-Auth-Key, 429/456, supported languages)
//! and refuses a request DeepL would refuse: wrong path or key, fields DeepL does not
//! know, language codes DeepL does not have.

mod translate_support;

use std::sync::Arc;

use aftersail_channels::translate::{TranslateError, Translator, TranslatorConfig};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use translate_support::*;

const KEY: &str = "0b8c2e1a-7d3f-4c55-9a10-2f6e1d9b3c47:fx";

const TARGETS: &[&str] = &[
    "DE", "FR", "ES", "JA", "EN-US", "EN-GB", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT",
];
const SOURCES: &[&str] = &["DE", "EN", "FR", "ES", "JA", "PT", "ZH"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Normal,
    TooMany,
    QuotaUsedUp,
    ServerError,
    CutOffJson,
    NoTranslations,
}

struct Mock {
    mode: Mode,
    log: Log,
}

fn refuse(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({ "message": message })),
    )
        .into_response()
}

async fn deepl(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let seen = mock.log.record(&uri, &headers, &body);
    if method != Method::POST || seen.path != "/v2/translate" {
        return StatusCode::NOT_FOUND.into_response();
    }
    if seen.header("authorization") != Some(&format!("DeepL-Auth-Key {KEY}")) {
        return refuse(403, "Authorization failure, check auth_key");
    }
    if !seen
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
    {
        return refuse(400, "Unsupported content type");
    }
    let req = &seen.body;
    if !has_only_fields(req, &["text", "target_lang"], &["source_lang"]) {
        return refuse(400, "Invalid request: unexpected or missing parameters");
    }
    let Some(text) = req["text"]
        .as_array()
        .filter(|t| t.len() == 1)
        .and_then(|t| t[0].as_str())
    else {
        return refuse(400, "Parameter 'text' not specified.");
    };
    let target = req["target_lang"].as_str().unwrap_or_default();
    if !TARGETS.contains(&target) {
        return refuse(400, "Value for 'target_lang' not supported.");
    }
    let source = match req.get("source_lang") {
        None => None,
        Some(Value::String(s)) if SOURCES.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => return refuse(400, "Value for 'source_lang' not supported."),
    };
    match mock.mode {
        Mode::Normal => {}
        Mode::TooMany => return refuse(429, "Too many requests"),
        Mode::QuotaUsedUp => return refuse(456, "Quota exceeded"),
        Mode::ServerError => return refuse(500, "Internal server error"),
        Mode::CutOffJson => {
            return (
                [("content-type", "application/json")],
                r#"{"translations":[{"detected_source_language":"EN","te"#,
            )
                .into_response()
        }
        Mode::NoTranslations => return Json(json!({ "translations": [] })).into_response(),
    }
    // DeepL reports the source it was given, or the one it detected.
    let detected = source.unwrap_or_else(|| detect(text).to_ascii_uppercase());
    Json(json!({
        "translations": [{ "detected_source_language": detected, "text": engine(text, target) }]
    }))
    .into_response()
}

async fn start(mode: Mode, key: &str) -> (Box<dyn Translator>, Arc<Mock>) {
    let mock = Arc::new(Mock {
        mode,
        log: Log::default(),
    });
    let base = serve(Router::new().fallback(deepl).with_state(mock.clone())).await;
    let translator = translator(&TranslatorConfig::Deepl {
        api_key: key.into(),
        base_url: Some(base),
    });
    (translator, mock)
}

#[tokio::test]
async fn translates_and_reports_the_detected_source() {
    let (deepl, mock) = start(Mode::Normal, KEY).await;
    assert_eq!(deepl.provider(), "deepl");

    let t = translate(&*deepl, GREETING, None, "de", &[]).await.unwrap();
    assert_eq!(t.text, GREETING_DE);
    assert_eq!(t.detected_source.as_deref(), Some("en"));
    assert_eq!(t.provider, "deepl");

    let seen = mock.log.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v2/translate");
    assert_eq!(
        seen[0].body,
        json!({ "text": [GREETING], "target_lang": "DE" })
    );
}

#[tokio::test]
async fn our_language_codes_become_deepl_codes() {
    let (deepl, mock) = start(Mode::Normal, KEY).await;
    let cases = [
        ("zh", Some("en"), "ZH-HANS", Some("EN")),
        ("zh-TW", None, "ZH-HANT", None),
        ("en", Some("zh"), "EN-US", Some("ZH")),
        ("en-GB", None, "EN-GB", None),
        ("pt", None, "PT-BR", None),
        ("pt-PT", Some("de"), "PT-PT", Some("DE")),
        ("ja", Some("pt-BR"), "JA", Some("PT")),
    ];
    for (target, source, _, _) in cases {
        translate(&*deepl, GREETING, source, target, &[])
            .await
            .unwrap_or_else(|e| panic!("{target}: {e}"));
    }
    let seen = mock.log.all();
    assert_eq!(seen.len(), cases.len());
    for (seen, (target, _, deepl_target, deepl_source)) in seen.iter().zip(cases) {
        assert_eq!(seen.body["target_lang"], deepl_target, "{target}");
        assert_eq!(
            seen.body.get("source_lang").and_then(Value::as_str),
            deepl_source,
            "{target}"
        );
    }

    let zh = translate(&*deepl, GREETING, None, "zh", &[]).await.unwrap();
    assert_eq!(zh.text, GREETING_ZH);
    assert_eq!(zh.detected_source.as_deref(), Some("en"));
}

#[tokio::test]
async fn glossary_terms_are_kept_or_mapped_and_never_sent() {
    let (deepl, mock) = start(Mode::Normal, KEY).await;
    let glossary = glossary();

    let de = translate(&*deepl, GLOSSED, Some("en"), "de", &glossary)
        .await
        .unwrap();
    assert_eq!(de.text, GLOSSED_DE);
    let zh = translate(&*deepl, GLOSSED, None, "zh", &glossary)
        .await
        .unwrap();
    assert_eq!(zh.text, GLOSSED_ZH);

    for seen in mock.log.all() {
        let sent = seen.body["text"][0].as_str().unwrap();
        assert_eq!(sent, "[[1]] keeps your [[2]] on.");
    }
}

#[tokio::test]
async fn a_refused_key_is_auth() {
    let (deepl, _) = start(Mode::Normal, "0b8c2e1a-wrong:fx").await;
    let err = translate(&*deepl, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("HTTP 403") && m.contains("Authorization failure")),
        "{err:?}"
    );
    assert!(!err.retryable());
}

#[tokio::test]
async fn too_many_requests_and_a_used_up_quota_are_quota() {
    for (mode, code) in [(Mode::TooMany, "429"), (Mode::QuotaUsedUp, "456")] {
        let (deepl, _) = start(mode, KEY).await;
        let err = translate(&*deepl, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, TranslateError::Quota(m) if m.contains(code)),
            "{mode:?}: {err:?}"
        );
        assert!(err.retryable());
    }
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_retryable() {
    let (deepl, _) = start(Mode::ServerError, KEY).await;
    let err = translate(&*deepl, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unavailable(m) if m.contains("HTTP 500")),
        "{err:?}"
    );
    assert!(err.retryable());
}

#[tokio::test]
async fn an_answer_that_is_not_the_documented_json_is_malformed() {
    for mode in [Mode::CutOffJson, Mode::NoTranslations] {
        let (deepl, _) = start(mode, KEY).await;
        let err = translate(&*deepl, GREETING, None, "de", &[])
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
    let (deepl, mock) = start(Mode::Normal, KEY).await;
    // Swahili is a language, but not one DeepL translates into: DeepL's 400.
    let err = translate(&*deepl, GREETING, None, "sw", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unsupported(m) if m.contains("SW") && m.contains("target_lang")),
        "{err:?}"
    );
    assert!(!err.retryable());
    let err = translate(&*deepl, GREETING, Some("sw"), "de", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Unsupported(_)), "{err:?}");
    assert_eq!(mock.log.all().len(), 2);

    // Not a language code at all: refused before any request.
    for (source, target) in [(None, "xx"), (None, "klingon"), (Some("xx"), "de")] {
        let err = translate(&*deepl, GREETING, source, target, &[])
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::Unsupported(_)), "{err:?}");
    }
    assert_eq!(mock.log.all().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let deepl = translator(&TranslatorConfig::Deepl {
        api_key: KEY.into(),
        base_url: Some(closed_url()),
    });
    let err = translate(&*deepl, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unavailable(m) if m.starts_with("DeepL translation request could not connect")),
        "{err:?}"
    );
    assert!(err.retryable());
}

#[tokio::test]
async fn blank_text_needs_no_request() {
    let (deepl, mock) = start(Mode::Normal, KEY).await;
    let t = translate(&*deepl, " \n", None, "de", &glossary())
        .await
        .unwrap();
    assert_eq!(t.text, " \n");
    assert!(mock.log.all().is_empty());
}
