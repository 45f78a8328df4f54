//! SLAs: business-hours clocks and the policies that set reply and resolution targets, as pure
//! code.
//!
//! A policy's [`Clock`] counts either every hour ([`Clock::Calendar`], marketplace deadlines) or
//! only a [`Calendar`]'s opening hours in its time zone, minus holidays ([`Clock::Business`]).
//! [`deadline`] starts a target, [`resume`] moves it after a pause without losing or gaining
//! counted time, and [`state`] / [`short_duration`] are what the inbox shows. The rules for
//! overnight hours, holidays and DST are in [`calendar`].

pub mod calendar;
pub mod policy;

pub use calendar::{parse_zone, Calendar, CalendarError, Clock, WeeklyHours};
pub use policy::{
    deadline, resume, short_duration, state, PolicyMatch, SlaState, SlaSubject, Target,
};

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
