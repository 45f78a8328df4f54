//! Recognises mail written by machines: bounces, auto-replies and bulk/list mail. Rules and
//! auto-replies never answer these, which is what stops mail loops.
//!
//! Precedence when several signals are present: bounce, then auto-reply, then bulk.

use crate::Automated;

/// What the classifier looks at, taken from the top-level header of a mail.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    /// Every top-level header as (name, raw value); names compare case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    /// The sender address (lower-cased or not).
    pub from: &'a str,
    /// The decoded subject.
    pub subject: &'a str,
    /// The mail came through a marketplace relay (Amazon/eBay). Relay mail carries bulk-ish
    /// headers even for plain buyer messages, so only bounce and auto-reply signals count.
    pub relay: bool,
}

/// Subjects of vacation and auto-reply notices, lower-cased, matched as a prefix.
const VACATION_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "abwesenheitsnotiz",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "risposta automatica",
    "fuori ufficio",
    "automatisch antwoord",
    "afwezig",
    "autosvar",
    "automatyczna odpowiedź",
    "resposta automática",
    "自动回复",
    "自動回覆",
    "自動回复",
    "自動返信",
    "自動応答",
    "不在",
];

/// Classifies a mail; `None` for mail written by a person.
pub fn classify(s: &Signals<'_>) -> Option<Automated> {
    let header = |name: &str| -> Option<String> {
        s.headers
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    let has = |name: &str| header(name).is_some();

    // Bounces.
    if let Some(ct) = header("content-type") {
        let compact: String = ct
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect();
        if compact.starts_with("multipart/report")
            && compact.contains("report-type=delivery-status")
        {
            return Some(Automated::Bounce);
        }
    }
    let local = s
        .from
        .trim()
        .trim_start_matches('<')
        .rsplit_once('@')
        .map(|(l, _)| l.to_ascii_lowercase())
        .unwrap_or_default();
    if local == "mailer-daemon" || local == "postmaster" || has("x-failed-recipients") {
        return Some(Automated::Bounce);
    }

    // Auto-replies.
    let auto_submitted = header("auto-submitted");
    if auto_submitted
        .as_deref()
        .is_some_and(|v| v.starts_with("auto-replied"))
        || has("x-autoreply")
        || has("x-autorespond")
        || header("precedence").is_some_and(|v| v.starts_with("auto_reply"))
    {
        return Some(Automated::AutoReply);
    }
    let subject = s.subject.trim().to_lowercase();
    let vacation_prefix = VACATION_SUBJECTS.iter().any(|p| subject.starts_with(p));
    let vacation_anywhere = VACATION_SUBJECTS.iter().any(|p| subject.contains(p));
    let suppress_oof = header("x-auto-response-suppress")
        .is_some_and(|v| v.split(',').any(|t| matches!(t.trim(), "all" | "oof")));
    if vacation_prefix || (suppress_oof && vacation_anywhere) {
        return Some(Automated::AutoReply);
    }

    if s.relay {
        return None;
    }

    // Bulk and list mail.
    if header("precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "list" | "junk"))
        || has("list-id")
        || has("list-unsubscribe")
        || auto_submitted.is_some_and(|v| v != "no" && !v.starts_with("no;") && !v.is_empty())
    {
        return Some(Automated::Bulk);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(headers: &[(&str, &str)], from: &str, subject: &str, relay: bool) -> Option<Automated> {
        classify(&Signals {
            headers,
            from,
            subject,
            relay,
        })
    }

    /// (headers, from, subject, relay, expected)
    type Case<'a> = (
        &'a [(&'a str, &'a str)],
        &'a str,
        &'a str,
        bool,
        Option<Automated>,
    );

    #[test]
    fn table() {
        use Automated::*;
        let person = "anna@example.com";
        let cases: &[Case<'_>] = &[
            (&[], person, "Where is my parcel?", false, None),
            (&[("Auto-Submitted", "no")], person, "Hello", false, None),
            (
                &[("Auto-Submitted", "auto-replied")],
                person,
                "Hi",
                false,
                Some(AutoReply),
            ),
            (
                &[("auto-submitted", "Auto-Replied (vacation)")],
                person,
                "Hi",
                false,
                Some(AutoReply),
            ),
            (
                &[("X-Autoreply", "yes")],
                person,
                "Hi",
                false,
                Some(AutoReply),
            ),
            (
                &[("X-Autorespond", "Out")],
                person,
                "Hi",
                false,
                Some(AutoReply),
            ),
            (
                &[("Precedence", "auto_reply")],
                person,
                "Hi",
                false,
                Some(AutoReply),
            ),
            (
                &[],
                person,
                "Out of Office: back Monday",
                false,
                Some(AutoReply),
            ),
            (
                &[],
                person,
                "Automatic reply: Your order",
                false,
                Some(AutoReply),
            ),
            (
                &[],
                person,
                "Abwesenheitsnotiz: Bestellung",
                false,
                Some(AutoReply),
            ),
            (&[], person, "自动回复: 订单", false, Some(AutoReply)),
            (
                &[],
                person,
                "Réponse automatique : commande",
                false,
                Some(AutoReply),
            ),
            (
                &[("X-Auto-Response-Suppress", "All")],
                person,
                "RE: order - Out of Office",
                false,
                Some(AutoReply),
            ),
            (
                &[("X-Auto-Response-Suppress", "DR, OOF")],
                person,
                "Re: automatic reply",
                false,
                Some(AutoReply),
            ),
            // Suppress alone (Outlook sets it on plenty of human mail) is not enough.
            (
                &[("X-Auto-Response-Suppress", "All")],
                person,
                "RE: refund please",
                false,
                None,
            ),
            // A vacation word in the middle of a human subject is not enough on its own.
            (
                &[],
                person,
                "My parcel arrived while I was out of office",
                false,
                None,
            ),
            (
                &[(
                    "Content-Type",
                    "multipart/report; report-type=delivery-status;\r\n boundary=\"x\"",
                )],
                person,
                "Undelivered",
                false,
                Some(Bounce),
            ),
            (
                &[(
                    "Content-Type",
                    "multipart/report; report-type=\"delivery-status\"",
                )],
                person,
                "x",
                false,
                Some(Bounce),
            ),
            (
                &[(
                    "Content-Type",
                    "multipart/report; report-type=disposition-notification",
                )],
                person,
                "Read",
                false,
                None,
            ),
            (
                &[],
                "MAILER-DAEMON@mx.example.net",
                "Undeliverable",
                false,
                Some(Bounce),
            ),
            (
                &[],
                "postmaster@example.net",
                "Delivery failure",
                false,
                Some(Bounce),
            ),
            (&[], "postmaster-team@example.net", "Hello", false, None),
            (
                &[("X-Failed-Recipients", "a@b.c")],
                person,
                "x",
                false,
                Some(Bounce),
            ),
            (&[("Precedence", "bulk")], person, "News", false, Some(Bulk)),
            (&[("Precedence", "List")], person, "News", false, Some(Bulk)),
            (&[("Precedence", "junk")], person, "News", false, Some(Bulk)),
            (
                &[("Precedence", "first-class")],
                person,
                "News",
                false,
                None,
            ),
            (
                &[("List-Id", "<shop.lists.example.com>")],
                person,
                "News",
                false,
                Some(Bulk),
            ),
            (
                &[("List-Unsubscribe", "<mailto:u@x>")],
                person,
                "News",
                false,
                Some(Bulk),
            ),
            (
                &[("Auto-Submitted", "auto-generated")],
                person,
                "Report",
                false,
                Some(Bulk),
            ),
            (
                &[("Auto-Submitted", "auto-notified")],
                person,
                "Report",
                false,
                Some(Bulk),
            ),
            // Relay buyer messages with bulk-looking headers stay human.
            (
                &[("Precedence", "bulk"), ("Auto-Submitted", "auto-generated")],
                "x1@marketplace.amazon.com",
                "Inquiry from Amazon customer",
                true,
                None,
            ),
            (
                &[("X-Autoreply", "yes")],
                "x1@marketplace.amazon.com",
                "Auto",
                true,
                Some(AutoReply),
            ),
            // Bounce wins over auto-reply and bulk.
            (
                &[
                    ("Auto-Submitted", "auto-replied"),
                    ("X-Failed-Recipients", "a@b"),
                ],
                person,
                "x",
                false,
                Some(Bounce),
            ),
            (
                &[("Auto-Submitted", "auto-replied"), ("List-Id", "<l>")],
                person,
                "x",
                false,
                Some(AutoReply),
            ),
        ];
        for (headers, from, subject, relay, expected) in cases {
            assert_eq!(
                run(headers, from, subject, *relay),
                *expected,
                "{headers:?} {from} {subject}"
            );
        }
    }
}
