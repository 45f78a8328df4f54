//! Settings → Returns: the shop's return policy (ordered rules, usually started from a preset),
//! the time zone its days are counted in, the warehouses returns go to, and a "try it" form
//! that runs the decision engine on a made-up request. Admins and owners only; every change
//! is audited. The policy is saved whole on every change (`return_config::save_policy`).

mod preview;
mod rules;
mod warehouses;
mod words;

/// A return reason in the user's language (for other settings that name reasons).
pub(crate) fn reason_label(
    t: &crate::i18n::Tr,
    r: aftersail_domain::returns::ReturnReason,
) -> &'static str {
    words::reason(t, r)
}

use aftersail_db::{return_config, tenants};
use aftersail_domain::returns::{presets, Policy};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

/// Offered in the time zone field's suggestions; any IANA name is accepted.
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Bangkok",
    "Asia/Manila",
    "Asia/Jakarta",
    "Asia/Ho_Chi_Minh",
    "Asia/Dubai",
    "Asia/Riyadh",
    "Asia/Kuwait",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/returns", get(overview))
        .route("/settings/returns/preset", post(apply_preset))
        .route("/settings/returns/time-zone", post(set_time_zone))
        .route("/settings/returns/try", get(preview::try_policy))
        .merge(rules::router())
        .merge(warehouses::router())
}

/// A rule as the overview lists it.
struct RuleView {
    id: String,
    name: String,
    markets: String,
    channels: String,
    products: String,
    reasons: String,
    terms: Vec<String>,
}

struct PresetOption {
    key: &'static str,
    name: String,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "settings/returns.html")]
struct ReturnsPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    policy_name: Option<String>,
    preset: Option<String>,
    rules: Vec<RuleView>,
    presets: Vec<PresetOption>,
    time_zone: String,
    zones: &'static [&'static str],
    errors: FormErrors,
}

fn preset_description(t: &'static Tr, key: &str) -> &'static str {
    match key {
        "eu" => t.rs_preset_eu,
        "uk" => t.rs_preset_uk,
        "us" => t.rs_preset_us,
        "jp" => t.rs_preset_jp,
        "au" => t.rs_preset_au,
        "shopee_sea" => t.rs_preset_shopee_sea,
        _ => t.rs_preset_gulf,
    }
}

fn rule_view(t: &Tr, r: &aftersail_domain::returns::Rule) -> RuleView {
    let m = &r.matchers;
    let mut products: Vec<String> = m.categories.clone();
    products.extend(m.skus.iter().cloned());
    RuleView {
        id: r.id.clone(),
        name: r.name.clone(),
        markets: words::or_any(t, &m.markets),
        channels: words::or_any(t, &m.channels),
        products: words::or_any(t, &products),
        reasons: words::reasons(t, m),
        terms: words::terms(t, &r.terms),
    }
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    time_zone: Option<String>,
    errors: FormErrors,
) -> AppResult<ReturnsPage<'a>> {
    let t = user.t();
    let mut tx = user.tx(state).await?;
    let stored = return_config::policy(&mut tx).await?;
    let tenant = tenants::get(&mut tx).await?;
    tx.commit().await?;
    let (policy_name, preset, rules) = match stored {
        Some((policy, preset)) => (
            Some(policy.name.clone()),
            preset,
            policy.rules.iter().map(|r| rule_view(t, r)).collect(),
        ),
        None => (None, None, Vec::new()),
    };
    Ok(ReturnsPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "returns" },
        policy_name,
        preset,
        rules,
        presets: presets::all()
            .into_iter()
            .map(|(key, p)| PresetOption {
                key,
                name: p.name,
                description: preset_description(t, key),
            })
            .collect(),
        time_zone: time_zone.unwrap_or(tenant.time_zone),
        zones: COMMON_ZONES,
        errors,
    })
}

async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let page = page(&state, &user, None, FormErrors::default()).await?;
    let page = ReturnsPage {
        shell: page
            .shell
            .with_notice(notice(user.t(), q.notice.as_deref())),
        ..page
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PresetForm {
    preset: String,
}

async fn apply_preset(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PresetForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let Some((key, policy)) = presets::all().into_iter().find(|(k, _)| *k == form.preset) else {
        let mut errors = FormErrors::default();
        errors.add("preset", user.t().rs_err_preset);
        let page = page(&state, &user, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let mut tx = user.tx(&state).await?;
    let replaced = return_config::policy(&mut tx).await?.map(|(p, _)| p.name);
    return_config::save_policy(&mut tx, &policy, Some(key)).await?;
    user.audit(
        &mut tx,
        "returns.preset_applied",
        "return_policy",
        user.tenant().0,
        json!({ "preset": key, "replaced": replaced }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/returns?notice=returns_preset_applied").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TimeZoneForm {
    time_zone: String,
}

async fn set_time_zone(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TimeZoneForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let zone = form.time_zone.trim();
    if zone.parse::<chrono_tz::Tz>().is_err() {
        let mut errors = FormErrors::default();
        errors.add("time_zone", user.t().rs_err_time_zone);
        let page = page(&state, &user, Some(form.time_zone), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let mut tx = user.tx(&state).await?;
    let before = tenants::get(&mut tx).await?.time_zone;
    tenants::set_time_zone(&mut tx, zone).await?;
    user.audit(
        &mut tx,
        "returns.time_zone_changed",
        "tenant",
        user.tenant().0,
        json!({ "from": before, "to": zone }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/returns?notice=returns_time_zone_saved").into_response())
}

/// The stored policy (and its preset) in `tx`.
async fn load(tx: &mut aftersail_db::TenantTx) -> AppResult<(Option<Policy>, Option<String>)> {
    Ok(match return_config::policy(tx).await? {
        Some((p, preset)) => (Some(p), preset),
        None => (None, None),
    })
}
