//! `/api/v1/orders`: orders with their items and tracking.

use aftersail_db::orders::{self, Order, OrderItem};
use aftersail_db::TenantTx;
use aftersail_domain::OrderId;
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
        .route("/orders", get(list))
        .route("/orders/{id}", get(show))
}

fn order_json(o: &Order, items: &[&OrderItem]) -> Value {
    json!({
        "id": o.id.0,
        "customer_id": o.customer_id.0,
        "channel": o.channel,
        "external_id": o.external_id,
        "status": o.status,
        "total": money(o.total_minor, &o.currency),
        "shipping_country": o.shipping_country,
        "tracking": {
            "carrier": o.carrier,
            "number": o.tracking_number,
        },
        "ordered_at": o.ordered_at,
        "delivered_at": o.delivered_at,
        "items": items.iter().map(|i| json!({
            "id": i.id.0,
            "sku": i.sku,
            "title": i.title,
            "quantity": i.quantity,
            "unit_price": money(i.unit_price_minor, &o.currency),
        })).collect::<Vec<_>>(),
    })
}

/// The orders as JSON, their items fetched in one query.
async fn with_items(tx: &mut TenantTx, rows: &[Order]) -> ApiResult<Vec<Value>> {
    let ids: Vec<OrderId> = rows.iter().map(|o| o.id).collect();
    let lines = orders::items_of(tx, &ids).await?;
    Ok(rows
        .iter()
        .map(|o| {
            let items: Vec<&OrderItem> = lines
                .iter()
                .filter(|l| l.order_id == o.id)
                .map(|l| &l.item)
                .collect();
            order_json(o, &items)
        })
        .collect())
}

async fn list(mut api: ApiToken, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Page>> {
    api.require(Scope::OrdersRead)?;
    let limit = q.limit()?;
    let rows = orders::page(&mut api.tx, q.after()?, limit).await?;
    let data = with_items(&mut api.tx, &rows).await?;
    api.tx.commit().await?;
    let last = rows.last().map(|o| o.id.to_string());
    Ok(Json(Page::new(data, limit, last)))
}

async fn show(mut api: ApiToken, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::OrdersRead)?;
    let order = orders::get(&mut api.tx, path_id(&id)?)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut data = with_items(&mut api.tx, std::slice::from_ref(&order)).await?;
    api.tx.commit().await?;
    Ok(Json(data.pop().unwrap_or_default()))
}
