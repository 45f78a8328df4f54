//! The public help center, per shop at `/p/{shop}/help`: categories and published articles
//! in the buyer's language, search, an article page with its other languages and a
//! "was this helpful?" vote, and the images published articles show. No sign-in; the vote
//! form carries the portal's double-submit CSRF token, counts once per browser (a random
//! long-lived cookie, stored only as a hash) and is throttled per client address.
//!
//! Which language: `?lang=` first, then the browser's `Accept-Language`, then the shop's own
//! language, then English, whichever the shop has articles in; when the buyer asked for a
//! language the shop has not written in, the page says so. Drafts are never shown (404).

use aftersail_db::kb::{self, Listed, Vote};
use aftersail_db::{portal, tenants, TenantTx};
use aftersail_domain::kb as rules;
use aftersail_domain::search::Piece;
use aftersail_domain::{KbArticleId, KbImageId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::help_strings::{help_strings, H};
use super::lang::Lang;
use super::{chrome, respond, Chrome, Shop};
use crate::auth::session::secure_cookies;
use crate::auth::{cookies, tokens};
use crate::error::{urlencode, AppError, AppResult};
use crate::pages::kb::image_response;
use crate::pages::ClientIp;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{shop}/help", get(home))
        .route("/p/{shop}/help/search", get(search))
        .route("/p/{shop}/help/a/{slug}", get(article))
        .route("/p/{shop}/help/feedback", post(feedback))
        .route("/p/{shop}/help/images/{id}", get(image))
}

/// The browser's voter cookie (random; the database keeps only its hash).
const VOTER_COOKIE: &str = "aftersail_kb_voter";
const VOTER_COOKIE_SECS: i64 = 365 * 24 * 3600;
/// Votes one client address may cast per throttling window.
pub const MAX_VOTES_PER_WINDOW: i64 = 60;
const SEARCH_RESULTS: i64 = 20;
const POPULAR: usize = 5;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HelpQuery {
    lang: Option<String>,
    q: String,
    /// Set after a vote (the page thanks the buyer).
    voted: Option<String>,
}

/// The shop, the languages and what every help page shows around its content.
struct Ctx {
    shop: Shop,
    ui: Lang,
    /// The language the buyer asked for (`?lang=` or the browser's first), if any.
    asked: Option<String>,
    /// The buyer's languages, best first: `?lang=`, then the browser's.
    buyer: Vec<String>,
    /// What to show, best first: the buyer's languages, the shop's, English.
    wanted: Vec<String>,
    /// The language the pages list articles in.
    content: String,
    /// Languages the shop has published articles in.
    available: Vec<String>,
}

