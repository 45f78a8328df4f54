//! A return policy: ORDERED rules, each a set of matchers and the terms that apply.
//!
//! * **Matching.** The first rule whose matchers all match wins. An empty matcher list means
//!   "any". Markets match the order's shipping country (a country or a region containing it);
//!   channels match the order's channel case-insensitively; the *product* matcher (`skus` and
//!   `categories`) matches a line when its SKU is listed **or** its category is listed, and a rule
//!   with a product matcher applies to a request only when it matches **every** requested line
//!   (a request mixing products from different rules falls to the first rule that covers them
//!   all). Reasons match the request's reason. No matching rule → ineligible (`no_rule_matches`).
//! * **Faults vs. the rest.** [`ReturnReason::is_fault`] splits reasons: faults (defective,
//!   damaged in transit, wrong item, not as described) are judged against `warranty_days` with
//!   `fault_resolutions` and `fault_return_shipping`, no condition requirements and no restocking
//!   fee; everything else (change of mind, size, arrived late, other) against `window_days`,
//!   `required`, `resolutions`, `return_shipping` and `restocking_fee_bp`.
//! * **Money.** Thresholds are [`PerCurrency`] amounts in minor units; a threshold with no
//!   amount in the order's currency does not apply (never converted).

use serde::{Deserialize, Serialize};

use super::market::Market;
use crate::money::Money;

/// Why the buyer wants to return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    ChangedMind,
    Defective,
    DamagedInTransit,
    WrongItem,
    NotAsDescribed,
    TooSmall,
    TooLarge,
    ArrivedLate,
    Other,
}

impl ReturnReason {
    pub const ALL: &'static [ReturnReason] = &[
        ReturnReason::ChangedMind,
        ReturnReason::Defective,
        ReturnReason::DamagedInTransit,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
        ReturnReason::TooSmall,
        ReturnReason::TooLarge,
        ReturnReason::ArrivedLate,
        ReturnReason::Other,
    ];
    /// The reasons that are the seller's fault (lack of conformity).
    pub const FAULTS: &'static [ReturnReason] = &[
        ReturnReason::Defective,
        ReturnReason::DamagedInTransit,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
    ];
    /// The reasons that are not a fault of the goods ("change of mind" in the wide sense).
    pub const NON_FAULTS: &'static [ReturnReason] = &[
        ReturnReason::ChangedMind,
        ReturnReason::TooSmall,
        ReturnReason::TooLarge,
        ReturnReason::ArrivedLate,
        ReturnReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::ChangedMind => "changed_mind",
            ReturnReason::Defective => "defective",
            ReturnReason::DamagedInTransit => "damaged_in_transit",
            ReturnReason::WrongItem => "wrong_item",
            ReturnReason::NotAsDescribed => "not_as_described",
            ReturnReason::TooSmall => "too_small",
            ReturnReason::TooLarge => "too_large",
            ReturnReason::ArrivedLate => "arrived_late",
            ReturnReason::Other => "other",
        }
    }

    pub fn is_fault(self) -> bool {
        ReturnReason::FAULTS.contains(&self)
    }
}

/// The state of the goods: as reported by the buyer, as required by a rule (`true` = required),
/// or as missing in a decision (`true` = required but not met).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Condition {
    pub unused: bool,
    pub original_packaging: bool,
    pub tags_attached: bool,
}

impl Condition {
    pub const NONE: Condition = Condition {
        unused: false,
        original_packaging: false,
        tags_attached: false,
    };
    pub const ALL: Condition = Condition {
        unused: true,
        original_packaging: true,
        tags_attached: true,
    };

    /// What `required` asks for that `self` (the reported state) lacks.
    pub fn missing(self, required: Condition) -> Condition {
        Condition {
            unused: required.unused && !self.unused,
            original_packaging: required.original_packaging && !self.original_packaging,
            tags_attached: required.tags_attached && !self.tags_attached,
        }
    }

    pub fn any(self) -> bool {
        self.unused || self.original_packaging || self.tags_attached
    }
}

/// What the seller does about a return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Refund,
    Exchange,
    Repair,
    StoreCredit,
    /// A partial refund; the buyer keeps the item.
    PartialRefund,
}

impl Resolution {
    pub fn code(self) -> &'static str {
        match self {
            Resolution::Refund => "refund",
            Resolution::Exchange => "exchange",
            Resolution::Repair => "repair",
            Resolution::StoreCredit => "store_credit",
            Resolution::PartialRefund => "partial_refund",
        }
    }
}

/// Who pays return shipping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    Buyer,
    Seller,
}

/// One amount per currency (a threshold for EUR orders, another for GBP orders, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PerCurrency(pub Vec<Money>);

impl PerCurrency {
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The amount for `currency` (exact ISO code match), if the owner set one.
    pub fn get(&self, currency: &str) -> Option<i64> {
        self.0
            .iter()
            .find(|m| m.currency == currency)
            .map(|m| m.minor)
    }
}

/// Which requests a rule applies to. Every list empty = any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Matchers {
    pub markets: Vec<Market>,
    pub channels: Vec<String>,
    pub categories: Vec<String>,
    pub skus: Vec<String>,
    pub reasons: Vec<ReturnReason>,
}

