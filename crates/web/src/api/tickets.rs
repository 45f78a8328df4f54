//! `/api/v1/tickets`: list, read, create (a buyer's first message, stored through the same
//! functions as the app's, so rules and SLA fire as for any ticket), change, and the thread
//! (read, reply through the outbox, internal notes).

use aftersail_db::customers::{self, Identity};
use aftersail_db::messages::{self, Message, NewMessage};
use aftersail_db::tickets::{self, NewTicket, PageFilter, Ticket};
use aftersail_db::{channels, outbox, ticket_events, triage, users, TenantTx};
use aftersail_domain::classify::{self, Escalation, Intent, Sentiment};
use aftersail_domain::priority::{self, Signals, Thresholds};
use aftersail_domain::tags::{self, TagError};
use aftersail_domain::ticket::{Priority, Status, TicketType};
use aftersail_domain::validation::{clean_name, normalize_email};
use aftersail_domain::{ChannelId, MessageId, TicketId, UserId};
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use super::auth::{ApiToken, Scope};
use super::errors::{check_text, invalid, ApiError, ApiJson, ApiQuery, ApiResult};
use super::{Page, PageQuery};
use crate::state::AppState;

/// Customers created by the API start with this currency (as ingest does).
const DEFAULT_CURRENCY: &str = "EUR";
const MAX_SUBJECT_CHARS: usize = 500;
const MAX_TEXT_CHARS: usize = 50_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list).post(create))
        .route("/tickets/{number}", get(show).patch(update))
        .route("/tickets/{number}/messages", get(thread).post(reply))
}

pub fn ticket_json(t: &Ticket) -> Value {
    json!({
        "id": t.id.0,
        "number": t.number,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "type": t.kind,
        "channel": t.channel,
        "language": t.language,
        "tags": t.tags,
        "intent": t.intent,
        "sentiment": t.sentiment,
        "customer_id": t.customer_id.0,
        "order_id": t.order_id.map(|o| o.0),
        "assignee_id": t.assignee_id.map(|u| u.0),
        "team_id": t.team_id.map(|u| u.0),
        "first_response_due_at": t.first_response_due_at,
        "resolution_due_at": t.resolution_due_at,
        "created_at": t.created_at,
        "last_message_at": t.last_message_at,
    })
}

fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id.0,
        "kind": m.kind,
        "author_name": m.author_name,
        "body_text": m.body_text,
        "language": m.language,
        "delivery_state": m.delivery_state,
        "automated": m.automated,
        "created_at": m.created_at,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    channel: Option<String>,
    updated_since: Option<String>,
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest(message.to_owned())
}

async fn list(mut api: ApiToken, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Json<Page>> {
    api.require(Scope::TicketsRead)?;
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let after: Option<TicketId> = page.after()?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| bad("status: unknown status"))?),
    };
    let priority = match q.priority.as_deref() {
        None => None,
        Some(p) => Some(Priority::parse(p).ok_or_else(|| bad("priority: unknown priority"))?),
    };
    if let Some(c) = &q.channel {
        if c.contains('\0') || c.chars().count() > 50 {
            return Err(bad("channel: not a channel"));
        }
    }
    let updated_since = match q.updated_since.as_deref() {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| bad("updated_since: not an RFC 3339 time"))?
                .with_timezone(&Utc),
        ),
    };
    let filter = PageFilter {
        status: status.map(|s| s.as_str().to_owned()),
        priority: priority.map(|p| p.as_str().to_owned()),
        channel: q.channel,
        updated_since,
    };
    let rows = tickets::page(&mut api.tx, &filter, after, limit).await?;
    api.tx.commit().await?;
    let last = rows.last().map(|t| t.id.to_string());
    Ok(Json(Page::new(
        rows.iter().map(ticket_json).collect(),
        limit,
        last,
    )))
}

