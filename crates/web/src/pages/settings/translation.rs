//! Settings → Translation: the shop's machine translation service (DeepL, Google Cloud
//! Translation, LibreTranslate or an OpenAI-compatible endpoint; none by default), a sample
//! translation to check it, and the glossary of terms kept as written or translated one
//! fixed way. The settings are sealed to the shop before they are stored and keys are never
//! shown again: a blank key keeps the stored one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aftersail_channels::translate::{self, TranslateRequest, Translator, TranslatorConfig};
use aftersail_db::translation::{self, config_owner, GlossaryRow};
use aftersail_domain::glossary::{self, GlossaryEntry};
use aftersail_domain::languages::{is_iso_639_1, primary_subtag};
use aftersail_domain::TenantId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/translation", get(show).post(save))
        .route("/settings/translation/test", post(test))
        .route("/settings/translation/glossary", post(add_term))
        .route(
            "/settings/translation/glossary/{id}/delete",
            post(delete_term),
        )
}

/// The services, as `TranslatorConfig::provider` names them, in the order the form lists them.
const PROVIDERS: [&str; 4] = ["deepl", "google", "libretranslate", "openai"];
/// Most terms a glossary holds (every translation scans the text for each).
pub const MAX_TERMS: usize = 500;
/// What "Translate the sample" translates (from English).
const SAMPLE: &str = "Thank you for your order. It ships today.";

/// The shop's translator, from its sealed settings (`translation::sealed_config`).
pub(crate) fn translator(
    state: &AppState,
    tenant: TenantId,
    sealed: &str,
) -> Result<Box<dyn Translator>, String> {
    let config = open(state, tenant, sealed)?;
    Ok(translate::build(&config, http().clone()))
}

fn open(state: &AppState, tenant: TenantId, sealed: &str) -> Result<TranslatorConfig, String> {
    TranslatorConfig::open(
        state.config.secret_key.as_ref(),
        sealed,
        &config_owner(tenant),
    )
}

/// One client for every shop's provider (each call sets its own timeout).
fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// The provider form: every service's fields, so switching services keeps what was typed.
/// Keys are only ever read from it, never shown in it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ProviderForm {
    provider: String,
    deepl_api_key: String,
    deepl_base_url: String,
    google_api_key: String,
    google_base_url: String,
    libre_url: String,
    libre_api_key: String,
    openai_base_url: String,
    openai_api_key: String,
    openai_model: String,
}

impl ProviderForm {
    /// The form of the stored settings, without their keys.
    fn of(config: Option<&TranslatorConfig>) -> Self {
        let mut form = Self {
            provider: "none".into(),
            ..Self::default()
        };
        let Some(config) = config else {
            return form;
        };
        form.provider = config.provider().into();
        match config.redacted() {
            TranslatorConfig::Deepl { base_url, .. } => {
                form.deepl_base_url = base_url.unwrap_or_default();
            }
            TranslatorConfig::Google { base_url, .. } => {
                form.google_base_url = base_url.unwrap_or_default();
            }
            TranslatorConfig::LibreTranslate { url, .. } => form.libre_url = url,
            TranslatorConfig::OpenAi {
                base_url, model, ..
            } => {
                form.openai_base_url = base_url;
                form.openai_model = model;
            }
        }
        form
    }

    fn without_keys(mut self) -> Self {
        self.deepl_api_key.clear();
        self.google_api_key.clear();
        self.libre_api_key.clear();
        self.openai_api_key.clear();
        self
    }

    /// Whether the form brings a new key for the chosen service.
    fn new_key(&self) -> bool {
        let key = match self.provider.as_str() {
            "deepl" => &self.deepl_api_key,
            "google" => &self.google_api_key,
            "libretranslate" => &self.libre_api_key,
            "openai" => &self.openai_api_key,
            _ => return false,
        };
        !key.trim().is_empty()
    }

