//! Alerts: when complaints or returns for one SKU or channel jump above that key's own
//! normal, and when a shipment stops moving. Pure: the caller counts, this decides.
//!
//! **Spikes.** For each key (a SKU, a channel) the caller gives today's count (the last 24 h)
//! and the daily counts of the previous [`BASELINE_DAYS`] days (days without any count as 0).
//! The baseline is their mean and (population) standard deviation. Today is a spike when all
//! of these hold:
//! - `count >= min_count` (so a new SKU with no history needs the minimum count, and one
//!   stray complaint never alerts);
//! - `count >= factor × mean` (the shop's "twice the usual");
//! - `count > mean + SPREAD_SIGMAS × sd` (a key that swings a lot needs a bigger swing).

use chrono::{DateTime, NaiveDate, Utc};

/// How many days before today make the baseline.
pub const BASELINE_DAYS: usize = 28;
/// How many standard deviations above the mean a spike must also be.
pub const SPREAD_SIGMAS: f64 = 3.0;

/// The shop's spike thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeThresholds {
    pub min_count: u32,
    pub factor: f64,
}

impl Default for SpikeThresholds {
    fn default() -> Self {
        Self {
            min_count: 3,
            factor: 2.0,
        }
    }
}

/// Mean and spread of a key's daily counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    pub mean: f64,
    pub sd: f64,
}

/// The baseline of `daily` counts, padded with zero days up to [`BASELINE_DAYS`] (a key seen
/// on two days of the last 28 had 26 days of none). Longer input is cut to the first 28.
pub fn baseline(daily: &[u32]) -> Baseline {
    let n = BASELINE_DAYS as f64;
    let days = &daily[..daily.len().min(BASELINE_DAYS)];
    let mean = days.iter().map(|&c| f64::from(c)).sum::<f64>() / n;
    let var = days
        .iter()
        .map(|&c| (f64::from(c) - mean).powi(2))
        .sum::<f64>()
        + (n - days.len() as f64) * mean.powi(2);
    Baseline {
        mean,
        sd: (var / n).sqrt(),
    }
}

/// One key's counts: today and the days before (index 0 = yesterday).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCounts {
    pub key: String,
    pub today: u32,
    pub daily: Vec<u32>,
}

/// A key whose today is a spike.
#[derive(Debug, Clone, PartialEq)]
pub struct Spike {
    pub key: String,
    pub count: u32,
    pub baseline: Baseline,
}

/// Whether `today` is a spike over `daily` (see the module docs).
pub fn is_spike(today: u32, daily: &[u32], t: SpikeThresholds) -> Option<Baseline> {
    let b = baseline(daily);
    let count = f64::from(today);
    let spike = today >= t.min_count.max(1)
        && count >= t.factor * b.mean
        && count > b.mean + SPREAD_SIGMAS * b.sd;
    spike.then_some(b)
}

/// The spikes among `keys`, in the order given.
pub fn spikes(keys: &[KeyCounts], t: SpikeThresholds) -> Vec<Spike> {
    keys.iter()
        .filter_map(|k| {
            is_spike(k.today, &k.daily, t).map(|baseline| Spike {
                key: k.key.clone(),
                count: k.today,
                baseline,
            })
        })
        .collect()
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    ReturnSpikeSku,
    ComplaintSpikeSku,
    ComplaintSpikeChannel,
    ShipmentStuck,
    CustomsStuck,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::ReturnSpikeSku,
        AlertKind::ComplaintSpikeSku,
        AlertKind::ComplaintSpikeChannel,
        AlertKind::ShipmentStuck,
        AlertKind::CustomsStuck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::ReturnSpikeSku => "return_spike_sku",
            AlertKind::ComplaintSpikeSku => "complaint_spike_sku",
            AlertKind::ComplaintSpikeChannel => "complaint_spike_channel",
            AlertKind::ShipmentStuck => "shipment_stuck",
            AlertKind::CustomsStuck => "customs_stuck",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_spike(self) -> bool {
        !matches!(self, AlertKind::ShipmentStuck | AlertKind::CustomsStuck)
    }
}

