//! Machine translation of agents' replies into the buyer's language.
//!
//! A tenant picks one provider ([`TranslatorConfig`]; none by default) and [`build`] turns it
//! into a [`Translator`]: DeepL, Google Cloud Translation – Basic (v2), LibreTranslate, or any
//! OpenAI-compatible chat-completions endpoint. Every call
//! 1. swaps the tenant's glossary terms for placeholders ([`glossary::protect`]),
//! 2. asks the provider (plain text, never HTML; 20 s timeout),
//! 3. puts the terms back ([`glossary::restore`]); a placeholder the provider lost is a
//!    [`TranslateError::Glossary`], so the caller can send the reply untranslated instead.
//!
//! Languages are ISO 639-1 codes ("en", "zh", "pt"), optionally with a script or region
//! subtag ("zh-Hant", "pt-PT", "en-GB") that picks a variant where the provider has one. Each
//! client maps them to its API's codes and documents its defaults. Detected source languages
//! come back as ISO 639-1 codes too.

use std::fmt;
use std::time::Duration;

use aftersail_domain::glossary::{self, GlossaryEntry};
use aftersail_domain::languages::is_iso_639_1;
use async_trait::async_trait;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::SecretKey;

mod deepl;
mod google;
mod libre;
mod openai;

/// How long one provider call may take, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A tenant's translation provider and its credentials. Stored as JSON tagged by
/// `provider`, whose values are those of [`TranslatorConfig::provider`].
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum TranslatorConfig {
    /// `base_url` defaults by key: a free key (ending in `:fx`) → `https://api-free.deepl.com`,
    /// any other → `https://api.deepl.com`.
    Deepl {
        api_key: String,
        #[serde(default)]
        base_url: Option<String>,
    },
    /// `base_url` defaults to `https://translation.googleapis.com`; requests go to
    /// `{base_url}/language/translate/v2`.
    Google {
        api_key: String,
        #[serde(default)]
        base_url: Option<String>,
    },
    /// `url` is the instance root (`https://libretranslate.com`, `http://localhost:5000`);
    /// the key is optional on self-hosted instances.
    #[serde(rename = "libretranslate")]
    LibreTranslate {
        url: String,
        #[serde(default)]
        api_key: Option<String>,
    },
    /// Any server speaking OpenAI's chat completions: `POST {base_url}/chat/completions`
    /// (`https://api.openai.com/v1`, a local Ollama or vLLM). An empty key sends no
    /// `Authorization` header, for local servers that need none.
    #[serde(rename = "openai")]
    OpenAi {
        base_url: String,
        api_key: String,
        model: String,
    },
}

impl TranslatorConfig {
    /// `"deepl"`, `"google"`, `"libretranslate"` or `"openai"`.
    pub fn provider(&self) -> &'static str {
        match self {
            Self::Deepl { .. } => deepl::PROVIDER,
            Self::Google { .. } => google::PROVIDER,
            Self::LibreTranslate { .. } => libre::PROVIDER,
            Self::OpenAi { .. } => openai::PROVIDER,
        }
    }

    /// What a settings form must refuse: missing keys, URLs that are not http(s), no model.
    /// The first of [`TranslatorConfig::problems`].
    pub fn validate(&self) -> Result<(), String> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem.message),
            None => Ok(()),
        }
    }

    /// Everything a settings form must refuse, by field, in the order the form shows them.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let found = match self {
            Self::Deepl { api_key, base_url } => vec![
                required("api_key", api_key, "the DeepL API key"),
                optional_url("base_url", base_url.as_deref(), "the DeepL base URL"),
            ],
            Self::Google { api_key, base_url } => vec![
                required("api_key", api_key, "the Google Cloud API key"),
                optional_url("base_url", base_url.as_deref(), "the Google base URL"),
            ],
            Self::LibreTranslate { url, .. } => {
                vec![http_url("url", url, "the LibreTranslate URL")]
            }
            Self::OpenAi {
                base_url, model, ..
            } => vec![
                http_url("base_url", base_url, "the OpenAI-compatible base URL"),
                required("model", model, "the model name"),
            ],
        };
        found.into_iter().flatten().collect()
    }

    /// The settings sealed for storage, bound to `owner` (the shop), so a sealed value
    /// copied onto another shop does not open.
    pub fn seal(&self, key: &SecretKey, owner: &str) -> String {
        let json = serde_json::to_vec(self).expect("a config always serializes");
        key.seal(&json, owner)
    }

    /// Opens what [`TranslatorConfig::seal`] stored; the error says why not, for the
    /// people who can fix it (no key configured, wrong key, unreadable).
    pub fn open(key: Option<&SecretKey>, sealed: &str, owner: &str) -> Result<Self, String> {
        let key = key.ok_or_else(|| {
            "no secret key is configured (AFTERSAIL_SECRET_KEY), so the translation settings cannot be opened"
                .to_string()
        })?;
        let plain = key.open(sealed, owner).map_err(|e| e.to_string())?;
        serde_json::from_slice(&plain)
            .map_err(|_| "the stored translation settings are not readable".to_string())
    }

    /// A copy with secrets replaced by "" for showing in forms.
    pub fn redacted(&self) -> Self {
        let mut copy = self.clone();
        match &mut copy {
            Self::Deepl { api_key, .. }
            | Self::Google { api_key, .. }
            | Self::OpenAi { api_key, .. } => api_key.clear(),
            Self::LibreTranslate { api_key, .. } => {
                if let Some(key) = api_key {
                    key.clear();
                }
            }
        }
        copy
    }
}

