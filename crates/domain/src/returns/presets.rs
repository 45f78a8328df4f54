//! Presets an owner can start from. Each models the *statutory floor or the platform's rule* of
//! a market as we understand it, with the basis cited; they are starting points, not legal
//! advice, and every number is editable. Day counts are from delivery ("receipt") as defined in
//! `calendar`. Thresholds (auto-approve, refund without return) are our suggested defaults in the
//! market's currencies, not law.
//!
//! | preset | window | faults | conditions | shipping (return / fault) | fee |
//! |---|---|---|---|---|---|
//! | EU | 14 d | 730 d, exchange/repair first | none | buyer / seller | 0 |
//! | UK | 14 d | 2190 d, refund within 30 d | none | buyer / seller | 0 |
//! | US | 30 d | 365 d | unused+tags (electronics: box, 15 % fee) | buyer / seller | 0 / 15 % |
//! | JP | 8 d | 365 d | unused+packaging | buyer / seller | 0 |
//! | AU | none | 730 d, refund/replace first | — | — / seller | 0 |
//! | Shopee SEA | 15 d | 15 d | unused+packaging+tags | seller / seller | 0 |
//! | Gulf | 7 d | 365 d | unused+packaging+tags | buyer / seller | 0 |

// Amounts are written major_minor (`100_00` = 100.00) on purpose.
#![allow(clippy::inconsistent_digit_grouping)]

use super::market::{Market, Region};
use super::policy::{
    Condition, Matchers, Payer, PerCurrency, Policy, Resolution, ReturnReason, Rule, Terms,
};
use crate::money::Money;

use Resolution::{Exchange, PartialRefund, Refund, Repair, StoreCredit};

fn amounts(list: &[(i64, &str)]) -> PerCurrency {
    PerCurrency(
        list.iter()
            .map(|&(minor, cur)| Money::new(minor, cur))
            .collect(),
    )
}

fn market(region: Region) -> Matchers {
    Matchers {
        markets: vec![Market::Region(region)],
        ..Matchers::default()
    }
}

/// Every preset, by a stable key.
pub fn all() -> Vec<(&'static str, Policy)> {
    vec![
        ("eu", eu()),
        ("uk", uk()),
        ("us", us()),
        ("jp", japan()),
        ("au", australia()),
        ("shopee_sea", shopee_sea()),
        ("gulf", gulf()),
    ]
}

/// European Union / EEA.
///
/// * Consumer Rights Directive 2011/83/EU art. 9: 14-day right of withdrawal for distance sales
///   from the day the consumer takes physical possession; art. 14(1): the consumer bears the
///   direct cost of returning if informed beforehand; no restocking fee may be charged (only
///   diminished value from excessive handling, which is an agent's call, not a fixed fee), and
///   no condition beyond "handled as in a shop" may be required. Art. 16(c): no withdrawal for
///   goods made to the consumer's specification — the `personalised` category rule.
/// * Sale of Goods Directive (EU) 2019/771 (successor of 1999/44/EC) art. 10: 2-year legal
///   guarantee; art. 13: repair or replacement first, then price reduction or termination;
///   art. 14: remedies free of charge, so the seller pays return shipping for faults.
pub fn eu() -> Policy {
    let terms = Terms {
        window_days: Some(14),
        warranty_days: Some(730),
        fault_refund_days: None,
        required: Condition::NONE,
        resolutions: vec![Refund, Exchange, StoreCredit],
        fault_resolutions: vec![Exchange, Repair, Refund, PartialRefund],
        restocking_fee_bp: 0,
        partial_refund_bp: 2_000,
        return_shipping: Payer::Buyer,
        fault_return_shipping: Payer::Seller,
        auto_approve_up_to: amounts(&[(100_00, "EUR")]),
        refund_without_return_below: amounts(&[(10_00, "EUR")]),
        max_refunds_without_return: Some(3),
    };
    Policy {
        name: "EU: 14-day withdrawal, 2-year legal guarantee".into(),
        rules: vec![
            Rule {
                id: "eu-personalised".into(),
                name: "Personalised goods: no withdrawal (CRD art. 16(c))".into(),
                matchers: Matchers {
                    categories: vec!["personalised".into()],
                    reasons: ReturnReason::NON_FAULTS.to_vec(),
                    ..market(Region::Eea)
                },
                terms: Terms {
                    window_days: None,
                    ..terms.clone()
                },
            },
            Rule {
                id: "eu".into(),
                name: "EU/EEA standard".into(),
                matchers: market(Region::Eea),
                terms,
            },
        ],
    }
}

