//! The decision engine: one pure function, [`decide`], from (settings, order, customer history,
//! request) to a [`Decision`] that carries every reason behind it.
//!
//! Steps, in order (the reasons come out in this order too):
//!
//! 1. **Validate** the request against the order: no lines, unknown SKU, zero quantity, more than
//!    bought (quantities of repeated SKUs are summed), a line priced in another currency, a
//!    negative price, an unreadable country, an overflowing total. Any of these → ineligible with
//!    every problem found; nothing else is evaluated.
//! 2. **Day count** from delivery, or from the order date when there is no delivery date
//!    (reason `no_delivery_date_used_order_date`), in the shop's time zone (see `calendar`).
//! 3. **Rule**: the first matching rule (see `policy`); none → ineligible (`no_rule_matches`).
//! 4. **Time**: faults within `warranty_days` (or `window_days`) are eligible; other reasons
//!    within `window_days`. Outside → ineligible.
//! 5. **Condition** (non-faults only): anything required but missing → ineligible.
//! 6. **Resolution**: the buyer's preference if the rule allows it, else the rule's first
//!    allowed one (`preferred_resolution_not_allowed`). Under a short-term right to reject
//!    (`fault_refund_days`) the default for a fault is a refund.
//! 7. **Money**: value = Σ quantity × unit price of the returned units (when a SKU appears on
//!    several order lines, units are taken from the first lines first). Refund → value minus the
//!    restocking fee (non-faults only, bp of value rounded half up); store credit → value (as
//!    credit, in `refund_minor`); partial refund → `partial_refund_bp` of value rounded half up,
//!    buyer keeps the item; exchange and repair → 0. The refund never exceeds the value.
//! 8. **Destination**: refunds, store credit and exchanges are *refunded without return*
//!    (buyer keeps the item, no restocking fee) when the value is below the rule's threshold,
//!    or when the seller pays return shipping and the cheapest lane costs at least what the
//!    returned units would recover (`recovery_minor`, defaulting to the unit price). Customers
//!    flagged abusive or over `max_refunds_without_return` never get this. Otherwise the cheapest
//!    suitable warehouse; if none serves the country the decision stays eligible without a
//!    destination and goes to an agent.
//! 9. **Auto-approve** when eligible, a destination is set, the customer is not flagged and the
//!    value is at or below the rule's limit for the order's currency.
//!
//! Shipping is never deducted from the refund: `return_shipping_payer` says who buys the label,
//! and is `None` when nothing ships back.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::calendar;
use super::market::normalize_country;
use super::policy::{Condition, Payer, Policy, ProductRef, Resolution, ReturnReason, Rule};
use super::warehouse::{cheapest_route, Warehouse};
use crate::ids::WarehouseId;
use crate::money::apply_basis_points;

/// What the owner configured: the policy, the return destinations, and the shop's time zone
/// (days are counted in its local calendar).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnSettings {
    pub policy: Policy,
    pub warehouses: Vec<Warehouse>,
    pub time_zone: Tz,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub category: Option<String>,
    pub quantity: u32,
    /// What the buyer paid per unit, in the order's currency.
    pub unit_price_minor: i64,
    /// The line's currency when the source reports one per line; `None` = the order's.
    #[serde(default)]
    pub currency: Option<String>,
    /// What one returned unit is worth to the seller (resale value); `None` = the unit price.
    #[serde(default)]
    pub recovery_minor: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub channel: String,
    /// ISO 3166-1 alpha-2 shipping country.
    pub country: String,
    pub currency: String,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub lines: Vec<OrderLine>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHistory {
    pub orders: u32,
    pub returns: u32,
    pub refunds_without_return: u32,
    pub flagged_abusive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLine {
    pub sku: String,
    pub quantity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub lines: Vec<RequestLine>,
    pub reason: ReturnReason,
    /// The state the buyer reports.
    pub condition: Condition,
    pub preferred: Option<Resolution>,
    pub requested_at: DateTime<Utc>,
}

/// Where the goods go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    Warehouse {
        id: WarehouseId,
    },
    /// Nothing ships back: a refund without return or a partial refund.
    BuyerKeepsItem,
}

