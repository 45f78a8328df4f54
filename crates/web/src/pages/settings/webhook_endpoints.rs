//! Settings → Webhooks: the shop's outbound webhook endpoints (its ERP/CRM), each with a
//! Standard Webhooks secret (sealed with the server's secret key, shown on the endpoint's
//! page, rotatable), its delivery log with every attempt, redelivery and a test event; and
//! the CSAT survey switch.

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::standard_webhooks;
use aftersail_db::webhook_endpoints::{
    self, Attempt, Cursor, Delivery, Endpoint, EndpointFields, EVENT_TYPES, STATES,
};
use aftersail_db::{csat, TenantTx};
use aftersail_domain::{TenantId, WebhookDeliveryId, WebhookEndpointId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{parse_switch, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

/// Deliveries per page of the log.
const PAGE: i64 = 25;
/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(list).post(create))
        .route("/settings/webhooks/csat", post(set_csat))
        .route("/settings/webhooks/{id}", get(show).post(update))
        .route("/settings/webhooks/{id}/rotate", post(rotate))
        .route("/settings/webhooks/{id}/delete", post(delete))
        .route("/settings/webhooks/{id}/test", post(send_test))
        .route("/settings/webhooks/{id}/deliveries", get(deliveries))
        .route(
            "/settings/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(redeliver),
        )
}

/// This page's confirmations (from a fixed list, so nothing user-supplied is echoed).
fn notice(t: &'static Tr, key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "webhook_saved" => t.wh_saved,
        "webhook_deleted" => t.wh_deleted,
        "webhook_rotated" => t.wh_rotated,
        "webhook_test_queued" => t.wh_test_queued,
        "webhook_redelivered" => t.wh_redelivered,
        "csat_on" => t.csat_on_notice,
        "csat_off" => t.csat_off_notice,
        other => return super::notice(t, Some(other)),
    })
}

/// One event type's checkbox.
pub struct EventChoice {
    pub value: &'static str,
    pub checked: bool,
}

fn choices(selected: &[String]) -> Vec<EventChoice> {
    EVENT_TYPES
        .iter()
        .map(|e| EventChoice {
            value: e,
            checked: selected.iter().any(|s| s == e),
        })
        .collect()
}

/// The endpoint form as typed (repeated `events` fields, so read as pairs).
#[derive(Default)]
struct EndpointForm {
    url: String,
    description: String,
    events: Vec<String>,
    enabled: bool,
}

impl EndpointForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "url" => form.url = v,
                "description" => form.description = v,
                "events" => form.events.push(v),
                "enabled" => form.enabled = matches!(v.as_str(), "1" | "on" | "true"),
                _ => {}
            }
        }
        form
    }

    fn of(e: &Endpoint) -> Self {
        Self {
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.event_types.clone(),
            enabled: e.enabled,
        }
    }

    /// The cleaned url, description and event types, or the form's problems.
    fn validate(&self, t: &'static Tr) -> Result<(String, String, Vec<String>), FormErrors> {
        let mut errors = FormErrors::default();
        let url = self.url.trim().to_owned();
        let parsed = reqwest::Url::parse(&url).ok();
        let url_ok = parsed.as_ref().is_some_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && !url.chars().any(char::is_whitespace)
        }) && url.len() <= 2000;
        if !url_ok {
            errors.add("url", t.wh_err_url);
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > 200 {
            errors.add("description", t.wh_err_description);
        }
        let mut events = Vec::new();
        for e in &self.events {
            match EVENT_TYPES.iter().find(|k| **k == e.as_str()) {
                Some(k) if !events.iter().any(|x: &String| x == k) => events.push((*k).to_owned()),
                Some(_) => {}
                None => errors.add("events", t.wh_err_events),
            }
        }
        if events.is_empty() {
            errors.add("events", t.wh_err_events);
        }
        if errors.is_empty() {
            Ok((url, description, events))
        } else {
            Err(errors)
        }
    }
}

#[derive(Template)]
#[template(path = "settings/webhooks.html")]
struct ListPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    endpoints: Vec<Endpoint>,
    form: EndpointForm,
    events: Vec<EventChoice>,
    errors: FormErrors,
    csat_enabled: bool,
    /// No secret key on this server: endpoints cannot be created.
    no_key: bool,
}

#[derive(Template)]
#[template(path = "settings/webhook.html")]
struct EndpointPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    endpoint: Endpoint,
    form: EndpointForm,
    events: Vec<EventChoice>,
    errors: FormErrors,
    /// The opened secret, or why it cannot be shown.
    secret: Result<String, &'static str>,
    /// Until when the previous secret still signs (after a rotation).
    previous_until: Option<chrono::DateTime<chrono::Utc>>,
}

