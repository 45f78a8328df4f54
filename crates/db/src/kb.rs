//! The knowledge base: categories (a name per language, in order), articles (draft or
//! published, a translation per language with its own slug), images, views and "was this
//! helpful?" votes; search per language, and the article that best answers a buyer's message.
//!
//! Every translation's HTML is rendered and sanitized here from its Markdown on each save
//! ([`aftersail_domain::kb::render_markdown`]), so no path can store HTML of its own.

use aftersail_domain::kb::{self as rules, Terms};
use aftersail_domain::search::Piece;
use aftersail_domain::{KbArticleId, KbCategoryId, KbImageId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

/// The unique index that keeps a slug to one article per language in a shop.
pub const SLUG_KEY: &str = "kb_article_translations_slug_key";
/// The unique index that keeps category names distinct per language (case-insensitively).
pub const CATEGORY_NAME_KEY: &str = "kb_category_names_name_key";

// ---- categories -------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CategoryName {
    pub locale: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: KbCategoryId,
    pub position: i32,
    /// By language tag.
    pub names: Vec<CategoryName>,
    /// Articles in it, drafts included.
    pub articles: i64,
}

impl Category {
    /// The name in the first of `wanted` the category has (same-language tags match), else
    /// its first.
    pub fn name_for(&self, wanted: &[String]) -> Option<&CategoryName> {
        let have: Vec<String> = self.names.iter().map(|n| n.locale.clone()).collect();
        rules::pick_locale(&have, wanted)
            .and_then(|l| self.names.iter().find(|n| n.locale == l))
            .or_else(|| self.names.first())
    }
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: KbCategoryId,
    position: i32,
    articles: i64,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    category_id: KbCategoryId,
    locale: String,
    name: String,
    description: String,
}

/// Every category in order, with its names.
pub async fn categories(tx: &mut TenantTx) -> Result<Vec<Category>, Error> {
    let tenant = tx.tenant();
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT c.id, c.position,
                (SELECT count(*) FROM kb_articles a WHERE a.tenant_id = c.tenant_id AND a.category_id = c.id)
                    AS articles
         FROM kb_categories c WHERE c.tenant_id = $1 ORDER BY c.position, c.id",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    let names: Vec<NameRow> = sqlx::query_as(
        "SELECT category_id, locale, name, description FROM kb_category_names
         WHERE tenant_id = $1 ORDER BY category_id, locale",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            id: r.id,
            position: r.position,
            articles: r.articles,
            names: names
                .iter()
                .filter(|n| n.category_id == r.id)
                .map(|n| CategoryName {
                    locale: n.locale.clone(),
                    name: n.name.clone(),
                    description: n.description.clone(),
                })
                .collect(),
        })
        .collect())
}

pub async fn category(tx: &mut TenantTx, id: KbCategoryId) -> Result<Option<Category>, Error> {
    Ok(categories(tx).await?.into_iter().find(|c| c.id == id))
}