/// Keys stay out of logs: `Debug` shows whether a key is set, not the key.
impl fmt::Debug for TranslatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |key: &str| if key.is_empty() { "" } else { "<set>" };
        match self {
            Self::Deepl { api_key, base_url } => f
                .debug_struct("Deepl")
                .field("api_key", &secret(api_key))
                .field("base_url", base_url)
                .finish(),
            Self::Google { api_key, base_url } => f
                .debug_struct("Google")
                .field("api_key", &secret(api_key))
                .field("base_url", base_url)
                .finish(),
            Self::LibreTranslate { url, api_key } => f
                .debug_struct("LibreTranslate")
                .field("url", url)
                .field("api_key", &api_key.as_deref().map(secret))
                .finish(),
            Self::OpenAi {
                base_url,
                api_key,
                model,
            } => f
                .debug_struct("OpenAi")
                .field("base_url", base_url)
                .field("api_key", &secret(api_key))
                .field("model", model)
                .finish(),
        }
    }
}

/// A setting of [`TranslatorConfig`] a form must fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The variant's field: `api_key`, `base_url`, `url` or `model`.
    pub field: &'static str,
    /// Left empty (else: not an http(s) URL).
    pub missing: bool,
    /// In English, naming the setting.
    pub message: String,
}

fn missing(field: &'static str, what: &str) -> Option<ConfigProblem> {
    Some(ConfigProblem {
        field,
        missing: true,
        message: format!("{what} is missing"),
    })
}

fn required(field: &'static str, value: &str, what: &str) -> Option<ConfigProblem> {
    if value.trim().is_empty() {
        missing(field, what)
    } else {
        None
    }
}

fn http_url(field: &'static str, value: &str, what: &str) -> Option<ConfigProblem> {
    let value = value.trim();
    if value.is_empty() {
        return missing(field, what);
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => None,
        _ => Some(ConfigProblem {
            field,
            missing: false,
            message: format!("{what} must be an http(s) URL such as https://example.com"),
        }),
    }
}

fn optional_url(field: &'static str, value: Option<&str>, what: &str) -> Option<ConfigProblem> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => http_url(field, v, what),
        None => None,
    }
}

/// A configured URL without the trailing slash, so paths can be appended.
fn root(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

/// One text to translate.
#[derive(Clone, Copy, Debug)]
pub struct TranslateRequest<'a> {
    pub text: &'a str,
    /// `None`: the provider detects it.
    pub source: Option<&'a str>,
    pub target: &'a str,
    pub glossary: &'a [GlossaryEntry],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    pub text: String,
    /// ISO 639-1, when the provider reported one.
    pub detected_source: Option<String>,
    pub provider: &'static str,
}

/// Why a translation failed, which decides whether to retry or send untranslated.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum TranslateError {
    /// The key was refused (401/403, or the provider's own "invalid key" answer).
    #[error("authentication failed: {0}")]
    Auth(String),
    /// Too many requests (429) or the account's quota is used up (DeepL 456).
    #[error("quota or rate limit reached: {0}")]
    Quota(String),
    /// The provider does not translate from or into this language.
    #[error("language not supported: {0}")]
    Unsupported(String),
    /// 5xx, network trouble, timeout.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// An answer that is not what the API documents, or a request it rejected as malformed.
    #[error("unexpected answer: {0}")]
    Malformed(String),
    /// A glossary placeholder did not survive the translation.
    #[error("glossary: {0}")]
    Glossary(String),
}