/// A language switcher entry.
#[derive(Clone)]
pub struct LangLink {
    pub code: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// What the help pages show around their content.
pub struct HelpChrome {
    pub h: &'static H,
    pub slug: String,
    /// The language of the listed content.
    pub content: String,
    pub langs: Vec<LangLink>,
    pub q: String,
}

impl HelpChrome {
    pub fn home(&self) -> String {
        format!(
            "{}?lang={}",
            rules::help_center_path(&self.slug),
            urlencode(&self.content)
        )
    }
}

fn not_found_page(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    shop: Option<&Shop>,
    message: &str,
) -> AppResult<Response> {
    let (c, cookie) = chrome(
        state,
        headers,
        lang,
        shop,
        shop.map(|s| rules::help_center_path(&s.slug))
            .unwrap_or_default(),
    );
    let h = help_strings(lang);
    let hc = HelpChrome {
        h,
        slug: shop.map(|s| s.slug.clone()).unwrap_or_default(),
        content: lang.code().to_owned(),
        langs: Vec::new(),
        q: String::new(),
    };
    respond(
        StatusCode::NOT_FOUND,
        &MessagePage {
            c,
            hc,
            message: message.to_owned(),
        },
        cookie,
    )
}

/// Resolves the shop and the languages; `Err` is the "no such help center" page.
async fn context(
    state: &AppState,
    slug: &str,
    lang: Option<&str>,
    headers: &HeaderMap,
) -> AppResult<Result<(Ctx, TenantTx), Response>> {
    let Some((id, name)) = portal::shop_by_slug(&state.pool, slug).await? else {
        let ui = Lang::pick(lang, headers, "en");
        let h = help_strings(ui);
        return Ok(Err(not_found_page(
            state,
            headers,
            ui,
            None,
            h.help_not_found,
        )?));
    };
    let mut tx = TenantTx::begin(&state.pool, id).await?;
    let tenant = tenants::get(&mut tx).await?;
    let available = kb::published_locales(&mut tx).await?;
    let browser: Vec<String> = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(rules::accept_languages)
        .unwrap_or_default();
    let asked_query = lang.and_then(rules::locale_code);
    let asked = asked_query.clone().or_else(|| browser.first().cloned());
    let buyer: Vec<String> = asked_query.into_iter().chain(browser).collect();
    let mut wanted = buyer.clone();
    wanted.extend(rules::locale_code(&tenant.default_locale));
    wanted.push("en".into());
    let content = rules::pick_locale(&available, &wanted)
        .or_else(|| available.first().cloned())
        .unwrap_or_else(|| wanted[0].clone());
    // The page speaks the asked language when the portal can, else the content's.
    let ui = lang
        .and_then(Lang::parse)
        .or_else(|| Lang::parse(&content))
        .unwrap_or_else(|| Lang::pick(None, headers, &tenant.default_locale));
    let shop = Shop {
        id,
        name,
        slug: tenant.slug,
    };
    Ok(Ok((
        Ctx {
            shop,
            ui,
            asked,
            buyer,
            wanted,
            content,
            available,
        },
        tx,
    )))
}

impl Ctx {
    /// Content languages first, then the rest the buyer would take.
    fn preferred(&self) -> Vec<String> {
        std::iter::once(self.content.clone())
            .chain(self.wanted.iter().cloned())
            .collect()
    }

    fn chrome(
        &self,
        state: &AppState,
        headers: &HeaderMap,
        q: &str,
        langs: Vec<LangLink>,
    ) -> (Chrome, HelpChrome, Option<HeaderValue>) {
        let (c, cookie) = chrome(
            state,
            headers,
            self.ui,
            Some(&self.shop),
            rules::help_center_path(&self.shop.slug),
        );
        let hc = HelpChrome {
            h: help_strings(self.ui),
            slug: self.shop.slug.clone(),
            content: self.content.clone(),
            langs,
            q: q.to_owned(),
        };
        (c, hc, cookie)
    }

    /// The switcher for lists: every language with published articles.
    fn list_langs(&self, path: &str, extra: &str) -> Vec<LangLink> {
        self.available
            .iter()
            .map(|code| LangLink {
                code: code.clone(),
                name: rules::language_name(code),
                href: format!("{path}?lang={}{extra}", urlencode(code)),
                current: *code == self.content,
            })
            .collect()
    }

