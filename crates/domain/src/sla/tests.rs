//! Table tests for business-hours arithmetic: plain office hours, overnight shifts, holidays,
//! DST in both hemispheres, zones either side of the date line, half-hour offsets.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Kolkata, Asia::Tokyo, Australia::Sydney};
use chrono_tz::{Europe::Berlin, Pacific::Kiritimati, Pacific::Pago_Pago, UTC};

use super::calendar::{parse_zone, Calendar, CalendarError, Clock, WeeklyHours};

use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};

const WEEKDAYS: &[Weekday] = &[Mon, Tue, Wed, Thu, Fri];
const ALL_DAYS: &[Weekday] = &[Mon, Tue, Wed, Thu, Fri, Sat, Sun];

fn time(hm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hm, "%H:%M").unwrap()
}

fn date(ymd: &str) -> NaiveDate {
    NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap()
}

fn hours(day: Weekday, open: &str, close: &str) -> WeeklyHours {
    WeeklyHours {
        day,
        open: time(open),
        close: time(close),
    }
}

fn each(days: &[Weekday], open: &str, close: &str) -> Vec<WeeklyHours> {
    days.iter().map(|d| hours(*d, open, close)).collect()
}

fn business(zone: Tz, hours: Vec<WeeklyHours>, holidays: &[&str]) -> Clock {
    let holidays = holidays.iter().map(|d| date(d)).collect();
    Clock::Business(Calendar::new(zone, hours, holidays).unwrap())
}

/// A local wall-clock time that exists exactly once in `tz`.
fn at(tz: Tz, local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| panic!("{local} is not a single instant in {tz}"))
        .with_timezone(&Utc)
}

/// The clocks the tables use, each with the zone its times are written in.
struct Clocks {
    office: Clock,
    office_wed_holiday: Clock,
    night: Clock,
    night_wed_holiday: Clock,
    night_thu_holiday: Clock,
    round_the_clock_weekdays: Clock,
    wall: Clock,
    ny_all_week: Clock,
    ny_sunday_early: Clock,
    ny_sunday_gap_open: Clock,
    ny_sunday_inside_gap: Clock,
    ny_sunday_split_at_1_30: Clock,
    ny_sunday_until_1_30: Clock,
    ny_sunday_from_1_30: Clock,
    berlin_sunday_early: Clock,
    sydney_office: Clock,
    sydney_sunday_early: Clock,
    kiritimati_office: Clock,
    pago_pago_office: Clock,
    kolkata_office: Clock,
    tokyo_office_equinox: Clock,
}

fn clocks() -> Clocks {
    let office = || each(WEEKDAYS, "09:00", "17:00");
    let night = || each(WEEKDAYS, "22:00", "06:00");
    Clocks {
        office: business(Berlin, office(), &[]),
        office_wed_holiday: business(Berlin, office(), &["2026-03-11"]),
        night: business(Berlin, night(), &[]),
        night_wed_holiday: business(Berlin, night(), &["2026-03-11"]),
        night_thu_holiday: business(Berlin, night(), &["2026-03-12"]),
        round_the_clock_weekdays: business(Berlin, each(WEEKDAYS, "00:00", "00:00"), &[]),
        wall: Clock::Calendar,
        ny_all_week: business(New_York, each(ALL_DAYS, "00:00", "00:00"), &[]),
        ny_sunday_early: business(New_York, vec![hours(Sun, "00:00", "08:00")], &[]),
        ny_sunday_gap_open: business(New_York, vec![hours(Sun, "02:30", "05:00")], &[]),
        ny_sunday_inside_gap: business(New_York, vec![hours(Sun, "02:00", "02:45")], &[]),
        ny_sunday_split_at_1_30: business(
            New_York,
            vec![hours(Sun, "00:00", "01:30"), hours(Sun, "01:30", "04:00")],
            &[],
        ),
        ny_sunday_until_1_30: business(New_York, vec![hours(Sun, "00:00", "01:30")], &[]),
        ny_sunday_from_1_30: business(New_York, vec![hours(Sun, "01:30", "04:00")], &[]),
        berlin_sunday_early: business(Berlin, vec![hours(Sun, "01:00", "05:00")], &[]),
        sydney_office: business(Sydney, office(), &[]),
        sydney_sunday_early: business(Sydney, vec![hours(Sun, "00:00", "06:00")], &[]),
        kiritimati_office: business(Kiritimati, office(), &[]),
        pago_pago_office: business(Pago_Pago, office(), &[]),
        kolkata_office: business(Kolkata, each(WEEKDAYS, "09:00", "17:30"), &[]),
        tokyo_office_equinox: business(Tokyo, each(WEEKDAYS, "10:00", "19:00"), &["2026-03-20"]),
    }
}

