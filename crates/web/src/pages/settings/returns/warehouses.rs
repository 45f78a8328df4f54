//! Return warehouses: where returns go, which countries each takes, and what one return costs
//! per lane. Deactivated rather than deleted (RMAs point at them).

use aftersail_db::return_config::{self, kind_code, StoredWarehouse};
use aftersail_db::violated_constraint;
use aftersail_domain::money::Money;
use aftersail_domain::returns::{Lane, Warehouse, WarehouseKind};
use aftersail_domain::validation::clean_name;
use aftersail_domain::WarehouseId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::json;

use super::rules::Choice;
use super::words;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::settings::{notice, NoticeQuery, SubNav};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

const NAME_KEY: &str = "warehouses_name_key";
const KINDS: &[WarehouseKind] = &[
    WarehouseKind::ReturnCentre,
    WarehouseKind::Home,
    WarehouseKind::RepairPartner,
];
const MAX_LANES: usize = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/returns/warehouses", get(list).post(create))
        .route("/settings/returns/warehouses/{id}", get(edit).post(update))
        .route(
            "/settings/returns/warehouses/{id}/deactivate",
            post(deactivate),
        )
}

pub fn kind_label(t: &Tr, kind: WarehouseKind) -> &'static str {
    match kind {
        WarehouseKind::ReturnCentre => t.rs_kind_return_centre,
        WarehouseKind::RepairPartner => t.rs_kind_repair_partner,
        WarehouseKind::Home => t.rs_kind_home,
    }
}

struct WarehouseView {
    id: WarehouseId,
    name: String,
    kind: &'static str,
    serves: String,
    lanes: Vec<String>,
    accepts_repairs: bool,
    address: String,
    active: bool,
}

#[derive(Default)]
struct WarehouseForm {
    name: String,
    kind: String,
    serves: String,
    lanes: String,
    address: String,
    accepts_repairs: bool,
    active: bool,
}

impl WarehouseForm {
    fn blank() -> Self {
        Self {
            kind: kind_code(WarehouseKind::ReturnCentre).into(),
            active: true,
            ..Self::default()
        }
    }