async fn insert_names(
    tx: &mut TenantTx,
    id: KbCategoryId,
    names: &[CategoryName],
) -> Result<(), Error> {
    let tenant = tx.tenant();
    for n in names {
        sqlx::query(
            "INSERT INTO kb_category_names (tenant_id, category_id, locale, name, description)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant)
        .bind(id)
        .bind(&n.locale)
        .bind(&n.name)
        .bind(&n.description)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// A new category, last in the order. A name taken in its language fails on
/// [`CATEGORY_NAME_KEY`] (nothing is stored once the transaction is dropped).
pub async fn create_category(
    tx: &mut TenantTx,
    names: &[CategoryName],
) -> Result<KbCategoryId, Error> {
    let tenant = tx.tenant();
    let id = KbCategoryId::new();
    sqlx::query(
        "INSERT INTO kb_categories (tenant_id, id, position)
         VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM kb_categories WHERE tenant_id = $1))",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    insert_names(tx, id, names).await?;
    Ok(id)
}

/// Replaces the category's names. False when there is no such category in the shop.
pub async fn update_category(
    tx: &mut TenantTx,
    id: KbCategoryId,
    names: &[CategoryName],
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done =
        sqlx::query("UPDATE kb_categories SET updated_at = now() WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(tx.conn())
            .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM kb_category_names WHERE tenant_id = $1 AND category_id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    insert_names(tx, id, names).await?;
    Ok(true)
}

/// Deletes the category; its articles stay, without a category. False when there was none.
pub async fn delete_category(tx: &mut TenantTx, id: KbCategoryId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("DELETE FROM kb_categories WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Swaps the category with its neighbour above (`up`) or below. `None`: no such category;
/// `Some(false)`: already first (or last).
pub async fn move_category(
    tx: &mut TenantTx,
    id: KbCategoryId,
    up: bool,
) -> Result<Option<bool>, Error> {
    crate::ordering::swap(tx, "kb_categories", id.0, up).await
}

// ---- articles ---------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Article {
    pub id: KbArticleId,
    pub category_id: Option<KbCategoryId>,
    /// `draft` or `published`.
    pub status: String,
    pub position: i32,
    pub view_count: i64,
    pub helpful_yes: i32,
    pub helpful_no: i32,
    pub author_id: Option<UserId>,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl Article {
    pub fn is_published(&self) -> bool {
        self.status == "published"
    }

    /// Share of "yes" votes in percent; `None` before the first vote.
    pub fn helpful_percent(&self) -> Option<i64> {
        let total = i64::from(self.helpful_yes) + i64::from(self.helpful_no);
        (total > 0).then(|| (i64::from(self.helpful_yes) * 100 + total / 2) / total)
    }
}

const ARTICLE_COLUMNS: &str =
    "a.id, a.category_id, a.status, a.position, a.view_count, a.helpful_yes,
     a.helpful_no, a.author_id, u.name AS author_name, a.created_at, a.updated_at, a.published_at";

const ARTICLE_FROM: &str = "kb_articles a
     LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.author_id";

/// One language of an article.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Translation {
    pub article_id: KbArticleId,
    pub locale: String,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    /// Rendered and sanitized from `body_markdown`: safe to show as is.
    pub body_html: String,
    pub updated_at: DateTime<Utc>,
}

/// An article's title and slug in one language (lists, language links).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Title {
    pub article_id: KbArticleId,
    pub locale: String,
    pub slug: String,
    pub title: String,
}

/// An article with its titles in every language it has.
#[derive(Debug, Clone)]
pub struct Listed {
    pub article: Article,
    /// By language tag.
    pub titles: Vec<Title>,
}

impl Listed {
    /// The title in the first of `wanted` the article has (same-language tags match), else
    /// its first.
    pub fn title_for(&self, wanted: &[String]) -> Option<&Title> {
        let have: Vec<String> = self.titles.iter().map(|t| t.locale.clone()).collect();
        rules::pick_locale(&have, wanted)
            .and_then(|l| self.titles.iter().find(|t| t.locale == l))
            .or_else(|| self.titles.first())
    }

    pub fn locales(&self) -> Vec<&str> {
        self.titles.iter().map(|t| t.locale.as_str()).collect()
    }
}

/// Which articles a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub enum CategoryFilter {
    #[default]
    Any,
    /// Articles without a category.
    Uncategorized,
    In(KbCategoryId),
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter<'a> {
    pub category: CategoryFilter,
    /// `draft` or `published`; `None`: both.
    pub status: Option<&'a str>,
    /// Only articles with a translation in this language.
    pub locale: Option<&'a str>,
}

/// Articles matching the filter, in category order, then position, then age.
pub async fn list(tx: &mut TenantTx, filter: ListFilter<'_>) -> Result<Vec<Listed>, Error> {
    let tenant = tx.tenant();
    let (category, uncategorized) = match filter.category {
        CategoryFilter::Any => (None, false),
        CategoryFilter::Uncategorized => (None, true),
        CategoryFilter::In(id) => (Some(id), false),
    };
    let articles: Vec<Article> = sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM}
         LEFT JOIN kb_categories c ON c.tenant_id = a.tenant_id AND c.id = a.category_id
         WHERE a.tenant_id = $1
           AND ($2::uuid IS NULL OR a.category_id = $2)
           AND (NOT $3 OR a.category_id IS NULL)
           AND ($4::text IS NULL OR a.status = $4)
           AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM kb_article_translations t
                                            WHERE t.tenant_id = a.tenant_id AND t.article_id = a.id
                                              AND t.locale = $5))
         ORDER BY c.position NULLS LAST, a.position, a.created_at, a.id"
    ))
    .bind(tenant)
    .bind(category)
    .bind(uncategorized)
    .bind(filter.status)
    .bind(filter.locale)
    .fetch_all(tx.conn())
    .await?;
    with_titles(tx, articles).await
}

