//! The agent's other sections: customers (a read view for now). The inbox, the ticket page,
//! returns, reports and the knowledge base have modules of their own.

use aftersail_db::customers;
use aftersail_db::customers::Customer;
use aftersail_domain::{money, CustomerId};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{render, Shell};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/customers", get(customers_list))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    /// Keyset cursor for name-ordered lists: `<id>` of the previous page's last row.
    after: Option<String>,
}

// ---- customers -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "workplace/customers.html")]
struct CustomersPage<'a> {
    shell: Shell<'a>,
    rows: Vec<Customer>,
    next: Option<String>,
}

impl CustomersPage<'_> {
    fn money(&self, minor: &i64, currency: &str) -> String {
        money::format(*minor, currency)
    }
}

async fn customers_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let mut tx = user.tx(&state).await?;
    let after = match q.after.as_deref() {
        None | Some("") => None,
        Some(id) => {
            let id: CustomerId = id
                .parse()
                .map_err(|_| AppError::BadRequest(user.t().bad_cursor.into()))?;
            let last = customers::get(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::BadRequest(user.t().bad_cursor.into()))?;
            Some((last.name, id))
        }
    };
    let mut rows = customers::list(
        &mut tx,
        after.as_ref().map(|(n, i)| (n.as_str(), *i)),
        PAGE_SIZE + 1,
    )
    .await?;
    tx.commit().await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().expect("a full page").id.to_string()
    });
    render(&CustomersPage {
        shell: Shell::new(&user, "customers"),
        rows,
        next,
    })
}
