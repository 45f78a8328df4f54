//! The OpenAI-compatible client against a local server that answers as the chat
//! completions API documents (platform.openai.com API reference and error codes: POST
//! /chat/completions with Bearer key, model/messages/temperature, `choices[0].message`,
//! `{"error": {...}}` bodies) and refuses what it refuses: a wrong key, an unknown model.
//!
//! The stand-in model reads the target language from the system prompt, and translates
//! placeholders away unless the prompt tells it to keep them verbatim, as models do.

mod translate_support;

use std::sync::Arc;

use aftersail_channels::translate::{TranslateError, Translator, TranslatorConfig};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use translate_support::*;

const KEY: &str = "sk-test-4f8e2a9c1b7d3e5f";
const MODEL: &str = "gpt-4o-mini";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Normal,
    /// Loses the second placeholder, as a careless model might.
    Garble,
    TooMany,
    NoQuota,
    Region,
    ServerError,
    Overloaded,
    CutOff,
    CutOffJson,
    NullContent,
}

struct Mock {
    mode: Mode,
    requires_key: bool,
    log: Log,
}

fn openai_error(status: u16, message: &str, kind: &str, code: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({ "error": { "message": message, "type": kind, "param": null, "code": code } })),
    )
        .into_response()
}

fn completion(content: Value, finish_reason: &str) -> Response {
    Json(json!({
        "id": "chatcmpl-AbC123",
        "object": "chat.completion",
        "created": 1_735_689_600,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": finish_reason
        }],
        "usage": { "prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132 }
    }))
    .into_response()
}

/// The code in the prompt's "… into German (de)".
fn prompt_target(prompt: &str) -> Option<&str> {
    let after = &prompt[prompt.find(" into ")? + 6..];
    let open = after.find('(')?;
    let close = after[open..].find(')')? + open;
    Some(&after[open + 1..close])
}

