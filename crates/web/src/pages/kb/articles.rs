//! One article: the editor (a tab per language, title, slug, Markdown with a live preview,
//! category and position), publishing, removing a language, deleting. Agents who may not
//! manage the knowledge base see the article as the help center shows it.

use aftersail_db::kb::{self, Article, Removed, Translation, TranslationInput};
use aftersail_db::{violated_constraint, TenantTx};
use aftersail_domain::kb::{self as rules, SlugError};
use aftersail_domain::{KbArticleId, KbCategoryId, KbImageId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::text::{kt, Kt};
use super::{notice, offered_locales, preview_html, shop_locale, LocaleOption};
use crate::auth::CurrentUser;
use crate::error::{urlencode, AppError, AppResult};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

/// The editor's fields as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct ArticleForm {
    locale: String,
    title: String,
    slug: String,
    body_markdown: String,
    /// A category id, or empty for none.
    category: String,
    position: String,
    /// `preview`: show the preview without saving (the page without JavaScript).
    intent: String,
}

impl ArticleForm {
    fn of(article: &Article, t: Option<&Translation>, locale: &str) -> Self {
        ArticleForm {
            locale: locale.to_owned(),
            title: t.map(|t| t.title.clone()).unwrap_or_default(),
            slug: t.map(|t| t.slug.clone()).unwrap_or_default(),
            body_markdown: t.map(|t| t.body_markdown.clone()).unwrap_or_default(),
            category: article
                .category_id
                .map(|c| c.to_string())
                .unwrap_or_default(),
            position: article.position.to_string(),
            intent: String::new(),
        }
    }
}

/// What a checked form stores.
struct Checked {
    locale: String,
    title: String,
    slug: String,
    body: String,
    category: Option<KbCategoryId>,
    position: i32,
}

const MAX_POSITION: i32 = 100_000;

fn check(k: &Kt, form: &ArticleForm, errors: &mut FormErrors) -> Option<Checked> {
    let locale = rules::locale_code(&form.locale);
    if locale.is_none() {
        errors.add("locale", k.err_locale);
    }
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", k.err_title_required);
    } else if title.chars().count() > rules::MAX_TITLE_CHARS {
        errors.add("title", k.err_title_long);
    }
    let typed = form.slug.trim();
    let slug = if typed.is_empty() {
        rules::slugify(&title)
    } else {
        typed.to_owned()
    };
    match rules::check_slug(&slug) {
        Ok(()) => {}
        Err(SlugError::Empty) if !title.is_empty() => errors.add("slug", k.err_slug_empty),
        Err(SlugError::Empty) => {}
        Err(SlugError::TooLong) => errors.add("slug", k.err_slug_long),
        Err(SlugError::Characters) => errors.add("slug", k.err_slug_characters),
    }
    let body = form.body_markdown.trim_end().to_owned();
    if body.trim().is_empty() {
        errors.add("body_markdown", k.err_body_required);
    } else if body.chars().count() > rules::MAX_BODY_CHARS {
        errors.add("body_markdown", k.err_body_long);
    }
    let category = match form.category.trim() {
        "" => None,
        id => match id.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("category", k.err_category);
                None
            }
        },
    };
    let position = match form.position.trim() {
        "" => 0,
        p => match p.parse::<i32>() {
            Ok(p) if p.abs() <= MAX_POSITION => p,
            _ => {
                errors.add("position", k.err_position);
                0
            }
        },
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Checked {
        locale: locale?,
        title,
        slug,
        body,
        category,
        position,
    })
}

/// A language tab of the editor.
pub(super) struct Tab {
    code: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "kb/article.html")]
pub(super) struct ArticlePage<'a> {
    shell: Shell<'a>,
    k: &'static Kt,
    /// `None`: a new article.
    article: Option<Article>,
    tabs: Vec<Tab>,
    /// The language shown or edited, and whether the article has it yet.
    locale: String,
    locale_name: String,
    exists: bool,
    form: ArticleForm,
    errors: FormErrors,
    categories: Vec<(KbCategoryId, String)>,
    offered: Vec<LocaleOption>,
    /// Rendered Markdown (sanitized): the preview, or the article for readers.
    preview: String,
    /// The published article's address in this language.
    public_url: Option<String>,
    /// The same, absolute when the public address is configured.
    share_url: Option<String>,
    /// Markdown for an image just uploaded (the page without JavaScript).
    image_markdown: Option<String>,
    can_manage: bool,
}

