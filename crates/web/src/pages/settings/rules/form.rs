//! The rule form: rows of conditions and actions as typed, to a `Definition` and back.
//!
//! Rows repeat their field names (`all_field`, `all_op`, `all_value`, then the next row's), so
//! the n-th value of each name belongs to the n-th row; a row whose field (or action type) is
//! left on "choose" is ignored, which is how a blank row and a removed row read without
//! JavaScript.

use aftersail_domain::assignment::AssignMethod;
use aftersail_domain::rules::{
    Action, AssignTo, Condition, Conditions, Definition, Field, FieldKind, NotifyTo, Op, RuleSet,
    TimeAnchor, TimeTrigger, Trigger, Value,
};
use aftersail_domain::{ReplyTemplateId, SlaPolicyId, TeamId, UserId};

use crate::i18n::Tr;

/// Options the action selects offer: this shop's own templates, agents, teams and policies.
#[derive(Default)]
pub struct Choices {
    pub templates: Vec<(ReplyTemplateId, String)>,
    pub agents: Vec<(UserId, String)>,
    pub teams: Vec<(TeamId, String)>,
    pub policies: Vec<(SlaPolicyId, String)>,
}

#[derive(Default, Clone, Debug)]
pub struct CondRow {
    pub field: String,
    pub op: String,
    pub value: String,
}

#[derive(Default, Clone, Debug)]
pub struct ActionRow {
    pub kind: String,
    pub template: String,
    pub text: String,
    pub status: String,
    pub priority: String,
    pub ticket_type: String,
    pub tags: String,
    pub assign: String,
    pub user: String,
    pub team: String,
    pub method: String,
    pub policy: String,
    pub reason: String,
    pub notify: String,
    pub url: String,
}

/// The form as typed, kept whole so a refused form comes back as it was sent.
#[derive(Default, Clone, Debug)]
pub struct RuleForm {
    pub name: String,
    pub trigger: String,
    pub rule_set: String,
    pub stop: bool,
    pub time_anchor: String,
    pub time_amount: String,
    pub time_unit: String,
    pub all: Vec<CondRow>,
    pub any: Vec<CondRow>,
    pub actions: Vec<ActionRow>,
    /// "all", "any" or "action": a no-JavaScript "add a row" (re-show, save nothing).
    pub more: String,
}

fn nth(values: &[String], i: usize) -> String {
    values.get(i).cloned().unwrap_or_default()
}

