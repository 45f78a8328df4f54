//! Shared by the `translate_*` tests: a local server per test, what each server saw, and a
//! stand-in translation engine.
//!
//! The engine translates the few English words it knows into German or Chinese, word by
//! word, and copies everything else through, placeholders included. It knows the glossary's
//! words too ("Aftersail" → "Nachsegel"), so a term that reached it unprotected shows up
//! translated and the test fails.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

use aftersail_channels::translate::{
    build, TranslateError, TranslateRequest, Translation, Translator, TranslatorConfig,
};
use aftersail_domain::glossary::GlossaryEntry;
use axum::http::{HeaderMap, Uri};
use axum::Router;
use serde_json::Value;

pub const GREETING: &str = "Your order ships today.";
pub const GREETING_DE: &str = "Ihre Bestellung wird heute versandt.";
pub const GREETING_ZH: &str = "您的订单今天发货。";

pub const GLOSSED: &str = "Aftersail Pro keeps your cloud sync on.";
pub const GLOSSED_DE: &str = "Aftersail Pro hält Ihre Cloud-Sync aktiv.";
pub const GLOSSED_ZH: &str = "Aftersail Pro保持您的云同步开启。";

/// "Aftersail Pro" stays as written everywhere; "cloud sync" has German and Chinese forms.
pub fn glossary() -> Vec<GlossaryEntry> {
    vec![
        GlossaryEntry {
            term: "Aftersail Pro".into(),
            translations: Default::default(),
        },
        GlossaryEntry {
            term: "cloud sync".into(),
            translations: [("de", "Cloud-Sync"), ("zh", "云同步")]
                .into_iter()
                .map(|(l, f)| (l.to_string(), f.to_string()))
                .collect(),
        },
    ]
}

const GERMAN: &[(&str, &str)] = &[
    ("your", "Ihre"),
    ("order", "Bestellung"),
    ("ships", "wird"),
    ("today", "heute versandt"),
    ("keeps", "hält"),
    ("on", "aktiv"),
    ("aftersail", "Nachsegel"),
    ("pro", "Profi"),
    ("cloud", "Wolke"),
    ("sync", "Abgleich"),
];

const CHINESE: &[(&str, &str)] = &[
    ("your", "您的"),
    ("order", "订单"),
    ("ships", ""),
    ("today", "今天发货"),
    ("keeps", "保持"),
    ("on", "开启"),
    ("aftersail", "售后帆"),
    ("pro", "专业版"),
    ("cloud", "云"),
    ("sync", "同步"),
];

/// The stand-in engine: `target` is a provider's code (`DE`, `zh-CN`, `zh`); German and
/// Chinese are translated, any other language comes back unchanged.
pub fn engine(text: &str, target: &str) -> String {
    let primary = target.split('-').next().unwrap_or("").to_ascii_lowercase();
    let (words, joiner, full_stop) = match primary.as_str() {
        "de" => (GERMAN, " ", "."),
        "zh" => (CHINESE, "", "。"),
        _ => return text.to_string(),
    };
    text.split(' ')
        .map(|token| {
            let word = token.trim_end_matches(['.', ',', '!', '?']);
            let punctuation = &token[word.len()..];
            let translated = words
                .iter()
                .find(|(en, _)| en.eq_ignore_ascii_case(word))
                .map_or(word, |(_, t)| t);
            format!("{translated}{}", punctuation.replace('.', full_stop))
        })
        .collect::<Vec<_>>()
        .join(joiner)
}

/// What a real engine would detect: Chinese when there are Han characters, else English.
pub fn detect(text: &str) -> &'static str {
    if text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        "zh"
    } else {
        "en"
    }
}

/// Runs `app` on a free local port until the test ends; its base URL.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A base URL nobody listens on.
pub fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

pub fn translator(config: &TranslatorConfig) -> Box<dyn Translator> {
    build(config, reqwest::Client::new())
}

pub async fn translate(
    translator: &dyn Translator,
    text: &str,
    source: Option<&str>,
    target: &str,
    glossary: &[GlossaryEntry],
) -> Result<Translation, TranslateError> {
    translator
        .translate(&TranslateRequest {
            text,
            source,
            target,
            glossary,
        })
        .await
}

/// One request as the mock server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    /// `Value::Null` when the body was not JSON.
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a mock server saw, in order.
#[derive(Default)]
pub struct Log(Mutex<Vec<Seen>>);

impl Log {
    pub fn record(&self, uri: &Uri, headers: &HeaderMap, body: &str) -> Seen {
        let seen = Seen {
            path: uri.path().to_string(),
            query: uri.query().map(query_pairs).unwrap_or_default(),
            headers: headers.clone(),
            body: serde_json::from_str(body).unwrap_or(Value::Null),
        };
        self.0.lock().unwrap().push(seen.clone());
        seen
    }

    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

fn query_pairs(query: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Whether `body` is an object with exactly the `required` keys plus any of `optional`.
pub fn has_only_fields(body: &Value, required: &[&str], optional: &[&str]) -> bool {
    let Some(object) = body.as_object() else {
        return false;
    };
    required.iter().all(|k| object.contains_key(*k))
        && object
            .keys()
            .all(|k| required.contains(&k.as_str()) || optional.contains(&k.as_str()))
}

#[test]
fn the_stand_in_engine_translates_what_it_knows() {
    assert_eq!(engine(GREETING, "DE"), GREETING_DE);
    assert_eq!(engine(GREETING, "zh-CN"), GREETING_ZH);
    assert_eq!(engine(GREETING, "FR"), GREETING);
    assert_eq!(
        engine(GLOSSED, "de"),
        "Nachsegel Profi hält Ihre Wolke Abgleich aktiv."
    );
    assert_eq!(
        engine("[[1]] keeps your [[2]] on.", "de"),
        "[[1]] hält Ihre [[2]] aktiv."
    );
    assert_eq!(
        engine("[[1]] keeps your [[2]] on.", "zh"),
        "[[1]]保持您的[[2]]开启。"
    );
    assert_eq!(detect(GREETING), "en");
    assert_eq!(detect(GREETING_ZH), "zh");
}