    /// The settings the form describes (`None`: translation off); a blank key is the stored
    /// one when the stored settings are for the same service. `Err`: no such service.
    fn config(&self, stored: Option<&TranslatorConfig>) -> Result<Option<TranslatorConfig>, ()> {
        let text = |v: &str| v.trim().to_string();
        let optional = |v: &str| Some(text(v)).filter(|v| !v.is_empty());
        Ok(Some(match self.provider.as_str() {
            "none" => return Ok(None),
            "deepl" => TranslatorConfig::Deepl {
                api_key: optional(&self.deepl_api_key)
                    .or_else(|| match stored {
                        Some(TranslatorConfig::Deepl { api_key, .. }) => Some(api_key.clone()),
                        _ => None,
                    })
                    .unwrap_or_default(),
                base_url: optional(&self.deepl_base_url),
            },
            "google" => TranslatorConfig::Google {
                api_key: optional(&self.google_api_key)
                    .or_else(|| match stored {
                        Some(TranslatorConfig::Google { api_key, .. }) => Some(api_key.clone()),
                        _ => None,
                    })
                    .unwrap_or_default(),
                base_url: optional(&self.google_base_url),
            },
            "libretranslate" => TranslatorConfig::LibreTranslate {
                url: text(&self.libre_url),
                api_key: optional(&self.libre_api_key).or_else(|| match stored {
                    Some(TranslatorConfig::LibreTranslate { api_key, .. }) => api_key.clone(),
                    _ => None,
                }),
            },
            "openai" => TranslatorConfig::OpenAi {
                base_url: text(&self.openai_base_url),
                api_key: optional(&self.openai_api_key)
                    .or_else(|| match stored {
                        Some(TranslatorConfig::OpenAi { api_key, .. }) => Some(api_key.clone()),
                        _ => None,
                    })
                    .unwrap_or_default(),
                model: text(&self.openai_model),
            },
            _ => return Err(()),
        }))
    }
}

/// The form field a problem of `provider`'s settings belongs to.
fn field_name(provider: &str, field: &str) -> &'static str {
    match (provider, field) {
        ("deepl", "api_key") => "deepl_api_key",
        ("deepl", _) => "deepl_base_url",
        ("google", "api_key") => "google_api_key",
        ("google", _) => "google_base_url",
        ("libretranslate", "api_key") => "libre_api_key",
        ("libretranslate", _) => "libre_url",
        ("openai", "api_key") => "openai_api_key",
        ("openai", "model") => "openai_model",
        _ => "openai_base_url",
    }
}

/// The outcome of "Translate the sample".
struct TestResult {
    ok: bool,
    /// "Translated by libretranslate:" or what went wrong.
    message: String,
    /// The translated sample.
    text: String,
    language: String,
}

#[derive(Template)]
#[template(path = "settings/_translation_test.html")]
struct TestFragment {
    result: TestResult,
}

#[derive(Template)]
#[template(path = "settings/translation.html")]
struct TranslationPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    form: ProviderForm,
    /// The service stored now; "none" when translation is off.
    stored: &'static str,
    /// The stored service has a key (the form says a blank key keeps it).
    key_stored: bool,
    providers: [&'static str; 4],
    glossary: Vec<GlossaryRow>,
    term: String,
    forms: String,
    sample: &'static str,
    test_target: String,
    test_result: Option<TestResult>,
    errors: FormErrors,
}

impl TranslationPage<'_> {
    fn provider_name(&self, provider: &str) -> &'static str {
        match provider {
            "deepl" => "DeepL",
            "google" => "Google Cloud Translation",
            "libretranslate" => "LibreTranslate",
            _ => self.shell.t.tr_provider_openai,
        }
    }

    /// Whether the form says a blank key keeps the stored one for `provider`.
    fn keeps_key(&self, provider: &str) -> bool {
        self.key_stored && self.stored == provider
    }

    /// "de=Kissen, zh=抱枕", or that the term stays as written.
    fn forms_of(&self, row: &GlossaryRow) -> String {
        let entry = row.entry();
        if entry.translations.is_empty() {
            return self.shell.t.glossary_as_written.to_owned();
        }
        forms_text(&entry.translations)
    }
}

