//! Returns: why buyers return (reasons, bar chart and table), return and fault rates per SKU
//! and per country (units returned in the range / units sold in the range; "fault" = the
//! reasons that are the seller's: `domain::reports::is_fault`), and returns opened per day.

use std::collections::BTreeMap;

use aftersail_db::reports::{self, Filter, Units};
use aftersail_db::TenantTx;
use aftersail_domain::reports::{fault_codes, percent};

use super::{chart, count_share, points, Ctx, Panel, Section, Table};
use crate::error::AppResult;

/// Sums units by a key (SKU or country), most returned first, then by key.
fn roll_up(units: &[Units], key: impl Fn(&Units) -> String) -> Vec<(String, Units)> {
    let mut by: BTreeMap<String, Units> = BTreeMap::new();
    for u in units {
        let e = by.entry(key(u)).or_default();
        e.sold += u.sold;
        e.returned += u.returned;
        e.fault += u.fault;
    }
    let mut rows: Vec<(String, Units)> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.returned.cmp(&a.1.returned).then(a.0.cmp(&b.0)));
    rows
}

fn rate_rows(rows: &[(String, Units)]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(k, u)| {
            vec![
                k.clone(),
                u.sold.to_string(),
                u.returned.to_string(),
                percent(u.returned, u.sold),
                u.fault.to_string(),
                percent(u.fault, u.sold),
            ]
        })
        .collect()
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let (t, rt) = (ctx.t, ctx.rt);
    let data = reports::returns(tx, f, &fault_codes()).await?;
    let total: i64 = data.reasons.iter().map(|r| r.1).sum();
    let sold: i64 = data.units.iter().map(|u| u.sold).sum();
    let returned: i64 = data.units.iter().map(|u| u.returned).sum();
    let fault: i64 = data.units.iter().map(|u| u.fault).sum();

    let reason_bars: Vec<(String, f64, String)> = data
        .reasons
        .iter()
        .map(|(code, n)| {
            let [count, share] = count_share(*n, total);
            (
                rt.code(code).to_owned(),
                *n as f64,
                format!("{count} ({share})"),
            )
        })
        .collect();
    let reasons = Panel {
        chart: Some(chart::bars(
            t.reports_reasons,
            &reason_bars,
            t.reports_no_data,
        )),
        table: Table {
            key: "reasons",
            caption: t.reports_reasons.into(),
            head: vec![
                t.reports_col_reason.into(),
                t.reports_col_code.into(),
                t.reports_col_count.into(),
                t.reports_col_share.into(),
            ],
            rows: data
                .reasons
                .iter()
                .map(|(code, n)| {
                    let [count, share] = count_share(*n, total);
                    vec![rt.code(code).to_owned(), code.clone(), count, share]
                })
                .collect(),
        },
    };
    let rate_head = |first: &str| {
        vec![
            first.to_owned(),
            t.reports_col_sold.into(),
            t.reports_col_returned.into(),
            t.reports_col_return_rate.into(),
            t.reports_col_fault_units.into(),
            t.reports_col_fault_rate.into(),
        ]
    };
    let by_sku = roll_up(&data.units, |u| u.sku.clone());
    let by_country = roll_up(&data.units, |u| {
        u.country
            .clone()
            .unwrap_or_else(|| t.reports_unknown.to_owned())
    });
    let series = ctx.days(&data.per_day);
    let per_day = Panel {
        chart: Some(chart::line(
            t.reports_returns_per_day,
            &points(&series),
            t.reports_no_data,
        )),
        table: Table {
            key: "per_day",
            caption: t.reports_returns_per_day.into(),
            head: vec![t.reports_col_day.into(), t.reports_col_count.into()],
            rows: series
                .iter()
                .map(|(d, n)| vec![d.to_string(), n.to_string()])
                .collect(),
        },
    };
    Ok(Section {
        tiles: vec![
            (t.reports_tile_returns.into(), total.to_string()),
            (t.reports_col_return_rate.into(), percent(returned, sold)),
            (t.reports_col_fault_rate.into(), percent(fault, sold)),
        ],
        note: Some(t.reports_returns_note),
        panels: vec![
            reasons,
            Panel {
                chart: None,
                table: Table {
                    key: "by_sku",
                    caption: t.reports_by_sku.into(),
                    head: rate_head(t.reports_col_sku),
                    rows: rate_rows(&by_sku),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "by_country",
                    caption: t.reports_by_country.into(),
                    head: rate_head(t.reports_col_country),
                    rows: rate_rows(&by_country),
                },
            },
            per_day,
        ],
    })
}