/// The key that makes a second raise of the same alert a no-op: one spike alert per kind,
/// key and day; one shipment alert (and proactive ticket) per order, ever.
pub fn dedup_key(kind: AlertKind, key: &str, day: NaiveDate) -> String {
    if kind.is_spike() {
        format!("{}:{key}:{day}", kind.as_str())
    } else {
        format!("shipment:{key}")
    }
}

/// Tracking status from an order's status as the connectors normalise it (Amazon
/// `fulfillmentStatus`/`OrderStatus`, eBay `orderFulfillmentStatus`, Shopify fulfillment and
/// delivery, Shopee `order_status`). `None`: not shipped yet (or cancelled). No marketplace
/// order API reports customs; `in_customs` and `exception` come from other sources.
pub fn tracking_status(order_status: &str, delivered: bool) -> Option<&'static str> {
    if delivered {
        return Some("delivered");
    }
    match order_status.to_ascii_lowercase().as_str() {
        "delivered" | "completed" => Some("delivered"),
        "shipped" | "partially_shipped" | "to_confirm_receive" => Some("in_transit"),
        _ => None,
    }
}

/// The stuck-shipment thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShipmentThresholds {
    /// Days without a tracking update.
    pub stale_days: u32,
    /// Days in customs.
    pub customs_days: u32,
}

impl Default for ShipmentThresholds {
    fn default() -> Self {
        Self {
            stale_days: 5,
            customs_days: 4,
        }
    }
}

/// Why a shipment needs a look, and for how many whole days it has not moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stuck {
    pub kind: AlertKind,
    pub days: u32,
}

/// Whether a shipped, undelivered order is stuck at `now`.
pub fn stuck(
    tracking_status: Option<&str>,
    updated_at: DateTime<Utc>,
    now: DateTime<Utc>,
    t: ShipmentThresholds,
) -> Option<Stuck> {
    if tracking_status == Some("delivered") {
        return None;
    }
    let days = u32::try_from((now - updated_at).num_days()).unwrap_or(0);
    if tracking_status == Some("in_customs") && days >= t.customs_days {
        Some(Stuck {
            kind: AlertKind::CustomsStuck,
            days,
        })
    } else if days >= t.stale_days {
        Some(Stuck {
            kind: AlertKind::ShipmentStuck,
            days,
        })
    } else {
        None
    }
}

/// The proactive ticket's priority: high once it has been stuck twice as long as allowed.
pub fn stuck_priority(s: Stuck, t: ShipmentThresholds) -> &'static str {
    let limit = match s.kind {
        AlertKind::CustomsStuck => t.customs_days,
        _ => t.stale_days,
    };
    if s.days >= limit.saturating_mul(2) {
        "high"
    } else {
        "normal"
    }
}

/// Alert settings as a form sends them.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput<'a> {
    pub min_count: &'a str,
    pub factor: &'a str,
    pub stale_days: &'a str,
    pub customs_days: &'a str,
    pub spikes_enabled: bool,
    pub shipments_enabled: bool,
    pub notify_in_app: bool,
    pub notify_email: bool,
}

/// Checked alert settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub spikes_enabled: bool,
    pub spikes: SpikeThresholds,
    pub shipments_enabled: bool,
    pub shipments: ShipmentThresholds,
    pub notify_in_app: bool,
    pub notify_email: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            spikes_enabled: true,
            spikes: SpikeThresholds::default(),
            shipments_enabled: false,
            shipments: ShipmentThresholds::default(),
            notify_in_app: true,
            notify_email: false,
        }
    }
}

/// What is wrong with a settings field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsProblem {
    /// Minimum count: a whole number from 1 to 10000.
    MinCount,
    /// Factor: a number from 1 to 100 (e.g. 2 or 2.5).
    Factor,
    /// Days without an update: 1 to 90.
    StaleDays,
    /// Days in customs: 1 to 90.
    CustomsDays,
    /// An alert is on but neither in-app nor email delivery is.
    NoDelivery,
}

impl SettingsProblem {
    /// The form field it belongs to.
    pub fn field(self) -> &'static str {
        match self {
            SettingsProblem::MinCount => "min_count",
            SettingsProblem::Factor => "factor",
            SettingsProblem::StaleDays => "stale_days",
            SettingsProblem::CustomsDays => "customs_days",
            SettingsProblem::NoDelivery => "delivery",
        }
    }
}

fn whole(text: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    text.trim().parse().ok().filter(|n| range.contains(n))
}