fn forms_text(forms: &BTreeMap<String, String>) -> String {
    forms
        .iter()
        .map(|(lang, form)| format!("{lang}={form}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stored settings, opened; `Err` says why they cannot be (no or another key).
struct Stored {
    config: Option<TranslatorConfig>,
    problem: Option<String>,
}

async fn stored(state: &AppState, user: &CurrentUser) -> AppResult<Stored> {
    let mut tx = user.tx(state).await?;
    let sealed = translation::sealed_config(&mut tx).await?;
    tx.commit().await?;
    Ok(match sealed {
        None => Stored {
            config: None,
            problem: None,
        },
        Some(sealed) => match open(state, user.tenant(), &sealed) {
            Ok(config) => Stored {
                config: Some(config),
                problem: None,
            },
            Err(problem) => Stored {
                config: None,
                problem: Some(problem),
            },
        },
    })
}

/// The page for the stored settings and glossary; `form` replaces the stored settings'
/// form when one is shown again.
async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    form: Option<ProviderForm>,
    mut errors: FormErrors,
) -> AppResult<TranslationPage<'a>> {
    let t = user.t();
    let stored = stored(state, user).await?;
    if let Some(problem) = &stored.problem {
        errors.add("form", t.fill(t.tr_unreadable, problem));
    }
    let mut tx = user.tx(state).await?;
    let glossary = translation::glossary(&mut tx).await?;
    tx.commit().await?;
    let config = stored.config.as_ref();
    let key_stored = match config {
        Some(TranslatorConfig::Deepl { api_key, .. })
        | Some(TranslatorConfig::Google { api_key, .. })
        | Some(TranslatorConfig::OpenAi { api_key, .. }) => !api_key.is_empty(),
        Some(TranslatorConfig::LibreTranslate { api_key, .. }) => {
            api_key.as_deref().is_some_and(|k| !k.is_empty())
        }
        None => false,
    };
    Ok(TranslationPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "translation",
        },
        form: form
            .unwrap_or_else(|| ProviderForm::of(config))
            .without_keys(),
        stored: config.map_or("none", TranslatorConfig::provider),
        key_stored,
        providers: PROVIDERS,
        glossary,
        term: String::new(),
        forms: String::new(),
        sample: SAMPLE,
        test_target: default_test_target(user).to_owned(),
        test_result: None,
        errors,
    })
}