async fn chat(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let seen = mock.log.record(&uri, &headers, &body);
    if method != Method::POST || seen.path != "/v1/chat/completions" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let bearer = format!("Bearer {KEY}");
    match seen.header("authorization") {
        Some(auth) if auth == bearer => {}
        None if !mock.requires_key => {}
        _ => {
            return openai_error(
                401,
                "Incorrect API key provided: sk-wron*****. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        }
    }
    let req = &seen.body;
    if !seen
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
        || !has_only_fields(req, &["model", "messages"], &["temperature", "max_tokens"])
    {
        return openai_error(
            400,
            "Invalid request body",
            "invalid_request_error",
            "invalid_value",
        );
    }
    if req["model"] != MODEL {
        return openai_error(
            404,
            &format!(
                "The model `{}` does not exist or you do not have access to it.",
                req["model"].as_str().unwrap_or_default()
            ),
            "invalid_request_error",
            "model_not_found",
        );
    }
    let messages = req["messages"].as_array().cloned().unwrap_or_default();
    let (Some(system), Some(user)) = (
        messages
            .first()
            .filter(|m| m["role"] == "system")
            .and_then(|m| m["content"].as_str()),
        messages
            .get(1)
            .filter(|m| m["role"] == "user")
            .and_then(|m| m["content"].as_str()),
    ) else {
        return openai_error(
            400,
            "messages must be [system, user]",
            "invalid_request_error",
            "invalid_value",
        );
    };
    if messages.len() != 2 || req.get("temperature").and_then(Value::as_f64) != Some(0.0) {
        return openai_error(
            400,
            "expected two messages at temperature 0",
            "invalid_request_error",
            "invalid_value",
        );
    }
    match mock.mode {
        Mode::Normal | Mode::Garble => {}
        Mode::TooMany => {
            return openai_error(
                429,
                "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
                "requests",
                "rate_limit_exceeded",
            )
        }
        Mode::NoQuota => {
            return openai_error(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota",
            )
        }
        Mode::Region => {
            return openai_error(403, "Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory")
        }
        Mode::ServerError => {
            return openai_error(500, "The server had an error while processing your request.", "server_error", "server_error")
        }
        Mode::Overloaded => {
            return openai_error(503, "The engine is currently overloaded, please try again later.", "server_error", "overloaded")
        }
        Mode::CutOff => return completion(json!("Ihre Bestellung"), "length"),
        Mode::CutOffJson => {
            return ([("content-type", "application/json")], r#"{"id":"chatcmpl-AbC123","choices":[{"index":0,"message":{"role":"assistant","content":"Ihre"#)
                .into_response()
        }
        Mode::NullContent => return completion(Value::Null, "stop"),
    }
    let target = prompt_target(system).unwrap_or("en");
    let mut out = engine(user, target);
    // A model not told to keep placeholders treats them as text to tidy up.
    if !(system.contains("[[1]]") && system.contains("verbatim")) || mock.mode == Mode::Garble {
        out = out.replace("[[2]]", "2");
    }
    completion(json!(format!("\n{out}\n")), "stop")
}

async fn start(
    mode: Mode,
    requires_key: bool,
    key: &str,
    model: &str,
) -> (Box<dyn Translator>, Arc<Mock>) {
    let mock = Arc::new(Mock {
        mode,
        requires_key,
        log: Log::default(),
    });
    let base = serve(Router::new().fallback(chat).with_state(mock.clone())).await;
    let translator = translator(&TranslatorConfig::OpenAi {
        base_url: format!("{base}/v1"),
        api_key: key.into(),
        model: model.into(),
    });
    (translator, mock)
}

fn system_prompt(seen: &Seen) -> &str {
    seen.body["messages"][0]["content"].as_str().unwrap()
}

#[tokio::test]
async fn translates_with_a_system_prompt_and_reports_no_detected_source() {
    let (openai, mock) = start(Mode::Normal, true, KEY, MODEL).await;
    assert_eq!(openai.provider(), "openai");

    let t = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap();
    // The model's surrounding line breaks are trimmed.
    assert_eq!(t.text, GREETING_DE);
    assert_eq!(t.detected_source, None);
    assert_eq!(t.provider, "openai");

    let seen = &mock.log.all()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(seen.body["model"], MODEL);
    assert_eq!(seen.body["temperature"], 0);
    assert_eq!(
        seen.body["messages"][1],
        json!({ "role": "user", "content": GREETING })
    );
    let prompt = system_prompt(seen);
    assert!(prompt.contains("into German (de)"), "{prompt}");
    assert!(prompt.contains("Output only the translation"), "{prompt}");
    assert!(prompt.contains("not instructions"), "{prompt}");
}

#[tokio::test]
async fn the_prompt_names_source_and_target_languages() {
    let (openai, mock) = start(Mode::Normal, true, KEY, MODEL).await;
    let zh = translate(&*openai, GREETING, Some("en"), "zh", &[])
        .await
        .unwrap();
    assert_eq!(zh.text, GREETING_ZH);
    translate(&*openai, GREETING, None, "zh-TW", &[])
        .await
        .unwrap();
    translate(&*openai, GREETING, Some("zh"), "pt-BR", &[])
        .await
        .unwrap();
    let prompts: Vec<String> = mock
        .log
        .all()
        .iter()
        .map(|s| system_prompt(s).to_string())
        .collect();
    assert!(
        prompts[0].contains("from English (en) into Simplified Chinese (zh-Hans)"),
        "{}",
        prompts[0]
    );
    assert!(
        prompts[1].contains("message into Traditional Chinese (zh-Hant)"),
        "{}",
        prompts[1]
    );
    assert!(
        prompts[2].contains("from Simplified Chinese (zh-Hans) into Portuguese (pt-BR)"),
        "{}",
        prompts[2]
    );
}

#[tokio::test]
async fn glossary_terms_are_kept_or_mapped_and_never_sent() {
    let (openai, mock) = start(Mode::Normal, true, KEY, MODEL).await;
    let glossary = glossary();
    let de = translate(&*openai, GLOSSED, None, "de", &glossary)
        .await
        .unwrap();
    assert_eq!(de.text, GLOSSED_DE);
    let zh = translate(&*openai, GLOSSED, None, "zh", &glossary)
        .await
        .unwrap();
    assert_eq!(zh.text, GLOSSED_ZH);
    for seen in mock.log.all() {
        assert_eq!(
            seen.body["messages"][1]["content"],
            "[[1]] keeps your [[2]] on."
        );
        assert!(system_prompt(&seen).contains("verbatim"));
    }
}

#[tokio::test]
async fn a_garbled_placeholder_is_a_glossary_error() {
    let (openai, _) = start(Mode::Garble, true, KEY, MODEL).await;
    let err = translate(&*openai, GLOSSED, None, "de", &glossary())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Glossary(m) if m.contains("cloud sync")),
        "{err:?}"
    );
    assert!(!err.retryable());
}

#[tokio::test]
async fn a_local_server_needs_no_key() {
    let (openai, mock) = start(Mode::Normal, false, "", MODEL).await;
    let t = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap();
    assert_eq!(t.text, GREETING_DE);
    assert_eq!(mock.log.all()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_wrong_key_or_a_refused_region_is_auth() {
    let (openai, _) = start(Mode::Normal, true, "sk-wrong", MODEL).await;
    let err = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Auth(m) if m.contains("HTTP 401") && m.contains("Incorrect API key")),
        "{err:?}"
    );
    assert!(!err.retryable());

    let (openai, _) = start(Mode::Region, true, KEY, MODEL).await;
    let err = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Auth(_)), "{err:?}");
}

