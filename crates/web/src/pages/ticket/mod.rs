//! One ticket: its thread, the customer/order panel, its history, and the agent's moves.
//!
//! - [`compose`]: reply and internal note, with attachments.
//! - [`changes`]: status/priority/type/assignee/team, tags, merge, mark unread.
//! - [`delivery`]: "Send again" for replies that were not delivered.
//! - [`files`]: attachment downloads.
//! - [`marketplace`]: messages through a marketplace's own messaging (Amazon).
//! - [`presence`]: who else is viewing or typing (the collision notice).
//! - [`translation`]: a buyer's message translated into the agent's language.

mod changes;
mod compose;
mod delivery;
mod files;
mod marketplace;
mod original;
mod presence;
mod translation;
mod triage;

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
use aftersail_domain::priority::{Reason, ReasonCode};
use aftersail_domain::rules::Action;
use aftersail_domain::templates::{self, TicketValues};
use aftersail_domain::ticket::{Priority, Status, TicketType};
use aftersail_domain::{attachment, money, MessageId, ReplyTemplateId};
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
        .merge(triage::router())
        .merge(translation::router())
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
    /// The shop's reply templates, filled in for this ticket in its language.
    templates: Vec<TemplateChoice>,
    /// The template the reply was started from (its tags go with the reply).
    reply_template: String,
    /// The status the reply form leaves the ticket in ("" keeps it).
    reply_status: String,
    /// Other agents on this ticket now.
    present: Vec<Present>,
    /// The SLA policy whose clocks run on the ticket.
    sla_policy: Option<String>,
    sla_events: Vec<aftersail_db::sla::SlaEvent>,
    /// What rules did with the ticket, newest first (the last 20).
    rule_runs: Vec<aftersail_db::rule_runs::Run>,
    /// The buyer's CSAT answers (one survey per solve), newest first.
    csat: Vec<aftersail_db::csat::Survey>,
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
    /// The shop has a translation provider.
    translation_on: bool,
    /// The language the agent reads (buyer messages are translated into it).
    reader_language: &'static str,
}

/// Whether two language tags name the same language ("zh-CN" and "zh" do).
pub(crate) fn same_language(a: &str, b: &str) -> bool {
    use aftersail_domain::languages::primary_subtag;
    primary_subtag(a) == primary_subtag(b)
}

/// A reply template as the ticket page offers it.
pub(crate) struct TemplateChoice {
    pub id: ReplyTemplateId,
    pub name: String,
    pub category: String,
    /// Filled in for the ticket, in its language when the template has that language.
    pub text: String,
    /// The status the template sets with the reply, if any.
    pub status: Option<String>,
    /// Tags the template adds with the reply.
    pub tags: Vec<String>,
}

/// The status and tags a template's actions apply with the reply.
pub(crate) fn template_effects(actions: &[Action]) -> (Option<String>, Vec<String>) {
    let mut status = None;
    let mut tags = Vec::new();
    for a in actions {
        match a {
            Action::SetStatus { status: s } => status = Some(s.clone()),
            Action::AddTags { tags: t } => tags.extend(t.iter().cloned()),
            _ => {}
        }
    }
    (status, tags)
}

/// What a reply template's variables stand for on this ticket, with `user` as the agent.
pub(crate) fn template_values(
    state: &AppState,
    user: &CurrentUser,
    ticket: &Ticket,
    customer: &Customer,
    order: Option<&Order>,
    rma: Option<&str>,
) -> TicketValues {
    TicketValues {
        customer_name: Some(customer.name.clone()),
        customer_email: customer.email.clone(),
        ticket_number: Some(ticket.number),
        ticket_subject: Some(ticket.subject.clone()),
        order_number: order.map(|o| o.external_id.clone()),
        order_carrier: order.and_then(|o| o.carrier.clone()),
        order_tracking: order.and_then(|o| o.tracking_number.clone()),
        rma_code: rma.map(str::to_owned),
        portal_return_url: state.config.public_url.as_ref().map(|base| {
            format!(
                "{}/p/{}/returns",
                base.trim_end_matches('/'),
                user.shop_slug()
            )
        }),
        help_center_url: state.config.public_url.as_ref().map(|base| {
            aftersail_domain::kb::help_center_url(
                base,
                user.shop_slug(),
                ticket.language.as_deref(),
            )
        }),
        agent_name: Some(user.name().to_owned()),
        shop_name: Some(user.shop_name().to_owned()),
    }
}

