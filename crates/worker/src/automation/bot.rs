//! The `bot_answer` rule action: gathers what the bot may say about the buyer's message
//! (the order's tracking, the returns portal, a return's refund, a help article), lets
//! `domain::bot` decide, then sends the answer (labelled `bot`, status pending) or hands the
//! ticket to a person (an internal note with the reason and the `needs-human` tag). Either
//! way the decision is recorded in `bot_answers`, which the deflection rate is read from.

use aftersail_db::automation::{self, MessageView, Property, TicketView};
use aftersail_db::bot::{self as bot_store, NewBotAnswer};
use aftersail_db::{kb, messages, outbox, TenantTx};
use aftersail_domain::bot::{self, ArticleFacts, Decision, Input, OrderFacts, RmaFacts};
use aftersail_domain::classify::Intent;
use aftersail_domain::{money, templates};

use super::actions::{RunContext, Step};

/// The tag a hand-off puts on the ticket, so a view can list what the bot passed on.
pub const HANDOFF_TAG: &str = "needs-human";

pub async fn answer(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    t: &TicketView,
    message: Option<&MessageView>,
) -> anyhow::Result<Step> {
    let m = match message {
        Some(m) => m.clone(),
        None => match automation::latest_inbound(tx, t.id).await? {
            Some(m) => m,
            None => return Ok(Err("there is no buyer message to answer".to_owned())),
        },
    };
    if let Some(kind) = &m.automated {
        return Ok(Err(format!("not answering an automated message ({kind})")));
    }
    if m.kind != "inbound" {
        return Ok(Err("not answering our own message".to_owned()));
    }
    let intent = m.intent.as_deref().and_then(Intent::parse);
    let language = m
        .language
        .clone()
        .or_else(|| t.language.clone())
        .or_else(|| t.customer_language.clone());
    let lang = bot::language_of(language.as_deref());
    let answered_last = bot_store::answered_last(tx, t.id).await?;

    let tracking_url = t
        .order_tracking_number
        .as_deref()
        .and_then(|n| templates::tracking_url(t.order_carrier.as_deref(), n));
    let delivered_on = t
        .order_delivered_at
        .map(|d| d.format("%Y-%m-%d").to_string());
    let order = t.order_number.as_deref().map(|number| OrderFacts {
        number,
        carrier: t.order_carrier.as_deref(),
        tracking_number: t.order_tracking_number.as_deref(),
        tracking_url: tracking_url.as_deref(),
        delivered_on: delivered_on.as_deref(),
    });
    let portal_url = ctx.links.map(|links| {
        bot::portal_link(
            &links.returns(),
            t.order_number.as_deref(),
            t.customer_email.as_deref(),
            lang,
        )
    });

    let facts = if intent == Some(Intent::RefundStatus) {
        bot_store::return_of_ticket(tx, t.id).await?
    } else {
        None
    };
    let refund_amount = facts.as_ref().and_then(|f| {
        Some(money::format(
            f.refund_minor?,
            f.refund_currency.as_deref()?,
        ))
    });
    let status_url = match (&facts, ctx.links) {
        (Some(f), Some(links)) => Some(bot::status_link(
            &links.site(),
            &f.code,
            f.buyer_email.as_deref().or(t.customer_email.as_deref()),
            lang,
        )),
        _ => None,
    };
    let rma = match (&facts, &status_url) {
        (Some(f), Some(url)) => Some(RmaFacts {
            code: &f.code,
            status: &f.status,
            refund_issued: refund_amount
                .as_deref()
                .filter(|_| f.refund_state.as_deref() == Some("issued")),
            refund_pending: refund_amount.as_deref().filter(|_| {
                matches!(
                    f.refund_state.as_deref(),
                    Some("pending_review" | "approved" | "failed")
                )
            }),
            status_url: url,
        }),
        _ => None,
    };

    let article = match intent {
        Some(Intent::ProductQuestion | Intent::Other) => {
            best_article(tx, ctx, language.as_deref(), &m.body_text).await?
        }
        _ => None,
    };

    let input = Input {
        language: language.as_deref(),
        intent,
        confidence: m.intent_confidence.unwrap_or(0.0),
        escalated: !m.escalations.is_empty(),
        answered_last,
        shop_name: ctx.shop_name,
        order,
        rma,
        portal_url: portal_url.as_deref(),
        article: article.as_ref().map(|a| ArticleFacts {
            title: &a.title,
            url: &a.url,
            score: a.score,
        }),
    };
    match bot::decide(&input) {
        Decision::Answer {
            kind,
            body,
            language,
        } => {
            let key = format!("bot:{}:{}", t.id, m.id);
            let Some(reply) = outbox::enqueue_automated_reply(
                tx,
                t.id,
                &body,
                Some(language),
                &t.channel,
                &key,
                messages::Automated::Bot,
            )
            .await?
            else {
                return Ok(Ok(None));
            };
            bot_store::record(
                tx,
                NewBotAnswer {
                    ticket: t.id,
                    message: Some(m.id),
                    rule: Some(ctx.rule),
                    outcome: "answered",
                    kind: kind.as_str(),
                    intent: intent.map(Intent::as_str),
                    article: article.as_ref().map(|a| a.id),
                    reply: Some(reply),
                },
            )
            .await?;
            // The buyer has what they asked for: waiting on them (their reply reopens it).
            automation::set_property(tx, t.id, ctx.rule, Property::Status, "pending").await?;
            Ok(Ok(Some(format!("Bot answered ({})", kind.as_str()))))
        }
        Decision::Handoff(reason) => {
            bot_store::record(
                tx,
                NewBotAnswer {
                    ticket: t.id,
                    message: Some(m.id),
                    rule: Some(ctx.rule),
                    outcome: "handoff",
                    kind: reason.as_str(),
                    intent: intent.map(Intent::as_str),
                    article: None,
                    reply: None,
                },
            )
            .await?;
            let note = format!("Bot: handed to a person — {}.", reason.describe());
            automation::note(tx, t.id, &t.channel, &note, ctx.now).await?;
            automation::change_tags(tx, t.id, ctx.rule, &[HANDOFF_TAG.to_owned()], &[]).await?;
            Ok(Ok(Some(format!(
                "Bot handed the ticket to a person ({})",
                reason.as_str()
            ))))
        }
    }
}

struct Article {
    id: uuid::Uuid,
    title: String,
    url: String,
    score: f32,
}

/// The published help-center article that best answers the message, with its public address
/// (none without one: the bot cannot link what buyers cannot open).
async fn best_article(
    tx: &mut TenantTx,
    ctx: &RunContext<'_>,
    language: Option<&str>,
    text: &str,
) -> anyhow::Result<Option<Article>> {
    let Some(links) = ctx.links else {
        return Ok(None);
    };
    let Some(hit) = kb::best_match(tx, language, text).await? else {
        return Ok(None);
    };
    Ok(Some(Article {
        id: hit.article_id,
        url: links.article(&hit.slug, &hit.locale),
        title: hit.title,
        score: hit.score,
    }))
}
