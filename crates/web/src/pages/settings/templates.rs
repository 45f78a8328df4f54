//! Settings → Reply templates: the shop's canned replies with `{{variables}}` filled per
//! ticket, a category, a version per buyer language, and actions applied with the reply
//! (set a status, add tags). Variables are checked on save; "Preview with ticket #" renders a
//! template for a real ticket of the shop. Admins and owners manage them; every agent uses
//! them.

use aftersail_db::reply_templates::{self, ReplyTemplate, NAME_KEY};
use aftersail_db::{customers, orders, rmas, tickets, violated_constraint, TenantTx};
use aftersail_domain::rules::Action;
use aftersail_domain::templates::{self, VARIABLES};
use aftersail_domain::ticket::{Status, MAX_BODY_CHARS};
use aftersail_domain::validation::clean_name;
use aftersail_domain::ReplyTemplateId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::{language_code, notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::ticket::{rma_of, template_effects, template_values};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

const MAX_CATEGORY_CHARS: usize = 60;
const MAX_LANGUAGES: usize = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/templates", get(list).post(create))
        .route("/settings/templates/{id}", get(edit).post(update))
        .route("/settings/templates/{id}/delete", post(delete))
        .route(
            "/settings/templates/{id}/bodies/{language}/delete",
            post(delete_body),
        )
}

/// The form as typed.
#[derive(Default, Clone)]
struct TemplateForm {
    name: String,
    category: String,
    body: String,
    /// (language, text) rows.
    bodies: Vec<(String, String)>,
    status: String,
    tags: String,
    /// "language": a no-JavaScript "add a language".
    more: String,
}

impl TemplateForm {
    fn of(t: &ReplyTemplate, bodies: Vec<(String, String)>) -> Self {
        let (status, tags) = template_effects(&t.actions.0);
        TemplateForm {
            name: t.name.clone(),
            category: t.category.clone(),
            body: t.body.clone(),
            bodies,
            status: status.unwrap_or_default(),
            tags: tags.join(", "),
            more: String::new(),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = TemplateForm::default();
        let (mut langs, mut texts) = (Vec::new(), Vec::new());
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "category" => f.category = v,
                "body" => f.body = v,
                "status" => f.status = v,
                "tags" => f.tags = v,
                "more" => f.more = v,
                "lang" => langs.push(v),
                "lang_body" => texts.push(v),
                _ => {}
            }
        }
        f.bodies = langs
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, texts.get(i).cloned().unwrap_or_default()))
            .collect();
        f
    }

    /// The rows to show: the typed ones (blank rows dropped) and a blank one to add to.
    fn rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .bodies
            .iter()
            .filter(|(l, b)| !l.trim().is_empty() || !b.trim().is_empty())
            .cloned()
            .collect();
        let extra = if self.more == "language" { 2 } else { 1 };
        for _ in 0..extra {
            rows.push((String::new(), String::new()));
        }
        rows
    }
}

/// What a checked form stores.
struct Checked {
    name: String,
    category: String,
    body: String,
    bodies: Vec<(String, String)>,
    actions: Vec<Action>,
}

fn body_problems(t: &Tr, body: &str) -> Option<String> {
    if body.trim().is_empty() {
        return Some(t.err_body_required.to_owned());
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Some(t.err_body_too_long.to_owned());
    }
    templates::check(body).err().map(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn check(t: &Tr, form: &TemplateForm, errors: &mut FormErrors) -> Option<Checked> {
    let name = clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let category = form.category.trim().to_owned();
    if category.chars().count() > MAX_CATEGORY_CHARS {
        errors.add("category", t.template_err_category);
    }
    let body = form.body.trim().to_owned();
    if let Some(problem) = body_problems(t, &body) {
        errors.add("body", problem);
    }
    let mut bodies: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    for (raw, text) in &form.bodies {
        let text = text.trim();
        if raw.trim().is_empty() && text.is_empty() {
            continue;
        }
        let Some(code) = language_code(raw) else {
            problems.push(t.fill(t.template_err_language, raw.trim()));
            continue;
        };
        if text.is_empty() {
            continue; // a cleared version is removed
        }
        if bodies.iter().any(|(l, _)| *l == code) {
            problems.push(t.fill(t.template_err_language_twice, &code));
            continue;
        }
        if let Some(problem) = body_problems(t, text) {
            problems.push(format!("{code}: {problem}"));
        }
        bodies.push((code, text.to_owned()));
    }
    if bodies.len() > MAX_LANGUAGES {
        problems.push(t.err_too_long.to_owned());
    }
    if !problems.is_empty() {
        errors.add("bodies", problems.join(" "));
    }
    let mut actions = Vec::new();
    match form.status.as_str() {
        "" => {}
        s if Status::parse(s).is_some() => actions.push(Action::SetStatus { status: s.into() }),
        _ => errors.add("status", t.sla_err_choice),
    }
    match aftersail_domain::tags::parse_list(&form.tags) {
        Ok(tags) if tags.is_empty() => {}
        Ok(tags) => actions.push(Action::AddTags { tags }),
        Err(_) => errors.add("tags", t.err_tag_invalid),
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Checked {
        name: name?,
        category,
        body,
        bodies,
        actions,
    })
}

/// A rendered preview for one ticket.
struct Preview {
    number: i64,
    /// The language version used, or `None` for the default text.
    language: Option<String>,
    /// Already HTML-escaped by `render_html`.
    html: String,
    missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "settings/templates.html")]
struct TemplatesPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    templates: Vec<ReplyTemplate>,
    /// The template being edited (`None`: the form creates a new one).
    editing: Option<ReplyTemplateId>,
    form: TemplateForm,
    rows: Vec<(String, String)>,
    statuses: &'static [Status],
    variables: &'static [&'static str],
    errors: FormErrors,
    preview_ticket: String,
    preview: Option<Preview>,
    preview_error: Option<&'static str>,
}

