//! `/api/v1/rmas`: returns by code, with their items (scope `returns:read`).

use aftersail_db::rmas::{self, Rma, RmaLine};
use aftersail_db::TenantTx;
use aftersail_domain::RmaId;
use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::{ApiToken, Scope};
use super::errors::{ApiError, ApiQuery, ApiResult};
use super::{money, Page, PageQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rmas", get(list_rmas))
        .route("/rmas/{code}", get(show_rma))
}

fn rma_json(r: &Rma, items: &[&RmaLine]) -> Value {
    let refund = match (r.refund_minor, &r.currency) {
        (Some(minor), Some(currency)) => money(minor, currency),
        _ => Value::Null,
    };
    json!({
        "id": r.id.0,
        "code": r.code,
        "order_id": r.order_id.0,
        "customer_id": r.customer_id.0,
        "ticket_id": r.ticket_id.map(|t| t.0),
        "status": r.status,
        "reason": r.reason,
        "resolution": r.resolution,
        "refund": refund,
        "tracking": {
            "carrier": r.carrier,
            "number": r.tracking_number,
        },
        "items": items.iter().map(|i| json!({
            "order_item_id": i.order_item_id.0,
            "sku": i.sku,
            "title": i.title,
            "quantity": i.quantity,
        })).collect::<Vec<_>>(),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    })
}

async fn with_items(tx: &mut TenantTx, rows: &[Rma]) -> ApiResult<Vec<Value>> {
    let ids: Vec<RmaId> = rows.iter().map(|r| r.id).collect();
    let lines = rmas::items_of(tx, &ids).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let items: Vec<&RmaLine> = lines.iter().filter(|l| l.rma_id == r.id).collect();
            rma_json(r, &items)
        })
        .collect())
}

async fn list_rmas(mut api: ApiToken, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Page>> {
    api.require(Scope::ReturnsRead)?;
    let limit = q.limit()?;
    let rows = rmas::page(&mut api.tx, q.after()?, limit).await?;
    let data = with_items(&mut api.tx, &rows).await?;
    api.tx.commit().await?;
    let last = rows.last().map(|r| r.id.to_string());
    Ok(Json(Page::new(data, limit, last)))
}

async fn show_rma(mut api: ApiToken, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::ReturnsRead)?;
    if code.contains('\0') || code.len() > 40 {
        return Err(ApiError::NotFound);
    }
    let rma = rmas::get_by_code(&mut api.tx, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut data = with_items(&mut api.tx, std::slice::from_ref(&rma)).await?;
    api.tx.commit().await?;
    Ok(Json(data.pop().unwrap_or_default()))
}
