//! Automation rules as pure code: a rule is a [`Trigger`], [`Conditions`] over [`Facts`], and
//! ordered [`Action`]s, stored as a JSON [`Definition`] in a jsonb column.
//!
//! The worker builds [`Facts`] from the database when something happens (a message arrives, a
//! ticket changes, a timer fires), asks [`evaluate`] whether each active rule matches, and
//! carries out the actions of those that do. [`validate`] is what the rules editor runs before
//! a rule is saved, so the worker never meets a rule it cannot understand.
//!
//! Conventions (details in each module):
//! * text compares case-insensitively and trimmed; keywords are plain substrings, so they work
//!   for scripts without spaces between words (订单, การสั่งซื้อ);
//! * a field that is not set (absent, blank text, empty list) satisfies only `is_not_set` and
//!   the negative operators (`is_not`, `not_in`, `not_contains`);
//! * every negative operator is exactly the negation of its positive twin.

pub mod eval;
pub mod facts;
pub mod model;
pub mod validate;

pub use eval::{evaluate, holds, Outcome};
pub use facts::{Fact, Facts};
pub use model::{
    Action, AssignTo, Condition, Conditions, Definition, Field, FieldKind, NotifyTo, Op, RuleSet,
    TimeAnchor, TimeTrigger, Trigger, Value, MAX_ACTIONS, MAX_CONDITIONS, MAX_TEXT_CHARS,
    MAX_TIME_MINUTES,
};
pub use validate::validate;

#[cfg(test)]
mod tests;
