//! Table tests for the decision engine: every preset, the edge days, the money and the routes.

// Amounts are written major_minor (`100_00` = 100.00) on purpose.
#![allow(clippy::inconsistent_digit_grouping)]

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Dubai, Asia::Singapore, Asia::Tokyo, Australia::Sydney};
use chrono_tz::{Europe::Berlin, Europe::London};
use uuid::Uuid;

use super::decision::DecisionReason as R;
use super::*;
use crate::ids::WarehouseId;
use crate::money::Money;

fn at(tz: Tz, local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn wid(n: u128) -> WarehouseId {
    WarehouseId(Uuid::from_u128(n))
}
const W_EU: u128 = 1;
const W_EU_REPAIR: u128 = 2;
const W_UK: u128 = 3;
const W_US: u128 = 4;
const W_HOME: u128 = 5;

fn lane(from: &str, minor: i64, currency: &str) -> Lane {
    Lane {
        from: Market::parse(from).unwrap(),
        cost: Money::new(minor, currency),
    }
}

fn markets(codes: &[&str]) -> Vec<Market> {
    codes.iter().map(|c| Market::parse(c).unwrap()).collect()
}

fn warehouses() -> Vec<Warehouse> {
    vec![
        Warehouse {
            id: wid(W_EU),
            name: "Rotterdam return centre".into(),
            kind: WarehouseKind::ReturnCentre,
            serves: markets(&["EU"]),
            lanes: vec![lane("EU", 6_50, "EUR"), lane("DE", 4_90, "EUR")],
            accepts_repairs: false,
        },
        Warehouse {
            id: wid(W_EU_REPAIR),
            name: "Berlin repair partner".into(),
            kind: WarehouseKind::RepairPartner,
            serves: markets(&["EU"]),
            lanes: vec![lane("EU", 9_00, "EUR")],
            accepts_repairs: true,
        },
        Warehouse {
            id: wid(W_UK),
            name: "UK return centre".into(),
            kind: WarehouseKind::ReturnCentre,
            serves: markets(&["UK"]),
            lanes: vec![lane("GB", 3_95, "GBP")],
            accepts_repairs: false,
        },
        Warehouse {
            id: wid(W_US),
            name: "New Jersey return centre".into(),
            kind: WarehouseKind::ReturnCentre,
            serves: markets(&["US"]),
            lanes: vec![lane("US", 8_00, "USD")],
            accepts_repairs: false,
        },
        Warehouse {
            id: wid(W_HOME),
            name: "Shenzhen home warehouse".into(),
            kind: WarehouseKind::Home,
            serves: markets(&["EU", "UK", "US", "JP", "AU", "SEA", "GCC"]),
            lanes: vec![
                lane("EU", 25_00, "EUR"),
                lane("GB", 22_00, "GBP"),
                lane("US", 30_00, "USD"),
                lane("JP", 2_500, "JPY"),
                lane("AU", 35_00, "AUD"),
                lane("SG", 20_00, "SGD"),
                lane("MY", 40_00, "MYR"),
                lane("AE", 90_00, "AED"),
                lane("KW", 15_00, "USD"),
            ],
            accepts_repairs: true,
        },
    ]
}

fn line(sku: &str, category: &str, quantity: u32, unit_price_minor: i64) -> OrderLine {
    OrderLine {
        sku: sku.into(),
        category: Some(category.into()),
        quantity,
        unit_price_minor,
        currency: None,
        recovery_minor: None,
    }
}

/// A market's shop: preset, zone, channel, country, currency, and its catalogue of lines.
#[derive(Clone, Copy)]
enum Shop {
    Eu,
    Uk,
    Us,
    Jp,
    Au,
    Sea,
    Gulf,
}

impl Shop {
    fn policy(self) -> Policy {
        match self {
            Shop::Eu => presets::eu(),
            Shop::Uk => presets::uk(),
            Shop::Us => presets::us(),
            Shop::Jp => presets::japan(),
            Shop::Au => presets::australia(),
            Shop::Sea => presets::shopee_sea(),
            Shop::Gulf => presets::gulf(),
        }
    }
    fn tz(self) -> Tz {
        match self {
            Shop::Eu => Berlin,
            Shop::Uk => London,
            Shop::Us => New_York,
            Shop::Jp => Tokyo,
            Shop::Au => Sydney,
            Shop::Sea => Singapore,
            Shop::Gulf => Dubai,
        }
    }
    fn order(self) -> Order {
        let (channel, country, currency, lines) = match self {
            Shop::Eu => (
                "shopify",
                "DE",
                "EUR",
                vec![
                    line("SHIRT", "apparel", 2, 39_99),
                    line("SOCKS", "apparel", 1, 8_99),
                    line("COAT", "apparel", 1, 149_00),
                    line("MUG", "personalised", 1, 24_00),
                    OrderLine {
                        recovery_minor: Some(3_00),
                        ..line("CABLE", "electronics", 1, 12_00)
                    },
                ],
            ),
            Shop::Uk => (
                "amazon",
                "GB",
                "GBP",
                vec![line("KETTLE", "kitchen", 1, 45_00)],
            ),
            Shop::Us => (
                "shopify",
                "US",
                "USD",
                vec![
                    line("TSHIRT", "apparel", 2, 25_00),
                    line("HEADPHONES", "electronics", 1, 199_99),
                    line("SPEAKER", "electronics", 1, 33_30),
                    line("CHARGER", "electronics", 1, 1016),
                ],
            ),
            Shop::Jp => (
                "shopify",
                "JP",
                "JPY",
                vec![
                    line("TEA-SET", "kitchen", 1, 4_980),
                    line("CUP", "kitchen", 1, 2_000),
                ],
            ),
            Shop::Au => (
                "shopify",
                "AU",
                "AUD",
                vec![line("DRILL", "tools", 1, 129_00)],
            ),
            Shop::Sea => (
                "shopee",
                "SG",
                "SGD",
                vec![
                    line("DRESS", "apparel", 1, 59_90),
                    OrderLine {
                        recovery_minor: Some(15_00),
                        ..line("SCARF", "apparel", 1, 25_00)
                    },
                ],
            ),
            Shop::Gulf => (
                "shopify",
                "AE",
                "AED",
                vec![line("ABAYA", "apparel", 1, 350_00)],
            ),
        };
        Order {
            channel: channel.into(),
            country: country.into(),
            currency: currency.into(),
            ordered_at: at(self.tz(), "2026-02-26 10:00"),
            delivered_at: Some(at(self.tz(), "2026-03-01 23:30")),
            lines,
        }
    }
}

struct Case {
    name: &'static str,
    shop: Shop,
    /// Changes to the shop's standard order (delivered 2026-03-01 23:30 local).
    order: fn(&mut Order),
    history: CustomerHistory,
    lines: &'static [(&'static str, u32)],
    reason: ReturnReason,
    condition: Condition,
    preferred: Option<Resolution>,
    /// Local time in the shop's zone.
    requested: &'static str,
    want: Want,
}

