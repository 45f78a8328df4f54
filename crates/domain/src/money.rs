//! Money is integer minor units plus an ISO 4217 currency; this formats it for people.

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
    use super::format;

    #[test]
    fn formats_minor_units() {
        assert_eq!(format(14999, "EUR"), "149.99 EUR");
        assert_eq!(format(5, "GBP"), "0.05 GBP");
        assert_eq!(format(-1050, "USD"), "-10.50 USD");
        assert_eq!(format(2980, "JPY"), "2980 JPY");
        assert_eq!(format(0, "CNY"), "0.00 CNY");
    }
}
