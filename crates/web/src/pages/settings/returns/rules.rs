//! Editing the policy's rules: one rule's form, adding, deleting and moving rules. Order
//! matters (the first matching rule applies), so the list is saved whole in its new order.

use aftersail_db::return_config;
use aftersail_domain::money::Money;
use aftersail_domain::returns::{
    Condition, Matchers, Payer, PerCurrency, Policy, Resolution, ReturnReason, Rule, Terms,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::words::{self, CURRENCIES, RESOLUTIONS};
use super::{load, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

/// The name a policy gets when the owner builds one rule by rule.
const CUSTOM_POLICY: &str = "Custom policy";
const MAX_DAYS: u32 = 36_500;
const MAX_LIST: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/returns/rules", post(add))
        .route(
            "/settings/returns/rules/{rule_id}",
            axum::routing::get(edit).post(update),
        )
        .route("/settings/returns/rules/{rule_id}/delete", post(delete))
        .route("/settings/returns/rules/{rule_id}/move", post(move_rule))
}

/// A checkbox, radio or select option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The rule form as typed: kept whole so a rejected form comes back as it was sent.
#[derive(Default)]
struct RuleForm {
    name: String,
    markets: String,
    channels: String,
    categories: String,
    skus: String,
    reasons: Vec<String>,
    window_days: String,
    warranty_days: String,
    unused: bool,
    original_packaging: bool,
    tags_attached: bool,
    resolutions: Vec<String>,
    fault_resolutions: Vec<String>,
    restocking_fee: String,
    return_shipping: String,
    fault_return_shipping: String,
    auto_approve_amount: String,
    auto_approve_currency: String,
    rwr_amount: String,
    rwr_currency: String,
}

fn payer_code(p: Payer) -> String {
    match p {
        Payer::Buyer => "buyer".into(),
        Payer::Seller => "seller".into(),
    }
}

/// The first amount of a threshold, for the single amount + currency field.
fn first_amount(amounts: &PerCurrency) -> (String, String) {
    amounts.0.first().map_or_else(
        || (String::new(), "EUR".into()),
        |m| (words::major(m.minor, &m.currency), m.currency.clone()),
    )
}

impl RuleForm {
    fn of(rule: &Rule) -> Self {
        let (m, terms) = (&rule.matchers, &rule.terms);
        let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
        let (auto_approve_amount, auto_approve_currency) = first_amount(&terms.auto_approve_up_to);
        let (rwr_amount, rwr_currency) = first_amount(&terms.refund_without_return_below);
        Self {
            name: rule.name.clone(),
            markets: words::join(&m.markets),
            channels: m.channels.join(", "),
            categories: m.categories.join(", "),
            skus: m.skus.join(", "),
            reasons: m.reasons.iter().map(|r| r.code().to_owned()).collect(),
            window_days: days(terms.window_days),
            warranty_days: days(terms.warranty_days),
            unused: terms.required.unused,
            original_packaging: terms.required.original_packaging,
            tags_attached: terms.required.tags_attached,
            resolutions: terms.resolutions.iter().map(|r| r.code().into()).collect(),
            fault_resolutions: terms
                .fault_resolutions
                .iter()
                .map(|r| r.code().into())
                .collect(),
            restocking_fee: words::percent(terms.restocking_fee_bp),
            return_shipping: payer_code(terms.return_shipping),
            fault_return_shipping: payer_code(terms.fault_return_shipping),
            auto_approve_amount,
            auto_approve_currency,
            rwr_amount,
            rwr_currency,
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "markets" => f.markets = v,
                "channels" => f.channels = v,
                "categories" => f.categories = v,
                "skus" => f.skus = v,
                "reasons" => f.reasons.push(v),
                "window_days" => f.window_days = v,
                "warranty_days" => f.warranty_days = v,
                "unused" => f.unused = true,
                "original_packaging" => f.original_packaging = true,
                "tags_attached" => f.tags_attached = true,
                "resolutions" => f.resolutions.push(v),
                "fault_resolutions" => f.fault_resolutions.push(v),
                "restocking_fee" => f.restocking_fee = v,
                "return_shipping" => f.return_shipping = v,
                "fault_return_shipping" => f.fault_return_shipping = v,
                "auto_approve_amount" => f.auto_approve_amount = v,
                "auto_approve_currency" => f.auto_approve_currency = v,
                "rwr_amount" => f.rwr_amount = v,
                "rwr_currency" => f.rwr_currency = v,
                _ => {}
            }
        }
        f
    }
}

