//! The arithmetic of reports, as plain functions: the date range a filter names (in the shop's
//! time zone), rates and shares, percentiles, day buckets with the empty days filled in, which
//! return reasons are the seller's fault, and CSV cells that a spreadsheet cannot run.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::returns::ReturnReason;

/// The longest range a report covers: a year and a day (a leap year's 366 days).
pub const MAX_DAYS: u64 = 366;
/// The range a report shows when none is asked for.
pub const DEFAULT_DAYS: u64 = 30;
/// The quick choices offered beside the date fields.
pub const PRESETS: [u64; 3] = [7, 30, 90];

/// Whole days, both ends included, in the shop's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// `from` is after `to`.
    Reversed,
    /// More than [`MAX_DAYS`] days.
    TooLong,
}

impl DateRange {
    /// The range a filter asks for: explicit days win; one missing end is filled from the
    /// other with `days` (default [`DEFAULT_DAYS`]); neither means the last `days` up to today.
    pub fn resolve(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        days: Option<u64>,
        today: NaiveDate,
    ) -> Result<DateRange, RangeError> {
        let span = days.unwrap_or(DEFAULT_DAYS).clamp(1, MAX_DAYS);
        let back = |d: NaiveDate| d.checked_sub_days(Days::new(span - 1)).unwrap_or(d);
        let ahead = |d: NaiveDate| d.checked_add_days(Days::new(span - 1)).unwrap_or(d);
        let (from, to) = match (from, to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, ahead(f).min(today.max(f))),
            (None, Some(t)) => (back(t), t),
            (None, None) => (back(today), today),
        };
        if from > to {
            return Err(RangeError::Reversed);
        }
        let range = DateRange { from, to };
        if range.days() > MAX_DAYS {
            return Err(RangeError::TooLong);
        }
        Ok(range)
    }

    /// How many days the range covers.
    pub fn days(&self) -> u64 {
        (self.to - self.from).num_days() as u64 + 1
    }

    /// Every day of the range, in order.
    pub fn each_day(&self) -> Vec<NaiveDate> {
        self.from
            .iter_days()
            .take_while(|d| *d <= self.to)
            .collect()
    }

    /// The instants the range covers in `zone`: [start of `from`, start of the day after `to`).
    pub fn bounds(&self, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = self.to.succ_opt().unwrap_or(self.to);
        (start_of_day(self.from, zone), start_of_day(end, zone))
    }
}

/// The first instant of `day` in `zone` (where midnight does not exist, as on some DST
/// changes, the first instant that does).
pub fn start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let mut at = day.and_hms_opt(0, 0, 0).expect("midnight");
    for _ in 0..4 {
        if let Some(t) = zone.from_local_datetime(&at).earliest() {
            return t.with_timezone(&Utc);
        }
        at += chrono::Duration::minutes(30);
    }
    at.and_utc()
}

/// `part / whole`, `None` when there is no whole.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A rate as a percentage with one decimal ("25.0 %"); "–" when there is no whole.
pub fn percent(part: i64, whole: i64) -> String {
    match rate(part, whole) {
        Some(r) => format!("{:.1} %", r * 100.0),
        None => "–".to_owned(),
    }
}

/// The nearest-rank percentile of sorted values (what PostgreSQL's `percentile_disc` gives):
/// the smallest value with at least `p` of the values at or below it.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.saturating_sub(1).min(sorted.len() - 1)])
}

/// Seconds as hours with one decimal ("26.5 h"); "–" for none.
pub fn hours(secs: Option<i64>) -> String {
    match secs {
        Some(s) => format!("{:.1} h", s as f64 / 3600.0),
        None => "–".to_owned(),
    }
}

/// A series over every day of `range`: the counted days' values, zero for the others
/// (a day with nothing is a real zero on a trend line, not a gap).
pub fn fill_days(range: &DateRange, counted: &[(NaiveDate, i64)]) -> Vec<(NaiveDate, i64)> {
    range
        .each_day()
        .into_iter()
        .map(|d| {
            let n = counted
                .iter()
                .filter(|(day, _)| *day == d)
                .map(|(_, n)| n)
                .sum();
            (d, n)
        })
        .collect()
}

/// Whether a return reason (its stored code) is the seller's fault: damaged, defective,
/// wrong item, not as described ([`ReturnReason::FAULTS`]). Unknown codes are not.
pub fn is_fault(reason: &str) -> bool {
    ReturnReason::FAULTS.iter().any(|r| r.code() == reason)
}