impl RuleForm {
    pub fn blank() -> Self {
        RuleForm {
            trigger: Trigger::MessageReceived.as_str().into(),
            rule_set: RuleSet::Always.as_str().into(),
            time_anchor: TimeAnchor::TicketCreated.as_str().into(),
            time_unit: "hours".into(),
            ..RuleForm::default()
        }
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = RuleForm::default();
        let mut lists: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "trigger" => f.trigger = v,
                "rule_set" => f.rule_set = v,
                "stop" => f.stop = true,
                "time_anchor" => f.time_anchor = v,
                "time_amount" => f.time_amount = v,
                "time_unit" => f.time_unit = v,
                "more" => f.more = v,
                _ => lists.entry(k).or_default().push(v),
            }
        }
        let list = |name: &str| lists.get(name).cloned().unwrap_or_default();
        for group in ["all", "any"] {
            let fields = list(&format!("{group}_field"));
            let ops = list(&format!("{group}_op"));
            let values = list(&format!("{group}_value"));
            let rows = (0..fields.len())
                .map(|i| CondRow {
                    field: nth(&fields, i),
                    op: nth(&ops, i),
                    value: nth(&values, i),
                })
                .collect();
            if group == "all" {
                f.all = rows;
            } else {
                f.any = rows;
            }
        }
        let kinds = list("a_type");
        let col = |name: &str| list(name);
        let (templates, texts, statuses, priorities, types, tags) = (
            col("a_template"),
            col("a_text"),
            col("a_status"),
            col("a_priority"),
            col("a_ticket_type"),
            col("a_tags"),
        );
        let (assigns, users, teams, methods, policies, reasons, notifies, urls) = (
            col("a_assign"),
            col("a_user"),
            col("a_team"),
            col("a_method"),
            col("a_policy"),
            col("a_reason"),
            col("a_notify"),
            col("a_url"),
        );
        f.actions = (0..kinds.len())
            .map(|i| ActionRow {
                kind: nth(&kinds, i),
                template: nth(&templates, i),
                text: nth(&texts, i),
                status: nth(&statuses, i),
                priority: nth(&priorities, i),
                ticket_type: nth(&types, i),
                tags: nth(&tags, i),
                assign: nth(&assigns, i),
                user: nth(&users, i),
                team: nth(&teams, i),
                method: nth(&methods, i),
                policy: nth(&policies, i),
                reason: nth(&reasons, i),
                notify: nth(&notifies, i),
                url: nth(&urls, i),
            })
            .collect();
        f
    }

    /// A stored rule, as its form shows it.
    pub fn of(name: &str, trigger: &str, rule_set: &str, stop: bool, def: &Definition) -> Self {
        let row = |c: &Condition| CondRow {
            field: c.field.as_str().into(),
            op: c.op.as_str().into(),
            value: c.value.display(),
        };
        let (time_anchor, time_amount, time_unit) = match &def.time {
            Some(time) => {
                let (amount, unit) = if time.minutes % 1440 == 0 {
                    (time.minutes / 1440, "days")
                } else if time.minutes % 60 == 0 {
                    (time.minutes / 60, "hours")
                } else {
                    (time.minutes, "minutes")
                };
                (time.after.as_str().into(), amount.to_string(), unit.into())
            }
            None => (
                TimeAnchor::TicketCreated.as_str().into(),
                String::new(),
                "hours".into(),
            ),
        };
        RuleForm {
            name: name.into(),
            trigger: trigger.into(),
            rule_set: rule_set.into(),
            stop,
            time_anchor,
            time_amount,
            time_unit,
            all: def.conditions.all.iter().map(row).collect(),
            any: def.conditions.any.iter().map(row).collect(),
            actions: def.actions.iter().map(action_row).collect(),
            more: String::new(),
        }
    }

    /// The rows to show: what was typed (blank rows dropped), and one blank row per group to add to (the one the
    /// "add" button asked for comes on top of that).
    pub fn with_blank_rows(mut self) -> Self {
        self.all.retain(|r| !r.field.is_empty());
        self.any.retain(|r| !r.field.is_empty());
        self.actions.retain(|r| !r.kind.is_empty());
        let extra = |group: &str, more: &str| if group == more { 2 } else { 1 };
        for _ in 0..extra("all", &self.more) {
            self.all.push(CondRow::default());
        }
        for _ in 0..extra("any", &self.more) {
            self.any.push(CondRow::default());
        }
        for _ in 0..extra("action", &self.more) {
            self.actions.push(ActionRow::default());
        }
        self
    }
}

