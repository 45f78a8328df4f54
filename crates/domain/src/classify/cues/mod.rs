//! Cue tables, one file per language, written from how buyers write in each (synonyms,
//! inflections as prefixes, colloquial forms, marketplace words) — not from any test set.
//!
//! Weights: about 3 for a cue that alone says what the message is about ("where is my order",
//! "退货"), 1.5–2 for a strong hint, under 1 for a word that only leans one way. The pattern
//! syntax is described in `matcher.rs`. Patterns are normalised like the text, so write them
//! with accents (they also match text without) and in either Chinese script.

use super::{Escalation, Intent};

mod ar;
mod de;
mod en;
mod es;
mod fr;
mod global;
mod id;
mod it;
mod ja;
mod ko;
mod nl;
mod pl;
mod pt;
mod th;
mod vi;
mod zh;

/// What an intent cue points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Tag {
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
    /// The buyer asks for a remedy (refund, replacement, exchange, money back). It is a return
    /// request on its own, but only part of the story when something is broken, wrong or
    /// missing: then that problem is the intent.
    Remedy,
}

impl Tag {
    pub fn intent(self) -> Option<Intent> {
        Some(match self {
            Tag::OrderStatus => Intent::OrderStatus,
            Tag::NotReceived => Intent::NotReceived,
            Tag::ReturnRequest => Intent::ReturnRequest,
            Tag::RefundStatus => Intent::RefundStatus,
            Tag::DamagedDefective => Intent::DamagedDefective,
            Tag::WrongItem => Intent::WrongItem,
            Tag::CancelOrder => Intent::CancelOrder,
            Tag::ChangeAddress => Intent::ChangeAddress,
            Tag::ProductQuestion => Intent::ProductQuestion,
            Tag::InvoiceRequest => Intent::InvoiceRequest,
            Tag::Complaint => Intent::Complaint,
            Tag::Other => Intent::Other,
            Tag::Remedy => return None,
        })
    }
}

/// One language's cues.
pub(crate) struct Lexicon {
    /// ISO 639-1 code; `"*"` for the cues that hold in every language.
    pub lang: &'static str,
    /// Frequent words that tell this language apart from the others (for detection).
    pub markers: &'static [&'static str],
    /// Words that negate what stands next to them (for `!` cues and sentiment).
    pub negators: &'static [&'static str],
    pub intents: &'static [(&'static str, Tag, f32)],
    /// Positive weights for praise and thanks, negative for anger, disappointment, waiting.
    pub sentiment: &'static [(&'static str, f32)],
    pub escalations: &'static [(&'static str, Escalation)],
}

/// Every table; the order is the order of [`super::lang::SUPPORTED`] plus the global one.
pub(crate) const LEXICONS: &[&Lexicon] = &[
    &en::LEXICON,
    &de::LEXICON,
    &fr::LEXICON,
    &es::LEXICON,
    &it::LEXICON,
    &pt::LEXICON,
    &nl::LEXICON,
    &pl::LEXICON,
    &ja::LEXICON,
    &ko::LEXICON,
    &zh::LEXICON,
    &ar::LEXICON,
    &vi::LEXICON,
    &th::LEXICON,
    &id::LEXICON,
    &global::LEXICON,
];

pub(crate) use global::{EMOJI, EMOTICONS};