/// United Kingdom.
///
/// * Consumer Contracts Regulations 2013 reg. 30–31: 14-day cancellation from delivery;
///   reg. 34(10): the consumer pays return costs if told so; no restocking fee.
/// * Consumer Rights Act 2015 s. 22: 30-day short-term right to reject faulty goods for a full
///   refund (`fault_refund_days: 30`); afterwards s. 23 repair or replacement first, at the
///   trader's cost. Claims run up to 6 years (Limitation Act 1980; 5 in Scotland), with the
///   burden of proof on the buyer after 6 months — agents should look at old claims, hence
///   auto-approval limits stay modest.
pub fn uk() -> Policy {
    Policy {
        name: "UK: 14-day cancellation, CRA 30-day right to reject".into(),
        rules: vec![Rule {
            id: "uk".into(),
            name: "UK standard".into(),
            matchers: market(Region::Uk),
            terms: Terms {
                window_days: Some(14),
                warranty_days: Some(6 * 365),
                fault_refund_days: Some(30),
                required: Condition::NONE,
                resolutions: vec![Refund, Exchange, StoreCredit],
                fault_resolutions: vec![Exchange, Repair, Refund, PartialRefund],
                restocking_fee_bp: 0,
                partial_refund_bp: 2_000,
                return_shipping: Payer::Buyer,
                fault_return_shipping: Payer::Seller,
                auto_approve_up_to: amounts(&[(100_00, "GBP")]),
                refund_without_return_below: amounts(&[(10_00, "GBP")]),
                max_refunds_without_return: Some(3),
            },
        }],
    }
}

/// United States: no federal right to return; 30 days is common retail practice. Faults: the
/// implied warranty of merchantability (UCC § 2-314, state law) and typical 1-year
/// manufacturer warranties → 365 days. Opened electronics commonly carry a 15 % restocking fee,
/// which must be disclosed (FTC guidance, several state laws).
pub fn us() -> Policy {
    let standard = Terms {
        window_days: Some(30),
        warranty_days: Some(365),
        fault_refund_days: None,
        required: Condition {
            unused: true,
            tags_attached: true,
            original_packaging: false,
        },
        resolutions: vec![Refund, Exchange, StoreCredit],
        fault_resolutions: vec![Refund, Exchange, Repair],
        restocking_fee_bp: 0,
        partial_refund_bp: 2_000,
        return_shipping: Payer::Buyer,
        fault_return_shipping: Payer::Seller,
        auto_approve_up_to: amounts(&[(100_00, "USD")]),
        refund_without_return_below: amounts(&[(10_00, "USD")]),
        max_refunds_without_return: Some(3),
    };
    Policy {
        name: "US: 30-day returns".into(),
        rules: vec![
            Rule {
                id: "us-electronics".into(),
                name: "Electronics: original box, 15 % restocking fee".into(),
                matchers: Matchers {
                    categories: vec!["electronics".into()],
                    ..market(Region::Us)
                },
                terms: Terms {
                    required: Condition {
                        original_packaging: true,
                        ..Condition::NONE
                    },
                    restocking_fee_bp: 1_500,
                    ..standard.clone()
                },
            },
            Rule {
                id: "us".into(),
                name: "US standard".into(),
                matchers: market(Region::Us),
                terms: standard,
            },
        ],
    }
}

/// Japan. There is no statutory cooling-off for online sales: the Act on Specified Commercial
/// Transactions art. 15-3 lets the buyer return within 8 days of receipt, at the buyer's cost,
/// **unless the seller's advertised "returns special provision" (返品特約) says otherwise** — so
/// this preset is the default that applies when the shop states no such provision; a shop that
/// states "no returns" should set `window_days: None`. Faults: Civil Code art. 562–566
/// (contract non-conformity; the buyer must notify within 1 year of finding it) → 365 days from
/// delivery as an approximation.
pub fn japan() -> Policy {
    Policy {
        name: "Japan: 8-day return (SCTA art. 15-3 default)".into(),
        rules: vec![Rule {
            id: "jp".into(),
            name: "Japan standard".into(),
            matchers: market(Region::Jp),
            terms: Terms {
                window_days: Some(8),
                warranty_days: Some(365),
                fault_refund_days: None,
                required: Condition {
                    unused: true,
                    original_packaging: true,
                    tags_attached: false,
                },
                resolutions: vec![Refund, Exchange],
                fault_resolutions: vec![Exchange, Refund, Repair],
                restocking_fee_bp: 0,
                partial_refund_bp: 2_000,
                return_shipping: Payer::Buyer,
                fault_return_shipping: Payer::Seller,
                auto_approve_up_to: amounts(&[(10_000, "JPY")]),
                refund_without_return_below: amounts(&[(1_000, "JPY")]),
                max_refunds_without_return: Some(3),
            },
        }],
    }
}

