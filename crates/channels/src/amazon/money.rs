//! Amazon amounts (`"154.99"`, decimal strings) → integer minor units in the currency's
//! real exponent, and what each marketplace's currency and country are.
//!
//! Amazon's own examples carry amounts finer than the currency allows (`"25.99"` JPY), so
//! extra decimals are rounded half away from zero instead of failing the whole order.

use crate::shopify::money::exponent;

/// `"154.99"` USD → `15499`; `"1980"` JPY → `1980`; `"1.2345"` KWD → `1235`.
pub fn to_minor(amount: &str, currency: &str) -> Result<i64, String> {
    let bad = || format!("not a decimal amount: {amount:?}");
    let trimmed = amount.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if (whole.is_empty() && fraction.is_empty())
        || (digits.contains('.') && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let exp = exponent(currency) as usize;
    let (kept, dropped) = fraction.split_at(fraction.len().min(exp));
    let too_large = || format!("amount {amount:?} is too large");
    let mut value: i64 = 0;
    for b in whole.bytes().chain(kept.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    for _ in kept.len()..exp {
        value = value.checked_mul(10).ok_or_else(too_large)?;
    }
    if dropped.bytes().next().is_some_and(|b| b >= b'5') {
        value = value.checked_add(1).ok_or_else(too_large)?;
    }
    Ok(if negative { -value } else { value })
}

/// A marketplace's country (ISO 3166-1 alpha-2) and currency (ISO 4217).
pub fn marketplace(id: &str) -> Option<(&'static str, &'static str)> {
    Some(match id {
        "ATVPDKIKX0DER" => ("US", "USD"),
        "A2EUQ1WTGCTBG2" => ("CA", "CAD"),
        "A1AM78C64UM0Y8" => ("MX", "MXN"),
        "A2Q3Y263D00KWC" => ("BR", "BRL"),
        "A1PA6795UKMFR9" => ("DE", "EUR"),
        "A1RKKUPIHCS9HS" => ("ES", "EUR"),
        "A13V1IB3VIYZZH" => ("FR", "EUR"),
        "APJ6JRA9NG5V4" => ("IT", "EUR"),
        "A1805IZSGTT6HS" => ("NL", "EUR"),
        "AMEN7PMS3EDWL" => ("BE", "EUR"),
        "A28R8C7NBKEWEA" => ("IE", "EUR"),
        "A1F83G8C2ARO7P" => ("GB", "GBP"),
        "A2NODRKZP88ZB9" => ("SE", "SEK"),
        "A1C3SOZRARQ6R3" => ("PL", "PLN"),
        "A33AVAJ2PDY3EV" => ("TR", "TRY"),
        "ARBP9OOSHTCHU" => ("EG", "EGP"),
        "A17E79C6D8DWNP" => ("SA", "SAR"),
        "A2VIGQ35RCS4UG" => ("AE", "AED"),
        "A21TJRUUN4KGV" => ("IN", "INR"),
        "A1VC38T7YXB528" => ("JP", "JPY"),
        "A39IBJ37TRP1C6" => ("AU", "AUD"),
        "A19VAU5U5O7RUS" => ("SG", "SGD"),
        _ => return None,
    })
}

/// A currency code as Amazon writes it, upper-cased, when it looks like one.
pub fn currency_code(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_with_the_currency_exponent_and_rounds_extra_decimals() {
        let cases = [
            ("154.99", "USD", 15499),
            ("19940", "JPY", 19940),
            ("25.99", "JPY", 26),
            ("25.49", "jpy", 25),
            ("1.2345", "KWD", 1235),
            ("0.5", "EUR", 50),
            ("-3.10", "GBP", -310),
            ("+3", "GBP", 300),
            ("1.005", "EUR", 101),
            (".5", "EUR", 50),
        ];
        for (amount, currency, want) in cases {
            assert_eq!(to_minor(amount, currency), Ok(want), "{amount} {currency}");
        }
        for bad in ["", "-", "1.", "1,50", "1e3", "abc", "1.2.3", "string"] {
            assert!(to_minor(bad, "EUR").is_err(), "{bad:?}");
        }
        assert!(to_minor("99999999999999999999", "EUR").is_err());
    }

    #[test]
    fn knows_marketplaces_and_currency_codes() {
        assert_eq!(marketplace("A1VC38T7YXB528"), Some(("JP", "JPY")));
        assert_eq!(marketplace("A1PA6795UKMFR9"), Some(("DE", "EUR")));
        assert_eq!(marketplace("nope"), None);
        assert_eq!(currency_code(" jpy "), Some("JPY".into()));
        assert_eq!(currency_code("string"), None);
    }
}
