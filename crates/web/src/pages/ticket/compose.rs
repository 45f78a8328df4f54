//! Writing on a ticket: a reply to the buyer (queued in the outbox, delivered by the channel)
//! or an internal note for colleagues, each with optional attachments. Both forms are
//! multipart; the limits live in [`aftersail_domain::attachment`].

use aftersail_db::attachments::{self, NewAttachment};
use aftersail_db::tickets::Ticket;
use aftersail_db::{
    messages, outbox, reply_templates, ticket_events, tickets, translation, TenantTx,
};
use aftersail_domain::attachment::{self as limits, human_size};
use aftersail_domain::ticket::{Status, MAX_BODY_CHARS};
use aftersail_domain::{MessageId, ReplyTemplateId};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};

use super::{back_to, load};
use crate::auth::csrf::MAX_MULTIPART_BYTES;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, FormErrors};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}/reply", post(reply))
        .route("/tickets/{number}/note", post(note))
        .layer(DefaultBodyLimit::max(MAX_MULTIPART_BYTES))
}

struct Upload {
    filename: String,
    content_type: String,
    data: Vec<u8>,
}

/// What a reply or note form sent.
#[derive(Default)]
struct Composed {
    body: String,
    idempotency_key: String,
    /// The status to leave the ticket in (replies only); empty keeps it.
    status: String,
    /// The reply template the text started from (replies only); its tags go with the reply.
    template: String,
    /// "Translate into the buyer's language before sending" was ticked (replies only).
    translate: bool,
    files: Vec<Upload>,
    /// A file was over a limit: the answer is 413, not 422.
    too_large: bool,
}

impl Composed {
    /// Takes a text field by name; others (the CSRF token) are not ours.
    fn set_text(&mut self, name: &str, value: String) {
        match name {
            "body" => self.body = value,
            "idempotency_key" => self.idempotency_key = value,
            "status" => self.status = value,
            "template" => self.template = value,
            "translate" => self.translate = value == "1",
            _ => {}
        }
    }
}

/// Reads the form: multipart (the page's own, files allowed) or URL-encoded (scripts, text
/// only). Problems with files are collected in `errors` under "attachments" (every file is
/// read to the end, so all problems are reported at once); an unreadable form is a 400.
async fn read_form(
    user: &CurrentUser,
    request: Request,
    errors: &mut FormErrors,
) -> AppResult<Composed> {
    let t = user.t();
    let unreadable = || AppError::BadRequest(t.err_400.into());
    let mut composed = Composed::default();
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|_| unreadable())?;
        for (name, value) in fields {
            composed.set_text(&name, value);
        }
        return Ok(composed);
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|_| unreadable())?;
    let mut total = 0usize;
    let mut problems: Vec<String> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "attachments" {
            composed.set_text(&name, field.text().await.map_err(|_| unreadable())?);
            continue;
        }
        let raw_name = field.file_name().unwrap_or_default().to_owned();
        let content_type = limits::safe_content_type(field.content_type());
        let mut data = Vec::new();
        let mut size = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            size += chunk.len();
            if size <= limits::MAX_FILE_BYTES {
                data.extend_from_slice(&chunk);
            }
        }
        if raw_name.is_empty() && size == 0 {
            continue; // the file input was left empty
        }
        let filename = limits::safe_filename(&raw_name).unwrap_or_else(|| "attachment".into());
        total += size;
        if size > limits::MAX_FILE_BYTES {
            composed.too_large = true;
            problems.push(t.fill(
                &t.fill(t.err_file_too_large, &filename),
                human_size(limits::MAX_FILE_BYTES as u64),
            ));
            continue;
        }
        composed.files.push(Upload {
            filename,
            content_type,
            data,
        });
    }
    if composed.files.len() > limits::MAX_FILES {
        problems.push(t.fill(t.err_too_many_files, limits::MAX_FILES));
    }
    if total > limits::MAX_TOTAL_BYTES {
        composed.too_large = true;
        problems.push(t.fill(
            t.err_files_total,
            human_size(limits::MAX_TOTAL_BYTES as u64),
        ));
    }
    if !problems.is_empty() {
        errors.add("attachments", problems.join(" "));
    }
    Ok(composed)
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

