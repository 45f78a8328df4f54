//! Day counting in a local calendar.
//!
//! **Definition.** The *day count* of an instant `at` relative to a start instant is the number of
//! local calendar dates between them in the shop's time zone: the start date is day 0, the next
//! local date is day 1, and so on. A request is *within N days* when its day count is `<= N`.
//!
//! So for an item delivered 2026-03-01 23:30 local, day 14 is the whole of local 2026-03-15 and a
//! request at 2026-03-15 23:59 is within 14 days, one at 2026-03-16 00:00 is not. This matches the
//! EU rule that a period "of days" starts on the day after the event and ends at the end of its
//! last day (Regulation 1182/71, art. 3), and it is immune to DST: a 23- or 25-hour local day is
//! still one day. Times are converted with the IANA database (`chrono-tz`), so the count is exact
//! across DST changes and historical offset changes.
//!
//! A request dated before the start (clock skew, a request made before delivery) counts as day 0.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The local-calendar day count of `at` since `start` in `tz`, never negative.
pub fn days_since(start: DateTime<Utc>, at: DateTime<Utc>, tz: Tz) -> i64 {
    let start_date = start.with_timezone(&tz).date_naive();
    let at_date = at.with_timezone(&tz).date_naive();
    (at_date - start_date).num_days().max(0)
}

/// `days_since <= limit`: the request falls on or before the last day of an N-day period.
pub fn within(days_since: i64, limit: u32) -> bool {
    days_since <= i64::from(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{America::New_York, Asia::Tokyo, Europe::Berlin};

    fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn counts_local_dates() {
        struct Case {
            name: &'static str,
            tz: Tz,
            start: (i32, u32, u32, u32, u32),
            at: (i32, u32, u32, u32, u32),
            days: i64,
        }
        let cases = [
            Case {
                name: "same local day",
                tz: Berlin,
                start: (2026, 3, 1, 0, 5),
                at: (2026, 3, 1, 23, 55),
                days: 0,
            },
            Case {
                name: "late delivery, day 14 last minute",
                tz: Berlin,
                start: (2026, 3, 1, 23, 30),
                at: (2026, 3, 15, 23, 59),
                days: 14,
            },
            Case {
                name: "late delivery, day 15 first minute",
                tz: Berlin,
                start: (2026, 3, 1, 23, 30),
                at: (2026, 3, 16, 0, 0),
                days: 15,
            },
            Case {
                name: "across spring-forward (Berlin 29 Mar)",
                tz: Berlin,
                start: (2026, 3, 20, 10, 0),
                at: (2026, 4, 3, 23, 30),
                days: 14,
            },
            Case {
                name: "across fall-back (Berlin 25 Oct)",
                tz: Berlin,
                start: (2026, 10, 20, 0, 30),
                at: (2026, 11, 3, 23, 30),
                days: 14,
            },
            Case {
                name: "across US spring-forward (8 Mar)",
                tz: New_York,
                start: (2026, 3, 1, 21, 0),
                at: (2026, 3, 31, 23, 59),
                days: 30,
            },
            Case {
                name: "Tokyo has no DST",
                tz: Tokyo,
                start: (2026, 3, 1, 9, 0),
                at: (2026, 3, 9, 0, 0),
                days: 8,
            },
            Case {
                name: "request before start is day 0",
                tz: Tokyo,
                start: (2026, 3, 9, 9, 0),
                at: (2026, 3, 1, 0, 0),
                days: 0,
            },
        ];
        for c in cases {
            let (y, m, d, h, mi) = c.start;
            let start = local(c.tz, y, m, d, h, mi);
            let (y, m, d, h, mi) = c.at;
            let at = local(c.tz, y, m, d, h, mi);
            assert_eq!(days_since(start, at, c.tz), c.days, "{}", c.name);
        }
    }

    #[test]
    fn the_zone_decides_the_date() {
        // 2026-03-15 23:30 UTC is still the 15th in London but already the 16th in Tokyo.
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 15, 23, 30, 0).unwrap();
        assert_eq!(days_since(start, at, chrono_tz::Europe::London), 14);
        assert_eq!(days_since(start, at, Tokyo), 15);
        assert!(within(14, 14));
        assert!(!within(15, 14));
    }
}
