//! "Try the policy": a made-up order and request run through the decision engine with the
//! shop's stored settings, so the owner sees what buyers will get and why. Nothing is saved.

use aftersail_db::return_config;
use aftersail_domain::returns::{
    decide, Condition, CustomerHistory, Decision, Destination, Order, OrderLine, RequestLine,
    ReturnReason, ReturnRequest,
};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::rules::{currency_choices, Choice};
use super::words;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::settings::SubNav;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

const SKU: &str = "TRY-1";

struct TryForm {
    country: String,
    channel: String,
    category: String,
    reason: String,
    days: String,
    value: String,
    currency: String,
    unused: bool,
    original_packaging: bool,
    tags_attached: bool,
}

impl TryForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = TryForm {
            country: "DE".into(),
            channel: "shopify".into(),
            category: String::new(),
            reason: ReturnReason::ChangedMind.code().into(),
            days: "10".into(),
            value: "50.00".into(),
            currency: "EUR".into(),
            unused: false,
            original_packaging: false,
            tags_attached: false,
        };
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "country" => f.country = v,
                "channel" => f.channel = v,
                "category" => f.category = v,
                "reason" => f.reason = v,
                "days" => f.days = v,
                "value" => f.value = v,
                "currency" => f.currency = v,
                "unused" => f.unused = true,
                "original_packaging" => f.original_packaging = true,
                "tags_attached" => f.tags_attached = true,
                _ => {}
            }
        }
        f
    }
}

/// The decision in words.
struct Outcome {
    eligible: bool,
    resolution: Option<&'static str>,
    refund: String,
    destination: String,
    return_shipping: Option<&'static str>,
    auto_approve: bool,
    rule: Option<String>,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "settings/returns_try.html")]
struct TryPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    has_policy: bool,
    form: TryForm,
    reasons: Vec<Choice>,
    currencies: Vec<Choice>,
    outcome: Option<Outcome>,
    errors: FormErrors,
}

/// Noon on the shop's local date `days` before today, and noon today: exactly `days` local
/// calendar days apart whatever the offset.
fn dates(zone: Tz, days: u32) -> Option<(chrono::DateTime<Utc>, chrono::DateTime<Utc>)> {
    let today = Utc::now().with_timezone(&zone).date_naive();
    let delivered = today.checked_sub_days(Days::new(u64::from(days)))?;
    let noon = |d: chrono::NaiveDate| {
        zone.from_local_datetime(&d.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((noon(delivered)?, noon(today)?))
}

pub async fn try_policy(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let run = !pairs.is_empty();
    let form = TryForm::from_pairs(&pairs);
    let mut tx = user.tx(&state).await?;
    let settings = return_config::settings(&mut tx).await?;
    tx.commit().await?;

    let mut errors = FormErrors::default();
    let country = aftersail_domain::returns::market::normalize_country(&form.country);
    if country.is_none() {
        errors.add("country", t.rs_err_country);
    }
    let reason = words::reason_code(&form.reason);
    let days = form
        .days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= 36_500);
    if days.is_none() {
        errors.add("days", t.rs_err_days);
    }
    let currency = form.currency.trim().to_ascii_uppercase();
    let value = if words::currency_ok(&currency) {
        words::parse_amount(&form.value, &currency)
    } else {
        None
    };
    if value.is_none() {
        errors.add("value", t.rs_err_amount);
    }

    let mut outcome = None;
    if let (true, Some(settings), Some(country), Some(reason), Some(days), Some(value)) =
        (run, &settings, country, reason, days, value)
    {
        if let Some((delivered_at, requested_at)) = dates(settings.time_zone, days) {
            let order = Order {
                channel: form.channel.trim().to_owned(),
                country,
                currency: currency.clone(),
                ordered_at: delivered_at,
                delivered_at: Some(delivered_at),
                lines: vec![OrderLine {
                    sku: SKU.into(),
                    category: Some(form.category.trim().to_owned()).filter(|c| !c.is_empty()),
                    quantity: 1,
                    unit_price_minor: value,
                    currency: None,
                    recovery_minor: None,
                }],
            };
            let request = ReturnRequest {
                lines: vec![RequestLine {
                    sku: SKU.into(),
                    quantity: 1,
                }],
                reason,
                condition: Condition {
                    unused: form.unused,
                    original_packaging: form.original_packaging,
                    tags_attached: form.tags_attached,
                },
                preferred: None,
                requested_at,
            };
            let decision = decide(settings, &order, &CustomerHistory::default(), &request);
            outcome = Some(describe(user.t(), settings, &decision));
        }
    }

    let page = TryPage {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "returns" },
        has_policy: settings.is_some(),
        reasons: ReturnReason::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: words::reason(t, *r).into(),
                checked: r.code() == form.reason,
            })
            .collect(),
        currencies: currency_choices(&currency),
        form,
        outcome,
        errors,
    };
    let status = if run && !page.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

fn describe(
    t: &'static crate::i18n::Tr,
    settings: &aftersail_domain::returns::ReturnSettings,
    d: &Decision,
) -> Outcome {
    let name_of = |id: &aftersail_domain::WarehouseId| {
        settings
            .warehouses
            .iter()
            .find(|w| w.id == *id)
            .map_or_else(|| id.to_string(), |w| w.name.clone())
    };
    let destination = match &d.destination {
        Some(Destination::Warehouse { id }) => name_of(id),
        Some(Destination::BuyerKeepsItem) => t.rs_keeps_item.to_owned(),
        None => t.rs_no_destination.to_owned(),
    };
    let rule = d.rule.as_ref().map(|id| {
        settings
            .policy
            .rules
            .iter()
            .find(|r| &r.id == id)
            .map_or_else(|| id.clone(), |r| r.name.clone())
    });
    Outcome {
        eligible: d.eligible,
        resolution: d.resolution.map(|r| words::resolution(t, r)),
        refund: words::money(d.refund_minor, &d.currency),
        destination,
        return_shipping: d.return_shipping_payer.map(|p| words::payer(t, p)),
        auto_approve: d.auto_approve,
        rule,
        reasons: d
            .reasons
            .iter()
            .map(|r| words::decision_reason(t, r, &d.currency, &name_of))
            .collect(),
    }
}