fn key<'a>(state: &'a AppState, t: &'static Tr) -> Result<&'a SecretKey, &'static str> {
    state.config.secret_key.as_ref().ok_or(t.wh_no_secret_key)
}

fn seal(key: &SecretKey, tenant: TenantId, id: WebhookEndpointId, secret: &str) -> String {
    key.seal(
        secret.as_bytes(),
        &webhook_endpoints::secret_owner(tenant, id),
    )
}

async fn list_page<'a>(
    state: &AppState,
    tx: &mut TenantTx,
    user: &'a CurrentUser,
    form: EndpointForm,
    errors: FormErrors,
) -> AppResult<ListPage<'a>> {
    let endpoints = webhook_endpoints::list(tx).await?;
    let csat_enabled = csat::enabled(tx).await?;
    Ok(ListPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "webhooks",
        },
        endpoints,
        events: choices(&form.events),
        form,
        errors,
        csat_enabled,
        no_key: state.config.secret_key.is_none(),
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let form = EndpointForm {
        enabled: true,
        ..EndpointForm::default()
    };
    let mut page = list_page(&state, &mut tx, &user, form, FormErrors::default()).await?;
    tx.commit().await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let form = EndpointForm::from_pairs(pairs);
    let mut tx = user.tx(&state).await?;
    let checked = form.validate(t).and_then(|ok| match key(&state, t) {
        Ok(key) => Ok((ok, key)),
        Err(msg) => {
            let mut errors = FormErrors::default();
            errors.add("form", msg);
            Err(errors)
        }
    });
    let ((url, description, events), key) = match checked {
        Ok(ok) => ok,
        Err(errors) => {
            let page = list_page(&state, &mut tx, &user, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let id = WebhookEndpointId::new();
    let secret = standard_webhooks::generate_secret();
    let sealed = seal(key, tx.tenant(), id, &secret);
    webhook_endpoints::create(
        &mut tx,
        id,
        EndpointFields {
            url: &url,
            description: &description,
            event_types: &events,
            enabled: form.enabled,
        },
        &sealed,
    )
    .await?;
    user.audit(
        &mut tx,
        "webhook_endpoint.created",
        "webhook_endpoint",
        id.0,
        serde_json::json!({ "url": url, "events": events, "enabled": form.enabled }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}?notice=webhook_saved")).into_response())
}

async fn endpoint_page<'a>(
    state: &AppState,
    tx: &mut TenantTx,
    user: &'a CurrentUser,
    id: WebhookEndpointId,
) -> AppResult<EndpointPage<'a>> {
    let t = user.t();
    let endpoint = webhook_endpoints::get(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sealed = webhook_endpoints::sealed_secret(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = key(state, t).and_then(|key| {
        key.open(&sealed, &webhook_endpoints::secret_owner(tx.tenant(), id))
            .ok()
            .and_then(|s| String::from_utf8(s).ok())
            .ok_or(t.wh_secret_unreadable)
    });
    let previous_until = webhook_endpoints::previous_until(tx, id).await?;
    let form = EndpointForm::of(&endpoint);
    Ok(EndpointPage {
        previous_until,
        shell: Shell::new(user, "settings"),
        subnav: SubNav {
            current: "webhooks",
        },
        events: choices(&form.events),
        form,
        endpoint,
        errors: FormErrors::default(),
        secret,
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let mut page = endpoint_page(&state, &mut tx, &user, id).await?;
    tx.commit().await?;
    page.shell = page
        .shell
        .with_notice(notice(user.t(), q.notice.as_deref()));
    Ok(render(&page)?.into_response())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let form = EndpointForm::from_pairs(pairs);
    let mut tx = user.tx(&state).await?;
    let before = webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (url, description, events) = match form.validate(t) {
        Ok(ok) => ok,
        Err(errors) => {
            let mut page = endpoint_page(&state, &mut tx, &user, id).await?;
            page.events = choices(&form.events);
            page.form = form;
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    webhook_endpoints::update(
        &mut tx,
        id,
        EndpointFields {
            url: &url,
            description: &description,
            event_types: &events,
            enabled: form.enabled,
        },
    )
    .await?;
    user.audit(
        &mut tx,
        "webhook_endpoint.updated",
        "webhook_endpoint",
        id.0,
        serde_json::json!({
            "from": { "url": before.url, "events": before.event_types, "enabled": before.enabled },
            "to": { "url": url, "events": events, "enabled": form.enabled },
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}?notice=webhook_saved")).into_response())
}

async fn rotate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = key(&state, t).map_err(|msg| AppError::BadRequest(msg.into()))?;
    let secret = standard_webhooks::generate_secret();
    let sealed = seal(key, tx.tenant(), id, &secret);
    webhook_endpoints::set_secret(&mut tx, id, &sealed, ROTATION_OVERLAP).await?;
    user.audit(
        &mut tx,
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint",
        id.0,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}?notice=webhook_rotated")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let endpoint = webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    webhook_endpoints::delete(&mut tx, id).await?;
    user.audit(
        &mut tx,
        "webhook_endpoint.deleted",
        "webhook_endpoint",
        id.0,
        serde_json::json!({ "url": endpoint.url }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/webhooks?notice=webhook_deleted"))
}

async fn send_test(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    webhook_endpoints::queue_ping(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/settings/webhooks/{id}/deliveries?notice=webhook_test_queued"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LogQuery {
    state: String,
    /// `<rfc3339>_<delivery id>`: the last row of the previous page.
    after: String,
    notice: Option<String>,
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (at, id) = text.rsplit_once('_')?;
    Some(Cursor {
        created_at: chrono::DateTime::parse_from_rfc3339(at)
            .ok()?
            .with_timezone(&chrono::Utc),
        id: id.parse().ok()?,
    })
}

/// A delivery in the log with its attempts.
pub struct LogRow {
    pub d: Delivery,
    pub attempts: Vec<Attempt>,
}

#[derive(Template)]
#[template(path = "settings/webhook_deliveries.html")]
struct LogPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    endpoint: Endpoint,
    rows: Vec<LogRow>,
    state: String,
    states: &'static [&'static str],
    is_first_page: bool,
    next: Option<String>,
}

impl LogPage<'_> {
    fn state_label(&self, state: &str) -> &'static str {
        let t = self.shell.t;
        match state {
            "queued" => t.wh_state_queued,
            "failed" => t.wh_state_failed,
            "delivered" => t.wh_state_delivered,
            _ => t.wh_state_dead,
        }
    }
}

async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<WebhookEndpointId>,
    Query(q): Query<LogQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let filter = match q.state.as_str() {
        "" => None,
        s if STATES.contains(&s) => Some(s),
        _ => return Err(AppError::BadRequest(t.err_400.into())),
    };
    let after = match q.after.as_str() {
        "" => None,
        text => Some(parse_cursor(text).ok_or_else(|| AppError::BadRequest(t.err_400.into()))?),
    };
    let mut tx = user.tx(&state).await?;
    let endpoint = webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut list = webhook_endpoints::deliveries(&mut tx, id, filter, after, PAGE + 1).await?;
    let more = list.len() as i64 > PAGE;
    list.truncate(PAGE as usize);
    let ids: Vec<WebhookDeliveryId> = list.iter().map(|d| d.id).collect();
    let attempts = webhook_endpoints::attempts_of(&mut tx, &ids).await?;
    tx.commit().await?;
    let next = more
        .then(|| list.last())
        .flatten()
        .map(|d| format!("{}_{}", d.created_at.to_rfc3339(), d.id));
    let rows = list
        .into_iter()
        .map(|d| LogRow {
            attempts: attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .cloned()
                .collect(),
            d,
        })
        .collect();
    let page = LogPage {
        shell: Shell::new(&user, "settings").with_notice(notice(t, q.notice.as_deref())),
        subnav: SubNav {
            current: "webhooks",
        },
        endpoint,
        rows,
        state: q.state,
        states: STATES,
        is_first_page: after.is_none(),
        next,
    };
    Ok(render(&page)?.into_response())
}

async fn redeliver(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, delivery)): Path<(WebhookEndpointId, WebhookDeliveryId)>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    webhook_endpoints::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !webhook_endpoints::redeliver(&mut tx, id, delivery).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &mut tx,
        "webhook_delivery.redelivered",
        "webhook_endpoint",
        id.0,
        serde_json::json!({ "delivery_id": delivery }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/settings/webhooks/{id}/deliveries?notice=webhook_redelivered"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SwitchForm {
    enabled: String,
}

async fn set_csat(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<SwitchForm>,
) -> AppResult<Redirect> {
    user.require_admin()?;
    let on = parse_switch(user.t(), &form.enabled)?;
    let mut tx = user.tx(&state).await?;
    csat::set_enabled(&mut tx, on).await?;
    let tenant = tx.tenant();
    user.audit(
        &mut tx,
        "csat.switched",
        "tenant",
        tenant.0,
        serde_json::json!({ "enabled": on }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(if on {
        "/settings/webhooks?notice=csat_on"
    } else {
        "/settings/webhooks?notice=csat_off"
    }))
}
