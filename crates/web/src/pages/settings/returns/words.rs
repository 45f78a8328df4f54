//! The return policy in words and back: labels, money in major units parsed exactly (no
//! floats), percentages as basis points, comma lists and country codes.

use std::fmt::Display;

use aftersail_domain::returns::{
    Condition, DecisionReason, Market, Matchers, Payer, PerCurrency, Resolution, ReturnReason,
    Terms,
};

use crate::i18n::Tr;

pub const RESOLUTIONS: &[Resolution] = &[
    Resolution::Refund,
    Resolution::Exchange,
    Resolution::Repair,
    Resolution::StoreCredit,
    Resolution::PartialRefund,
];

/// The currencies offered in selects (any valid ISO code already stored is kept).
pub const CURRENCIES: &[&str] = &[
    "EUR", "GBP", "USD", "JPY", "AUD", "CAD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "SGD",
    "MYR", "THB", "PHP", "VND", "IDR", "AED", "SAR", "KWD", "QAR", "BHD", "OMR", "CNY", "HKD",
];

/// Assigned ISO 3166-1 alpha-2 codes: `Market::parse` accepts any two letters, the owner's
/// typo (`XX`) should be caught here.
const ISO_COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG \
BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX \
CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN \
GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI \
KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR \
PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC \
TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE \
YT ZA ZM ZW";

/// Fills each `{}` of `template` in turn.
pub fn fill(template: &str, values: &[&dyn Display]) -> String {
    let mut out = template.to_owned();
    for v in values {
        out = out.replacen("{}", &v.to_string(), 1);
    }
    out
}

/// A country or region code the owner typed, when it names a real one.
pub fn market(code: &str) -> Option<Market> {
    match Market::parse(code)? {
        Market::Country(c) if !ISO_COUNTRIES.split(' ').any(|k| k == c) => None,
        m => Some(m),
    }
}

/// `"DE, fr ,EU"` → the markets, or the codes that are not markets.
pub fn markets(text: &str) -> Result<Vec<Market>, Vec<String>> {
    let mut found = Vec::new();
    let mut bad = Vec::new();
    for code in list(text) {
        match market(&code) {
            Some(m) if !found.contains(&m) => found.push(m),
            Some(_) => {}
            None => bad.push(code),
        }
    }
    if bad.is_empty() {
        Ok(found)
    } else {
        Err(bad)
    }
}

/// Comma- or line-separated entries, trimmed, empty ones dropped.
pub fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn join<T: Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub use aftersail_domain::money::exponent;

pub fn currency_ok(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// `"4.5"`, `"EUR"` → 450: digits with at most the currency's decimals; never negative.
pub fn parse_amount(text: &str, currency: &str) -> Option<i64> {
    parse_decimal(text, exponent(currency))
}

fn parse_decimal(text: &str, exp: u32) -> Option<i64> {
    let s = text.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > exp as usize {
        return None;
    }
    if s.contains('.') && frac.is_empty() {
        return None;
    }
    let scale = 10i64.pow(exp);
    let frac_minor = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10i64.pow(exp - frac.len() as u32)
    };
    int.parse::<i64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(frac_minor)
}

pub use aftersail_domain::money::decimal as major;

pub use aftersail_domain::money::format as money;

pub fn per_currency(amounts: &PerCurrency) -> String {
    amounts
        .0
        .iter()
        .map(|m| money(m.minor, &m.currency))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// `"12.5"` → 1250 basis points; at most two decimals, at most 100 %.
pub fn parse_percent(text: &str) -> Option<u32> {
    parse_decimal(text, 2)
        .filter(|bp| *bp <= 10_000)
        .map(|bp| bp as u32)
}

/// 1250 → `"12.5"`, 1500 → `"15"`.
pub fn percent(bp: u32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

pub fn resolution(t: &Tr, r: Resolution) -> &'static str {
    match r {
        Resolution::Refund => t.rs_res_refund,
        Resolution::Exchange => t.rs_res_exchange,
        Resolution::Repair => t.rs_res_repair,
        Resolution::StoreCredit => t.rs_res_store_credit,
        Resolution::PartialRefund => t.rs_res_partial_refund,
    }
}

pub fn resolution_code(code: &str) -> Option<Resolution> {
    RESOLUTIONS.iter().copied().find(|r| r.code() == code)
}

pub fn reason(t: &Tr, r: ReturnReason) -> &'static str {
    match r {
        ReturnReason::ChangedMind => t.rs_reason_changed_mind,
        ReturnReason::Defective => t.rs_reason_defective,
        ReturnReason::DamagedInTransit => t.rs_reason_damaged_in_transit,
        ReturnReason::WrongItem => t.rs_reason_wrong_item,
        ReturnReason::NotAsDescribed => t.rs_reason_not_as_described,
        ReturnReason::TooSmall => t.rs_reason_too_small,
        ReturnReason::TooLarge => t.rs_reason_too_large,
        ReturnReason::ArrivedLate => t.rs_reason_arrived_late,
        ReturnReason::Other => t.rs_reason_other,
    }
}

