//! Knowledge-base categories: a name (and a short description) per language, in the order
//! the help center lists them. Owners and admins only.

use aftersail_db::kb::{self, Category, CategoryName};
use aftersail_db::violated_constraint;
use aftersail_domain::kb as rules;
use aftersail_domain::KbCategoryId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::json;

use super::articles::confirm_page;
use super::text::{kt, Kt};
use super::{notice, offered_locales, shop_locale, LocaleOption};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::settings::{MoveForm, NoticeQuery};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kb/categories", get(list).post(create))
        .route("/kb/categories/{id}", get(edit).post(update))
        .route("/kb/categories/{id}/move", post(move_category))
        .route(
            "/kb/categories/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

/// The form as typed: (language, name, description) rows.
#[derive(Default)]
struct CategoryForm {
    rows: Vec<(String, String, String)>,
    /// "language": a no-JavaScript "add a language".
    more: String,
}

impl CategoryForm {
    fn of(c: &Category) -> Self {
        CategoryForm {
            rows: c
                .names
                .iter()
                .map(|n| (n.locale.clone(), n.name.clone(), n.description.clone()))
                .collect(),
            more: String::new(),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let (mut langs, mut names, mut descriptions) = (Vec::new(), Vec::new(), Vec::new());
        let mut more = String::new();
        for (k, v) in pairs {
            match k.as_str() {
                "lang" => langs.push(v),
                "name" => names.push(v),
                "description" => descriptions.push(v),
                "more" => more = v,
                _ => {}
            }
        }
        CategoryForm {
            rows: langs
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    (
                        l,
                        names.get(i).cloned().unwrap_or_default(),
                        descriptions.get(i).cloned().unwrap_or_default(),
                    )
                })
                .collect(),
            more,
        }
    }

    /// The rows to show: the typed ones (blank rows dropped) and blank ones to add to.
    fn shown(&self, shop_locale: &str) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = self
            .rows
            .iter()
            .filter(|(l, n, d)| {
                !l.trim().is_empty() || !n.trim().is_empty() || !d.trim().is_empty()
            })
            .cloned()
            .collect();
        if rows.is_empty() {
            rows.push((shop_locale.to_owned(), String::new(), String::new()));
        }
        let extra = if self.more == "language" { 2 } else { 1 };
        for _ in 0..extra {
            rows.push((String::new(), String::new(), String::new()));
        }
        rows
    }
}

fn check(k: &Kt, form: &CategoryForm, errors: &mut FormErrors) -> Vec<CategoryName> {
    let mut names: Vec<CategoryName> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for (lang, name, description) in &form.rows {
        let (name, description) = (name.trim(), description.trim());
        if lang.trim().is_empty() && name.is_empty() && description.is_empty() {
            continue;
        }
        let Some(locale) = rules::locale_code(lang) else {
            problems.push(k.fill(k.err_locale_named, &[&lang.trim()]));
            continue;
        };
        if name.is_empty() {
            if !description.is_empty() {
                problems.push(k.fill(k.err_category_name_missing, &[&locale]));
            }
            continue;
        }
        if name.chars().count() > rules::MAX_CATEGORY_NAME_CHARS
            || description.chars().count() > rules::MAX_CATEGORY_DESCRIPTION_CHARS
        {
            problems.push(k.fill(k.err_category_long, &[&locale]));
            continue;
        }
        if names.iter().any(|n| n.locale == locale) {
            problems.push(k.fill(k.err_locale_twice, &[&locale]));
            continue;
        }
        names.push(CategoryName {
            locale,
            name: name.to_owned(),
            description: description.to_owned(),
        });
    }
    if names.is_empty() && problems.is_empty() {
        problems.push(k.err_category_no_name.to_owned());
    }
    if !problems.is_empty() {
        errors.add("names", problems.join(" "));
    }
    names
}

/// A category as listed: its names "en: Returns · de: Rücksendungen".
struct Listed {
    category: Category,
    label: String,
    others: String,
}

