//! Google Cloud Translation – Basic (v2): `POST {base}/language/translate/v2?key=KEY` with a
//! JSON body.
//!
//! Followed:
//! - <https://cloud.google.com/translate/docs/basic/translating-text>: POST with JSON naming
//!   `q` (a list), `target`, optional `source`, and `format` (`text` here, so nothing is read
//!   as HTML); an API key goes in the `key` query parameter;
//! - the v2 REST reference (`TranslateTextRequest`; answer
//!   `{"data": {"translations": [{"translatedText", "detectedSourceLanguage"}]}}`, the latter
//!   only when no source was given);
//! - <https://cloud.google.com/translate/docs/languages>: ISO 639-1 codes, Chinese as
//!   `zh-CN`/`zh-TW`, Portuguese as `pt` (Brazil) or `pt-PT`;
//! - Google's JSON error shape `{"error": {"code", "message", "status", "errors":
//!   [{"reason"}], "details": [{"reason"}]}}`: a wrong key is HTTP **400** with reason
//!   `API_KEY_INVALID` (not 401); a disabled API or unregistered caller is 403
//!   `PERMISSION_DENIED`; quotas are 429, or 403 with a `…LimitExceeded` reason; an unknown
//!   language is 400 "Invalid Value" / "Bad language pair".
//!
//! Defaults: Chinese → `zh-CN` (simplified), `zh-Hant`/`zh-TW`/`zh-HK`/`zh-MO` → `zh-TW`;
//! Portuguese → `pt`, Portuguese with a region other than Brazil → `pt-PT`.

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{detected, root, send, Engine, Language, Raw, TranslateError};

pub(crate) const PROVIDER: &str = "google";
const NAME: &str = "Google";
pub(crate) const DEFAULT_URL: &str = "https://translation.googleapis.com";

pub(crate) struct Google {
    http: reqwest::Client,
    endpoint: String,
    api_key: String,
}

impl Google {
    pub(crate) fn new(http: reqwest::Client, api_key: &str, base_url: Option<&str>) -> Self {
        let base = base_url
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(root)
            .unwrap_or_else(|| DEFAULT_URL.to_string());
        Self {
            http,
            endpoint: format!("{base}/language/translate/v2"),
            api_key: api_key.trim().to_string(),
        }
    }
}

pub(crate) fn code(lang: &Language) -> String {
    match lang.primary() {
        "zh" if lang.traditional_chinese() => "zh-TW".into(),
        "zh" => "zh-CN".into(),
        "pt" => match lang.region() {
            None | Some("BR") => "pt".into(),
            Some(_) => "pt-PT".into(),
        },
        other => other.into(),
    }
}

#[derive(Serialize)]
struct Body<'a> {
    q: [&'a str; 1],
    target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    format: &'static str,
}

#[derive(Deserialize)]
struct Answer {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    translations: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    translated_text: String,
    #[serde(default)]
    detected_source_language: Option<String>,
}

/// The `reason`s and `status` of a Google error body, upper-cased.
fn reasons(body: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for list in ["/error/errors", "/error/details"] {
        if let Some(items) = v.pointer(list).and_then(Value::as_array) {
            out.extend(
                items
                    .iter()
                    .filter_map(|i| i.get("reason").and_then(Value::as_str))
                    .map(str::to_ascii_uppercase),
            );
        }
    }
    if let Some(status) = v.pointer("/error/status").and_then(Value::as_str) {
        out.push(status.to_ascii_uppercase());
    }
    out
}

#[async_trait]
impl Engine for Google {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    async fn call(
        &self,
        text: &str,
        source: Option<&Language>,
        target: &Language,
    ) -> Result<Raw, TranslateError> {
        let body = Body {
            q: [text],
            target: code(target),
            source: source.map(code),
            format: "text",
        };
        let answer = send(
            NAME,
            self.http
                .post(&self.endpoint)
                .query(&[("key", &self.api_key)])
                .json(&body),
        )
        .await?;
        if answer.status != StatusCode::OK {
            let reasons = reasons(&answer.body);
            let has = |wanted: &[&str]| reasons.iter().any(|r| wanted.contains(&r.as_str()));
            let code = answer.status.as_u16();
            let detail = answer.detail();
            return Err(match answer.status {
                StatusCode::BAD_REQUEST if has(&["API_KEY_INVALID", "KEYINVALID"]) => {
                    TranslateError::Auth(format!("Google refused the API key (HTTP 400): {detail}"))
                }
                StatusCode::BAD_REQUEST
                    if detail.contains("Invalid Value")
                        || detail.contains("language")
                        || detail.contains("not supported") =>
                {
                    TranslateError::Unsupported(format!(
                        "Google does not translate {} → {} (HTTP 400): {detail}",
                        body.source.as_deref().unwrap_or("auto"),
                        body.target
                    ))
                }
                StatusCode::FORBIDDEN
                    if has(&[
                        "RATELIMITEXCEEDED",
                        "USERRATELIMITEXCEEDED",
                        "DAILYLIMITEXCEEDED",
                        "QUOTAEXCEEDED",
                        "RATE_LIMIT_EXCEEDED",
                        "RESOURCE_EXHAUSTED",
                    ]) =>
                {
                    TranslateError::Quota(format!("Google quota exceeded (HTTP {code}): {detail}"))
                }
                _ => answer.error(NAME),
            });
        }

        let parsed: Answer = answer.json(NAME)?;
        let item = parsed.data.translations.into_iter().next().ok_or_else(|| {
            TranslateError::Malformed("Google answered without a translation".into())
        })?;
        Ok(Raw {
            text: item.translated_text,
            detected_source: item.detected_source_language.as_deref().and_then(detected),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint() {
        let http = reqwest::Client::new();
        assert_eq!(
            Google::new(http.clone(), "k", None).endpoint,
            "https://translation.googleapis.com/language/translate/v2"
        );
        assert_eq!(
            Google::new(http, "k", Some("http://127.0.0.1:9/")).endpoint,
            "http://127.0.0.1:9/language/translate/v2"
        );
    }

    #[test]
    fn language_codes() {
        for (ours, theirs) in [
            ("zh", "zh-CN"),
            ("zh-Hans", "zh-CN"),
            ("zh-TW", "zh-TW"),
            ("zh-Hant", "zh-TW"),
            ("pt", "pt"),
            ("pt-BR", "pt"),
            ("pt-PT", "pt-PT"),
            ("en-GB", "en"),
            ("DE", "de"),
            ("he", "he"),
        ] {
            assert_eq!(code(&Language::parse(ours).unwrap()), theirs, "{ours}");
        }
    }
}
