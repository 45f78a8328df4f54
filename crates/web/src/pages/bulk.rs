//! Bulk actions from the inbox (status, priority, assignee, add or remove a tag): many tickets
//! changed in one transaction, all or nothing.

use std::collections::HashMap;

use aftersail_db::tickets::{BulkField, BulkTagged};
use aftersail_db::{ticket_events, tickets, users, TenantTx};
use aftersail_domain::ticket::{Priority, Status};
use aftersail_domain::{tags, UserId};
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;
use axum::Router;

use super::safe_next;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

/// More than a page or two at once is a job for rules, not a click.
const MAX_TICKETS: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/bulk", post(apply))
}

/// The form repeats `ticket` once per checked row, which `Form<struct>` can't collect,
/// so the body is read as pairs.
async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Redirect> {
    let t = user.t();
    let bad = |msg: &str| AppError::BadRequest(msg.to_owned());
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| bad(t.err_400))?;
    let field_value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let mut numbers = Vec::new();
    for (k, v) in &pairs {
        if k == "ticket" {
            numbers.push(v.parse::<i64>().map_err(|_| bad(t.err_400))?);
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        return Err(bad(t.bulk_none_selected));
    }
    if numbers.len() > MAX_TICKETS {
        return Err(bad(t.bulk_too_many));
    }
    let action = parse_action(t, field_value("action"), field_value("tag"))?;

    let mut tx = user.tx(&state).await?;
    // Every selected ticket must be this shop's; otherwise nothing changes.
    if tickets::count_numbers(&mut tx, &numbers).await? != numbers.len() as i64 {
        return Err(AppError::NotFound);
    }
    match action {
        Action::Tag { tag, add } => tag_tickets(&mut tx, &user, &numbers, &tag, add).await?,
        Action::Set(field, value) => set_field(&mut tx, &user, &numbers, field, value).await?,
    }
    tx.commit().await?;
    Ok(back(field_value("return_to")))
}

/// What the form asked for, checked against the vocabularies.
enum Action {
    /// Set one field (a code, a user id, or `None` to clear).
    Set(BulkField, Option<String>),
    /// Add or remove one (normalized) tag.
    Tag { tag: String, add: bool },
}

fn parse_action(t: &Tr, action: &str, tag: &str) -> AppResult<Action> {
    let bad = |msg: &str| AppError::BadRequest(msg.to_owned());
    let set = |field, value: Option<&str>| Ok(Action::Set(field, value.map(str::to_owned)));
    match action.split_once(':') {
        Some(("tag", op)) => {
            let add = match op {
                "add" => true,
                "remove" => false,
                _ => return Err(bad(t.bulk_choose_action)),
            };
            let tag = tags::normalize(tag)
                .map_err(|_| bad(t.err_tag_invalid))?
                .ok_or_else(|| bad(t.bulk_tag_required))?;
            Ok(Action::Tag { tag, add })
        }
        Some(("status", s)) => set(
            BulkField::Status,
            Some(Status::parse(s).ok_or_else(|| bad(t.err_400))?.as_str()),
        ),
        Some(("priority", p)) => set(
            BulkField::Priority,
            Some(Priority::parse(p).ok_or_else(|| bad(t.err_400))?.as_str()),
        ),
        Some(("assign", "")) => set(BulkField::Assignee, None),
        Some(("assign", id)) => Ok(Action::Set(
            BulkField::Assignee,
            Some(
                id.parse::<UserId>()
                    .map_err(|_| bad(t.err_400))?
                    .to_string(),
            ),
        )),
        _ => Err(bad(t.bulk_choose_action)),
    }
}

async fn tag_tickets(
    tx: &mut TenantTx,
    user: &CurrentUser,
    numbers: &[i64],
    tag: &str,
    add: bool,
) -> AppResult<()> {
    let changed = match tickets::bulk_tag(tx, numbers, tag, add, tags::MAX_TAGS as i64).await? {
        BulkTagged::Changed(changed) => changed,
        BulkTagged::Refused(_) => {
            return Err(AppError::BadRequest(user.t().err_tags_too_many.into()))
        }
    };
    let kind = if add { "tag_added" } else { "tag_removed" };
    for ticket in changed {
        ticket_events::record(tx, ticket, Some(user.id()), kind, None, Some(tag)).await?;
    }
    Ok(())
}

async fn set_field(
    tx: &mut TenantTx,
    user: &CurrentUser,
    numbers: &[i64],
    field: BulkField,
    value: Option<String>,
) -> AppResult<()> {
    // Assignee changes name people in the history: one query for the shop's people, not one
    // per ticket.
    let names: HashMap<String, (String, bool)> = if field == BulkField::Assignee {
        users::list(tx)
            .await?
            .into_iter()
            .map(|u| (u.id.to_string(), (u.name, u.active)))
            .collect()
    } else {
        HashMap::new()
    };
    let shown_value = match (field, &value) {
        (BulkField::Assignee, Some(id)) => Some(
            names
                .get(id)
                .filter(|(_, active)| *active)
                .ok_or(AppError::NotFound)?
                .0
                .clone(),
        ),
        _ => value.clone(),
    };
    let changed = tickets::bulk_set(tx, numbers, field, value.as_deref()).await?;
    let kind = match field {
        BulkField::Status => "status",
        BulkField::Priority => "priority",
        BulkField::Assignee => "assignee",
    };
    for (ticket, old) in changed {
        if old != value {
            let old_shown = match (field, old) {
                (BulkField::Assignee, Some(id)) => names.get(&id).map(|(name, _)| name.clone()),
                (_, old) => old,
            };
            ticket_events::record(
                tx,
                ticket,
                Some(user.id()),
                kind,
                old_shown.as_deref(),
                shown_value.as_deref(),
            )
            .await?;
        }
    }
    Ok(())
}

/// Back to the inbox list the form was on.
fn back(return_to: &str) -> Redirect {
    Redirect::to(safe_next(
        Some(return_to).filter(|r| r.starts_with("/inbox")),
    ))
}