impl TranslateError {
    /// Whether the same call may succeed later: unavailable services and rate limits. (A
    /// used-up monthly quota also recovers, just slowly; the outbox's backoff gives up first.)
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Quota(_))
    }
}

#[async_trait]
pub trait Translator: Send + Sync {
    /// `"deepl"`, `"google"`, `"libretranslate"` or `"openai"`.
    fn provider(&self) -> &'static str;
    async fn translate(&self, req: &TranslateRequest<'_>) -> Result<Translation, TranslateError>;
}

/// The translator for `config`, sending through `http` (shared; the 20 s timeout is set
/// per request).
pub fn build(config: &TranslatorConfig, http: reqwest::Client) -> Box<dyn Translator> {
    match config {
        TranslatorConfig::Deepl { api_key, base_url } => Box::new(WithGlossary(deepl::Deepl::new(
            http,
            api_key,
            base_url.as_deref(),
        ))),
        TranslatorConfig::Google { api_key, base_url } => Box::new(WithGlossary(
            google::Google::new(http, api_key, base_url.as_deref()),
        )),
        TranslatorConfig::LibreTranslate { url, api_key } => Box::new(WithGlossary(
            libre::Libre::new(http, url, api_key.as_deref()),
        )),
        TranslatorConfig::OpenAi {
            base_url,
            api_key,
            model,
        } => Box::new(WithGlossary(openai::OpenAi::new(
            http, base_url, api_key, model,
        ))),
    }
}

/// A language as a client needs it: the ISO 639-1 code and the script or region subtag
/// that picks a variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Language {
    primary: String,
    /// Title case: `Hant`.
    script: Option<String>,
    /// Upper case: `BR`, or three digits (`419`).
    region: Option<String>,
}

impl Language {
    /// `None` unless the first subtag is an ISO 639-1 code; other subtags are looked at
    /// for a script and a region and otherwise ignored.
    pub(crate) fn parse(tag: &str) -> Option<Self> {
        let mut parts = tag.trim().split(['-', '_']);
        let primary = parts.next()?.to_ascii_lowercase();
        if !is_iso_639_1(&primary) {
            return None;
        }
        let mut script = None;
        let mut region = None;
        for part in parts {
            let alphabetic = part.chars().all(|c| c.is_ascii_alphabetic());
            if part.len() == 4 && alphabetic && script.is_none() && region.is_none() {
                let (first, rest) = part.split_at(1);
                script = Some(first.to_ascii_uppercase() + &rest.to_ascii_lowercase());
            } else if region.is_none()
                && ((part.len() == 2 && alphabetic)
                    || (part.len() == 3 && part.chars().all(|c| c.is_ascii_digit())))
            {
                region = Some(part.to_ascii_uppercase());
            }
        }
        Some(Self {
            primary,
            script,
            region,
        })
    }

    pub(crate) fn primary(&self) -> &str {
        &self.primary
    }

    pub(crate) fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Chinese written in traditional characters: `zh-Hant`, or (without a script) Taiwan,
    /// Hong Kong, Macao.
    pub(crate) fn traditional_chinese(&self) -> bool {
        self.primary == "zh"
            && match self.script.as_deref() {
                Some(script) => script == "Hant",
                None => matches!(self.region(), Some("TW" | "HK" | "MO")),
            }
    }
}

/// A provider's language code as an ISO 639-1 code: `EN` → `en`, `zh-CN` → `zh`, Google's
/// legacy `iw` → `he`. `None` for codes that are not languages (`und`).
pub(crate) fn detected(code: &str) -> Option<String> {
    let primary = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let primary = match primary.as_str() {
        "iw" => "he".to_string(),
        "jw" => "jv".to_string(),
        "in" => "id".to_string(),
        _ => primary,
    };
    is_iso_639_1(&primary).then_some(primary)
}

/// What the provider said, before the glossary terms go back in.
pub(crate) struct Raw {
    pub text: String,
    pub detected_source: Option<String>,
}

/// One provider's HTTP call, without the glossary.
#[async_trait]
pub(crate) trait Engine: Send + Sync {
    fn provider(&self) -> &'static str;
    async fn call(
        &self,
        text: &str,
        source: Option<&Language>,
        target: &Language,
    ) -> Result<Raw, TranslateError>;
}

/// Protect → call → restore, the same for every provider.
struct WithGlossary<E>(E);