/// Australia: Australian Consumer Law (Competition and Consumer Act 2010, sch. 2) gives no
/// change-of-mind right (`window_days: None`; many shops offer one voluntarily — add a rule).
/// Consumer guarantees (s. 54 acceptable quality) last a "reasonable period" that depends on the
/// product; 2 years is our default. For a major failure the consumer chooses refund or
/// replacement (s. 259, 263) → refund first; the supplier bears return costs for faults
/// (s. 270); no restocking fee on faulty goods.
pub fn australia() -> Policy {
    Policy {
        name: "Australia: ACL remedies for faults, no change-of-mind".into(),
        rules: vec![Rule {
            id: "au".into(),
            name: "Australia standard".into(),
            matchers: market(Region::Au),
            terms: Terms {
                window_days: None,
                warranty_days: Some(730),
                fault_refund_days: None,
                required: Condition::NONE,
                resolutions: vec![],
                fault_resolutions: vec![Refund, Exchange, Repair],
                restocking_fee_bp: 0,
                partial_refund_bp: 2_000,
                return_shipping: Payer::Buyer,
                fault_return_shipping: Payer::Seller,
                auto_approve_up_to: amounts(&[(150_00, "AUD")]),
                refund_without_return_below: amounts(&[(15_00, "AUD")]),
                max_refunds_without_return: Some(3),
            },
        }],
    }
}

/// Shopee in SG, MY, TH, PH, VN, ID, on the `shopee` channel only. Assumption: Shopee Mall's
/// "15 days free returns" — 15 days from receipt for any reason, item unused with packaging and
/// tags, return shipping not paid by the buyer (modelled as seller); refund is the only outcome
/// in Shopee's return/refund flow. Faults are reported through the same 15-day flow
/// (`warranty_days: 15`); a brand warranty beyond that is the owner's to add. Minor units follow
/// ISO 4217 (IDR has 2 decimals, VND none).
pub fn shopee_sea() -> Policy {
    Policy {
        name: "Shopee SEA: 15-day free returns".into(),
        rules: vec![Rule {
            id: "shopee-sea".into(),
            name: "Shopee SEA".into(),
            matchers: Matchers {
                channels: vec!["shopee".into()],
                ..market(Region::Sea)
            },
            terms: Terms {
                window_days: Some(15),
                warranty_days: Some(15),
                fault_refund_days: None,
                required: Condition::ALL,
                resolutions: vec![Refund],
                fault_resolutions: vec![Refund],
                restocking_fee_bp: 0,
                partial_refund_bp: 0,
                return_shipping: Payer::Seller,
                fault_return_shipping: Payer::Seller,
                auto_approve_up_to: amounts(&[
                    (50_00, "SGD"),
                    (150_00, "MYR"),
                    (1_500_00, "THB"),
                    (2_500_00, "PHP"),
                    (1_000_000, "VND"),
                    (500_000_00, "IDR"),
                ]),
                refund_without_return_below: amounts(&[
                    (5_00, "SGD"),
                    (15_00, "MYR"),
                    (150_00, "THB"),
                    (250_00, "PHP"),
                    (100_000, "VND"),
                    (50_000_00, "IDR"),
                ]),
                max_refunds_without_return: Some(3),
            },
        }],
    }
}

/// Gulf (GCC). Assumption, documented: Saudi Arabia's E-Commerce Law (2019) art. 13 and its
/// regulations give 7 days from receipt to cancel unused goods; the UAE (Federal Law 15/2020
/// on Consumer Protection) has no general cooling-off for online sales and 7–14 days is common
/// retail practice; we take the common floor of 7 days, unused with packaging and tags, buyer
/// pays return shipping. Faults: 1-year seller/manufacturer warranty is typical and required
/// for many goods in the UAE → 365 days. KWD, BHD and OMR have 3 decimals.
pub fn gulf() -> Policy {
    Policy {
        name: "Gulf: 7-day returns, 1-year warranty".into(),
        rules: vec![Rule {
            id: "gcc".into(),
            name: "GCC standard".into(),
            matchers: market(Region::Gcc),
            terms: Terms {
                window_days: Some(7),
                warranty_days: Some(365),
                fault_refund_days: None,
                required: Condition::ALL,
                resolutions: vec![Refund, Exchange, StoreCredit],
                fault_resolutions: vec![Exchange, Repair, Refund],
                restocking_fee_bp: 0,
                partial_refund_bp: 2_000,
                return_shipping: Payer::Buyer,
                fault_return_shipping: Payer::Seller,
                auto_approve_up_to: amounts(&[
                    (400_00, "AED"),
                    (400_00, "SAR"),
                    (400_00, "QAR"),
                    (35_000, "KWD"),
                    (40_000, "BHD"),
                    (40_000, "OMR"),
                ]),
                refund_without_return_below: amounts(&[
                    (40_00, "AED"),
                    (40_00, "SAR"),
                    (40_00, "QAR"),
                    (3_500, "KWD"),
                    (4_000, "BHD"),
                    (4_000, "OMR"),
                ]),
                max_refunds_without_return: Some(3),
            },
        }],
    }
}
