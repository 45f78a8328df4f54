//! What the rules editor checks before a rule is saved, so that the worker only ever meets
//! rules it can run. Errors are sentences for the person editing the rule; all of them are
//! reported at once.
//!
//! Checked: at least one action and at most [`MAX_ACTIONS`], at most [`MAX_CONDITIONS`];
//! each condition's operator fits its field's kind and its value has the right shape (a
//! vocabulary field only takes its codes, an assignee or team an id); `changed*` only for
//! `ticket_updated`; a `time` part exactly for `time` rules, 1 to [`MAX_TIME_MINUTES`]
//! minutes after any anchor; tag lists non-empty and valid tags; status, priority and type
//! codes known; note and notification texts non-blank and at most [`MAX_TEXT_CHARS`];
//! webhook URLs absolute http(s) with a host. Whether a webhook host is private is decided
//! where it is called, after DNS resolution, not here.

use super::model::{
    Action, Condition, Definition, FieldKind, Op, Trigger, Value, MAX_ACTIONS, MAX_CONDITIONS,
    MAX_TEXT_CHARS, MAX_TIME_MINUTES,
};
use crate::tags;
use crate::ticket::{Priority, Status, TicketType};

/// Checks a rule; `Err` carries every problem found, as human messages.
pub fn validate(trigger: Trigger, def: &Definition) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();

    let count = def.conditions.len();
    if count > MAX_CONDITIONS {
        errors.push(format!(
            "A rule can have at most {MAX_CONDITIONS} conditions (this one has {count})."
        ));
    }
    for condition in def.conditions.all.iter().chain(&def.conditions.any) {
        for problem in condition_problems(trigger, condition) {
            errors.push(format!("“{}”: {problem}", condition.describe()));
        }
    }

    match (trigger, &def.time) {
        (Trigger::Time, None) => {
            errors.push("A time rule needs to say how long after what it runs.".to_owned())
        }
        (Trigger::Time, Some(time)) => {
            if !(1..=MAX_TIME_MINUTES).contains(&time.minutes) {
                errors.push(format!(
                    "A time rule runs 1 to {MAX_TIME_MINUTES} minutes (a year) after {}, not {}.",
                    time.after.label(),
                    time.minutes
                ));
            }
        }
        (_, Some(_)) => errors.push(format!(
            "Only time rules have a waiting time; this rule runs when “{}”.",
            trigger.label().to_lowercase()
        )),
        (_, None) => {}
    }

    if def.actions.is_empty() {
        errors.push("A rule needs at least one action.".to_owned());
    }
    if def.actions.len() > MAX_ACTIONS {
        errors.push(format!(
            "A rule can have at most {MAX_ACTIONS} actions (this one has {}).",
            def.actions.len()
        ));
    }
    for action in &def.actions {
        for problem in action_problems(action) {
            errors.push(format!("“{}”: {problem}", action.describe()));
        }
    }

    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn condition_problems(trigger: Trigger, c: &Condition) -> Vec<String> {
    let kind = c.field.kind();
    if !kind.ops().contains(&c.op) {
        return vec![format!(
            "{} can't be compared with “{}”.",
            c.field.label(),
            c.op.label()
        )];
    }
    let mut problems = Vec::new();
    if c.op.is_change() && trigger != Trigger::TicketUpdated {
        problems.push(format!(
            "“{}” only works for rules that run when a ticket is updated.",
            c.op.label()
        ));
    }
    match c.op {
        Op::IsSet | Op::IsNotSet | Op::Changed => {}
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => problems.extend(number_problem(&c.value)),
        Op::In | Op::NotIn => match &c.value {
            Value::List(items) if !items.is_empty() => {
                for item in items {
                    problems.extend(word_problem(c, item));
                }
            }
            _ => problems.push("needs a list of values.".to_owned()),
        },
        Op::Contains | Op::NotContains | Op::ContainsAny => problems.extend(keywords_problem(c)),
        Op::Is | Op::IsNot | Op::ChangedTo | Op::ChangedFrom => match kind {
            FieldKind::Number => problems.extend(number_problem(&c.value)),
            FieldKind::Bool => {
                if !matches!(c.value, Value::Bool(_)) {
                    problems.push("needs true or false.".to_owned());
                }
            }
            FieldKind::List => problems.extend(keywords_problem(c)),
            FieldKind::Text | FieldKind::Enum(_) => match &c.value {
                Value::Text(word) => problems.extend(word_problem(c, word)),
                _ => problems.push("needs a single value.".to_owned()),
            },
        },
    }
    problems
}

fn number_problem(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.is_finite() => None,
        _ => Some("needs a number.".to_owned()),
    }
}

