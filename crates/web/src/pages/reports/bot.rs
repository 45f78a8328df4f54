//! The bot: tickets it first looked at in the range, answered, handed to a person, and
//! deflected (answered, and nobody had to reply or take it over afterwards, as
//! `aftersail_db::bot::deflection` counts), with the deflection rate per day.

use aftersail_db::reports::{self, BotCounts, Filter};
use aftersail_db::TenantTx;
use aftersail_domain::reports::percent;

use super::{chart, Ctx, Panel, Section, Table};
use crate::error::AppResult;

fn row(label: String, c: &BotCounts) -> Vec<String> {
    vec![
        label,
        c.tickets.to_string(),
        c.answered.to_string(),
        c.handed_off.to_string(),
        c.deflected.to_string(),
        percent(c.deflected, c.tickets),
    ]
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let t = ctx.t;
    let data = reports::bot(tx, f).await?;
    let o = &data.overall;
    let mut per_day: Vec<(chrono::NaiveDate, i64)> = data
        .per_day
        .iter()
        .map(|(d, c)| (*d, c.deflected))
        .collect();
    per_day = ctx.days(&per_day);
    let summary = [
        (t.reports_col_answered, o.answered),
        (t.reports_col_handed_off, o.handed_off),
        (t.reports_col_deflected, o.deflected),
    ];
    let bars: Vec<(String, f64, String)> = summary
        .iter()
        .map(|(l, n)| ((*l).to_owned(), *n as f64, n.to_string()))
        .collect();
    let head: Vec<String> = [
        t.reports_col_day,
        t.reports_col_tickets,
        t.reports_col_answered,
        t.reports_col_handed_off,
        t.reports_col_deflected,
        t.reports_col_deflection_rate,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut rows: Vec<Vec<String>> = data
        .per_day
        .iter()
        .map(|(d, c)| row(d.to_string(), c))
        .collect();
    rows.push(row(t.reports_overall.to_owned(), o));
    Ok(Section {
        tiles: vec![
            (t.reports_col_tickets.into(), o.tickets.to_string()),
            (
                t.reports_col_deflection_rate.into(),
                percent(o.deflected, o.tickets),
            ),
        ],
        note: Some(t.reports_bot_note),
        panels: vec![
            Panel {
                chart: Some(chart::bars(t.reports_bot_summary, &bars, t.reports_no_data)),
                table: Table {
                    key: "per_day",
                    caption: t.reports_bot_summary.into(),
                    head,
                    rows,
                },
            },
            Panel {
                chart: Some(chart::line(
                    t.reports_bot_per_day,
                    &super::points(&per_day),
                    t.reports_no_data,
                )),
                table: Table {
                    key: "deflected_per_day",
                    caption: t.reports_bot_per_day.into(),
                    head: vec![t.reports_col_day.into(), t.reports_col_deflected.into()],
                    rows: per_day
                        .iter()
                        .map(|(d, n)| vec![d.to_string(), n.to_string()])
                        .collect(),
                },
            },
        ],
    })
}
