//! Settings → SLA: policies in order (which tickets, which targets, counted in which
//! calendar, what happens on a breach), business-hours calendars, and the shop's own
//! business-hours calendar. Owners and admins only.

mod calendars;
mod policies;

use aftersail_db::calendars::CalendarRow;
use aftersail_db::sla_policies::Policy;
use aftersail_db::{calendars as calendar_db, sla_policies, tenants};
use aftersail_domain::CalendarId;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

use super::{notice, NoticeQuery, SubNav};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{render, Shell};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/sla", get(overview))
        .route("/settings/sla/business-hours", post(business_hours))
        .merge(policies::router())
        .merge(calendars::router())
}

/// "2 h 30 m" for a target in minutes; "—" when none.
pub fn minutes_text(minutes: Option<i32>) -> String {
    match minutes {
        Some(m) => aftersail_domain::sla::short_duration(chrono::Duration::minutes(i64::from(m))),
        None => "—".into(),
    }
}

#[derive(Template)]
#[template(path = "settings/sla.html")]
struct SlaPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    policies: Vec<Policy>,
    calendars: Vec<CalendarRow>,
    business_calendar: Option<CalendarId>,
}

impl SlaPage<'_> {
    fn target(&self, minutes: &Option<i32>) -> String {
        minutes_text(*minutes)
    }

    fn is_business(&self, id: &CalendarId) -> bool {
        self.business_calendar == Some(*id)
    }

    fn hours_of(&self, c: &CalendarRow) -> String {
        c.hours
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let policies = sla_policies::list(&mut tx).await?;
    let calendars = calendar_db::list(&mut tx).await?;
    let business_calendar = tenants::get(&mut tx).await?.business_calendar_id;
    tx.commit().await?;
    let page = SlaPage {
        shell: Shell::new(&user, "settings").with_notice(notice(user.t(), q.notice.as_deref())),
        subnav: SubNav { current: "sla" },
        policies,
        calendars,
        business_calendar,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BusinessHoursForm {
    calendar: String,
}

/// The shop's own opening hours (the `business_hours` rule condition); empty clears them.
async fn business_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<BusinessHoursForm>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let calendar = match form.calendar.as_str() {
        "" => None,
        raw => {
            let id: CalendarId = raw
                .parse()
                .map_err(|_| AppError::BadRequest(user.t().err_400.into()))?;
            calendar_db::get(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Some(id)
        }
    };
    tenants::set_business_calendar(&mut tx, calendar).await?;
    user.audit(
        &mut tx,
        "sla.business_hours",
        "tenant",
        user.tenant().0,
        json!({ "calendar": calendar }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/sla?notice=business_calendar_saved").into_response())
}
