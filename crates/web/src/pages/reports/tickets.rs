//! Tickets: created per day, by intent (what the classifier read) and by type.

use aftersail_db::reports::{self, Filter};
use aftersail_db::TenantTx;

use super::{chart, count_share, points, Ctx, Panel, Section, Table};
use crate::error::AppResult;

fn breakdown(
    key: &'static str,
    caption: &str,
    first: &str,
    rows: &[(String, i64)],
    ctx: &Ctx<'_>,
) -> Panel {
    let t = ctx.t;
    let total: i64 = rows.iter().map(|r| r.1).sum();
    let label = |code: &str| {
        if code == "none" {
            t.reports_none.to_owned()
        } else {
            t.code(code).to_owned()
        }
    };
    let bars: Vec<(String, f64, String)> = rows
        .iter()
        .map(|(code, n)| {
            let [count, share] = count_share(*n, total);
            (label(code), *n as f64, format!("{count} ({share})"))
        })
        .collect();
    Panel {
        chart: Some(chart::bars(caption, &bars, t.reports_no_data)),
        table: Table {
            key,
            caption: caption.to_owned(),
            head: vec![
                first.to_owned(),
                t.reports_col_code.into(),
                t.reports_col_tickets.into(),
                t.reports_col_share.into(),
            ],
            rows: rows
                .iter()
                .map(|(code, n)| {
                    let [count, share] = count_share(*n, total);
                    vec![label(code), code.clone(), count, share]
                })
                .collect(),
        },
    }
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let t = ctx.t;
    let data = reports::tickets(tx, f).await?;
    let total: i64 = data.per_day.iter().map(|d| d.1).sum();
    let series = ctx.days(&data.per_day);
    Ok(Section {
        tiles: vec![(t.reports_tile_tickets.into(), total.to_string())],
        note: None,
        panels: vec![
            Panel {
                chart: Some(chart::line(
                    t.reports_tickets_per_day,
                    &points(&series),
                    t.reports_no_data,
                )),
                table: Table {
                    key: "per_day",
                    caption: t.reports_tickets_per_day.into(),
                    head: vec![t.reports_col_day.into(), t.reports_col_tickets.into()],
                    rows: series
                        .iter()
                        .map(|(d, n)| vec![d.to_string(), n.to_string()])
                        .collect(),
                },
            },
            breakdown(
                "by_intent",
                t.reports_by_intent,
                t.reports_col_intent,
                &data.by_intent,
                ctx,
            ),
            breakdown(
                "by_type",
                t.reports_by_type,
                t.reports_col_type,
                &data.by_type,
                ctx,
            ),
        ],
    })
}
