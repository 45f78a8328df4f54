//! Settings → People: who works in the shop, their roles, and invitations to join.

use aftersail_db::invitations::Invitation;
use aftersail_db::users::User;
use aftersail_db::{invitations, sessions, users, TenantTx};
use aftersail_domain::validation::normalize_email;
use aftersail_domain::{InvitationId, Role, UserId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::{tokens, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/team", get(show))
        .route("/settings/team/invitations", post(invite))
        .route("/settings/invitations/{id}/revoke", post(revoke))
        .route("/settings/users/{id}/role", post(change_role))
        .route("/settings/users/{id}/deactivate", post(deactivate))
        .route("/settings/users/{id}/reactivate", post(reactivate))
        .route("/settings/users/{id}/languages", post(set_languages))
        .route("/settings/users/{id}/available", post(set_available))
}

#[derive(Template)]
#[template(path = "settings/people.html")]
struct PeoplePage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    people: Vec<User>,
    pending: Vec<Invitation>,
    /// Roles the viewer may hand out.
    assignable: Vec<Role>,
    invite_email: String,
    invite_role: Role,
    errors: FormErrors,
    /// A freshly created invitation's link, shown once.
    created_link: Option<(String, String)>,
    now: chrono::DateTime<chrono::Utc>,
    /// A language list that was refused: (whose, as typed, why).
    languages_error: Option<(UserId, String, String)>,
}

impl PeoplePage<'_> {
    /// The language box of a person: as typed when it was refused, else as stored.
    fn languages_of(&self, person: &User) -> String {
        match &self.languages_error {
            Some((id, typed, _)) if *id == person.id => typed.clone(),
            _ => person.languages.join(", "),
        }
    }

    fn languages_problem(&self, person: &User) -> Option<&str> {
        match &self.languages_error {
            Some((id, _, why)) if *id == person.id => Some(why),
            _ => None,
        }
    }

    fn can_change(&self, person: &User) -> bool {
        person.id != self.shell.user.id() && self.shell.user.role().can_assign(person.role)
    }
}

async fn load<'a>(tx: &mut TenantTx, user: &'a CurrentUser) -> AppResult<PeoplePage<'a>> {
    Ok(PeoplePage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "team" },
        people: users::list(tx).await?,
        pending: invitations::list_pending(tx).await?,
        assignable: Role::ALL
            .into_iter()
            .filter(|r| user.role().can_assign(*r))
            .collect(),
        invite_email: String::new(),
        invite_role: Role::Agent,
        errors: FormErrors::default(),
        created_link: None,
        now: chrono::Utc::now(),
        languages_error: None,
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let mut page = load(&mut tx, &user).await?;
    tx.commit().await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    email: String,
    role: String,
}

