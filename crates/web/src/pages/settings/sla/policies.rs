//! SLA policy form: which tickets it matches, its targets in hours and minutes, the calendar
//! its clocks count in, the warning time and what happens on a breach.

use aftersail_db::sla_policies::{self, PolicyInput, NAME_KEY};
use aftersail_db::{calendars, teams, violated_constraint};
use aftersail_domain::ticket::{Priority, TicketType};
use aftersail_domain::{CalendarId, SlaPolicyId, TeamId};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::json;

use super::super::rules::{ConfirmDelete, Opt};
use super::super::{EnabledForm, MoveForm, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

/// Where tickets come from (`tickets.channel`).
const CHANNELS: &[&str] = &["email", "amazon", "ebay", "shopify", "shopee", "portal"];
const MAX_TARGET_MINUTES: i64 = 365 * 24 * 60;
const MAX_WARN_MINUTES: i32 = 7 * 24 * 60;
const NOTIFY: &[&str] = &["assignee", "team", "admins"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/sla/policies", post(create))
        .route("/settings/sla/policies/new", get(new))
        .route("/settings/sla/policies/{id}", get(edit).post(update))
        .route("/settings/sla/policies/{id}/enabled", post(set_enabled))
        .route("/settings/sla/policies/{id}/move", post(move_policy))
        .route(
            "/settings/sla/policies/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

/// The form as typed.
#[derive(Default, Clone)]
struct PolicyForm {
    name: String,
    channels: Vec<String>,
    priorities: Vec<String>,
    types: Vec<String>,
    customer_tags: String,
    first_h: String,
    first_m: String,
    next_h: String,
    next_m: String,
    res_h: String,
    res_m: String,
    calendar: String,
    warn: String,
    breach_priority: String,
    breach_notify: String,
    breach_team: String,
}

fn split_minutes(minutes: Option<i32>) -> (String, String) {
    match minutes {
        Some(m) => ((m / 60).to_string(), (m % 60).to_string()),
        None => (String::new(), String::new()),
    }
}

impl PolicyForm {
    fn blank() -> Self {
        PolicyForm {
            warn: "30".into(),
            ..PolicyForm::default()
        }
    }

    fn of(p: &sla_policies::Policy) -> Self {
        let (first_h, first_m) = split_minutes(p.first_reply_minutes);
        let (next_h, next_m) = split_minutes(p.next_reply_minutes);
        let (res_h, res_m) = split_minutes(p.resolution_minutes);
        let id = |v: Option<uuid::Uuid>| v.map(|v| v.to_string()).unwrap_or_default();
        PolicyForm {
            name: p.name.clone(),
            channels: p.channels.clone(),
            priorities: p.priorities.clone(),
            types: p.types.clone(),
            customer_tags: p.customer_tags.join(", "),
            first_h,
            first_m,
            next_h,
            next_m,
            res_h,
            res_m,
            calendar: id(p.calendar_id.map(|c| c.0)),
            warn: p.warn_minutes.to_string(),
            breach_priority: p.breach_priority.clone().unwrap_or_default(),
            breach_notify: p.breach_notify.clone().unwrap_or_default(),
            breach_team: id(p.breach_team_id.map(|t| t.0)),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = PolicyForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "channels" => f.channels.push(v),
                "priorities" => f.priorities.push(v),
                "types" => f.types.push(v),
                "customer_tags" => f.customer_tags = v,
                "first_h" => f.first_h = v,
                "first_m" => f.first_m = v,
                "next_h" => f.next_h = v,
                "next_m" => f.next_m = v,
                "res_h" => f.res_h = v,
                "res_m" => f.res_m = v,
                "calendar" => f.calendar = v,
                "warn" => f.warn = v,
                "breach_priority" => f.breach_priority = v,
                "breach_notify" => f.breach_notify = v,
                "breach_team" => f.breach_team = v,
                _ => {}
            }
        }
        f
    }
}

/// Hours + minutes as minutes; `Ok(None)` when both are blank.
fn target(hours: &str, minutes: &str) -> Result<Option<i32>, ()> {
    let (h, m) = (hours.trim(), minutes.trim());
    if h.is_empty() && m.is_empty() {
        return Ok(None);
    }
    let h: i64 = if h.is_empty() { Ok(0) } else { h.parse() }.map_err(|_| ())?;
    let m: i64 = if m.is_empty() { Ok(0) } else { m.parse() }.map_err(|_| ())?;
    let total = h * 60 + m;
    if h < 0 || !(0..60).contains(&m) || total <= 0 || total > MAX_TARGET_MINUTES {
        return Err(());
    }
    Ok(Some(total as i32))
}

/// Only codes from `allowed`, each once.
fn codes(
    picked: &[String],
    allowed: &[&str],
    field: &'static str,
    t: &Tr,
    errors: &mut FormErrors,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in picked {
        if !allowed.contains(&p.as_str()) {
            errors.add(field, t.sla_err_choice);
        } else if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

struct Lists {
    calendars: Vec<(CalendarId, String)>,
    teams: Vec<(TeamId, String)>,
}

async fn lists(state: &AppState, user: &CurrentUser) -> AppResult<Lists> {
    let mut tx = user.tx(state).await?;
    let lists = Lists {
        calendars: calendars::list(&mut tx)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
        teams: teams::list(&mut tx)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
    };
    tx.commit().await?;
    Ok(lists)
}

fn check(t: &Tr, f: &PolicyForm, lists: &Lists, errors: &mut FormErrors) -> Option<PolicyInput> {
    let name = aftersail_domain::validation::clean_name(&f.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let priority_codes: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    let type_codes: Vec<&str> = TicketType::ALL.iter().map(|p| p.as_str()).collect();
    let channels = codes(&f.channels, CHANNELS, "channels", t, errors);
    let priorities = codes(&f.priorities, &priority_codes, "priorities", t, errors);
    let types = codes(&f.types, &type_codes, "types", t, errors);
    let customer_tags = match aftersail_domain::tags::parse_list(&f.customer_tags) {
        Ok(tags) => tags,
        Err(_) => {
            errors.add("customer_tags", t.err_tag_invalid);
            Vec::new()
        }
    };
    let mut minutes = |h: &str, m: &str, field: &'static str| {
        target(h, m).unwrap_or_else(|()| {
            errors.add(field, t.sla_err_target);
            None
        })
    };
    let first_reply_minutes = minutes(&f.first_h, &f.first_m, "first");
    let next_reply_minutes = minutes(&f.next_h, &f.next_m, "next");
    let resolution_minutes = minutes(&f.res_h, &f.res_m, "resolution");
    if first_reply_minutes.is_none()
        && next_reply_minutes.is_none()
        && resolution_minutes.is_none()
        && errors.get("first").is_none()
        && errors.get("next").is_none()
        && errors.get("resolution").is_none()
    {
        errors.add("first", t.sla_err_no_target);
    }
    let pick = |raw: &str| -> Result<Option<uuid::Uuid>, ()> {
        if raw.is_empty() {
            Ok(None)
        } else {
            raw.parse().map(Some).map_err(|_| ())
        }
    };
    let calendar_id = match pick(&f.calendar) {
        Ok(None) => None,
        Ok(Some(id)) if lists.calendars.iter().any(|(c, _)| c.0 == id) => Some(CalendarId(id)),
        _ => {
            errors.add("calendar", t.sla_err_choice);
            None
        }
    };
    let breach_team_id = match pick(&f.breach_team) {
        Ok(None) => None,
        Ok(Some(id)) if lists.teams.iter().any(|(c, _)| c.0 == id) => Some(TeamId(id)),
        _ => {
            errors.add("breach_team", t.sla_err_choice);
            None
        }
    };
    let warn_minutes = match f.warn.trim() {
        "" => 0,
        w => match w.parse::<i32>() {
            Ok(w) if (0..=MAX_WARN_MINUTES).contains(&w) => w,
            _ => {
                errors.add("warn", t.sla_err_warn);
                0
            }
        },
    };
    let breach_priority = match f.breach_priority.as_str() {
        "" => None,
        p if Priority::parse(p).is_some() => Some(p.to_owned()),
        _ => {
            errors.add("breach_priority", t.sla_err_choice);
            None
        }
    };
    let breach_notify = match f.breach_notify.as_str() {
        "" => None,
        n if NOTIFY.contains(&n) => Some(n.to_owned()),
        _ => {
            errors.add("breach_notify", t.sla_err_choice);
            None
        }
    };
    if !errors.is_empty() {
        return None;
    }
    Some(PolicyInput {
        name: name?,
        channels,
        priorities,
        types,
        customer_tags,
        first_reply_minutes,
        next_reply_minutes,
        resolution_minutes,
        calendar_id,
        warn_minutes,
        breach_priority,
        breach_notify,
        breach_team_id,
    })
}

/// A checkbox.
struct Check {
    value: String,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "settings/sla_policy.html")]
struct PolicyPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    editing: Option<SlaPolicyId>,
    form: PolicyForm,
    channels: Vec<Check>,
    priorities: Vec<Check>,
    types: Vec<Check>,
    calendars: Vec<Opt>,
    teams: Vec<Opt>,
    priority_opts: Vec<Opt>,
    notify_opts: Vec<Opt>,
    errors: FormErrors,
}

fn policy_page<'a>(
    user: &'a CurrentUser,
    editing: Option<SlaPolicyId>,
    form: PolicyForm,
    lists: &Lists,
    errors: FormErrors,
) -> PolicyPage<'a> {
    let t = user.t();
    let checks =
        |codes: &[&str], picked: &[String], label: &dyn Fn(&str) -> String| -> Vec<Check> {
            codes
                .iter()
                .map(|c| Check {
                    value: (*c).to_owned(),
                    label: label(c),
                    checked: picked.iter().any(|p| p == c),
                })
                .collect()
        };
    let priority_codes: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    let type_codes: Vec<&str> = TicketType::ALL.iter().map(|p| p.as_str()).collect();
    PolicyPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "sla" },
        editing,
        channels: checks(CHANNELS, &form.channels, &|c| match c {
            "portal" => "Portal".to_owned(),
            other => crate::i18n::kind_name(other).to_owned(),
        }),
        priorities: checks(&priority_codes, &form.priorities, &|c| t.code(c).to_owned()),
        types: checks(&type_codes, &form.types, &|c| t.code(c).to_owned()),
        calendars: lists
            .calendars
            .iter()
            .map(|(id, name)| Opt {
                value: id.0.to_string(),
                label: name.clone(),
            })
            .collect(),
        teams: lists
            .teams
            .iter()
            .map(|(id, name)| Opt {
                value: id.0.to_string(),
                label: name.clone(),
            })
            .collect(),
        priority_opts: priority_codes
            .iter()
            .map(|c| Opt {
                value: (*c).into(),
                label: t.code(c).into(),
            })
            .collect(),
        notify_opts: NOTIFY
            .iter()
            .map(|c| Opt {
                value: (*c).into(),
                label: super::super::rules::words::notify_kind(t, c).into(),
            })
            .collect(),
        form,
        errors,
    }
}

