//! Business-hours calendar form: a name, a time zone, weekly opening hours (rows of day,
//! opening and closing time) and holidays (one date per line), checked by `Calendar::new`.

use aftersail_db::calendars::{self, CalendarInput, NAME_KEY};
use aftersail_db::{tenants, violated_constraint};
use aftersail_domain::sla::calendar::{Calendar, CalendarError, WeeklyHours};
use aftersail_domain::CalendarId;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde_json::json;

use super::super::rules::{ConfirmDelete, Opt};
use super::super::SubNav;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, FormErrors, Shell};
use crate::state::AppState;

const MAX_ROWS: usize = 70;
const MAX_HOLIDAYS: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/sla/calendars", post(create))
        .route("/settings/sla/calendars/new", get(new))
        .route("/settings/sla/calendars/{id}", get(edit).post(update))
        .route(
            "/settings/sla/calendars/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn day_name(t: &Tr, d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => t.day_mon,
        Weekday::Tue => t.day_tue,
        Weekday::Wed => t.day_wed,
        Weekday::Thu => t.day_thu,
        Weekday::Fri => t.day_fri,
        Weekday::Sat => t.day_sat,
        Weekday::Sun => t.day_sun,
    }
}

#[derive(Default, Clone)]
struct HoursRow {
    day: String,
    open: String,
    close: String,
}

#[derive(Default, Clone)]
struct CalendarForm {
    name: String,
    zone: String,
    rows: Vec<HoursRow>,
    holidays: String,
    /// "hours": a no-JavaScript "add a row".
    more: String,
}

fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl CalendarForm {
    fn blank(zone: String) -> Self {
        let rows = DAYS[..5]
            .iter()
            .map(|d| HoursRow {
                day: d.to_string(),
                open: "09:00".into(),
                close: "17:00".into(),
            })
            .collect();
        CalendarForm {
            zone,
            rows,
            ..CalendarForm::default()
        }
    }

    fn of(c: &calendars::CalendarRow) -> Self {
        CalendarForm {
            name: c.name.clone(),
            zone: c.time_zone.clone(),
            rows: c
                .hours
                .0
                .iter()
                .map(|h| HoursRow {
                    day: h.day.to_string(),
                    open: time_text(h.open),
                    close: time_text(h.close),
                })
                .collect(),
            holidays: c
                .holidays
                .iter()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            more: String::new(),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = CalendarForm::default();
        let (mut days, mut opens, mut closes) = (Vec::new(), Vec::new(), Vec::new());
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "zone" => f.zone = v,
                "holidays" => f.holidays = v,
                "more" => f.more = v,
                "day" => days.push(v),
                "open" => opens.push(v),
                "close" => closes.push(v),
                _ => {}
            }
        }
        let nth = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        f.rows = (0..days.len())
            .map(|i| HoursRow {
                day: nth(&days, i),
                open: nth(&opens, i),
                close: nth(&closes, i),
            })
            .collect();
        f
    }

    /// Typed rows (blank ones dropped) and one blank row to add to (two after "add").
    fn with_blank_rows(mut self) -> Self {
        self.rows.retain(|r| !r.day.is_empty());
        let extra = if self.more == "hours" { 2 } else { 1 };
        for _ in 0..extra {
            self.rows.push(HoursRow::default());
        }
        self
    }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

/// The calendar as checked, with its zone's name.
struct Checked {
    name: String,
    zone: String,
    hours: Vec<WeeklyHours>,
    holidays: Vec<NaiveDate>,
}

fn check(t: &Tr, f: &CalendarForm, errors: &mut FormErrors) -> Option<Checked> {
    let name = aftersail_domain::validation::clean_name(&f.name);
    if name.is_none() {
        errors.add("name", t.err_name_invalid);
    }
    let zone = f.zone.trim().parse::<chrono_tz::Tz>().ok();
    if zone.is_none() {
        errors.add("zone", t.calendar_err_zone);
    }
    let mut hours = Vec::new();
    let rows: Vec<&HoursRow> = f.rows.iter().filter(|r| !r.day.is_empty()).collect();
    if rows.len() > MAX_ROWS {
        errors.add("hours", t.err_too_long);
    }
    for (i, row) in rows.iter().enumerate() {
        match (
            row.day.parse::<Weekday>().ok(),
            parse_time(&row.open),
            parse_time(&row.close),
        ) {
            (Some(day), Some(open), Some(close)) => hours.push(WeeklyHours { day, open, close }),
            _ => errors.add("hours", t.fill(t.calendar_err_row, i + 1)),
        }
    }
    let mut holidays = Vec::new();
    for line in f.holidays.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
            Ok(d) => holidays.push(d),
            Err(_) => errors.add("holidays", t.fill(t.calendar_err_holiday, line)),
        }
    }
    if holidays.len() > MAX_HOLIDAYS {
        errors.add("holidays", t.err_too_long);
    }
    let zone = zone?;
    if errors.get("hours").is_none() {
        match Calendar::new(zone, hours.clone(), holidays.clone()) {
            Ok(calendar) => {
                hours = calendar.hours().to_vec();
                holidays = calendar.holidays().to_vec();
            }
            Err(CalendarError::NoHours) => errors.add("hours", t.calendar_err_no_hours),
            Err(CalendarError::Overlap { first, second }) => errors.add(
                "hours",
                t.fill(t.calendar_err_overlap, format!("{first} / {second}")),
            ),
            Err(CalendarError::UnknownZone(_)) => errors.add("zone", t.calendar_err_zone),
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Checked {
        name: name?,
        zone: zone.name().to_owned(),
        hours,
        holidays,
    })
}

