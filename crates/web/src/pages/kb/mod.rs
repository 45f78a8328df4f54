//! The knowledge base in the agent app: the article list (category, status, languages, views,
//! helpful share; filtered and searched), the article editor (a translation per language,
//! Markdown with a live preview, images, publish and unpublish) and categories in order.
//! Owners and admins write; every agent reads. The public side is `crate::portal::help`.

mod articles;
mod categories;
mod images;
pub mod text;

use aftersail_db::kb::{self, CategoryFilter, ListFilter, Listed};
use aftersail_db::tenants;
use aftersail_domain::kb as rules;
use aftersail_domain::KbCategoryId;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::csrf::MAX_MULTIPART_BYTES;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{render, Shell};
use crate::state::AppState;
pub(crate) use images::image_response;
use text::{kt, Kt};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kb", get(list).post(articles::create))
        .route("/kb/new", get(articles::new))
        .route("/kb/preview", post(preview))
        .route("/kb/{id}", get(articles::show).post(articles::save))
        .route("/kb/{id}/publish", post(articles::publish))
        .route("/kb/{id}/unpublish", post(articles::unpublish))
        .route(
            "/kb/{id}/delete",
            get(articles::confirm_delete).post(articles::delete),
        )
        .route(
            "/kb/{id}/translations/{locale}/delete",
            post(articles::delete_translation),
        )
        .route(
            "/kb/images",
            post(images::upload).layer(DefaultBodyLimit::max(MAX_MULTIPART_BYTES)),
        )
        .route("/kb/images/{id}", get(images::show))
        .merge(categories::router())
}

/// Languages offered when adding one (any other tag can be typed).
pub const COMMON_LOCALES: &[&str] = &[
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "fi", "nb", "cs", "tr", "ru", "ar",
    "ja", "zh", "ko", "th",
];

/// A language for pickers: its tag and own name.
pub struct LocaleOption {
    pub code: String,
    pub name: String,
}

pub fn locale_options(codes: &[String]) -> Vec<LocaleOption> {
    codes
        .iter()
        .map(|c| LocaleOption {
            code: c.clone(),
            name: rules::language_name(c),
        })
        .collect()
}

/// The languages to offer: the common ones, the shop's own, and any already used.
pub fn offered_locales(used: &[String], shop_default: &str) -> Vec<LocaleOption> {
    let mut codes: Vec<String> = COMMON_LOCALES.iter().map(|c| c.to_string()).collect();
    for c in used.iter().cloned().chain(rules::locale_code(shop_default)) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    locale_options(&codes)
}

/// Messages shown after a redirect (`?notice=…`), from a fixed list.
pub fn notice(k: &'static Kt, key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "created" => k.notice_created,
        "saved" => k.notice_saved,
        "published" => k.notice_published,
        "unpublished" => k.notice_unpublished,
        "deleted" => k.notice_deleted,
        "translation_deleted" => k.notice_translation_deleted,
        "category_saved" => k.notice_category_saved,
        "category_deleted" => k.notice_category_deleted,
        "category_moved" => k.notice_category_moved,
        _ => return None,
    })
}

/// The shop's default language as a tag ("en" when it is not one).
pub async fn shop_locale(tx: &mut aftersail_db::TenantTx) -> AppResult<String> {
    let tenant = tenants::get(tx).await?;
    Ok(rules::locale_code(&tenant.default_locale).unwrap_or_else(|| "en".into()))
}

// ---- the list -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// A category id, `none` (without a category) or empty (any).
    category: String,
    /// `draft`, `published` or empty.
    status: String,
    locale: String,
    q: String,
    notice: Option<String>,
}

/// One row of the list.
struct Row {
    listed: Listed,
    title: String,
    category: String,
}

#[derive(Template)]
#[template(path = "kb/list.html")]
struct ListPage<'a> {
    shell: Shell<'a>,
    k: &'static Kt,
    q: ListQuery,
    rows: Vec<Row>,
    categories: Vec<(KbCategoryId, String)>,
    locales: Vec<LocaleOption>,
    help_center: String,
    can_manage: bool,
    /// Articles in the shop at all (to tell "none yet" from "none match").
    total: i64,
}