impl ArticlePage<'_> {
    fn is_category(&self, id: &KbCategoryId) -> bool {
        self.form.category == id.to_string()
    }

    fn back(&self) -> String {
        match &self.article {
            Some(a) => format!("/kb/{}?locale={}", a.id, urlencode(&self.locale)),
            None => "/kb/new".into(),
        }
    }

    fn helpful(&self) -> String {
        match &self.article {
            Some(a) => match a.helpful_percent() {
                Some(p) => self.k.fill(
                    self.k.helpful_share,
                    &[&p, &(i64::from(a.helpful_yes) + i64::from(a.helpful_no))],
                ),
                None => "—".into(),
            },
            None => String::new(),
        }
    }

    fn new_language_text(&self) -> String {
        self.k.fill(self.k.new_language_help, &[&self.locale_name])
    }

    fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

async fn category_names(
    tx: &mut TenantTx,
    wanted: &[String],
) -> AppResult<Vec<(KbCategoryId, String)>> {
    Ok(kb::categories(tx)
        .await?
        .iter()
        .map(|c| {
            (
                c.id,
                c.name_for(wanted)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            )
        })
        .collect())
}

/// Everything the page shows around the form.
#[allow(clippy::too_many_arguments)]
async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    article: Option<Article>,
    translations: &[Translation],
    locale: String,
    form: ArticleForm,
    errors: FormErrors,
    image: Option<KbImageId>,
) -> AppResult<ArticlePage<'a>> {
    let k = kt(user.locale());
    let mut tx = user.tx(state).await?;
    let shop = shop_locale(&mut tx).await?;
    let wanted = vec![locale.clone(), shop.clone()];
    let categories = category_names(&mut tx, &wanted).await?;
    let used = kb::locales(&mut tx).await?;
    let image_markdown = match image {
        Some(id) => kb::image(&mut tx, id)
            .await?
            .map(|i| rules::image_markdown(user.shop_slug(), i.id.0, &i.filename)),
        None => None,
    };
    tx.commit().await?;
    let exists = translations.iter().any(|t| t.locale == locale);
    let mut tabs: Vec<Tab> = translations
        .iter()
        .map(|t| Tab {
            code: t.locale.clone(),
            name: rules::language_name(&t.locale),
            current: t.locale == locale,
        })
        .collect();
    if !exists && article.is_some() {
        tabs.push(Tab {
            code: locale.clone(),
            name: rules::language_name(&locale),
            current: true,
        });
    }
    let public_url = article
        .as_ref()
        .filter(|a| a.is_published())
        .and_then(|_| translations.iter().find(|t| t.locale == locale))
        .map(|t| rules::article_path(user.shop_slug(), &t.slug, &t.locale));
    // The address to print on packaging or paste into a listing: absolute when the server
    // knows its public address.
    let share_url = public_url
        .as_ref()
        .map(|path| match &state.config.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.clone(),
        });
    let preview = preview_html(user.shop_slug(), &form.body_markdown);
    Ok(ArticlePage {
        shell: Shell::new(user, "kb"),
        k,
        article,
        tabs,
        locale_name: rules::language_name(&locale),
        locale,
        exists,
        form,
        errors,
        categories,
        offered: offered_locales(&used, &shop),
        preview,
        public_url,
        share_url,
        image_markdown,
        can_manage: user.can_manage_people(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ShowQuery {
    locale: String,
    notice: Option<String>,
    /// An image just uploaded (its Markdown is shown to paste).
    image: Option<String>,
}

/// GET /kb/new: an empty article in the shop's language (or `?locale=`).
pub(super) async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let locale = match rules::locale_code(&q.locale) {
        Some(l) => l,
        None => shop_locale(&mut tx).await?,
    };
    tx.commit().await?;
    let form = ArticleForm {
        locale: locale.clone(),
        ..ArticleForm::default()
    };
    let image = q.image.as_deref().and_then(|i| i.parse().ok());
    let page = page(
        &state,
        &user,
        None,
        &[],
        locale,
        form,
        FormErrors::default(),
        image,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// GET /kb/{id}?locale=: the editor for one language (a new one when the article does not
/// have it yet); the article as readers see it for agents who may not edit.
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let article = kb::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let translations = kb::translations(&mut tx, id).await?;
    let shop = shop_locale(&mut tx).await?;
    tx.commit().await?;
    let have: Vec<String> = translations.iter().map(|t| t.locale.clone()).collect();
    let asked = rules::locale_code(&q.locale);
    let locale = match asked {
        // Editors may open a language the article does not have yet, to add it.
        Some(l) if user.can_manage_people() || have.contains(&l) => l,
        _ => rules::pick_locale(&have, &[shop])
            .or_else(|| have.first().cloned())
            .ok_or(AppError::NotFound)?,
    };
    let current = translations.iter().find(|t| t.locale == locale);
    let form = ArticleForm::of(&article, current, &locale);
    let image = q.image.as_deref().and_then(|i| i.parse().ok());
    let mut page = page(
        &state,
        &user,
        Some(article),
        &translations,
        locale,
        form,
        FormErrors::default(),
        image,
    )
    .await?;
    page.shell = page.shell.with_notice(notice(page.k, q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

/// Whether the category (if any) is the shop's; another shop's id is a plain 404.
async fn check_category(tx: &mut TenantTx, category: Option<KbCategoryId>) -> AppResult<()> {
    if let Some(c) = category {
        if kb::category(tx, c).await?.is_none() {
            return Err(AppError::NotFound);
        }
    }
    Ok(())
}

/// Saves a new article (`id` None) or one language and the settings of an existing one;
/// anything wrong re-shows the form and stores nothing.
async fn store(
    state: &AppState,
    user: &CurrentUser,
    id: Option<KbArticleId>,
    form: ArticleForm,
) -> AppResult<Response> {
    user.require_admin()?;
    let k = kt(user.locale());
    let mut tx = user.tx(state).await?;
    let (article, translations) = match id {
        Some(id) => {
            let article = kb::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
            (Some(article), kb::translations(&mut tx, id).await?)
        }
        None => (None, Vec::new()),
    };
    let mut errors = FormErrors::default();
    let checked = check(k, &form, &mut errors);
    let locale_shown = rules::locale_code(&form.locale)
        .or_else(|| translations.first().map(|t| t.locale.clone()))
        .unwrap_or_else(|| "en".into());
    let c = match checked {
        Some(c) if form.intent != "preview" => c,
        // "Preview" (the page without JavaScript) or problems: the form again, nothing stored.
        _ => {
            tx.commit().await?;
            let status = if form.intent == "preview" {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = page(
                state,
                user,
                article,
                &translations,
                locale_shown,
                form,
                errors,
                None,
            )
            .await?;
            return Ok((status, render(&page)?).into_response());
        }
    };
    check_category(&mut tx, c.category).await?;
    let input = TranslationInput {
        locale: &c.locale,
        slug: &c.slug,
        title: &c.title,
        body_markdown: &c.body,
    };
    let saved = match id {
        None => kb::create(&mut tx, c.category, c.position, Some(user.id()), &input).await,
        Some(id) => match kb::update_settings(&mut tx, id, c.category, c.position).await {
            Ok(true) => kb::save_translation(&mut tx, id, &input).await.map(|_| id),
            Ok(false) => return Err(AppError::NotFound),
            Err(err) => Err(err),
        },
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(err) if violated_constraint(&err) == Some(kb::SLUG_KEY) => {
            // The failed insert ended the transaction: nothing is stored.
            drop(tx);
            errors.add("slug", k.fill(k.err_slug_taken, &[&c.slug]));
            let page = page(
                state,
                user,
                article,
                &translations,
                locale_shown,
                form,
                errors,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    let action = match id {
        None => "kb.article_created",
        Some(_) if translations.iter().any(|t| t.locale == c.locale) => "kb.article_updated",
        Some(_) => "kb.translation_added",
    };
    user.audit(
        &mut tx,
        action,
        "kb_article",
        saved.0,
        json!({ "locale": c.locale, "title": c.title, "slug": c.slug }),
    )
    .await?;
    tx.commit().await?;
    let notice = if id.is_none() { "created" } else { "saved" };
    Ok(Redirect::to(&format!(
        "/kb/{saved}?locale={}&notice={notice}",
        urlencode(&c.locale)
    ))
    .into_response())
}

/// POST /kb: a new article (a draft).
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ArticleForm>,
) -> AppResult<Response> {
    store(&state, &user, None, form).await
}

/// POST /kb/{id}: saves one language and the article's category and position.
pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
    Form(form): Form<ArticleForm>,
) -> AppResult<Response> {
    store(&state, &user, Some(id), form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BackForm {
    /// The language tab to return to.
    locale: String,
}

async fn set_published(
    state: &AppState,
    user: &CurrentUser,
    id: KbArticleId,
    published: bool,
    locale: &str,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(state).await?;
    if !kb::set_published(&mut tx, id, published).await? {
        return Err(AppError::NotFound);
    }
    let action = if published {
        "kb.article_published"
    } else {
        "kb.article_unpublished"
    };
    user.audit(&mut tx, action, "kb_article", id.0, json!({}))
        .await?;
    tx.commit().await?;
    let notice = if published {
        "published"
    } else {
        "unpublished"
    };
    let locale = rules::locale_code(locale).unwrap_or_default();
    Ok(Redirect::to(&format!(
        "/kb/{id}?locale={}&notice={notice}",
        urlencode(&locale)
    )))
}

pub(super) async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
    Form(form): Form<BackForm>,
) -> AppResult<Redirect> {
    set_published(&state, &user, id, true, &form.locale).await
}

pub(super) async fn unpublish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
    Form(form): Form<BackForm>,
) -> AppResult<Redirect> {
    set_published(&state, &user, id, false, &form.locale).await
}

/// POST /kb/{id}/translations/{locale}/delete: removes one language (not the last).
pub(super) async fn delete_translation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, locale)): Path<(KbArticleId, String)>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let k = kt(user.locale());
    let mut tx = user.tx(&state).await?;
    match kb::delete_translation(&mut tx, id, &locale).await? {
        Removed::Removed => {}
        Removed::NotFound => return Err(AppError::NotFound),
        Removed::Last => return Err(AppError::BadRequest(k.err_last_translation.into())),
    }
    user.audit(
        &mut tx,
        "kb.translation_removed",
        "kb_article",
        id.0,
        json!({ "locale": locale }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/kb/{id}?notice=translation_deleted"
    )))
}

#[derive(Template)]
#[template(path = "kb/confirm_delete.html")]
struct ConfirmPage<'a> {
    shell: Shell<'a>,
    question: String,
    action: String,
    back: String,
}

/// GET /kb/{id}/delete: are you sure?
pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let k = kt(user.locale());
    let mut tx = user.tx(&state).await?;
    kb::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let translations = kb::translations(&mut tx, id).await?;
    tx.commit().await?;
    let title = translations
        .first()
        .map(|t| t.title.clone())
        .unwrap_or_default();
    confirm_page(
        &user,
        k.fill(k.confirm_delete_article, &[&title]),
        format!("/kb/{id}/delete"),
        format!("/kb/{id}"),
    )
}

/// POST /kb/{id}/delete: the article, every language and its votes.
pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbArticleId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let title = kb::delete(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    user.audit(
        &mut tx,
        "kb.article_deleted",
        "kb_article",
        id.0,
        json!({ "title": title }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/kb?notice=deleted"))
}

pub(super) fn confirm_page(
    user: &CurrentUser,
    question: String,
    action: String,
    back: String,
) -> AppResult<Response> {
    Ok(render(&ConfirmPage {
        shell: Shell::new(user, "kb"),
        question,
        action,
        back,
    })?
    .into_response())
}