async fn with_titles(tx: &mut TenantTx, articles: Vec<Article>) -> Result<Vec<Listed>, Error> {
    let tenant = tx.tenant();
    let ids: Vec<uuid::Uuid> = articles.iter().map(|a| a.id.0).collect();
    let titles: Vec<Title> = sqlx::query_as(
        "SELECT article_id, locale, slug, title FROM kb_article_translations
         WHERE tenant_id = $1 AND article_id = ANY($2) ORDER BY article_id, locale",
    )
    .bind(tenant)
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?;
    Ok(articles
        .into_iter()
        .map(|article| Listed {
            titles: titles
                .iter()
                .filter(|t| t.article_id == article.id)
                .cloned()
                .collect(),
            article,
        })
        .collect())
}

/// How many articles the shop has, drafts included.
pub async fn count(tx: &mut TenantTx) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT count(*) FROM kb_articles WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_one(tx.conn())
        .await
}

pub async fn get(tx: &mut TenantTx, id: KbArticleId) -> Result<Option<Article>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} WHERE a.tenant_id = $1 AND a.id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// The article's translations, by language tag.
pub async fn translations(tx: &mut TenantTx, id: KbArticleId) -> Result<Vec<Translation>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT article_id, locale, slug, title, body_markdown, body_html, updated_at
         FROM kb_article_translations WHERE tenant_id = $1 AND article_id = $2 ORDER BY locale",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await
}

/// What an editor saves for one language; HTML, plain text and image references are derived.
#[derive(Debug, Clone, Copy)]
pub struct TranslationInput<'a> {
    /// A tag as stored (`aftersail_domain::kb::locale_code`).
    pub locale: &'a str,
    /// Checked by `aftersail_domain::kb::check_slug`; unique per language in the shop
    /// ([`SLUG_KEY`]).
    pub slug: &'a str,
    pub title: &'a str,
    pub body_markdown: &'a str,
}

