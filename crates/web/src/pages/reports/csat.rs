//! Satisfaction: surveys sent in the range (`csat_surveys`), their responses and the share
//! rated good, per agent and per channel, per day, and the latest comments.

use aftersail_db::reports::{self, CsatCounts, Filter};
use aftersail_db::TenantTx;
use aftersail_domain::reports::percent;
use chrono_tz::Tz;

use super::{chart, Ctx, Panel, Section, Table};
use crate::error::AppResult;

/// Comments shown (and exported).
const COMMENTS: i64 = 20;

fn counts(label: String, c: &CsatCounts) -> Vec<String> {
    vec![
        label,
        c.sent.to_string(),
        c.responses.to_string(),
        c.good.to_string(),
        percent(c.good, c.responses),
    ]
}

pub async fn build(tx: &mut TenantTx, f: &Filter, ctx: &Ctx<'_>) -> AppResult<Section> {
    let t = ctx.t;
    let data = reports::csat(tx, f, COMMENTS).await?;
    let head = |first: &str| -> Vec<String> {
        [
            first,
            t.reports_col_sent,
            t.reports_col_responses,
            t.reports_col_good,
            t.reports_col_good_share,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    let zone: Tz = f.zone.parse().unwrap_or(chrono_tz::UTC);
    // The trend: % good of each day's answered surveys (days without answers are left out:
    // a share of nothing is not zero).
    let trend: Vec<(String, f64)> = data
        .per_day
        .iter()
        .filter(|(_, c)| c.responses > 0)
        .map(|(d, c)| {
            (
                d.format("%m-%d").to_string(),
                (c.good as f64 * 1000.0 / c.responses as f64).round() / 10.0,
            )
        })
        .collect();
    Ok(Section {
        tiles: vec![
            (
                t.reports_col_responses.into(),
                data.overall.responses.to_string(),
            ),
            (
                t.reports_col_good_share.into(),
                percent(data.overall.good, data.overall.responses),
            ),
        ],
        note: None,
        panels: vec![
            Panel {
                chart: Some(chart::line(
                    t.reports_csat_per_day,
                    &trend,
                    t.reports_no_data,
                )),
                table: Table {
                    key: "per_day",
                    caption: t.reports_csat_per_day.into(),
                    head: head(t.reports_col_day),
                    rows: data
                        .per_day
                        .iter()
                        .map(|(d, c)| counts(d.to_string(), c))
                        .collect(),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "by_agent",
                    caption: t.reports_by_agent.into(),
                    head: head(t.reports_col_agent),
                    rows: data
                        .by_agent
                        .iter()
                        .map(|(a, c)| {
                            counts(a.clone().unwrap_or_else(|| t.reports_unassigned.into()), c)
                        })
                        .collect(),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "by_channel",
                    caption: t.reports_by_channel.into(),
                    head: head(t.reports_col_channel),
                    rows: data
                        .by_channel
                        .iter()
                        .map(|(ch, c)| counts(ch.clone(), c))
                        .collect(),
                },
            },
            Panel {
                chart: None,
                table: Table {
                    key: "comments",
                    caption: t.reports_comments.into(),
                    head: [
                        t.reports_col_when,
                        t.reports_col_ticket,
                        t.reports_col_agent,
                        t.reports_col_rating,
                        t.reports_col_comment,
                    ]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                    rows: data
                        .comments
                        .iter()
                        .map(|c| {
                            vec![
                                c.answered_at
                                    .with_timezone(&zone)
                                    .format("%Y-%m-%d %H:%M")
                                    .to_string(),
                                format!("#{}", c.ticket_number),
                                c.agent
                                    .clone()
                                    .unwrap_or_else(|| t.reports_unassigned.into()),
                                if c.rating == "good" {
                                    t.reports_rating_good.into()
                                } else {
                                    t.reports_rating_bad.into()
                                },
                                c.comment.clone(),
                            ]
                        })
                        .collect(),
                },
            },
        ],
    })
}