/// The sample goes into the agent's language, or German for English readers.
fn default_test_target(user: &CurrentUser) -> &'static str {
    match user.locale().language() {
        "en" => "de",
        other => other,
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut page = page(&state, &user, None, FormErrors::default()).await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

/// Stores the chosen service (sealed), or clears it for "none". Nothing is stored while a
/// field has a problem.
async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ProviderForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let stored = stored(&state, &user).await?;
    let Some(config) = form
        .config(stored.config.as_ref())
        .map_err(|()| AppError::BadRequest(t.err_400.into()))?
    else {
        return store(&state, &user, None, "none", false).await;
    };
    let mut errors = FormErrors::default();
    for problem in config.problems() {
        let message = if problem.missing {
            t.err_required
        } else {
            t.tr_err_url
        };
        errors.add(field_name(config.provider(), problem.field), message);
    }
    if errors.is_empty() {
        match &state.config.secret_key {
            Some(key) => {
                let sealed = config.seal(key, &config_owner(user.tenant()));
                return store(
                    &state,
                    &user,
                    Some(sealed),
                    config.provider(),
                    form.new_key(),
                )
                .await;
            }
            None => errors.add("form", t.tr_no_secret_key),
        }
    }
    let page = page(&state, &user, Some(form), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn store(
    state: &AppState,
    user: &CurrentUser,
    sealed: Option<String>,
    provider: &str,
    key_changed: bool,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    translation::set_sealed_config(&mut tx, sealed.as_deref()).await?;
    user.audit(
        &mut tx,
        "translation.settings_changed",
        "tenant",
        user.tenant().0,
        json!({ "provider": provider, "credentials_changed": key_changed }),
    )
    .await?;
    tx.commit().await?;
    let notice = if sealed.is_some() {
        "translation_saved"
    } else {
        "translation_off"
    };
    Ok(Redirect::to(&format!("/settings/translation?notice={notice}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TestForm {
    target: String,
}

/// Translates the sample with the saved settings and the glossary: a result fragment for
/// htmx, the page with the result otherwise.
async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<TestForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let target = form.target.trim().replace('_', "-");
    let result = if target.len() > 35 || !is_iso_639_1(&primary_subtag(&target)) {
        TestResult::failed(t.tr_err_language.to_owned(), &target)
    } else {
        try_sample(&state, &user, &target).await?
    };
    if headers.contains_key("hx-request") {
        return Ok(render(&TestFragment { result })?.into_response());
    }
    let mut page = page(&state, &user, None, FormErrors::default()).await?;
    page.test_target = target;
    page.test_result = Some(result);
    Ok(render(&page)?.into_response())
}

impl TestResult {
    fn failed(message: String, target: &str) -> Self {
        Self {
            ok: false,
            message,
            text: String::new(),
            language: target.to_owned(),
        }
    }
}

async fn try_sample(state: &AppState, user: &CurrentUser, target: &str) -> AppResult<TestResult> {
    let t = user.t();
    let mut tx = user.tx(state).await?;
    let sealed = translation::sealed_config(&mut tx).await?;
    let glossary = translation::glossary_entries(&mut tx).await?;
    tx.commit().await?;
    let Some(sealed) = sealed else {
        return Ok(TestResult::failed(t.tr_not_configured.to_owned(), target));
    };
    let translator = match translator(state, user.tenant(), &sealed) {
        Ok(translator) => translator,
        Err(problem) => {
            return Ok(TestResult::failed(
                t.fill(t.tr_test_failed, problem),
                target,
            ))
        }
    };
    let request = TranslateRequest {
        text: SAMPLE,
        source: Some("en"),
        target,
        glossary: &glossary,
    };
    Ok(match translator.translate(&request).await {
        Ok(done) => TestResult {
            ok: true,
            message: t.fill(t.tr_test_ok, done.provider),
            text: done.text,
            language: target.to_owned(),
        },
        Err(err) => TestResult::failed(t.fill(t.tr_test_failed, err), target),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TermForm {
    term: String,
    /// "de=Kissen, zh=抱枕".
    forms: String,
}

/// "de=Kissen, zh=抱枕" → {de: Kissen, zh: 抱枕} (language codes in lower case); the items
/// that are not `language=form` otherwise.
fn parse_forms(text: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut forms = BTreeMap::new();
    let mut bad = Vec::new();
    for item in text
        .split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        match item.split_once(['=', '＝']) {
            Some((lang, form)) if !lang.trim().is_empty() => {
                forms.insert(lang.trim().to_lowercase(), form.trim().to_owned());
            }
            _ => bad.push(item.to_owned()),
        }
    }
    if bad.is_empty() {
        Ok(forms)
    } else {
        Err(bad)
    }
}

/// Adds a term (or replaces the forms of one already listed, any case).
async fn add_term(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TermForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut errors = FormErrors::default();
    let term = form.term.trim().to_owned();
    let translations = match parse_forms(&form.forms) {
        Ok(forms) => forms,
        Err(bad) => {
            errors.add("forms", t.fill(t.glossary_err_forms, bad.join(", ")));
            BTreeMap::new()
        }
    };
    let entry = GlossaryEntry {
        term: term.clone(),
        translations,
    };
    let mut tx = user.tx(&state).await?;
    let mut all: Vec<GlossaryEntry> = translation::glossary_entries(&mut tx)
        .await?
        .into_iter()
        .filter(|e| e.term.trim().to_lowercase() != term.to_lowercase())
        .collect();
    if all.len() >= MAX_TERMS {
        errors.add("term", t.fill(t.glossary_err_too_many, MAX_TERMS));
    }
    all.push(entry.clone());
    if errors.is_empty() {
        if let Err(problem) = glossary::validate(&all) {
            errors.add("term", problem);
        }
    }
    if errors.is_empty() {
        let forms = serde_json::to_value(&entry.translations).map_err(anyhow::Error::from)?;
        let id = translation::put_term(&mut tx, &term, &forms).await?;
        user.audit(
            &mut tx,
            "glossary.term_saved",
            "glossary_entry",
            id,
            json!({ "term": term, "forms": entry.translations }),
        )
        .await?;
        tx.commit().await?;
        return Ok(
            Redirect::to("/settings/translation?notice=glossary_term_saved#glossary")
                .into_response(),
        );
    }
    drop(tx);
    let mut page = page(&state, &user, None, errors).await?;
    page.term = form.term;
    page.forms = form.forms;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn delete_term(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    if !translation::delete_term(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "glossary.term_deleted",
        "glossary_entry",
        id,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/translation?notice=glossary_term_deleted#glossary").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_read_as_language_equals_form() {
        let forms = parse_forms("de=Kissen, ZH = 抱枕；fr＝coussin\n").unwrap();
        assert_eq!(
            forms_text(&forms),
            "de=Kissen, fr=coussin, zh=抱枕".to_owned()
        );
        assert!(parse_forms("").unwrap().is_empty());
        assert_eq!(
            parse_forms("de=Kissen, Kissen, =x").unwrap_err(),
            vec!["Kissen".to_owned(), "=x".to_owned()]
        );
        // An empty form is kept, for the glossary's own check to name it.
        assert_eq!(
            parse_forms("de=").unwrap().get("de").map(String::as_str),
            Some("")
        );
    }

    #[test]
    fn a_blank_key_keeps_the_stored_one_of_the_same_service_only() {
        let stored = TranslatorConfig::Deepl {
            api_key: "stored:fx".into(),
            base_url: None,
        };
        let form = ProviderForm {
            provider: "deepl".into(),
            deepl_base_url: " https://api-free.deepl.com ".into(),
            ..ProviderForm::default()
        };
        assert_eq!(
            form.config(Some(&stored)).unwrap(),
            Some(TranslatorConfig::Deepl {
                api_key: "stored:fx".into(),
                base_url: Some("https://api-free.deepl.com".into()),
            })
        );
        assert!(!form.new_key());
        let google = ProviderForm {
            provider: "google".into(),
            ..ProviderForm::default()
        };
        assert_eq!(
            google.config(Some(&stored)).unwrap(),
            Some(TranslatorConfig::Google {
                api_key: String::new(),
                base_url: None,
            })
        );
        let typed = ProviderForm {
            provider: "deepl".into(),
            deepl_api_key: " new ".into(),
            ..ProviderForm::default()
        };
        assert!(typed.new_key());
        assert_eq!(
            typed.config(Some(&stored)).unwrap(),
            Some(TranslatorConfig::Deepl {
                api_key: "new".into(),
                base_url: None,
            })
        );
        let none = ProviderForm {
            provider: "none".into(),
            ..ProviderForm::default()
        };
        assert_eq!(none.config(Some(&stored)).unwrap(), None);
        let bing = ProviderForm {
            provider: "bing".into(),
            ..ProviderForm::default()
        };
        assert!(bing.config(None).is_err());
    }

    #[test]
    fn every_problem_has_its_own_field() {
        for provider in PROVIDERS {
            for field in ["api_key", "base_url", "url", "model"] {
                let name = field_name(provider, field);
                assert!(
                    name.starts_with(match provider {
                        "libretranslate" => "libre_",
                        p => p,
                    }),
                    "{provider}/{field} → {name}"
                );
            }
        }
    }
}
