//! Marketplace buyer–seller messaging relays: Amazon and eBay forward buyer messages by mail
//! from an anonymised alias. Recognising the sender decides the channel (`amazon`/`ebay`),
//! where answers go (the alias) and which order the message is about.

use std::sync::LazyLock;

use regex::Regex;

/// Which relay a sender address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relay {
    /// `…@marketplace.amazon.<tld>`; `marketplace_tld` is the part after `amazon.` (`de`, `co.jp`).
    Amazon { marketplace_tld: &'static str },
    /// `…@members.ebay.<tld>`.
    Ebay,
}

impl Relay {
    /// The channel name messages from this relay belong to.
    pub fn channel(self) -> &'static str {
        match self {
            Self::Amazon { .. } => "amazon",
            Self::Ebay => "ebay",
        }
    }
}

/// Amazon marketplaces running buyer–seller messaging (the part after `marketplace.amazon.`).
pub const AMAZON_TLDS: &[&str] = &[
    "com", "ca", "com.mx", "com.br", "co.uk", "de", "fr", "it", "es", "nl", "se", "pl", "com.be",
    "com.tr", "ae", "sa", "eg", "in", "co.jp", "com.au", "sg",
];

/// eBay sites whose member relay we recognise (the part after `members.ebay.`).
pub const EBAY_TLDS: &[&str] = &[
    "com", "co.uk", "de", "fr", "it", "es", "com.au", "ca", "at", "ch", "ie", "nl", "be", "pl",
];

/// Classifies a sender address. The domain must match exactly (case-insensitive): lookalikes
/// such as `marketplace.amazon.com.evil.example`, `x@evil.marketplace.amazon.com` or
/// `"amazon.com@evil"` are not relays.
pub fn classify(address: &str) -> Option<Relay> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = address.rsplit_once('@')?;
    // The local part of a relay alias is a plain token; anything exotic is not a relay.
    if local.is_empty()
        || local.contains('@')
        || !local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-_.=".contains(c))
    {
        return None;
    }
    let domain = domain.to_ascii_lowercase();
    if let Some(tld) = domain.strip_prefix("marketplace.amazon.") {
        return AMAZON_TLDS
            .iter()
            .find(|t| **t == tld)
            .map(|t| Relay::Amazon { marketplace_tld: t });
    }
    if let Some(tld) = domain.strip_prefix("members.ebay.") {
        return EBAY_TLDS.contains(&tld).then_some(Relay::Ebay);
    }
    None
}

static AMAZON_ORDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{3}-\d{7}-\d{7}\b").expect("valid regex"));
static EBAY_ORDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{2}-\d{5}-\d{5}\b").expect("valid regex"));

/// The first Amazon order id (`123-1234567-1234567`) in `text`, not part of a longer number.
pub fn amazon_order_id(text: &str) -> Option<String> {
    first_standalone(&AMAZON_ORDER, text)
}

/// The first eBay order number (`12-34567-89012`) in `text`, not part of a longer number.
pub fn ebay_order_id(text: &str) -> Option<String> {
    first_standalone(&EBAY_ORDER, text)
}

/// `\b` still lets `1-123-1234567-1234567-9` match in the middle; require that the match is
/// not glued to further digit groups by hyphens either.
fn first_standalone(re: &Regex, text: &str) -> Option<String> {
    re.find_iter(text)
        .find(|m| {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let glued_before = before == Some('-')
                && text[..m.start() - 1]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_digit());
            let glued_after = after == Some('-')
                && text[m.end() + 1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit());
            !glued_before && !glued_after
        })
        .map(|m| m.as_str().to_string())
}