/// A new draft with its first translation. A taken slug fails on [`SLUG_KEY`]; an unknown
/// category on its foreign key (the caller checks it is the shop's first).
pub async fn create(
    tx: &mut TenantTx,
    category: Option<KbCategoryId>,
    position: i32,
    author: Option<UserId>,
    first: &TranslationInput<'_>,
) -> Result<KbArticleId, Error> {
    let tenant = tx.tenant();
    let id = KbArticleId::new();
    sqlx::query(
        "INSERT INTO kb_articles (tenant_id, id, category_id, position, author_id)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(id)
    .bind(category)
    .bind(position)
    .bind(author)
    .execute(tx.conn())
    .await?;
    save_translation(tx, id, first).await?;
    Ok(id)
}

/// Moves the article to a category (or none) and position. False when there is no such article.
pub async fn update_settings(
    tx: &mut TenantTx,
    id: KbArticleId,
    category: Option<KbCategoryId>,
    position: i32,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE kb_articles SET category_id = $3, position = $4, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(category)
    .bind(position)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds or replaces the article's text in one language. False when there is no such
/// article; a slug taken in that language fails on [`SLUG_KEY`].
pub async fn save_translation(
    tx: &mut TenantTx,
    id: KbArticleId,
    input: &TranslationInput<'_>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let touched =
        sqlx::query("UPDATE kb_articles SET updated_at = now() WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(tx.conn())
            .await?;
    if touched.rows_affected() != 1 {
        return Ok(false);
    }
    let html = rules::render_markdown(input.body_markdown);
    let text = rules::plain_text(input.body_markdown);
    let images = rules::image_ids(input.body_markdown);
    sqlx::query(
        "INSERT INTO kb_article_translations
             (tenant_id, article_id, locale, slug, title, body_markdown, body_html, body_text, image_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, article_id, locale) DO UPDATE
         SET slug = EXCLUDED.slug, title = EXCLUDED.title, body_markdown = EXCLUDED.body_markdown,
             body_html = EXCLUDED.body_html, body_text = EXCLUDED.body_text,
             image_ids = EXCLUDED.image_ids, updated_at = now()",
    )
    .bind(tenant)
    .bind(id)
    .bind(input.locale)
    .bind(input.slug)
    .bind(input.title)
    .bind(input.body_markdown)
    .bind(&html)
    .bind(&text)
    .bind(&images)
    .execute(tx.conn())
    .await?;
    Ok(true)
}

/// What removing one language did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    Removed,
    /// The article has no other language: delete the article instead.
    Last,
    NotFound,
}

pub async fn delete_translation(
    tx: &mut TenantTx,
    id: KbArticleId,
    locale: &str,
) -> Result<Removed, Error> {
    let tenant = tx.tenant();
    // The article row is the lock two concurrent removals of its last languages meet on.
    let found: Option<KbArticleId> = sqlx::query_scalar(
        "SELECT id FROM kb_articles WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    if found.is_none() {
        return Ok(Removed::NotFound);
    }
    let locales: Vec<String> = sqlx::query_scalar(
        "SELECT locale FROM kb_article_translations WHERE tenant_id = $1 AND article_id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    if !locales.iter().any(|l| l == locale) {
        return Ok(Removed::NotFound);
    }
    if locales.len() == 1 {
        return Ok(Removed::Last);
    }
    sqlx::query(
        "DELETE FROM kb_article_translations WHERE tenant_id = $1 AND article_id = $2 AND locale = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(locale)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE kb_articles SET updated_at = now() WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(Removed::Removed)
}

/// Publishes or unpublishes the article (publishing a draft stamps `published_at`). False
/// when there is no such article.
pub async fn set_published(
    tx: &mut TenantTx,
    id: KbArticleId,
    published: bool,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE kb_articles
         SET status = CASE WHEN $3 THEN 'published' ELSE 'draft' END,
             published_at = CASE WHEN $3 AND status = 'draft' THEN now() ELSE published_at END,
             updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(published)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the article with its translations and votes; returns a title it had, or `None`
/// when there was no such article.
pub async fn delete(tx: &mut TenantTx, id: KbArticleId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    let title: Option<String> = sqlx::query_scalar(
        "SELECT coalesce((SELECT t.title FROM kb_article_translations t
                          WHERE t.tenant_id = a.tenant_id AND t.article_id = a.id
                          ORDER BY t.locale LIMIT 1), '')
         FROM kb_articles a WHERE a.tenant_id = $1 AND a.id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    if title.is_none() {
        return Ok(None);
    }
    sqlx::query("DELETE FROM kb_articles WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(title)
}

/// Every language the shop has articles in (drafts included), for pickers and filters.
pub async fn locales(tx: &mut TenantTx) -> Result<Vec<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT DISTINCT locale FROM kb_article_translations WHERE tenant_id = $1 ORDER BY locale",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

// ---- images -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Image {
    pub id: KbImageId,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Stores an image; `content_type` is what its bytes are (the caller sniffed them), and the
/// size is within `aftersail_domain::kb::MAX_IMAGE_BYTES` (the table refuses more).
pub async fn store_image(
    tx: &mut TenantTx,
    filename: &str,
    content_type: &str,
    data: &[u8],
    uploaded_by: Option<UserId>,
) -> Result<KbImageId, Error> {
    let tenant = tx.tenant();
    let id = KbImageId::new();
    sqlx::query(
        "INSERT INTO kb_images (tenant_id, id, filename, content_type, size_bytes, data, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(filename)
    .bind(content_type)
    .bind(i32::try_from(data.len()).unwrap_or(i32::MAX))
    .bind(data)
    .bind(uploaded_by)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Any image of the shop (agents).
pub async fn image(tx: &mut TenantTx, id: KbImageId) -> Result<Option<Image>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, filename, content_type, data FROM kb_images WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// An image a published article shows (everyone); `None` for any other.
pub async fn public_image(tx: &mut TenantTx, id: KbImageId) -> Result<Option<Image>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT i.id, i.filename, i.content_type, i.data FROM kb_images i
         WHERE i.tenant_id = $1 AND i.id = $2
           AND EXISTS (SELECT 1 FROM kb_article_translations t
                       JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
                       WHERE t.tenant_id = $1 AND a.status = 'published' AND $2 = ANY(t.image_ids))",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

// ---- the public help center -------------------------------------------------------------

/// The languages published articles are in.
pub async fn published_locales(tx: &mut TenantTx) -> Result<Vec<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT DISTINCT t.locale FROM kb_article_translations t
         JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
         WHERE t.tenant_id = $1 AND a.status = 'published' ORDER BY t.locale",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

/// Every published article, in category order.
pub async fn published(tx: &mut TenantTx) -> Result<Vec<Listed>, Error> {
    list(
        tx,
        ListFilter {
            status: Some("published"),
            ..ListFilter::default()
        },
    )
    .await
}

/// The published article with this slug: in the first of `preferred` languages that has the
/// slug, else in any language (alphabetically). Returns the article and the language whose
/// slug it is.
pub async fn published_by_slug(
    tx: &mut TenantTx,
    slug: &str,
    preferred: &[String],
) -> Result<Option<(Article, String)>, Error> {
    let tenant = tx.tenant();
    if slug.chars().count() > rules::MAX_SLUG_CHARS {
        return Ok(None);
    }
    let found: Vec<(KbArticleId, String)> = sqlx::query_as(
        "SELECT t.article_id, t.locale FROM kb_article_translations t
         JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
         WHERE t.tenant_id = $1 AND t.slug = $2 AND a.status = 'published' ORDER BY t.locale",
    )
    .bind(tenant)
    .bind(slug)
    .fetch_all(tx.conn())
    .await?;
    let have: Vec<String> = found.iter().map(|(_, l)| l.clone()).collect();
    let Some((id, locale)) = rules::pick_locale(&have, preferred)
        .and_then(|l| found.iter().find(|(_, f)| *f == l).cloned())
        .or_else(|| found.first().cloned())
    else {
        return Ok(None);
    };
    Ok(get(tx, id).await?.map(|a| (a, locale)))
}

/// Counts one view of a published article.
pub async fn record_view(tx: &mut TenantTx, id: KbArticleId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE kb_articles SET view_count = view_count + 1
         WHERE tenant_id = $1 AND id = $2 AND status = 'published'",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    /// The browser's first vote on this article in this language.
    Counted,
    /// The browser had voted the other way; its vote now counts this way.
    Changed,
    /// The browser had already voted this way: nothing changed.
    Unchanged,
}

/// Records a browser's "was this helpful?" answer for a published article in one of its
/// languages, once per browser (`voter`: a hash of its cookie). `None` when there is no such
/// published article in that language.
pub async fn record_feedback(
    tx: &mut TenantTx,
    id: KbArticleId,
    locale: &str,
    voter: &[u8; 32],
    helpful: bool,
) -> Result<Option<Vote>, Error> {
    let tenant = tx.tenant();
    let exists: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM kb_article_translations t
         JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
         WHERE t.tenant_id = $1 AND t.article_id = $2 AND t.locale = $3 AND a.status = 'published'",
    )
    .bind(tenant)
    .bind(id)
    .bind(locale)
    .fetch_optional(tx.conn())
    .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let inserted = sqlx::query(
        "INSERT INTO kb_feedback (tenant_id, article_id, locale, voter_hash, helpful)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(id)
    .bind(locale)
    .bind(&voter[..])
    .bind(helpful)
    .execute(tx.conn())
    .await?;
    let vote = if inserted.rows_affected() == 1 {
        Vote::Counted
    } else {
        let changed = sqlx::query(
            "UPDATE kb_feedback SET helpful = $5, updated_at = now()
             WHERE tenant_id = $1 AND article_id = $2 AND locale = $3 AND voter_hash = $4
               AND helpful <> $5",
        )
        .bind(tenant)
        .bind(id)
        .bind(locale)
        .bind(&voter[..])
        .bind(helpful)
        .execute(tx.conn())
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(Some(Vote::Unchanged));
        }
        Vote::Changed
    };
    let (yes, no) = match (vote, helpful) {
        (Vote::Counted, true) => (1, 0),
        (Vote::Counted, false) => (0, 1),
        (_, true) => (1, -1),
        (_, false) => (-1, 1),
    };
    sqlx::query(
        "UPDATE kb_articles SET helpful_yes = helpful_yes + $3, helpful_no = helpful_no + $4
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(yes)
    .bind(no)
    .execute(tx.conn())
    .await?;
    Ok(Some(vote))
}

/// The browser's vote on the article in that language, if it voted.
pub async fn vote_of(
    tx: &mut TenantTx,
    id: KbArticleId,
    locale: &str,
    voter: &[u8; 32],
) -> Result<Option<bool>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT helpful FROM kb_feedback
         WHERE tenant_id = $1 AND article_id = $2 AND locale = $3 AND voter_hash = $4",
    )
    .bind(tenant)
    .bind(id)
    .bind(locale)
    .bind(&voter[..])
    .fetch_optional(tx.conn())
    .await
}

// ---- search -----------------------------------------------------------------------------

/// One search result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article_id: KbArticleId,
    pub locale: String,
    pub slug: String,
    pub title: String,
    pub status: String,
    /// Words around the first hit in the body, hits marked.
    pub snippet: Vec<Piece>,
    pub rank: f32,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    article_id: KbArticleId,
    locale: String,
    slug: String,
    title: String,
    status: String,
    body_text: String,
    headline: Option<String>,
    rank: f32,
}

/// Marks ts_headline puts around hits: private-use characters no article contains.
const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';
const SNIPPET_CHARS: usize = 180;

/// How many results the search looks at before it gives up on a word-for-word match.
const MAX_LIMIT: i64 = 100;

/// Published articles matching `q` in `locale` (every language when `None`, each searched
/// with its own configuration), best first: every word must occur, and a title hit ranks
/// above a body hit; when no article has every word, those with any of them.
pub async fn search(
    tx: &mut TenantTx,
    locale: Option<&str>,
    q: &str,
    limit: i64,
) -> Result<Vec<SearchHit>, Error> {
    search_in(tx, locale, q, limit, true).await
}

/// The same over drafts too (agents).
pub async fn search_all(
    tx: &mut TenantTx,
    locale: Option<&str>,
    q: &str,
    limit: i64,
) -> Result<Vec<SearchHit>, Error> {
    search_in(tx, locale, q, limit, false).await
}

async fn search_in(
    tx: &mut TenantTx,
    locale: Option<&str>,
    q: &str,
    limit: i64,
    published_only: bool,
) -> Result<Vec<SearchHit>, Error> {
    let q: String = q.trim().chars().take(200).collect();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let limit = limit.clamp(1, MAX_LIMIT);
    // Tags are stored normalized ("pt-br"); "pt_BR" means the same language.
    let locale = locale.map(|l| rules::locale_code(l).unwrap_or_else(|| l.to_owned()));
    let locale = locale.as_deref();
    let mut hits = search_with(tx, locale, &q, limit, published_only, "kb_query").await?;
    if hits.is_empty() {
        hits = search_with(tx, locale, &q, limit, published_only, "kb_any_query").await?;
    }
    Ok(hits)
}

async fn search_with(
    tx: &mut TenantTx,
    locale: Option<&str>,
    q: &str,
    limit: i64,
    published_only: bool,
    query_fn: &'static str,
) -> Result<Vec<SearchHit>, Error> {
    let tenant = tx.tenant();
    let rows: Vec<HitRow> = sqlx::query_as(&format!(
        "SELECT m.article_id, m.locale, m.slug, m.title, m.status, m.body_text, m.rank,
                CASE WHEN kb_uses_bigrams(m.locale) THEN NULL
                     ELSE ts_headline(kb_regconfig(m.locale), m.body_text, {query_fn}(m.locale, $2),
                                      'MaxWords=30, MinWords=12, MaxFragments=1, StartSel=' || chr(57344)
                                      || ', StopSel=' || chr(57345)) END AS headline
         FROM (SELECT t.article_id, t.locale, t.slug, t.title, a.status, t.body_text, a.view_count,
                      ts_rank(t.search_vector, {query_fn}(t.locale, $2))::real AS rank
               FROM kb_article_translations t
               JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
               WHERE t.tenant_id = $1 AND ($3::text IS NULL OR t.locale = $3)
                 AND (NOT $4 OR a.status = 'published')
                 AND t.search_vector @@ {query_fn}(t.locale, $2)
               ORDER BY rank DESC, a.view_count DESC, t.article_id, t.locale
               LIMIT $5) m
         ORDER BY m.rank DESC, m.view_count DESC, m.article_id, m.locale"
    ))
    .bind(tenant)
    .bind(q)
    .bind(locale)
    .bind(published_only)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let snippet = match &r.headline {
                Some(h) if h.contains(HIT_START) => headline_pieces(h),
                _ => aftersail_domain::search::snippet(&r.body_text, q, SNIPPET_CHARS)
                    .unwrap_or_else(|| lead(&r.body_text)),
            };
            SearchHit {
                article_id: r.article_id,
                locale: r.locale,
                slug: r.slug,
                title: r.title,
                status: r.status,
                snippet,
                rank: r.rank,
            }
        })
        .collect())
}