/// The RMA a template's `rma.code` means: the ticket's own, else the customer's latest.
pub(crate) fn rma_of(ticket: &Ticket, returns: &[RmaRow]) -> Option<String> {
    returns
        .iter()
        .find(|r| r.ticket_number == Some(ticket.number))
        .or_else(|| returns.first())
        .map(|r| r.code.clone())
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

    fn sla(&self, due: &DateTime<Utc>) -> (&'static str, String) {
        super::inbox::sla_badge(self.shell.t, *due, self.ticket.sla_warn_minutes, self.now)
    }

    /// Whether the ticket's clocks stand still: pending on the customer, with a policy.
    fn sla_paused(&self) -> bool {
        self.ticket.status == "pending" && self.ticket.sla_policy_id.is_some()
    }

    /// The targets with a deadline: (what, due, badge class, state in words). Clocks run only
    /// while the ticket is open; otherwise the state is left out.
    fn sla_targets(&self) -> Vec<(&'static str, DateTime<Utc>, &'static str, String)> {
        let t = self.shell.t;
        let running = matches!(self.ticket.status.as_str(), "new" | "open" | "on_hold");
        let first = self
            .ticket
            .first_response_due_at
            .filter(|_| self.ticket.first_response_at.is_none());
        [
            (t.sla_first_reply, first),
            (t.sla_next_reply, self.ticket.next_reply_due_at),
            (t.sla_resolution, self.ticket.resolution_due_at),
        ]
        .into_iter()
        .filter_map(|(what, due)| {
            let due = due?;
            let (class, text) = if running {
                self.sla(&due)
            } else {
                ("badge-muted", String::new())
            };
            Some((what, due, class, text))
        })
        .collect()
    }

    fn sla_kind(&self, kind: &str) -> &'static str {
        if kind == "breach" {
            self.shell.t.sla_event_breach
        } else {
            self.shell.t.sla_event_warning
        }
    }

    fn target_name(&self, target: &str) -> &'static str {
        let t = self.shell.t;
        match target {
            "first_reply" => t.sla_first_reply,
            "next_reply" => t.sla_next_reply,
            _ => t.sla_resolution,
        }
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

    /// Why the ticket has its priority, in the agent's words.
    fn priority_reasons(&self) -> Vec<String> {
        let t = self.shell.t;
        let reasons: Vec<Reason> = match &self.ticket.priority_reasons {
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect(),
            _ => Vec::new(),
        };
        reasons
            .iter()
            .map(|r| match r.code {
                ReasonCode::Escalation => t
                    .code(r.detail.as_deref().unwrap_or("escalation"))
                    .to_owned(),
                ReasonCode::Complaint => t.reason_complaint.to_owned(),
                ReasonCode::AngryProblem => match r.detail.as_deref() {
                    Some(intent) => format!("{} ({})", t.reason_angry_problem, t.code(intent)),
                    None => t.reason_angry_problem.to_owned(),
                },
                ReasonCode::NegativeSentiment => t.reason_negative_sentiment.to_owned(),
                ReasonCode::VipCustomer => format!(
                    "{} {}",
                    t.reason_vip_customer,
                    money::format(self.customer.lifetime_value_minor, &self.customer.currency)
                ),
                ReasonCode::RepeatComplaints => format!(
                    "{} ({})",
                    t.reason_repeat_complaints,
                    r.detail.as_deref().unwrap_or("")
                ),
                ReasonCode::Abusive => t.reason_abusive.to_owned(),
            })
            .collect()
    }

    /// Whether a buyer message in another language can be translated for the agent here.
    fn can_translate(&self, m: &Message) -> bool {
        self.translation_on
            && m.kind == "inbound"
            && m.translation.is_none()
            && m.language
                .as_deref()
                .is_some_and(|l| !same_language(l, self.reader_language))
    }

    /// Whether the reply box offers translating the reply into the buyer's language.
    fn offers_reply_translation(&self) -> bool {
        self.translation_on
            && self
                .ticket
                .language
                .as_deref()
                .is_some_and(|l| !same_language(l, self.reader_language))
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
    state: &AppState,
    user: &'a CurrentUser,
    number: i64,
) -> AppResult<TicketPage<'a>> {
    let ticket = tickets::get_by_number(tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let thread = messages::for_ticket(tx, ticket.id, user.locale().language()).await?;
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
    let values = template_values(
        state,
        user,
        &ticket,
        &customer,
        order.as_ref().map(|(o, _)| o),
        rma_of(&ticket, &returns).as_deref(),
    );
    let sla_policy = match ticket.sla_policy_id {
        Some(id) => aftersail_db::sla_policies::get(tx, id)
            .await?
            .map(|p| p.name),
        None => None,
    };
    let sla_events = aftersail_db::sla::events_for_ticket(tx, ticket.id).await?;
    let rule_runs = aftersail_db::rule_runs::list(
        tx,
        aftersail_db::rule_runs::RunFilter {
            ticket: Some(ticket.id),
            ..Default::default()
        },
        None,
        20,
    )
    .await?;
    let csat = aftersail_db::csat::of_ticket(tx, ticket.id).await?;
    let bodies = reply_templates::all_bodies(tx).await?;
    let templates = reply_templates::list(tx)
        .await?
        .into_iter()
        .map(|t| {
            let own: Vec<(String, String)> = bodies
                .iter()
                .filter(|(id, _, _)| *id == t.id)
                .map(|(_, lang, body)| (lang.clone(), body.clone()))
                .collect();
            let body = templates::pick_body(&own, ticket.language.as_deref(), &t.body);
            let (status, tags) = template_effects(&t.actions.0);
            TemplateChoice {
                id: t.id,
                name: t.name,
                category: t.category,
                text: templates::render(body, |name| values.get(name)).text,
                status,
                tags,
            }
        })
        .collect();
    Ok(TicketPage {
        attachments,
        templates,
        reply_template: String::new(),
        reply_status: "pending".into(),
        present,
        sla_policy,
        sla_events,
        rule_runs,
        csat,
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
        translation_on: aftersail_db::translation::sealed_config(tx)
            .await?
            .is_some(),
        reader_language: user.locale().language(),
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
    let mut page = load(&mut tx, &state, &user, number).await?;
    if !q.template.is_empty() {
        let id: ReplyTemplateId = q
            .template
            .parse()
            .map_err(|_| AppError::BadRequest(user.t().err_400.into()))?;
        let chosen = page
            .templates
            .iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound)?;
        page.reply_text = chosen.text.clone();
        page.reply_template = id.0.to_string();
        if let Some(status) = &chosen.status {
            page.reply_status = status.clone();
        }
    }
    tickets::mark_read(&mut tx, page.ticket.id, user.id()).await?;
    aftersail_db::presence::heartbeat(&mut tx, page.ticket.id, number, user.id(), false).await?;
    tx.commit().await?;
    Ok(render(&page)?.into_response())
}

fn back_to(number: i64) -> Response {
    Redirect::to(&format!("/tickets/{number}")).into_response()
}