/// Checks the form: every problem at once, or the settings.
pub fn validate(input: &SettingsInput<'_>) -> Result<Settings, Vec<SettingsProblem>> {
    let mut problems = Vec::new();
    let min_count = whole(input.min_count, 1..=10_000);
    if min_count.is_none() {
        problems.push(SettingsProblem::MinCount);
    }
    let factor = input
        .factor
        .trim()
        .replace(',', ".")
        .trim_end_matches(['x', '×'])
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && (1.0..=100.0).contains(f));
    if factor.is_none() {
        problems.push(SettingsProblem::Factor);
    }
    let stale_days = whole(input.stale_days, 1..=90);
    if stale_days.is_none() {
        problems.push(SettingsProblem::StaleDays);
    }
    let customs_days = whole(input.customs_days, 1..=90);
    if customs_days.is_none() {
        problems.push(SettingsProblem::CustomsDays);
    }
    if (input.spikes_enabled || input.shipments_enabled)
        && !input.notify_in_app
        && !input.notify_email
    {
        problems.push(SettingsProblem::NoDelivery);
    }
    match (min_count, factor, stale_days, customs_days) {
        (Some(min_count), Some(factor), Some(stale_days), Some(customs_days))
            if problems.is_empty() =>
        {
            Ok(Settings {
                spikes_enabled: input.spikes_enabled,
                spikes: SpikeThresholds { min_count, factor },
                shipments_enabled: input.shipments_enabled,
                shipments: ShipmentThresholds {
                    stale_days,
                    customs_days,
                },
                notify_in_app: input.notify_in_app,
                notify_email: input.notify_email,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    const T: SpikeThresholds = SpikeThresholds {
        min_count: 3,
        factor: 2.0,
    };

    #[test]
    fn baselines_pad_missing_days_with_zero() {
        let b = baseline(&[1; 28]);
        assert!((b.mean - 1.0).abs() < 1e-9 && b.sd.abs() < 1e-9);
        let b = baseline(&[28]);
        assert!((b.mean - 1.0).abs() < 1e-9);
        assert!((b.sd - (27.0_f64).sqrt()).abs() < 1e-9, "{b:?}");
        assert_eq!(baseline(&[]), Baseline { mean: 0.0, sd: 0.0 });
    }

    #[test]
    fn spike_table() {
        let steady_one = vec![1; 28];
        let steady_five = vec![5; 28];
        let noisy: Vec<u32> = (0..28).map(|i| if i % 2 == 0 { 0 } else { 6 }).collect();
        let cases: &[(&str, u32, &[u32], bool)] = &[
            ("8 after ~1/day", 8, &steady_one, true),
            ("2 after ~1/day: under the minimum", 2, &steady_one, false),
            ("3 after ~1/day: minimum and 3×", 3, &steady_one, true),
            ("steady 5/day, 5 today", 5, &steady_five, false),
            ("steady 5/day, 9 today: under 2×", 9, &steady_five, false),
            ("steady 5/day, 10 today: 2×", 10, &steady_five, true),
            ("new key, 2 today", 2, &[], false),
            ("new key, 3 today", 3, &[], true),
            ("noisy 0/6, 12 today: within 3 sd", 12, &noisy, false),
            ("noisy 0/6, 13 today: above 3 sd", 13, &noisy, true),
            ("nothing today", 0, &[], false),
        ];
        for (name, today, daily, want) in cases {
            assert_eq!(is_spike(*today, daily, T).is_some(), *want, "{name}");
        }
    }

    #[test]
    fn spikes_keep_only_spiking_keys_with_figures() {
        let keys = vec![
            KeyCounts {
                key: "A".into(),
                today: 8,
                daily: vec![1; 28],
            },
            KeyCounts {
                key: "B".into(),
                today: 5,
                daily: vec![5; 28],
            },
        ];
        let found = spikes(&keys, T);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "A");
        assert_eq!(found[0].count, 8);
        assert!((found[0].baseline.mean - 1.0).abs() < 1e-9);
    }

    #[test]
    fn dedup_keys_are_per_day_for_spikes_and_per_order_for_shipments() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            dedup_key(AlertKind::ReturnSpikeSku, "MUG-01", day),
            "return_spike_sku:MUG-01:2026-11-24"
        );
        assert_eq!(
            dedup_key(AlertKind::CustomsStuck, "o1", day),
            dedup_key(AlertKind::ShipmentStuck, "o1", day.succ_opt().unwrap())
        );
        for k in AlertKind::ALL {
            assert_eq!(AlertKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn stuck_table() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let t = ShipmentThresholds::default();
        let ago = |d: i64| now - Duration::days(d) - Duration::minutes(1);
        type Case<'a> = (Option<&'a str>, i64, Option<(AlertKind, u32)>);
        let cases: &[Case] = &[
            (Some("in_transit"), 4, None),
            (Some("in_transit"), 5, Some((AlertKind::ShipmentStuck, 5))),
            (None, 6, Some((AlertKind::ShipmentStuck, 6))),
            (Some("in_customs"), 3, None),
            (Some("in_customs"), 4, Some((AlertKind::CustomsStuck, 4))),
            (Some("delivered"), 30, None),
            (Some("exception"), 5, Some((AlertKind::ShipmentStuck, 5))),
        ];
        for (status, days, want) in cases {
            let got = stuck(*status, ago(*days), now, t).map(|s| (s.kind, s.days));
            assert_eq!(got, *want, "{status:?} {days}");
        }
        let s = Stuck {
            kind: AlertKind::ShipmentStuck,
            days: 10,
        };
        assert_eq!(stuck_priority(s, t), "high");
        assert_eq!(stuck_priority(Stuck { days: 6, ..s }, t), "normal");
    }

    #[test]
    fn tracking_status_from_order_status() {
        assert_eq!(tracking_status("shipped", false), Some("in_transit"));
        assert_eq!(tracking_status("SHIPPED", false), Some("in_transit"));
        assert_eq!(tracking_status("shipped", true), Some("delivered"));
        assert_eq!(tracking_status("COMPLETED", false), Some("delivered"));
        assert_eq!(tracking_status("paid", false), None);
        assert_eq!(tracking_status("cancelled", false), None);
    }

    #[test]
    fn settings_validation_names_every_bad_field() {
        let good = SettingsInput {
            min_count: "3",
            factor: "2,5",
            stale_days: "5",
            customs_days: "4",
            spikes_enabled: true,
            shipments_enabled: true,
            notify_in_app: true,
            notify_email: false,
        };
        let s = validate(&good).unwrap();
        assert!((s.spikes.factor - 2.5).abs() < 1e-9);
        let bad = SettingsInput {
            min_count: "0",
            factor: "0.5",
            stale_days: "x",
            customs_days: "91",
            notify_in_app: false,
            ..good
        };
        assert_eq!(
            validate(&bad).unwrap_err(),
            vec![
                SettingsProblem::MinCount,
                SettingsProblem::Factor,
                SettingsProblem::StaleDays,
                SettingsProblem::CustomsDays,
                SettingsProblem::NoDelivery
            ]
        );
        let off = SettingsInput {
            spikes_enabled: false,
            shipments_enabled: false,
            notify_in_app: false,
            ..good
        };
        assert!(validate(&off).is_ok());
        assert!(validate(&SettingsInput {
            factor: "NaN",
            ..good
        })
        .is_err());
    }

    proptest! {
        /// More today never turns a spike into none; a count under the minimum never alerts;
        /// a spike is always at least factor × mean and above the spread.
        #[test]
        fn spikes_are_monotonic_and_respect_thresholds(
            daily in proptest::collection::vec(0u32..50, 0..=28),
            today in 0u32..500,
            min_count in 1u32..20,
            factor in 1.0f64..10.0,
        ) {
            let t = SpikeThresholds { min_count, factor };
            if let Some(b) = is_spike(today, &daily, t) {
                prop_assert!(today >= min_count);
                prop_assert!(f64::from(today) >= factor * b.mean);
                prop_assert!(f64::from(today) > b.mean + SPREAD_SIGMAS * b.sd);
                prop_assert!(is_spike(today + 1, &daily, t).is_some());
            }
            if today < min_count {
                prop_assert!(is_spike(today, &daily, t).is_none());
            }
            let b = baseline(&daily);
            prop_assert!(b.mean >= 0.0 && b.sd >= 0.0 && b.sd.is_finite());
        }
    }
}