impl ListPage<'_> {
    fn is_category(&self, id: &KbCategoryId) -> bool {
        self.q.category == id.to_string()
    }

    fn helpful(&self, row: &Row) -> String {
        let a = &row.listed.article;
        match a.helpful_percent() {
            Some(p) => self.k.fill(
                self.k.helpful_share,
                &[&p, &(i64::from(a.helpful_yes) + i64::from(a.helpful_no))],
            ),
            None => "—".into(),
        }
    }

    fn updated(&self, row: &Row) -> String {
        row.listed.article.updated_at.format("%Y-%m-%d").to_string()
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let k = kt(user.locale());
    let mut tx = user.tx(&state).await?;
    let wanted = vec![shop_locale(&mut tx).await?];
    let category = match q.category.as_str() {
        "" => CategoryFilter::Any,
        "none" => CategoryFilter::Uncategorized,
        id => match id.parse() {
            Ok(id) => CategoryFilter::In(id),
            Err(_) => CategoryFilter::Any,
        },
    };
    let status = Some(q.status.as_str()).filter(|s| matches!(*s, "draft" | "published"));
    let locale = rules::locale_code(&q.locale);
    let mut listed = kb::list(
        &mut tx,
        ListFilter {
            category,
            status,
            locale: locale.as_deref(),
        },
    )
    .await?;
    if !q.q.trim().is_empty() {
        let hits = kb::search_all(&mut tx, locale.as_deref(), &q.q, 100).await?;
        let mut order: Vec<aftersail_domain::KbArticleId> = Vec::new();
        for h in hits {
            if !order.contains(&h.article_id) {
                order.push(h.article_id);
            }
        }
        listed.retain(|l| order.contains(&l.article.id));
        listed.sort_by_key(|l| order.iter().position(|id| *id == l.article.id));
    }
    let categories = kb::categories(&mut tx).await?;
    let total = kb::count(&mut tx).await?;
    let locales = kb::locales(&mut tx).await?;
    tx.commit().await?;
    let names: Vec<(KbCategoryId, String)> = categories
        .iter()
        .map(|c| {
            (
                c.id,
                c.name_for(&wanted)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let rows = listed
        .into_iter()
        .map(|l| Row {
            title: l
                .title_for(&wanted)
                .map(|t| t.title.clone())
                .unwrap_or_default(),
            category: l
                .article
                .category_id
                .and_then(|id| names.iter().find(|(c, _)| *c == id))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            listed: l,
        })
        .collect();
    let mut shell = Shell::new(&user, "kb");
    shell = shell.with_notice(notice(k, q.notice.as_deref()));
    render(&ListPage {
        shell,
        k,
        rows,
        categories: names,
        locales: locale_options(&locales),
        help_center: rules::help_center_path(user.shop_slug()),
        can_manage: user.can_manage_people(),
        total,
        q,
    })
}

// ---- live preview -------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct PreviewForm {
    body_markdown: String,
}

#[derive(Template)]
#[template(path = "kb/_preview.html")]
struct PreviewPartial<'a> {
    k: &'static Kt,
    html: &'a str,
}

/// The article HTML as the help center will show it, with the draft's images through the
/// signed-in route (the public one shows only published articles' images).
pub fn preview_html(shop_slug: &str, md: &str) -> String {
    let public = format!("{}/images/", rules::help_center_path(shop_slug));
    rules::render_markdown_with(md, |src| {
        src.strip_prefix(&public)
            .map(|id| format!("/kb/images/{id}"))
    })
}

/// POST /kb/preview (htmx, as the editor types): the rendered Markdown.
async fn preview(user: CurrentUser, Form(form): Form<PreviewForm>) -> AppResult<Html<String>> {
    let html = preview_html(user.shop_slug(), &form.body_markdown);
    render(&PreviewPartial {
        k: kt(user.locale()),
        html: &html,
    })
}
