//! Settings → Privacy: how long closed tickets are kept (off by default), with a preview of
//! how many a purge would delete now. Housekeeping does the purging. Owners and admins only.

use aftersail_db::privacy::{self, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::SubNav;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/privacy", get(show).post(save))
}

#[derive(Template)]
#[template(path = "settings/privacy.html")]
struct PrivacyPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    /// What the field shows ("" = off).
    days: String,
    saved: Option<i32>,
    /// Tickets a purge with `days` would delete now.
    preview: Option<i64>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PrivacyQuery {
    /// "Preview" submits the field here without saving.
    days: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PrivacyForm {
    days: String,
    /// The preview button: show what the period would delete now, save nothing. (A POST, so
    /// the form's CSRF token never lands in a URL, the history or an access log.)
    preview: Option<String>,
}

/// "" → off; 30..=36500 → days; anything else → the error message.
fn parse_days(t: &'static crate::i18n::Tr, text: &str) -> Result<Option<i32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(d) if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&d) => Ok(Some(d)),
        _ => Err(t.fill(t.pv_days_invalid, MIN_RETENTION_DAYS)),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    days_text: Option<String>,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<Response> {
    let mut tx = user.tx(state).await?;
    let saved = privacy::retention_days(&mut tx).await?;
    let days_text = days_text.unwrap_or_else(|| saved.map(|d| d.to_string()).unwrap_or_default());
    let preview = match parse_days(user.t(), &days_text) {
        Ok(Some(d)) => Some(
            privacy::purgeable_count(
                &mut tx,
                chrono::Utc::now() - chrono::Duration::days(i64::from(d)),
            )
            .await?,
        ),
        _ => None,
    };
    tx.commit().await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = render(&PrivacyPage {
        shell: Shell::new(user, "settings").with_notice(notice),
        subnav: SubNav { current: "privacy" },
        days: days_text,
        saved,
        preview,
        errors,
    })?;
    Ok((status, html).into_response())
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PrivacyQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut errors = FormErrors::default();
    if let Some(days) = &q.days {
        if let Err(e) = parse_days(t, days) {
            errors.add("days", e);
        }
    }
    let notice = (q.notice.as_deref() == Some("saved")).then_some(t.pv_saved);
    page(&state, &user, q.days, errors, notice).await
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PrivacyForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let days = match parse_days(user.t(), &form.days) {
        Ok(d) => d,
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.add("days", e);
            return page(&state, &user, Some(form.days), errors, None).await;
        }
    };
    if form.preview.is_some() {
        return page(&state, &user, Some(form.days), FormErrors::default(), None).await;
    }
    let mut tx = user.tx(&state).await?;
    let before = privacy::retention_days(&mut tx).await?;
    privacy::set_retention_days(&mut tx, days).await?;
    user.audit(
        &mut tx,
        "privacy.retention_changed",
        "tenant",
        user.tenant().0,
        serde_json::json!({ "from_days": before, "to_days": days }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/privacy?notice=saved").into_response())
}