impl TemplatesPage<'_> {
    /// `{{name}}`, spelled out for the help text (askama would read the braces itself).
    fn placeholder(&self, name: &&str) -> String {
        format!("{{{{{name}}}}}")
    }
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    editing: Option<ReplyTemplateId>,
    form: TemplateForm,
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
        rows: form.rows(),
        form,
        statuses: Status::ALL,
        variables: VARIABLES,
        errors,
        preview_ticket: String::new(),
        preview: None,
        preview_error: None,
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
        TemplateForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EditQuery {
    /// A ticket number to preview the template with.
    preview: String,
    notice: Option<String>,
}

/// The template rendered for ticket `number` of the shop, in the ticket's language.
async fn preview(
    tx: &mut TenantTx,
    state: &AppState,
    user: &CurrentUser,
    template: &ReplyTemplate,
    bodies: &[(String, String)],
    number: i64,
) -> AppResult<Option<Preview>> {
    let Some(ticket) = tickets::get_by_number(tx, number).await? else {
        return Ok(None);
    };
    let customer = customers::get(tx, ticket.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = match ticket.order_id {
        Some(id) => orders::get(tx, id).await?,
        None => None,
    };
    let returns = rmas::for_customer(tx, customer.id).await?;
    let values = template_values(
        state,
        user,
        &ticket,
        &customer,
        order.as_ref(),
        rma_of(&ticket, &returns).as_deref(),
    );
    let body = templates::pick_body(bodies, ticket.language.as_deref(), &template.body);
    let language = bodies
        .iter()
        .find(|(_, b)| std::ptr::eq(b.as_str(), body))
        .map(|(l, _)| l.clone());
    let rendered = templates::render_html(body, |name| values.get(name));
    Ok(Some(Preview {
        number,
        language,
        html: rendered.text,
        missing: rendered.missing,
    }))
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReplyTemplateId>,
    Query(q): Query<EditQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let template = reply_templates::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bodies = reply_templates::bodies(&mut tx, id).await?;
    let wanted = q.preview.trim().trim_start_matches('#').to_owned();
    let shown = if wanted.is_empty() {
        None
    } else {
        match wanted.parse::<i64>() {
            Ok(number) => Some(preview(&mut tx, &state, &user, &template, &bodies, number).await?),
            Err(_) => Some(None),
        }
    };
    tx.commit().await?;
    let mut page = page(
        &state,
        &user,
        Some(id),
        TemplateForm::of(&template, bodies),
        FormErrors::default(),
    )
    .await?;
    page.preview_ticket = wanted;
    match shown {
        Some(Some(p)) => page.preview = Some(p),
        Some(None) => page.preview_error = Some(user.t().template_preview_none),
        None => {}
    }
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

/// Saves a new template (`id` None) or changes one, with its language versions and actions;
/// anything wrong re-shows the form and stores nothing.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<ReplyTemplateId>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    if let Some(id) = id {
        let mut tx = user.tx(state).await?;
        let found = reply_templates::get(&mut tx, id).await?.is_some();
        tx.commit().await?;
        if !found {
            return Err(AppError::NotFound);
        }
    }
    let form = TemplateForm::from_pairs(pairs);
    if !form.more.is_empty() {
        let page = page(state, user, id, form, FormErrors::default()).await?;
        return Ok(render(&page)?.into_response());
    }
    let mut errors = FormErrors::default();
    if let Some(c) = check(user.t(), &form, &mut errors) {
        let mut tx = user.tx(state).await?;
        let saved = match id {
            None => reply_templates::create(&mut tx, &c.name, &c.body)
                .await
                .map(Some),
            Some(id) => reply_templates::update(&mut tx, id, &c.name, &c.body)
                .await
                .map(|found| found.then_some(id)),
        };
        match saved {
            Ok(Some(saved)) => {
                reply_templates::set_details(&mut tx, saved, &c.category, &c.actions).await?;
                let before = reply_templates::bodies(&mut tx, saved).await?;
                for (language, _) in &before {
                    if !c.bodies.iter().any(|(l, _)| l == language) {
                        reply_templates::delete_body(&mut tx, saved, language).await?;
                    }
                }
                for (language, body) in &c.bodies {
                    reply_templates::set_body(&mut tx, saved, language, body).await?;
                }
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
                    json!({
                        "name": c.name,
                        "category": c.category,
                        "languages": c.bodies.iter().map(|(l, _)| l).collect::<Vec<_>>(),
                        "actions": c.actions,
                    }),
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
    let page = page(state, user, id, form, errors).await?;
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
    Path(id): Path<ReplyTemplateId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), pairs).await
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
        json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/templates?notice=template_deleted"))
}

/// Removes one language version (the template keeps its other texts).
async fn delete_body(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, language)): Path<(ReplyTemplateId, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let template = reply_templates::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reply_templates::delete_body(&mut tx, id, &language).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "template.language_removed",
        "reply_template",
        id.0,
        json!({ "name": template.name, "language": language }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/settings/templates/{id}?notice=template_body_deleted"
    ))
    .into_response())
}
