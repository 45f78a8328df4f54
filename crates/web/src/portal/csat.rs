//! The CSAT survey page (`/p/{shop}/csat/{token}`): the links in the survey message land
//! here. `?r=good|bad` records the rating in one click when the survey is not answered yet;
//! the page thanks the buyer and offers a comment and a change of rating (POST, CSRF). No
//! session: the unguessable token (only its hash is stored) names the survey, in the shop
//! the URL names, so another shop's token is not found.

use aftersail_db::{csat, TenantTx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::csat_strings::{csat_strings, C};
use super::lang::Lang;
use super::{chrome, message_page, respond, shop, Chrome, LangQuery, Shop};
use crate::error::AppResult;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/csat.html")]
struct SurveyPage {
    c: Chrome,
    w: &'static C,
    token: String,
    rating: String,
    comment: String,
    /// Rated (now or before): the thanks show.
    answered: bool,
    /// A comment or change was just saved.
    saved: bool,
    error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyQuery {
    lang: Option<String>,
    r: Option<String>,
    saved: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    rating: String,
    comment: String,
}

/// Tokens are 48 hex digits; anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The shop, the survey and the page's language; `Err` is the 404 page.
async fn find(
    state: &AppState,
    headers: &HeaderMap,
    slug: &str,
    token: &str,
    lang: Option<&str>,
) -> AppResult<Result<(Shop, Lang, TenantTx, csat::Survey), Response>> {
    let query = LangQuery {
        lang: lang.map(str::to_owned),
        ..LangQuery::default()
    };
    let (shop, shop_lang) = match shop(state, slug, &query, headers).await? {
        Ok(found) => found,
        Err(not_found) => return Ok(Err(not_found)),
    };
    let mut tx = TenantTx::begin(&state.pool, shop.id).await?;
    let survey = if plausible(token) {
        csat::by_token(&mut tx, token).await?
    } else {
        None
    };
    let Some(survey) = survey else {
        let page = message_page(
            state,
            headers,
            StatusCode::NOT_FOUND,
            shop_lang,
            Some(&shop),
            csat_strings(shop_lang).not_found.to_owned(),
        )?;
        return Ok(Err(page));
    };
    // `?lang=` first, then the buyer's own language (the one the survey was written in).
    let lang = lang
        .and_then(Lang::parse)
        .or_else(|| survey.language.as_deref().and_then(Lang::parse))
        .unwrap_or(shop_lang);
    Ok(Ok((shop, lang, tx, survey)))
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    shop: &Shop,
    lang: Lang,
    token: &str,
    survey: &csat::Survey,
) -> (SurveyPage, Option<axum::http::HeaderValue>) {
    let here = format!("/p/{}/csat/{token}", shop.slug);
    let (c, cookie) = chrome(state, headers, lang, Some(shop), here);
    let page = SurveyPage {
        c,
        w: csat_strings(lang),
        token: token.to_owned(),
        rating: survey.rating.clone().unwrap_or_default(),
        comment: survey.comment.clone().unwrap_or_default(),
        answered: survey.rating.is_some(),
        saved: false,
        error: None,
    };
    (page, cookie)
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<SurveyQuery>,
) -> AppResult<Response> {
    let (shop, lang, mut tx, mut survey) =
        match find(&state, &headers, &slug, &token, q.lang.as_deref()).await? {
            Ok(found) => found,
            Err(not_found) => return Ok(not_found),
        };
    // One click: the link's rating counts if the buyer has not answered yet (a later click
    // on the other link does not flip it; the form below changes it on purpose).
    if let Some(r @ ("good" | "bad")) = q.r.as_deref() {
        if survey.rating.is_none() {
            csat::answer(&mut tx, survey.id, r, None).await?;
            survey.rating = Some(r.to_owned());
        }
    }
    tx.commit().await?;
    let (mut page, cookie) = page(&state, &headers, &shop, lang, &token, &survey);
    page.saved = q.saved.is_some();
    respond(StatusCode::OK, &page, cookie)
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<SurveyQuery>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let (shop, lang, mut tx, survey) =
        match find(&state, &headers, &slug, &token, q.lang.as_deref()).await? {
            Ok(found) => found,
            Err(not_found) => return Ok(not_found),
        };
    let w = csat_strings(lang);
    let comment = form.comment.trim();
    let error = match form.rating.as_str() {
        "good" | "bad" if comment.chars().count() > 2000 => Some(w.comment_too_long),
        "good" | "bad" => None,
        _ => Some(w.choose),
    };
    if let Some(error) = error {
        drop(tx);
        let (mut page, cookie) = page(&state, &headers, &shop, lang, &token, &survey);
        page.comment = form.comment;
        page.error = Some(error);
        return respond(StatusCode::UNPROCESSABLE_ENTITY, &page, cookie);
    }
    csat::answer(
        &mut tx,
        survey.id,
        &form.rating,
        (!comment.is_empty()).then_some(comment),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::response::Redirect::to(&format!(
        "/p/{}/csat/{token}?lang={}&saved=1",
        shop.slug,
        lang.code()
    ))
    .into_response())
}
