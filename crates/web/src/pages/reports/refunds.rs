//! Refunds: returns per resolution with what was refunded for them, refunds per state, each
//! amount summed per currency (different currencies are never added), and refunds per day.

use aftersail_db::reports::{self, Filter, MoneyGroup};
use aftersail_db::TenantTx;
use aftersail_domain::money;

use super::{chart, points, Ctx, Panel, Section, Table};
use crate::error::AppResult;

fn money_rows(groups: &[MoneyGroup], ctx: &Ctx<'_>) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|g| {
            let label = if g.key == "none" {
                ctx.t.reports_none.to_owned()
            } else {
                ctx.rt.code(&g.key).to_owned()
            };
            let (currency, amount) = match &g.currency {
                Some(c) => (c.clone(), money::decimal(g.amount_minor, c)),
                None => (String::new(), String::new()),
            };
            vec![label, g.key.clone(), g.count.to_string(), currency, amount]
        })
        .collect()
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let t = ctx.t;
    let data = reports::refunds(tx, f).await?;
    let head = |first: &str, count: &str| {
        vec![
            first.to_owned(),
            t.reports_col_code.into(),
            count.to_owned(),
            t.reports_col_currency.into(),
            t.reports_col_amount.into(),
        ]
    };
    // Headline: refunded per currency (issued and still to issue; not rejected or failed).
    let mut totals: Vec<(String, i64)> = Vec::new();
    for g in data
        .by_state
        .iter()
        .filter(|g| matches!(g.key.as_str(), "pending_review" | "approved" | "issued"))
    {
        if let Some(c) = &g.currency {
            match totals.iter_mut().find(|(cur, _)| cur == c) {
                Some(total) => total.1 += g.amount_minor,
                None => totals.push((c.clone(), g.amount_minor)),
            }
        }
    }
    totals.sort();
    let refunded = if totals.is_empty() {
        "–".to_owned()
    } else {
        totals
            .iter()
            .map(|(c, m)| money::format(*m, c))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let count: i64 = data.by_state.iter().map(|g| g.count).sum();
    let series = ctx.days(&data.per_day);
    Ok(Section {
        tiles: vec![
            (t.reports_col_refunds.into(), count.to_string()),
            (t.reports_tile_refunded.into(), refunded),
        ],
        note: None,
        panels: vec![
            Panel {
                chart: None,
                table: Table {
                    key: "by_resolution",
                    caption: t.reports_by_resolution.into(),
                    head: head(t.reports_col_resolution, t.reports_col_rmas),
                    rows: money_rows(&data.by_resolution, ctx),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "by_state",
                    caption: t.reports_by_state.into(),
                    head: head(t.reports_col_state, t.reports_col_refunds),
                    rows: money_rows(&data.by_state, ctx),
                },
            },
            Panel {
                chart: Some(chart::line(
                    t.reports_refunds_per_day,
                    &points(&series),
                    t.reports_no_data,
                )),
                table: Table {
                    key: "per_day",
                    caption: t.reports_refunds_per_day.into(),
                    head: vec![t.reports_col_day.into(), t.reports_col_refunds.into()],
                    rows: series
                        .iter()
                        .map(|(d, n)| vec![d.to_string(), n.to_string()])
                        .collect(),
                },
            },
        ],
    })
}