/// The codes of the seller's-fault reasons, for queries.
pub fn fault_codes() -> Vec<&'static str> {
    ReturnReason::FAULTS.iter().map(|r| r.code()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    type RangeCase<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<u64>,
        Result<(&'a str, &'a str), RangeError>,
    );

    #[test]
    fn ranges_resolve_from_what_is_given() {
        let today = d("2026-03-31");
        let cases: &[RangeCase] = &[
            (None, None, None, Ok(("2026-03-02", "2026-03-31"))),
            (None, None, Some(7), Ok(("2026-03-25", "2026-03-31"))),
            (None, None, Some(90), Ok(("2026-01-01", "2026-03-31"))),
            (
                Some("2026-03-01"),
                Some("2026-03-01"),
                None,
                Ok(("2026-03-01", "2026-03-01")),
            ),
            (
                Some("2026-03-10"),
                None,
                Some(7),
                Ok(("2026-03-10", "2026-03-16")),
            ),
            // From a recent day: up to today, not into the future.
            (
                Some("2026-03-29"),
                None,
                Some(7),
                Ok(("2026-03-29", "2026-03-31")),
            ),
            (
                None,
                Some("2026-02-10"),
                Some(7),
                Ok(("2026-02-04", "2026-02-10")),
            ),
            (
                Some("2026-03-02"),
                Some("2026-03-01"),
                None,
                Err(RangeError::Reversed),
            ),
            (
                Some("2025-01-01"),
                Some("2026-01-01"),
                None,
                Ok(("2025-01-01", "2026-01-01")),
            ),
            (
                Some("2025-01-01"),
                Some("2026-01-02"),
                None,
                Err(RangeError::TooLong),
            ),
        ];
        for (from, to, days, want) in cases {
            let got = DateRange::resolve(from.map(d), to.map(d), *days, today);
            let want = want.map(|(f, t)| DateRange {
                from: d(f),
                to: d(t),
            });
            assert_eq!(got, want, "{from:?} {to:?} {days:?}");
        }
    }

    #[test]
    fn bounds_are_the_shops_midnights() {
        let range = DateRange {
            from: d("2026-03-28"),
            to: d("2026-03-29"),
        };
        let (start, end) = range.bounds("Europe/Berlin".parse().unwrap());
        // CET (+1) on the 28th; the 30th starts in CEST (+2) after the change on the 29th.
        assert_eq!(start.to_rfc3339(), "2026-03-27T23:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-03-29T22:00:00+00:00");
        let (start, end) = range.bounds(chrono_tz::UTC);
        assert_eq!(start.to_rfc3339(), "2026-03-28T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-03-30T00:00:00+00:00");
        // Santiago skips midnight when DST starts (2026-09-06): the day starts at 01:00.
        let day = DateRange {
            from: d("2026-09-06"),
            to: d("2026-09-06"),
        };
        let (start, _) = day.bounds("America/Santiago".parse().unwrap());
        assert_eq!(start.to_rfc3339(), "2026-09-06T04:00:00+00:00");
    }

    #[test]
    fn rates_and_percentages() {
        let cases = [
            (2, 8, "25.0 %"),
            (1, 3, "33.3 %"),
            (0, 5, "0.0 %"),
            (3, 0, "–"),
            (7, 7, "100.0 %"),
        ];
        for (part, whole, want) in cases {
            assert_eq!(percent(part, whole), want, "{part}/{whole}");
        }
        assert_eq!(rate(1, 4), Some(0.25));
        assert_eq!(rate(1, 0), None);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        let cases = [
            (0.5, Some(50)),
            (0.9, Some(90)),
            (0.91, Some(100)),
            (1.0, Some(100)),
            (0.0, Some(10)),
        ];
        for (p, want) in cases {
            assert_eq!(percentile(&v, p), want, "p{p}");
        }
        assert_eq!(percentile(&[7], 0.5), Some(7));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[1, 2], 0.5), Some(1));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn hours_read_with_one_decimal() {
        assert_eq!(hours(Some(95_400)), "26.5 h");
        assert_eq!(hours(Some(0)), "0.0 h");
        assert_eq!(hours(None), "–");
    }

    #[test]
    fn empty_days_are_zero() {
        let range = DateRange {
            from: d("2026-03-01"),
            to: d("2026-03-04"),
        };
        let filled = fill_days(&range, &[(d("2026-03-02"), 3), (d("2026-03-04"), 1)]);
        assert_eq!(
            filled,
            vec![
                (d("2026-03-01"), 0),
                (d("2026-03-02"), 3),
                (d("2026-03-03"), 0),
                (d("2026-03-04"), 1)
            ]
        );
        assert_eq!(range.days(), 4);
    }

    #[test]
    fn fault_reasons() {
        for (code, fault) in [
            ("defective", true),
            ("damaged_in_transit", true),
            ("wrong_item", true),
            ("not_as_described", true),
            ("changed_mind", false),
            ("too_small", false),
            ("too_large", false),
            ("arrived_late", false),
            ("other", false),
            ("nonsense", false),
        ] {
            assert_eq!(is_fault(code), fault, "{code}");
        }
        assert_eq!(fault_codes().len(), 4);
    }
}