    /// "No articles in Français yet, so you see them in English", when it applies.
    fn fallback_notice(&self) -> Option<String> {
        let asked = self.asked.as_ref()?;
        if rules::pick_locale(&self.available, std::slice::from_ref(asked)).is_some()
            || self.available.is_empty()
        {
            return None;
        }
        let h = help_strings(self.ui);
        Some(h.fill(
            h.content_fallback,
            &[
                &rules::language_name(asked),
                &rules::language_name(&self.content),
            ],
        ))
    }
}

/// An article as a link in a list.
pub struct ArticleLink {
    pub href: String,
    pub title: String,
    /// Set when the title is in another language than the page's.
    pub locale: Option<String>,
}

fn link(
    shop_slug: &str,
    listed: &Listed,
    preferred: &[String],
    content: &str,
) -> Option<ArticleLink> {
    let t = listed.title_for(preferred)?;
    Some(ArticleLink {
        href: rules::article_path(shop_slug, &t.slug, &t.locale),
        title: t.title.clone(),
        locale: (t.locale != content).then(|| t.locale.clone()),
    })
}

// ---- home ---------------------------------------------------------------------------------

pub struct CategoryView {
    pub anchor: String,
    pub name: String,
    pub description: String,
    pub articles: Vec<ArticleLink>,
}

#[derive(Template)]
#[template(path = "portal/help_home.html")]
struct HomePage {
    c: Chrome,
    hc: HelpChrome,
    notice: Option<String>,
    categories: Vec<CategoryView>,
    more: Vec<ArticleLink>,
    popular: Vec<ArticleLink>,
}

async fn home(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<HelpQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (ctx, mut tx) = match context(&state, &slug, q.lang.as_deref(), &headers).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let articles = kb::published(&mut tx).await?;
    let categories = kb::categories(&mut tx).await?;
    tx.commit().await?;
    let preferred = ctx.preferred();
    let shop_slug = ctx.shop.slug.clone();
    let to_link = |l: &Listed| link(&shop_slug, l, &preferred, &ctx.content);
    let mut views: Vec<CategoryView> = categories
        .iter()
        .map(|c| {
            let name = c.name_for(&preferred);
            CategoryView {
                anchor: format!("c-{}", c.id),
                name: name.map(|n| n.name.clone()).unwrap_or_default(),
                description: name.map(|n| n.description.clone()).unwrap_or_default(),
                articles: articles
                    .iter()
                    .filter(|a| a.article.category_id == Some(c.id))
                    .filter_map(to_link)
                    .collect(),
            }
        })
        .collect();
    views.retain(|v| !v.articles.is_empty());
    let more: Vec<ArticleLink> = articles
        .iter()
        .filter(|a| a.article.category_id.is_none())
        .filter_map(to_link)
        .collect();
    let mut by_views: Vec<&Listed> = articles
        .iter()
        .filter(|a| a.article.view_count > 0)
        .collect();
    by_views.sort_by_key(|a| std::cmp::Reverse(a.article.view_count));
    let popular: Vec<ArticleLink> = by_views
        .into_iter()
        .take(POPULAR)
        .filter_map(to_link)
        .collect();
    let path = rules::help_center_path(&ctx.shop.slug);
    let langs = ctx.list_langs(&path, "");
    let (c, hc, cookie) = ctx.chrome(&state, &headers, "", langs);
    let page = HomePage {
        c,
        hc,
        notice: ctx.fallback_notice(),
        categories: views,
        more,
        popular,
    };
    respond(StatusCode::OK, &page, cookie)
}

// ---- search -------------------------------------------------------------------------------

pub struct HitView {
    pub href: String,
    pub title: String,
    pub snippet: Vec<Piece>,
    pub locale: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/help_search.html")]
struct SearchPage {
    c: Chrome,
    hc: HelpChrome,
    hits: Vec<HitView>,
    /// Nothing matched in the page's language; these are from the others.
    other_languages: bool,
    heading: String,
    none: String,
}

async fn search(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<HelpQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (ctx, mut tx) = match context(&state, &slug, q.lang.as_deref(), &headers).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let text: String = q.q.trim().chars().take(200).collect();
    let mut hits = kb::search(&mut tx, Some(&ctx.content), &text, SEARCH_RESULTS).await?;
    let mut other_languages = false;
    if hits.is_empty() && !text.is_empty() {
        hits = kb::search(&mut tx, None, &text, SEARCH_RESULTS).await?;
        other_languages = !hits.is_empty();
    }
    tx.commit().await?;
    let hits = hits
        .into_iter()
        .map(|h| HitView {
            href: rules::article_path(&ctx.shop.slug, &h.slug, &h.locale),
            locale: (h.locale != ctx.content).then(|| h.locale.clone()),
            title: h.title,
            snippet: h.snippet,
        })
        .collect();
    let path = format!("{}/search", rules::help_center_path(&ctx.shop.slug));
    let langs = ctx.list_langs(&path, &format!("&q={}", urlencode(&text)));
    let (c, hc, cookie) = ctx.chrome(&state, &headers, &text, langs);
    let page = SearchPage {
        heading: hc.h.fill(hc.h.results_for, &[&text]),
        none: hc.h.fill(hc.h.no_results, &[&text]),
        c,
        hc,
        hits,
        other_languages,
    };
    respond(StatusCode::OK, &page, cookie)
}

// ---- an article ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "portal/help_article.html")]
struct ArticlePage {
    c: Chrome,
    hc: HelpChrome,
    article_id: KbArticleId,
    locale: String,
    title: String,
    /// Sanitized when saved.
    html: String,
    updated: String,
    category: Option<(String, String)>,
    others: Vec<LangLink>,
    notice: Option<String>,
    vote: Option<bool>,
    thanks: bool,
}

impl ArticlePage {
    fn updated_text(&self) -> String {
        self.hc.h.fill(self.hc.h.updated, &[&self.updated])
    }
}

/// The browser's voter id: its cookie, or a new one to set.
fn voter(state: &AppState, headers: &HeaderMap) -> ([u8; 32], Option<HeaderValue>) {
    let (token, cookie) = match cookies::get(headers, VOTER_COOKIE) {
        Some(t) if t.len() >= 32 => (t.to_owned(), None),
        _ => {
            let t = tokens::random_token();
            let cookie = cookies::set(
                VOTER_COOKIE,
                &t,
                VOTER_COOKIE_SECS,
                secure_cookies(state, headers),
            );
            (t, Some(cookie))
        }
    };
    (Sha256::digest(token.as_bytes()).into(), cookie)
}

async fn article(
    State(state): State<AppState>,
    Path((slug, article_slug)): Path<(String, String)>,
    Query(q): Query<HelpQuery>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (ctx, mut tx) = match context(&state, &slug, q.lang.as_deref(), &headers).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let found = kb::published_by_slug(&mut tx, &article_slug, &ctx.wanted).await?;
    let Some((article, slug_locale)) = found else {
        tx.commit().await?;
        let h = help_strings(ctx.ui);
        return not_found_page(
            &state,
            &headers,
            ctx.ui,
            Some(&ctx.shop),
            h.article_not_found,
        );
    };
    let translations = kb::translations(&mut tx, article.id).await?;
    let have: Vec<String> = translations.iter().map(|t| t.locale.clone()).collect();
    // `?lang=` asks for another language (a language switcher, or a link made for another
    // market): the article's own address in the best one of the buyer's languages it has.
    // Without `?lang=` the slug's language is what the link meant.
    let best = rules::pick_locale(&have, &ctx.buyer).unwrap_or_else(|| slug_locale.clone());
    if best != slug_locale && q.lang.is_some() {
        if let Some(t) = translations.iter().find(|t| t.locale == best) {
            tx.commit().await?;
            return Ok(
                Redirect::to(&rules::article_path(&ctx.shop.slug, &t.slug, &t.locale))
                    .into_response(),
            );
        }
    }
    let shown = translations
        .iter()
        .find(|t| t.locale == slug_locale)
        .ok_or(AppError::NotFound)?;
    if method == Method::GET {
        kb::record_view(&mut tx, article.id).await?;
    }
    let (voter_hash, voter_cookie) = voter(&state, &headers);
    let vote = kb::vote_of(&mut tx, article.id, &shown.locale, &voter_hash).await?;
    let category = match article.category_id {
        Some(id) => kb::category(&mut tx, id).await?,
        None => None,
    };
    tx.commit().await?;
    let h = help_strings(ctx.ui);
    let notice = ctx.asked.as_ref().and_then(|asked| {
        let missing = rules::pick_locale(&have, std::slice::from_ref(asked)).is_none();
        missing.then(|| {
            h.fill(
                h.not_in_language,
                &[
                    &rules::language_name(asked),
                    &rules::language_name(&shown.locale),
                ],
            )
        })
    });
    let others: Vec<LangLink> = translations
        .iter()
        .map(|t| LangLink {
            code: t.locale.clone(),
            name: rules::language_name(&t.locale),
            href: rules::article_path(&ctx.shop.slug, &t.slug, &t.locale),
            current: t.locale == shown.locale,
        })
        .collect();
    let home = rules::help_center_path(&ctx.shop.slug);
    let category = category.and_then(|c| {
        let name = c
            .name_for(std::slice::from_ref(&shown.locale))?
            .name
            .clone();
        Some((
            name,
            format!("{home}?lang={}#c-{}", urlencode(&shown.locale), c.id),
        ))
    });
    let mut content_ctx = ctx;
    content_ctx.content = shown.locale.clone();
    let (c, hc, cookie) = content_ctx.chrome(&state, &headers, "", others.clone());
    let page = ArticlePage {
        c,
        hc,
        article_id: article.id,
        locale: shown.locale.clone(),
        title: shown.title.clone(),
        html: shown.body_html.clone(),
        updated: shown.updated_at.format("%Y-%m-%d").to_string(),
        category,
        others: others.into_iter().filter(|o| !o.current).collect(),
        notice,
        vote,
        thanks: q.voted.is_some(),
    };
    let mut response = respond(StatusCode::OK, &page, cookie)?;
    if let Some(v) = voter_cookie {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

// ---- was this helpful? -------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeedbackForm {
    article: String,
    locale: String,
    /// `yes` or `no`.
    helpful: String,
}

async fn feedback(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<HelpQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FeedbackForm>,
) -> AppResult<Response> {
    let (ctx, mut tx) = match context(&state, &slug, q.lang.as_deref(), &headers).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let h = help_strings(ctx.ui);
    let helpful = match form.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("helpful: yes or no".into())),
    };
    let (Ok(id), Some(locale)) = (
        form.article.parse::<KbArticleId>(),
        rules::locale_code(&form.locale),
    ) else {
        tx.commit().await?;
        return not_found_page(
            &state,
            &headers,
            ctx.ui,
            Some(&ctx.shop),
            h.article_not_found,
        );
    };
    let key = format!("kb-vote:{ip}");
    let window = chrono::Duration::minutes(super::WINDOW_MINUTES);
    let (votes, oldest_age) = portal::recent_failures(&state.pool, &key, window).await?;
    if votes >= MAX_VOTES_PER_WINDOW {
        tx.commit().await?;
        let minutes = ((window.num_seconds() - oldest_age).max(60) + 59) / 60;
        let (c, cookie) = chrome(
            &state,
            &headers,
            ctx.ui,
            Some(&ctx.shop),
            rules::help_center_path(&ctx.shop.slug),
        );
        let hc = HelpChrome {
            h,
            slug: ctx.shop.slug.clone(),
            content: ctx.content.clone(),
            langs: Vec::new(),
            q: String::new(),
        };
        let mut response = respond(
            StatusCode::TOO_MANY_REQUESTS,
            &MessagePage {
                c,
                hc,
                message: h.fill(h.too_many_votes, &[&minutes]),
            },
            cookie,
        )?;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
        return Ok(response);
    }
    let (voter_hash, voter_cookie) = voter(&state, &headers);
    let Some(vote) = kb::record_feedback(&mut tx, id, &locale, &voter_hash, helpful).await? else {
        tx.commit().await?;
        return not_found_page(
            &state,
            &headers,
            ctx.ui,
            Some(&ctx.shop),
            h.article_not_found,
        );
    };
    let slug_of = kb::translations(&mut tx, id)
        .await?
        .into_iter()
        .find(|t| t.locale == locale)
        .map(|t| t.slug)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if vote != Vote::Unchanged {
        portal::record_failure(&state.pool, &key).await?;
    }
    let target = format!(
        "{}&voted=1#feedback",
        rules::article_path(&ctx.shop.slug, &slug_of, &locale)
    );
    let mut response = Redirect::to(&target).into_response();
    if let Some(v) = voter_cookie {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

// ---- images -------------------------------------------------------------------------------

async fn image(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let Ok(id) = id.parse::<KbImageId>() else {
        return Err(AppError::NotFound);
    };
    let Some((tenant, _)) = portal::shop_by_slug(&state.pool, &slug).await? else {
        return Err(AppError::NotFound);
    };
    let mut tx = TenantTx::begin(&state.pool, tenant).await?;
    let image = kb::public_image(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    // Short public caching: an unpublished article's images go offline within minutes.
    Ok(image_response(image, "public, max-age=300"))
}

// ---- a page with one message ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "portal/help_message.html")]
struct MessagePage {
    c: Chrome,
    hc: HelpChrome,
    message: String,
}