fn days(t: &Tr, field: &'static str, text: &str, errors: &mut FormErrors) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(d) if d <= MAX_DAYS => Some(d),
        _ => {
            errors.add(field, t.rs_err_days);
            None
        }
    }
}

fn payer(t: &Tr, field: &'static str, code: &str, errors: &mut FormErrors) -> Payer {
    match code {
        "buyer" => Payer::Buyer,
        "seller" => Payer::Seller,
        _ => {
            errors.add(field, t.rs_err_payer);
            Payer::Buyer
        }
    }
}

/// The threshold with this currency's amount set (or removed when blank); other currencies kept.
fn threshold(
    t: &Tr,
    field: &'static str,
    amount: &str,
    currency: &str,
    before: &PerCurrency,
    errors: &mut FormErrors,
) -> PerCurrency {
    let mut out: Vec<Money> = before
        .0
        .iter()
        .filter(|m| m.currency != currency)
        .cloned()
        .collect();
    if amount.trim().is_empty() {
        return PerCurrency(out);
    }
    if !words::currency_ok(currency) {
        errors.add(field, t.rs_err_currency);
        return PerCurrency(out);
    }
    match words::parse_amount(amount, currency) {
        Some(minor) => {
            // The edited currency comes first: the form shows the first amount next time.
            out.insert(0, Money::new(minor, currency));
        }
        None => errors.add(field, t.rs_err_amount),
    }
    PerCurrency(out)
}

fn plain_list(t: &Tr, field: &'static str, text: &str, errors: &mut FormErrors) -> Vec<String> {
    let items = words::list(text);
    if items.len() > MAX_LIST || items.iter().any(|i| i.chars().count() > 100) {
        errors.add(field, t.rs_err_list);
    }
    items
}

/// The form checked against the rule it edits (whose id and unedited terms are kept).
fn check(t: &Tr, form: &RuleForm, before: &Rule, errors: &mut FormErrors) -> Option<Rule> {
    let name = aftersail_domain::validation::clean_name(&form.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let markets = match words::markets(&form.markets) {
        Ok(m) => m,
        Err(bad) => {
            errors.add("markets", t.fill(t.rs_err_market, bad.join(", ")));
            Vec::new()
        }
    };
    let channels = plain_list(t, "channels", &form.channels, errors);
    let categories = plain_list(t, "categories", &form.categories, errors);
    let skus = plain_list(t, "skus", &form.skus, errors);
    let reasons: Vec<ReturnReason> = ReturnReason::ALL
        .iter()
        .copied()
        .filter(|r| form.reasons.iter().any(|c| c == r.code()))
        .collect();
    let window_days = days(t, "window_days", &form.window_days, errors);
    let warranty_days = days(t, "warranty_days", &form.warranty_days, errors);
    let pick = |codes: &[String]| -> Vec<Resolution> {
        let mut out = Vec::new();
        for r in codes.iter().filter_map(|c| words::resolution_code(c)) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    };
    let resolutions = pick(&form.resolutions);
    let fault_resolutions = pick(&form.fault_resolutions);
    if resolutions.is_empty() {
        errors.add("resolutions", t.rs_err_resolution);
    }
    if fault_resolutions.is_empty() {
        errors.add("fault_resolutions", t.rs_err_resolution);
    }
    let restocking_fee_bp = if form.restocking_fee.trim().is_empty() {
        0
    } else {
        words::parse_percent(&form.restocking_fee).unwrap_or_else(|| {
            errors.add("restocking_fee", t.rs_err_fee);
            0
        })
    };
    let return_shipping = payer(t, "return_shipping", &form.return_shipping, errors);
    let fault_return_shipping = payer(
        t,
        "fault_return_shipping",
        &form.fault_return_shipping,
        errors,
    );
    let auto_approve_up_to = threshold(
        t,
        "auto_approve",
        &form.auto_approve_amount,
        form.auto_approve_currency.trim(),
        &before.terms.auto_approve_up_to,
        errors,
    );
    let refund_without_return_below = threshold(
        t,
        "rwr",
        &form.rwr_amount,
        form.rwr_currency.trim(),
        &before.terms.refund_without_return_below,
        errors,
    );
    if !errors.is_empty() {
        return None;
    }
    Some(Rule {
        id: before.id.clone(),
        name: name?,
        matchers: Matchers {
            markets,
            channels,
            categories,
            skus,
            reasons,
        },
        terms: Terms {
            window_days,
            warranty_days,
            required: Condition {
                unused: form.unused,
                original_packaging: form.original_packaging,
                tags_attached: form.tags_attached,
            },
            resolutions,
            fault_resolutions,
            restocking_fee_bp,
            return_shipping,
            fault_return_shipping,
            auto_approve_up_to,
            refund_without_return_below,
            ..before.terms.clone()
        },
    })
}

#[derive(Template)]
#[template(path = "settings/returns_rule.html")]
struct RulePage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    rule_id: String,
    form: RuleForm,
    reasons: Vec<Choice>,
    resolutions: Vec<Choice>,
    fault_resolutions: Vec<Choice>,
    return_shipping: Vec<Choice>,
    fault_return_shipping: Vec<Choice>,
    auto_approve_currencies: Vec<Choice>,
    rwr_currencies: Vec<Choice>,
    /// Amounts in other currencies than the one shown, kept as they are.
    auto_approve_others: String,
    rwr_others: String,
    errors: FormErrors,
}

