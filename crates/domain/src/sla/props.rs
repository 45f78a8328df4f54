//! Properties of the SLA clock over random calendars: random zones (DST north and south, the
//! date line, half-hour and 45-minute offsets, a 30-minute DST shift), 1–10 random intervals
//! (overnight, 24 h and touching ones included), holidays near the start, start instants in
//! 2025–2028 with sub-second parts, work up to 2 000 h.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::calendar::{Calendar, Clock, WeeklyHours};
use super::policy::resume;

const ZONES: &[Tz] = &[
    chrono_tz::America::New_York,
    chrono_tz::America::Los_Angeles,
    chrono_tz::Europe::Berlin,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::Pacific::Pago_Pago,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Asia::Kolkata,
];

const DAY_MINUTES: i64 = 24 * 60;
const WEEK_MINUTES: i64 = 7 * DAY_MINUTES;
const MAX_WORK_SECS: i64 = 2_000 * 3_600;

/// A valid week by construction: distinct opening minutes, each interval at most a day long and
/// ending by the next opening (a quarter of them exactly there, so touching intervals and full
/// 24 h days come up often).
fn week() -> impl Strategy<Value = Vec<WeeklyHours>> {
    vec((opening_minute(), any::<u32>()), 1..=10).prop_map(|mut raw| {
        raw.sort_by_key(|(start, _)| *start);
        raw.dedup_by_key(|(start, _)| *start);
        let starts: Vec<i64> = raw.iter().map(|(start, _)| *start).collect();
        raw.iter()
            .enumerate()
            .map(|(i, (start, pick))| {
                let next = starts
                    .get(i + 1)
                    .copied()
                    .unwrap_or(starts[0] + WEEK_MINUTES);
                let room = (next - start).min(DAY_MINUTES);
                let length = if pick % 4 == 0 {
                    room
                } else {
                    1 + i64::from(*pick) % room
                };
                let minute = |m: i64| {
                    NaiveTime::from_num_seconds_from_midnight_opt((m % DAY_MINUTES * 60) as u32, 0)
                        .unwrap()
                };
                WeeklyHours {
                    day: Weekday::try_from((start / DAY_MINUTES) as u8).unwrap(),
                    open: minute(*start),
                    close: minute(start + length),
                }
            })
            .collect()
    })
}

/// A minute of the week; half the time between Saturday 20:00 and Sunday 04:00 on a 15-minute
/// grid, around the Sunday-night DST changes of the zones above (02:00, 03:00, Chatham's 02:45
/// and 03:45), so openings and closings land in gaps and repeated hours.
fn opening_minute() -> impl Strategy<Value = i64> {
    let saturday_8pm = 5 * DAY_MINUTES + 20 * 60;
    let weekend_night = (0i64..=32).prop_map(move |quarter| saturday_8pm + quarter * 15);
    prop_oneof![0..WEEK_MINUTES, weekend_night]
}

/// Sundays on which some zone above changes its clocks (local date), 2025–2028.
#[rustfmt::skip]
const CHANGE_SUNDAYS: &[(i32, u32, u32)] = &[
    (2025, 3, 9), (2025, 3, 30), (2025, 4, 6), (2025, 9, 28), (2025, 10, 5), (2025, 10, 26),
    (2025, 11, 2), (2026, 3, 8), (2026, 3, 29), (2026, 4, 5), (2026, 9, 27), (2026, 10, 4),
    (2026, 10, 25), (2026, 11, 1), (2027, 3, 14), (2027, 3, 28), (2027, 4, 4), (2027, 9, 26),
    (2027, 10, 3), (2027, 10, 31), (2027, 11, 7), (2028, 3, 12), (2028, 3, 26), (2028, 4, 2),
    (2028, 9, 24), (2028, 10, 1), (2028, 10, 29), (2028, 11, 5),
];

/// An instant in 2025–2028 with a sub-second part; half the time in the four days before noon
/// UTC of a clock-change Sunday.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let to = Utc
        .with_ymd_and_hms(2029, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let anywhere = from..to;
    let before_a_change =
        (select(CHANGE_SUNDAYS), 0i64..4 * 86_400).prop_map(|((y, m, d), back)| {
            Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap().timestamp() - back
        });
    (prop_oneof![anywhere, before_a_change], 0u32..1_000)
        .prop_map(|(secs, millis)| DateTime::from_timestamp(secs, millis * 1_000_000).unwrap())
}

fn work() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1 => Just(Duration::zero()),
        9 => (0..=MAX_WORK_SECS, 0i64..1_000)
            .prop_map(|(secs, millis)| Duration::seconds(secs) + Duration::milliseconds(millis)),
    ]
}

