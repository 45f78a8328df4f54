//! Changing a ticket: status, priority, type, assignee and team; tags; merging it into
//! another of the customer's tickets; marking it unread again. Every change is recorded in
//! the ticket's history.

use aftersail_db::{teams, ticket_events, tickets, users};
use aftersail_domain::tags::{self, TagError};
use aftersail_domain::ticket::{Priority, Status, TicketType};
use aftersail_domain::{TeamId, UserId};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::{back_to, load};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::render;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}/properties", post(properties))
        .route("/tickets/{number}/tags", post(set_tags))
        .route("/tickets/{number}/merge", post(merge))
        .route("/tickets/{number}/unread", post(mark_unread))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PropertiesForm {
    status: String,
    priority: String,
    /// Empty means "no type".
    #[serde(rename = "type")]
    kind: String,
    /// A user id, or empty for nobody.
    assignee: String,
    /// A team id, or empty for none.
    team: String,
}

async fn properties(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<PropertiesForm>,
) -> AppResult<Response> {
    let bad = || AppError::BadRequest(user.t().err_400.into());
    let status = Status::parse(&form.status).ok_or_else(bad)?;
    let priority = Priority::parse(&form.priority).ok_or_else(bad)?;
    let kind = match form.kind.as_str() {
        "" => None,
        code => Some(TicketType::parse(code).ok_or_else(bad)?),
    };
    let assignee: Option<UserId> = match form.assignee.as_str() {
        "" => None,
        id => Some(id.parse().map_err(|_| bad())?),
    };
    let team: Option<TeamId> = match form.team.as_str() {
        "" => None,
        id => Some(id.parse().map_err(|_| bad())?),
    };
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    // Another shop's (or an unknown) person or team is not found here, like any foreign id.
    let new_assignee = match assignee {
        Some(id) => Some(
            users::get(&mut tx, id)
                .await?
                .filter(|u| u.active)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let new_team = match team {
        Some(id) => Some(teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let old_assignee = match ticket.assignee_id {
        Some(id) => users::get(&mut tx, id).await?.map(|u| u.name),
        None => None,
    };
    let old_team = match ticket.team_id {
        Some(id) => teams::get(&mut tx, id).await?.map(|t| t.name),
        None => None,
    };
    tickets::set_properties(
        &mut tx,
        ticket.id,
        status.as_str(),
        priority.as_str(),
        kind.map(TicketType::as_str),
    )
    .await?;
    tickets::assign(&mut tx, ticket.id, assignee, team).await?;
    let changes = [
        (
            "status",
            Some(ticket.status.as_str()),
            Some(status.as_str()),
        ),
        (
            "priority",
            Some(ticket.priority.as_str()),
            Some(priority.as_str()),
        ),
        ("type", ticket.kind.as_deref(), kind.map(TicketType::as_str)),
        (
            "assignee",
            old_assignee.as_deref(),
            new_assignee.as_ref().map(|u| u.name.as_str()),
        ),
        (
            "team",
            old_team.as_deref(),
            new_team.as_ref().map(|t| t.name.as_str()),
        ),
    ];
    for (field, from, to) in changes {
        if from != to {
            ticket_events::record(&mut tx, ticket.id, Some(user.id()), field, from, to).await?;
        }
    }
    tx.commit().await?;
    Ok(back_to(number))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MergeForm {
    /// The number of the ticket to merge this one into.
    into: String,
}

/// Merges this ticket into another ticket of the same customer: the conversation and returns
/// move there, this one is closed and points at it.
async fn merge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    let t = user.t();
    let into: i64 = form
        .into
        .trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| AppError::BadRequest(t.err_400.into()))?;
    let mut tx = user.tx(&state).await?;
    let source = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = tickets::get_by_number(&mut tx, into)
        .await?
        .ok_or(AppError::NotFound)?;
    if source.id == target.id || source.customer_id != target.customer_id {
        return Err(AppError::BadRequest(t.err_merge.into()));
    }
    if tickets::merged_into_number(&mut tx, source.id)
        .await?
        .is_some()
    {
        return Err(AppError::BadRequest(t.err_merge.into()));
    }
    tickets::merge(&mut tx, source.id, target.id).await?;
    let (from, to) = (format!("#{number}"), format!("#{into}"));
    ticket_events::record(
        &mut tx,
        source.id,
        Some(user.id()),
        "merged_into",
        None,
        Some(&to),
    )
    .await?;
    ticket_events::record(
        &mut tx,
        target.id,
        Some(user.id()),
        "merged_from",
        None,
        Some(&from),
    )
    .await?;
    tx.commit().await?;
    Ok(back_to(into))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TagsForm {
    /// Comma-separated, as typed.
    tags: String,
}

/// Replaces the ticket's tags with the list typed; each tag added or removed is recorded.
async fn set_tags(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<TagsForm>,
) -> AppResult<Response> {
    let t = user.t();
    let parsed = tags::parse_list(&form.tags);
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let new = match parsed {
        Ok(new) => new,
        Err(err) => {
            let message = match err {
                TagError::Invalid(tag) => t.fill(t.err_tag_invalid_named, tag),
                TagError::TooLong(tag) => t.fill(t.err_tag_too_long, tag),
                TagError::TooMany => t.fill(t.err_tags_too_many_n, tags::MAX_TAGS),
            };
            let mut page = load(&mut tx, &state, &user, number).await?;
            page.tags_text = form.tags;
            page.errors.add("tags", message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    tickets::set_tags(&mut tx, ticket.id, &new).await?;
    for tag in new.iter().filter(|t| !ticket.tags.contains(t)) {
        ticket_events::record(
            &mut tx,
            ticket.id,
            Some(user.id()),
            "tag_added",
            None,
            Some(tag),
        )
        .await?;
    }
    for tag in ticket.tags.iter().filter(|t| !new.contains(t)) {
        ticket_events::record(
            &mut tx,
            ticket.id,
            Some(user.id()),
            "tag_removed",
            None,
            Some(tag),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(back_to(number))
}

/// "Mark as unread": the ticket shows as unread for this agent again, and they go back to
/// the inbox (staying would read it again).
async fn mark_unread(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<Redirect> {
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    tickets::mark_unread(&mut tx, ticket.id, user.id()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/inbox"))
}
