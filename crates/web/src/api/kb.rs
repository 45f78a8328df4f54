//! `/api/v1/kb/articles`: published help-center articles with all their translations.

use aftersail_db::kb::{self, Article, Translation};
use aftersail_db::TenantTx;
use aftersail_domain::KbArticleId;
use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::{ApiToken, Scope};
use super::errors::{ApiError, ApiQuery, ApiResult};
use super::{path_id, Page, PageQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kb/articles", get(list))
        .route("/kb/articles/{id}", get(show))
}

fn article_json(a: &Article, translations: &[&Translation]) -> Value {
    json!({
        "id": a.id.0,
        "category_id": a.category_id.map(|c| c.0),
        "published_at": a.published_at,
        "updated_at": a.updated_at,
        "translations": translations.iter().map(|t| json!({
            "locale": t.locale,
            "slug": t.slug,
            "title": t.title,
            "body_markdown": t.body_markdown,
            "body_html": t.body_html,
        })).collect::<Vec<_>>(),
    })
}

async fn with_translations(tx: &mut TenantTx, rows: &[Article]) -> ApiResult<Vec<Value>> {
    let ids: Vec<KbArticleId> = rows.iter().map(|a| a.id).collect();
    let all = kb::translations_of(tx, &ids).await?;
    Ok(rows
        .iter()
        .map(|a| {
            let mine: Vec<&Translation> = all.iter().filter(|t| t.article_id == a.id).collect();
            article_json(a, &mine)
        })
        .collect())
}

async fn list(mut api: ApiToken, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Page>> {
    api.require(Scope::KbRead)?;
    let limit = q.limit()?;
    let rows = kb::published_page(&mut api.tx, q.after()?, None, limit).await?;
    let data = with_translations(&mut api.tx, &rows).await?;
    api.tx.commit().await?;
    let last = rows.last().map(|a| a.id.to_string());
    Ok(Json(Page::new(data, limit, last)))
}

async fn show(mut api: ApiToken, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::KbRead)?;
    let id: KbArticleId = path_id(&id)?;
    let rows = kb::published_page(&mut api.tx, None, Some(id), 1).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    let mut data = with_translations(&mut api.tx, &rows).await?;
    api.tx.commit().await?;
    Ok(Json(data.pop().unwrap_or_default()))
}
