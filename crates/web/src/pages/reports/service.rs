//! Service: first-reply and resolution times (median and p90, nearest rank) in calendar hours
//! and in the shop's business hours, per channel and per agent, and SLA compliance (targets
//! met / targets met or missed) per channel and overall. Tickets created in the range; the
//! durations are the ones stored when the reply or the solve happened.

use aftersail_db::reports::{self, Filter, ServiceRow};
use aftersail_db::TenantTx;
use aftersail_domain::reports::{hours, percent};
use chrono::Utc;

use super::{chart, Ctx, Panel, Section, Table};
use crate::error::AppResult;

fn head(first: &str, ctx: &Ctx<'_>) -> Vec<String> {
    let t = ctx.t;
    [
        first,
        t.reports_col_tickets,
        t.reports_col_replied,
        t.reports_col_fr_p50,
        t.reports_col_fr_p90,
        t.reports_col_fr_b_p50,
        t.reports_col_fr_b_p90,
        t.reports_col_solved,
        t.reports_col_res_p50,
        t.reports_col_res_p90,
        t.reports_col_res_b_p50,
        t.reports_col_res_b_p90,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn times(label: String, r: &ServiceRow) -> Vec<String> {
    vec![
        label,
        r.tickets.to_string(),
        r.replied.to_string(),
        hours(r.first_reply_p50),
        hours(r.first_reply_p90),
        hours(r.first_reply_business_p50),
        hours(r.first_reply_business_p90),
        r.solved.to_string(),
        hours(r.resolution_p50),
        hours(r.resolution_p90),
        hours(r.resolution_business_p50),
        hours(r.resolution_business_p90),
    ]
}

fn sla(label: String, r: &ServiceRow) -> Vec<String> {
    vec![
        label,
        r.first_reply_met.to_string(),
        r.first_reply_missed.to_string(),
        percent(r.first_reply_met, r.first_reply_met + r.first_reply_missed),
        r.resolution_met.to_string(),
        r.resolution_missed.to_string(),
        percent(r.resolution_met, r.resolution_met + r.resolution_missed),
    ]
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let t = ctx.t;
    let data = reports::service(tx, f, Utc::now()).await?;
    let o = &data.overall;
    let agent_name = |name: &Option<String>, id: bool| match (name, id) {
        (Some(n), _) => n.clone(),
        (None, true) => t.reports_unknown.to_owned(),
        (None, false) => t.reports_unassigned.to_owned(),
    };
    let mut sla_rows: Vec<Vec<String>> = data
        .by_channel
        .iter()
        .map(|(c, r)| sla(c.clone(), r))
        .collect();
    sla_rows.push(sla(t.reports_overall.to_owned(), o));
    let bars: Vec<(String, f64, String)> = data
        .by_channel
        .iter()
        .map(|(c, r)| {
            (
                c.clone(),
                r.first_reply_business_p50.unwrap_or(0) as f64 / 3600.0,
                hours(r.first_reply_business_p50),
            )
        })
        .collect();
    Ok(Section {
        tiles: vec![
            (t.reports_col_fr_p50.into(), hours(o.first_reply_p50)),
            (
                t.reports_col_fr_b_p50.into(),
                hours(o.first_reply_business_p50),
            ),
            (
                t.reports_col_res_b_p50.into(),
                hours(o.resolution_business_p50),
            ),
            (
                t.reports_col_fr_sla.into(),
                percent(o.first_reply_met, o.first_reply_met + o.first_reply_missed),
            ),
        ],
        note: Some(t.reports_service_note),
        panels: vec![
            Panel {
                chart: Some(chart::bars(
                    t.reports_col_fr_b_p50,
                    &bars,
                    t.reports_no_data,
                )),
                table: Table {
                    key: "by_channel",
                    caption: t.reports_by_channel.into(),
                    head: head(t.reports_col_channel, ctx),
                    rows: data
                        .by_channel
                        .iter()
                        .map(|(c, r)| times(c.clone(), r))
                        .collect(),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "by_agent",
                    caption: t.reports_by_agent.into(),
                    head: head(t.reports_col_agent, ctx),
                    rows: data
                        .by_agent
                        .iter()
                        .map(|(id, name, r)| times(agent_name(name, id.is_some()), r))
                        .collect(),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "sla",
                    caption: t.reports_sla_title.into(),
                    head: [
                        t.reports_col_channel,
                        t.reports_col_fr_met,
                        t.reports_col_fr_missed,
                        t.reports_col_fr_sla,
                        t.reports_col_res_met,
                        t.reports_col_res_missed,
                        t.reports_col_res_sla,
                    ]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                    rows: sla_rows,
                },
            },
        ],
    })
}