async fn new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require_admin()?;
    let lists = lists(&state, &user).await?;
    let page = policy_page(
        &user,
        None,
        PolicyForm::blank(),
        &lists,
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let policy = sla_policies::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let lists = lists(&state, &user).await?;
    let page = policy_page(
        &user,
        Some(id),
        PolicyForm::of(&policy),
        &lists,
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<SlaPolicyId>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    if let Some(id) = id {
        let mut tx = user.tx(state).await?;
        let found = sla_policies::get(&mut tx, id).await?.is_some();
        tx.commit().await?;
        if !found {
            return Err(AppError::NotFound);
        }
    }
    let form = PolicyForm::from_pairs(pairs);
    let lists = lists(state, user).await?;
    let mut errors = FormErrors::default();
    if let Some(input) = check(user.t(), &form, &lists, &mut errors) {
        let mut tx = user.tx(state).await?;
        let saved = match id {
            None => sla_policies::create(&mut tx, &input).await.map(Some),
            Some(id) => sla_policies::update(&mut tx, id, &input)
                .await
                .map(|found| found.then_some(id)),
        };
        match saved {
            Ok(Some(saved)) => {
                let action = if id.is_none() {
                    "sla.policy_created"
                } else {
                    "sla.policy_updated"
                };
                user.audit(
                    &mut tx,
                    action,
                    "sla_policy",
                    saved.0,
                    json!({
                        "name": input.name,
                        "channels": input.channels,
                        "priorities": input.priorities,
                        "types": input.types,
                        "customer_tags": input.customer_tags,
                        "first_reply_minutes": input.first_reply_minutes,
                        "next_reply_minutes": input.next_reply_minutes,
                        "resolution_minutes": input.resolution_minutes,
                        "calendar": input.calendar_id,
                        "warn_minutes": input.warn_minutes,
                        "breach_priority": input.breach_priority,
                        "breach_notify": input.breach_notify,
                        "breach_team": input.breach_team_id,
                    }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to("/settings/sla?notice=sla_saved").into_response());
            }
            Ok(None) => return Err(AppError::NotFound),
            Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                errors.add("name", user.t().sla_name_taken);
            }
            Err(err) => return Err(err.into()),
        }
    }
    let page = policy_page(user, id, form, &lists, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), pairs).await
}