#[derive(Default)]
struct Want {
    eligible: bool,
    resolution: Option<Resolution>,
    destination: Option<Destination>,
    refund: i64,
    fee: i64,
    payer: Option<Payer>,
    auto: bool,
    rule: Option<&'static str>,
    codes: &'static [&'static str],
    /// Reasons that must appear exactly (with their data).
    has: Vec<R>,
}

fn same(_: &mut Order) {}
const CM: ReturnReason = ReturnReason::ChangedMind;
const DEFECT: ReturnReason = ReturnReason::Defective;
const NEW: Condition = Condition::ALL;
const USED: Condition = Condition::NONE;
const NO_HISTORY: CustomerHistory = CustomerHistory {
    orders: 1,
    returns: 0,
    refunds_without_return: 0,
    flagged_abusive: false,
};

fn to(n: u128) -> Option<Destination> {
    Some(Destination::Warehouse { id: wid(n) })
}
const KEEP: Option<Destination> = Some(Destination::BuyerKeepsItem);
const OK_CODES: &[&str] = &[
    "within_window",
    "cheapest_destination",
    "auto_approved_up_to",
];
const DEFECT_OK: &[&str] = &[
    "defect_under_warranty",
    "cheapest_destination",
    "auto_approved_up_to",
];

fn case(
    name: &'static str,
    shop: Shop,
    requested: &'static str,
    lines: &'static [(&'static str, u32)],
) -> Case {
    Case {
        name,
        shop,
        order: same,
        history: NO_HISTORY,
        lines,
        reason: CM,
        condition: NEW,
        preferred: None,
        requested,
        want: Want::default(),
    }
}

impl Case {
    fn reason(mut self, reason: ReturnReason) -> Self {
        self.reason = reason;
        self
    }
    fn condition(mut self, condition: Condition) -> Self {
        self.condition = condition;
        self
    }
    fn preferred(mut self, resolution: Resolution) -> Self {
        self.preferred = Some(resolution);
        self
    }
    fn order(mut self, change: fn(&mut Order)) -> Self {
        self.order = change;
        self
    }
    fn history(mut self, history: CustomerHistory) -> Self {
        self.history = history;
        self
    }
    fn want(mut self, want: Want) -> Self {
        self.want = want;
        self
    }
}

/// Eligible, refunded, sent to a warehouse.
fn refund(
    refund: i64,
    dest: Option<Destination>,
    payer: Payer,
    rule: &'static str,
    codes: &'static [&'static str],
) -> Want {
    Want {
        eligible: true,
        resolution: Some(Resolution::Refund),
        destination: dest,
        refund,
        payer: Some(payer),
        auto: codes.contains(&"auto_approved_up_to"),
        rule: Some(rule),
        codes,
        ..Want::default()
    }
}

