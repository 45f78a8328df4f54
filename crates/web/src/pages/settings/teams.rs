//! Settings → Teams: groups of agents (by market, language, skill) used for assignment.

use aftersail_db::teams::{Member, Team};
use aftersail_db::users::User;
use aftersail_db::{teams, users, violated_constraint, TenantTx};
use aftersail_domain::validation::clean_name;
use aftersail_domain::{TeamId, UserId};
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
        .route("/settings/teams", get(list).post(create))
        .route("/settings/teams/{id}", get(show))
        .route("/settings/teams/{id}/rename", post(rename))
        .route("/settings/teams/{id}/delete", post(delete))
        .route("/settings/teams/{id}/members", post(add_member))
        .route(
            "/settings/teams/{id}/members/{user_id}/remove",
            post(remove_member),
        )
}

#[derive(Template)]
#[template(path = "settings/teams.html")]
struct TeamsPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    teams: Vec<Team>,
    name: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "settings/team.html")]
struct TeamPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    team: Team,
    members: Vec<Member>,
    /// Active people not yet in the team.
    candidates: Vec<User>,
    name: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NameForm {
    name: String,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let teams = teams::list(&mut tx).await?;
    tx.commit().await?;
    let shell = Shell::new(&user, "settings").with_notice(notice(user.t(), q.notice.as_deref()));
    let page = TeamsPage {
        shell,
        subnav: SubNav { current: "teams" },
        teams,
        name: String::new(),
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut errors = FormErrors::default();
    let mut tx = user.tx(&state).await?;
    match clean_name(&form.name) {
        None => errors.add("name", t.err_name_invalid),
        Some(name) => match teams::create(&mut tx, &name).await {
            Ok(id) => {
                user.audit(
                    &mut tx,
                    "team.created",
                    "team",
                    id.0,
                    serde_json::json!({ "name": name }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/settings/teams/{id}")).into_response());
            }
            Err(err) if violated_constraint(&err) == Some("teams_name_key") => {
                errors.add("name", t.team_name_taken)
            }
            Err(err) => return Err(err.into()),
        },
    }
    // The failed insert aborted `tx`; read the list in a fresh one.
    drop(tx);
    let mut tx = user.tx(&state).await?;
    let teams = teams::list(&mut tx).await?;
    let page = TeamsPage {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "teams" },
        teams,
        name: form.name,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn team_page<'a>(
    tx: &mut TenantTx,
    user: &'a CurrentUser,
    id: TeamId,
) -> AppResult<TeamPage<'a>> {
    let team = teams::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let members = teams::members(tx, id).await?;
    let candidates = users::list(tx)
        .await?
        .into_iter()
        .filter(|u| u.active && !members.iter().any(|m| m.user_id == u.id))
        .collect();
    Ok(TeamPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "teams" },
        name: team.name.clone(),
        team,
        members,
        candidates,
        errors: FormErrors::default(),
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TeamId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let page = team_page(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(render(&page)?.into_response())
}

async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TeamId>,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    let team = teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    match clean_name(&form.name) {
        None => errors.add("name", t.err_name_invalid),
        Some(name) => match teams::rename(&mut tx, id, &name).await {
            Ok(_) => {
                user.audit(
                    &mut tx,
                    "team.renamed",
                    "team",
                    id.0,
                    serde_json::json!({ "from": team.name, "to": name }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/settings/teams/{id}")).into_response());
            }
            Err(err) if violated_constraint(&err) == Some("teams_name_key") => {
                errors.add("name", t.team_name_taken)
            }
            Err(err) => return Err(err.into()),
        },
    }
    drop(tx);
    let mut tx = user.tx(&state).await?;
    let mut page = team_page(&mut tx, &user, id).await?;
    page.name = form.name;
    page.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TeamId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let team = teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    teams::delete(&mut tx, id).await?;
    user.audit(
        &mut tx,
        "team.deleted",
        "team",
        id.0,
        serde_json::json!({ "name": team.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/teams?notice=team_deleted"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberForm {
    user_id: String,
}

async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<TeamId>,
    Form(form): Form<MemberForm>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let member: UserId = form.user_id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = user.tx(&state).await?;
    teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    users::get(&mut tx, member)
        .await?
        .ok_or(AppError::NotFound)?;
    teams::add_member(&mut tx, id, member).await?;
    user.audit(
        &mut tx,
        "team.member_added",
        "team",
        id.0,
        serde_json::json!({ "user_id": member }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/teams/{id}")))
}

async fn remove_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(TeamId, UserId)>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !teams::remove_member(&mut tx, id, member).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "team.member_removed",
        "team",
        id.0,
        serde_json::json!({ "user_id": member }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/teams/{id}")))
}
