//! `/api/v1/customers`: the shop's buyers, by name.

use aftersail_db::customers::{self, Customer};
use aftersail_domain::CustomerId;
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
        .route("/customers", get(list))
        .route("/customers/{id}", get(show))
}

fn customer_json(c: &Customer) -> Value {
    json!({
        "id": c.id.0,
        "name": c.name,
        "email": c.email,
        "country": c.country,
        "language": c.language,
        "tags": c.tags,
        "lifetime_value": money(c.lifetime_value_minor, &c.currency),
        "order_count": c.order_count,
        "complaint_count": c.complaint_count,
        "created_at": c.created_at,
    })
}

/// A customer cursor: `<id>|<name>` (the list is in `(lower(name), id)` order).
struct NameKey(CustomerId, String);

impl std::str::FromStr for NameKey {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (id, name) = s.split_once('|').ok_or(())?;
        if name.contains('\0') {
            return Err(());
        }
        Ok(NameKey(id.parse().map_err(|_| ())?, name.to_owned()))
    }
}

async fn list(mut api: ApiToken, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Page>> {
    api.require(Scope::CustomersRead)?;
    let limit = q.limit()?;
    let after: Option<NameKey> = q.after()?;
    let rows = customers::list(
        &mut api.tx,
        after.as_ref().map(|NameKey(id, name)| (name.as_str(), *id)),
        limit,
    )
    .await?;
    api.tx.commit().await?;
    let last = rows.last().map(|c| format!("{}|{}", c.id, c.name));
    Ok(Json(Page::new(
        rows.iter().map(customer_json).collect(),
        limit,
        last,
    )))
}

async fn show(mut api: ApiToken, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::CustomersRead)?;
    let customer = customers::get(&mut api.tx, path_id(&id)?)
        .await?
        .ok_or(ApiError::NotFound)?;
    api.tx.commit().await?;
    Ok(Json(customer_json(&customer)))
}