/// The ticket a path names: numbers only; anything else, or another shop's, is not found.
async fn find(tx: &mut TenantTx, number: &str) -> ApiResult<Ticket> {
    let number: i64 = number.parse().map_err(|_| ApiError::NotFound)?;
    tickets::get_by_number(tx, number)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn show(mut api: ApiToken, Path(number): Path<String>) -> ApiResult<Json<Value>> {
    api.require(Scope::TicketsRead)?;
    let ticket = find(&mut api.tx, &number).await?;
    api.tx.commit().await?;
    Ok(Json(ticket_json(&ticket)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCustomer {
    email: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTicketBody {
    /// "api" (the default), a channel kind of the shop ("email") or a channel id.
    #[serde(default)]
    channel: Option<String>,
    customer: NewCustomer,
    subject: String,
    message: String,
    /// Retrying with the same key creates nothing twice (200 with the first ticket).
    #[serde(default)]
    idempotency_key: Option<String>,
}

/// Where a ticket created with `channel` lives: its channel name and the channel replies go
/// out through (for "api": the shop's first active mailbox, as portal conversations).
async fn resolve_channel(
    tx: &mut TenantTx,
    wanted: &str,
) -> ApiResult<(String, Option<ChannelId>)> {
    let all = channels::list(tx).await?;
    let active = |c: &&channels::Channel| c.status == "active";
    if wanted == "api" {
        let mailbox = all.iter().filter(active).find(|c| c.kind == "email");
        return Ok(("api".to_owned(), mailbox.map(|c| c.id)));
    }
    let found = match wanted.parse::<ChannelId>() {
        Ok(id) => all.iter().find(|c| c.id == id),
        Err(_) => all.iter().filter(active).find(|c| c.kind == wanted),
    };
    found
        .map(|c| (c.kind.clone(), Some(c.id)))
        .ok_or_else(|| invalid("channel", "not a channel of this shop (or \"api\")"))
}

async fn create(mut api: ApiToken, ApiJson(body): ApiJson<NewTicketBody>) -> ApiResult<Response> {
    api.require(Scope::TicketsWrite)?;
    let mut problems = Vec::new();
    let email = normalize_email(&body.customer.email);
    if email.is_none() {
        problems.push((
            "customer.email".to_owned(),
            "not an email address".to_owned(),
        ));
    }
    let name = match body.customer.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            let name = clean_name(raw);
            if name.is_none() {
                problems.push((
                    "customer.name".to_owned(),
                    "1–100 characters, no control characters".to_owned(),
                ));
            }
            name
        }
    };
    let subject = body.subject.trim();
    if let Err(ApiError::Unprocessable(mut p)) = check_text("subject", subject, MAX_SUBJECT_CHARS) {
        problems.append(&mut p);
    } else if subject.is_empty() {
        problems.push(("subject".to_owned(), "must not be empty".to_owned()));
    }
    let text = body.message.trim();
    if let Err(ApiError::Unprocessable(mut p)) = check_text("message", text, MAX_TEXT_CHARS) {
        problems.append(&mut p);
    } else if text.is_empty() {
        problems.push(("message".to_owned(), "must not be empty".to_owned()));
    }
    let wanted = body.channel.as_deref().unwrap_or("api");
    if wanted.contains('\0') || wanted.len() > 100 {
        problems.push(("channel".to_owned(), "not a channel".to_owned()));
    }
    if let Some(key) = &body.idempotency_key {
        if !(16..=100).contains(&key.len()) || key.contains('\0') {
            problems.push(("idempotency_key".to_owned(), "16–100 characters".to_owned()));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let email = email.unwrap_or_default();
    let (channel, channel_id) = resolve_channel(&mut api.tx, wanted).await?;
    let tx = &mut api.tx;
    // The key is the first message's external id: a retry finds the ticket it made.
    let external = body.idempotency_key.map(|k| format!("api:{k}"));
    if let Some(external) = &external {
        if let Some((id, _)) =
            messages::ticket_of_external(tx, &channel, std::slice::from_ref(external)).await?
        {
            let number = tickets::number_of(tx, id)
                .await?
                .ok_or(ApiError::NotFound)?;
            let ticket = find(tx, &number.to_string()).await?;
            api.tx.commit().await?;
            return Ok(created(StatusCode::OK, &ticket));
        }
    }
    let customer = customers::find_or_create_by_identity(
        tx,
        Identity {
            channel: "email",
            address: &email,
            name: name.as_deref().unwrap_or(""),
            email: Some(&email),
            country: None,
            currency: DEFAULT_CURRENCY,
        },
    )
    .await?;
    let c = classify::classify(&format!("{subject}\n{text}"), None);
    let language = c.lang.as_deref();
    let now = Utc::now();
    let (ticket, number) = tickets::create(
        tx,
        NewTicket {
            channel: &channel,
            customer_id: customer,
            order_id: None,
            subject,
            status: "new",
            priority: "normal",
            kind: None,
            language,
            at: now,
        },
    )
    .await?;
    let message = messages::create(
        tx,
        NewMessage {
            ticket_id: ticket,
            kind: "inbound",
            author: None,
            body_text: text,
            language,
            channel: &channel,
            external_id: external.as_deref(),
            delivery_state: None,
            at: now,
        },
    )
    .await
    .map_err(|err| match err.as_database_error() {
        // The same key in a concurrent request: that one made the ticket.
        Some(db) if db.is_unique_violation() => {
            ApiError::Conflict("a ticket with this idempotency_key is being created")
        }
        _ => err.into(),
    })?;
    if let Some(channel_id) = channel_id {
        tickets::record_inbound(tx, ticket, channel_id, &email, None).await?;
    }
    triage_message(tx, ticket, message, &c).await?;
    let ticket_row = tickets::get_by_number(tx, number)
        .await?
        .ok_or(ApiError::NotFound)?;
    api.tx.commit().await?;
    Ok(created(StatusCode::CREATED, &ticket_row))
}

/// The answer to a create: the ticket, and its address in `Location`.
fn created(status: StatusCode, ticket: &Ticket) -> Response {
    let location = format!("/api/v1/tickets/{}", ticket.number);
    (
        status,
        [(header::LOCATION, location)],
        Json(ticket_json(ticket)),
    )
        .into_response()
}

/// What ingest does with a buyer's message: its reading stored on it and folded into the
/// ticket, and the ticket's priority raised when the signals call for it.
async fn triage_message(
    tx: &mut TenantTx,
    ticket: TicketId,
    message: MessageId,
    c: &classify::Classification,
) -> ApiResult<()> {
    let escalations: Vec<&str> = c.escalations.iter().map(|e| e.as_str()).collect();
    triage::record_message(
        tx,
        message,
        messages::Classified {
            intent: c.intent.as_str(),
            confidence: c.confidence,
            sentiment: c.sentiment.db(),
            escalations: &escalations,
        },
    )
    .await?;
    let Some(folded) = triage::fold(
        tx,
        ticket,
        c.lang.as_deref(),
        c.intent.as_str(),
        c.sentiment.db(),
        &escalations,
    )
    .await?
    else {
        return Ok(());
    };
    let intent = folded.intent.as_deref().and_then(Intent::parse);
    let all: Vec<Escalation> = folded
        .escalations
        .iter()
        .filter_map(|e| Escalation::parse(e))
        .collect();
    let is = priority::is_complaint(intent, &all);
    let complaints = if is {
        triage::count_complaint(tx, folded.customer_id).await?
    } else {
        folded.complaint_count
    };
    let assessment = priority::assess(
        &Signals {
            intent,
            sentiment: folded.sentiment.as_deref().and_then(Sentiment::parse),
            escalations: &all,
            lifetime_value_minor: folded.lifetime_value_minor,
            earlier_complaints: complaints - i32::from(is),
            abusive: folded.abusive,
        },
        &Thresholds::default(),
    );
    let current = Priority::parse(&folded.priority).unwrap_or(Priority::Normal);
    let raise = priority::higher(assessment.priority, current)
        .then(|| (current.as_str(), assessment.priority.as_str()));
    let reasons = serde_json::to_value(&assessment.reasons).unwrap_or_default();
    if raise.is_some() || reasons != folded.priority_reasons {
        triage::set_priority(tx, ticket, raise, &reasons).await?;
    }
    Ok(())
}

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PatchBody {
    status: Option<String>,
    priority: Option<String>,
    #[serde(rename = "type", deserialize_with = "nullable")]
    kind: Option<Option<String>>,
    tags: Option<Vec<String>>,
    /// A user id or email address; `null` unassigns.
    #[serde(deserialize_with = "nullable")]
    assignee: Option<Option<String>>,
}

async fn update(
    mut api: ApiToken,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Value>> {
    api.require(Scope::TicketsWrite)?;
    let mut problems = Vec::new();
    let mut field_error = |field: &str, message: &str| {
        problems.push((field.to_owned(), message.to_owned()));
    };
    let status = body.status.as_deref().map(Status::parse);
    if status == Some(None) {
        field_error("status", "unknown status");
    }
    let new_priority = body.priority.as_deref().map(Priority::parse);
    if new_priority == Some(None) {
        field_error("priority", "unknown priority");
    }
    let kind = match &body.kind {
        None => None,
        Some(None) => Some(None),
        Some(Some(code)) => match TicketType::parse(code) {
            Some(t) => Some(Some(t)),
            None => {
                field_error("type", "unknown type");
                None
            }
        },
    };
    let new_tags = match &body.tags {
        None => None,
        Some(list) if list.iter().any(|t| t.contains([',', '，', '、'])) => {
            field_error(
                "tags",
                "a tag has characters other than letters, digits, - and _",
            );
            None
        }
        Some(list) => match tags::parse_list(&list.join(",")) {
            Ok(parsed) => Some(parsed),
            Err(TagError::TooMany) => {
                field_error("tags", &format!("at most {} tags", tags::MAX_TAGS));
                None
            }
            Err(_) => {
                field_error(
                    "tags",
                    "tags are letters, digits, - and _, at most 40 characters",
                );
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let tx = &mut api.tx;
    let ticket = find(tx, &number).await?;
    let assignee = match &body.assignee {
        None => None,
        Some(None) => Some(None),
        Some(Some(who)) => Some(Some(assignee(tx, who).await?)),
    };
    let actor = Some(api.user);
    let status = status
        .flatten()
        .map(Status::as_str)
        .unwrap_or(&ticket.status);
    let priority_now = new_priority
        .flatten()
        .map(Priority::as_str)
        .unwrap_or(&ticket.priority);
    let kind_now = match kind {
        Some(k) => k.map(TicketType::as_str),
        None => ticket.kind.as_deref(),
    };
    let changed = (status, priority_now, kind_now)
        != (
            ticket.status.as_str(),
            ticket.priority.as_str(),
            ticket.kind.as_deref(),
        );
    if changed {
        tickets::set_properties(tx, ticket.id, status, priority_now, kind_now).await?;
    }
    let changes = [
        ("status", Some(ticket.status.as_str()), Some(status)),
        (
            "priority",
            Some(ticket.priority.as_str()),
            Some(priority_now),
        ),
        ("type", ticket.kind.as_deref(), kind_now),
    ];
    for (field, from, to) in changes {
        if from != to {
            ticket_events::record(tx, ticket.id, actor, field, from, to).await?;
        }
    }
    if let Some(new) = assignee {
        let new_id = new.as_ref().map(|(id, _)| *id);
        if new_id != ticket.assignee_id {
            let old_name = match ticket.assignee_id {
                Some(id) => users::get(tx, id).await?.map(|u| u.name),
                None => None,
            };
            tickets::assign(tx, ticket.id, new_id, ticket.team_id).await?;
            let new_name = new.as_ref().map(|(_, name)| name.as_str());
            ticket_events::record(
                tx,
                ticket.id,
                actor,
                "assignee",
                old_name.as_deref(),
                new_name,
            )
            .await?;
        }
    }
    if let Some(new) = new_tags {
        tickets::set_tags(tx, ticket.id, &new).await?;
        for tag in new.iter().filter(|t| !ticket.tags.contains(t)) {
            ticket_events::record(tx, ticket.id, actor, "tag_added", None, Some(tag)).await?;
        }
        for tag in ticket.tags.iter().filter(|t| !new.contains(t)) {
            ticket_events::record(tx, ticket.id, actor, "tag_removed", None, Some(tag)).await?;
        }
    }
    let updated = tickets::get_by_number(tx, ticket.number)
        .await?
        .ok_or(ApiError::NotFound)?;
    api.tx.commit().await?;
    Ok(Json(ticket_json(&updated)))
}

/// An active person of the shop by id or email; anyone else is an invalid field.
async fn assignee(tx: &mut TenantTx, who: &str) -> ApiResult<(UserId, String)> {
    let wanted = who.trim().to_lowercase();
    let id = wanted.parse::<UserId>().ok();
    users::list(tx)
        .await?
        .into_iter()
        .find(|u| u.active && (Some(u.id) == id || u.email.to_lowercase() == wanted))
        .map(|u| (u.id, u.name))
        .ok_or_else(|| invalid("assignee", "not an active person of this shop"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ThreadQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// A message cursor: `<created_at RFC 3339>|<id>`.
struct MessageKey(DateTime<Utc>, MessageId);

impl std::str::FromStr for MessageKey {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (at, id) = s.split_once('|').ok_or(())?;
        let at = DateTime::parse_from_rfc3339(at).map_err(|_| ())?;
        Ok(MessageKey(
            at.with_timezone(&Utc),
            id.parse().map_err(|_| ())?,
        ))
    }
}

async fn thread(
    mut api: ApiToken,
    Path(number): Path<String>,
    ApiQuery(q): ApiQuery<ThreadQuery>,
) -> ApiResult<Json<Page>> {
    api.require(Scope::TicketsRead)?;
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let after: Option<MessageKey> = page.after()?;
    let ticket = find(&mut api.tx, &number).await?;
    let rows = messages::page(
        &mut api.tx,
        ticket.id,
        after.map(|MessageKey(at, id)| (at, id)),
        limit,
    )
    .await?;
    api.tx.commit().await?;
    let last = rows
        .last()
        .map(|m| format!("{}|{}", m.created_at.to_rfc3339(), m.id));
    Ok(Json(Page::new(
        rows.iter().map(message_json).collect(),
        limit,
        last,
    )))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyBody {
    body: String,
    /// An internal note instead of a reply to the buyer.
    #[serde(default)]
    internal: bool,
    /// Retrying with the same key sends nothing twice (409); 16–100 characters.
    #[serde(default)]
    idempotency_key: Option<String>,
}

async fn reply(
    mut api: ApiToken,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> ApiResult<Response> {
    api.require(Scope::TicketsWrite)?;
    let text = body.body.trim();
    check_text("body", text, MAX_TEXT_CHARS)?;
    if text.is_empty() {
        return Err(invalid("body", "must not be empty"));
    }
    let key = match body.idempotency_key {
        Some(key) => {
            if !(16..=100).contains(&key.len()) || key.contains('\0') {
                return Err(invalid("idempotency_key", "16–100 characters"));
            }
            key
        }
        None => format!("api-{}", uuid::Uuid::now_v7()),
    };
    let tx = &mut api.tx;
    let ticket = find(tx, &number).await?;
    let user = Some(api.user);
    let id = if body.internal {
        let note = NewMessage {
            ticket_id: ticket.id,
            kind: "note",
            author: user,
            body_text: text,
            language: None,
            channel: &ticket.channel,
            external_id: None,
            delivery_state: None,
            at: Utc::now(),
        };
        let id = messages::create(tx, note).await?;
        ticket_events::record(tx, ticket.id, user, "note", None, None).await?;
        id
    } else {
        let reply = outbox::Reply {
            ticket_id: ticket.id,
            author: api.user,
            body_text: text,
            language: ticket.language.as_deref(),
            channel: &ticket.channel,
            idempotency_key: &key,
            translate_to: None,
        };
        let Some(id) = outbox::enqueue_reply(tx, reply).await? else {
            return Err(ApiError::Conflict(
                "a reply with this idempotency_key was sent already",
            ));
        };
        ticket_events::record(tx, ticket.id, user, "reply", None, None).await?;
        id
    };
    let message = messages::one(tx, ticket.id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    api.tx.commit().await?;
    Ok((StatusCode::CREATED, Json(message_json(&message))).into_response())
}
