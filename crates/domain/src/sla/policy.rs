//! SLA policies as pure code: which tickets a policy covers, when a target falls due, what a
//! pause does to it, and how the inbox shows it.
//!
//! * **Matching.** Every non-empty list of a [`PolicyMatch`] must contain the ticket's value;
//!   channels match case-insensitively, customer tags when any one is shared (case-insensitive).
//!   A policy listing ticket types never matches a ticket without a type.
//! * **Deadlines** are counted on the policy's [`Clock`]: `deadline(clock, start, 8 h)` on
//!   business hours is eight *open* hours after `start`.
//! * **Pauses** (ticket pending on the customer) freeze the counted time left: on resume the
//!   same counted time is left again, so pausing never shortens (or lengthens) the time an agent
//!   has; a target already overdue at the pause is due again the moment it resumes.
//! * **State** is wall-clock: "due in 2 h" on the inbox row means two real hours, whatever the
//!   calendar, because that is when the row turns red.

use chrono::{DateTime, Duration, Utc};

use super::calendar::Clock;
use crate::ticket::{vocabulary, Priority, TicketType};

vocabulary!(
    /// What an SLA target measures.
    Target { FirstReply = "first_reply", NextReply = "next_reply", Resolution = "resolution" }
);

/// Which tickets a policy applies to; an empty list means "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyMatch {
    pub channels: Vec<String>,
    pub priorities: Vec<Priority>,
    pub types: Vec<TicketType>,
    pub customer_tags: Vec<String>,
}

/// The ticket as SLA matching sees it.
#[derive(Clone, Copy, Debug)]
pub struct SlaSubject<'a> {
    pub channel: &'a str,
    pub priority: Priority,
    pub ticket_type: Option<TicketType>,
    pub customer_tags: &'a [String],
}

impl PolicyMatch {
    /// Every non-empty list must contain the ticket's value; customer tags: any one in common
    /// (case-insensitive). A policy with a type list never matches a ticket without a type.
    pub fn matches(&self, s: &SlaSubject) -> bool {
        let channel_ok =
            self.channels.is_empty() || self.channels.iter().any(|c| same_text(c, s.channel));
        let priority_ok = self.priorities.is_empty() || self.priorities.contains(&s.priority);
        let type_ok =
            self.types.is_empty() || s.ticket_type.is_some_and(|t| self.types.contains(&t));
        let tags_ok = self.customer_tags.is_empty()
            || self
                .customer_tags
                .iter()
                .any(|wanted| s.customer_tags.iter().any(|tag| same_text(wanted, tag)));
        channel_ok && priority_ok && type_ok && tags_ok
    }
}

/// Equal ignoring case and surrounding spaces (tags are stored lowercased, but a policy typed
/// by hand may not be).
fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The deadline for a new target clock started at `start`.
pub fn deadline(clock: &Clock, start: DateTime<Utc>, target: Duration) -> DateTime<Utc> {
    clock.add(start, target)
}

/// The deadline after a pause: the counted time that was left at `paused_at` is left again at
/// `resumed_at` (a deadline already passed at the pause stays passed: zero left → resumed_at).
pub fn resume(
    clock: &Clock,
    due: DateTime<Utc>,
    paused_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> DateTime<Utc> {
    clock.add(resumed_at, clock.between(paused_at, due))
}

/// What the inbox row and ticket page show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaState {
    Running { left: Duration },
    DueSoon { left: Duration },
    Breached { overdue: Duration },
}

/// `warn` ahead of `due` is DueSoon; at or after `due` Breached. Both ends count as the later
/// state: exactly `warn` left is DueSoon, exactly zero left is Breached (overdue by zero).
pub fn state(due: DateTime<Utc>, now: DateTime<Utc>, warn: Duration) -> SlaState {
    let left = due - now;
    if left <= Duration::zero() {
        SlaState::Breached { overdue: now - due }
    } else if left <= warn {
        SlaState::DueSoon { left }
    } else {
        SlaState::Running { left }
    }
}

