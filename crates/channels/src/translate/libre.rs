//! LibreTranslate: `POST {url}/translate` with a JSON body.
//!
//! Followed <https://docs.libretranslate.com/guides/api_usage> and the OpenAPI description
//! the server publishes at `/docs` (LibreTranslate's `app.py`): body
//! `{"q", "source" ("auto" to detect), "target", "format": "text", "api_key"?}`, answer
//! `{"translatedText", "detectedLanguage"?: {"language", "confidence"}}` (the latter only
//! for `auto`). Errors are `{"error": "…"}` with 400 for an invalid request — including
//! "xx is not supported", "… is not available as a target language from …" and, on
//! instances that require one, "… to get an API key" —, 403 for an invalid key or a client
//! banned for too many limit violations, 429 "Slowdown", 500 for a failed translation.
//!
//! Only the ISO 639-1 code is sent: instances disagree on regional codes (older ones use
//! `zt` and `pb`, newer ones `zh-Hant` and `pt-BR`), and every version knows `zh` and `pt`.

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::{detected, root, send, Engine, Language, Raw, TranslateError};

pub(crate) const PROVIDER: &str = "libretranslate";
const NAME: &str = "LibreTranslate";

pub(crate) struct Libre {
    http: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
}

impl Libre {
    pub(crate) fn new(http: reqwest::Client, url: &str, api_key: Option<&str>) -> Self {
        Self {
            http,
            endpoint: format!("{}/translate", root(url)),
            api_key: api_key
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    q: &'a str,
    source: &'a str,
    target: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    translated_text: String,
    #[serde(default)]
    detected_language: Option<Detected>,
}

#[derive(Deserialize)]
struct Detected {
    language: String,
}

#[async_trait]
impl Engine for Libre {
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
            q: text,
            source: source.map_or("auto", Language::primary),
            target: target.primary(),
            format: "text",
            api_key: self.api_key.as_deref(),
        };
        let answer = send(NAME, self.http.post(&self.endpoint).json(&body)).await?;
        if answer.status != StatusCode::OK {
            let detail = answer.detail();
            let lower = detail.to_ascii_lowercase();
            return Err(match answer.status {
                StatusCode::BAD_REQUEST
                    if lower.contains("not supported") || lower.contains("not available") =>
                {
                    TranslateError::Unsupported(format!(
                        "LibreTranslate does not translate {} → {} (HTTP 400): {detail}",
                        body.source, body.target
                    ))
                }
                StatusCode::BAD_REQUEST if lower.contains("api key") => TranslateError::Auth(
                    format!("LibreTranslate needs an API key (HTTP 400): {detail}"),
                ),
                StatusCode::FORBIDDEN if lower.contains("limit") => TranslateError::Quota(format!(
                    "LibreTranslate banned this client for too many requests (HTTP 403): {detail}"
                )),
                _ => answer.error(NAME),
            });
        }
        let parsed: Answer = answer.json(NAME)?;
        Ok(Raw {
            text: parsed.translated_text,
            detected_source: parsed
                .detected_language
                .as_ref()
                .and_then(|d| detected(&d.language)),
        })
    }
}