fn action_row(a: &Action) -> ActionRow {
    let mut r = ActionRow {
        method: AssignMethod::RoundRobin.as_str().into(),
        ..ActionRow::default()
    };
    match a {
        Action::Reply { template } => {
            r.kind = "reply".into();
            r.template = template.0.to_string();
        }
        Action::Note { text } => {
            r.kind = "note".into();
            r.text = text.clone();
        }
        Action::SetStatus { status } => {
            r.kind = "set_status".into();
            r.status = status.clone();
        }
        Action::SetPriority { priority } => {
            r.kind = "set_priority".into();
            r.priority = priority.clone();
        }
        Action::SetType { ticket_type } => {
            r.kind = "set_type".into();
            r.ticket_type = ticket_type.clone();
        }
        Action::AddTags { tags } => {
            r.kind = "add_tags".into();
            r.tags = tags.join(", ");
        }
        Action::RemoveTags { tags } => {
            r.kind = "remove_tags".into();
            r.tags = tags.join(", ");
        }
        Action::Assign { to } => {
            r.kind = "assign".into();
            match to {
                AssignTo::Agent { user } => {
                    r.assign = "agent".into();
                    r.user = user.0.to_string();
                }
                AssignTo::Team { team, method } => {
                    r.assign = "team".into();
                    r.team = team.0.to_string();
                    r.method = method.as_str().into();
                }
                AssignTo::AnyAgent { method } => {
                    r.assign = "any_agent".into();
                    r.method = method.as_str().into();
                }
                AssignTo::Nobody => r.assign = "nobody".into(),
            }
        }
        Action::ApplySla { policy } => {
            r.kind = "apply_sla".into();
            r.policy = policy.0.to_string();
        }
        Action::OpenRma { reason } => {
            r.kind = "open_rma".into();
            r.reason = reason.clone();
        }
        Action::Notify { to, text } => {
            r.kind = "notify".into();
            r.text = text.clone();
            match to {
                NotifyTo::Assignee => r.notify = "assignee".into(),
                NotifyTo::Team { team } => {
                    r.notify = "team".into();
                    r.team = team.0.to_string();
                }
                NotifyTo::User { user } => {
                    r.notify = "user".into();
                    r.user = user.0.to_string();
                }
                NotifyTo::Admins => r.notify = "admins".into(),
            }
        }
        Action::Webhook { url } => {
            r.kind = "webhook".into();
            r.url = url.clone();
        }
        Action::BotAnswer => r.kind = "bot_answer".into(),
    }
    r
}

/// A checked rule, ready to store.
pub struct Checked {
    pub name: String,
    pub trigger: Trigger,
    pub rule_set: RuleSet,
    pub stop: bool,
    pub definition: Definition,
}

/// Comma-separated values, trimmed, blanks dropped.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A condition's value in the shape its field and operator expect; what can't be read as
/// that shape stays text, so `validate` names the problem.
pub fn value_of(field: Field, op: Op, text: &str) -> Value {
    let text = text.trim();
    if op.takes_no_value() {
        return Value::Null;
    }
    if text.is_empty() {
        return Value::Null;
    }
    let kind = field.kind();
    let numeric = matches!(op, Op::Gt | Op::Gte | Op::Lt | Op::Lte)
        || (kind == FieldKind::Number && !matches!(op, Op::In | Op::NotIn));
    if numeric {
        return text
            .parse::<f64>()
            .map_or_else(|_| Value::Text(text.to_owned()), Value::Number);
    }
    if kind == FieldKind::Bool {
        return match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => Value::Text(text.to_owned()),
        };
    }
    let list = matches!(op, Op::In | Op::NotIn | Op::ContainsAny)
        || (kind == FieldKind::List && !matches!(op, Op::Contains | Op::NotContains));
    if list {
        Value::List(split_list(text))
    } else {
        Value::Text(text.to_owned())
    }
}

fn pick<T: Copy>(options: &[(T, String)], raw: &str, id: impl Fn(T) -> uuid::Uuid) -> Option<T> {
    let wanted: uuid::Uuid = raw.trim().parse().ok()?;
    options.iter().map(|(v, _)| *v).find(|v| id(*v) == wanted)
}

