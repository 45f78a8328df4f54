//! `/api/v1/refunds`: refunds proposed by returns and their state (scope `returns:read`).

use aftersail_db::refunds::{self, Refund};
use aftersail_domain::RefundId;
use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::{ApiToken, Scope};
use super::errors::{ApiError, ApiQuery, ApiResult};
use super::{money, path_id, Page, PageQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/refunds", get(list_refunds))
        .route("/refunds/{id}", get(show_refund))
}

fn refund_json(f: &Refund) -> Value {
    json!({
        "id": f.id.0,
        "rma_id": f.rma_id.0,
        "rma_code": f.rma_code,
        "order_id": f.order_id.0,
        "amount": money(f.amount_minor, &f.currency),
        "state": f.state,
        "external_id": f.external_id,
        "created_at": f.created_at,
        "decided_at": f.decided_at,
        "issued_at": f.issued_at,
    })
}

async fn list_refunds(
    mut api: ApiToken,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page>> {
    api.require(Scope::ReturnsRead)?;
    let limit = q.limit()?;
    let rows = refunds::page(&mut api.tx, q.after()?, None, limit).await?;
    api.tx.commit().await?;
    let last = rows.last().map(|f| f.id.to_string());
    Ok(Json(Page::new(
        rows.iter().map(refund_json).collect(),
        limit,
        last,
    )))
}

async fn show_refund(mut api: ApiToken, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::ReturnsRead)?;
    let id: RefundId = path_id(&id)?;
    let refund = refunds::page(&mut api.tx, None, Some(id), 1)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    api.tx.commit().await?;
    Ok(Json(refund_json(&refund)))
}
