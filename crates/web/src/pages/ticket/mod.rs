//! One ticket: its thread, the customer/order panel, its history, and the agent's moves.
//!
//! - [`compose`]: reply and internal note, with attachments.
//! - [`changes`]: status/priority/type/assignee/team, tags, merge, mark unread.
//! - [`delivery`]: "Send again" for replies that were not delivered.
//! - [`files`]: attachment downloads.
//! - [`marketplace`]: messages through a marketplace's own messaging (Amazon).
//! - [`presence`]: who else is viewing or typing (the collision notice).

mod changes;
mod compose;
mod delivery;
mod files;
mod marketplace;
mod original;
mod presence;

use aftersail_db::attachments::AttachmentMeta;
use aftersail_db::customers::Customer;
use aftersail_db::messages::Message;
use aftersail_db::orders::{Order, OrderItem};
use aftersail_db::presence::Present;
use aftersail_db::rmas::RmaRow;
use aftersail_db::teams::Team;
use aftersail_db::ticket_events::TicketEvent;
use aftersail_db::tickets::{InboxRow, Ticket};
use aftersail_db::users::User;
use aftersail_db::{attachments, reply_templates};
use aftersail_db::{
    customers, messages, orders, rmas, teams, ticket_events, tickets, users, TenantTx,
};
use aftersail_domain::ticket::{Priority, Status, TicketType};
use aftersail_domain::{attachment, money, placeholders, MessageId, ReplyTemplateId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{render, FormErrors, Shell};
use crate::auth::{tokens, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}", get(show))
        .merge(compose::router())
        .merge(delivery::router())
        .merge(changes::router())
        .merge(files::router())
        .merge(marketplace::router())
        .merge(original::router())
        .merge(presence::router())
}

#[derive(Template)]
#[template(path = "workplace/ticket.html")]
struct TicketPage<'a> {
    shell: Shell<'a>,
    ticket: Ticket,
    thread: Vec<Message>,
    /// Delivery attempts and the last error of each reply: (message, attempts, error).
    delivery: Vec<(MessageId, i32, Option<String>)>,
    history: Vec<TicketEvent>,
    customer: Customer,
    order: Option<(Order, Vec<OrderItem>)>,
    other_tickets: Vec<InboxRow>,
    returns: Vec<RmaRow>,
    /// Where this ticket's conversation went, when it was merged.
    merged_into: Option<i64>,
    /// Fresh per rendering: the same form sent twice is one reply.
    idempotency_key: String,
    attachments: Vec<AttachmentMeta>,
    /// The shop's reply templates, filled in for this ticket: (id, name, text).
    templates: Vec<(ReplyTemplateId, String, String)>,
    /// Other agents on this ticket now.
    present: Vec<Present>,
    now: DateTime<Utc>,
    statuses: &'static [Status],
    priorities: &'static [Priority],
    types: &'static [TicketType],
    /// Active people who can take the ticket.
    agents: Vec<User>,
    teams: Vec<Team>,
    reply_text: String,
    note_text: String,
    /// The tags box as typed, when it is shown again with a problem.
    tags_text: String,
    /// Which form ("reply" or "note") the attachments problem belongs to.
    attachments_error_on: &'static str,
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

    fn files_of(&self, message: &MessageId) -> Vec<&AttachmentMeta> {
        self.attachments
            .iter()
            .filter(|a| a.message_id == *message)
            .collect()
    }

    /// Attempts so far and the last error of a reply's delivery.
    fn delivery_of(&self, message: &MessageId) -> Option<(i32, Option<&str>)> {
        self.delivery
            .iter()
            .find(|(m, _, _)| m == message)
            .map(|(_, attempts, error)| (*attempts, error.as_deref()))
    }

    fn attempts(&self, attempts: &i32) -> String {
        self.shell.t.fill(self.shell.t.delivery_attempts, attempts)
    }

    fn size(&self, bytes: &i64) -> String {
        attachment::human_size(u64::try_from(*bytes).unwrap_or(0))
    }

    fn sla(&self, due: &DateTime<Utc>) -> (bool, String) {
        super::inbox::sla_label(self.shell.t, *due, self.now)
    }

    fn max_file(&self) -> usize {
        attachment::MAX_FILE_BYTES
    }

    fn max_total(&self) -> usize {
        attachment::MAX_TOTAL_BYTES
    }

    /// "Up to 10 files, 10.0 MB each, 25.0 MB together."
    fn attachments_hint(&self) -> String {
        let t = self.shell.t;
        let hint = t.fill(t.attachments_hint, attachment::MAX_FILES);
        let hint = t.fill(
            &hint,
            attachment::human_size(attachment::MAX_FILE_BYTES as u64),
        );
        t.fill(
            &hint,
            attachment::human_size(attachment::MAX_TOTAL_BYTES as u64),
        )
    }

    fn tags_value(&self) -> String {
        if self.errors.get("tags").is_some() {
            self.tags_text.clone()
        } else {
            self.ticket.tags.join(", ")
        }
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
    let delivery = aftersail_db::outbox::errors_of_ticket(tx, ticket.id).await?;
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
    let attachments = attachments::for_ticket(tx, ticket.id).await?;
    let present = aftersail_db::presence::others(tx, ticket.id, user.id()).await?;
    let fill_values = |name: &str| -> Option<String> {
        let order = order.as_ref().map(|(o, _)| o);
        match name {
            "customer.name" => Some(customer.name.clone()),
            "customer.first_name" => Some(placeholders::first_name(&customer.name).to_owned()),
            "ticket.number" => Some(ticket.number.to_string()),
            "order.number" => order.map(|o| o.external_id.clone()),
            "order.carrier" => order.and_then(|o| o.carrier.clone()),
            "order.tracking" => order.and_then(|o| o.tracking_number.clone()),
            "agent.name" => Some(user.name().to_owned()),
            _ => None,
        }
    };
    let templates = reply_templates::list(tx)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name, placeholders::fill(&t.body, fill_values)))
        .collect();
    Ok(TicketPage {
        attachments,
        templates,
        present,
        now: Utc::now(),
        tags_text: String::new(),
        attachments_error_on: "",
        merged_into,
        shell: Shell::new(user, "inbox"),
        ticket,
        thread,
        delivery,
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    /// A reply template to start the reply with (the no-JavaScript way to insert one).
    template: String,
}

/// Shows the ticket, marks it read for the agent and tells others they are here.
async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let mut tx = user.tx(&state).await?;
    let mut page = load(&mut tx, &user, number).await?;
    if !q.template.is_empty() {
        let id: ReplyTemplateId = q
            .template
            .parse()
            .map_err(|_| AppError::BadRequest(user.t().err_400.into()))?;
        let (_, _, text) = page
            .templates
            .iter()
            .find(|(t, _, _)| *t == id)
            .ok_or(AppError::NotFound)?;
        page.reply_text = text.clone();
    }
    tickets::mark_read(&mut tx, page.ticket.id, user.id()).await?;
    aftersail_db::presence::heartbeat(&mut tx, page.ticket.id, number, user.id(), false).await?;
    tx.commit().await?;
    Ok(render(&page)?.into_response())
}

fn back_to(number: i64) -> Response {
    Redirect::to(&format!("/tickets/{number}")).into_response()
}