fn action_of(row: &ActionRow, choices: &Choices) -> Option<Action> {
    let method = || AssignMethod::parse(&row.method);
    let user = || pick(&choices.agents, &row.user, |u: UserId| u.0);
    let team = || pick(&choices.teams, &row.team, |t: TeamId| t.0);
    Some(match row.kind.as_str() {
        "reply" => Action::Reply {
            template: pick(&choices.templates, &row.template, |t: ReplyTemplateId| t.0)?,
        },
        "note" => Action::Note {
            text: row.text.trim().to_owned(),
        },
        "set_status" => Action::SetStatus {
            status: row.status.clone(),
        },
        "set_priority" => Action::SetPriority {
            priority: row.priority.clone(),
        },
        "set_type" => Action::SetType {
            ticket_type: row.ticket_type.clone(),
        },
        "add_tags" => Action::AddTags {
            tags: split_list(&row.tags),
        },
        "remove_tags" => Action::RemoveTags {
            tags: split_list(&row.tags),
        },
        "assign" => Action::Assign {
            to: match row.assign.as_str() {
                "agent" => AssignTo::Agent { user: user()? },
                "team" => AssignTo::Team {
                    team: team()?,
                    method: method()?,
                },
                "any_agent" => AssignTo::AnyAgent { method: method()? },
                "nobody" => AssignTo::Nobody,
                _ => return None,
            },
        },
        "apply_sla" => Action::ApplySla {
            policy: pick(&choices.policies, &row.policy, |p: SlaPolicyId| p.0)?,
        },
        "open_rma" => Action::OpenRma {
            reason: aftersail_domain::returns::ReturnReason::ALL
                .iter()
                .find(|r| r.code() == row.reason)?
                .code()
                .to_owned(),
        },
        "notify" => Action::Notify {
            to: match row.notify.as_str() {
                "assignee" => NotifyTo::Assignee,
                "team" => NotifyTo::Team { team: team()? },
                "user" => NotifyTo::User { user: user()? },
                "admins" => NotifyTo::Admins,
                _ => return None,
            },
            text: row.text.trim().to_owned(),
        },
        "webhook" => Action::Webhook {
            url: row.url.trim().to_owned(),
        },
        "bot_answer" => Action::BotAnswer,
        _ => return None,
    })
}