#[derive(Template)]
#[template(path = "kb/categories.html")]
struct CategoriesPage<'a> {
    shell: Shell<'a>,
    k: &'static Kt,
    categories: Vec<Listed>,
    editing: Option<KbCategoryId>,
    rows: Vec<(String, String, String)>,
    offered: Vec<LocaleOption>,
    errors: FormErrors,
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    editing: Option<KbCategoryId>,
    form: &CategoryForm,
    errors: FormErrors,
) -> AppResult<CategoriesPage<'a>> {
    let mut tx = user.tx(state).await?;
    let shop = shop_locale(&mut tx).await?;
    let categories = kb::categories(&mut tx).await?;
    let used = kb::locales(&mut tx).await?;
    tx.commit().await?;
    let wanted = vec![shop.clone()];
    let categories = categories
        .into_iter()
        .map(|c| {
            let first = c.name_for(&wanted).cloned();
            let label = first.as_ref().map(|n| n.name.clone()).unwrap_or_default();
            let others = c
                .names
                .iter()
                .filter(|n| Some(&n.locale) != first.as_ref().map(|f| &f.locale))
                .map(|n| format!("{}: {}", n.locale, n.name))
                .collect::<Vec<_>>()
                .join(" · ");
            Listed {
                category: c,
                label,
                others,
            }
        })
        .collect();
    Ok(CategoriesPage {
        shell: Shell::new(user, "kb"),
        k: kt(user.locale()),
        categories,
        editing,
        rows: form.shown(&shop),
        offered: offered_locales(&used, &shop),
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut page = page(
        &state,
        &user,
        None,
        &CategoryForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.shell = page.shell.with_notice(notice(page.k, q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbCategoryId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let category = kb::category(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let page = page(
        &state,
        &user,
        Some(id),
        &CategoryForm::of(&category),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<KbCategoryId>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    let k = kt(user.locale());
    if let Some(id) = id {
        let mut tx = user.tx(state).await?;
        let found = kb::category(&mut tx, id).await?.is_some();
        tx.commit().await?;
        if !found {
            return Err(AppError::NotFound);
        }
    }
    let form = CategoryForm::from_pairs(pairs);
    if !form.more.is_empty() {
        let page = page(state, user, id, &form, FormErrors::default()).await?;
        return Ok(render(&page)?.into_response());
    }
    let mut errors = FormErrors::default();
    let names = check(k, &form, &mut errors);
    if errors.is_empty() {
        let mut tx = user.tx(state).await?;
        let saved = match id {
            None => kb::create_category(&mut tx, &names).await.map(Some),
            Some(id) => kb::update_category(&mut tx, id, &names)
                .await
                .map(|found| found.then_some(id)),
        };
        match saved {
            Ok(Some(saved)) => {
                let action = if id.is_none() {
                    "kb.category_created"
                } else {
                    "kb.category_updated"
                };
                let detail: Vec<_> = names
                    .iter()
                    .map(|n| json!({ "locale": n.locale, "name": n.name }))
                    .collect();
                user.audit(
                    &mut tx,
                    action,
                    "kb_category",
                    saved.0,
                    json!({ "names": detail }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to("/kb/categories?notice=category_saved").into_response());
            }
            Ok(None) => return Err(AppError::NotFound),
            Err(err) if violated_constraint(&err) == Some(kb::CATEGORY_NAME_KEY) => {
                errors.add("names", k.err_category_taken);
            }
            Err(err) => return Err(err.into()),
        }
    }
    let page = page(state, user, id, &form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbCategoryId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), pairs).await
}

async fn move_category(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbCategoryId>,
    Form(form): Form<MoveForm>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let up = form.up(user.t())?;
    let mut tx = user.tx(&state).await?;
    if kb::move_category(&mut tx, id, up).await?.is_none() {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/kb/categories?notice=category_moved"))
}

async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbCategoryId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let k = kt(user.locale());
    let mut tx = user.tx(&state).await?;
    let shop = shop_locale(&mut tx).await?;
    let category = kb::category(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let name = category
        .name_for(&[shop])
        .map(|n| n.name.clone())
        .unwrap_or_default();
    confirm_page(
        &user,
        k.fill(k.confirm_delete_category, &[&name, &category.articles]),
        format!("/kb/categories/{id}/delete"),
        "/kb/categories".into(),
    )
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<KbCategoryId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    if !kb::delete_category(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "kb.category_deleted",
        "kb_category",
        id.0,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/kb/categories?notice=category_deleted"))
}