/// One reason behind a decision. Amounts are minor units of [`Decision::currency`].
/// Serialised with its [`code`](DecisionReason::code) in `"code"` for the UI to translate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DecisionReason {
    // Invalid requests.
    NoLines,
    UnknownSku {
        sku: String,
    },
    ZeroQuantity {
        sku: String,
    },
    QuantityExceedsPurchased {
        sku: String,
        asked: u64,
        bought: u64,
    },
    MixedCurrencies {
        sku: String,
        line_currency: String,
        order_currency: String,
    },
    InvalidAmount {
        sku: String,
    },
    InvalidCountry {
        country: String,
    },
    AmountOverflow,
    // Time.
    NoDeliveryDateUsedOrderDate,
    NoRuleMatches {
        country: String,
        channel: String,
        reason: ReturnReason,
    },
    WithinWindow {
        days_since: i64,
        window: u32,
    },
    OutsideWindow {
        days_since: i64,
        window: u32,
    },
    NoChangeOfMindReturns,
    DefectUnderWarranty {
        days_since: i64,
        warranty: u32,
    },
    WarrantyExpired {
        days_since: i64,
        warranty: u32,
    },
    ShortTermRightToReject {
        days_since: i64,
        limit: u32,
    },
    // Goods and resolution.
    ConditionNotMet {
        missing: Condition,
    },
    PreferredResolutionNotAllowed {
        preferred: Resolution,
        used: Resolution,
    },
    NoResolutionAllowed,
    RestockingFee {
        fee: i64,
        basis_points: u32,
    },
    PartialRefundKeepItem {
        basis_points: u32,
    },
    // Destination.
    RefundWithoutReturnBelow {
        limit: i64,
        value: i64,
    },
    RefundWithoutReturn {
        return_cost: i64,
        recovery: i64,
    },
    RefundWithoutReturnLimitReached {
        count: u32,
        limit: u32,
    },
    CheapestDestination {
        warehouse: WarehouseId,
        cost: i64,
    },
    LaneCurrencyMismatch {
        warehouse: WarehouseId,
        currency: String,
    },
    NoWarehouseServes {
        country: String,
        repair: bool,
    },
    // Approval.
    AutoApprovedUpTo {
        limit: i64,
        value: i64,
    },
    AboveAutoApproveLimit {
        limit: i64,
        value: i64,
    },
    NoAutoApproveLimit {
        currency: String,
    },
    AbuseFlag,
}

impl DecisionReason {
    /// A stable code for translations, logs and analytics. Equal to the serde `"code"` tag.
    pub fn code(&self) -> &'static str {
        use DecisionReason::*;
        match self {
            NoLines => "no_lines",
            UnknownSku { .. } => "unknown_sku",
            ZeroQuantity { .. } => "zero_quantity",
            QuantityExceedsPurchased { .. } => "quantity_exceeds_purchased",
            MixedCurrencies { .. } => "mixed_currencies",
            InvalidAmount { .. } => "invalid_amount",
            InvalidCountry { .. } => "invalid_country",
            AmountOverflow => "amount_overflow",
            NoDeliveryDateUsedOrderDate => "no_delivery_date_used_order_date",
            NoRuleMatches { .. } => "no_rule_matches",
            WithinWindow { .. } => "within_window",
            OutsideWindow { .. } => "outside_window",
            NoChangeOfMindReturns => "no_change_of_mind_returns",
            DefectUnderWarranty { .. } => "defect_under_warranty",
            WarrantyExpired { .. } => "warranty_expired",
            ShortTermRightToReject { .. } => "short_term_right_to_reject",
            ConditionNotMet { .. } => "condition_not_met",
            PreferredResolutionNotAllowed { .. } => "preferred_resolution_not_allowed",
            NoResolutionAllowed => "no_resolution_allowed",
            RestockingFee { .. } => "restocking_fee",
            PartialRefundKeepItem { .. } => "partial_refund_keep_item",
            RefundWithoutReturnBelow { .. } => "refund_without_return_below",
            RefundWithoutReturn { .. } => "refund_without_return",
            RefundWithoutReturnLimitReached { .. } => "refund_without_return_limit_reached",
            CheapestDestination { .. } => "cheapest_destination",
            LaneCurrencyMismatch { .. } => "lane_currency_mismatch",
            NoWarehouseServes { .. } => "no_warehouse_serves",
            AutoApprovedUpTo { .. } => "auto_approved_up_to",
            AboveAutoApproveLimit { .. } => "above_auto_approve_limit",
            NoAutoApproveLimit { .. } => "no_auto_approve_limit",
            AbuseFlag => "abuse_flag",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub eligible: bool,
    pub resolution: Option<Resolution>,
    pub destination: Option<Destination>,
    /// Money refunded, or credit issued for [`Resolution::StoreCredit`], in minor units.
    pub refund_minor: i64,
    pub restocking_fee_minor: i64,
    /// The value of the returned units (Σ quantity × unit price).
    pub value_minor: i64,
    pub currency: String,
    /// `None` when nothing ships back or the request is ineligible.
    pub return_shipping_payer: Option<Payer>,
    pub auto_approve: bool,
    /// The id of the matched rule.
    pub rule: Option<String>,
    /// Day count since delivery (or order) in the shop's calendar, once computed.
    pub days_since: Option<i64>,
    pub reasons: Vec<DecisionReason>,
}

impl Decision {
    fn ineligible(currency: &str, reasons: Vec<DecisionReason>) -> Self {
        Decision {
            eligible: false,
            resolution: None,
            destination: None,
            refund_minor: 0,
            restocking_fee_minor: 0,
            value_minor: 0,
            currency: currency.to_owned(),
            return_shipping_payer: None,
            auto_approve: false,
            rule: None,
            days_since: None,
            reasons,
        }
    }

