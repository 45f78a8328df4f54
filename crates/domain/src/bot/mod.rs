//! The bot: answers the questions a machine can answer well (where is my parcel, how do I
//! return this, where is my refund, a how-to the knowledge base covers) in the buyer's
//! language, and hands everything else to a person with the reason written down.
//!
//! It is deliberately timid. It answers only when the message's intent is clear, nothing
//! was escalated, and it has the facts (a tracking number, a return, an article that scores
//! well); it never answers twice in a row on one ticket (a buyer who writes again after a bot
//! answer wants a person); and every answer says it is automated and how to reach a human.

mod strings;

use crate::classify::Intent;
pub use strings::SUPPORTED as LANGUAGES;

/// What the bot may use to answer.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    /// The buyer's language (ISO 639-1); English when unknown or unsupported.
    pub language: Option<&'a str>,
    pub intent: Option<Intent>,
    /// The classifier's confidence in `intent`, 0..=1.
    pub confidence: f32,
    /// Any escalation on the message (claims, chargebacks, legal, safety…).
    pub escalated: bool,
    /// The last outbound message on the ticket was a bot answer.
    pub answered_last: bool,
    pub shop_name: &'a str,
    pub order: Option<OrderFacts<'a>>,
    pub rma: Option<RmaFacts<'a>>,
    /// The returns portal, prefilled with the order when there is one.
    pub portal_url: Option<&'a str>,
    pub article: Option<ArticleFacts<'a>>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFacts<'a> {
    pub number: &'a str,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub tracking_url: Option<&'a str>,
    /// Delivered, as the carrier reports, on this day (the shop's `YYYY-MM-DD`).
    pub delivered_on: Option<&'a str>,
}

#[derive(Debug, Clone, Default)]
pub struct RmaFacts<'a> {
    pub code: &'a str,
    /// The RMA's status code (`requested`, `approved`, …, `resolved`).
    pub status: &'a str,
    /// A refund that was issued: the amount as the buyer reads it ("€24.90").
    pub refund_issued: Option<&'a str>,
    /// A refund that is on its way (reviewed or approved, not issued yet).
    pub refund_pending: Option<&'a str>,
    /// The portal's status page for this return.
    pub status_url: &'a str,
}

#[derive(Debug, Clone, Default)]
pub struct ArticleFacts<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// The knowledge base's match score, 0..=1.
    pub score: f32,
}

/// The least intent confidence the bot acts on.
pub const MIN_CONFIDENCE: f32 = 0.5;
/// The least knowledge-base score for an article to be offered as the answer (the
/// knowledge base's guide: 0.5 and up, the message asks what the article answers; a single
/// shared title word scores about 0.4).
pub const MIN_ARTICLE_SCORE: f32 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Answer {
        kind: AnswerKind,
        /// The reply, ready to send (plain text).
        body: String,
        /// The language the reply is written in.
        language: &'static str,
    },
    Handoff(Handoff),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    Tracking,
    Portal,
    Refund,
    Article,
}

impl AnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Tracking => "tracking",
            AnswerKind::Portal => "portal",
            AnswerKind::Refund => "refund",
            AnswerKind::Article => "article",
        }
    }
}

/// Why a person has to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handoff {
    /// The buyer wrote again after the bot answered.
    AfterBotAnswer,
    /// The message threatens a claim, chargeback, review, legal action, or reports a hazard.
    Escalated,
    /// The intent is unclear.
    Unsure,
    /// An intent the bot does not answer (complaints, damaged goods, cancellations…).
    NotForBot,
    /// A parcel question without an order on the ticket.
    NoOrder,
    /// The order has no tracking number yet.
    NoTracking,
    /// A refund question without a return on record.
    NoReturn,
    /// No article scores well enough.
    NoArticle,
}

impl Handoff {
    pub fn as_str(self) -> &'static str {
        match self {
            Handoff::AfterBotAnswer => "after_bot_answer",
            Handoff::Escalated => "escalated",
            Handoff::Unsure => "unsure",
            Handoff::NotForBot => "not_for_bot",
            Handoff::NoOrder => "no_order",
            Handoff::NoTracking => "no_tracking",
            Handoff::NoReturn => "no_return",
            Handoff::NoArticle => "no_article",
        }
    }

    /// For the internal note an agent reads.
    pub fn describe(self) -> &'static str {
        match self {
            Handoff::AfterBotAnswer => "the buyer wrote again after an automated answer",
            Handoff::Escalated => {
                "the message was escalated (claim, chargeback, review, legal or safety)"
            }
            Handoff::Unsure => "the question is not clear enough to answer automatically",
            Handoff::NotForBot => "this kind of request needs a person",
            Handoff::NoOrder => "no order is linked to the ticket",
            Handoff::NoTracking => "the order has no tracking number yet",
            Handoff::NoReturn => "there is no return on record for this buyer",
            Handoff::NoArticle => "no help article answers it well enough",
        }
    }
}

