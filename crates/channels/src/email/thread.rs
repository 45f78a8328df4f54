//! Threading hints from the headers and subject of a mail.
//!
//! Ticket token: only the bracketed form `[#1042]` is recognised, anywhere in the subject
//! (our outbound subjects put it at the end, but replies get it moved around by clients).
//! `(#1042)` is deliberately not accepted: buyers write `(#2)` for item numbers and quantities.

use std::sync::LazyLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::ThreadHints;

/// The longest message id kept as written. Ids go into btree indexes (the dedup key, the
/// threading lookup), whose rows PostgreSQL caps at about 2.7 kB: a longer id would fail
/// the ingest transaction and hold the mailbox's cursor on that mail for good. No mailer
/// writes ids near this long; hostile mail does.
pub const MAX_ID_BYTES: usize = 512;

/// A value as it can be stored and indexed: NUL characters dropped (PostgreSQL `text`
/// refuses them) and, past `max` bytes, cut at a character boundary and ended with `#` and
/// 16 hex digits of the whole value's SHA-256, so the same long value always gives the same
/// result and two different ones (almost surely) different results.
pub fn bounded(value: &str, max: usize) -> String {
    let value = value.replace('\0', "");
    if value.len() <= max {
        return value;
    }
    let digest = hex::encode(Sha256::digest(value.as_bytes()));
    let mut cut = max.saturating_sub(17);
    while !value.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}#{}", &value[..cut], &digest[..16])
}

static TICKET_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\s*#\s*(\d{1,18})\s*\]").expect("valid regex"));

/// One reply/forward prefix, optionally counted (`Re[2]:`, `Re(2):`, `Re^2:`), with an ASCII
/// or full-width colon.
static REPLY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:re|aw|wg|fwd?|tr|sv|vs|antw|rv|enc|回复|回覆|答复|答覆|转发|轉寄|轉發|返信|転送)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]",
    )
    .expect("valid regex")
});

/// Builds the hints. `in_reply_to` and `references` are the raw header values (or empty).
pub fn hints(subject: &str, in_reply_to: &str, references: &str) -> ThreadHints {
    ThreadHints {
        replies_to: replies_to(in_reply_to, references),
        ticket_number: ticket_number(subject),
        normalized_subject: normalize_subject(subject),
    }
}

/// `In-Reply-To` ids, then `References` newest (last) first, deduplicated, without `<>`.
pub fn replies_to(in_reply_to: &str, references: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut refs = message_ids(references);
    refs.reverse();
    for id in message_ids(in_reply_to).into_iter().chain(refs) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The message ids in a header value: every `<…>` token; when there is none (broken
/// clients), the whitespace-separated words that look like ids (contain `@`). Each id is
/// [`bounded`] by [`MAX_ID_BYTES`], so a reply names a long id the way its mail was stored.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let id = bounded(after[..end].trim(), MAX_ID_BYTES);
        let id = id.trim();
        if !id.is_empty() && !id.contains(char::is_whitespace) {
            ids.push(id.to_string());
        }
        rest = &after[end + 1..];
    }
    if ids.is_empty() {
        ids = value
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|w| w.trim_matches(|c| c == '<' || c == '>'))
            .filter(|w| w.contains('@') && w.len() > 2)
            .map(|w| bounded(w, MAX_ID_BYTES))
            .filter(|w| !w.is_empty())
            .collect();
    }
    ids
}

/// The ticket number from the first `[#1042]` token in the subject.
pub fn ticket_number(subject: &str) -> Option<i64> {
    TICKET_TOKEN
        .captures(subject)
        .and_then(|c| c[1].parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// The subject without ticket tokens and any stack of reply/forward prefixes, whitespace
/// collapsed, trimmed and lower-cased.
pub fn normalize_subject(subject: &str) -> String {
    let without_token = TICKET_TOKEN.replace_all(subject, " ");
    let mut rest: &str = &without_token;
    while let Some(m) = REPLY_PREFIX.find(rest) {
        rest = &rest[m.end()..];
    }
    rest.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_subjects() {
        let cases = [
            ("Where is my order?", "where is my order?"),
            ("Re: Where is my order?", "where is my order?"),
            ("RE: RE: Where is my order?", "where is my order?"),
            (
                "AW: Re: 回复: Lieferung  beschädigt [#1042]",
                "lieferung beschädigt",
            ),
            ("Re[2]: Refund", "refund"),
            ("Re(3): Refund", "refund"),
            (
                "Aw: WG: Fwd: FW: Fw: TR: SV: VS: Antw: RV: Enc: Refund",
                "refund",
            ),
            ("回复：转发: 答复: 回覆: 轉寄: Refund", "refund"),
            ("返信: 転送：商品について", "商品について"),
            ("Re : spaced colon", "spaced colon"),
            ("[#1042] Re: token first", "token first"),
            ("Re: [#1042] token between", "token between"),
            ("  Re:\tTabs   and\nnewlines  ", "tabs and newlines"),
            ("Reset my password", "reset my password"),
            ("Tracking number", "tracking number"),
            (
                "Svar: kept (not a listed prefix)",
                "svar: kept (not a listed prefix)",
            ),
            ("Order (#2) missing", "order (#2) missing"),
            ("Re:", ""),
            ("", ""),
        ];
        for (subject, expected) in cases {
            assert_eq!(normalize_subject(subject), expected, "{subject}");
        }
    }

    #[test]
    fn finds_ticket_numbers() {
        let cases = [
            ("Re: Refund [#1042]", Some(1042)),
            ("[#7] first", Some(7)),
            ("Re: [ #1042 ] spaced", Some(1042)),
            ("two [#12] [#34]", Some(12)),
            ("parens (#1042) are not tokens", None),
            ("#1042 bare", None),
            ("[#0]", None),
            ("[#99999999999999999999]", None),
            ("[#abc]", None),
            ("", None),
        ];
        for (subject, expected) in cases {
            assert_eq!(ticket_number(subject), expected, "{subject}");
        }
    }

    #[test]
    fn bounded_values_fit_and_stay_distinct() {
        assert_eq!(bounded("a\0b@x", 512), "ab@x");
        assert_eq!(bounded("short", 5), "short");
        // Cut on a character boundary (Ä is two bytes), ended with `#` and 16 hex digits.
        let long = "Ä".repeat(300);
        let cut = bounded(&long, 254);
        assert!(cut.len() <= 254, "{}", cut.len());
        assert!(
            cut.starts_with("ÄÄ") && cut.chars().nth_back(16) == Some('#'),
            "{cut}"
        );
        assert_eq!(cut, bounded(&long, 254), "deterministic");
        assert_ne!(cut, bounded(&format!("{long}x"), 254));
        assert_eq!(bounded("\0\0", 512), "");
    }

    #[test]
    fn orders_reply_ids_newest_first() {
        assert_eq!(
            replies_to("<c@x>", "<a@x> <b@x>\r\n <c@x>"),
            vec!["c@x", "b@x", "a@x"]
        );
        assert_eq!(replies_to("", "<a@x>,<b@x>"), vec!["b@x", "a@x"]);
        assert_eq!(replies_to("c@x", ""), vec!["c@x"]);
        assert_eq!(replies_to("<>  < >", "garbage words"), Vec::<String>::new());
        assert_eq!(replies_to("<a@x> (comment)", "<a@x>"), vec!["a@x"]);
        assert_eq!(replies_to("<unterminated@x", ""), vec!["unterminated@x"]);
    }
}