/// The buyer's own words in an Amazon relay mail: Amazon frames them between
/// `------------- Message: -------------` and `------------- End message -------------`
/// (localised: `Nachricht:`/`Ende der Nachricht`, `Message :`/`Fin du message`, …) and adds
/// boilerplate around. `None` when the frame is not there.
pub fn amazon_message_text(body: &str) -> Option<String> {
    let is_rule = |line: &str| {
        let t = line.trim();
        t.starts_with("----") && t.ends_with("----")
    };
    let lines: Vec<&str> = body.lines().collect();
    let start = lines.iter().position(|l| is_rule(l) && l.contains(':'))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| is_rule(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let text = lines[start + 1..end].join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_relay_senders_exactly() {
        let cases: &[(&str, Option<Relay>)] = &[
            (
                "abc123xyz@marketplace.amazon.com",
                Some(Relay::Amazon {
                    marketplace_tld: "com",
                }),
            ),
            (
                "<0kq2m9x4v1@Marketplace.Amazon.DE>",
                Some(Relay::Amazon {
                    marketplace_tld: "de",
                }),
            ),
            (
                "q7r@marketplace.amazon.co.jp",
                Some(Relay::Amazon {
                    marketplace_tld: "co.jp",
                }),
            ),
            (
                "q7r@marketplace.amazon.com.mx",
                Some(Relay::Amazon {
                    marketplace_tld: "com.mx",
                }),
            ),
            (
                "q7r@marketplace.amazon.sg",
                Some(Relay::Amazon {
                    marketplace_tld: "sg",
                }),
            ),
            ("buyer-x1@members.ebay.com", Some(Relay::Ebay)),
            ("buyer-x1@members.ebay.co.uk", Some(Relay::Ebay)),
            ("buyer-x1@members.ebay.ch", Some(Relay::Ebay)),
            // Lookalikes and near misses.
            ("x@marketplace.amazon.com.evil.example", None),
            ("x@evil.marketplace.amazon.com", None),
            ("x@marketplace-amazon.com", None),
            ("x@marketplace.amazon.cn", None),
            ("x@amazon.com", None),
            ("\"amazon.com@evil\"@example.org", None),
            ("marketplace.amazon.com@evil.example", None),
            ("x@marketplace.amazon.com@evil.example", None),
            ("@marketplace.amazon.com", None),
            ("x@members.ebay.com.evil.example", None),
            ("x@ebay.com", None),
            ("x@members.ebay.cn", None),
            ("", None),
            ("no-at-sign", None),
        ];
        for (address, expected) in cases {
            assert_eq!(classify(address), *expected, "{address}");
        }
    }

    #[test]
    fn finds_order_ids() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                "Inquiry from buyer about order 111-2223334-5556667",
                Some("111-2223334-5556667"),
                None,
            ),
            (
                "Bestellung: 302-1234567-7654321.",
                Some("302-1234567-7654321"),
                None,
            ),
            ("1111-2223334-5556667", None, None),
            ("111-2223334-55566678", None, None),
            ("9-111-2223334-5556667", None, None),
            (
                "eBay order 12-34567-89012 shipped",
                None,
                Some("12-34567-89012"),
            ),
            ("(12-34567-89012)", None, Some("12-34567-89012")),
            ("123-34567-89012", None, None),
            ("nothing here 12345", None, None),
            ("", None, None),
        ];
        for (text, amazon, ebay) in cases {
            assert_eq!(amazon_order_id(text).as_deref(), *amazon, "{text}");
            assert_eq!(ebay_order_id(text).as_deref(), *ebay, "{text}");
        }
    }

    #[test]
    fn extracts_amazon_message_frame() {
        let body = "------------- Message: -------------\n\nHello, where is it?\nThanks\n\n------------- End message -------------\n\nFor Your Information: boilerplate";
        assert_eq!(
            amazon_message_text(body).as_deref(),
            Some("Hello, where is it?\nThanks")
        );
        let de = "------------- Nachricht: -------------\nHallo\n------------- Ende der Nachricht -------------";
        assert_eq!(amazon_message_text(de).as_deref(), Some("Hallo"));
        assert_eq!(amazon_message_text("plain text\n-----\n"), None);
        assert_eq!(
            amazon_message_text("---- Message: ----\n\n---- End ----"),
            None
        );
        assert_eq!(
            amazon_message_text("---- Message: ----\nunterminated"),
            Some("unterminated".into())
        );
    }
}
