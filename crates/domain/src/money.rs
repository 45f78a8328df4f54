//! Money is integer minor units plus an ISO 4217 currency; this formats it for people.
//! Percentages are basis points (1 bp = 0.01 %), never floats.

/// An amount in minor units of an ISO 4217 currency (`1499, "EUR"` is 14.99 EUR).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Self {
        Self {
            minor,
            currency: currency.to_owned(),
        }
    }
}

/// `minor × bp / 10 000`, rounded half away from zero to the minor unit
/// (`apply_basis_points(1005, 1000)` = 100.5 → 101). Saturates instead of overflowing.
pub fn apply_basis_points(minor: i64, bp: u32) -> i64 {
    let product = i128::from(minor) * i128::from(bp);
    let half = 5_000i128;
    let rounded = if product >= 0 {
        (product + half) / 10_000
    } else {
        (product - half) / 10_000
    };
    rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Currencies whose minor unit is the unit itself (no decimals).
const ZERO_DECIMAL: [&str; 8] = ["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"];

/// `14999, "EUR"` → `"149.99 EUR"`; `2980, "JPY"` → `"2980 JPY"`.
pub fn format(minor: i64, currency: &str) -> String {
    if ZERO_DECIMAL.contains(&currency) {
        return format!("{minor} {currency}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::{apply_basis_points, format};

    #[test]
    fn basis_points_round_half_away_from_zero() {
        assert_eq!(apply_basis_points(1005, 1000), 101); // 100.5 → 101
        assert_eq!(apply_basis_points(1004, 1000), 100); // 100.4 → 100
        assert_eq!(apply_basis_points(-1005, 1000), -101);
        assert_eq!(apply_basis_points(3333, 1500), 500); // 499.95 → 500
        assert_eq!(apply_basis_points(0, 1500), 0);
        assert_eq!(apply_basis_points(i64::MAX, 10_000), i64::MAX);
        assert_eq!(apply_basis_points(i64::MAX, 20_000), i64::MAX, "saturates");
    }

    #[test]
    fn formats_minor_units() {
        assert_eq!(format(14999, "EUR"), "149.99 EUR");
        assert_eq!(format(5, "GBP"), "0.05 GBP");
        assert_eq!(format(-1050, "USD"), "-10.50 USD");
        assert_eq!(format(2980, "JPY"), "2980 JPY");
        assert_eq!(format(0, "CNY"), "0.00 CNY");
    }
}