/// One text value: not blank, one of the field's codes, or an id where the field holds ids.
fn word_problem(c: &Condition, word: &str) -> Option<String> {
    let word = word.trim();
    if word.is_empty() {
        return Some("a value is empty.".to_owned());
    }
    if let FieldKind::Enum(codes) = c.field.kind() {
        if !codes.iter().any(|code| code.eq_ignore_ascii_case(word)) {
            return Some(format!(
                "“{word}” is not a {} (one of {}).",
                c.field.label().to_lowercase(),
                codes.join(", ")
            ));
        }
    }
    if c.field.holds_id() && uuid::Uuid::parse_str(word).is_err() {
        return Some(format!("“{word}” is not a valid id."));
    }
    None
}

/// Keywords or tags: a text, or a non-empty list, with nothing blank.
fn keywords_problem(c: &Condition) -> Option<String> {
    match &c.value {
        Value::Text(t) if !t.trim().is_empty() => None,
        Value::List(items) if !items.is_empty() => items
            .iter()
            .any(|i| i.trim().is_empty())
            .then(|| "a value is empty.".to_owned()),
        _ => Some("needs a value or a list of values.".to_owned()),
    }
}

fn action_problems(action: &Action) -> Vec<String> {
    let mut problems = Vec::new();
    match action {
        Action::Reply { .. }
        | Action::Assign { .. }
        | Action::ApplySla { .. }
        | Action::BotAnswer => {}
        Action::Note { text } | Action::Notify { text, .. } => {
            problems.extend(text_problem(text));
        }
        Action::SetStatus { status } => {
            if Status::parse(status).is_none() {
                problems.push(unknown_code(
                    "status",
                    status,
                    Status::ALL.iter().map(|s| s.as_str()),
                ));
            }
        }
        Action::SetPriority { priority } => {
            if Priority::parse(priority).is_none() {
                problems.push(unknown_code(
                    "priority",
                    priority,
                    Priority::ALL.iter().map(|p| p.as_str()),
                ));
            }
        }
        Action::SetType { ticket_type } => {
            if TicketType::parse(ticket_type).is_none() {
                problems.push(unknown_code(
                    "ticket type",
                    ticket_type,
                    TicketType::ALL.iter().map(|t| t.as_str()),
                ));
            }
        }
        Action::AddTags { tags } | Action::RemoveTags { tags } => {
            if tags.is_empty() {
                problems.push("needs at least one tag.".to_owned());
            }
            for raw in tags {
                match tags::normalize(raw) {
                    Ok(Some(_)) => {}
                    Ok(None) => problems.push("a tag is empty.".to_owned()),
                    Err(tags::TagError::TooLong(tag)) => problems.push(format!(
                        "“{tag}” is longer than {} characters.",
                        tags::MAX_TAG_CHARS
                    )),
                    Err(_) => problems.push(format!(
                        "“{}” is not a valid tag (letters, digits, '-' and '_' only).",
                        raw.trim()
                    )),
                }
            }
        }
        Action::OpenRma { reason } => {
            if reason.trim().is_empty() {
                problems.push("needs a reason.".to_owned());
            }
        }
        Action::Webhook { url } => problems.extend(url_problem(url)),
    }
    problems
}

fn text_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("needs a text.".to_owned());
    }
    let chars = text.chars().count();
    (chars > MAX_TEXT_CHARS).then(|| {
        format!("the text is {chars} characters long; at most {MAX_TEXT_CHARS} are allowed.")
    })
}

fn unknown_code<'a>(what: &str, code: &str, codes: impl Iterator<Item = &'a str>) -> String {
    format!(
        "“{code}” is not a {what} (one of {}).",
        codes.collect::<Vec<_>>().join(", ")
    )
}

/// An absolute http(s) URL with a plausible host, checked by hand (the domain crate has no
/// URL parser; the worker parses it properly before calling).
fn url_problem(url: &str) -> Option<String> {
    let bad = || {
        Some(format!(
            "“{url}” is not a web address (http:// or https://)."
        ))
    };
    if url.is_empty()
        || url.len() > 2000
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad();
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad();
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return bad();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        let ok = bracketed
            .split_once(']')
            .is_some_and(|(ip, after)| ip.parse::<std::net::Ipv6Addr>().is_ok() && port_ok(after));
        return if ok { None } else { bad() };
    }
    let (host, port) = match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return bad();
    }
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if labels_ok {
        None
    } else {
        bad()
    }
}

/// Empty, or ':' followed by a port number.
fn port_ok(after_host: &str) -> bool {
    match after_host.strip_prefix(':') {
        None => after_host.is_empty(),
        Some(port) => port.parse::<u16>().is_ok_and(|p| p > 0),
    }
}