async fn set_enabled(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
    Form(form): Form<EnabledForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let enabled = form.enabled(user.t())?;
    let mut tx = user.tx(&state).await?;
    let policy = sla_policies::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    sla_policies::set_enabled(&mut tx, id, enabled).await?;
    let (action, notice) = if enabled {
        ("sla.policy_enabled", "sla_enabled")
    } else {
        ("sla.policy_disabled", "sla_disabled")
    };
    user.audit(
        &mut tx,
        action,
        "sla_policy",
        id.0,
        json!({ "name": policy.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/sla?notice={notice}")).into_response())
}

async fn move_policy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let up = form.up(user.t())?;
    let mut tx = user.tx(&state).await?;
    let moved = sla_policies::move_policy(&mut tx, id, up)
        .await?
        .ok_or(AppError::NotFound)?;
    if moved {
        user.audit(
            &mut tx,
            "sla.policy_moved",
            "sla_policy",
            id.0,
            json!({ "direction": form.direction }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/sla?notice=sla_moved").into_response())
}

async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let policy = sla_policies::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let t = user.t();
    let page = ConfirmDelete {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "sla" },
        question: t.fill(t.sla_delete_confirm, &policy.name),
        action: format!("/settings/sla/policies/{id}/delete"),
        back: "/settings/sla",
    };
    Ok(render(&page)?.into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<SlaPolicyId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let name = sla_policies::delete(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &mut tx,
        "sla.policy_deleted",
        "sla_policy",
        id.0,
        json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/sla?notice=sla_deleted").into_response())
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn targets_read_as_hours_and_minutes() {
        assert_eq!(target("", ""), Ok(None));
        assert_eq!(target("2", "30"), Ok(Some(150)));
        assert_eq!(target("", "45"), Ok(Some(45)));
        assert_eq!(target("24", ""), Ok(Some(1440)));
        assert_eq!(target("0", "0"), Err(()));
        assert_eq!(target("1", "60"), Err(()));
        assert_eq!(target("-1", "0"), Err(()));
        assert_eq!(target("two", ""), Err(()));
    }
}
