//! Settings → Rules: the shop's automation rules in order, the holiday-mode switch, the rule
//! form and the run log. Owners and admins only.

mod form;
mod runs;
pub(crate) mod words;

use aftersail_db::rules::{self, Rule, RuleInput, NAME_KEY};
use aftersail_db::{reply_templates, sla_policies, teams, tenants, users, violated_constraint};
use aftersail_domain::assignment::AssignMethod;
use aftersail_domain::returns::ReturnReason;
use aftersail_domain::rules::{Field, Op, RuleSet, TimeAnchor, Trigger};
use aftersail_domain::ticket::{Priority, Status, TicketType};
use aftersail_domain::RuleId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use self::form::{Choices, RuleForm};
use super::{notice, parse_switch, EnabledForm, MoveForm, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/rules", get(list).post(create))
        .route("/settings/rules/new", get(new))
        .route("/settings/rules/holiday", post(holiday))
        .route("/settings/rules/runs", get(runs::show))
        .route("/settings/rules/{id}", get(edit).post(update))
        .route("/settings/rules/{id}/enabled", post(set_enabled))
        .route("/settings/rules/{id}/move", post(move_rule))
        .route(
            "/settings/rules/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

/// A select option.
pub struct Opt {
    pub value: String,
    pub label: String,
}

fn opts<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: code(*v).to_owned(),
            label: label(*v),
        })
        .collect()
}

/// A rule in the list, with its conditions and actions in words.
pub struct Listed {
    pub rule: Rule,
    pub trigger: String,
    pub rule_set: String,
    pub conditions: Vec<String>,
    pub actions: Vec<String>,
}

#[derive(Template)]
#[template(path = "settings/rules.html")]
struct RulesPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    rules: Vec<Listed>,
    holiday_mode: bool,
    /// The bot's last 30 days (rules with the `bot_answer` action).
    bot: aftersail_db::bot::Deflection,
}

impl RulesPage<'_> {
    fn deflection_rate(&self) -> String {
        self.bot
            .rate()
            .map_or_else(|| "–".to_owned(), |r| format!("{r:.0} %"))
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    let stored = rules::list(&mut tx).await?;
    let holiday_mode = tenants::holiday_mode(&mut tx).await?;
    let now = chrono::Utc::now();
    let bot = aftersail_db::bot::deflection(&mut tx, now - chrono::Duration::days(30), now).await?;
    tx.commit().await?;
    let rules = stored
        .into_iter()
        .map(|rule| {
            let def = &rule.definition.0;
            let mut conditions: Vec<String> =
                def.conditions.all.iter().map(|c| c.describe()).collect();
            if !def.conditions.any.is_empty() {
                conditions.push(
                    def.conditions
                        .any
                        .iter()
                        .map(|c| c.describe())
                        .collect::<Vec<_>>()
                        .join(" / "),
                );
            }
            Listed {
                trigger: words::trigger(t, &rule.trigger),
                rule_set: words::rule_set(t, &rule.rule_set),
                conditions,
                actions: def.actions.iter().map(|a| a.describe()).collect(),
                rule,
            }
        })
        .collect();
    let page = RulesPage {
        shell: Shell::new(&user, "settings").with_notice(notice(t, q.notice.as_deref())),
        subnav: SubNav { current: "rules" },
        rules,
        holiday_mode,
        bot,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SwitchForm {
    on: String,
}

async fn holiday(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let on = parse_switch(user.t(), &form.on)?;
    let mut tx = user.tx(&state).await?;
    tenants::set_holiday_mode(&mut tx, on).await?;
    user.audit(
        &mut tx,
        "rules.holiday_mode",
        "tenant",
        user.tenant().0,
        json!({ "on": on }),
    )
    .await?;
    tx.commit().await?;
    let notice = if on { "holiday_on" } else { "holiday_off" };
    Ok(Redirect::to(&format!("/settings/rules?notice={notice}")).into_response())
}

#[derive(Template)]
#[template(path = "settings/rule.html")]
struct RulePage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    editing: Option<RuleId>,
    form: RuleForm,
    name_error: Option<&'static str>,
    problems: Vec<String>,
    triggers: Vec<Opt>,
    rule_sets: Vec<Opt>,
    anchors: Vec<Opt>,
    units: Vec<Opt>,
    fields: Vec<Opt>,
    ops: Vec<Opt>,
    action_kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    priorities: Vec<Opt>,
    types: Vec<Opt>,
    assign_kinds: Vec<Opt>,
    methods: Vec<Opt>,
    notify_kinds: Vec<Opt>,
    reasons: Vec<Opt>,
    templates: Vec<Opt>,
    agents: Vec<Opt>,
    teams: Vec<Opt>,
    policies: Vec<Opt>,
}

impl RulePage<'_> {
    /// What a field's value box accepts, for its placeholder.
    fn value_hint(&self, field: &str) -> String {
        match Field::parse(field).map(Field::kind) {
            Some(aftersail_domain::rules::FieldKind::Enum(codes)) => codes.join(", "),
            Some(aftersail_domain::rules::FieldKind::Bool) => "true, false".into(),
            Some(aftersail_domain::rules::FieldKind::Number) => "0".into(),
            _ => String::new(),
        }
    }
}

