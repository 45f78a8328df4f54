//! Business-hours arithmetic: when a target's deadline falls and how much counted time lies
//! between two instants.
//!
//! A [`Calendar`] is a week of opening intervals in local wall-clock time, a time zone and a list
//! of holidays. Each local date D with intervals for its weekday yields *concrete* intervals in
//! UTC: `[instant(D + open), instant(D + open + length))`. Counted time is the union of those.
//!
//! | Question | Rule |
//! |---|---|
//! | Interval length | `close > open`: same day; `close <= open`: runs past midnight into the next day (22:00–06:00 is 8 h); `open == close`: 24 h from `open` |
//! | Holidays | local dates; an interval that *starts* on a holiday does not count; an overnight interval that starts the evening before runs to its close |
//! | Local → UTC (`instant`) | the first instant at which the zone's wall clock reads that time or later |
//! | Ambiguous local time (fall-back) | so: its first occurrence (a 01:30 close on New York's fall-back day is 01:30 EDT) |
//! | Local time in a gap (spring-forward) | so: the end of the gap (a 02:30 open on New York's spring-forward day opens at 03:00 EDT) |
//! | Interval across spring-forward | one hour shorter: 00:00–08:00 on New York's spring-forward day counts 7 h, the real elapsed time |
//! | Interval across fall-back | one hour longer: 00:00–08:00 on the fall-back day counts 9 h |
//! | An interval wholly inside a gap | counts nothing that day |
//! | Deadline at the end of an interval | the closing instant itself, not the next opening |
//! | `add(start, 0)` (or a negative work) | `start`, open or closed |
//! | Precision | opening times count to the second (sub-second parts are dropped by [`Calendar::new`]); instants and durations keep their nanoseconds, so `between(start, add(start, w)) == w` exactly |
//! | Beyond chrono's last date | `add` saturates at `DateTime::<Utc>::MAX_UTC` |
//!
//! The "first instant at or after" rule maps local time to UTC monotonically, so intervals that
//! do not overlap in local time never overlap in UTC, and two intervals that touch (Mon 09–13,
//! Mon 13–17) still touch on DST days.
//!
//! Cost: [`Clock::add`] and [`Clock::between`] walk the concrete intervals between their two
//! instants, two zone look-ups each, and pass over days without hours without look-ups. A 10 000 h
//! target on a Mon–Fri 09–17 week is ~1 250 intervals. Skipping whole weeks by the weekly total
//! would need the zone's transition list (which `chrono-tz` does not expose): a week whose offset
//! is the same at both ends may still hold two transitions (the tz database has such pairs a week
//! apart, e.g. Asia/Gaza in 2040), and a week's count would then be off by an hour.

use std::fmt;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
    Utc, Weekday,
};
use chrono_tz::{GapInfo, Tz};
use serde::{Deserialize, Serialize};

const DAY_SECS: i64 = 86_400;
const WEEK_SECS: i64 = 7 * DAY_SECS;

/// One opening interval in the calendar's local time. `close <= open` means the interval runs
/// past midnight into the next day (overnight hours, e.g. Mon 22:00–06:00); `open == close`
/// means the whole 24 h from `open`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub day: Weekday,
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl WeeklyHours {
    /// The interval's length in wall-clock time: (0, 24 h].
    pub fn length(&self) -> Duration {
        Duration::seconds(self.length_secs())
    }

    fn length_secs(&self) -> i64 {
        let open = i64::from(self.open.num_seconds_from_midnight());
        let close = i64::from(self.close.num_seconds_from_midnight());
        if close > open {
            close - open
        } else {
            close + DAY_SECS - open
        }
    }

    /// Where the interval opens, in seconds from Monday 00:00.
    fn week_offset(&self) -> i64 {
        i64::from(self.day.num_days_from_monday()) * DAY_SECS
            + i64::from(self.open.num_seconds_from_midnight())
    }
}

impl fmt::Display for WeeklyHours {
    /// "Mon 22:00–06:00" (seconds shown only when set).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = |t: NaiveTime| {
            if t.second() == 0 {
                t.format("%H:%M").to_string()
            } else {
                t.format("%H:%M:%S").to_string()
            }
        };
        write!(f, "{} {}–{}", self.day, time(self.open), time(self.close))
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalendarError {
    #[error("business hours need at least one opening interval")]
    NoHours,
    #[error("opening hours {first} and {second} overlap")]
    Overlap {
        first: WeeklyHours,
        second: WeeklyHours,
    },
    #[error("unknown time zone {0:?} (expected an IANA name such as \"Europe/Berlin\")")]
    UnknownZone(String),
}

/// Parses an IANA zone name ("Europe/Berlin") as stored with a calendar.
pub fn parse_zone(name: &str) -> Result<Tz, CalendarError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| CalendarError::UnknownZone(name.to_owned()))
}