/// "2 h 05 m", "3 d 4 h", "45 m", "under a minute" — short human text for a duration.
///
/// Two units at most, rounded down (a countdown must not promise time that is not there);
/// a zero lower unit is left out ("2 h", "3 d"). The sign is ignored: the caller says
/// "left" or "overdue".
pub fn short_duration(d: Duration) -> String {
    let secs = d.num_seconds().unsigned_abs();
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => "under a minute".to_owned(),
        (0, 0, m) => format!("{m} m"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m:02} m"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::calendar::{Calendar, WeeklyHours};
    use chrono::{NaiveTime, TimeZone, Weekday};
    use chrono_tz::Europe::Berlin;

    fn office() -> Clock {
        let hours = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .map(|day| WeeklyHours {
            day,
            open: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            close: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        })
        .collect();
        Clock::Business(Calendar::new(Berlin, hours, vec![]).unwrap())
    }

    /// Berlin local time in the week of Monday 2026-03-09.
    fn berlin(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Berlin
            .with_ymd_and_hms(2026, 3, day, hour, minute, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn target_codes_round_trip() {
        for target in Target::ALL {
            assert_eq!(Target::parse(target.as_str()), Some(*target));
        }
        let codes: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(codes, ["first_reply", "next_reply", "resolution"]);
        assert_eq!(Target::parse("FIRST_REPLY"), None);
        assert_eq!(Target::parse("first_response"), None);
    }

    #[test]
    fn policies_match_tickets() {
        let vip = vec!["vip".to_owned(), "wholesale".to_owned()];
        let none: Vec<String> = vec![];
        let email_normal = SlaSubject {
            channel: "email",
            priority: Priority::Normal,
            ticket_type: None,
            customer_tags: &none,
        };
        let amazon_urgent_return = SlaSubject {
            channel: "amazon",
            priority: Priority::Urgent,
            ticket_type: Some(TicketType::Return),
            customer_tags: &vip,
        };
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let any = PolicyMatch::default();
        let marketplaces = PolicyMatch {
            channels: strings(&["amazon", "ebay"]),
            ..PolicyMatch::default()
        };
        let marketplaces_shouting = PolicyMatch {
            channels: strings(&["Amazon"]),
            ..PolicyMatch::default()
        };
        let urgent_or_high = PolicyMatch {
            priorities: vec![Priority::Urgent, Priority::High],
            ..PolicyMatch::default()
        };
        let returns = PolicyMatch {
            types: vec![TicketType::Return, TicketType::Repair],
            ..PolicyMatch::default()
        };
        let vip_customers = PolicyMatch {
            customer_tags: strings(&["VIP ", "press"]),
            ..PolicyMatch::default()
        };
        let urgent_vip_returns_on_amazon = PolicyMatch {
            channels: strings(&["amazon"]),
            priorities: vec![Priority::Urgent],
            types: vec![TicketType::Return],
            customer_tags: strings(&["vip"]),
        };
        let urgent_vip_returns_on_ebay = PolicyMatch {
            channels: strings(&["ebay"]),
            ..urgent_vip_returns_on_amazon.clone()
        };
        #[rustfmt::skip]
        let cases = [
            ("empty policy matches anything", &any, &email_normal, true),
            ("empty policy matches anything (2)", &any, &amazon_urgent_return, true),
            ("channel listed", &marketplaces, &amazon_urgent_return, true),
            ("channel not listed", &marketplaces, &email_normal, false),
            ("channel case-insensitive", &marketplaces_shouting, &amazon_urgent_return, true),
            ("priority listed", &urgent_or_high, &amazon_urgent_return, true),
            ("priority not listed", &urgent_or_high, &email_normal, false),
            ("type listed", &returns, &amazon_urgent_return, true),
            ("type list never matches an untyped ticket", &returns, &email_normal, false),
            ("a tag in common, case-insensitive", &vip_customers, &amazon_urgent_return, true),
            ("tag list and a customer without tags", &vip_customers, &email_normal, false),
            ("every list matches", &urgent_vip_returns_on_amazon, &amazon_urgent_return, true),
            ("one list fails", &urgent_vip_returns_on_ebay, &amazon_urgent_return, false),
        ];
        for (name, policy, subject, expected) in cases {
            assert_eq!(policy.matches(subject), expected, "{name}");
        }
    }

    #[test]
    fn deadlines_count_on_the_policy_clock() {
        let friday_4pm = berlin(13, 16, 0);
        assert_eq!(
            deadline(&office(), friday_4pm, Duration::hours(2)),
            berlin(16, 10, 0)
        );
        assert_eq!(
            deadline(&Clock::Calendar, friday_4pm, Duration::hours(24)),
            berlin(14, 16, 0)
        );
    }

    #[test]
    fn resume_keeps_the_counted_time_left() {
        let office = office();
        #[rustfmt::skip]
        let cases = [
            // (name, clock, due, paused_at, resumed_at, new due)
            ("2 h left, resumed an hour before close", &office, berlin(9, 12, 0), berlin(9, 10, 0), berlin(9, 16, 0), berlin(10, 10, 0)),
            ("paused and resumed while closed: unchanged", &office, berlin(10, 10, 0), berlin(9, 18, 0), berlin(9, 20, 0), berlin(10, 10, 0)),
            ("resumed at once: unchanged", &office, berlin(10, 10, 0), berlin(9, 16, 0), berlin(9, 16, 0), berlin(10, 10, 0)),
            ("paused over the weekend", &office, berlin(13, 17, 0), berlin(13, 15, 0), berlin(16, 9, 0), berlin(16, 11, 0)),
            ("already overdue at the pause: due on resume", &office, berlin(9, 12, 0), berlin(9, 13, 0), berlin(10, 10, 0), berlin(10, 10, 0)),
            ("overdue, resumed while closed: due on resume", &office, berlin(9, 12, 0), berlin(9, 13, 0), berlin(14, 10, 0), berlin(14, 10, 0)),
            ("calendar clock: shifted by the pause", &Clock::Calendar, berlin(9, 12, 0), berlin(9, 10, 0), berlin(9, 11, 30), berlin(9, 13, 30)),
        ];
        for (name, clock, due, paused_at, resumed_at, expected) in cases {
            assert_eq!(
                resume(clock, due, paused_at, resumed_at),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn state_by_time_left() {
        let due = berlin(9, 12, 0);
        let warn = Duration::hours(2);
        let h = Duration::hours;
        let m = Duration::minutes;
        #[rustfmt::skip]
        let cases = [
            ("plenty left", berlin(9, 9, 0), SlaState::Running { left: h(3) }),
            ("a minute before the warning", berlin(9, 9, 59), SlaState::Running { left: h(2) + m(1) }),
            ("exactly the warning ahead", berlin(9, 10, 0), SlaState::DueSoon { left: h(2) }),
            ("a minute left", berlin(9, 11, 59), SlaState::DueSoon { left: m(1) }),
            ("at the deadline", berlin(9, 12, 0), SlaState::Breached { overdue: h(0) }),
            ("after the deadline", berlin(10, 12, 30), SlaState::Breached { overdue: h(24) + m(30) }),
        ];
        for (name, now, expected) in cases {
            assert_eq!(state(due, now, warn), expected, "{name}");
        }
        assert_eq!(
            state(due, berlin(9, 11, 0), Duration::zero()),
            SlaState::Running { left: h(1) },
            "no warning window"
        );
    }

    #[test]
    fn short_durations_read_at_a_glance() {
        let s = Duration::seconds;
        let m = Duration::minutes;
        let h = Duration::hours;
        let d = Duration::days;
        #[rustfmt::skip]
        let cases = [
            (s(0), "under a minute"),
            (s(59), "under a minute"),
            (m(1), "1 m"),
            (m(45) + s(59), "45 m"),
            (m(59) + s(59), "59 m"),
            (h(1), "1 h"),
            (h(2) + m(5), "2 h 05 m"),
            (h(2) + m(5) + s(59), "2 h 05 m"),
            (h(10) + m(30), "10 h 30 m"),
            (h(23) + m(59), "23 h 59 m"),
            (h(24), "1 d"),
            (d(1) + m(59), "1 d"),
            (d(3) + h(4), "3 d 4 h"),
            (d(3) + h(4) + m(59), "3 d 4 h"),
            (d(40) + h(23), "40 d 23 h"),
            (-(h(2) + m(5)), "2 h 05 m"),
            (-s(30), "under a minute"),
            (Duration::milliseconds(999), "under a minute"),
        ];
        for (duration, text) in cases {
            assert_eq!(short_duration(duration), text, "{duration:?}");
        }
    }
}