#[test]
fn add_finds_the_deadline() {
    let c = clocks();
    struct Case<'a> {
        name: &'static str,
        clock: &'a Clock,
        tz: Tz,
        start: &'static str,
        work: Duration,
        due: &'static str,
    }
    let h = Duration::hours;
    let m = Duration::minutes;
    #[rustfmt::skip]
    let cases = [
        // Mon–Fri 09–17, Berlin. 2026-03-09 is a Monday.
        Case { name: "inside hours", clock: &c.office, tz: Berlin, start: "2026-03-09 10:00", work: h(2), due: "2026-03-09 12:00" },
        Case { name: "before opening", clock: &c.office, tz: Berlin, start: "2026-03-09 07:00", work: h(2), due: "2026-03-09 11:00" },
        Case { name: "after closing", clock: &c.office, tz: Berlin, start: "2026-03-09 18:00", work: h(2), due: "2026-03-10 11:00" },
        Case { name: "fills the day exactly: due at the close", clock: &c.office, tz: Berlin, start: "2026-03-09 15:00", work: h(2), due: "2026-03-09 17:00" },
        Case { name: "one minute past the close", clock: &c.office, tz: Berlin, start: "2026-03-09 15:00", work: h(2) + m(1), due: "2026-03-10 09:01" },
        Case { name: "over the weekend", clock: &c.office, tz: Berlin, start: "2026-03-13 16:00", work: h(2), due: "2026-03-16 10:00" },
        Case { name: "started on a Saturday", clock: &c.office, tz: Berlin, start: "2026-03-14 12:00", work: h(1), due: "2026-03-16 10:00" },
        Case { name: "zero work while closed is the start", clock: &c.office, tz: Berlin, start: "2026-03-14 12:00", work: h(0), due: "2026-03-14 12:00" },
        Case { name: "negative work is the start", clock: &c.office, tz: Berlin, start: "2026-03-14 12:00", work: h(-3), due: "2026-03-14 12:00" },
        Case { name: "a whole week", clock: &c.office, tz: Berlin, start: "2026-03-09 09:00", work: h(40), due: "2026-03-13 17:00" },
        Case { name: "a week and an hour", clock: &c.office, tz: Berlin, start: "2026-03-09 09:00", work: h(41), due: "2026-03-16 10:00" },
        Case { name: "across spring-forward weekend (Berlin 29 Mar)", clock: &c.office, tz: Berlin, start: "2026-03-27 16:00", work: h(2), due: "2026-03-30 10:00" },
        Case { name: "weekday holiday is skipped", clock: &c.office_wed_holiday, tz: Berlin, start: "2026-03-10 16:00", work: h(2), due: "2026-03-12 10:00" },
        // Mon–Fri 22:00–06:00 (each shift starts on the weekday named).
        Case { name: "overnight, after midnight", clock: &c.night, tz: Berlin, start: "2026-03-10 03:00", work: h(2), due: "2026-03-10 05:00" },
        Case { name: "overnight, across the morning close", clock: &c.night, tz: Berlin, start: "2026-03-10 05:00", work: h(2), due: "2026-03-10 23:00" },
        Case { name: "Friday's shift runs into Saturday", clock: &c.night, tz: Berlin, start: "2026-03-13 23:00", work: h(6), due: "2026-03-14 05:00" },
        Case { name: "Saturday morning waits for Monday night", clock: &c.night, tz: Berlin, start: "2026-03-14 07:00", work: h(1), due: "2026-03-16 23:00" },
        Case { name: "Sunday 23:00 is closed (no Sunday shift)", clock: &c.night, tz: Berlin, start: "2026-03-15 23:00", work: h(1), due: "2026-03-16 23:00" },
        Case { name: "holiday Wed: Tue's shift counts, Wed's does not", clock: &c.night_wed_holiday, tz: Berlin, start: "2026-03-10 23:00", work: h(8), due: "2026-03-12 23:00" },
        Case { name: "holiday Thu: Wed's shift runs into it in full", clock: &c.night_thu_holiday, tz: Berlin, start: "2026-03-12 05:00", work: h(1), due: "2026-03-12 06:00" },
        // 24 h weekdays.
        Case { name: "24 h days run on through midnight", clock: &c.round_the_clock_weekdays, tz: Berlin, start: "2026-03-09 00:00", work: h(30), due: "2026-03-10 06:00" },
        Case { name: "24 h days stop for the weekend", clock: &c.round_the_clock_weekdays, tz: Berlin, start: "2026-03-13 20:00", work: h(8), due: "2026-03-16 04:00" },
        // Every hour counts.
        Case { name: "calendar clock counts the weekend", clock: &c.wall, tz: UTC, start: "2026-03-13 16:00", work: h(72), due: "2026-03-16 16:00" },
        Case { name: "calendar clock at night", clock: &c.wall, tz: UTC, start: "2026-03-14 23:30", work: m(45), due: "2026-03-15 00:15" },
        // New York, spring-forward Sun 8 Mar (02:00 → 03:00), fall-back Sun 1 Nov (02:00 → 01:00).
        Case { name: "NY 24/7 across spring-forward: 4 real hours", clock: &c.ny_all_week, tz: New_York, start: "2026-03-07 23:00", work: h(4), due: "2026-03-08 04:00" },
        Case { name: "NY 24/7 across fall-back: 4 real hours", clock: &c.ny_all_week, tz: New_York, start: "2026-10-31 23:00", work: h(4), due: "2026-11-01 02:00" },
        Case { name: "NY Sun 00–08 on spring-forward day holds 7 h", clock: &c.ny_sunday_early, tz: New_York, start: "2026-03-08 00:00", work: h(7), due: "2026-03-08 08:00" },
        Case { name: "NY Sun 00–08: 8th hour waits a week", clock: &c.ny_sunday_early, tz: New_York, start: "2026-03-08 00:00", work: h(8), due: "2026-03-15 01:00" },
        Case { name: "NY Sun 00–08 on fall-back day holds 9 h", clock: &c.ny_sunday_early, tz: New_York, start: "2026-11-01 00:00", work: h(9), due: "2026-11-01 08:00" },
        Case { name: "NY opening at 02:30 in the gap opens at 03:00", clock: &c.ny_sunday_gap_open, tz: New_York, start: "2026-03-08 00:00", work: h(1), due: "2026-03-08 04:00" },
        Case { name: "NY interval inside the gap counts nothing that day", clock: &c.ny_sunday_inside_gap, tz: New_York, start: "2026-03-08 00:00", work: m(10), due: "2026-03-15 02:10" },
        // Berlin, spring-forward Sun 29 Mar (02:00 → 03:00), fall-back Sun 25 Oct (03:00 → 02:00).
        Case { name: "Berlin Sun 01–05 on spring-forward day holds 3 h", clock: &c.berlin_sunday_early, tz: Berlin, start: "2026-03-29 01:00", work: h(3), due: "2026-03-29 05:00" },
        Case { name: "Berlin Sun 01–05 on fall-back day: 4 h ends at 04:00", clock: &c.berlin_sunday_early, tz: Berlin, start: "2026-10-25 01:00", work: h(4), due: "2026-10-25 04:00" },
        Case { name: "Berlin Sun 01–05 on fall-back day holds 5 h", clock: &c.berlin_sunday_early, tz: Berlin, start: "2026-10-25 01:00", work: h(5), due: "2026-10-25 05:00" },
        // Sydney: DST ends Sun 5 Apr (03:00 → 02:00), starts Sun 4 Oct (02:00 → 03:00).
        Case { name: "Sydney office across the April change", clock: &c.sydney_office, tz: Sydney, start: "2026-04-03 16:00", work: h(2), due: "2026-04-06 10:00" },
        Case { name: "Sydney Sun 00–06 in April holds 7 h", clock: &c.sydney_sunday_early, tz: Sydney, start: "2026-04-05 00:00", work: h(7), due: "2026-04-05 06:00" },
        Case { name: "Sydney Sun 00–06 in October holds 5 h", clock: &c.sydney_sunday_early, tz: Sydney, start: "2026-10-04 00:00", work: h(5), due: "2026-10-04 06:00" },
        // Either side of the date line, and a half-hour offset: times in UTC show the shift.
        Case { name: "Kiritimati (+14): Monday opens on Sunday UTC", clock: &c.kiritimati_office, tz: UTC, start: "2026-03-08 18:00", work: h(1), due: "2026-03-08 20:00" },
        Case { name: "Kiritimati: Friday closes Friday 03:00 UTC", clock: &c.kiritimati_office, tz: UTC, start: "2026-03-13 02:00", work: h(2), due: "2026-03-15 20:00" },
        Case { name: "Pago Pago (-11): Friday runs into Saturday UTC", clock: &c.pago_pago_office, tz: UTC, start: "2026-03-14 03:00", work: h(2), due: "2026-03-16 21:00" },
        Case { name: "Pago Pago local: over the weekend", clock: &c.pago_pago_office, tz: Pago_Pago, start: "2026-03-13 16:00", work: h(2), due: "2026-03-16 10:00" },
        Case { name: "Kolkata (+5:30): 08:30 IST is before opening", clock: &c.kolkata_office, tz: UTC, start: "2026-03-09 03:00", work: h(1), due: "2026-03-09 04:30" },
        Case { name: "Kolkata local: 17:30 close", clock: &c.kolkata_office, tz: Kolkata, start: "2026-03-09 17:00", work: h(1), due: "2026-03-10 09:30" },
        Case { name: "Tokyo: equinox holiday Friday", clock: &c.tokyo_office_equinox, tz: Tokyo, start: "2026-03-19 18:00", work: h(2), due: "2026-03-23 11:00" },
    ];
    for case in cases {
        let start = at(case.tz, case.start);
        let due = case.clock.add(start, case.work);
        assert_eq!(due, at(case.tz, case.due), "{}", case.name);
        if case.work > Duration::zero() {
            assert_eq!(
                case.clock.between(start, due),
                case.work,
                "{} (between)",
                case.name
            );
        }
    }
}