/// Ticked resolutions first, in the order given (the first is the default), then the rest.
fn resolution_choices(t: &Tr, ticked: &[String]) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for code in ticked {
        if let Some(r) = words::resolution_code(code) {
            if !out.iter().any(|c| c.value == r.code()) {
                out.push(Choice {
                    value: r.code().into(),
                    label: words::resolution(t, r).into(),
                    checked: true,
                });
            }
        }
    }
    for r in RESOLUTIONS {
        if !out.iter().any(|c| c.value == r.code()) {
            out.push(Choice {
                value: r.code().into(),
                label: words::resolution(t, *r).into(),
                checked: false,
            });
        }
    }
    out
}

fn payer_choices(t: &Tr, current: &str) -> Vec<Choice> {
    [Payer::Buyer, Payer::Seller]
        .into_iter()
        .map(|p| Choice {
            value: payer_code(p),
            label: words::payer(t, p).into(),
            checked: payer_code(p) == current,
        })
        .collect()
}

pub fn currency_choices(current: &str) -> Vec<Choice> {
    let mut codes: Vec<&str> = CURRENCIES.to_vec();
    if words::currency_ok(current) && !codes.contains(&current) {
        codes.insert(0, current);
    }
    codes
        .into_iter()
        .map(|c| Choice {
            value: c.into(),
            label: c.into(),
            checked: c == current,
        })
        .collect()
}

fn others(amounts: &PerCurrency, shown: &str) -> String {
    PerCurrency(
        amounts
            .0
            .iter()
            .filter(|m| m.currency != shown)
            .cloned()
            .collect(),
    )
    .0
    .iter()
    .map(|m| words::money(m.minor, &m.currency))
    .collect::<Vec<_>>()
    .join(", ")
}

fn rule_page<'a>(
    user: &'a CurrentUser,
    rule: &Rule,
    form: RuleForm,
    errors: FormErrors,
) -> RulePage<'a> {
    let t = user.t();
    RulePage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "returns" },
        rule_id: rule.id.clone(),
        reasons: ReturnReason::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: words::reason(t, *r).into(),
                checked: form.reasons.iter().any(|c| c == r.code()),
            })
            .collect(),
        resolutions: resolution_choices(t, &form.resolutions),
        fault_resolutions: resolution_choices(t, &form.fault_resolutions),
        return_shipping: payer_choices(t, &form.return_shipping),
        fault_return_shipping: payer_choices(t, &form.fault_return_shipping),
        auto_approve_currencies: currency_choices(&form.auto_approve_currency),
        rwr_currencies: currency_choices(&form.rwr_currency),
        auto_approve_others: others(&rule.terms.auto_approve_up_to, &form.auto_approve_currency),
        rwr_others: others(&rule.terms.refund_without_return_below, &form.rwr_currency),
        form,
        errors,
    }
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rule_id): Path<String>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let (policy, _) = load(&mut tx).await?;
    tx.commit().await?;
    let rule = policy
        .and_then(|p| p.rules.into_iter().find(|r| r.id == rule_id))
        .ok_or(AppError::NotFound)?;
    let page = rule_page(&user, &rule, RuleForm::of(&rule), FormErrors::default());
    Ok(render(&page)?.into_response())
}

