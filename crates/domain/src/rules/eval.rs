//! Whether a rule's conditions hold for a set of facts.
//!
//! Semantics, operator by operator (a field is *not set* when absent, blank text or an empty
//! list; every positive operator is false for it):
//!
//! | op | text | list (tags) | number | bool |
//! |----|------|-------------|--------|------|
//! | `is` | equal, trimmed, case-insensitive | same set as the value (a text value = a set of one) | equal (numeric text counts) | equal |
//! | `in` | equal to one of the list | — | equal to one of the list | — |
//! | `contains` | every keyword is a substring | every value is an element | — | — |
//! | `contains_any` | some keyword is a substring | some element in common | — | — |
//! | `gt` `gte` `lt` `lte` | — | — | numeric | — |
//!
//! A value of the wrong shape for the fact (text against a number field, …) never matches;
//! `validate` keeps such rules from being saved. Blank keywords are ignored, so a stray empty
//! keyword cannot make `contains_any` match everything. List elements compare as tags do
//! ("Late Delivery" = "late-delivery").
//!
//! `is_not`, `not_in` and `not_contains` are the exact negations of `is`, `in` and `contains`,
//! so they hold for a field that is not set.
//!
//! `changed`, `changed_to` and `changed_from` compare the value recorded before an update
//! ([`Facts::set_previous`]) with the current one; a field with no recorded previous value
//! never changed. `changed_to X`: was not X and now is (for tags: X was added);
//! `changed_from X`: was X and now is not (for tags: X was removed). Unlike the other
//! operators these may hold when the current value is not set (an assignee removed is
//! `ticket.assignee changed_from <id>`).

use std::collections::BTreeSet;

use super::facts::{Fact, Facts};
use super::model::{Condition, Conditions, Op, Value};

/// The result of evaluating a rule's conditions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub matched: bool,
    /// Descriptions of the conditions that did not hold: every failed `all` condition, and
    /// every `any` condition when none of them held. For run logs ("why didn't it fire?").
    pub failed: Vec<String>,
}

/// Every `all` condition holds, and at least one `any` condition holds when `any` is not
/// empty; no conditions at all → matched.
pub fn evaluate(conditions: &Conditions, facts: &Facts) -> Outcome {
    let mut failed: Vec<String> = conditions
        .all
        .iter()
        .filter(|c| !holds(c, facts))
        .map(Condition::describe)
        .collect();
    if !conditions.any.is_empty() && !conditions.any.iter().any(|c| holds(c, facts)) {
        failed.extend(conditions.any.iter().map(Condition::describe));
    }
    Outcome {
        matched: failed.is_empty(),
        failed,
    }
}

/// Whether one condition holds.
pub fn holds(condition: &Condition, facts: &Facts) -> bool {
    let field = condition.field;
    let value = &condition.value;
    let current = present(facts.get(field));
    match condition.op {
        Op::IsSet => current.is_some(),
        Op::IsNotSet => current.is_none(),
        Op::IsNot => !compares(Op::Is, current, value),
        Op::NotIn => !compares(Op::In, current, value),
        Op::NotContains => !compares(Op::Contains, current, value),
        Op::Changed => match facts.previous(field) {
            Some(before) => !same(present(before), current),
            None => false,
        },
        Op::ChangedTo => match facts.previous(field) {
            Some(before) => !is_target(present(before), value) && is_target(current, value),
            None => false,
        },
        Op::ChangedFrom => match facts.previous(field) {
            Some(before) => is_target(present(before), value) && !is_target(current, value),
            None => false,
        },
        op @ (Op::Is
        | Op::In
        | Op::Contains
        | Op::ContainsAny
        | Op::Gt
        | Op::Gte
        | Op::Lt
        | Op::Lte) => compares(op, current, value),
    }
}

fn present(fact: Option<&Fact>) -> Option<&Fact> {
    fact.filter(|f| f.is_present())
}

/// What `changed_to` / `changed_from` look for: the value itself, or for tags, its elements.
fn is_target(fact: Option<&Fact>, value: &Value) -> bool {
    match fact {
        Some(Fact::List(_)) => compares(Op::Contains, fact, value),
        _ => compares(Op::Is, fact, value),
    }
}

/// The positive operators; `false` for a field that is not set.
fn compares(op: Op, fact: Option<&Fact>, value: &Value) -> bool {
    let Some(fact) = fact else {
        return false;
    };
    match op {
        Op::Is => match (fact, value) {
            (Fact::Text(t), Value::Text(v)) => text(t) == text(v),
            (Fact::Number(n), v) => v.as_number().is_some_and(|v| *n == v),
            (Fact::Bool(b), Value::Bool(v)) => b == v,
            (Fact::List(items), v) => v
                .as_strings()
                .is_some_and(|vs| tag_set(items.iter().map(String::as_str)) == tag_set(vs)),
            _ => false,
        },
        Op::In => {
            let Some(options) = value.as_strings() else {
                return false;
            };
            match fact {
                Fact::Text(t) => options.iter().any(|o| text(o) == text(t)),
                Fact::Number(n) => options
                    .iter()
                    .any(|o| o.trim().parse::<f64>().is_ok_and(|o| o == *n)),
                Fact::List(_) | Fact::Bool(_) => false,
            }
        }
        Op::Contains | Op::ContainsAny => {
            let Some(keywords) = value.as_strings() else {
                return false;
            };
            // One entry per usable (non-blank) keyword: whether the fact has it.
            let found: Vec<bool> = match fact {
                Fact::Text(t) => {
                    let haystack = text(t);
                    keywords
                        .iter()
                        .map(|k| text(k))
                        .filter(|k| !k.is_empty())
                        .map(|k| haystack.contains(&k))
                        .collect()
                }
                Fact::List(items) => {
                    let set = tag_set(items.iter().map(String::as_str));
                    keywords
                        .iter()
                        .map(|k| tag(k))
                        .filter(|k| !k.is_empty())
                        .map(|k| set.contains(&k))
                        .collect()
                }
                Fact::Number(_) | Fact::Bool(_) => return false,
            };
            if op == Op::Contains {
                // No usable keyword must not match vacuously.
                !found.is_empty() && found.iter().all(|f| *f)
            } else {
                found.iter().any(|f| *f)
            }
        }
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            let (Fact::Number(n), Some(v)) = (fact, value.as_number()) else {
                return false;
            };
            match op {
                Op::Gt => *n > v,
                Op::Gte => *n >= v,
                Op::Lt => *n < v,
                _ => *n <= v,
            }
        }
        _ => false,
    }
}

/// Two values of a field are the same for `changed`: as the field's own `is` would see them.
fn same(a: Option<&Fact>, b: Option<&Fact>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Fact::Text(a)), Some(Fact::Text(b))) => text(a) == text(b),
        (Some(Fact::Number(a)), Some(Fact::Number(b))) => a == b,
        (Some(Fact::Bool(a)), Some(Fact::Bool(b))) => a == b,
        (Some(Fact::List(a)), Some(Fact::List(b))) => {
            tag_set(a.iter().map(String::as_str)) == tag_set(b.iter().map(String::as_str))
        }
        _ => false,
    }
}

/// Text as conditions compare it: trimmed, lowercased (any script; CJK is unaffected).
fn text(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A tag as `crate::tags` stores it: lowercased, words joined by '-'.
fn tag(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

fn tag_set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items
        .into_iter()
        .map(tag)
        .filter(|t| !t.is_empty())
        .collect()
}
