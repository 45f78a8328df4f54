//! The signed-in user's own name, UI language and password.

use aftersail_db::{sessions, users};
use aftersail_domain::validation::{check_password, clean_name, PasswordProblem};
use aftersail_domain::UiLocale;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::session::secure_cookies;
use crate::auth::{cookies, password, CurrentUser};
use crate::error::AppResult;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/profile", get(show).post(save))
        .route("/settings/password", post(change_password))
        .route("/settings/language", post(set_language))
        .route("/settings/availability", post(set_availability))
}

#[derive(Template)]
#[template(path = "settings/profile.html")]
struct ProfilePage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    name: &'a str,
    locale: UiLocale,
    locales: [UiLocale; 2],
    errors: FormErrors,
    password_errors: FormErrors,
    /// Whether automatic assignment may pick the user now (they switch it themselves).
    available: bool,
    /// The user's language skills, set by an admin.
    languages: Vec<String>,
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    name: &'a str,
    locale: UiLocale,
) -> AppResult<ProfilePage<'a>> {
    let mut tx = user.tx(state).await?;
    let me = users::get(&mut tx, user.id())
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    tx.commit().await?;
    Ok(ProfilePage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "profile" },
        name,
        locale,
        locales: UiLocale::ALL,
        errors: FormErrors::default(),
        password_errors: FormErrors::default(),
        available: me.available,
        languages: me.languages,
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut p = page(&state, &user, user.name(), user.locale()).await?;
    p.shell = p.shell.with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&p)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
    name: String,
    ui_locale: String,
}

async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let t = user.t();
    let mut errors = FormErrors::default();
    let name = clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let locale = form.ui_locale.parse::<UiLocale>().ok();
    if locale.is_none() {
        errors.add("ui_locale", t.err_required);
    }
    let (Some(name), Some(locale), true) = (name, locale, errors.is_empty()) else {
        let mut p = page(&state, &user, &form.name, user.locale()).await?;
        p.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let mut tx = user.tx(&state).await?;
    users::update_profile(&mut tx, user.id(), &name, locale).await?;
    tx.commit().await?;
    Ok(with_lang_cookie(
        &state,
        &headers,
        locale,
        Redirect::to("/settings/profile?notice=profile_saved").into_response(),
    ))
}

fn with_lang_cookie(
    state: &AppState,
    headers: &HeaderMap,
    locale: UiLocale,
    mut response: Response,
) -> Response {
    let cookie = cookies::set(
        cookies::LANG,
        locale.code(),
        365 * 24 * 3600,
        secure_cookies(state, headers),
    );
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguageForm {
    ui_locale: String,
    next: Option<String>,
}

/// The language switcher in the top bar.
async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let locale = form
        .ui_locale
        .parse::<UiLocale>()
        .map_err(|()| crate::error::AppError::BadRequest(user.t().err_400.into()))?;
    let mut tx = user.tx(&state).await?;
    users::update_profile(&mut tx, user.id(), user.name(), locale).await?;
    tx.commit().await?;
    let target = crate::pages::safe_next(form.next.as_deref());
    Ok(with_lang_cookie(
        &state,
        &headers,
        locale,
        Redirect::to(target).into_response(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let t = user.t();
    let mut errors = FormErrors::default();
    match check_password(&form.new_password) {
        Ok(()) => {}
        Err(PasswordProblem::TooShort) => errors.add("new_password", t.err_password_short),
        Err(PasswordProblem::TooLong) => errors.add("new_password", t.err_password_long),
    }
    let mut tx = user.tx(&state).await?;
    let stored = users::password_hash(&mut tx, user.id()).await?;
    if !password::verify(form.current_password.clone(), stored).await? {
        errors.add("current_password", t.err_current_password);
    }
    if !errors.is_empty() {
        tx.commit().await?;
        let mut p = page(&state, &user, user.name(), user.locale()).await?;
        p.password_errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let hash = password::hash(form.new_password.clone()).await?;
    users::set_password_hash(&mut tx, user.id(), &hash).await?;
    sessions::delete_for_user(&mut tx, user.id(), Some(user.session_id())).await?;
    user.audit(
        &mut tx,
        "user.password_changed",
        "user",
        user.id().0,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/profile?notice=password_changed").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AvailabilityForm {
    available: String,
}

/// "Available for assignment": each agent switches it for themselves (admins also can on
/// Settings → People). Automatic assignment skips people who are away.
async fn set_availability(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<AvailabilityForm>,
) -> AppResult<Response> {
    let available = super::parse_switch(user.t(), &form.available)?;
    let mut tx = user.tx(&state).await?;
    users::set_available(&mut tx, user.id(), available).await?;
    user.audit(
        &mut tx,
        "user.availability_changed",
        "user",
        user.id().0,
        serde_json::json!({ "available": available }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/profile?notice=availability_saved").into_response())
}