#[test]
fn between_counts_open_time() {
    let c = clocks();
    struct Case<'a> {
        name: &'static str,
        clock: &'a Clock,
        tz: Tz,
        from: &'static str,
        to: &'static str,
        counted: Duration,
    }
    let h = Duration::hours;
    let m = Duration::minutes;
    #[rustfmt::skip]
    let cases = [
        Case { name: "office week", clock: &c.office, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-16 00:00", counted: h(40) },
        Case { name: "Friday afternoon to Monday morning", clock: &c.office, tz: Berlin, from: "2026-03-13 16:00", to: "2026-03-16 10:00", counted: h(2) },
        Case { name: "weekend only", clock: &c.office, tz: Berlin, from: "2026-03-14 00:00", to: "2026-03-16 00:00", counted: h(0) },
        Case { name: "both ends inside the same interval", clock: &c.office, tz: Berlin, from: "2026-03-09 10:15", to: "2026-03-09 11:00", counted: m(45) },
        Case { name: "to before from", clock: &c.office, tz: Berlin, from: "2026-03-10 10:00", to: "2026-03-09 10:00", counted: h(0) },
        Case { name: "office week with a Wednesday holiday", clock: &c.office_wed_holiday, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-16 00:00", counted: h(32) },
        Case { name: "night shifts: one week", clock: &c.night, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-16 00:00", counted: h(40) },
        Case { name: "night shifts: Monday 00–12 sees nothing (no Sunday shift)", clock: &c.night, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-09 12:00", counted: h(0) },
        Case { name: "night shifts: Tuesday 00–12 sees Monday's shift end", clock: &c.night, tz: Berlin, from: "2026-03-10 00:00", to: "2026-03-10 12:00", counted: h(6) },
        Case { name: "night shifts with Wed holiday: week", clock: &c.night_wed_holiday, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-16 00:00", counted: h(32) },
        Case { name: "night shifts with Wed holiday: Tue 22 → Wed 06 counts", clock: &c.night_wed_holiday, tz: Berlin, from: "2026-03-10 12:00", to: "2026-03-11 12:00", counted: h(8) },
        Case { name: "night shifts with Wed holiday: Wed 22 → Thu 06 does not", clock: &c.night_wed_holiday, tz: Berlin, from: "2026-03-11 12:00", to: "2026-03-12 12:00", counted: h(0) },
        Case { name: "night shifts with Thu holiday: Wed's shift still counts", clock: &c.night_thu_holiday, tz: Berlin, from: "2026-03-11 12:00", to: "2026-03-12 12:00", counted: h(8) },
        Case { name: "24 h weekdays: one week", clock: &c.round_the_clock_weekdays, tz: Berlin, from: "2026-03-09 00:00", to: "2026-03-16 00:00", counted: h(120) },
        Case { name: "calendar clock: a weekend", clock: &c.wall, tz: UTC, from: "2026-03-13 16:00", to: "2026-03-16 16:00", counted: h(72) },
        Case { name: "NY 24/7: spring-forward Sunday is 23 h", clock: &c.ny_all_week, tz: New_York, from: "2026-03-08 00:00", to: "2026-03-09 00:00", counted: h(23) },
        Case { name: "NY 24/7: fall-back Sunday is 25 h", clock: &c.ny_all_week, tz: New_York, from: "2026-11-01 00:00", to: "2026-11-02 00:00", counted: h(25) },
        Case { name: "NY Sun 00–08 on spring-forward day", clock: &c.ny_sunday_early, tz: New_York, from: "2026-03-07 12:00", to: "2026-03-09 12:00", counted: h(7) },
        Case { name: "NY Sun 00–08 on a plain Sunday", clock: &c.ny_sunday_early, tz: New_York, from: "2026-03-14 12:00", to: "2026-03-16 12:00", counted: h(8) },
        Case { name: "NY Sun 00–08 on fall-back day", clock: &c.ny_sunday_early, tz: New_York, from: "2026-10-31 12:00", to: "2026-11-02 12:00", counted: h(9) },
        Case { name: "NY 02:30–05:00 on spring-forward day opens at 03:00", clock: &c.ny_sunday_gap_open, tz: New_York, from: "2026-03-07 12:00", to: "2026-03-09 12:00", counted: h(2) },
        Case { name: "NY 02:00–02:45 vanishes on spring-forward day", clock: &c.ny_sunday_inside_gap, tz: New_York, from: "2026-03-07 12:00", to: "2026-03-09 12:00", counted: h(0) },
        Case { name: "NY 02:00–02:45 the week after", clock: &c.ny_sunday_inside_gap, tz: New_York, from: "2026-03-14 12:00", to: "2026-03-16 12:00", counted: m(45) },
        Case { name: "NY 00:00–01:30 + 01:30–04:00 on fall-back day: 5 h", clock: &c.ny_sunday_split_at_1_30, tz: New_York, from: "2026-10-31 12:00", to: "2026-11-02 12:00", counted: h(5) },
        Case { name: "NY 00:00–01:30 on fall-back day closes at the first 01:30", clock: &c.ny_sunday_until_1_30, tz: New_York, from: "2026-10-31 12:00", to: "2026-11-02 12:00", counted: m(90) },
        Case { name: "NY 01:30–04:00 on fall-back day opens at the first 01:30", clock: &c.ny_sunday_from_1_30, tz: New_York, from: "2026-10-31 12:00", to: "2026-11-02 12:00", counted: m(210) },
        Case { name: "Berlin Sun 01–05 on spring-forward day", clock: &c.berlin_sunday_early, tz: Berlin, from: "2026-03-28 12:00", to: "2026-03-30 12:00", counted: h(3) },
        Case { name: "Berlin Sun 01–05 on fall-back day", clock: &c.berlin_sunday_early, tz: Berlin, from: "2026-10-24 12:00", to: "2026-10-26 12:00", counted: h(5) },
        Case { name: "Sydney Sun 00–06 when DST ends (April)", clock: &c.sydney_sunday_early, tz: Sydney, from: "2026-04-04 12:00", to: "2026-04-06 12:00", counted: h(7) },
        Case { name: "Sydney Sun 00–06 when DST starts (October)", clock: &c.sydney_sunday_early, tz: Sydney, from: "2026-10-03 12:00", to: "2026-10-05 12:00", counted: h(5) },
        Case { name: "Kiritimati: UTC Sunday holds local Monday morning", clock: &c.kiritimati_office, tz: UTC, from: "2026-03-08 00:00", to: "2026-03-09 00:00", counted: h(5) },
        Case { name: "Pago Pago: UTC Saturday holds local Friday evening", clock: &c.pago_pago_office, tz: UTC, from: "2026-03-14 00:00", to: "2026-03-15 00:00", counted: h(4) },
        Case { name: "Kolkata: 09:00–17:30 IST is 03:30–12:00 UTC", clock: &c.kolkata_office, tz: UTC, from: "2026-03-09 00:00", to: "2026-03-09 04:00", counted: m(30) },
        Case { name: "Tokyo: week with the equinox holiday", clock: &c.tokyo_office_equinox, tz: Tokyo, from: "2026-03-16 00:00", to: "2026-03-23 00:00", counted: h(36) },
    ];
    for case in cases {
        let counted = case
            .clock
            .between(at(case.tz, case.from), at(case.tz, case.to));
        assert_eq!(counted, case.counted, "{}", case.name);
    }
}

#[test]
fn ambiguous_and_skipped_times_take_the_first_instant_at_or_after() {
    let c = clocks();
    let utc = |s| at(UTC, s);
    // Fall-back in New York: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST). The first
    // interval closes at the first 01:30, the second opens there and runs to 04:00 EST.
    let split = &c.ny_sunday_split_at_1_30;
    assert_eq!(
        split.between(utc("2026-11-01 04:00"), utc("2026-11-01 05:30")),
        Duration::minutes(90)
    );
    assert_eq!(
        split.between(utc("2026-11-01 05:30"), utc("2026-11-01 09:00")),
        Duration::minutes(210)
    );
    assert!(
        split.is_open(utc("2026-11-01 06:30")),
        "the second 01:30 is inside 01:30–04:00"
    );
    assert!(!split.is_open(utc("2026-11-01 09:00")), "04:00 EST closes");
    assert!(!c.ny_sunday_until_1_30.is_open(utc("2026-11-01 05:30")));
    assert!(
        !c.ny_sunday_until_1_30.is_open(utc("2026-11-01 06:00")),
        "01:00 EST, the second time round"
    );
    assert!(c.ny_sunday_from_1_30.is_open(utc("2026-11-01 05:30")));
    assert_eq!(
        c.ny_sunday_from_1_30
            .add(utc("2026-11-01 00:00"), Duration::hours(1)),
        utc("2026-11-01 06:30"),
        "opens 05:30 UTC, one hour later is 01:30 EST"
    );
    // Spring-forward: 02:30 does not exist; the interval opens at 03:00 EDT = 07:00 UTC.
    let gap = &c.ny_sunday_gap_open;
    assert!(!gap.is_open(utc("2026-03-08 06:59")));
    assert!(gap.is_open(utc("2026-03-08 07:00")));
    assert!(gap.is_open(utc("2026-03-08 08:59")));
    assert!(!gap.is_open(utc("2026-03-08 09:00")));
    assert!(!c.ny_sunday_inside_gap.is_open(utc("2026-03-08 07:00")));
}

#[test]
fn is_open_follows_the_hours() {
    let c = clocks();
    #[rustfmt::skip]
    let cases: [(&str, &Clock, Tz, &str, bool); 14] = [
        ("office, opening instant", &c.office, Berlin, "2026-03-09 09:00", true),
        ("office, closing instant", &c.office, Berlin, "2026-03-09 17:00", false),
        ("office, a minute before the close", &c.office, Berlin, "2026-03-09 16:59", true),
        ("office, Saturday", &c.office, Berlin, "2026-03-14 12:00", false),
        ("office, on the holiday", &c.office_wed_holiday, Berlin, "2026-03-11 12:00", false),
        ("night, after midnight", &c.night, Berlin, "2026-03-10 02:00", true),
        ("night, Saturday 05:00 (Friday's shift)", &c.night, Berlin, "2026-03-14 05:00", true),
        ("night, Monday 02:00 (no Sunday shift)", &c.night, Berlin, "2026-03-09 02:00", false),
        ("night, holiday Wed: Tue's shift on Wed 02:00", &c.night_wed_holiday, Berlin, "2026-03-11 02:00", true),
        ("night, holiday Wed: Wed's shift on Thu 02:00", &c.night_wed_holiday, Berlin, "2026-03-12 02:00", false),
        ("calendar clock on a Sunday night", &c.wall, UTC, "2026-03-15 03:00", true),
        ("Kiritimati Mon 10:00 is Sunday 20:00 UTC", &c.kiritimati_office, UTC, "2026-03-08 20:00", true),
        ("Pago Pago Sun 09:00 is Sunday 20:00 UTC", &c.pago_pago_office, UTC, "2026-03-08 20:00", false),
        ("Kolkata 09:15 IST", &c.kolkata_office, Kolkata, "2026-03-09 09:15", true),
    ];
    for (name, clock, tz, local, open) in cases {
        assert_eq!(clock.is_open(at(tz, local)), open, "{name}");
    }
}

#[test]
fn sub_second_parts_are_kept() {
    let c = clocks();
    let start = at(Berlin, "2026-03-09 16:59") + Duration::milliseconds(250);
    let work = Duration::seconds(90) + Duration::milliseconds(500);
    let due = c.office.add(start, work);
    // 59.75 s before the close, the other 30.75 s on Tuesday morning.
    assert_eq!(
        due,
        at(Berlin, "2026-03-10 09:00") + Duration::milliseconds(30_750)
    );
    assert_eq!(c.office.between(start, due), work);
}

#[test]
fn long_targets_are_fast_and_exact() {
    let start = at(New_York, "2026-03-09 10:00");
    let office = business(New_York, each(WEEKDAYS, "09:00", "17:00"), &[]);
    let due = office.add(start, Duration::hours(10_000));
    // 250 weeks of 40 h.
    assert_eq!(due, at(New_York, "2030-12-23 10:00"));
    assert_eq!(office.between(start, due), Duration::hours(10_000));
    // One minute a week: 2 000 h is 120 000 weeks away, and still found interval by interval.
    let sparse = business(Tokyo, vec![hours(Wed, "12:00", "12:01")], &[]);
    let due = sparse.add(start, Duration::hours(2_000));
    assert_eq!(sparse.between(start, due), Duration::hours(2_000));
    assert_eq!(due, at(Tokyo, "4326-01-06 12:01"));
}

#[test]
fn extreme_instants_saturate_instead_of_panicking() {
    let c = clocks();
    let max = DateTime::<Utc>::MAX_UTC;
    let min = DateTime::<Utc>::MIN_UTC;
    for clock in [
        &c.office,
        &c.kiritimati_office,
        &c.pago_pago_office,
        &c.wall,
    ] {
        assert_eq!(
            clock.add(max - Duration::days(1), Duration::hours(1_000)),
            max
        );
        assert_eq!(clock.add(min, Duration::MAX), max);
        let _ = clock.is_open(max);
        let _ = clock.is_open(min);
        let _ = clock.between(min, min + Duration::weeks(2));
        let _ = clock.between(max - Duration::weeks(2), max);
    }
}

#[test]
fn calendar_rejects_empty_and_overlapping_weeks() {
    let new = |hours: Vec<WeeklyHours>| Calendar::new(Berlin, hours, vec![]);
    assert_eq!(new(vec![]), Err(CalendarError::NoHours));
    #[rustfmt::skip]
    let overlapping = [
        ("same day", vec![hours(Mon, "09:00", "13:00"), hours(Mon, "12:00", "17:00")]),
        ("duplicate", vec![hours(Tue, "09:00", "17:00"), hours(Tue, "09:00", "17:00")]),
        ("overnight into the next morning", vec![hours(Mon, "22:00", "06:00"), hours(Tue, "05:00", "12:00")]),
        ("Sunday night into Monday morning", vec![hours(Mon, "05:00", "09:00"), hours(Sun, "22:00", "06:00")]),
        ("a 24 h day and an hour in it", vec![hours(Wed, "00:00", "00:00"), hours(Wed, "12:00", "13:00")]),
        ("a 24 h day from noon and the next morning", vec![hours(Wed, "12:00", "12:00"), hours(Thu, "08:00", "09:00")]),
        ("one inside another", vec![hours(Fri, "08:00", "20:00"), hours(Fri, "10:00", "11:00")]),
    ];
    for (name, week) in overlapping {
        assert!(
            matches!(new(week), Err(CalendarError::Overlap { .. })),
            "{name}"
        );
    }
    #[rustfmt::skip]
    let fine = [
        ("adjacent on one day", vec![hours(Mon, "09:00", "13:00"), hours(Mon, "13:00", "17:00")]),
        ("overnight then the morning after", vec![hours(Mon, "22:00", "06:00"), hours(Tue, "06:00", "14:00")]),
        ("Sunday evening to midnight, then Monday", vec![hours(Sun, "18:00", "00:00"), hours(Mon, "00:00", "08:00")]),
        ("Sunday night shift, Monday from 06:00", vec![hours(Sun, "22:00", "06:00"), hours(Mon, "06:00", "22:00")]),
        ("one 24 h interval", vec![hours(Sat, "00:00", "00:00")]),
        ("every day 24 h", each(ALL_DAYS, "00:00", "00:00")),
        ("every day from noon to noon", each(ALL_DAYS, "12:00", "12:00")),
    ];
    for (name, week) in fine {
        assert!(new(week).is_ok(), "{name}");
    }
}

#[test]
fn calendar_errors_read_well() {
    let err = Calendar::new(
        Berlin,
        vec![hours(Tue, "05:00", "12:00"), hours(Mon, "22:00", "06:00")],
        vec![],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "opening hours Mon 22:00–06:00 and Tue 05:00–12:00 overlap"
    );
    assert_eq!(
        CalendarError::NoHours.to_string(),
        "business hours need at least one opening interval"
    );
    assert_eq!(parse_zone("Europe/Berlin"), Ok(Berlin));
    assert_eq!(parse_zone(" Pacific/Kiritimati "), Ok(Kiritimati));
    let unknown = parse_zone("Mars/Olympus_Mons").unwrap_err();
    assert_eq!(
        unknown,
        CalendarError::UnknownZone("Mars/Olympus_Mons".into())
    );
    assert!(unknown.to_string().contains("Mars/Olympus_Mons"));
}

#[test]
fn calendar_keeps_hours_in_week_order_and_holidays_sorted() {
    let seconds = NaiveTime::from_hms_milli_opt(9, 0, 0, 500).unwrap();
    let calendar = Calendar::new(
        Tokyo,
        vec![
            hours(Sun, "10:00", "12:00"),
            WeeklyHours {
                day: Mon,
                open: seconds,
                close: time("17:00"),
            },
            hours(Mon, "07:00", "08:00"),
        ],
        vec![date("2026-05-05"), date("2026-01-01"), date("2026-05-05")],
    )
    .unwrap();
    assert_eq!(calendar.zone(), Tokyo);
    assert_eq!(
        calendar.hours(),
        &[
            hours(Mon, "07:00", "08:00"),
            hours(Mon, "09:00", "17:00"),
            hours(Sun, "10:00", "12:00")
        ]
    );
    assert_eq!(
        calendar.holidays(),
        &[date("2026-01-01"), date("2026-05-05")]
    );
    assert_eq!(calendar.weekly_hours(), Duration::hours(11));
    assert!(calendar.is_holiday(date("2026-05-05")));
    assert_eq!(hours(Mon, "22:00", "06:00").length(), Duration::hours(8));
    assert_eq!(hours(Mon, "09:00", "09:00").length(), Duration::hours(24));
}

#[test]
fn weekly_hours_serialize_as_plain_json() {
    let json = serde_json::to_value(hours(Mon, "22:00", "06:00")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"day": "Mon", "open": "22:00:00", "close": "06:00:00"})
    );
    let back: WeeklyHours = serde_json::from_value(json).unwrap();
    assert_eq!(back, hours(Mon, "22:00", "06:00"));
}