fn rejected(rule: Option<&'static str>, codes: &'static [&'static str]) -> Want {
    Want {
        rule,
        codes,
        ..Want::default()
    }
}

fn cases() -> Vec<Case> {
    use Payer::{Buyer, Seller};
    use Resolution::*;
    vec![
        // ---- EU: 14 days from delivery (delivered 2026-03-01 23:30 Berlin) ----
        case(
            "eu: day 14 at 23:59 local is inside",
            Shop::Eu,
            "2026-03-15 23:59",
            &[("SHIRT", 1)],
        )
        .want(Want {
            has: vec![
                R::WithinWindow {
                    days_since: 14,
                    window: 14,
                },
                R::CheapestDestination {
                    warehouse: wid(W_EU),
                    cost: 4_90,
                },
            ],
            ..refund(39_99, to(W_EU), Buyer, "eu", OK_CODES)
        }),
        case(
            "eu: day 15 at 00:00 local is outside",
            Shop::Eu,
            "2026-03-16 00:00",
            &[("SHIRT", 1)],
        )
        .want(Want {
            has: vec![R::OutsideWindow {
                days_since: 15,
                window: 14,
            }],
            ..rejected(Some("eu"), &["outside_window"])
        }),
        case(
            "eu: a used item may be withdrawn (no condition in EU law)",
            Shop::Eu,
            "2026-03-05 12:00",
            &[("SHIRT", 2)],
        )
        .condition(USED)
        .want(refund(79_98, to(W_EU), Buyer, "eu", OK_CODES)),
        case(
            "eu: across spring-forward, day 14 late evening",
            Shop::Eu,
            "2026-04-03 23:30",
            &[("SHIRT", 1)],
        )
        .order(|o| o.delivered_at = Some(at(Berlin, "2026-03-20 10:00")))
        .want(refund(39_99, to(W_EU), Buyer, "eu", OK_CODES)),
        case(
            "eu: across spring-forward, day 15 just after midnight",
            Shop::Eu,
            "2026-04-04 00:10",
            &[("SHIRT", 1)],
        )
        .order(|o| o.delivered_at = Some(at(Berlin, "2026-03-20 10:00")))
        .want(rejected(Some("eu"), &["outside_window"])),
        case(
            "eu: no delivery date, order date used, inside",
            Shop::Eu,
            "2026-03-12 23:59",
            &[("SHIRT", 1)],
        )
        .order(|o| o.delivered_at = None)
        .want(Want {
            has: vec![R::WithinWindow {
                days_since: 14,
                window: 14,
            }],
            ..refund(
                39_99,
                to(W_EU),
                Buyer,
                "eu",
                &[
                    "no_delivery_date_used_order_date",
                    "within_window",
                    "cheapest_destination",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "eu: no delivery date, order date used, outside",
            Shop::Eu,
            "2026-03-13 00:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.delivered_at = None)
        .want(rejected(
            Some("eu"),
            &["no_delivery_date_used_order_date", "outside_window"],
        )),
        case(
            "eu: defect after the window, within the 2-year guarantee → exchange",
            Shop::Eu,
            "2027-02-01 10:00",
            &[("SHIRT", 1)],
        )
        .reason(DEFECT)
        .condition(USED)
        .want(Want {
            eligible: true,
            resolution: Some(Exchange),
            destination: to(W_EU),
            payer: Some(Seller),
            auto: true,
            rule: Some("eu"),
            codes: DEFECT_OK,
            has: vec![R::DefectUnderWarranty {
                days_since: 337,
                warranty: 730,
            }],
            ..Want::default()
        }),
        case(
            "eu: defect on day 730 (leap year) is covered",
            Shop::Eu,
            "2028-02-29 12:00",
            &[("SHIRT", 1)],
        )
        .reason(DEFECT)
        .preferred(Refund)
        .want(refund(39_99, to(W_EU), Seller, "eu", DEFECT_OK)),
        case(
            "eu: defect on day 731 is out of guarantee",
            Shop::Eu,
            "2028-03-01 12:00",
            &[("SHIRT", 1)],
        )
        .reason(DEFECT)
        .want(Want {
            has: vec![R::WarrantyExpired {
                days_since: 731,
                warranty: 730,
            }],
            ..rejected(Some("eu"), &["warranty_expired"])
        }),
        case(
            "eu: repair goes to the cheapest warehouse that repairs",
            Shop::Eu,
            "2026-06-01 10:00",
            &[("SHIRT", 1)],
        )
        .reason(DEFECT)
        .preferred(Repair)
        .want(Want {
            eligible: true,
            resolution: Some(Repair),
            destination: to(W_EU_REPAIR),
            payer: Some(Seller),
            auto: true,
            rule: Some("eu"),
            codes: DEFECT_OK,
            has: vec![R::CheapestDestination {
                warehouse: wid(W_EU_REPAIR),
                cost: 9_00,
            }],
            ..Want::default()
        }),
        case(
            "eu: partial refund for a defect, buyer keeps it (20 %)",
            Shop::Eu,
            "2026-06-01 10:00",
            &[("SHIRT", 1)],
        )
        .reason(DEFECT)
        .preferred(PartialRefund)
        .want(Want {
            eligible: true,
            resolution: Some(PartialRefund),
            destination: KEEP,
            refund: 8_00, // 20 % of 39.99 = 7.998 → 8.00
            auto: true,
            rule: Some("eu"),
            codes: &[
                "defect_under_warranty",
                "partial_refund_keep_item",
                "auto_approved_up_to",
            ],
            ..Want::default()
        }),
        case(
            "eu: preferred partial refund not allowed for change of mind → refund",
            Shop::Eu,
            "2026-03-10 10:00",
            &[("SHIRT", 1)],
        )
        .preferred(PartialRefund)
        .want(Want {
            has: vec![R::PreferredResolutionNotAllowed {
                preferred: PartialRefund,
                used: Refund,
            }],
            ..refund(
                39_99,
                to(W_EU),
                Buyer,
                "eu",
                &[
                    "within_window",
                    "preferred_resolution_not_allowed",
                    "cheapest_destination",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "eu: personalised goods cannot be withdrawn",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("MUG", 1)],
        )
        .want(rejected(
            Some("eu-personalised"),
            &["no_change_of_mind_returns"],
        )),
        case(
            "eu: personalised goods with a defect are covered",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("MUG", 1)],
        )
        .reason(DEFECT)
        .preferred(Refund)
        .want(refund(24_00, to(W_EU), Seller, "eu", DEFECT_OK)),
        case(
            "eu: below €10 → refund without return",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SOCKS", 1)],
        )
        .want(Want {
            payer: None,
            has: vec![R::RefundWithoutReturnBelow {
                limit: 10_00,
                value: 8_99,
            }],
            ..refund(
                8_99,
                KEEP,
                Buyer,
                "eu",
                &[
                    "within_window",
                    "refund_without_return_below",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "eu: return costs more than the item recovers (seller pays) → keep it",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("CABLE", 1)],
        )
        .reason(DEFECT)
        .preferred(Refund)
        .want(Want {
            payer: None,
            has: vec![R::RefundWithoutReturn {
                return_cost: 4_90,
                recovery: 3_00,
            }],
            ..refund(
                12_00,
                KEEP,
                Seller,
                "eu",
                &[
                    "defect_under_warranty",
                    "refund_without_return",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "eu: buyer-paid return is not uneconomic for the seller",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("CABLE", 1)],
        )
        .want(refund(12_00, to(W_EU), Buyer, "eu", OK_CODES)),
        case(
            "eu: abusive customer → manual review, no refund without return",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SOCKS", 1)],
        )
        .history(CustomerHistory {
            flagged_abusive: true,
            ..NO_HISTORY
        })
        .want(Want {
            auto: false,
            ..refund(
                8_99,
                to(W_EU),
                Buyer,
                "eu",
                &["within_window", "abuse_flag", "cheapest_destination"],
            )
        }),
        case(
            "eu: too many refunds without return → ship it back",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SOCKS", 1)],
        )
        .history(CustomerHistory {
            refunds_without_return: 3,
            ..NO_HISTORY
        })
        .want(refund(
            8_99,
            to(W_EU),
            Buyer,
            "eu",
            &[
                "within_window",
                "refund_without_return_limit_reached",
                "cheapest_destination",
                "auto_approved_up_to",
            ],
        )),
        case(
            "eu: at the auto-approve limit (value counted per unit × quantity)",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 2), ("SOCKS", 1)],
        )
        .want(refund(88_97, to(W_EU), Buyer, "eu", OK_CODES)),
        case(
            "eu: above the auto-approve limit → agent",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("COAT", 1)],
        )
        .want(Want {
            has: vec![R::AboveAutoApproveLimit {
                limit: 100_00,
                value: 149_00,
            }],
            ..refund(
                149_00,
                to(W_EU),
                Buyer,
                "eu",
                &[
                    "within_window",
                    "cheapest_destination",
                    "above_auto_approve_limit",
                ],
            )
        }),
        case(
            "eu: Norway is EEA but no warehouse serves it",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.country = "NO".into())
        .want(Want {
            destination: None,
            has: vec![R::NoWarehouseServes {
                country: "NO".into(),
                repair: false,
            }],
            ..refund(
                39_99,
                None,
                Buyer,
                "eu",
                &["within_window", "no_warehouse_serves"],
            )
        }),
        case(
            "eu: lowercase country and cheapest lane (DE 4.90 over EU 6.50 and home 25.00)",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.country = " de".into())
        .want(refund(39_99, to(W_EU), Buyer, "eu", OK_CODES)),
        case(
            "eu: France uses the region lane",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.country = "FR".into())
        .want(Want {
            has: vec![R::CheapestDestination {
                warehouse: wid(W_EU),
                cost: 6_50,
            }],
            ..refund(39_99, to(W_EU), Buyer, "eu", OK_CODES)
        }),
        case(
            "eu: an order from the US matches no rule",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.country = "US".into())
        .want(rejected(None, &["no_rule_matches"])),
        // ---- invalid requests ----
        case(
            "invalid: more than bought",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 3)],
        )
        .want(Want {
            has: vec![R::QuantityExceedsPurchased {
                sku: "SHIRT".into(),
                asked: 3,
                bought: 2,
            }],
            ..rejected(None, &["quantity_exceeds_purchased"])
        }),
        case(
            "invalid: repeated SKU lines are summed",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1), ("SHIRT", 2)],
        )
        .want(rejected(None, &["quantity_exceeds_purchased"])),
        case(
            "invalid: unknown SKU",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1), ("HAT", 1)],
        )
        .want(Want {
            has: vec![R::UnknownSku { sku: "HAT".into() }],
            ..rejected(None, &["unknown_sku"])
        }),
        case("invalid: no lines", Shop::Eu, "2026-03-03 10:00", &[])
            .want(rejected(None, &["no_lines"])),
        case(
            "invalid: zero quantity",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 0)],
        )
        .want(rejected(None, &["zero_quantity"])),
        case(
            "invalid: mixed currencies",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.lines[1].currency = Some("USD".into()))
        .want(rejected(None, &["mixed_currencies"])),
        case(
            "invalid: negative price",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 1)],
        )
        .order(|o| o.lines[0].unit_price_minor = -1)
        .want(rejected(None, &["invalid_amount"])),
        case(
            "invalid: country name instead of code, and unknown SKU",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("HAT", 1)],
        )
        .order(|o| o.country = "Germany".into())
        .want(rejected(None, &["invalid_country", "unknown_sku"])),
        case(
            "invalid: total overflows",
            Shop::Eu,
            "2026-03-03 10:00",
            &[("SHIRT", 2)],
        )
        .order(|o| o.lines[0].unit_price_minor = i64::MAX)
        .want(rejected(None, &["amount_overflow"])),
        // ---- UK: 14 days, CRA 30-day right to reject ----
        case(
            "uk: day 14 inside",
            Shop::Uk,
            "2026-03-15 23:59",
            &[("KETTLE", 1)],
        )
        .want(refund(45_00, to(W_UK), Buyer, "uk", OK_CODES)),
        case(
            "uk: day 15 outside",
            Shop::Uk,
            "2026-03-16 00:00",
            &[("KETTLE", 1)],
        )
        .want(rejected(Some("uk"), &["outside_window"])),
        case(
            "uk: across BST start, day 14 at 23:59",
            Shop::Uk,
            "2026-04-03 23:59",
            &[("KETTLE", 1)],
        )
        .order(|o| o.delivered_at = Some(at(London, "2026-03-20 18:00")))
        .want(refund(45_00, to(W_UK), Buyer, "uk", OK_CODES)),
        case(
            "uk: across BST start, day 15 at 00:00",
            Shop::Uk,
            "2026-04-04 00:00",
            &[("KETTLE", 1)],
        )
        .order(|o| o.delivered_at = Some(at(London, "2026-03-20 18:00")))
        .want(rejected(Some("uk"), &["outside_window"])),
        case(
            "uk: fault on day 30 → short-term right to reject, refund",
            Shop::Uk,
            "2026-03-31 22:00",
            &[("KETTLE", 1)],
        )
        .reason(DEFECT)
        .condition(USED)
        .want(Want {
            has: vec![R::ShortTermRightToReject {
                days_since: 30,
                limit: 30,
            }],
            ..refund(
                45_00,
                to(W_UK),
                Seller,
                "uk",
                &[
                    "defect_under_warranty",
                    "short_term_right_to_reject",
                    "cheapest_destination",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "uk: fault on day 31 → exchange first",
            Shop::Uk,
            "2026-04-01 08:00",
            &[("KETTLE", 1)],
        )
        .reason(DEFECT)
        .condition(USED)
        .want(Want {
            eligible: true,
            resolution: Some(Exchange),
            destination: to(W_UK),
            payer: Some(Seller),
            auto: true,
            rule: Some("uk"),
            codes: DEFECT_OK,
            ..Want::default()
        }),
        // ---- US: 30 days (delivered 2026-03-01 23:30 New York, DST starts 8 March) ----
        case(
            "us: day 30 across DST inside",
            Shop::Us,
            "2026-03-31 23:59",
            &[("TSHIRT", 1)],
        )
        .want(refund(25_00, to(W_US), Buyer, "us", OK_CODES)),
        case(
            "us: day 31 outside",
            Shop::Us,
            "2026-04-01 00:00",
            &[("TSHIRT", 1)],
        )
        .want(rejected(Some("us"), &["outside_window"])),
        case(
            "us: tags missing → condition not met",
            Shop::Us,
            "2026-03-05 10:00",
            &[("TSHIRT", 1)],
        )
        .condition(Condition {
            unused: true,
            original_packaging: false,
            tags_attached: false,
        })
        .want(Want {
            has: vec![R::ConditionNotMet {
                missing: Condition {
                    tags_attached: true,
                    ..Condition::NONE
                },
            }],
            ..rejected(Some("us"), &["within_window", "condition_not_met"])
        }),
        case(
            "us: electronics 15 % restocking fee: 29.9985 → 30.00",
            Shop::Us,
            "2026-03-05 10:00",
            &[("HEADPHONES", 1)],
        )
        .condition(Condition {
            original_packaging: true,
            ..USED
        })
        .want(Want {
            fee: 30_00,
            has: vec![R::RestockingFee {
                fee: 30_00,
                basis_points: 1_500,
            }],
            ..refund(
                169_99,
                to(W_US),
                Buyer,
                "us-electronics",
                &[
                    "within_window",
                    "cheapest_destination",
                    "restocking_fee",
                    "above_auto_approve_limit",
                ],
            )
        }),
        case(
            "us: restocking fee half up: 4.995 → 5.00",
            Shop::Us,
            "2026-03-05 10:00",
            &[("SPEAKER", 1)],
        )
        .want(Want {
            fee: 5_00,
            ..refund(
                28_30,
                to(W_US),
                Buyer,
                "us-electronics",
                &[
                    "within_window",
                    "cheapest_destination",
                    "restocking_fee",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "us: restocking fee rounds down: 1.524 → 1.52",
            Shop::Us,
            "2026-03-05 10:00",
            &[("CHARGER", 1)],
        )
        .want(Want {
            fee: 1_52,
            ..refund(
                864,
                to(W_US),
                Buyer,
                "us-electronics",
                &[
                    "within_window",
                    "cheapest_destination",
                    "restocking_fee",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "us: store credit carries no restocking fee",
            Shop::Us,
            "2026-03-05 10:00",
            &[("HEADPHONES", 1)],
        )
        .preferred(StoreCredit)
        .want(Want {
            resolution: Some(StoreCredit),
            ..refund(
                199_99,
                to(W_US),
                Buyer,
                "us-electronics",
                &[
                    "within_window",
                    "cheapest_destination",
                    "above_auto_approve_limit",
                ],
            )
        }),
        case(
            "us: electronics without the box",
            Shop::Us,
            "2026-03-05 10:00",
            &[("SPEAKER", 1)],
        )
        .condition(Condition {
            unused: true,
            tags_attached: true,
            original_packaging: false,
        })
        .want(rejected(
            Some("us-electronics"),
            &["within_window", "condition_not_met"],
        )),
        case(
            "us: mixed request falls to the rule covering every line",
            Shop::Us,
            "2026-03-05 10:00",
            &[("TSHIRT", 1), ("SPEAKER", 1)],
        )
        .want(refund(58_30, to(W_US), Buyer, "us", OK_CODES)),
        case(
            "us: defect after 30 days within a year → refund, seller pays",
            Shop::Us,
            "2026-12-01 10:00",
            &[("HEADPHONES", 1)],
        )
        .reason(DEFECT)
        .condition(USED)
        .want(refund(
            199_99,
            to(W_US),
            Seller,
            "us-electronics",
            &[
                "defect_under_warranty",
                "cheapest_destination",
                "above_auto_approve_limit",
            ],
        )),
        // ---- Japan: 8 days (SCTA default) ----
        case(
            "jp: day 8 inside",
            Shop::Jp,
            "2026-03-09 23:59",
            &[("TEA-SET", 1)],
        )
        .want(refund(4_980, to(W_HOME), Buyer, "jp", OK_CODES)),
        case(
            "jp: day 9 outside",
            Shop::Jp,
            "2026-03-10 00:00",
            &[("TEA-SET", 1)],
        )
        .want(rejected(Some("jp"), &["outside_window"])),
        case(
            "jp: opened packaging → condition not met",
            Shop::Jp,
            "2026-03-03 10:00",
            &[("TEA-SET", 1)],
        )
        .condition(Condition {
            unused: true,
            original_packaging: false,
            tags_attached: false,
        })
        .want(rejected(
            Some("jp"),
            &["within_window", "condition_not_met"],
        )),
        case(
            "jp: defect after the window → exchange",
            Shop::Jp,
            "2026-09-01 10:00",
            &[("TEA-SET", 1)],
        )
        .reason(DEFECT)
        .want(Want {
            eligible: true,
            resolution: Some(Exchange),
            destination: to(W_HOME),
            payer: Some(Seller),
            auto: true,
            rule: Some("jp"),
            codes: DEFECT_OK,
            ..Want::default()
        }),
        case(
            "jp: defect where the lane costs more than the cup → keep it, replacement sent",
            Shop::Jp,
            "2026-03-03 10:00",
            &[("CUP", 1)],
        )
        .reason(ReturnReason::DamagedInTransit)
        .want(Want {
            eligible: true,
            resolution: Some(Exchange),
            destination: KEEP,
            auto: true,
            rule: Some("jp"),
            codes: &[
                "defect_under_warranty",
                "refund_without_return",
                "auto_approved_up_to",
            ],
            has: vec![R::RefundWithoutReturn {
                return_cost: 2_500,
                recovery: 2_000,
            }],
            ..Want::default()
        }),
        // ---- Australia: no change-of-mind, ACL faults ----
        case(
            "au: change of mind is not a right",
            Shop::Au,
            "2026-03-02 10:00",
            &[("DRILL", 1)],
        )
        .want(rejected(Some("au"), &["no_change_of_mind_returns"])),
        case(
            "au: major fault → refund, seller pays",
            Shop::Au,
            "2027-06-01 10:00",
            &[("DRILL", 1)],
        )
        .reason(DEFECT)
        .condition(USED)
        .want(refund(129_00, to(W_HOME), Seller, "au", DEFECT_OK)),
        case(
            "au: fault, buyer asks for repair → home warehouse repairs",
            Shop::Au,
            "2026-05-01 10:00",
            &[("DRILL", 1)],
        )
        .reason(DEFECT)
        .preferred(Repair)
        .order(|o| o.delivered_at = None)
        .want(Want {
            eligible: true,
            resolution: Some(Repair),
            destination: to(W_HOME),
            payer: Some(Seller),
            auto: true,
            rule: Some("au"),
            codes: &[
                "no_delivery_date_used_order_date",
                "defect_under_warranty",
                "cheapest_destination",
                "auto_approved_up_to",
            ],
            has: vec![R::DefectUnderWarranty {
                days_since: 64,
                warranty: 730,
            }],
            ..Want::default()
        }),
        case(
            "au: fault after 2 years",
            Shop::Au,
            "2028-03-01 10:00",
            &[("DRILL", 1)],
        )
        .reason(DEFECT)
        .want(rejected(Some("au"), &["warranty_expired"])),
        // ---- Shopee SEA: 15 days, seller pays ----
        case(
            "sea: day 15 inside, above auto-approve",
            Shop::Sea,
            "2026-03-16 23:59",
            &[("DRESS", 1)],
        )
        .want(refund(
            59_90,
            to(W_HOME),
            Seller,
            "shopee-sea",
            &[
                "within_window",
                "cheapest_destination",
                "above_auto_approve_limit",
            ],
        )),
        case(
            "sea: day 16 outside",
            Shop::Sea,
            "2026-03-17 00:00",
            &[("DRESS", 1)],
        )
        .want(rejected(Some("shopee-sea"), &["outside_window"])),
        case(
            "sea: another channel matches no rule",
            Shop::Sea,
            "2026-03-03 10:00",
            &[("DRESS", 1)],
        )
        .order(|o| o.channel = "lazada".into())
        .want(rejected(None, &["no_rule_matches"])),
        case(
            "sea: return costs more than the scarf recovers → keep it",
            Shop::Sea,
            "2026-03-03 10:00",
            &[("SCARF", 1)],
        )
        .want(Want {
            payer: None,
            ..refund(
                25_00,
                KEEP,
                Seller,
                "shopee-sea",
                &[
                    "within_window",
                    "refund_without_return",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "sea: exchange not offered on Shopee → refund",
            Shop::Sea,
            "2026-03-03 10:00",
            &[("SCARF", 1)],
        )
        .preferred(Exchange)
        .want(Want {
            payer: None,
            ..refund(
                25_00,
                KEEP,
                Seller,
                "shopee-sea",
                &[
                    "within_window",
                    "preferred_resolution_not_allowed",
                    "refund_without_return",
                    "auto_approved_up_to",
                ],
            )
        }),
        case(
            "sea: tags removed",
            Shop::Sea,
            "2026-03-03 10:00",
            &[("DRESS", 1)],
        )
        .condition(Condition {
            unused: true,
            original_packaging: true,
            tags_attached: false,
        })
        .want(rejected(
            Some("shopee-sea"),
            &["within_window", "condition_not_met"],
        )),
        case(
            "sea: Thailand has no lane → agent",
            Shop::Sea,
            "2026-03-03 10:00",
            &[("DRESS", 1)],
        )
        .order(|o| {
            o.country = "TH".into();
            o.currency = "THB".into();
            o.lines[0].unit_price_minor = 1_290_00;
        })
        .want(refund(
            1_290_00,
            None,
            Seller,
            "shopee-sea",
            &["within_window", "no_warehouse_serves"],
        )),
        case(
            "sea: defect after 15 days is Shopee's window too",
            Shop::Sea,
            "2026-03-20 10:00",
            &[("DRESS", 1)],
        )
        .reason(ReturnReason::NotAsDescribed)
        .want(rejected(Some("shopee-sea"), &["warranty_expired"])),
        // ---- Gulf: 7 days ----
        case(
            "gulf: day 7 inside",
            Shop::Gulf,
            "2026-03-08 23:59",
            &[("ABAYA", 1)],
        )
        .want(refund(350_00, to(W_HOME), Buyer, "gcc", OK_CODES)),
        case(
            "gulf: day 8 outside",
            Shop::Gulf,
            "2026-03-09 00:00",
            &[("ABAYA", 1)],
        )
        .want(rejected(Some("gcc"), &["outside_window"])),
        case(
            "gulf: no delivery date → order date, day 8 from order",
            Shop::Gulf,
            "2026-03-06 10:00",
            &[("ABAYA", 1)],
        )
        .order(|o| o.delivered_at = None)
        .want(rejected(
            Some("gcc"),
            &["no_delivery_date_used_order_date", "outside_window"],
        )),
        case(
            "gulf: Kuwait lane priced in USD is not used",
            Shop::Gulf,
            "2026-03-03 10:00",
            &[("ABAYA", 1)],
        )
        .order(|o| {
            o.country = "KW".into();
            o.currency = "KWD".into();
            o.lines[0].unit_price_minor = 30_000;
        })
        .want(Want {
            has: vec![R::LaneCurrencyMismatch {
                warehouse: wid(W_HOME),
                currency: "USD".into(),
            }],
            ..refund(
                30_000,
                None,
                Buyer,
                "gcc",
                &[
                    "within_window",
                    "lane_currency_mismatch",
                    "no_warehouse_serves",
                ],
            )
        }),
        case(
            "gulf: defect within a year → exchange, seller pays",
            Shop::Gulf,
            "2026-11-01 10:00",
            &[("ABAYA", 1)],
        )
        .reason(ReturnReason::WrongItem)
        .condition(USED)
        .want(Want {
            eligible: true,
            resolution: Some(Exchange),
            destination: to(W_HOME),
            payer: Some(Seller),
            auto: true,
            rule: Some("gcc"),
            codes: DEFECT_OK,
            ..Want::default()
        }),
    ]
}

fn settings(shop: Shop) -> ReturnSettings {
    ReturnSettings {
        policy: shop.policy(),
        warehouses: warehouses(),
        time_zone: shop.tz(),
    }
}

fn run(c: &Case) -> Decision {
    let mut order = c.shop.order();
    (c.order)(&mut order);
    let request = ReturnRequest {
        lines: c
            .lines
            .iter()
            .map(|&(sku, quantity)| RequestLine {
                sku: sku.into(),
                quantity,
            })
            .collect(),
        reason: c.reason,
        condition: c.condition,
        preferred: c.preferred,
        requested_at: at(c.shop.tz(), c.requested),
    };
    decide(&settings(c.shop), &order, &c.history, &request)
}

#[test]
fn decision_table() {
    let cases = cases();
    let mut failures = Vec::new();
    for c in &cases {
        let d = run(c);
        let w = &c.want;
        let got = (
            d.eligible,
            d.resolution,
            d.destination,
            d.refund_minor,
            d.restocking_fee_minor,
            d.return_shipping_payer,
            d.auto_approve,
            d.rule.as_deref(),
            d.codes(),
        );
        let want = (
            w.eligible,
            w.resolution,
            w.destination,
            w.refund,
            w.fee,
            w.payer,
            w.auto,
            w.rule,
            w.codes.to_vec(),
        );
        if got != want {
            failures.push(format!("{}\n   got: {got:?}\n  want: {want:?}", c.name));
        }
        for reason in &w.has {
            if !d.reasons.contains(reason) {
                failures.push(format!(
                    "{}\n  missing {reason:?} in {:?}",
                    c.name, d.reasons
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_preset_is_covered_by_the_table() {
    let cases = cases();
    for (key, policy) in presets::all() {
        for rule in policy.rules.iter().map(|r| r.id.as_str()) {
            assert!(
                cases.iter().any(|c| c.want.rule == Some(rule)),
                "preset {key}: rule {rule} has no case"
            );
        }
        let eligible = cases.iter().filter(|c| {
            c.want.eligible
                && policy
                    .rules
                    .iter()
                    .any(|r| Some(r.id.as_str()) == c.want.rule)
        });
        let outside = cases.iter().filter(|c| {
            c.want.codes.contains(&"outside_window")
                || c.want.codes.contains(&"no_change_of_mind_returns")
        });
        let in_policy = |c: &&Case| {
            policy
                .rules
                .iter()
                .any(|r| Some(r.id.as_str()) == c.want.rule)
        };
        assert!(eligible.count() >= 2, "preset {key}: needs eligible cases");
        assert!(
            outside.filter(in_policy).count() >= 1,
            "preset {key}: needs an out-of-window case"
        );
    }
}

#[test]
fn presets_round_trip_as_json() {
    for (key, policy) in presets::all() {
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(
            serde_json::from_str::<Policy>(&json).unwrap(),
            policy,
            "{key}"
        );
    }
    let s = settings(Shop::Sea);
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<ReturnSettings>(&json).unwrap(), s);
}

#[test]
fn reason_codes_are_the_serde_tags() {
    for c in cases() {
        let d = run(&c);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            serde_json::from_value::<Decision>(json.clone()).unwrap(),
            d,
            "{}",
            c.name
        );
        for (reason, value) in d.reasons.iter().zip(json["reasons"].as_array().unwrap()) {
            assert_eq!(value["code"], reason.code(), "{}", c.name);
        }
    }
}

/// A tiny deterministic generator (xorshift), so property tests need no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

#[test]
fn properties_hold_for_generated_requests() {
    let shops = [
        Shop::Eu,
        Shop::Uk,
        Shop::Us,
        Shop::Jp,
        Shop::Au,
        Shop::Sea,
        Shop::Gulf,
    ];
    let resolutions = [
        None,
        Some(Resolution::Refund),
        Some(Resolution::Exchange),
        Some(Resolution::Repair),
        Some(Resolution::StoreCredit),
        Some(Resolution::PartialRefund),
    ];
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut eligible = 0;
    for i in 0..3_000 {
        let shop = rng.pick(&shops);
        let settings = settings(shop);
        let mut order = shop.order();
        if rng.below(5) == 0 {
            order.delivered_at = None;
        }
        for l in &mut order.lines {
            l.quantity = 1 + rng.below(3) as u32;
            l.unit_price_minor = rng.below(400_00) as i64;
            if rng.below(3) == 0 {
                l.recovery_minor = Some(rng.below(50_00) as i64);
            }
        }
        let mut lines = Vec::new();
        for _ in 0..rng.below(3) {
            let l = &order.lines[rng.below(order.lines.len() as u64) as usize];
            let sku = if rng.below(20) == 0 {
                "NOPE".to_owned()
            } else {
                l.sku.clone()
            };
            lines.push(RequestLine {
                sku,
                quantity: rng.below(4) as u32,
            });
        }
        let horizon_days = if rng.below(2) == 0 { 40 } else { 800 };
        let request = ReturnRequest {
            lines,
            reason: rng.pick(ReturnReason::ALL),
            condition: Condition {
                unused: rng.below(4) != 0,
                original_packaging: rng.below(4) != 0,
                tags_attached: rng.below(4) != 0,
            },
            preferred: rng.pick(&resolutions),
            requested_at: order.ordered_at
                + chrono::Duration::minutes(rng.below(60 * 24 * horizon_days) as i64),
        };
        let history = CustomerHistory {
            orders: 1 + rng.below(10) as u32,
            returns: rng.below(5) as u32,
            refunds_without_return: rng.below(5) as u32,
            flagged_abusive: rng.below(10) == 0,
        };
        let d = decide(&settings, &order, &history, &request);
        let ctx = format!("case {i}: {request:?} → {d:?}");

        // Deterministic.
        assert_eq!(decide(&settings, &order, &history, &request), d, "{ctx}");
        // Ineligible decisions say why; every decision says something.
        assert!(!d.reasons.is_empty(), "{ctx}");
        if !d.eligible {
            assert!(
                d.resolution.is_none()
                    && d.destination.is_none()
                    && !d.auto_approve
                    && d.refund_minor == 0,
                "{ctx}"
            );
            continue;
        }
        eligible += 1;
        // Refund never exceeds what was paid for the returned units, and is never negative.
        let mut paid = 0i64;
        for rl in &request.lines {
            let ol = order.lines.iter().find(|l| l.sku == rl.sku).unwrap();
            paid += i64::from(rl.quantity) * ol.unit_price_minor;
        }
        assert_eq!(d.value_minor, paid, "{ctx}");
        assert!((0..=paid).contains(&d.refund_minor), "{ctx}");
        assert!((0..=paid).contains(&d.restocking_fee_minor), "{ctx}");
        assert!(d.resolution.is_some(), "{ctx}");
        // An abusive customer is never approved automatically nor keeps the item for free.
        if history.flagged_abusive {
            assert!(!d.auto_approve, "{ctx}");
            assert!(d.codes().contains(&"abuse_flag"), "{ctx}");
        }
        // Faults never carry a restocking fee, and the buyer never pays their shipping in EU/UK/AU.
        if request.reason.is_fault() {
            assert_eq!(d.restocking_fee_minor, 0, "{ctx}");
            if matches!(shop, Shop::Eu | Shop::Uk | Shop::Au) {
                assert_ne!(d.return_shipping_payer, Some(Payer::Buyer), "{ctx}");
            }
        }
        // Auto-approval needs a destination.
        if d.auto_approve {
            assert!(d.destination.is_some(), "{ctx}");
        }
    }
    assert!(
        eligible > 250,
        "the generator should reach eligible decisions, got {eligible}"
    );
}