/// Validated: at least one interval of positive length; intervals of the week do not overlap.
///
/// Hours are kept in week order (Monday first, then by opening time) with whole-second times;
/// holidays sorted and distinct.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    zone: Tz,
    hours: Vec<WeeklyHours>,
    holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// Checks the week (see [`CalendarError`]) and puts hours and holidays in order.
    pub fn new(
        zone: Tz,
        hours: Vec<WeeklyHours>,
        holidays: Vec<NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let mut hours: Vec<WeeklyHours> = hours
            .into_iter()
            .map(|h| WeeklyHours {
                day: h.day,
                open: whole_seconds(h.open),
                close: whole_seconds(h.close),
            })
            .collect();
        hours.sort_by_key(WeeklyHours::week_offset);
        // Every interval is 1 s to 24 h long, so "positive length" only fails for an empty week.
        if hours.is_empty() {
            return Err(CalendarError::NoHours);
        }
        // In week order each interval must end by the next one's opening; the last one wraps
        // round to the first of the next week (a Sunday night shift into Monday morning).
        for (i, first) in hours.iter().enumerate() {
            let (second, next_start) = match hours.get(i + 1) {
                Some(next) => (next, next.week_offset()),
                None => (&hours[0], hours[0].week_offset() + WEEK_SECS),
            };
            let overlaps = first.week_offset() + first.length_secs() > next_start;
            // A single interval never meets itself: each is at most a day long.
            if overlaps && hours.len() > 1 {
                return Err(CalendarError::Overlap {
                    first: first.clone(),
                    second: second.clone(),
                });
            }
        }
        let mut holidays = holidays;
        holidays.sort_unstable();
        holidays.dedup();
        Ok(Calendar {
            zone,
            hours,
            holidays,
        })
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn hours(&self) -> &[WeeklyHours] {
        &self.hours
    }

    pub fn holidays(&self) -> &[NaiveDate] {
        &self.holidays
    }

    /// The week's opening time in wall-clock terms (before DST and holidays).
    pub fn weekly_hours(&self) -> Duration {
        Duration::seconds(self.hours.iter().map(WeeklyHours::length_secs).sum())
    }

    /// Whether intervals opening on local `date` are off.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.binary_search(&date).is_ok()
    }

    /// The first instant at which the zone's wall clock reads `local` or later: the instant
    /// itself, the first occurrence of a repeated time, the end of a skipped one.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(at) => at.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
            LocalResult::None => match GapInfo::new(&local, &self.zone).and_then(|gap| gap.end) {
                Some(end) => end.with_timezone(&Utc),
                // Not in a gap, so the instant lies beyond chrono's range (the year ±262 143).
                None if local.year() > 0 => DateTime::<Utc>::MAX_UTC,
                None => DateTime::<Utc>::MIN_UTC,
            },
        }
    }

    /// The local date at `at`; chrono's first or last date where that date is out of its range.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        let offset = self.zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        match at.naive_utc().checked_add_offset(offset) {
            Some(local) => local.date(),
            None if offset.local_minus_utc() > 0 => NaiveDate::MAX,
            None => NaiveDate::MIN,
        }
    }

    /// The concrete (UTC) opening intervals in time order, beginning with those that open on
    /// local date `first`; empty ones (inside a DST gap) are left out. Ends only at chrono's
    /// last date.
    fn openings_from(
        &self,
        first: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        std::iter::successors(Some(first), |date| date.succ_opt())
            .filter(|date| !self.is_holiday(*date))
            .flat_map(move |date| {
                let weekday = date.weekday();
                self.hours
                    .iter()
                    .filter(move |h| h.day == weekday)
                    .filter_map(move |h| {
                        let open = date.and_time(h.open);
                        let close = open.checked_add_signed(h.length())?;
                        let (open, close) = (self.instant(open), self.instant(close));
                        (open < close).then_some((open, close))
                    })
            })
    }

    /// Opening intervals that could contain `at` or come after it: an interval that opened the
    /// local day before may still be running (overnight hours).
    fn openings_around(
        &self,
        at: DateTime<Utc>,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let date = self.local_date(at);
        self.openings_from(date.pred_opt().unwrap_or(date))
    }

    fn add(&self, start: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        // Counted time never outruns elapsed time: no deadline before chrono's end of time.
        if DateTime::<Utc>::MAX_UTC.signed_duration_since(start) < work {
            return DateTime::<Utc>::MAX_UTC;
        }
        let mut left = work;
        for (open, close) in self.openings_around(start) {
            if close <= start {
                continue;
            }
            let from = open.max(start);
            let available = close - from;
            if available >= left {
                return from + left;
            }
            left -= available;
        }
        DateTime::<Utc>::MAX_UTC
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut counted = Duration::zero();
        for (open, close) in self.openings_around(from) {
            if open >= to {
                break;
            }
            if close > from {
                counted += close.min(to) - open.max(from);
            }
        }
        counted
    }

    fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.openings_around(at)
            .take_while(|(open, _)| *open <= at)
            .any(|(_, close)| at < close)
    }
}

fn whole_seconds(t: NaiveTime) -> NaiveTime {
    // A leap second (23:59:60) reads as 23:59:59.
    NaiveTime::from_num_seconds_from_midnight_opt(t.num_seconds_from_midnight(), 0).unwrap_or(t)
}

/// How an SLA target's time is counted.
#[derive(Clone, Debug, PartialEq)]
pub enum Clock {
    /// Every hour counts, weekends and nights too (marketplace clocks: Amazon's 24 h).
    Calendar,
    /// Only the calendar's opening hours count.
    Business(Calendar),
}

impl Clock {
    /// The moment `work` of counted time has passed after `start` (the deadline). Never before
    /// `start`; `add(start, 0)` is `start` (even when closed), and so is a negative `work`.
    pub fn add(&self, start: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        if work <= Duration::zero() {
            return start;
        }
        match self {
            Clock::Calendar => start
                .checked_add_signed(work)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Clock::Business(calendar) => calendar.add(start, work),
        }
    }

    /// Counted time in [from, to); zero when `to <= from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        match self {
            Clock::Calendar => to - from,
            Clock::Business(calendar) => calendar.between(from, to),
        }
    }

    /// Whether `at` falls in counted time.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        match self {
            Clock::Calendar => true,
            Clock::Business(calendar) => calendar.is_open(at),
        }
    }
}
