//! Finding the order (number + email) and asking for a return.

use std::collections::HashMap;

use aftersail_db::portal::FoundOrder;
use aftersail_db::{portal, return_config, rmas, TenantTx};
use aftersail_domain::returns::{
    decide, Condition, CustomerHistory, Destination, Order, OrderLine, RequestLine, Resolution,
    ReturnReason, ReturnRequest, ReturnSettings,
};
use aftersail_domain::OrderItemId;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::{chrome, lang_query, photos, respond, shop, token, Chrome, LangQuery, Shop};
use crate::error::{urlencode, AppError, AppResult};
use crate::pages::ClientIp;
use crate::state::AppState;

// ---- finding the order ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "portal/find.html")]
struct FindPage {
    c: Chrome,
    number: String,
    email: String,
    error: Option<String>,
}

pub async fn find_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (shop, lang) = match shop(&state, &slug, &q, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    render_find(
        &state,
        &headers,
        &shop,
        lang,
        StatusCode::OK,
        &LangQuery::prefill(&q.order),
        &LangQuery::prefill(&q.email),
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_find(
    state: &AppState,
    headers: &HeaderMap,
    shop: &Shop,
    lang: Lang,
    status: StatusCode,
    number: &str,
    email: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let (c, cookie) = chrome(
        state,
        headers,
        lang,
        Some(shop),
        format!("/p/{}/returns", shop.slug),
    );
    let page = FindPage {
        c,
        number: number.to_owned(),
        email: email.to_owned(),
        error,
    };
    respond(status, &page, cookie)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FindForm {
    number: String,
    email: String,
}

/// What the sealed order token vouches for.
#[derive(Serialize, Deserialize)]
struct OrderToken {
    order: uuid::Uuid,
    email: String,
}

pub async fn find(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FindForm>,
) -> AppResult<Response> {
    let (shop, lang) = match shop(&state, &slug, &q, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    if let Some(minutes) = super::blocked_for(&state, ip, &shop).await? {
        return super::too_many(&state, &headers, lang, &shop, minutes);
    }
    let mut tx = TenantTx::begin(&state.pool, shop.id).await?;
    let found = portal::find_order(&mut tx, &form.number, &form.email).await?;
    // Read on a miss too, so a miss costs about what a hit does.
    let settings = return_config::settings(&mut tx).await?;
    let Some(found) = found else {
        tx.commit().await?;
        super::record_failure(&state, ip, &shop).await?;
        let s = super::strings::strings(lang);
        return render_find(
            &state,
            &headers,
            &shop,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.number,
            &form.email,
            Some(s.not_found.to_owned()),
        );
    };
    let returned = rmas::returned_quantities(&mut tx, found.order.id).await?;
    tx.commit().await?;
    let sealed = token::seal(
        &state,
        "order",
        shop.id.0,
        token::ORDER_TTL_SECS,
        &OrderToken {
            order: found.order.id.0,
            email: found.customer_email.clone(),
        },
    );
    let form = RequestForm::new(&found, &returned, settings.as_ref(), sealed);
    render_request(
        &state,
        &headers,
        &shop,
        lang,
        StatusCode::OK,
        form,
        Draft::default(),
        None,
    )
}

// ---- the request form -------------------------------------------------------------------

pub struct ItemRow {
    id: String,
    title: String,
    sku: String,
    remaining: i64,
    chosen: i64,
    /// "3 can be returned", in the buyer's language.
    label: String,
}

impl ItemRow {
    fn options(&self) -> Vec<i64> {
        (0..=self.remaining).collect()
    }
}

pub struct Choice {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

/// The order as the request form shows it.
struct RequestForm {
    order_number: String,
    token: String,
    items: Vec<ItemRow>,
    resolutions: Vec<Resolution>,
    has_policy: bool,
}

impl RequestForm {
    fn new(
        found: &FoundOrder,
        returned: &[(OrderItemId, i64)],
        settings: Option<&ReturnSettings>,
        token: String,
    ) -> Self {
        let items = found
            .items
            .iter()
            .map(|item| {
                let done = returned
                    .iter()
                    .find(|(id, _)| *id == item.id)
                    .map_or(0, |(_, n)| *n);
                ItemRow {
                    id: item.id.0.to_string(),
                    title: item.title.clone(),
                    sku: item.sku.clone(),
                    remaining: (i64::from(item.quantity) - done).max(0),
                    chosen: 0,
                    label: String::new(),
                }
            })
            .collect();
        RequestForm {
            order_number: found.order.external_id.clone(),
            token,
            items,
            resolutions: settings.map_or_else(Vec::new, |s| offered_resolutions(s, found)),
            has_policy: settings.is_some(),
        }
    }
}

/// The resolutions the shop's rules for this order's market and channel allow, in order.
fn offered_resolutions(settings: &ReturnSettings, found: &FoundOrder) -> Vec<Resolution> {
    let country = found.order.shipping_country.as_deref().unwrap_or("");
    let mut out: Vec<Resolution> = Vec::new();
    for rule in &settings.policy.rules {
        let m = &rule.matchers;
        let market_ok = m.markets.is_empty() || m.markets.iter().any(|mk| mk.contains(country));
        let channel_ok = m.channels.is_empty()
            || m.channels
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&found.order.channel));
        if !(market_ok && channel_ok) {
            continue;
        }
        for r in rule
            .terms
            .resolutions
            .iter()
            .chain(&rule.terms.fault_resolutions)
        {
            if !out.contains(r) {
                out.push(*r);
            }
        }
    }
    out
}

/// What the buyer entered, to show again with a problem.
#[derive(Default)]
struct Draft {
    quantities: HashMap<String, i64>,
    reason: Option<ReturnReason>,
    condition: Condition,
    preferred: Option<Resolution>,
    comment: String,
}

#[derive(Template)]
#[template(path = "portal/request.html")]
struct RequestPage {
    c: Chrome,
    action: String,
    order_number: String,
    token: String,
    items: Vec<ItemRow>,
    reasons: Vec<Choice>,
    resolutions: Vec<Choice>,
    condition: Condition,
    comment: String,
    any_returnable: bool,
    has_policy: bool,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn render_request(
    state: &AppState,
    headers: &HeaderMap,
    shop: &Shop,
    lang: Lang,
    status: StatusCode,
    mut form: RequestForm,
    draft: Draft,
    error: Option<String>,
) -> AppResult<Response> {
    let (c, cookie) = chrome(
        state,
        headers,
        lang,
        Some(shop),
        format!("/p/{}/returns", shop.slug),
    );
    for item in &mut form.items {
        item.chosen = draft
            .quantities
            .get(&item.id)
            .copied()
            .unwrap_or(0)
            .min(item.remaining);
        item.label = c.s.fill(c.s.returnable, &[&item.remaining]);
    }
    let reason = draft.reason.unwrap_or(ReturnReason::ChangedMind);
    let reasons = ReturnReason::ALL
        .iter()
        .map(|r| Choice {
            code: r.code(),
            label: c.s.code(r.code()),
            selected: *r == reason,
        })
        .collect();
    let preferred = draft
        .preferred
        .filter(|p| form.resolutions.contains(p))
        .or(form.resolutions.first().copied());
    let resolutions = form
        .resolutions
        .iter()
        .map(|r| Choice {
            code: r.code(),
            label: c.s.code(r.code()),
            selected: preferred == Some(*r),
        })
        .collect();
    let page = RequestPage {
        action: format!("/p/{}/returns/request?{}", shop.slug, lang_query(lang)),
        c,
        any_returnable: form.items.iter().any(|i| i.remaining > 0),
        order_number: form.order_number,
        token: form.token,
        items: form.items,
        reasons,
        resolutions,
        condition: draft.condition,
        comment: draft.comment,
        has_policy: form.has_policy,
        error,
    };
    respond(status, &page, cookie)
}

// ---- submitting -------------------------------------------------------------------------

struct Photo {
    filename: String,
    content_type: &'static str,
    data: Vec<u8>,
}

/// The multipart form as sent.
#[derive(Default)]
struct Submitted {
    token: String,
    draft: Draft,
    /// Field name → text for quantities that did not parse.
    bad_quantity: bool,
    photos: Vec<Photo>,
    /// The first photo problem, in the buyer's words.
    photo_error: Option<String>,
}

async fn read_submission(request: Request, s: &super::strings::S) -> AppResult<Submitted> {
    let unreadable = || AppError::BadRequest(s.err_expired.into());
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|_| unreadable())?;
    let mut out = Submitted::default();
    let mut photo_count = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" {
            let raw_name = field.file_name().unwrap_or_default().to_owned();
            let mut data = Vec::new();
            let mut size = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                size += chunk.len();
                if size <= photos::MAX_PHOTO_BYTES {
                    data.extend_from_slice(&chunk);
                }
            }
            if raw_name.is_empty() && size == 0 {
                continue; // the file input was left empty
            }
            photo_count += 1;
            let filename = aftersail_domain::attachment::safe_filename(&raw_name)
                .unwrap_or_else(|| "photo".into());
            if out.photo_error.is_some() {
                continue;
            }
            if photo_count > photos::MAX_PHOTOS {
                out.photo_error = Some(s.err_photo_count.to_owned());
            } else if size > photos::MAX_PHOTO_BYTES {
                out.photo_error = Some(s.fill(s.err_photo_size, &[&filename]));
            } else if let Some(content_type) = photos::sniff(&data) {
                out.photos.push(Photo {
                    filename,
                    content_type,
                    data,
                });
            } else {
                out.photo_error = Some(s.fill(s.err_photo_type, &[&filename]));
            }
            continue;
        }
        let value = field.text().await.map_err(|_| unreadable())?;
        match name.as_str() {
            "token" => out.token = value,
            "reason" => {
                out.draft.reason = ReturnReason::ALL
                    .iter()
                    .copied()
                    .find(|r| r.code() == value)
            }
            "preferred" => {
                out.draft.preferred = [
                    Resolution::Refund,
                    Resolution::Exchange,
                    Resolution::Repair,
                    Resolution::StoreCredit,
                    Resolution::PartialRefund,
                ]
                .into_iter()
                .find(|r| r.code() == value)
            }
            "unused" => out.draft.condition.unused = true,
            "original_packaging" => out.draft.condition.original_packaging = true,
            "tags_attached" => out.draft.condition.tags_attached = true,
            "comment" => out.draft.comment = value.chars().take(2000).collect(),
            _ => {
                if let Some(id) = name.strip_prefix("qty_") {
                    match value.trim().parse::<i64>() {
                        Ok(n) if n >= 0 => {
                            out.draft.quantities.insert(id.to_owned(), n);
                        }
                        _ => out.bad_quantity = true,
                    }
                }
            }
        }
    }
    Ok(out)
}

pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    request: Request,
) -> AppResult<Response> {
    let (shop, lang) = match shop(&state, &slug, &q, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let s = super::strings::strings(lang);
    let sent = read_submission(request, s).await?;
    let expired = || {
        render_find(
            &state,
            &headers,
            &shop,
            lang,
            StatusCode::BAD_REQUEST,
            "",
            "",
            Some(s.err_expired.to_owned()),
        )
    };
    let Some(vouched) = token::open::<OrderToken>(&state, "order", shop.id.0, &sent.token) else {
        return expired();
    };
    let mut tx = TenantTx::begin(&state.pool, shop.id).await?;
    let found = portal::order_by_id(&mut tx, aftersail_domain::OrderId(vouched.order)).await?;
    let Some(found) = found.filter(|f| f.customer_email.eq_ignore_ascii_case(&vouched.email))
    else {
        return expired();
    };
    let settings = return_config::settings(&mut tx).await?;
    let returned = rmas::returned_quantities(&mut tx, found.order.id).await?;
    let form = RequestForm::new(&found, &returned, settings.as_ref(), sent.token.clone());

    // Quantities: only this order's items, never more than what remains.
    let mut problem: Option<String> = None;
    let mut lines: Vec<(OrderItemId, i32)> = Vec::new();
    for (item, row) in found.items.iter().zip(&form.items) {
        let asked = sent.draft.quantities.get(&row.id).copied().unwrap_or(0);
        if asked > row.remaining {
            problem.get_or_insert_with(|| s.fill(s.err_quantity, &[&item.title]));
        } else if asked > 0 {
            lines.push((item.id, asked as i32));
        }
    }
    if sent.bad_quantity {
        problem.get_or_insert_with(|| s.err_no_items.to_owned());
    }
    if problem.is_none() && lines.is_empty() {
        problem = Some(s.err_no_items.to_owned());
    }
    if problem.is_none() {
        problem = sent.photo_error.clone();
    }
    let Some(settings) = settings else {
        problem.get_or_insert_with(|| s.no_policy.to_owned());
        return render_request(
            &state,
            &headers,
            &shop,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            sent.draft,
            problem,
        );
    };
    if problem.is_some() {
        return render_request(
            &state,
            &headers,
            &shop,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            sent.draft,
            problem,
        );
    }

    let now = chrono::Utc::now();
    let order = Order {
        channel: found.order.channel.clone(),
        country: found.order.shipping_country.clone().unwrap_or_default(),
        currency: found.order.currency.clone(),
        ordered_at: found.order.ordered_at,
        delivered_at: found.order.delivered_at,
        lines: found
            .items
            .iter()
            .map(|i| OrderLine {
                sku: i.sku.clone(),
                category: None,
                quantity: u32::try_from(i.quantity).unwrap_or(0),
                unit_price_minor: i.unit_price_minor,
                currency: None,
                recovery_minor: None,
            })
            .collect(),
    };
    let request = ReturnRequest {
        lines: lines
            .iter()
            .map(|(id, n)| RequestLine {
                sku: found
                    .items
                    .iter()
                    .find(|i| i.id == *id)
                    .map(|i| i.sku.clone())
                    .unwrap_or_default(),
                quantity: *n as u32,
            })
            .collect(),
        reason: sent.draft.reason.unwrap_or(ReturnReason::Other),
        condition: sent.draft.condition,
        preferred: sent.draft.preferred,
        requested_at: now,
    };
    let (orders, returns, without_return, flagged) =
        portal::customer_history(&mut tx, found.customer_id).await?;
    let history = CustomerHistory {
        orders: u32::try_from(orders).unwrap_or(u32::MAX),
        returns: u32::try_from(returns).unwrap_or(u32::MAX),
        refunds_without_return: u32::try_from(without_return).unwrap_or(u32::MAX),
        flagged_abusive: flagged,
    };
    let decision = decide(&settings, &order, &history, &request);
    let status = if !decision.eligible {
        "rejected"
    } else if decision.auto_approve {
        "approved"
    } else {
        "requested"
    };
    let mut request_json = serde_json::to_value(&request).map_err(anyhow::Error::from)?;
    request_json["comment"] = serde_json::Value::String(sent.draft.comment.clone());
    request_json["source"] = serde_json::Value::String("portal".into());
    let decision_json = serde_json::to_value(&decision).map_err(anyhow::Error::from)?;
    let warehouse_id = match decision.destination {
        Some(Destination::Warehouse { id }) => Some(id),
        _ => None,
    };
    let (rma, code) = rmas::create_decided(
        &mut tx,
        rmas::DecidedRma {
            order_id: found.order.id,
            customer_id: found.customer_id,
            ticket_id: None,
            status,
            reason: request.reason.code(),
            resolution: decision.resolution.map(Resolution::code),
            items: &lines,
            request: &request_json,
            decision: &decision_json,
            refund_minor: decision.eligible.then_some(decision.refund_minor),
            currency: &found.order.currency,
            warehouse_id,
            buyer_email: Some(&found.customer_email),
            language: Some(lang.code()),
            at: now,
        },
        None,
    )
    .await?;
    for photo in &sent.photos {
        rmas::add_photo(
            &mut tx,
            rma,
            &photo.filename,
            photo.content_type,
            &photo.data,
        )
        .await?;
    }
    // The conversation the return is discussed in, and the buyer's first mail about it.
    let words = super::strings::strings(lang);
    let items_text: Vec<String> = request
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.quantity, l.sku))
        .collect();
    let request_text = format!(
        "{code}\n{}: {}\n{}\n{}: {}\n\n{}",
        words.order_label,
        found.order.external_id,
        items_text.join("\n"),
        words.reason_label,
        words.code(request.reason.code()),
        sent.draft.comment
    );
    rmas::open_conversation(
        &mut tx,
        rmas::Conversation {
            rma,
            customer: found.customer_id,
            order: found.order.id,
            subject: &super::notice::subject(lang, &code),
            language: Some(lang.code()),
            request_text: request_text.trim_end(),
            buyer_email: &found.customer_email,
        },
    )
    .await?;
    super::notice::notify_by_id(&mut tx, &state, rma).await?;
    tx.commit().await?;
    tracing::info!(shop = %shop.id.0, rma = %rma.0, status, "portal return requested");

    let view = token::seal(
        &state,
        "status",
        shop.id.0,
        token::STATUS_TTL_SECS,
        &super::status::StatusToken {
            rma: rma.0,
            email: found.customer_email.clone(),
        },
    );
    Ok(Redirect::to(&format!(
        "/p/{}/returns/status?{}&view={}",
        shop.slug,
        lang_query(lang),
        urlencode(&view)
    ))
    .into_response())
}