#[async_trait]
impl<E: Engine> Translator for WithGlossary<E> {
    fn provider(&self) -> &'static str {
        self.0.provider()
    }

    async fn translate(&self, req: &TranslateRequest<'_>) -> Result<Translation, TranslateError> {
        let provider = self.0.provider();
        let unsupported = |code: &str, role: &str| {
            TranslateError::Unsupported(format!(
                "{role} language {code:?} is not an ISO 639-1 code (such as en, zh, pt)"
            ))
        };
        let target =
            Language::parse(req.target).ok_or_else(|| unsupported(req.target, "target"))?;
        let source = match req.source.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(Language::parse(code).ok_or_else(|| unsupported(code, "source"))?),
            None => None,
        };
        if req.text.trim().is_empty() {
            return Ok(Translation {
                text: req.text.to_string(),
                detected_source: None,
                provider,
            });
        }
        let protected = glossary::protect(req.text, req.glossary, req.target);
        let raw = self
            .0
            .call(&protected.text, source.as_ref(), &target)
            .await?;
        let text = glossary::restore(&raw.text, &protected)
            .map_err(|e| TranslateError::Glossary(format!("{provider}: {e}")))?;
        Ok(Translation {
            text,
            detected_source: raw.detected_source,
            provider,
        })
    }
}

/// A provider's answer: status and body.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as the documented JSON, or `Malformed`.
    pub(crate) fn json<T: DeserializeOwned>(&self, name: &str) -> Result<T, TranslateError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            TranslateError::Malformed(format!(
                "{name} answered HTTP {} with a body that is not the documented JSON ({e}): {}",
                self.status.as_u16(),
                shorten(&String::from_utf8_lossy(&self.body))
            ))
        })
    }

    /// The error message in the body, whichever field the provider uses (`message`,
    /// `error`, `error.message`, `detail`), else the body itself; shortened.
    pub(crate) fn detail(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let from_json = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
            ["/error/message", "/message", "/error", "/detail"]
                .iter()
                .find_map(|p| v.pointer(p).and_then(Value::as_str).map(str::to_string))
        });
        shorten(from_json.as_deref().unwrap_or(text.trim())).to_string()
    }

    /// The errors every provider shares: 401/403 → `Auth`, 408/429 → `Quota`/`Unavailable`,
    /// 5xx → `Unavailable`, any other → `Malformed` (the request was rejected as it is).
    /// Clients handle their own special cases first.
    pub(crate) fn error(&self, name: &str) -> TranslateError {
        let code = self.status.as_u16();
        let detail = self.detail();
        match self.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => TranslateError::Auth(format!(
                "{name} refused the API key (HTTP {code}): {detail}"
            )),
            StatusCode::TOO_MANY_REQUESTS => {
                TranslateError::Quota(format!("{name}: too many requests (HTTP 429): {detail}"))
            }
            StatusCode::REQUEST_TIMEOUT => {
                TranslateError::Unavailable(format!("{name} timed out (HTTP 408): {detail}"))
            }
            s if s.is_server_error() => TranslateError::Unavailable(format!(
                "{name} failed on its side (HTTP {code}): {detail}"
            )),
            _ => TranslateError::Malformed(format!(
                "{name} rejected the request (HTTP {code}): {detail}"
            )),
        }
    }
}

/// Sends one request with the [`TIMEOUT`]; no (whole) answer is `Unavailable`, worded like
/// the connectors' transport errors and without the URL (Google's carries the key).
pub(crate) async fn send(
    name: &str,
    request: reqwest::RequestBuilder,
) -> Result<Answer, TranslateError> {
    let failed = |e: reqwest::Error| {
        TranslateError::Unavailable(crate::transport::describe(name, "translation request", &e))
    };
    let response = request.timeout(TIMEOUT).send().await.map_err(failed)?;
    let status = response.status();
    let body = response.bytes().await.map_err(failed)?.to_vec();
    Ok(Answer { status, body })
}