/// One requested product as the matchers see it.
#[derive(Clone, Copy, Debug)]
pub struct ProductRef<'a> {
    pub sku: &'a str,
    pub category: Option<&'a str>,
}

impl Matchers {
    pub fn matches(
        &self,
        country: &str,
        channel: &str,
        reason: ReturnReason,
        products: &[ProductRef<'_>],
    ) -> bool {
        let market_ok = self.markets.is_empty() || self.markets.iter().any(|m| m.contains(country));
        let channel_ok = self.channels.is_empty()
            || self
                .channels
                .iter()
                .any(|c| c.eq_ignore_ascii_case(channel));
        let reason_ok = self.reasons.is_empty() || self.reasons.contains(&reason);
        let product_ok = (self.skus.is_empty() && self.categories.is_empty())
            || products.iter().all(|p| self.matches_product(p));
        market_ok && channel_ok && reason_ok && product_ok
    }

    fn matches_product(&self, product: &ProductRef<'_>) -> bool {
        self.skus.iter().any(|s| s == product.sku)
            || product
                .category
                .is_some_and(|cat| self.categories.iter().any(|c| c.eq_ignore_ascii_case(cat)))
    }
}

/// What applies once a rule matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// Non-fault returns are accepted up to this day count from delivery (see `calendar`).
    /// `None`: no change-of-mind returns at all (e.g. Australia, personalised goods in the EU).
    pub window_days: Option<u32>,
    /// Faults are accepted up to this day count from delivery. `None`: only within `window_days`.
    pub warranty_days: Option<u32>,
    /// Within this many days a fault is refunded by default (UK CRA short-term right to reject).
    #[serde(default)]
    pub fault_refund_days: Option<u32>,
    /// Required for non-fault returns.
    pub required: Condition,
    /// Allowed resolutions for non-fault returns, most preferred first (the first is the default).
    pub resolutions: Vec<Resolution>,
    /// Allowed resolutions for faults, most preferred first.
    pub fault_resolutions: Vec<Resolution>,
    /// Deducted from a non-fault *refund* (not from store credit, exchange or a refund without
    /// return), in basis points of the returned lines' value, rounded half up to the minor unit.
    pub restocking_fee_bp: u32,
    /// The share refunded when the resolution is a partial refund (buyer keeps the item), in bp.
    pub partial_refund_bp: u32,
    pub return_shipping: Payer,
    pub fault_return_shipping: Payer,
    /// Eligible requests whose value is at or below this are approved without an agent.
    pub auto_approve_up_to: PerCurrency,
    /// Requests whose value is strictly below this are refunded without return (buyer keeps it).
    pub refund_without_return_below: PerCurrency,
    /// A customer who already had this many refunds without return gets no more of them.
    #[serde(default)]
    pub max_refunds_without_return: Option<u32>,
}

/// An ordered rule. `id` is a stable slug (shown in decisions and logs); `name` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub matchers: Matchers,
    pub terms: Terms,
}

/// A shop's return policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub rules: Vec<Rule>,
}

impl Policy {
    /// The first rule whose matchers all match.
    pub fn rule_for(
        &self,
        country: &str,
        channel: &str,
        reason: ReturnReason,
        products: &[ProductRef<'_>],
    ) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.matchers.matches(country, channel, reason, products))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_matcher_needs_every_line() {
        let m = Matchers {
            skus: vec!["MUG-1".into()],
            categories: vec!["electronics".into()],
            ..Matchers::default()
        };
        let mug = ProductRef {
            sku: "MUG-1",
            category: Some("kitchen"),
        };
        let phone = ProductRef {
            sku: "PH-9",
            category: Some("Electronics"),
        };
        let shirt = ProductRef {
            sku: "TS-1",
            category: None,
        };
        let r = ReturnReason::ChangedMind;
        assert!(
            m.matches("DE", "shopify", r, &[mug, phone]),
            "SKU or category"
        );
        assert!(
            !m.matches("DE", "shopify", r, &[mug, shirt]),
            "every line must match"
        );
        assert!(
            Matchers::default().matches("DE", "shopify", r, &[shirt]),
            "empty matches anything"
        );
    }

    #[test]
    fn condition_missing_lists_only_required_and_absent() {
        let given = Condition {
            unused: true,
            original_packaging: false,
            tags_attached: false,
        };
        let required = Condition {
            unused: true,
            original_packaging: true,
            tags_attached: false,
        };
        assert_eq!(
            given.missing(required),
            Condition {
                original_packaging: true,
                ..Condition::NONE
            }
        );
        assert!(!Condition::ALL.missing(Condition::ALL).any());
    }

    #[test]
    fn reason_codes_match_serde() {
        for r in ReturnReason::ALL {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.code().into())
            );
            assert_eq!(r.is_fault(), ReturnReason::FAULTS.contains(r));
            assert_ne!(
                ReturnReason::FAULTS.contains(r),
                ReturnReason::NON_FAULTS.contains(r)
            );
        }
    }
}