/// A clock (one in ten counts every hour) and a start instant; holidays fall within days of
/// the start, so they get in the way.
fn scenario() -> impl Strategy<Value = (Clock, DateTime<Utc>)> {
    (
        instant(),
        select(ZONES),
        week(),
        vec(-3i64..60, 0..=5),
        0u8..10,
    )
        .prop_map(|(start, zone, hours, holiday_offsets, kind)| {
            let first = start.with_timezone(&zone).date_naive();
            let holidays = holiday_offsets
                .iter()
                .map(|days| first + Duration::days(*days))
                .collect();
            let clock = if kind == 0 {
                Clock::Calendar
            } else {
                Clock::Business(
                    Calendar::new(zone, hours, holidays).expect("valid by construction"),
                )
            };
            (clock, start)
        })
}

fn hours_between(lo: i64, hi: i64) -> impl Strategy<Value = Duration> {
    (lo * 3_600..=hi * 3_600).prop_map(Duration::seconds)
}

/// The documented reading of a local time, by brute force: the first minute at which the zone's
/// wall clock reads `local` or later (every offset and change of the zones above is on a whole
/// minute).
fn first_instant_reading(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut at = local.and_utc() - Duration::hours(15);
    while at.with_timezone(&zone).naive_local() < local {
        at += Duration::minutes(1);
    }
    at
}

/// `is_open` worked out from the calendar's parts, without the calendar's own code: an interval
/// opening on the local day of `at`, or the day before, that is not a holiday, contains `at`.
fn open_by_hand(calendar: &Calendar, at: DateTime<Utc>) -> bool {
    let zone = calendar.zone();
    let today = at.with_timezone(&zone).date_naive();
    [today.pred_opt().unwrap(), today].into_iter().any(|date| {
        !calendar.holidays().contains(&date)
            && calendar.hours().iter().any(|h| {
                let open = date.and_time(h.open);
                let close = open + h.length();
                h.day == date.weekday()
                    && first_instant_reading(zone, open) <= at
                    && at < first_instant_reading(zone, close)
            })
    })
}

proptest! {
    // Cases are cheap (~1 ms); 1 024 of them hit a DST gap or repeated hour reliably.
    #![proptest_config(ProptestConfig::with_cases(1_024))]

    #[test]
    fn deadline_never_before_start((clock, start) in scenario(), w in work()) {
        prop_assert!(clock.add(start, w) >= start);
    }

    #[test]
    fn counted_time_up_to_the_deadline_is_the_work((clock, start) in scenario(), w in work()) {
        prop_assert_eq!(clock.between(start, clock.add(start, w)), w);
    }

    #[test]
    fn more_work_never_comes_due_sooner((clock, start) in scenario(), a in work(), b in work()) {
        let (w1, w2) = (a.min(b), a.max(b));
        prop_assert!(clock.add(start, w1) <= clock.add(start, w2));
    }

    #[test]
    fn pausing_never_shortens_time_left(
        (clock, start) in scenario(),
        due_after in hours_between(-100, 2_000),
        pause_after in hours_between(0, 2_000),
        paused_for in hours_between(0, 1_000),
    ) {
        let due = start + due_after;
        let paused_at = start + pause_after;
        let resumed_at = paused_at + paused_for;
        let resumed_due = resume(&clock, due, paused_at, resumed_at);
        prop_assert!(resumed_due >= resumed_at);
        prop_assert_eq!(clock.between(resumed_at, resumed_due), clock.between(paused_at, due));
    }

    #[test]
    fn counted_time_adds_up(
        (clock, start) in scenario(),
        first in hours_between(0, 500),
        second in hours_between(0, 500),
    ) {
        let (a, b, c) = (start, start + first, start + first + second);
        prop_assert_eq!(clock.between(a, c), clock.between(a, b) + clock.between(b, c));
        prop_assert!(clock.between(a, c) <= c - a);
    }

    #[test]
    fn counted_time_never_exceeds_elapsed_time(
        (clock, start) in scenario(),
        minutes in 0i64..=48 * 60,
    ) {
        let elapsed = Duration::minutes(minutes);
        prop_assert!(clock.between(start, start + elapsed) <= elapsed);
    }

    #[test]
    fn is_open_agrees_with_between((clock, start) in scenario(), offset in hours_between(0, 500)) {
        let at = start + offset;
        let nanosecond = Duration::nanoseconds(1);
        prop_assert_eq!(clock.is_open(at), clock.between(at, at + nanosecond) == nanosecond);
    }

    #[test]
    fn is_open_matches_the_hours_read_by_hand(
        (clock, start) in scenario(),
        offset in hours_between(0, 72),
    ) {
        let at = start + offset;
        let expected = match &clock {
            Clock::Calendar => true,
            Clock::Business(calendar) => open_by_hand(calendar, at),
        };
        prop_assert_eq!(clock.is_open(at), expected);
    }
}
