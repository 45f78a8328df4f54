//! Following a return: by code + email, or by the sealed link shown right after a request.

use aftersail_db::{return_config, rmas, TenantTx};
use aftersail_domain::returns::{Decision, DecisionReason, Destination, Payer};
use aftersail_domain::RmaId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::strings::S;
use super::{chrome, lang_query, respond, shop, token, Chrome, LangQuery, Shop};
use crate::error::{urlencode, AppResult};
use crate::pages::ClientIp;
use crate::state::AppState;

/// What a status link vouches for.
#[derive(Serialize, Deserialize)]
pub struct StatusToken {
    pub rma: uuid::Uuid,
    pub email: String,
}

#[derive(Template)]
#[template(path = "portal/status_find.html")]
struct FindPage {
    c: Chrome,
    action: String,
    code: String,
    email: String,
    error: Option<String>,
}

pub struct Line {
    title: String,
    quantity: i32,
}

pub struct Event {
    at: String,
    label: &'static str,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/status.html")]
struct StatusPage {
    c: Chrome,
    code: String,
    status: String,
    status_label: &'static str,
    resolution: Option<&'static str>,
    items: Vec<Line>,
    /// What happens next, in the buyer's words.
    outcome: Vec<String>,
    address: Option<String>,
    timeline: Vec<Event>,
}

pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (shop, lang) = match shop(&state, &slug, &q, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    if let Some(view) = q.view.as_deref() {
        if let Some(vouched) = token::open::<StatusToken>(&state, "status", shop.id.0, view) {
            let mut tx = TenantTx::begin(&state.pool, shop.id).await?;
            let rma = rmas::get(&mut tx, RmaId(vouched.rma)).await?;
            if let Some(rma) = rma.filter(|r| owned_by(r, &vouched.email)) {
                return render_status(&state, &headers, &shop, lang, &mut tx, rma, view).await;
            }
        }
    }
    render_find(
        &state,
        &headers,
        &shop,
        lang,
        StatusCode::OK,
        &LangQuery::prefill(&q.code),
        &LangQuery::prefill(&q.email),
        None,
    )
}

fn owned_by(rma: &rmas::Rma, email: &str) -> bool {
    let email = email.trim();
    !email.is_empty()
        && rma
            .buyer_email
            .as_deref()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
}

#[allow(clippy::too_many_arguments)]
fn render_find(
    state: &AppState,
    headers: &HeaderMap,
    shop: &Shop,
    lang: Lang,
    status: StatusCode,
    code: &str,
    email: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let (c, cookie) = chrome(
        state,
        headers,
        lang,
        Some(shop),
        format!("/p/{}/returns/status", shop.slug),
    );
    let page = FindPage {
        action: format!("/p/{}/returns/status?{}", shop.slug, lang_query(lang)),
        c,
        code: code.to_owned(),
        email: email.to_owned(),
        error,
    };
    respond(status, &page, cookie)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LookupForm {
    code: String,
    email: String,
}

pub async fn lookup(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LookupForm>,
) -> AppResult<Response> {
    let (shop, lang) = match shop(&state, &slug, &q, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    if let Some(minutes) = super::blocked_for(&state, ip, &shop).await? {
        return super::too_many(&state, &headers, lang, &shop, minutes);
    }
    let mut tx = TenantTx::begin(&state.pool, shop.id).await?;
    let code = form.code.trim();
    let rma = if code.is_empty() || code.len() > 40 {
        None
    } else {
        rmas::get_by_code(&mut tx, code).await?
    };
    let Some(rma) = rma.filter(|r| owned_by(r, &form.email)) else {
        tx.commit().await?;
        super::record_failure(&state, ip, &shop).await?;
        let s = super::strings::strings(lang);
        return render_find(
            &state,
            &headers,
            &shop,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.code,
            &form.email,
            Some(s.status_not_found.to_owned()),
        );
    };
    let view = token::seal(
        &state,
        "status",
        shop.id.0,
        token::STATUS_TTL_SECS,
        &StatusToken {
            rma: rma.id.0,
            email: form.email.trim().to_owned(),
        },
    );
    render_status(&state, &headers, &shop, lang, &mut tx, rma, &view).await
}

async fn render_status(
    state: &AppState,
    headers: &HeaderMap,
    shop: &Shop,
    lang: Lang,
    tx: &mut TenantTx,
    rma: rmas::Rma,
    view: &str,
) -> AppResult<Response> {
    let s = super::strings::strings(lang);
    let items = rmas::items(tx, rma.id)
        .await?
        .into_iter()
        .map(|(_, _, title, quantity, _)| Line { title, quantity })
        .collect();
    let timeline = rmas::timeline(tx, rma.id, true)
        .await?
        .into_iter()
        .filter(|e| e.visible_to_buyer)
        .map(|e| Event {
            at: e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            label: s.code(&e.kind),
            note: e.note,
        })
        .collect();
    let decision: Option<Decision> = rma
        .decision
        .clone()
        .and_then(|d| serde_json::from_value(d).ok());
    let mut address = None;
    if let Some(id) = rma.warehouse_id {
        address = return_config::warehouses(tx)
            .await?
            .into_iter()
            .find(|w| w.warehouse.id == id)
            .map(|w| w.address)
            .filter(|a| !a.trim().is_empty());
    }
    let outcome = outcome(s, &rma, decision.as_ref(), address.is_some());
    let show_address = matches!(rma.status.as_str(), "approved" | "in_transit");
    let (c, cookie) = chrome(
        state,
        headers,
        lang,
        Some(shop),
        format!("/p/{}/returns/status?view={}", shop.slug, urlencode(view)),
    );
    let page = StatusPage {
        c,
        status_label: s.code(&rma.status),
        resolution: rma.resolution.as_deref().map(|r| s.code(r)),
        code: rma.code,
        status: rma.status,
        items,
        outcome,
        address: address.filter(|_| show_address),
        timeline,
    };
    respond(StatusCode::OK, &page, cookie)
}

/// What the decision means for the buyer, sentence by sentence.
pub(crate) fn outcome(
    s: &S,
    rma: &rmas::Rma,
    decision: Option<&Decision>,
    has_address: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    match rma.status.as_str() {
        "requested" => out.push(s.review_note.to_owned()),
        "rejected" => {
            out.push(s.rejected_intro.to_owned());
            let mut reasons: Vec<String> = Vec::new();
            for r in decision.map(|d| d.reasons.as_slice()).unwrap_or_default() {
                if let Some(text) = rejection(s, r) {
                    if !reasons.contains(&text) {
                        reasons.push(text);
                    }
                }
            }
            if reasons.is_empty() {
                reasons.push(s.dr_generic.to_owned());
            }
            out.extend(reasons);
        }
        "approved" => {
            out.push(s.approved_note.to_owned());
            let Some(d) = decision else {
                return out;
            };
            if d.destination == Some(Destination::BuyerKeepsItem) {
                out.push(s.keep_item.to_owned());
            } else if has_address {
                out.push(s.include_code.to_owned());
            }
            match d.return_shipping_payer {
                Some(Payer::Buyer) => out.push(s.shipping_buyer.to_owned()),
                Some(Payer::Seller) => out.push(s.shipping_seller.to_owned()),
                None => {}
            }
            let amount = rma.refund_minor.unwrap_or(d.refund_minor);
            let currency = rma.currency.as_deref().unwrap_or(&d.currency);
            if amount > 0 {
                let money = aftersail_domain::money::format(amount, currency);
                let template = if rma.resolution.as_deref() == Some("store_credit") {
                    s.credit_amount
                } else {
                    s.refund_amount
                };
                out.push(s.fill(template, &[&money]));
            }
        }
        _ => {}
    }
    out
}

/// A reason behind an ineligible decision, in the buyer's words (`None`: not a reason to refuse).
fn rejection(s: &S, reason: &DecisionReason) -> Option<String> {
    use DecisionReason::*;
    Some(match reason {
        OutsideWindow { days_since, window } => s.fill(s.dr_outside_window, &[window, days_since]),
        WarrantyExpired {
            days_since,
            warranty,
        } => s.fill(s.dr_warranty_expired, &[warranty, days_since]),
        NoChangeOfMindReturns => s.dr_no_change_of_mind.to_owned(),
        ConditionNotMet { .. } => s.dr_condition_not_met.to_owned(),
        NoRuleMatches { .. } | InvalidCountry { .. } => s.dr_not_covered.to_owned(),
        NoLines
        | UnknownSku { .. }
        | ZeroQuantity { .. }
        | QuantityExceedsPurchased { .. }
        | MixedCurrencies { .. }
        | InvalidAmount { .. }
        | AmountOverflow
        | NoResolutionAllowed => s.dr_generic.to_owned(),
        _ => return None,
    })
}