    /// The reason codes, in order (handy for logs and tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(DecisionReason::code).collect()
    }
}

/// The returned units resolved against the order.
struct Returned<'a> {
    products: Vec<ProductRef<'a>>,
    value: i64,
    recovery: i64,
}

/// Checks the request against the order and prices the returned units.
fn validate<'a>(
    order: &'a Order,
    request: &ReturnRequest,
) -> Result<Returned<'a>, Vec<DecisionReason>> {
    let mut problems = Vec::new();
    if request.lines.is_empty() {
        problems.push(DecisionReason::NoLines);
    }
    for line in &order.lines {
        if let Some(currency) = &line.currency {
            if currency != &order.currency {
                problems.push(DecisionReason::MixedCurrencies {
                    sku: line.sku.clone(),
                    line_currency: currency.clone(),
                    order_currency: order.currency.clone(),
                });
            }
        }
        if line.unit_price_minor < 0 || line.recovery_minor.is_some_and(|r| r < 0) {
            problems.push(DecisionReason::InvalidAmount {
                sku: line.sku.clone(),
            });
        }
    }
    // Requested units per SKU, in first-seen order (BTreeMap for determinism, Vec for order).
    let mut asked: BTreeMap<&str, u64> = BTreeMap::new();
    let mut skus: Vec<&str> = Vec::new();
    for line in &request.lines {
        if line.quantity == 0 {
            problems.push(DecisionReason::ZeroQuantity {
                sku: line.sku.clone(),
            });
            continue;
        }
        if !order.lines.iter().any(|l| l.sku == line.sku) {
            problems.push(DecisionReason::UnknownSku {
                sku: line.sku.clone(),
            });
            continue;
        }
        let entry = asked.entry(line.sku.as_str()).or_insert(0);
        if *entry == 0 {
            skus.push(line.sku.as_str());
        }
        *entry += u64::from(line.quantity);
    }
    let mut products = Vec::new();
    let mut value: i128 = 0;
    let mut recovery: i128 = 0;
    for sku in skus {
        let wanted = asked[sku];
        let bought: u64 = order
            .lines
            .iter()
            .filter(|l| l.sku == sku)
            .map(|l| u64::from(l.quantity))
            .sum();
        if wanted > bought {
            problems.push(DecisionReason::QuantityExceedsPurchased {
                sku: sku.to_owned(),
                asked: wanted,
                bought,
            });
            continue;
        }
        let mut left = wanted;
        for line in order.lines.iter().filter(|l| l.sku == sku) {
            let take = left.min(u64::from(line.quantity));
            if take == 0 {
                continue;
            }
            left -= take;
            value += i128::from(take) * i128::from(line.unit_price_minor);
            recovery +=
                i128::from(take) * i128::from(line.recovery_minor.unwrap_or(line.unit_price_minor));
            products.push(ProductRef {
                sku: &line.sku,
                category: line.category.as_deref(),
            });
        }
    }
    let (Ok(value), Ok(recovery)) = (i64::try_from(value), i64::try_from(recovery)) else {
        problems.push(DecisionReason::AmountOverflow);
        return Err(problems);
    };
    if problems.is_empty() {
        Ok(Returned {
            products,
            value,
            recovery,
        })
    } else {
        Err(problems)
    }
}