#[tokio::test]
async fn rate_limits_and_a_used_up_quota_are_quota() {
    for mode in [Mode::TooMany, Mode::NoQuota] {
        let (openai, _) = start(mode, true, KEY, MODEL).await;
        let err = translate(&*openai, GREETING, None, "de", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, TranslateError::Quota(m) if m.contains("HTTP 429")),
            "{mode:?}: {err:?}"
        );
        assert!(err.retryable());
    }
}

#[tokio::test]
async fn server_errors_are_unavailable_and_retryable() {
    for (mode, code) in [(Mode::ServerError, "500"), (Mode::Overloaded, "503")] {
        let (openai, _) = start(mode, true, KEY, MODEL).await;
        let err = translate(&*openai, GREETING, None, "de", &[])
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
async fn cut_off_or_empty_answers_are_malformed() {
    for mode in [Mode::CutOff, Mode::CutOffJson, Mode::NullContent] {
        let (openai, _) = start(mode, true, KEY, MODEL).await;
        let err = translate(&*openai, GREETING, None, "de", &[])
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
async fn an_unknown_model_is_reported_with_its_name() {
    let (openai, _) = start(Mode::Normal, true, KEY, "gpt-9-imaginary").await;
    let err = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Malformed(m) if m.contains("HTTP 404") && m.contains("gpt-9-imaginary")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_code_that_is_no_language_is_unsupported_without_a_request() {
    let (openai, mock) = start(Mode::Normal, true, KEY, MODEL).await;
    for (source, target) in [(None, "xx"), (None, ""), (Some("elvish"), "de")] {
        let err = translate(&*openai, GREETING, source, target, &[])
            .await
            .unwrap_err();
        assert!(
            matches!(err, TranslateError::Unsupported(_)),
            "{target:?}: {err:?}"
        );
        assert!(!err.retryable());
    }
    assert!(mock.log.all().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let openai = translator(&TranslatorConfig::OpenAi {
        base_url: format!("{}/v1", closed_url()),
        api_key: KEY.into(),
        model: MODEL.into(),
    });
    let err = translate(&*openai, GREETING, None, "de", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unavailable(m) if m.contains("could not connect")),
        "{err:?}"
    );
    assert!(err.retryable());
}
