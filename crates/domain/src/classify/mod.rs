//! What a buyer's message is about, as pure code: its language, its [`Intent`], its
//! [`Sentiment`] and whether it threatens something an agent must see first ([`Escalation`]).
//!
//! How it works (details in each module):
//! * [`text`] reads the part of a message the buyer wrote (quoted history and signatures are cut)
//!   and normalises it: lower case, accents folded for Latin scripts ("remboursé" = "rembourse"),
//!   traditional Chinese folded to simplified, Arabic letter variants unified;
//! * [`lang`] detects the language (script rules first, then marker words and whatlang);
//! * cue tables per language ([`cues`]) hold patterns with a weight for an intent, a sentiment
//!   weight, or an escalation; the tables of the detected language count fully, English ones
//!   nearly so (buyers mix it in), the rest at half weight;
//! * [`score`] adds the cues up (earlier lines weigh more) and applies the labeling
//!   conventions: a broken, wrong or undelivered item wins over the refund or exchange the buyer
//!   asks for; asking where a refund is wins over everything; a complaint wins only when nothing
//!   more specific is asked.

mod cues;
pub mod evaluate;
pub mod lang;
mod matcher;
mod score;
pub mod text;

use std::fmt;

/// What a buyer wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intent {
    OrderStatus,
    NotReceived,
    ReturnRequest,
    RefundStatus,
    DamagedDefective,
    WrongItem,
    CancelOrder,
    ChangeAddress,
    ProductQuestion,
    InvoiceRequest,
    Complaint,
    Other,
}

impl Intent {
    pub const ALL: [Intent; 12] = [
        Intent::OrderStatus,
        Intent::NotReceived,
        Intent::ReturnRequest,
        Intent::RefundStatus,
        Intent::DamagedDefective,
        Intent::WrongItem,
        Intent::CancelOrder,
        Intent::ChangeAddress,
        Intent::ProductQuestion,
        Intent::InvoiceRequest,
        Intent::Complaint,
        Intent::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::OrderStatus => "order_status",
            Intent::NotReceived => "not_received",
            Intent::ReturnRequest => "return_request",
            Intent::RefundStatus => "refund_status",
            Intent::DamagedDefective => "damaged_defective",
            Intent::WrongItem => "wrong_item",
            Intent::CancelOrder => "cancel_order",
            Intent::ChangeAddress => "change_address",
            Intent::ProductQuestion => "product_question",
            Intent::InvoiceRequest => "invoice_request",
            Intent::Complaint => "complaint",
            Intent::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Intent> {
        let s = s.trim();
        Intent::ALL.into_iter().find(|i| i.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the buyer feels, as far as the words show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sentiment {
    Negative,
    Neutral,
    Positive,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive];

    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Negative => "neg",
            Sentiment::Neutral => "neu",
            Sentiment::Positive => "pos",
        }
    }

    /// The value stored in `tickets.sentiment`.
    pub fn db(self) -> &'static str {
        match self {
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Positive => "positive",
        }
    }

    /// Accepts both spellings ("neg" and "negative").
    pub fn parse(s: &str) -> Option<Sentiment> {
        let s = s.trim();
        Sentiment::ALL
            .into_iter()
            .find(|v| v.as_str() == s || v.db() == s)
    }
}

impl fmt::Display for Sentiment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A threat an agent must see before anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Escalation {
    /// A marketplace claim or case: A-to-z, eBay case, PayPal dispute, reporting the listing.
    Claim,
    /// Asking the bank or card issuer to take the money back.
    Chargeback,
    /// A bad review, negative feedback or a public warning to other buyers.
    BadReview,
    /// A lawyer, court, police or consumer-protection authority.
    Legal,
    /// Fire, smoke, electric shock, injury: the product may hurt someone.
    Safety,
}

impl Escalation {
    pub const ALL: [Escalation; 5] = [
        Escalation::Claim,
        Escalation::Chargeback,
        Escalation::BadReview,
        Escalation::Legal,
        Escalation::Safety,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::Claim => "claim",
            Escalation::Chargeback => "chargeback",
            Escalation::BadReview => "bad_review",
            Escalation::Legal => "legal",
            Escalation::Safety => "safety",
        }
    }

    pub fn parse(s: &str) -> Option<Escalation> {
        let s = s.trim();
        Escalation::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for Escalation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on one message.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    /// ISO 639-1 code ("en", "zh", …), or `None` when the text is too short or ambiguous.
    pub lang: Option<String>,
    pub intent: Intent,
    /// How sure the intent is, 0..=1. For [`Intent::Other`] it is how little else matched.
    pub confidence: f32,
    pub sentiment: Sentiment,
    /// Empty when nothing needs escalating; otherwise each kind found, in [`Escalation`] order.
    pub escalations: Vec<Escalation>,
}

impl Classification {
    pub fn escalate(&self) -> bool {
        !self.escalations.is_empty()
    }
}

/// Classifies one inbound message. `lang_hint`: a language the channel or caller already knows
/// ("de", "pt-BR", "zh-CN"); it wins over detection when it is one of [`lang::SUPPORTED`].
pub fn classify(text: &str, lang_hint: Option<&str>) -> Classification {
    let body = text::body(text);
    let lang = lang_hint
        .and_then(lang::supported_code)
        .map(str::to_owned)
        .or_else(|| lang::detect(&body));
    let prepared = text::prepare(&body);
    let verdict = score::score(&prepared, lang.as_deref());
    Classification {
        lang,
        intent: verdict.intent,
        confidence: verdict.confidence,
        sentiment: verdict.sentiment,
        escalations: verdict.escalations,
    }
}

/// The cues that fired on `text`, one line each (table, pattern, table weight, position
/// weight, what it points to): for finding out why a message got its verdict.
pub fn explain(text: &str, lang_hint: Option<&str>) -> Vec<String> {
    let body = text::body(text);
    let lang = lang_hint
        .and_then(lang::supported_code)
        .map(str::to_owned)
        .or_else(|| lang::detect(&body));
    score::explain(&text::prepare(&body), lang.as_deref())
}