/// Decides a return request. Pure and deterministic: same input, same decision.
pub fn decide(
    settings: &ReturnSettings,
    order: &Order,
    history: &CustomerHistory,
    request: &ReturnRequest,
) -> Decision {
    use DecisionReason as R;
    let currency = order.currency.as_str();
    let country = normalize_country(&order.country);
    let validated = validate(order, request);
    let (country, returned) = match (country, validated) {
        (Some(country), Ok(returned)) => (country, returned),
        (country, validated) => {
            let mut reasons = Vec::new();
            if country.is_none() {
                reasons.push(R::InvalidCountry {
                    country: order.country.clone(),
                });
            }
            reasons.extend(validated.err().unwrap_or_default());
            return Decision::ineligible(currency, reasons);
        }
    };

    let mut reasons = Vec::new();
    let start = match order.delivered_at {
        Some(delivered) => delivered,
        None => {
            reasons.push(R::NoDeliveryDateUsedOrderDate);
            order.ordered_at
        }
    };
    let days = calendar::days_since(start, request.requested_at, settings.time_zone);

    let Some(rule) =
        settings
            .policy
            .rule_for(&country, &order.channel, request.reason, &returned.products)
    else {
        reasons.push(R::NoRuleMatches {
            country: country.clone(),
            channel: order.channel.clone(),
            reason: request.reason,
        });
        let mut decision = Decision::ineligible(currency, reasons);
        decision.days_since = Some(days);
        decision.value_minor = returned.value;
        return decision;
    };

    let mut decision = Decision::ineligible(currency, Vec::new());
    decision.rule = Some(rule.id.clone());
    decision.days_since = Some(days);
    decision.value_minor = returned.value;
    let eligible = judge(rule, request, days, &mut reasons);
    if !eligible {
        decision.reasons = reasons;
        return decision;
    }
    settle(
        settings,
        rule,
        &country,
        history,
        request,
        days,
        &returned,
        &mut decision,
        &mut reasons,
    );
    decision.reasons = reasons;
    decision
}

/// Steps 4 and 5: time and condition.
fn judge(
    rule: &Rule,
    request: &ReturnRequest,
    days: i64,
    reasons: &mut Vec<DecisionReason>,
) -> bool {
    use DecisionReason as R;
    let t = &rule.terms;
    if request.reason.is_fault() {
        match (t.warranty_days, t.window_days) {
            (Some(warranty), _) if calendar::within(days, warranty) => {
                reasons.push(R::DefectUnderWarranty {
                    days_since: days,
                    warranty,
                });
                true
            }
            (_, Some(window)) if calendar::within(days, window) => {
                reasons.push(R::WithinWindow {
                    days_since: days,
                    window,
                });
                true
            }
            (Some(warranty), _) => {
                reasons.push(R::WarrantyExpired {
                    days_since: days,
                    warranty,
                });
                false
            }
            (None, Some(window)) => {
                reasons.push(R::OutsideWindow {
                    days_since: days,
                    window,
                });
                false
            }
            (None, None) => {
                reasons.push(R::NoChangeOfMindReturns);
                false
            }
        }
    } else {
        let in_time = match t.window_days {
            None => {
                reasons.push(R::NoChangeOfMindReturns);
                false
            }
            Some(window) if calendar::within(days, window) => {
                reasons.push(R::WithinWindow {
                    days_since: days,
                    window,
                });
                true
            }
            Some(window) => {
                reasons.push(R::OutsideWindow {
                    days_since: days,
                    window,
                });
                false
            }
        };
        let missing = request.condition.missing(t.required);
        if in_time && missing.any() {
            reasons.push(R::ConditionNotMet { missing });
            return false;
        }
        in_time
    }
}