/// The form checked: `Err` lists every problem (the form's own, then `rules::validate`'s).
pub fn check(
    t: &Tr,
    form: &RuleForm,
    choices: &Choices,
) -> Result<Checked, (Option<&'static str>, Vec<String>)> {
    let mut problems = Vec::new();
    let name = aftersail_domain::validation::clean_name(&form.name);
    let name_problem = name.is_none().then_some(t.err_name_invalid);
    let trigger = Trigger::parse(&form.trigger);
    if trigger.is_none() {
        problems.push(t.rule_err_trigger.to_owned());
    }
    let rule_set = RuleSet::parse(&form.rule_set);
    if rule_set.is_none() {
        problems.push(t.rule_err_set.to_owned());
    }
    let time = if trigger == Some(Trigger::Time) {
        let unit = match form.time_unit.as_str() {
            "minutes" => Some(1),
            "hours" => Some(60),
            "days" => Some(1440),
            _ => None,
        };
        let minutes = form
            .time_amount
            .trim()
            .parse::<u32>()
            .ok()
            .zip(unit)
            .and_then(|(n, unit)| n.checked_mul(unit));
        match (TimeAnchor::parse(&form.time_anchor), minutes) {
            (Some(after), Some(minutes)) => Some(TimeTrigger { after, minutes }),
            _ => {
                problems.push(t.rule_err_time.to_owned());
                None
            }
        }
    } else {
        None
    };
    let mut conditions = Conditions::default();
    let mut number = 0;
    for (group, rows) in [("all", &form.all), ("any", &form.any)] {
        for row in rows.iter().filter(|r| !r.field.is_empty()) {
            number += 1;
            match (Field::parse(&row.field), Op::parse(&row.op)) {
                (Some(field), Some(op)) => {
                    let c = Condition::new(field, op, value_of(field, op, &row.value));
                    if group == "all" {
                        conditions.all.push(c);
                    } else {
                        conditions.any.push(c);
                    }
                }
                _ => problems.push(t.fill(t.rule_err_condition, number)),
            }
        }
    }
    let mut actions = Vec::new();
    for (i, row) in form
        .actions
        .iter()
        .filter(|r| !r.kind.is_empty())
        .enumerate()
    {
        match action_of(row, choices) {
            Some(a) => actions.push(a),
            None => problems.push(t.fill(t.rule_err_action, i + 1)),
        }
    }
    let definition = Definition {
        conditions,
        actions,
        time,
    };
    if let Some(trigger) = trigger {
        if let Err(found) = aftersail_domain::rules::validate(trigger, &definition) {
            problems.extend(found);
        }
    }
    match (name, trigger, rule_set) {
        (Some(name), Some(trigger), Some(rule_set)) if problems.is_empty() => Ok(Checked {
            name,
            trigger,
            rule_set,
            stop: form.stop,
            definition,
        }),
        _ => Err((name_problem, problems)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn repeated_names_make_rows_and_blank_rows_are_ignored() {
        let form = RuleForm::from_pairs(pairs(&[
            ("name", "German"),
            ("trigger", "message_received"),
            ("rule_set", "always"),
            ("all_field", "message.language"),
            ("all_op", "is"),
            ("all_value", "de"),
            ("all_field", ""),
            ("all_op", "is"),
            ("all_value", ""),
            ("any_field", "customer.tags"),
            ("any_op", "contains_any"),
            ("any_value", "vip, wholesale"),
            ("a_type", "add_tags"),
            ("a_tags", "german, de"),
            ("a_type", ""),
            ("a_tags", ""),
        ]));
        let checked = check(&crate::i18n::EN, &form, &Choices::default()).unwrap();
        assert_eq!(checked.definition.conditions.all.len(), 1);
        assert_eq!(
            checked.definition.conditions.any[0].value,
            Value::List(vec!["vip".into(), "wholesale".into()])
        );
        assert_eq!(
            checked.definition.actions,
            vec![Action::AddTags {
                tags: vec!["german".into(), "de".into()]
            }]
        );
        // And back: the stored rule shows as the same rows.
        let again = RuleForm::of(
            "German",
            "message_received",
            "always",
            false,
            &checked.definition,
        );
        assert_eq!(again.all[0].value, "de");
        assert_eq!(again.any[0].value, "vip, wholesale");
        assert_eq!(again.actions[0].tags, "german, de");
    }

    #[test]
    fn values_take_the_shape_of_field_and_operator() {
        assert_eq!(
            value_of(Field::OrderTotal, Op::Gt, " 12.5 "),
            Value::Number(12.5)
        );
        assert_eq!(
            value_of(Field::OrderHasTracking, Op::Is, "yes"),
            Value::Bool(true)
        );
        assert_eq!(
            value_of(Field::TicketPriority, Op::In, "high,urgent"),
            Value::List(vec!["high".into(), "urgent".into()])
        );
        assert_eq!(
            value_of(Field::MessageText, Op::Contains, "订单"),
            Value::Text("订单".into())
        );
        assert_eq!(value_of(Field::TicketTags, Op::IsSet, "x"), Value::Null);
        assert_eq!(
            value_of(Field::OrderTotal, Op::Gt, "lots"),
            Value::Text("lots".into())
        );
    }

    #[test]
    fn unknown_choices_and_domain_problems_are_reported() {
        let form = RuleForm::from_pairs(pairs(&[
            ("name", "Bad"),
            ("trigger", "time"),
            ("rule_set", "always"),
            ("time_anchor", "ticket_created"),
            ("time_amount", "soon"),
            ("time_unit", "hours"),
            ("a_type", "reply"),
            ("a_template", &uuid::Uuid::now_v7().to_string()),
        ]));
        let (name, problems) = check(&crate::i18n::EN, &form, &Choices::default())
            .err()
            .unwrap();
        assert!(name.is_none());
        assert!(problems.iter().any(|p| p.contains("how long after")));
        assert!(problems.iter().any(|p| p.starts_with("Action 1:")));
        assert!(problems.iter().any(|p| p.contains("at least one action")));
    }
}