/// Re-renders the ticket with the form's text and problems (422, or 413 for oversized files;
/// nothing was written).
async fn invalid(
    state: &AppState,
    user: &CurrentUser,
    number: i64,
    composed: &Composed,
    field: &'static str,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    let mut page = load(&mut tx, state, user, number).await?;
    match field {
        "reply" => {
            page.reply_text = composed.body.clone();
            page.reply_template = composed.template.clone();
            page.reply_status = composed.status.clone();
        }
        _ => page.note_text = composed.body.clone(),
    }
    page.attachments_error_on = field;
    page.errors = errors;
    let status = if composed.too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

async fn store_files(tx: &mut TenantTx, message: MessageId, files: &[Upload]) -> AppResult<()> {
    for file in files {
        let new = NewAttachment {
            filename: &file.filename,
            content_type: &file.content_type,
            data: &file.data,
            content_id: None,
            inline: false,
        };
        attachments::create(tx, message, &new).await?;
    }
    Ok(())
}

/// What both forms do first: read and check the form and find the ticket. The inner `Err` is
/// the page shown again with the problems (nothing was written).
async fn begin(
    state: &AppState,
    user: &CurrentUser,
    number: i64,
    request: Request,
    field: &'static str,
) -> AppResult<Result<(TenantTx, Ticket, String, Composed), Response>> {
    let mut errors = FormErrors::default();
    let form = read_form(user, request, &mut errors).await?;
    let body = check_body(user, field, &form.body, &mut errors);
    let mut tx = user.tx(state).await?;
    let ticket = tickets::get_by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    match body.filter(|_| errors.is_empty()) {
        Some(body) => Ok(Ok((tx, ticket, body, form))),
        None => {
            drop(tx);
            Ok(Err(
                invalid(state, user, number, &form, field, errors).await?
            ))
        }
    }
}

async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let (mut tx, ticket, body, form) = match begin(&state, &user, number, request, "reply").await? {
        Ok(ready) => ready,
        Err(page) => return Ok(page),
    };
    let bad = || AppError::BadRequest(user.t().err_400.into());
    let status = match form.status.as_str() {
        "" => None,
        code => Some(Status::parse(code).ok_or_else(bad)?),
    };
    if form.idempotency_key.len() < 16 || form.idempotency_key.len() > 100 {
        return Err(bad());
    }
    let template_tags = match form.template.as_str() {
        "" => Vec::new(),
        raw => {
            let id: ReplyTemplateId = raw.parse().map_err(|_| bad())?;
            let template = reply_templates::get(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            super::template_effects(&template.actions.0).1
        }
    };
    // Sent translated only when asked, possible (the shop has a service) and useful (the
    // buyer reads another language); the reply is then in the agent's language.
    let reader = user.locale().language();
    let translate_to = match ticket.language.as_deref() {
        Some(buyer) if form.translate && !super::same_language(buyer, reader) => {
            translation::sealed_config(&mut tx).await?.map(|_| buyer)
        }
        _ => None,
    };
    let reply = outbox::Reply {
        ticket_id: ticket.id,
        author: user.id(),
        body_text: &body,
        language: match translate_to {
            Some(_) => Some(reader),
            None => ticket.language.as_deref(),
        },
        channel: &ticket.channel,
        idempotency_key: &form.idempotency_key,
        translate_to,
    };
    if let Some(message) = outbox::enqueue_reply(&mut tx, reply).await? {
        store_files(&mut tx, message, &form.files).await?;
        ticket_events::record(&mut tx, ticket.id, Some(user.id()), "reply", None, None).await?;
        let added: Vec<&String> = template_tags
            .iter()
            .filter(|t| !ticket.tags.contains(t))
            .collect();
        if !added.is_empty() {
            let mut all = ticket.tags.clone();
            all.extend(added.iter().map(|t| (*t).clone()));
            tickets::set_tags(&mut tx, ticket.id, &all).await?;
            for tag in added {
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
        }
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

async fn note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let (mut tx, ticket, body, form) = match begin(&state, &user, number, request, "note").await? {
        Ok(ready) => ready,
        Err(page) => return Ok(page),
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
    let message = messages::create(&mut tx, note).await?;
    store_files(&mut tx, message, &form.files).await?;
    ticket_events::record(&mut tx, ticket.id, Some(user.id()), "note", None, None).await?;
    tx.commit().await?;
    Ok(back_to(number))
}
