//! Settings → Reply templates: the shop's canned replies, with placeholders such as
//! `{{customer.first_name}}` filled per ticket when an agent inserts one. Admins and owners
//! manage them; every agent uses them.

use aftersail_db::reply_templates::{self, ReplyTemplate, NAME_KEY};
use aftersail_db::violated_constraint;
use aftersail_domain::placeholders::KNOWN;
use aftersail_domain::ticket::MAX_BODY_CHARS;
use aftersail_domain::validation::clean_name;
use aftersail_domain::ReplyTemplateId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/templates", get(list).post(create))
        .route("/settings/templates/{id}", get(edit).post(update))
        .route("/settings/templates/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "settings/templates.html")]
struct TemplatesPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    templates: Vec<ReplyTemplate>,
    /// The template being edited (`None`: the form creates a new one).
    editing: Option<ReplyTemplateId>,
    name: String,
    body: String,
    placeholders: &'static [&'static str],
    errors: FormErrors,
}

impl TemplatesPage<'_> {
    /// `{{name}}`, spelled out for the help text (askama would read the braces itself).
    fn placeholder(&self, name: &&str) -> String {
        format!("{{{{{name}}}}}")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TemplateForm {
    name: String,
    body: String,
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    editing: Option<ReplyTemplateId>,
    name: String,
    body: String,
    errors: FormErrors,
) -> AppResult<TemplatesPage<'a>> {
    let mut tx = user.tx(state).await?;
    let templates = reply_templates::list(&mut tx).await?;
    tx.commit().await?;
    Ok(TemplatesPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "templates",
        },
        templates,
        editing,
        name,
        body,
        placeholders: KNOWN,
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
        String::new(),
        String::new(),
        FormErrors::default(),
    )
    .await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReplyTemplateId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let template = reply_templates::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let page = page(
        &state,
        &user,
        Some(id),
        template.name,
        template.body,
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The form's name and body, checked.
fn check(
    user: &CurrentUser,
    form: &TemplateForm,
    errors: &mut FormErrors,
) -> Option<(String, String)> {
    let t = user.t();
    let name = clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let body = form.body.trim();
    if body.is_empty() {
        errors.add("body", t.err_body_required);
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.add("body", t.err_body_too_long);
    }
    Some((name?, body.to_owned())).filter(|_| errors.is_empty())
}

/// Saves a new template (`id` None) or changes one; a taken name re-shows the form.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<ReplyTemplateId>,
    form: TemplateForm,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut errors = FormErrors::default();
    if let Some((name, body)) = check(user, &form, &mut errors) {
        let mut tx = user.tx(state).await?;
        let saved = match id {
            None => reply_templates::create(&mut tx, &name, &body)
                .await
                .map(Some),
            Some(id) => reply_templates::update(&mut tx, id, &name, &body)
                .await
                .map(|found| found.then_some(id)),
        };
        match saved {
            Ok(Some(saved)) => {
                let action = if id.is_none() {
                    "template.created"
                } else {
                    "template.updated"
                };
                user.audit(
                    &mut tx,
                    action,
                    "reply_template",
                    saved.0,
                    serde_json::json!({ "name": name }),
                )
                .await?;
                tx.commit().await?;
                return Ok(
                    Redirect::to("/settings/templates?notice=template_saved").into_response()
                );
            }
            Ok(None) => return Err(AppError::NotFound),
            Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                errors.add("name", user.t().template_name_taken);
            }
            Err(err) => return Err(err.into()),
        }
    }
    let page = page(state, user, id, form.name, form.body, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TemplateForm>,
) -> AppResult<Response> {
    save(&state, &user, None, form).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReplyTemplateId>,
    Form(form): Form<TemplateForm>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), form).await
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReplyTemplateId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let name = reply_templates::delete(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &mut tx,
        "template.deleted",
        "reply_template",
        id.0,
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/templates?notice=template_deleted"))
}