/// Saves the changed policy with an audit entry and goes back to the overview.
async fn save(
    user: &CurrentUser,
    mut tx: aftersail_db::TenantTx,
    policy: &Policy,
    preset: Option<&str>,
    action: &str,
    detail: serde_json::Value,
    notice: &str,
) -> AppResult<Response> {
    return_config::save_policy(&mut tx, policy, preset).await?;
    user.audit(&mut tx, action, "return_policy", user.tenant().0, detail)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/returns?notice={notice}")).into_response())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rule_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let form = RuleForm::from_pairs(pairs);
    let mut tx = user.tx(&state).await?;
    let (policy, preset) = load(&mut tx).await?;
    let mut policy = policy.ok_or(AppError::NotFound)?;
    let index = policy
        .rules
        .iter()
        .position(|r| r.id == rule_id)
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let Some(rule) = check(user.t(), &form, &policy.rules[index], &mut errors) else {
        tx.commit().await?;
        let page = rule_page(&user, &policy.rules[index], form, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let detail =
        json!({ "rule": rule.id, "name": rule.name, "before": policy.rules[index], "after": rule });
    policy.rules[index] = rule;
    save(
        &user,
        tx,
        &policy,
        preset.as_deref(),
        "returns.rule_updated",
        detail,
        "returns_rule_saved",
    )
    .await
}

/// A new rule with everyday terms, appended (so it applies only where no earlier rule does).
async fn add(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let (policy, preset) = load(&mut tx).await?;
    let mut policy = policy.unwrap_or_else(|| Policy {
        name: CUSTOM_POLICY.into(),
        rules: Vec::new(),
    });
    let id = (1..)
        .map(|n| format!("rule-{n}"))
        .find(|id| !policy.rules.iter().any(|r| &r.id == id))
        .expect("a free id");
    policy.rules.push(Rule {
        id: id.clone(),
        name: user.t().rs_new_rule_name.into(),
        matchers: Matchers::default(),
        terms: Terms {
            window_days: Some(14),
            warranty_days: Some(365),
            fault_refund_days: None,
            required: Condition::NONE,
            resolutions: vec![Resolution::Refund],
            fault_resolutions: vec![Resolution::Refund],
            restocking_fee_bp: 0,
            partial_refund_bp: 0,
            return_shipping: Payer::Buyer,
            fault_return_shipping: Payer::Seller,
            auto_approve_up_to: PerCurrency::none(),
            refund_without_return_below: PerCurrency::none(),
            max_refunds_without_return: None,
        },
    });
    return_config::save_policy(&mut tx, &policy, preset.as_deref()).await?;
    user.audit(
        &mut tx,
        "returns.rule_added",
        "return_policy",
        user.tenant().0,
        json!({ "rule": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/returns/rules/{id}")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rule_id): Path<String>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let (policy, preset) = load(&mut tx).await?;
    let mut policy = policy.ok_or(AppError::NotFound)?;
    let index = policy
        .rules
        .iter()
        .position(|r| r.id == rule_id)
        .ok_or(AppError::NotFound)?;
    let removed = policy.rules.remove(index);
    save(
        &user,
        tx,
        &policy,
        preset.as_deref(),
        "returns.rule_deleted",
        json!({ "rule": removed.id, "name": removed.name, "position": index + 1 }),
        "returns_rule_deleted",
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveForm {
    direction: String,
}

async fn move_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rule_id): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let (policy, preset) = load(&mut tx).await?;
    let mut policy = policy.ok_or(AppError::NotFound)?;
    let from = policy
        .rules
        .iter()
        .position(|r| r.id == rule_id)
        .ok_or(AppError::NotFound)?;
    let to = match form.direction.as_str() {
        "up" => from.checked_sub(1),
        "down" => Some(from + 1).filter(|i| *i < policy.rules.len()),
        _ => return Err(AppError::BadRequest(user.t().err_400.into())),
    };
    let Some(to) = to else {
        // Already first (or last): nothing changes.
        return Ok(Redirect::to("/settings/returns").into_response());
    };
    policy.rules.swap(from, to);
    save(
        &user,
        tx,
        &policy,
        preset.as_deref(),
        "returns.rule_moved",
        json!({ "rule": rule_id, "from": from + 1, "to": to + 1 }),
        "returns_rule_moved",
    )
    .await
}
