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

/// Decimal places of a currency's minor unit (ISO 4217): 0 for JPY or KRW, 3 for KWD or
/// BHD, 4 for CLF, 2 for the rest and for codes we do not know.
pub fn exponent(currency: &str) -> u32 {
    match currency.to_ascii_uppercase().as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// Minor units as a decimal string in the currency's exponent: `1995, "USD"` → `"19.95"`,
/// `1000, "JPY"` → `"1000"`, `1234, "KWD"` → `"1.234"` (what platforms' APIs take).
pub fn decimal(minor: i64, currency: &str) -> String {
    let exp = exponent(currency);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let unit = 10u64.pow(exp);
    format!(
        "{sign}{}.{:0width$}",
        abs / unit,
        abs % unit,
        width = exp as usize
    )
}

/// `14999, "EUR"` → `"149.99 EUR"`; `2980, "JPY"` → `"2980 JPY"`; `1234, "KWD"` →
/// `"1.234 KWD"`.
pub fn format(minor: i64, currency: &str) -> String {
    format!("{} {currency}", decimal(minor, currency))
}

#[cfg(test)]
mod tests {
    use super::{apply_basis_points, decimal, exponent, format};

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
        assert_eq!(format(1234, "KWD"), "1.234 KWD");
        assert_eq!(format(-5, "BHD"), "-0.005 BHD");
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(exponent("jpy"), 0);
        assert_eq!(exponent("EUR"), 2);
        assert_eq!(exponent("KWD"), 3);
        assert_eq!(exponent("CLF"), 4);
        assert_eq!(exponent("???"), 2);
        assert_eq!(decimal(1995, "USD"), "19.95");
        assert_eq!(decimal(1000, "JPY"), "1000");
    }
}
