//! The filters every report takes, from the query string (so a view can be bookmarked and the
//! CSV export asks for the same figures): a date range in the shop's time zone (`from`/`to`,
//! or `days` back from today), channel, market (the order's shipping country) and SKU.
//! Anything that does not read is a 400 that says what was wrong.

use aftersail_db::reports::Filter;
use aftersail_domain::reports::{DateRange, RangeError, MAX_DAYS};
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// The channels a ticket or order can come from.
pub const CHANNELS: &[&str] = &[
    "email", "amazon", "ebay", "shopify", "shopee", "portal", "manual",
];

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct FilterQuery {
    pub from: String,
    pub to: String,
    pub days: String,
    pub channel: String,
    pub market: String,
    pub sku: String,
    /// Which table of the section a CSV export holds.
    pub table: String,
}

/// A filter that read: what the queries take and what the form shows again.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub range: DateRange,
    pub zone: Tz,
    pub days: Option<u64>,
    pub channel: Option<String>,
    pub market: Option<String>,
    pub sku: Option<String>,
}

fn bad(t: &Tr, field: &str, value: &str) -> AppError {
    AppError::BadRequest(
        t.reports_bad_filter
            .replacen("{}", field, 1)
            .replacen("{}", value, 1),
    )
}

fn date(t: &Tr, field: &str, value: &str) -> AppResult<Option<NaiveDate>> {
    match value.trim() {
        "" => Ok(None),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad(t, field, v)),
    }
}

pub fn parse(q: &FilterQuery, zone: &str, t: &Tr) -> AppResult<Parsed> {
    let zone: Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let today = Utc::now().with_timezone(&zone).date_naive();
    let days = match q.days.trim() {
        "" => None,
        v => match v.parse::<u64>() {
            Ok(n) if (1..=MAX_DAYS).contains(&n) => Some(n),
            _ => return Err(bad(t, "days", v)),
        },
    };
    let from = date(t, "from", &q.from)?;
    let to = date(t, "to", &q.to)?;
    let range = DateRange::resolve(from, to, days, today).map_err(|e| {
        AppError::BadRequest(match e {
            RangeError::Reversed => t.reports_bad_range_reversed.to_owned(),
            RangeError::TooLong => {
                t.reports_bad_range_long
                    .replacen("{}", &MAX_DAYS.to_string(), 1)
            }
        })
    })?;
    let channel = match q.channel.trim() {
        "" => None,
        v if CHANNELS.contains(&v) => Some(v.to_owned()),
        v => return Err(bad(t, "channel", v)),
    };
    let market = match q.market.trim() {
        "" => None,
        v if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(v.to_ascii_uppercase())
        }
        v => return Err(bad(t, "market", v)),
    };
    let sku = match q.sku.trim() {
        "" => None,
        v if v.chars().count() <= 100 && !v.chars().any(char::is_control) => Some(v.to_owned()),
        v => return Err(bad(t, "sku", &v.chars().take(40).collect::<String>())),
    };
    Ok(Parsed {
        range,
        zone,
        days: (from.is_none() && to.is_none()).then_some(days).flatten(),
        channel,
        market,
        sku,
    })
}

impl Parsed {
    pub fn db(&self) -> Filter {
        let (from, to) = self.range.bounds(self.zone);
        Filter {
            from,
            to,
            zone: self.zone.name().to_owned(),
            channel: self.channel.clone(),
            market: self.market.clone(),
            sku: self.sku.clone(),
        }
    }

    /// The query string that asks for this view again (explicit dates, so a bookmark keeps
    /// showing the same days).
    pub fn query(&self) -> String {
        let from = self.range.from.to_string();
        let to = self.range.to.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![("from", &from), ("to", &to)];
        for (k, v) in [
            ("channel", &self.channel),
            ("market", &self.market),
            ("sku", &self.sku),
        ] {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The query string of a preset: the last `days` days, the other filters kept.
    pub fn preset(&self, days: u64) -> String {
        let days = days.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![("days", &days)];
        for (k, v) in [
            ("channel", &self.channel),
            ("market", &self.market),
            ("sku", &self.sku),
        ] {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> FilterQuery {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).unwrap()).unwrap()
    }

    #[test]
    fn filters_read_or_say_why_not() {
        let t = crate::i18n::tr(aftersail_domain::UiLocale::En);
        let ok = parse(
            &q(&[
                ("from", "2026-03-01"),
                ("to", "2026-03-07"),
                ("channel", "amazon"),
                ("market", "de"),
                ("sku", "SKU-A"),
            ]),
            "Europe/Berlin",
            t,
        )
        .unwrap();
        assert_eq!(ok.range.days(), 7);
        assert_eq!(ok.market.as_deref(), Some("DE"));
        assert_eq!(
            ok.query(),
            "from=2026-03-01&to=2026-03-07&channel=amazon&market=DE&sku=SKU-A"
        );
        assert_eq!(ok.preset(7), "days=7&channel=amazon&market=DE&sku=SKU-A");
        let f = ok.db();
        assert_eq!(f.from.to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(f.zone, "Europe/Berlin");
        assert_eq!(parse(&q(&[]), "UTC", t).unwrap().range.days(), 30);
        assert_eq!(parse(&q(&[("days", "7")]), "UTC", t).unwrap().days, Some(7));
        for bad in [
            &[("from", "2026-13-01")][..],
            &[("to", "yesterday")],
            &[("days", "0")],
            &[("days", "400")],
            &[("channel", "fax")],
            &[("market", "DEU")],
            &[("sku", "a\u{7}b")],
            &[("from", "2026-03-02"), ("to", "2026-03-01")],
            &[("from", "2024-01-01"), ("to", "2026-01-01")],
        ] {
            assert!(
                matches!(parse(&q(bad), "UTC", t), Err(AppError::BadRequest(_))),
                "{bad:?}"
            );
        }
    }
}