#[derive(Template)]
#[template(path = "settings/sla_calendar.html")]
struct CalendarPage<'a> {
    shell: Shell<'a>,
    subnav: SubNav,
    editing: Option<CalendarId>,
    form: CalendarForm,
    days: Vec<Opt>,
    zones: Vec<&'static str>,
    errors: FormErrors,
}

fn calendar_page<'a>(
    user: &'a CurrentUser,
    editing: Option<CalendarId>,
    form: CalendarForm,
    errors: FormErrors,
) -> CalendarPage<'a> {
    let t = user.t();
    CalendarPage {
        shell: Shell::new(user, "settings"),
        subnav: SubNav { current: "sla" },
        editing,
        form: form.with_blank_rows(),
        days: DAYS
            .iter()
            .map(|d| Opt {
                value: d.to_string(),
                label: day_name(t, *d).into(),
            })
            .collect(),
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
        errors,
    }
}

async fn new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let zone = tenants::get(&mut tx).await?.time_zone;
    tx.commit().await?;
    let page = calendar_page(
        &user,
        None,
        CalendarForm::blank(zone),
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CalendarId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let calendar = calendars::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let page = calendar_page(
        &user,
        Some(id),
        CalendarForm::of(&calendar),
        FormErrors::default(),
    );
    Ok(render(&page)?.into_response())
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<CalendarId>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    user.require_admin()?;
    if let Some(id) = id {
        let mut tx = user.tx(state).await?;
        let found = calendars::get(&mut tx, id).await?.is_some();
        tx.commit().await?;
        if !found {
            return Err(AppError::NotFound);
        }
    }
    let form = CalendarForm::from_pairs(pairs);
    if !form.more.is_empty() {
        let page = calendar_page(user, id, form, FormErrors::default());
        return Ok(render(&page)?.into_response());
    }
    let mut errors = FormErrors::default();
    if let Some(c) = check(user.t(), &form, &mut errors) {
        let input = CalendarInput {
            name: &c.name,
            time_zone: &c.zone,
            hours: &c.hours,
            holidays: &c.holidays,
        };
        let mut tx = user.tx(state).await?;
        let saved = match id {
            None => calendars::create(&mut tx, &input).await.map(Some),
            Some(id) => calendars::update(&mut tx, id, &input)
                .await
                .map(|found| found.then_some(id)),
        };
        match saved {
            Ok(Some(saved)) => {
                let action = if id.is_none() {
                    "sla.calendar_created"
                } else {
                    "sla.calendar_updated"
                };
                user.audit(
                    &mut tx,
                    action,
                    "business_calendar",
                    saved.0,
                    json!({
                        "name": c.name,
                        "time_zone": c.zone,
                        "hours": c.hours,
                        "holidays": c.holidays,
                    }),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to("/settings/sla?notice=calendar_saved").into_response());
            }
            Ok(None) => return Err(AppError::NotFound),
            Err(err) if violated_constraint(&err) == Some(NAME_KEY) => {
                errors.add("name", user.t().calendar_name_taken);
            }
            Err(err) => return Err(err.into()),
        }
    }
    let page = calendar_page(user, id, form, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CalendarId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, &user, Some(id), pairs).await
}

async fn confirm_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CalendarId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let mut tx = user.tx(&state).await?;
    let calendar = calendars::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let t = user.t();
    let page = ConfirmDelete {
        shell: Shell::new(&user, "settings"),
        subnav: SubNav { current: "sla" },
        question: t.fill(t.calendar_delete_confirm, &calendar.name),
        action: format!("/settings/sla/calendars/{id}/delete"),
        back: "/settings/sla",
    };
    Ok(render(&page)?.into_response())
}

/// Refused while policies or the shop's business hours count in it: deleting would quietly
/// switch them to calendar hours (or to "never open").
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<CalendarId>,
) -> AppResult<Response> {
    user.require_admin()?;
    let t = user.t();
    let mut tx = user.tx(&state).await?;
    let calendar = calendars::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (policies, shop) = calendars::users_of(&mut tx, id).await?;
    if !policies.is_empty() || shop {
        tx.commit().await?;
        let mut users = policies;
        if shop {
            users.push(t.calendar_shop.to_owned());
        }
        let mut errors = FormErrors::default();
        errors.add("delete", t.fill(t.calendar_in_use, users.join(", ")));
        let page = calendar_page(&user, Some(id), CalendarForm::of(&calendar), errors);
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    calendars::delete(&mut tx, id).await?;
    user.audit(
        &mut tx,
        "sla.calendar_deleted",
        "business_calendar",
        id.0,
        json!({ "name": calendar.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/sla?notice=calendar_deleted").into_response())
}