async fn invite(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    user: CurrentUser,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut errors = FormErrors::default();
    let email = normalize_email(&form.email);
    if email.is_none() {
        errors.add("email", t.err_email_invalid);
    }
    let role = form
        .role
        .parse::<Role>()
        .ok()
        .filter(|r| *r != Role::Owner && user.role().can_assign(*r));
    if role.is_none() {
        errors.add("role", t.err_not_allowed_role);
    }
    let mut tx = user.tx(&state).await?;
    if let Some(e) = &email {
        if users::login_candidate(&state.pool, e).await?.is_some() {
            errors.add("email", t.err_email_taken);
        }
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        let mut page = load(&mut tx, &user).await?;
        page.invite_email = form.email;
        page.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let token = tokens::random_token();
    let expires = chrono::Utc::now() + state.config.invitation_ttl;
    let id = invitations::create(
        &mut tx,
        &email,
        role,
        &tokens::hash(&token),
        user.id(),
        expires,
    )
    .await?;
    user.audit(
        &mut tx,
        "invitation.created",
        "invitation",
        id.0,
        serde_json::json!({ "email": email, "role": role }),
    )
    .await?;
    let mut page = load(&mut tx, &user).await?;
    tx.commit().await?;
    page.created_link = Some((email, format!("{}/invite/{token}", origin(&headers))));
    Ok((StatusCode::CREATED, render(&page)?).into_response())
}

/// The site's origin as the browser sees it, for links to share.
fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost:8080");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<InvitationId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let invitation = invitations::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.role().can_assign(invitation.role) {
        return Err(AppError::Forbidden);
    }
    if invitations::revoke(&mut tx, id).await? {
        user.audit(
            &mut tx,
            "invitation.revoked",
            "invitation",
            id.0,
            serde_json::json!({ "email": invitation.email }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/team?notice=invite_revoked"))
}

/// Loads someone the current user may change: 404 for strangers, 403 for the untouchable.
async fn changeable(tx: &mut TenantTx, user: &CurrentUser, id: UserId) -> AppResult<User> {
    user.require_admin()?;
    let target = users::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if target.id == user.id() || !user.role().can_assign(target.role) {
        return Err(AppError::Forbidden);
    }
    Ok(target)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<UserId>,
    Form(form): Form<RoleForm>,
) -> AppResult<Redirect> {
    let mut tx = user.tx(&state).await?;
    let target = changeable(&mut tx, &user, id).await?;
    let role = form
        .role
        .parse::<Role>()
        .map_err(|_| AppError::BadRequest(user.t().err_not_allowed_role.into()))?;
    if !user.role().can_assign(role) {
        return Err(AppError::Forbidden);
    }
    users::set_role(&mut tx, id, role).await?;
    user.audit(
        &mut tx,
        "user.role_changed",
        "user",
        id.0,
        serde_json::json!({ "from": target.role, "to": role }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/team?notice=role_changed"))
}

async fn deactivate(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<UserId>,
) -> AppResult<Redirect> {
    set_active(state, user, id, false).await
}

async fn reactivate(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<UserId>,
) -> AppResult<Redirect> {
    set_active(state, user, id, true).await
}

/// Deactivating also signs the person out everywhere; their data and history stay.
async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<UserId>,
    active: bool,
) -> AppResult<Redirect> {
    let mut tx = user.tx(&state).await?;
    changeable(&mut tx, &user, id).await?;
    users::set_active(&mut tx, id, active).await?;
    if !active {
        sessions::delete_for_user(&mut tx, id, None).await?;
    }
    let (action, notice) = if active {
        ("user.reactivated", "reactivated")
    } else {
        ("user.deactivated", "deactivated")
    };
    user.audit(&mut tx, action, "user", id.0, serde_json::json!({}))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/team?notice={notice}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguagesForm {
    languages: String,
}

/// An agent's language skills (what language-aware assignment matches buyers' languages to).
async fn set_languages(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<UserId>,
    Form(form): Form<LanguagesForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    let before = users::languages(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let problem = match super::language_codes(&form.languages) {
        Ok(codes) if codes.len() <= super::MAX_LANGUAGES => Ok(codes),
        Ok(_) => Err(t.fill(t.err_languages_too_many, super::MAX_LANGUAGES)),
        Err(bad) => Err(t.fill(t.err_languages, bad.join(", "))),
    };
    let codes = match problem {
        Ok(codes) => codes,
        Err(why) => {
            let mut page = load(&mut tx, &user).await?;
            tx.commit().await?;
            page.languages_error = Some((id, form.languages, why));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    users::set_languages(&mut tx, id, &codes).await?;
    user.audit(
        &mut tx,
        "user.languages_changed",
        "user",
        id.0,
        serde_json::json!({ "from": before, "to": codes }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/team?notice=languages_saved").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AvailableForm {
    available: String,
}

/// Admins switch anyone's "available for assignment" (an agent who forgot before a holiday).
async fn set_available(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<UserId>,
    Form(form): Form<AvailableForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let available = super::parse_switch(user.t(), &form.available)?;
    let mut tx = user.tx(&state).await?;
    if !users::set_available(&mut tx, id, available).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "user.availability_changed",
        "user",
        id.0,
        serde_json::json!({ "available": available }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/team?notice=availability_saved").into_response())
}