/// At most 300 characters of a provider's message.
fn shorten(s: &str) -> &str {
    match s.char_indices().nth(300) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_are_tagged_by_provider_name() {
        let cases = [
            (
                TranslatorConfig::Deepl {
                    api_key: "k:fx".into(),
                    base_url: None,
                },
                serde_json::json!({ "provider": "deepl", "api_key": "k:fx", "base_url": null }),
            ),
            (
                TranslatorConfig::Google {
                    api_key: "g".into(),
                    base_url: Some("http://localhost:1".into()),
                },
                serde_json::json!({ "provider": "google", "api_key": "g", "base_url": "http://localhost:1" }),
            ),
            (
                TranslatorConfig::LibreTranslate {
                    url: "http://lt:5000".into(),
                    api_key: None,
                },
                serde_json::json!({ "provider": "libretranslate", "url": "http://lt:5000", "api_key": null }),
            ),
            (
                TranslatorConfig::OpenAi {
                    base_url: "https://api.openai.com/v1".into(),
                    api_key: "sk".into(),
                    model: "gpt-4o-mini".into(),
                },
                serde_json::json!({ "provider": "openai", "base_url": "https://api.openai.com/v1", "api_key": "sk", "model": "gpt-4o-mini" }),
            ),
        ];
        for (config, json) in cases {
            assert_eq!(serde_json::to_value(&config).unwrap(), json);
            assert_eq!(json["provider"], config.provider());
            let back: TranslatorConfig = serde_json::from_value(json).unwrap();
            assert_eq!(back, config);
        }
        // Optional fields may be left out.
        let bare: TranslatorConfig =
            serde_json::from_str(r#"{"provider":"deepl","api_key":"k"}"#).unwrap();
        assert_eq!(
            bare,
            TranslatorConfig::Deepl {
                api_key: "k".into(),
                base_url: None
            }
        );
        assert!(serde_json::from_str::<TranslatorConfig>(r#"{"provider":"bing"}"#).is_err());
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let cases: Vec<(TranslatorConfig, Result<(), &str>)> = vec![
            (
                TranslatorConfig::Deepl {
                    api_key: "k".into(),
                    base_url: None,
                },
                Ok(()),
            ),
            (
                TranslatorConfig::Deepl {
                    api_key: " ".into(),
                    base_url: None,
                },
                Err("the DeepL API key is missing"),
            ),
            (
                TranslatorConfig::Deepl {
                    api_key: "k".into(),
                    base_url: Some("ftp://x".into()),
                },
                Err("the DeepL base URL must be an http(s) URL such as https://example.com"),
            ),
            (
                TranslatorConfig::Google {
                    api_key: "".into(),
                    base_url: None,
                },
                Err("the Google Cloud API key is missing"),
            ),
            (
                TranslatorConfig::Google {
                    api_key: "g".into(),
                    base_url: Some("".into()),
                },
                Ok(()),
            ),
            (
                TranslatorConfig::LibreTranslate {
                    url: "localhost:5000".into(),
                    api_key: None,
                },
                Err("the LibreTranslate URL must be an http(s) URL such as https://example.com"),
            ),
            (
                TranslatorConfig::LibreTranslate {
                    url: "".into(),
                    api_key: None,
                },
                Err("the LibreTranslate URL is missing"),
            ),
            (
                TranslatorConfig::LibreTranslate {
                    url: "http://localhost:5000/".into(),
                    api_key: None,
                },
                Ok(()),
            ),
            (
                TranslatorConfig::OpenAi {
                    base_url: "http://localhost:11434/v1".into(),
                    api_key: "".into(),
                    model: "qwen2.5".into(),
                },
                Ok(()),
            ),
            (
                TranslatorConfig::OpenAi {
                    base_url: "http://localhost:11434/v1".into(),
                    api_key: "sk".into(),
                    model: " ".into(),
                },
                Err("the model name is missing"),
            ),
        ];
        for (config, expected) in cases {
            assert_eq!(
                config.validate(),
                expected.map_err(str::to_string),
                "{config:?}"
            );
        }
    }

    #[test]
    fn problems_name_every_field_to_fix() {
        let fields = |c: TranslatorConfig| {
            c.problems()
                .into_iter()
                .map(|p| (p.field, p.missing))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(TranslatorConfig::Deepl {
                api_key: "".into(),
                base_url: Some("ftp://x".into()),
            }),
            vec![("api_key", true), ("base_url", false)]
        );
        assert_eq!(
            fields(TranslatorConfig::OpenAi {
                base_url: "".into(),
                api_key: "".into(),
                model: "".into(),
            }),
            vec![("base_url", true), ("model", true)]
        );
        assert_eq!(
            fields(TranslatorConfig::LibreTranslate {
                url: "lt:5000".into(),
                api_key: None,
            }),
            vec![("url", false)]
        );
        assert!(fields(TranslatorConfig::Google {
            api_key: "g".into(),
            base_url: None,
        })
        .is_empty());
        // `validate` reports the first.
        let two = TranslatorConfig::Google {
            api_key: " ".into(),
            base_url: Some("nope".into()),
        };
        assert_eq!(two.validate(), Err(two.problems()[0].message.clone()));
    }

    #[test]
    fn sealed_configs_open_only_for_their_owner() {
        let key = SecretKey::parse(&"cd".repeat(32)).unwrap();
        let config = TranslatorConfig::Deepl {
            api_key: "s3cret:fx".into(),
            base_url: None,
        };
        let sealed = config.seal(&key, "translation:t1");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            TranslatorConfig::open(Some(&key), &sealed, "translation:t1").unwrap(),
            config
        );
        assert!(TranslatorConfig::open(Some(&key), &sealed, "translation:t2").is_err());
        let no_key = TranslatorConfig::open(None, &sealed, "translation:t1").unwrap_err();
        assert!(no_key.contains("AFTERSAIL_SECRET_KEY"), "{no_key}");
        // Sealed JSON that is not a config.
        let other = key.seal(b"{\"provider\":\"bing\"}", "translation:t1");
        assert!(TranslatorConfig::open(Some(&key), &other, "translation:t1").is_err());
    }

    #[test]
    fn redacted_copies_and_debug_output_hold_no_secrets() {
        let configs = [
            TranslatorConfig::Deepl {
                api_key: "s3cret:fx".into(),
                base_url: Some("https://api-free.deepl.com".into()),
            },
            TranslatorConfig::Google {
                api_key: "s3cret".into(),
                base_url: None,
            },
            TranslatorConfig::LibreTranslate {
                url: "http://lt".into(),
                api_key: Some("s3cret".into()),
            },
            TranslatorConfig::OpenAi {
                base_url: "http://llm/v1".into(),
                api_key: "s3cret".into(),
                model: "m".into(),
            },
        ];
        for config in configs {
            let redacted = config.redacted();
            assert_eq!(redacted.provider(), config.provider());
            let json = serde_json::to_string(&redacted).unwrap();
            assert!(!json.contains("s3cret"), "{json}");
            assert!(!format!("{config:?}").contains("s3cret"));
            assert!(format!("{config:?}").contains("<set>"));
        }
        // Everything that is not a secret survives.
        assert_eq!(
            TranslatorConfig::OpenAi {
                base_url: "http://llm/v1".into(),
                api_key: "s3cret".into(),
                model: "m".into(),
            }
            .redacted(),
            TranslatorConfig::OpenAi {
                base_url: "http://llm/v1".into(),
                api_key: "".into(),
                model: "m".into(),
            }
        );
        let no_key = TranslatorConfig::LibreTranslate {
            url: "http://lt".into(),
            api_key: None,
        };
        assert_eq!(no_key.redacted(), no_key);
    }

    #[test]
    fn languages_parse_from_iso_codes_and_bcp47_tags() {
        let zh_tw = Language::parse("zh_TW").unwrap();
        assert_eq!(zh_tw.primary(), "zh");
        assert_eq!(zh_tw.region(), Some("TW"));
        assert!(zh_tw.traditional_chinese());
        assert!(Language::parse("zh-hant").unwrap().traditional_chinese());
        assert!(Language::parse("zh-Hant-CN").unwrap().traditional_chinese());
        // An explicit script wins over the region.
        assert!(!Language::parse("zh-Hans-HK").unwrap().traditional_chinese());
        assert!(!Language::parse("zh").unwrap().traditional_chinese());
        assert!(!Language::parse("zh-CN").unwrap().traditional_chinese());
        assert_eq!(Language::parse(" PT-br ").unwrap().region(), Some("BR"));
        assert_eq!(Language::parse("es-419").unwrap().region(), Some("419"));
        assert_eq!(Language::parse("en").unwrap().region(), None);
        for bad in ["", "xx", "eng", "zz-TW", "-", "c++"] {
            assert_eq!(Language::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn detected_codes_become_iso_639_1() {
        assert_eq!(detected("EN").as_deref(), Some("en"));
        assert_eq!(detected("zh-CN").as_deref(), Some("zh"));
        assert_eq!(detected("iw").as_deref(), Some("he"));
        assert_eq!(detected("und"), None);
        assert_eq!(detected(""), None);
    }

    #[test]
    fn only_unavailable_and_quota_are_retryable() {
        let all = [
            (TranslateError::Auth(String::new()), false),
            (TranslateError::Quota(String::new()), true),
            (TranslateError::Unsupported(String::new()), false),
            (TranslateError::Unavailable(String::new()), true),
            (TranslateError::Malformed(String::new()), false),
            (TranslateError::Glossary(String::new()), false),
        ];
        for (e, retryable) in all {
            assert_eq!(e.retryable(), retryable, "{e:?}");
        }
    }
}