/// ts_headline's text, cut at its hit marks.
fn headline_pieces(headline: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = headline;
    while let Some(start) = rest.find(HIT_START) {
        if start > 0 {
            pieces.push(Piece {
                text: rest[..start].to_owned(),
                hit: false,
            });
        }
        let after = &rest[start + HIT_START.len_utf8()..];
        let end = after.find(HIT_END).unwrap_or(after.len());
        pieces.push(Piece {
            text: after[..end].to_owned(),
            hit: true,
        });
        rest = after.get(end + HIT_END.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        pieces.push(Piece {
            text: rest.to_owned(),
            hit: false,
        });
    }
    pieces
}

/// The start of a body, when no hit is in it (the title matched).
fn lead(text: &str) -> Vec<Piece> {
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if cut.chars().count() < text.chars().count() {
        cut.push('…');
    }
    vec![Piece {
        text: cut,
        hit: false,
    }]
}

// ---- answering messages -----------------------------------------------------------------

/// A published article that answers a message.
#[derive(Debug, Clone, PartialEq)]
pub struct KbHit {
    pub article_id: uuid::Uuid,
    pub locale: String,
    pub slug: String,
    pub title: String,
    /// 0..=1, comparable across messages and languages
    /// ([`aftersail_domain::kb::answer_score`]): 60 % how much of the article's title the
    /// message contains, 40 % how much of the message the article covers. As a guide, 0.5
    /// and up: the message asks what the article answers; below 0.2: unrelated.
    pub score: f32,
}

/// The longest message part looked at (the question is near the top; quoted history is not).
const MAX_MESSAGE_CHARS: usize = 4000;

#[derive(sqlx::FromRow)]
struct MatchRow {
    article_id: KbArticleId,
    locale: String,
    slug: String,
    title: String,
    message_terms: Vec<String>,
    title_terms: Vec<String>,
    matched: Vec<String>,
}

/// The published article that best answers `text` (a buyer's message) in `locale`, falling
/// back to the shop's default locale / English when none exists in it.
pub async fn best_match(
    tx: &mut TenantTx,
    locale: Option<&str>,
    text: &str,
) -> Result<Option<KbHit>, sqlx::Error> {
    let text: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    if text.trim().is_empty() {
        return Ok(None);
    }
    let tenant = tx.tenant();
    let default_locale: String =
        sqlx::query_scalar("SELECT default_locale FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_one(tx.conn())
            .await?;
    let available = published_locales(tx).await?;
    let mut tried: Vec<String> = Vec::new();
    for wanted in [locale.unwrap_or(""), default_locale.as_str(), "en"] {
        let Some(code) = rules::locale_code(wanted) else {
            continue;
        };
        let Some(actual) = rules::pick_locale(&available, &[code]) else {
            continue;
        };
        if tried.contains(&actual) {
            continue;
        }
        if let Some(hit) = best_in(tx, &actual, &text).await? {
            return Ok(Some(hit));
        }
        tried.push(actual);
    }
    Ok(None)
}

/// The best-scoring published article in one language (ties: the most viewed); `None` when
/// no article shares a term with the message.
async fn best_in(tx: &mut TenantTx, locale: &str, text: &str) -> Result<Option<KbHit>, Error> {
    let tenant = tx.tenant();
    let rows: Vec<MatchRow> = sqlx::query_as(
        "WITH q AS (SELECT tsvector_to_array(kb_terms($2, $3)) AS terms)
         SELECT t.article_id, t.locale, t.slug, t.title, q.terms AS message_terms,
                tsvector_to_array(ts_filter(t.search_vector, '{a}')) AS title_terms,
                ARRAY(SELECT unnest(q.terms)
                      INTERSECT SELECT unnest(tsvector_to_array(t.search_vector))) AS matched
         FROM kb_article_translations t
         JOIN kb_articles a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
         CROSS JOIN q
         WHERE t.tenant_id = $1 AND t.locale = $2 AND a.status = 'published'
           AND t.search_vector @@ kb_any_query($2, $3)
         ORDER BY a.view_count DESC, t.article_id",
    )
    .bind(tenant)
    .bind(locale)
    .bind(text)
    .fetch_all(tx.conn())
    .await?;
    let mut best: Option<KbHit> = None;
    for r in rows {
        let score = rules::answer_score(
            &r.locale,
            text,
            &r.title,
            Terms {
                message: &r.message_terms,
                title: &r.title_terms,
                matched: &r.matched,
            },
        );
        if score > 0.0 && best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(KbHit {
                article_id: r.article_id.0,
                locale: r.locale,
                slug: r.slug,
                title: r.title,
                score,
            });
        }
    }
    Ok(best)
}

/// A page of published articles in id order after `after`; with `only`, just that article.
pub async fn published_page(
    tx: &mut TenantTx,
    after: Option<KbArticleId>,
    only: Option<KbArticleId>,
    limit: i64,
) -> Result<Vec<Article>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM}
         WHERE a.tenant_id = $1 AND a.status = 'published'
           AND ($2::uuid IS NULL OR a.id > $2) AND ($3::uuid IS NULL OR a.id = $3)
         ORDER BY a.id LIMIT $4"
    ))
    .bind(tenant)
    .bind(after)
    .bind(only)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// The translations of many articles in one query.