async fn choices(state: &AppState, user: &CurrentUser) -> AppResult<Choices> {
    let mut tx = user.tx(state).await?;
    let choices = Choices {
        templates: reply_templates::list(&mut tx)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        agents: users::list(&mut tx)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect(),
        teams: teams::list(&mut tx)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        policies: sla_policies::list(&mut tx)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
    };
    tx.commit().await?;
    Ok(choices)
}

fn rule_page<'a>(
    user: &'a CurrentUser,
    editing: Option<RuleId>,
    form: RuleForm,
    choices: &Choices,
    name_error: Option<&'static str>,
    problems: Vec<String>,
) -> RulePage<'a> {
    let t = user.t();
    let ids = |items: Vec<(uuid::Uuid, &String)>| -> Vec<Opt> {
        items
            .into_iter()
            .map(|(id, name)| Opt {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect()
    };
    RulePage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "rules" },
        editing,
        form: form.with_blank_rows(),
        name_error,
        problems,
        triggers: opts(Trigger::ALL, Trigger::as_str, |v| {
            words::trigger(t, v.as_str())
        }),
        rule_sets: opts(RuleSet::ALL, RuleSet::as_str, |v| {
            words::rule_set(t, v.as_str())
        }),
        anchors: opts(TimeAnchor::ALL, TimeAnchor::as_str, |v| {
            words::anchor(t, v).to_owned()
        }),
        units: vec![
            Opt {
                value: "minutes".into(),
                label: t.unit_minutes.into(),
            },
            Opt {
                value: "hours".into(),
                label: t.unit_hours.into(),
            },
            Opt {
                value: "days".into(),
                label: t.unit_days.into(),
            },
        ],
        fields: opts(Field::ALL, Field::as_str, |v| words::field(t, v).to_owned()),
        ops: opts(Op::ALL, Op::as_str, |v| words::op(t, v).to_owned()),
        action_kinds: opts(
            words::ACTION_KINDS,
            |k| k,
            |k| words::action_kind(t, k).to_owned(),
        ),
        statuses: opts(Status::ALL, Status::as_str, |v| {
            t.code(v.as_str()).to_owned()
        }),
        priorities: opts(Priority::ALL, Priority::as_str, |v| {
            t.code(v.as_str()).to_owned()
        }),
        types: opts(TicketType::ALL, TicketType::as_str, |v| {
            t.code(v.as_str()).to_owned()
        }),
        assign_kinds: opts(
            words::ASSIGN_KINDS,
            |k| k,
            |k| words::assign_kind(t, k).to_owned(),
        ),
        methods: opts(AssignMethod::ALL, AssignMethod::as_str, |m| {
            words::method(t, m).to_owned()
        }),
        notify_kinds: opts(
            words::NOTIFY_KINDS,
            |k| k,
            |k| words::notify_kind(t, k).to_owned(),
        ),
        reasons: opts(ReturnReason::ALL, ReturnReason::code, |r| {
            crate::pages::settings::returns_reason(t, r).to_owned()
        }),
        templates: ids(choices.templates.iter().map(|(id, n)| (id.0, n)).collect()),
        agents: ids(choices.agents.iter().map(|(id, n)| (id.0, n)).collect()),
        teams: ids(choices.teams.iter().map(|(id, n)| (id.0, n)).collect()),
        policies: ids(choices.policies.iter().map(|(id, n)| (id.0, n)).collect()),
    }
}