    fn of(w: &StoredWarehouse) -> Self {
        let wh = &w.warehouse;
        Self {
            name: wh.name.clone(),
            kind: kind_code(wh.kind).into(),
            serves: words::join(&wh.serves),
            lanes: wh
                .lanes
                .iter()
                .map(|l| {
                    format!(
                        "{} {}",
                        l.from,
                        words::money(l.cost.minor, &l.cost.currency)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            address: w.address.clone(),
            accepts_repairs: wh.accepts_repairs,
            active: w.active,
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "kind" => f.kind = v,
                "serves" => f.serves = v,
                "lanes" => f.lanes = v,
                "address" => f.address = v,
                "accepts_repairs" => f.accepts_repairs = true,
                "active" => f.active = true,
                _ => {}
            }
        }
        f
    }
}

/// `"DE 4.50 EUR"` per line → lanes; a wrong line is reported by its number.
fn lanes(t: &Tr, text: &str, errors: &mut FormErrors) -> Vec<Lane> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.is_empty() {
            continue;
        }
        let lane = match parts.as_slice() {
            [from, amount, currency] => {
                let currency = currency.to_ascii_uppercase();
                match (words::market(from), words::currency_ok(&currency)) {
                    (Some(from), true) => {
                        words::parse_amount(amount, &currency).map(|minor| Lane {
                            from,
                            cost: Money::new(minor, &currency),
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match lane {
            Some(lane) => out.push(lane),
            None => {
                errors.add("lanes", t.fill(t.rs_err_lane, n + 1));
                return out;
            }
        }
    }
    if out.len() > MAX_LANES {
        errors.add("lanes", t.rs_err_list);
    }
    out
}

fn check(
    t: &Tr,
    form: &WarehouseForm,
    id: WarehouseId,
    errors: &mut FormErrors,
) -> Option<(Warehouse, String)> {
    let name = clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let kind = KINDS.iter().copied().find(|k| kind_code(*k) == form.kind);
    if kind.is_none() {
        errors.add("kind", t.rs_err_kind);
    }
    let serves = words::markets(&form.serves).unwrap_or_else(|bad| {
        errors.add("serves", t.fill(t.rs_err_market, bad.join(", ")));
        Vec::new()
    });
    let lanes = lanes(t, &form.lanes, errors);
    let address = form.address.trim();
    if address.chars().count() > 1000 {
        errors.add("address", t.err_too_long);
    }
    if !errors.is_empty() {
        return None;
    }
    Some((
        Warehouse {
            id,
            name: name?,
            kind: kind?,
            serves,
            lanes,
            accepts_repairs: form.accepts_repairs,
        },
        address.to_owned(),
    ))
}

#[derive(Template)]
#[template(path = "settings/returns_warehouses.html")]
struct WarehousesPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    warehouses: Vec<WarehouseView>,
    editing: Option<WarehouseId>,
    form: WarehouseForm,
    kinds: Vec<Choice>,
    errors: FormErrors,
}

async fn stored(state: &AppState, user: &CurrentUser) -> AppResult<Vec<StoredWarehouse>> {
    let mut tx = user.tx(state).await?;
    let list = return_config::warehouses(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

fn page<'a>(
    user: &'a CurrentUser,
    list: Vec<StoredWarehouse>,
    editing: Option<WarehouseId>,
    form: WarehouseForm,
    errors: FormErrors,
) -> WarehousesPage<'a> {
    let t = user.t();
    let warehouses = list
        .into_iter()
        .map(|w| WarehouseView {
            id: w.warehouse.id,
            kind: kind_label(t, w.warehouse.kind),
            serves: words::or_any(t, &w.warehouse.serves),
            lanes: w
                .warehouse
                .lanes
                .iter()
                .map(|l| {
                    format!(
                        "{} → {}",
                        l.from,
                        words::money(l.cost.minor, &l.cost.currency)
                    )
                })
                .collect(),
            name: w.warehouse.name,
            accepts_repairs: w.warehouse.accepts_repairs,
            address: w.address,
            active: w.active,
        })
        .collect();
    let kinds = KINDS
        .iter()
        .map(|k| Choice {
            value: kind_code(*k).into(),
            label: kind_label(t, *k).into(),
            checked: kind_code(*k) == form.kind,
        })
        .collect();
    WarehousesPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "returns" },
        warehouses,
        editing,
        form,
        kinds,
        errors,
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let list = stored(&state, &user).await?;
    let page = page(
        &user,
        list,
        None,
        WarehouseForm::blank(),
        FormErrors::default(),
    );
    let page = WarehousesPage {
        shell: page
            .shell
            .with_notice(notice(user.t(), q.notice.as_deref())),
        ..page
    };
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WarehouseId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let list = stored(&state, &user).await?;
    let form = list
        .iter()
        .find(|w| w.warehouse.id == id)
        .map(WarehouseForm::of)
        .ok_or(AppError::NotFound)?;
    let page = page(&user, list, Some(id), form, FormErrors::default());
    Ok(render(&page)?.into_response())
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<WarehouseId>,
    form: WarehouseForm,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(state).await?;
    let list = return_config::warehouses(&mut tx).await?;
    let before = match id {
        Some(id) => Some(
            list.iter()
                .find(|w| w.warehouse.id == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let mut errors = FormErrors::default();
    // A new warehouse gets a fresh id (`WarehouseId::default()` is a new UUIDv7).
    if let Some((warehouse, address)) = check(t, &form, id.unwrap_or_default(), &mut errors) {
        match return_config::save_warehouse(&mut tx, &warehouse, &address, form.active).await {
            Ok(()) => {
                let action = if before.is_some() {
                    "warehouse.updated"
                } else {
                    "warehouse.created"
                };
                user.audit(
                    &mut tx,
                    action,
                    "warehouse",
                    warehouse.id.0,
                    json!({ "name": warehouse.name, "warehouse": warehouse, "active": form.active }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(
                    "/settings/returns/warehouses?notice=returns_warehouse_saved",
                )
                .into_response());
            }
            Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                errors.add("name", t.rs_warehouse_name_taken);
            }
            Err(err) => return Err(err.into()),
        }
    }
    drop(tx);
    let list = stored(state, user).await?;
    let page = page(user, list, id, form, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, None, WarehouseForm::from_pairs(pairs)).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WarehouseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), WarehouseForm::from_pairs(pairs)).await
}

async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WarehouseId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let w = return_config::warehouses(&mut tx)
        .await?
        .into_iter()
        .find(|w| w.warehouse.id == id)
        .ok_or(AppError::NotFound)?;
    return_config::save_warehouse(&mut tx, &w.warehouse, &w.address, false).await?;
    user.audit(
        &mut tx,
        "warehouse.deactivated",
        "warehouse",
        id.0,
        json!({ "name": w.warehouse.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(
        Redirect::to("/settings/returns/warehouses?notice=returns_warehouse_deactivated")
            .into_response(),
    )
}
