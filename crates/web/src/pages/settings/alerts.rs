//! Settings → Alerts: which alerts are on (spikes, stuck shipments), their thresholds, who
//! receives them and how (in-app, email), and the state of the alert emails.

use aftersail_db::alerts::{self as db, Mail};
use aftersail_db::users::{self, User};
use aftersail_domain::alerts::{self, Settings, SettingsInput, SettingsProblem};
use aftersail_domain::UserId;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};

use super::{notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/alerts", get(show).post(save))
}

/// The form as shown (the stored settings, or what was sent when it had problems).
struct FormValues {
    spikes_enabled: bool,
    min_count: String,
    factor: String,
    shipments_enabled: bool,
    stale_days: String,
    customs_days: String,
    notify_in_app: bool,
    notify_email: bool,
    recipients: Vec<UserId>,
}

impl FormValues {
    fn of(s: &Settings, recipients: Vec<UserId>) -> Self {
        Self {
            spikes_enabled: s.spikes_enabled,
            min_count: s.spikes.min_count.to_string(),
            factor: format!("{:.1}", s.spikes.factor),
            shipments_enabled: s.shipments_enabled,
            stale_days: s.shipments.stale_days.to_string(),
            customs_days: s.shipments.customs_days.to_string(),
            notify_in_app: s.notify_in_app,
            notify_email: s.notify_email,
            recipients,
        }
    }

    fn chosen(&self, user: &UserId) -> bool {
        self.recipients.contains(user)
    }
}

#[derive(Template)]
#[template(path = "settings/alerts.html")]
struct AlertSettingsPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    form: FormValues,
    people: Vec<User>,
    mail: Vec<Mail>,
    errors: FormErrors,
}

async fn page<'a>(
    state: &AppState,
    user: &'a CurrentUser,
    form: Option<FormValues>,
    errors: FormErrors,
) -> AppResult<AlertSettingsPage<'a>> {
    let mut tx = user.tx(state).await?;
    let form = match form {
        Some(f) => f,
        None => {
            let s = db::settings(&mut tx).await?;
            FormValues::of(&s, db::chosen_recipients(&mut tx).await?)
        }
    };
    let people = users::list(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .collect();
    let mail = db::recent_mail(&mut tx, 20).await?;
    tx.commit().await?;
    Ok(AlertSettingsPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "alerts" },
        form,
        people,
        mail,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut page = page(&state, &user, None, FormErrors::default()).await?;
    let t = user.t();
    page.shell = page.shell.with_notice(match q.notice.as_deref() {
        Some("alerts_saved") => Some(t.as_saved),
        other => notice(t, other),
    });
    Ok(render(&page)?.into_response())
}

fn problem_text(t: &'static Tr, p: SettingsProblem) -> &'static str {
    match p {
        SettingsProblem::MinCount => t.as_err_min_count,
        SettingsProblem::Factor => t.as_err_factor,
        SettingsProblem::StaleDays | SettingsProblem::CustomsDays => t.as_err_days,
        SettingsProblem::NoDelivery => t.as_err_delivery,
    }
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let on = |name: &str| matches!(get(name), "1" | "on" | "true");
    let mut errors = FormErrors::default();
    let mut recipients = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "recipient") {
        match v.parse::<UserId>() {
            Ok(id) if !recipients.contains(&id) => recipients.push(id),
            Ok(_) => {}
            Err(_) => errors.add("recipients", t.as_err_recipient),
        }
    }
    let input = SettingsInput {
        min_count: get("min_count"),
        factor: get("factor"),
        stale_days: get("stale_days"),
        customs_days: get("customs_days"),
        spikes_enabled: on("spikes_enabled"),
        shipments_enabled: on("shipments_enabled"),
        notify_in_app: on("notify_in_app"),
        notify_email: on("notify_email"),
    };
    let checked = alerts::validate(&input);
    if let Err(problems) = &checked {
        for p in problems {
            errors.add(p.field(), problem_text(t, *p));
        }
    }
    let mut tx = user.tx(&state).await?;
    // Recipients must be active people of this shop (another shop's id is simply unknown).
    let people: Vec<UserId> = users::list(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| u.id)
        .collect();
    if recipients.iter().any(|r| !people.contains(r)) {
        errors.add("recipients", t.as_err_recipient);
    }
    if let (Ok(settings), true) = (&checked, errors.is_empty()) {
        db::save_settings(&mut tx, settings, &recipients).await?;
        user.audit(
            &mut tx,
            "alerts.settings_saved",
            "alert_settings",
            user.tenant().0,
            serde_json::json!({
                "spikes_enabled": settings.spikes_enabled,
                "spike_min_count": settings.spikes.min_count,
                "spike_factor": settings.spikes.factor,
                "shipments_enabled": settings.shipments_enabled,
                "stale_days": settings.shipments.stale_days,
                "customs_days": settings.shipments.customs_days,
                "notify_in_app": settings.notify_in_app,
                "notify_email": settings.notify_email,
                "recipients": recipients,
            }),
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to("/settings/alerts?notice=alerts_saved").into_response());
    }
    drop(tx);
    let form = FormValues {
        spikes_enabled: input.spikes_enabled,
        min_count: input.min_count.to_owned(),
        factor: input.factor.to_owned(),
        shipments_enabled: input.shipments_enabled,
        stale_days: input.stale_days.to_owned(),
        customs_days: input.customs_days.to_owned(),
        notify_in_app: input.notify_in_app,
        notify_email: input.notify_email,
        recipients,
    };
    let page = page(&state, &user, Some(form), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