pub async fn translations_of(
    tx: &mut TenantTx,
    ids: &[KbArticleId],
) -> Result<Vec<Translation>, Error> {
    let tenant = tx.tenant();
    let raw: Vec<uuid::Uuid> = ids.iter().map(|a| a.0).collect();
    sqlx::query_as(
        "SELECT article_id, locale, slug, title, body_markdown, body_html, updated_at
         FROM kb_article_translations WHERE tenant_id = $1 AND article_id = ANY($2)
         ORDER BY article_id, locale",
    )
    .bind(tenant)
    .bind(&raw)
    .fetch_all(tx.conn())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_become_pieces() {
        let h = format!("Send the {HIT_START}parcel{HIT_END} back within {HIT_START}30{HIT_END}");
        let pieces = headline_pieces(&h);
        let marked: String = pieces
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect();
        assert_eq!(marked, "Send the [parcel] back within [30]");
    }

    #[test]
    fn helpful_share_rounds() {
        let mut a = Article {
            id: KbArticleId::new(),
            category_id: None,
            status: "published".into(),
            position: 0,
            view_count: 0,
            helpful_yes: 0,
            helpful_no: 0,
            author_id: None,
            author_name: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            published_at: None,
        };
        assert_eq!(a.helpful_percent(), None);
        a.helpful_yes = 2;
        a.helpful_no = 1;
        assert_eq!(a.helpful_percent(), Some(67));
    }
}