async fn new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require_admin()?;
    let choices = choices(&state, &user).await?;
    let page = rule_page(&user, None, RuleForm::blank(), &choices, None, Vec::new());
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RuleId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let rule = rules::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let choices = choices(&state, &user).await?;
    let form = RuleForm::of(
        &rule.name,
        &rule.trigger,
        &rule.rule_set,
        rule.stop,
        &rule.definition.0,
    );
    let page = rule_page(&user, Some(id), form, &choices, None, Vec::new());
    Ok(render(&page)?.into_response())
}

/// Creates (`id` None) or changes a rule; anything wrong re-shows the form and stores nothing.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<RuleId>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    if let Some(id) = id {
        let mut tx = user.tx(state).await?;
        let found = rules::get(&mut tx, id).await?.is_some();
        tx.commit().await?;
        if !found {
            return Err(AppError::NotFound);
        }
    }
    let form = RuleForm::from_pairs(pairs);
    let choices = choices(state, user).await?;
    if !form.more.is_empty() {
        // "Add a row" without JavaScript: the same form with one more row, nothing saved.
        let page = rule_page(user, id, form, &choices, None, Vec::new());
        return Ok(render(&page)?.into_response());
    }
    let (name_error, problems) = match form::check(user.t(), &form, &choices) {
        Ok(checked) => {
            let input = RuleInput {
                name: &checked.name,
                rule_set: checked.rule_set.as_str(),
                trigger: checked.trigger.as_str(),
                definition: &checked.definition,
                stop: checked.stop,
            };
            let mut tx = user.tx(state).await?;
            let saved = match id {
                None => rules::create(&mut tx, &input).await.map(Some),
                Some(id) => rules::update(&mut tx, id, &input)
                    .await
                    .map(|found| found.then_some(id)),
            };
            match saved {
                Ok(Some(saved)) => {
                    let action = if id.is_none() {
                        "rule.created"
                    } else {
                        "rule.updated"
                    };
                    user.audit(
                        &mut tx,
                        action,
                        "rule",
                        saved.0,
                        json!({
                            "name": checked.name,
                            "trigger": checked.trigger.as_str(),
                            "rule_set": checked.rule_set.as_str(),
                            "stop": checked.stop,
                            "definition": checked.definition,
                        }),
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(Redirect::to("/settings/rules?notice=rule_saved").into_response());
                }
                Ok(None) => return Err(AppError::NotFound),
                Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                    (Some(user.t().rule_name_taken), Vec::new())
                }
                Err(err) => return Err(err.into()),
            }
        }
        Err(found) => found,
    };
    let page = rule_page(user, id, form, &choices, name_error, problems);
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
    Path(id): Path<RuleId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), pairs).await
}

async fn set_enabled(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RuleId>,
    Form(form): Form<EnabledForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let enabled = form.enabled(user.t())?;
    let mut tx = user.tx(&state).await?;
    let rule = rules::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    rules::set_enabled(&mut tx, id, enabled).await?;
    user.audit(
        &mut tx,
        if enabled {
            "rule.enabled"
        } else {
            "rule.disabled"
        },
        "rule",
        id.0,
        json!({ "name": rule.name }),
    )
    .await?;
    tx.commit().await?;
    let notice = if enabled {
        "rule_enabled"
    } else {
        "rule_disabled"
    };
    Ok(Redirect::to(&format!("/settings/rules?notice={notice}")).into_response())
}

async fn move_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RuleId>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let up = form.up(user.t())?;
    let mut tx = user.tx(&state).await?;
    let moved = rules::move_rule(&mut tx, id, up)
        .await?
        .ok_or(AppError::NotFound)?;
    if moved {
        user.audit(
            &mut tx,
            "rule.moved",
            "rule",
            id.0,
            json!({ "direction": form.direction }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/rules?notice=rule_moved").into_response())
}

#[derive(Template)]
#[template(path = "settings/confirm_delete.html")]
pub(crate) struct ConfirmDelete<'a> {
    pub shell: Shell<'a>,
    pub subnav: SubNav,
    pub question: String,
    pub action: String,
    pub back: &'static str,
}

async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RuleId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let rule = rules::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let t = user.t();
    let page = ConfirmDelete {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "rules" },
        question: t.fill(t.rule_delete_confirm, &rule.name),
        action: format!("/settings/rules/{id}/delete"),
        back: "/settings/rules",
    };
    Ok(render(&page)?.into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RuleId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let name = rules::delete(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &mut tx,
        "rule.deleted",
        "rule",
        id.0,
        json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/rules?notice=rule_deleted").into_response())
}
