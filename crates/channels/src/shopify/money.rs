//! Decimal amount strings (`"123.45"`) → integer minor units, exactly, without floats.

/// Why an amount could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a decimal amount: {0:?}")]
    Malformed(String),
    #[error("amount {amount:?} has more decimals than {currency} allows")]
    TooPrecise { amount: String, currency: String },
    #[error("amount {0:?} is too large")]
    Overflow(String),
}

pub use aftersail_domain::money::exponent;

/// Converts `"123.45"` in `currency` to minor units (`12345` for EUR). Accepts a leading
/// `-`, and extra decimals only when they are zeros (`"1000.0"` JPY → `1000`, as the
/// GraphQL API writes amounts); anything else (`"1,5"`, `"1e3"`, `""`, `"1.234"` EUR) is an
/// error rather than a rounded guess.
pub fn to_minor(amount: &str, currency: &str) -> Result<i64, MoneyError> {
    let malformed = || MoneyError::Malformed(amount.to_string());
    let trimmed = amount.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let has_point = digits.contains('.');
    if (whole.is_empty() && fraction.is_empty())
        || (has_point && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(malformed());
    }
    let exp = exponent(currency) as usize;
    let (kept, dropped) = fraction.split_at(fraction.len().min(exp));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(MoneyError::TooPrecise {
            amount: amount.to_string(),
            currency: currency.to_string(),
        });
    }
    let overflow = || MoneyError::Overflow(amount.to_string());
    let mut value: i64 = 0;
    for b in whole.bytes().chain(kept.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(overflow)?;
    }
    for _ in kept.len()..exp {
        value = value.checked_mul(10).ok_or_else(overflow)?;
    }
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_exactly_by_currency_exponent() {
        let ok = [
            ("123.45", "EUR", 12345),
            ("1000", "JPY", 1000),
            ("1000.0", "JPY", 1000),
            ("1.234", "KWD", 1234),
            ("1.2", "BHD", 1200),
            ("0.1", "EUR", 10),
            ("0.10", "USD", 10),
            ("19.990", "USD", 1999),
            (".5", "EUR", 50),
            ("0", "EUR", 0),
            ("-5.25", "EUR", -525),
            ("  7.00 ", "gbp", 700),
            ("92233720368547758.07", "EUR", i64::MAX),
        ];
        for (amount, currency, want) in ok {
            assert_eq!(to_minor(amount, currency), Ok(want), "{amount} {currency}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        for bad in [
            "", "-", ".", "1.", "abc", "1,50", "1e3", "1.2.3", "+1", "--1", "1 000",
        ] {
            assert!(
                matches!(to_minor(bad, "EUR"), Err(MoneyError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            to_minor("1.234", "EUR"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            to_minor("1.5", "JPY"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            to_minor("92233720368547758.08", "EUR"),
            Err(MoneyError::Overflow(_))
        ));
    }
}