/// Decides whether to answer, and writes the answer.
pub fn decide(input: &Input<'_>) -> Decision {
    if input.answered_last {
        return Decision::Handoff(Handoff::AfterBotAnswer);
    }
    if input.escalated {
        return Decision::Handoff(Handoff::Escalated);
    }
    let Some(intent) = input.intent.filter(|_| input.confidence >= MIN_CONFIDENCE) else {
        return Decision::Handoff(Handoff::Unsure);
    };
    let s = strings::for_language(input.language);
    let answer = |kind: AnswerKind, lines: Vec<String>| {
        let mut body = format!("{}\n\n", s.greeting);
        body.push_str(&lines.join("\n\n"));
        body.push_str("\n\n");
        body.push_str(s.automated);
        body.push_str("\n\n");
        body.push_str(input.shop_name);
        Decision::Answer {
            kind,
            body,
            language: s.code,
        }
    };
    match intent {
        Intent::OrderStatus | Intent::NotReceived => {
            let Some(order) = &input.order else {
                return Decision::Handoff(Handoff::NoOrder);
            };
            let Some(tracking) = order.tracking_number.filter(|t| !t.trim().is_empty()) else {
                return Decision::Handoff(Handoff::NoTracking);
            };
            let mut lines = vec![fill(
                s.shipped,
                &[("order", order.number), ("tracking", tracking)],
            )];
            if let Some(carrier) = order.carrier.filter(|c| !c.trim().is_empty()) {
                lines.push(fill(s.carrier, &[("carrier", carrier)]));
            }
            if let Some(url) = order.tracking_url {
                lines.push(fill(s.follow, &[("url", url)]));
            }
            if let Some(day) = order.delivered_on {
                lines.push(fill(s.delivered, &[("date", day)]));
            }
            if intent == Intent::NotReceived {
                lines.push(s.not_arrived.to_owned());
            }
            answer(AnswerKind::Tracking, lines)
        }
        Intent::ReturnRequest => {
            let Some(url) = input.portal_url else {
                return Decision::Handoff(Handoff::NotForBot);
            };
            let intro = match &input.order {
                Some(order) => fill(s.return_for_order, &[("order", order.number)]),
                None => s.return_any.to_owned(),
            };
            answer(AnswerKind::Portal, vec![intro, url.to_owned()])
        }
        Intent::RefundStatus => {
            let Some(rma) = &input.rma else {
                return Decision::Handoff(Handoff::NoReturn);
            };
            let stage = match rma.status {
                "requested" => s.rma_review,
                "approved" | "in_transit" => s.rma_approved,
                "received" | "inspected" => s.rma_received,
                "rejected" => s.rma_declined,
                _ => s.rma_done,
            };
            let mut lines = vec![fill(stage, &[("code", rma.code)])];
            if let Some(amount) = rma.refund_issued {
                lines.push(fill(s.refund_issued, &[("amount", amount)]));
            } else if let Some(amount) = rma.refund_pending {
                lines.push(fill(s.refund_pending, &[("amount", amount)]));
            }
            lines.push(fill(s.status_link, &[("url", rma.status_url)]));
            answer(AnswerKind::Refund, lines)
        }
        Intent::ProductQuestion | Intent::Other => match &input.article {
            Some(a) if a.score >= MIN_ARTICLE_SCORE => answer(
                AnswerKind::Article,
                vec![s.article.to_owned(), format!("{}\n{}", a.title, a.url)],
            ),
            _ => Decision::Handoff(Handoff::NoArticle),
        },
        Intent::DamagedDefective
        | Intent::WrongItem
        | Intent::CancelOrder
        | Intent::ChangeAddress
        | Intent::InvoiceRequest
        | Intent::Complaint => Decision::Handoff(Handoff::NotForBot),
    }
}

/// The language the bot answers `language` in: the same when it writes it, English otherwise.
pub fn language_of(language: Option<&str>) -> &'static str {
    strings::for_language(language).code
}

/// The returns portal with the buyer's order and email filled in (`/p/{shop}/returns`).
pub fn portal_link(
    portal_url: &str,
    order: Option<&str>,
    email: Option<&str>,
    language: &str,
) -> String {
    link(
        portal_url,
        &[("order", order), ("email", email), ("lang", Some(language))],
    )
}

/// The return's status page with its code and the buyer's email filled in.
pub fn status_link(site: &str, code: &str, email: Option<&str>, language: &str) -> String {
    link(
        &format!("{site}/returns/status"),
        &[
            ("code", Some(code)),
            ("email", email),
            ("lang", Some(language)),
        ],
    )
}

fn link(base: &str, params: &[(&str, Option<&str>)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={}", crate::templates::percent_encode(v.trim())))
        })
        .collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// `{name}` placeholders of a bot sentence.
fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests;
