//! One ticket: its thread, the customer/order panel, its history, and the agent's moves
//! (reply, internal note, status/priority/type).

use aftersail_db::customers::Customer;
use aftersail_db::messages::Message;
use aftersail_db::orders::{Order, OrderItem};
use aftersail_db::rmas::RmaRow;
use aftersail_db::teams::Team;
use aftersail_db::ticket_events::TicketEvent;
use aftersail_db::tickets::{InboxRow, Ticket};
use aftersail_db::users::User;
use aftersail_db::{
    customers, messages, orders, outbox, rmas, teams, ticket_events, tickets, users, TenantTx,
};
use aftersail_domain::ticket::{Priority, Status, TicketType, MAX_BODY_CHARS};
use aftersail_domain::{money, TeamId, UserId};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{render, FormErrors, Shell};
use crate::auth::{tokens, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}", get(show))
        .route("/tickets/{number}/reply", post(reply))
        .route("/tickets/{number}/note", post(note))
        .route("/tickets/{number}/properties", post(properties))
        .route("/tickets/{number}/merge", post(merge))
}

#[derive(Template)]
#[template(path = "workplace/ticket.html")]
struct TicketPage<'a> {
    shell: Shell<'a>,
    ticket: Ticket,
    thread: Vec<Message>,
    history: Vec<TicketEvent>,
    customer: Customer,
    order: Option<(Order, Vec<OrderItem>)>,
    other_tickets: Vec<InboxRow>,
    returns: Vec<RmaRow>,
    /// Where this ticket's conversation went, when it was merged.
    merged_into: Option<i64>,
    /// Fresh per rendering: the same form sent twice is one reply.
    idempotency_key: String,
    statuses: &'static [Status],
    priorities: &'static [Priority],
    types: &'static [TicketType],
    /// Active people who can take the ticket.
    agents: Vec<User>,
    teams: Vec<Team>,
    reply_text: String,
    note_text: String,
    errors: FormErrors,
}

impl TicketPage<'_> {
    fn is_assignee(&self, user: &User) -> bool {
        self.ticket.assignee_id == Some(user.id)
    }

    fn is_team(&self, team: &Team) -> bool {
        self.ticket.team_id == Some(team.id)
    }

    fn money(&self, minor: &i64, currency: &str) -> String {
        money::format(*minor, currency)
    }
}

async fn load<'a>(
    tx: &mut TenantTx,
    user: &'a CurrentUser,
    number: i64,
) -> AppResult<TicketPage<'a>> {
    let ticket = tickets::get_by_number(tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let thread = messages::for_ticket(tx, ticket.id).await?;
    let history = ticket_events::for_ticket(tx, ticket.id).await?;
    let customer = customers::get(tx, ticket.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = match ticket.order_id {
        Some(id) => match orders::get(tx, id).await? {
            Some(order) => Some((order, orders::items(tx, id).await?)),
            None => None,
        },
        None => None,
    };
    let other_tickets = tickets::for_customer(tx, customer.id)
        .await?
        .into_iter()
        .filter(|t| t.id != ticket.id)
        .collect();
    let returns = rmas::for_customer(tx, customer.id).await?;
    let merged_into = tickets::merged_into_number(tx, ticket.id).await?;
    Ok(TicketPage {
        merged_into,
        shell: Shell::new(user, "inbox"),
        ticket,
        thread,
        history,
        customer,
        order,
        other_tickets,
        returns,
        idempotency_key: tokens::random_token(),
        statuses: Status::ALL,
        priorities: Priority::ALL,
        types: TicketType::ALL,
        agents: users::list(tx)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .collect(),
        teams: teams::list(tx).await?,
        reply_text: String::new(),
        note_text: String::new(),
        errors: FormErrors::default(),
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let page = load(&mut tx, &user, number).await?;
    tx.commit().await?;
    Ok(render(&page)?.into_response())
}

/// A message body: trimmed, present, and not longer than channels accept.
fn check_body(
    user: &CurrentUser,
    field: &'static str,
    body: &str,
    errors: &mut FormErrors,
) -> Option<String> {
    let body = body.trim();
    let t = user.t();
    if body.is_empty() {
        errors.add(field, t.err_body_required);
        None
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.add(field, t.err_body_too_long);
        None
    } else {
        Some(body.to_owned())
    }
}

/// Re-renders the ticket with the form's text and problems (status 422; nothing was written).
async fn invalid(
    state: &AppState,
    user: &CurrentUser,
    number: i64,
    reply: String,
    note: String,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    let mut page = load(&mut tx, user, number).await?;
    page.reply_text = reply;
    page.note_text = note;
    page.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn back_to(number: i64) -> Response {
    Redirect::to(&format!("/tickets/{number}")).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReplyForm {
    body: String,
    idempotency_key: String,
    /// The status to leave the ticket in; empty keeps it.
    status: String,
}

async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let body = check_body(&user, "reply", &form.body, &mut errors);
    let status = match form.status.as_str() {
        "" => None,
        code => {
            Some(Status::parse(code).ok_or_else(|| AppError::BadRequest(user.t().err_400.into()))?)
        }
    };
    if form.idempotency_key.len() < 16 || form.idempotency_key.len() > 100 {
        return Err(AppError::BadRequest(user.t().err_400.into()));
    }
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(body) = body else {
        drop(tx);
        return invalid(&state, &user, number, form.body, String::new(), errors).await;
    };
    let reply = outbox::Reply {
        ticket_id: ticket.id,
        author: user.id(),
        body_text: &body,
        language: ticket.language.as_deref(),
        channel: &ticket.channel,
        idempotency_key: &form.idempotency_key,
    };
    if outbox::enqueue_reply(&mut tx, reply).await?.is_some() {
        ticket_events::record(&mut tx, ticket.id, Some(user.id()), "reply", None, None).await?;
        if let Some(status) = status.filter(|s| s.as_str() != ticket.status) {
            tickets::set_properties(
                &mut tx,
                ticket.id,
                status.as_str(),
                &ticket.priority,
                ticket.kind.as_deref(),
            )
            .await?;
            ticket_events::record(
                &mut tx,
                ticket.id,
                Some(user.id()),
                "status",
                Some(&ticket.status),
                Some(status.as_str()),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(back_to(number))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoteForm {
    body: String,
}

async fn note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let body = check_body(&user, "note", &form.body, &mut errors);
    let mut tx = user.tx(&state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(body) = body else {
        drop(tx);
        return invalid(&state, &user, number, String::new(), form.body, errors).await;
    };
    let note = messages::NewMessage {
        ticket_id: ticket.id,
        kind: "note",
        author: Some(user.id()),
        body_text: &body,
        language: None,
        channel: &ticket.channel,
        external_id: None,
        delivery_state: None,
        at: chrono::Utc::now(),
    };
    messages::create(&mut tx, note).await?;
    ticket_events::record(&mut tx, ticket.id, Some(user.id()), "note", None, None).await?;
    tx.commit().await?;
    Ok(back_to(number))
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
