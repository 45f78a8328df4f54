//! DeepL API, text translation: `POST {base}/v2/translate` with a JSON body.
//!
//! Followed:
//! - <https://developers.deepl.com/docs/api-reference/translate>: body
//!   `{"text": [..], "target_lang", "source_lang"?}`, answer
//!   `{"translations": [{"detected_source_language", "text"}]}`;
//! - <https://developers.deepl.com/docs/getting-started/auth>: header
//!   `Authorization: DeepL-Auth-Key KEY`; free keys end in `:fx` and use
//!   `api-free.deepl.com`, other keys `api.deepl.com`;
//! - <https://developers.deepl.com/docs/best-practices/error-handling>: 429 too many
//!   requests, 456 quota exceeded, 5xx temporary; 403 is a refused key;
//! - <https://developers.deepl.com/docs/resources/supported-languages>: source codes are
//!   bare (`EN`, `PT`, `ZH`); targets name variants: `EN-GB`/`EN-US`, `PT-BR`/`PT-PT`,
//!   `ZH-HANS`/`ZH-HANT`. An unknown code is a 400 naming `target_lang` or `source_lang`.
//!
//! Defaults where our code has no region: English → `EN-US`, Portuguese → `PT-BR` (the
//! larger markets), Chinese → `ZH-HANS` (simplified). `en-GB`, `en-AU`, `en-IE`, `en-NZ`,
//! `en-ZA`, `en-IN` → `EN-GB`; Portuguese with any region but Brazil → `PT-PT`; `zh-Hant`,
//! `zh-TW`, `zh-HK`, `zh-MO` → `ZH-HANT`.

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::{detected, root, send, Engine, Language, Raw, TranslateError};

pub(crate) const PROVIDER: &str = "deepl";
const NAME: &str = "DeepL";
pub(crate) const PRO_URL: &str = "https://api.deepl.com";
pub(crate) const FREE_URL: &str = "https://api-free.deepl.com";

pub(crate) struct Deepl {
    http: reqwest::Client,
    endpoint: String,
    api_key: String,
}

impl Deepl {
    pub(crate) fn new(http: reqwest::Client, api_key: &str, base_url: Option<&str>) -> Self {
        let api_key = api_key.trim().to_string();
        let base = match base_url.map(str::trim).filter(|b| !b.is_empty()) {
            Some(base) => root(base),
            None => default_base(&api_key).to_string(),
        };
        Self {
            http,
            endpoint: format!("{base}/v2/translate"),
            api_key,
        }
    }
}

/// Free keys (`…:fx`) only work on the free endpoint.
pub(crate) fn default_base(api_key: &str) -> &'static str {
    if api_key.trim().ends_with(":fx") {
        FREE_URL
    } else {
        PRO_URL
    }
}

pub(crate) fn target_code(lang: &Language) -> String {
    match lang.primary() {
        "en" => match lang.region() {
            Some("GB" | "IE" | "AU" | "NZ" | "ZA" | "IN") => "EN-GB".into(),
            _ => "EN-US".into(),
        },
        "pt" => match lang.region() {
            None | Some("BR") => "PT-BR".into(),
            Some(_) => "PT-PT".into(),
        },
        "zh" if lang.traditional_chinese() => "ZH-HANT".into(),
        "zh" => "ZH-HANS".into(),
        // DeepL has Norwegian as Bokmål only.
        "no" => "NB".into(),
        other => other.to_ascii_uppercase(),
    }
}

pub(crate) fn source_code(lang: &Language) -> String {
    match lang.primary() {
        "no" => "NB".into(),
        other => other.to_ascii_uppercase(),
    }
}

#[derive(Serialize)]
struct Body<'a> {
    text: [&'a str; 1],
    target_lang: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_lang: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    translations: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    text: String,
    #[serde(default)]
    detected_source_language: Option<String>,
}

#[async_trait]
impl Engine for Deepl {
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
            text: [text],
            target_lang: target_code(target),
            source_lang: source.map(source_code),
        };
        let answer = send(
            NAME,
            self.http
                .post(&self.endpoint)
                .header(
                    reqwest::header::AUTHORIZATION,
                    format!("DeepL-Auth-Key {}", self.api_key),
                )
                .json(&body),
        )
        .await?;

        let code = answer.status.as_u16();
        match answer.status {
            StatusCode::OK => {}
            StatusCode::BAD_REQUEST => {
                let detail = answer.detail();
                let lower = detail.to_ascii_lowercase();
                return Err(
                    if lower.contains("target_lang") || lower.contains("source_lang") {
                        TranslateError::Unsupported(format!(
                            "DeepL does not translate {} → {} (HTTP 400): {detail}",
                            body.source_lang.as_deref().unwrap_or("auto"),
                            body.target_lang
                        ))
                    } else {
                        answer.error(NAME)
                    },
                );
            }
            _ if code == 456 => {
                return Err(TranslateError::Quota(format!(
                    "DeepL character quota used up (HTTP 456): {}",
                    answer.detail()
                )))
            }
            _ => return Err(answer.error(NAME)),
        }

        let parsed: Answer = answer.json(NAME)?;
        let item = parsed.translations.into_iter().next().ok_or_else(|| {
            TranslateError::Malformed("DeepL answered without a translation".into())
        })?;
        Ok(Raw {
            text: item.text,
            detected_source: item.detected_source_language.as_deref().and_then(detected),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_picks_the_endpoint_unless_one_is_configured() {
        let http = reqwest::Client::new();
        assert_eq!(
            Deepl::new(http.clone(), "abc:fx", None).endpoint,
            "https://api-free.deepl.com/v2/translate"
        );
        assert_eq!(
            Deepl::new(http.clone(), " abc:fx ", Some(" ")).endpoint,
            "https://api-free.deepl.com/v2/translate"
        );
        assert_eq!(
            Deepl::new(http.clone(), "abc", None).endpoint,
            "https://api.deepl.com/v2/translate"
        );
        assert_eq!(
            Deepl::new(http, "abc:fx", Some("http://127.0.0.1:9/")).endpoint,
            "http://127.0.0.1:9/v2/translate"
        );
    }

    #[test]
    fn language_codes() {
        let target = |tag: &str| target_code(&Language::parse(tag).unwrap());
        let source = |tag: &str| source_code(&Language::parse(tag).unwrap());
        for (ours, theirs) in [
            ("en", "EN-US"),
            ("en-US", "EN-US"),
            ("en-CA", "EN-US"),
            ("en-GB", "EN-GB"),
            ("en-au", "EN-GB"),
            ("pt", "PT-BR"),
            ("pt-BR", "PT-BR"),
            ("pt-PT", "PT-PT"),
            ("pt-AO", "PT-PT"),
            ("zh", "ZH-HANS"),
            ("zh-CN", "ZH-HANS"),
            ("zh-Hant", "ZH-HANT"),
            ("zh-TW", "ZH-HANT"),
            ("de", "DE"),
            ("de-AT", "DE"),
            ("ja", "JA"),
            ("no", "NB"),
            ("nb", "NB"),
        ] {
            assert_eq!(target(ours), theirs, "target {ours}");
        }
        for (ours, theirs) in [
            ("en-GB", "EN"),
            ("pt-BR", "PT"),
            ("zh-TW", "ZH"),
            ("de", "DE"),
        ] {
            assert_eq!(source(ours), theirs, "source {ours}");
        }
    }
}
