//! Shopee amounts (JSON floats such as `13.97` SGD or `32119` VND, sometimes strings) ↔
//! integer minor units with the currency's ISO 4217 exponent.

use serde_json::Value;

use crate::shopify::money::exponent;

/// `13.97` SGD → `1397`; `32119` VND → `32119`; `"12.34"` → `1234`. Rounded half away
/// from zero to the minor unit (Shopee's floats are not exact decimals). `None` for
/// anything that is not a finite amount.
pub fn to_minor(amount: &Value, currency: &str) -> Option<i64> {
    let value = match amount {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !value.is_finite() {
        return None;
    }
    let scaled = (value * 10f64.powi(exponent(currency) as i32)).round();
    if scaled.abs() >= 9.0e15 {
        return None;
    }
    Some(scaled as i64)
}

/// `1397` SGD → `13.97`, the float Shopee's write APIs take.
pub fn from_minor(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(exponent(currency) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_with_the_currency_exponent() {
        assert_eq!(to_minor(&json!(13.97), "SGD"), Some(1397));
        assert_eq!(to_minor(&json!(1409.9), "SGD"), Some(140990));
        assert_eq!(to_minor(&json!(32119), "VND"), Some(32119));
        assert_eq!(to_minor(&json!(48000.0), "VND"), Some(48000));
        assert_eq!(to_minor(&json!(1.234), "KWD"), Some(1234));
        assert_eq!(to_minor(&json!("12.34"), "MYR"), Some(1234));
        assert_eq!(to_minor(&json!(0.1), "USD"), Some(10));
        assert_eq!(to_minor(&json!(0.125), "USD"), Some(13));
        assert_eq!(to_minor(&json!(-5.25), "EUR"), Some(-525));
        assert_eq!(to_minor(&json!(null), "SGD"), None);
        assert_eq!(to_minor(&json!("abc"), "SGD"), None);
        assert_eq!(to_minor(&json!(1e300), "SGD"), None);
    }

    #[test]
    fn back_to_floats() {
        assert_eq!(from_minor(1397, "SGD"), 13.97);
        assert_eq!(from_minor(32119, "VND"), 32119.0);
        assert_eq!(from_minor(1234, "BHD"), 1.234);
    }
}