pub fn reason_code(code: &str) -> Option<ReturnReason> {
    ReturnReason::ALL.iter().copied().find(|r| r.code() == code)
}

pub fn conditions(t: &Tr, c: Condition) -> String {
    let mut parts = Vec::new();
    if c.unused {
        parts.push(t.rs_cond_unused);
    }
    if c.original_packaging {
        parts.push(t.rs_cond_original_packaging);
    }
    if c.tags_attached {
        parts.push(t.rs_cond_tags_attached);
    }
    parts.join(", ")
}

pub fn payer(t: &Tr, p: Payer) -> &'static str {
    match p {
        Payer::Buyer => t.rs_buyer,
        Payer::Seller => t.rs_seller,
    }
}

fn resolutions(t: &Tr, list: &[Resolution]) -> String {
    if list.is_empty() {
        return t.rs_none.to_owned();
    }
    list.iter()
        .map(|r| resolution(t, *r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a matcher list says: its entries, or "any".
pub fn or_any<T: Display>(t: &Tr, items: &[T]) -> String {
    if items.is_empty() {
        t.rs_any.to_owned()
    } else {
        join(items)
    }
}

pub fn reasons(t: &Tr, m: &Matchers) -> String {
    if m.reasons.is_empty() {
        return t.rs_any.to_owned();
    }
    m.reasons
        .iter()
        .map(|r| reason(t, *r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The terms as short phrases ("Change of mind: 14 days from delivery", …).
pub fn terms(t: &Tr, terms: &Terms) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match terms.window_days {
        Some(d) => t.fill(t.rs_window, d),
        None => t.rs_no_window.to_owned(),
    });
    out.push(match terms.warranty_days {
        Some(d) => t.fill(t.rs_warranty, d),
        None => t.rs_no_warranty.to_owned(),
    });
    if let Some(d) = terms.fault_refund_days {
        out.push(t.fill(t.rs_fault_refund_days, d));
    }
    if terms.required.any() {
        out.push(t.fill(t.rs_required, conditions(t, terms.required)));
    }
    out.push(
        match terms.return_shipping {
            Payer::Buyer => t.rs_buyer_pays,
            Payer::Seller => t.rs_seller_pays,
        }
        .to_owned(),
    );
    out.push(
        match terms.fault_return_shipping {
            Payer::Buyer => t.rs_fault_buyer_pays,
            Payer::Seller => t.rs_fault_seller_pays,
        }
        .to_owned(),
    );
    if terms.restocking_fee_bp > 0 {
        out.push(t.fill(t.rs_restocking_fee, percent(terms.restocking_fee_bp)));
    }
    if !terms.auto_approve_up_to.0.is_empty() {
        out.push(t.fill(t.rs_auto_approve, per_currency(&terms.auto_approve_up_to)));
    }
    if !terms.refund_without_return_below.0.is_empty() {
        out.push(t.fill(
            t.rs_refund_without_return,
            per_currency(&terms.refund_without_return_below),
        ));
    }
    out.push(t.fill(t.rs_resolutions, resolutions(t, &terms.resolutions)));
    out.push(t.fill(
        t.rs_fault_resolutions,
        resolutions(t, &terms.fault_resolutions),
    ));
    out
}

/// One reason behind a decision, in words; codes without a translation are shown as they are,
/// with their data.
pub fn decision_reason(
    t: &Tr,
    r: &DecisionReason,
    currency: &str,
    warehouse_name: &dyn Fn(&aftersail_domain::WarehouseId) -> String,
) -> String {
    use DecisionReason as R;
    let m = |minor: &i64| money(*minor, currency);
    match r {
        R::WithinWindow { days_since, window } => fill(t.rsr_within_window, &[days_since, window]),
        R::OutsideWindow { days_since, window } => {
            fill(t.rsr_outside_window, &[days_since, window])
        }
        R::NoChangeOfMindReturns => t.rsr_no_change_of_mind_returns.to_owned(),
        R::DefectUnderWarranty {
            days_since,
            warranty,
        } => fill(t.rsr_defect_under_warranty, &[days_since, warranty]),
        R::WarrantyExpired {
            days_since,
            warranty,
        } => fill(t.rsr_warranty_expired, &[days_since, warranty]),
        R::ShortTermRightToReject { days_since, limit } => {
            fill(t.rsr_short_term_right_to_reject, &[days_since, limit])
        }
        R::NoRuleMatches {
            country,
            channel,
            reason: why,
        } => fill(t.rsr_no_rule_matches, &[country, channel, &reason(t, *why)]),
        R::ConditionNotMet { missing } => {
            fill(t.rsr_condition_not_met, &[&conditions(t, *missing)])
        }
        R::PreferredResolutionNotAllowed { preferred, used } => fill(
            t.rsr_preferred_resolution_not_allowed,
            &[&resolution(t, *preferred), &resolution(t, *used)],
        ),
        R::NoResolutionAllowed => t.rsr_no_resolution_allowed.to_owned(),
        R::RestockingFee { fee, basis_points } => {
            fill(t.rsr_restocking_fee, &[&m(fee), &percent(*basis_points)])
        }
        R::PartialRefundKeepItem { basis_points } => {
            fill(t.rsr_partial_refund_keep_item, &[&percent(*basis_points)])
        }
        R::RefundWithoutReturnBelow { limit, value } => {
            fill(t.rsr_refund_without_return_below, &[&m(value), &m(limit)])
        }
        R::RefundWithoutReturn {
            return_cost,
            recovery,
        } => fill(
            t.rsr_refund_without_return,
            &[&m(return_cost), &m(recovery)],
        ),
        R::RefundWithoutReturnLimitReached { count, limit } => {
            fill(t.rsr_refund_without_return_limit_reached, &[count, limit])
        }
        R::CheapestDestination { warehouse, cost } => fill(
            t.rsr_cheapest_destination,
            &[&warehouse_name(warehouse), &m(cost)],
        ),
        R::LaneCurrencyMismatch {
            warehouse,
            currency,
        } => fill(
            t.rsr_lane_currency_mismatch,
            &[&warehouse_name(warehouse), currency],
        ),
        R::NoWarehouseServes { country, .. } => fill(t.rsr_no_warehouse_serves, &[country]),
        R::AutoApprovedUpTo { limit, value } => {
            fill(t.rsr_auto_approved_up_to, &[&m(value), &m(limit)])
        }
        R::AboveAutoApproveLimit { limit, value } => {
            fill(t.rsr_above_auto_approve_limit, &[&m(value), &m(limit)])
        }
        R::NoAutoApproveLimit { currency } => fill(t.rsr_no_auto_approve_limit, &[currency]),
        R::NoDeliveryDateUsedOrderDate => t.rsr_no_delivery_date_used_order_date.to_owned(),
        R::AbuseFlag => t.rsr_abuse_flag.to_owned(),
        other => {
            // The data without the tag: `unknown_sku (sku: "X")`.
            let data = serde_json::to_value(other)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .map(|mut o| {
                    o.remove("code");
                    o.iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            if data.is_empty() {
                other.code().to_owned()
            } else {
                format!("{} ({data})", other.code())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_in_minor_units() {
        assert_eq!(parse_amount("4.50", "EUR"), Some(450));
        assert_eq!(parse_amount("8.9", "EUR"), Some(890));
        assert_eq!(parse_amount(" 12 ", "EUR"), Some(1200));
        assert_eq!(parse_amount("0.29", "EUR"), Some(29));
        assert_eq!(parse_amount("1500", "JPY"), Some(1500));
        assert_eq!(parse_amount("1.5", "JPY"), None);
        assert_eq!(parse_amount("1.250", "KWD"), Some(1250));
        assert_eq!(parse_amount("1.255", "EUR"), None);
        assert_eq!(parse_amount("-1", "EUR"), None);
        assert_eq!(parse_amount("1.", "EUR"), None);
        assert_eq!(parse_amount("", "EUR"), None);
        assert_eq!(parse_amount("1e3", "EUR"), None);
        assert_eq!(parse_amount("99999999999999999999", "EUR"), None);
        assert_eq!(money(450, "EUR"), "4.50 EUR");
        assert_eq!(money(1250, "KWD"), "1.250 KWD");
        assert_eq!(money(1500, "JPY"), "1500 JPY");
    }

    #[test]
    fn percentages_are_basis_points() {
        assert_eq!(parse_percent("15"), Some(1500));
        assert_eq!(parse_percent("12.5"), Some(1250));
        assert_eq!(parse_percent("100"), Some(10_000));
        assert_eq!(parse_percent("150"), None);
        assert_eq!(parse_percent("-1"), None);
        assert_eq!(percent(1500), "15");
        assert_eq!(percent(1250), "12.5");
        assert_eq!(percent(1205), "12.05");
    }

    #[test]
    fn markets_are_real_codes() {
        assert_eq!(markets("de, EU").unwrap().len(), 2);
        assert_eq!(markets("DE, XX, fr, Europe").unwrap_err(), ["XX", "Europe"]);
        assert_eq!(markets(" ").unwrap(), []);
    }
}