/// Steps 6 to 9 for an eligible request.
#[allow(clippy::too_many_arguments)]
fn settle(
    settings: &ReturnSettings,
    rule: &Rule,
    country: &str,
    history: &CustomerHistory,
    request: &ReturnRequest,
    days: i64,
    returned: &Returned<'_>,
    decision: &mut Decision,
    reasons: &mut Vec<DecisionReason>,
) {
    use DecisionReason as R;
    let t = &rule.terms;
    let fault = request.reason.is_fault();
    let currency = decision.currency.clone();

    // 6. Resolution.
    let mut allowed = if fault {
        t.fault_resolutions.clone()
    } else {
        t.resolutions.clone()
    };
    if let Some(limit) = t
        .fault_refund_days
        .filter(|&limit| fault && calendar::within(days, limit))
    {
        reasons.push(R::ShortTermRightToReject {
            days_since: days,
            limit,
        });
        allowed.retain(|&r| r != Resolution::Refund);
        allowed.insert(0, Resolution::Refund);
    }
    let Some(&default) = allowed.first() else {
        reasons.push(R::NoResolutionAllowed);
        return;
    };
    let resolution = match request.preferred {
        Some(preferred) if allowed.contains(&preferred) => preferred,
        Some(preferred) => {
            reasons.push(R::PreferredResolutionNotAllowed {
                preferred,
                used: default,
            });
            default
        }
        None => default,
    };
    decision.eligible = true;
    decision.resolution = Some(resolution);
    if history.flagged_abusive {
        reasons.push(R::AbuseFlag);
    }

    // 7 and 8. Money and destination.
    let value = returned.value;
    let payer = if fault {
        t.fault_return_shipping
    } else {
        t.return_shipping
    };
    if resolution == Resolution::PartialRefund {
        let bp = t.partial_refund_bp.min(10_000);
        decision.refund_minor = apply_basis_points(value, bp);
        decision.destination = Some(Destination::BuyerKeepsItem);
        reasons.push(R::PartialRefundKeepItem { basis_points: bp });
    } else {
        let repair = resolution == Resolution::Repair;
        let search = cheapest_route(&settings.warehouses, country, &currency, repair);
        let may_keep = !repair && !history.flagged_abusive && {
            match t.max_refunds_without_return {
                Some(limit) if history.refunds_without_return >= limit => {
                    reasons.push(R::RefundWithoutReturnLimitReached {
                        count: history.refunds_without_return,
                        limit,
                    });
                    false
                }
                _ => true,
            }
        };
        let below = t
            .refund_without_return_below
            .get(&currency)
            .filter(|&limit| value < limit);
        let uneconomic = search
            .cheapest
            .as_ref()
            .filter(|route| payer == Payer::Seller && route.cost_minor >= returned.recovery);
        let keep = if !may_keep {
            false
        } else if let Some(limit) = below {
            reasons.push(R::RefundWithoutReturnBelow { limit, value });
            true
        } else if let Some(route) = uneconomic {
            reasons.push(R::RefundWithoutReturn {
                return_cost: route.cost_minor,
                recovery: returned.recovery,
            });
            true
        } else {
            false
        };
        if keep {
            decision.destination = Some(Destination::BuyerKeepsItem);
        } else {
            match &search.cheapest {
                Some(route) => {
                    reasons.push(R::CheapestDestination {
                        warehouse: route.warehouse,
                        cost: route.cost_minor,
                    });
                    decision.destination = Some(Destination::Warehouse {
                        id: route.warehouse,
                    });
                    decision.return_shipping_payer = Some(payer);
                }
                None => {
                    for (warehouse, lane_currency) in &search.currency_mismatches {
                        reasons.push(R::LaneCurrencyMismatch {
                            warehouse: *warehouse,
                            currency: lane_currency.clone(),
                        });
                    }
                    reasons.push(R::NoWarehouseServes {
                        country: country.to_owned(),
                        repair,
                    });
                    decision.return_shipping_payer = Some(payer);
                }
            }
        }
        let fee = if !fault && !keep && resolution == Resolution::Refund && t.restocking_fee_bp > 0
        {
            apply_basis_points(value, t.restocking_fee_bp.min(10_000))
        } else {
            0
        };
        if fee > 0 {
            reasons.push(R::RestockingFee {
                fee,
                basis_points: t.restocking_fee_bp.min(10_000),
            });
        }
        decision.restocking_fee_minor = fee;
        decision.refund_minor = match resolution {
            Resolution::Refund => value - fee,
            Resolution::StoreCredit => value,
            Resolution::Exchange | Resolution::Repair | Resolution::PartialRefund => 0,
        };
    }

    // 9. Auto-approval.
    if history.flagged_abusive || decision.destination.is_none() {
        return;
    }
    match t.auto_approve_up_to.get(&currency) {
        Some(limit) if value <= limit => {
            reasons.push(R::AutoApprovedUpTo { limit, value });
            decision.auto_approve = true;
        }
        Some(limit) => reasons.push(R::AboveAutoApproveLimit { limit, value }),
        None => reasons.push(R::NoAutoApproveLimit { currency }),
    }
}
