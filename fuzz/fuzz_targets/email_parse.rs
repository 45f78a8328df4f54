//! Raw RFC 5322 bytes through what ingest does with a mail before storing it:
//! `email::parse` (mail-parser, relay detection, quoted-reply stripping, the HTML sanitizer,
//! attachments) and then the classifier ingest runs on the subject and display text
//! (`aftersail_db::triage::read` → `classify::classify`).
//!
//! Invariants, beyond "no panic" (libfuzzer-sys aborts on any panic, including the ones
//! `parse` would catch and turn into its fallback):
//! * every string that is stored (or bound in a query, like the threading ids) has no NUL:
//!   PostgreSQL `text` refuses it, which would fail the whole ingest transaction and leave the
//!   mailbox stuck on this mail;
//! * values that go into btree indexes are bounded (PostgreSQL refuses index rows over
//!   ~2.7 kB): Message-ID and threading ids by `MAX_ID_BYTES`, the sender's address and
//!   name by `MAX_ADDRESS_BYTES`;
//! * the same bytes give the same message (dedup depends on it);
//! * the raw bytes are kept unchanged; the id is never empty;
//! * sanitized HTML has only allowed tags, no `on*` attributes, no script URLs, no CSS that
//!   runs or fetches anything; every `<` in it starts a tag;
//! * the classifier's confidence is a number in 0..=1.

#![no_main]

use aftersail_channels::email::parse::{parse, MAX_ADDRESS_BYTES};
use aftersail_channels::email::thread::MAX_ID_BYTES;
use aftersail_channels::InboundMessage;
use aftersail_domain::classify;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let m = parse(raw);
    assert_eq!(m.raw, raw, "raw bytes kept");
    assert_eq!(m.raw_content_type, "message/rfc822");
    assert!(!m.external_id.is_empty(), "an id, always");
    assert!(
        m.external_id.len() <= MAX_ID_BYTES,
        "external id of {} bytes",
        m.external_id.len()
    );
    assert!(
        m.from.address.len() <= MAX_ADDRESS_BYTES,
        "from of {} bytes",
        m.from.address.len()
    );
    let name = m.from.name.as_deref().unwrap_or("");
    assert!(
        name.len() <= MAX_ADDRESS_BYTES,
        "name of {} bytes",
        name.len()
    );
    for id in &m.thread.replies_to {
        assert!(
            id.len() <= MAX_ID_BYTES,
            "threading id of {} bytes",
            id.len()
        );
    }
    for (what, s) in stored_strings(&m) {
        assert!(!s.contains('\0'), "NUL in {what}: {s:?}");
    }

    // Deterministic (sent_at may fall back to "now").
    let again = parse(raw);
    assert_eq!(again.external_id, m.external_id);
    assert_eq!(again.subject, m.subject);
    assert_eq!(again.body_text, m.body_text);
    assert_eq!(again.display_text, m.display_text);
    assert_eq!(again.body_html, m.body_html);
    assert_eq!(again.thread, m.thread);

    if let Some(html) = &m.body_html {
        check_sanitized(html);
    }

    // What ingest classifies (triage::read): subject and the display text.
    let whole = if m.subject.trim().is_empty() {
        m.display_text.clone()
    } else {
        format!("{}\n{}", m.subject.trim(), m.display_text)
    };
    let c = classify::classify(&whole, m.language.as_deref());
    assert!(
        (0.0..=1.0).contains(&c.confidence),
        "confidence {}",
        c.confidence
    );
});

fn stored_strings(m: &InboundMessage) -> Vec<(&'static str, &str)> {
    let mut out = vec![
        ("channel", m.channel.as_str()),
        ("external_id", m.external_id.as_str()),
        ("from.address", m.from.address.as_str()),
        ("subject", m.subject.as_str()),
        ("body_text", m.body_text.as_str()),
        ("display_text", m.display_text.as_str()),
        (
            "thread.normalized_subject",
            m.thread.normalized_subject.as_str(),
        ),
    ];
    let optional = [
        ("from.name", m.from.name.as_deref()),
        ("reply_to", m.reply_to.as_deref()),
        ("body_html", m.body_html.as_deref()),
        ("language", m.language.as_deref()),
        ("order_external_id", m.order_external_id.as_deref()),
        ("conversation", m.conversation.as_deref()),
    ];
    out.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
    out.extend(
        m.thread
            .replies_to
            .iter()
            .map(|id| ("thread.replies_to", id.as_str())),
    );
    for a in &m.attachments {
        out.push(("attachment.filename", a.filename.as_str()));
        out.push(("attachment.content_type", a.content_type.as_str()));
        if let Some(id) = &a.content_id {
            out.push(("attachment.content_id", id.as_str()));
        }
    }
    out
}

/// Tags the sanitizer keeps (`email::sanitize`'s allowlist).
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "span",
    "b",
    "i",
    "u",
    "s",
    "strong",
    "em",
    "small",
    "sub",
    "sup",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "colgroup",
    "col",
    "blockquote",
    "pre",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "img",
    "a",
    "font",
    "center",
];

/// Walks the serialized HTML tag by tag (html5ever writes attributes as `name="value"` with
/// `"` and `&` escaped, text with `<` escaped) and checks each tag and attribute.
fn check_sanitized(html: &str) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let tag = &rest[lt + 1..];
        let (closing, tag) = match tag.strip_prefix('/') {
            Some(t) => (true, t),
            None => (false, tag),
        };
        let name_len = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        assert!(
            ALLOWED_TAGS.contains(&name),
            "`<` not starting an allowed tag ({name:?}) in {html}"
        );
        let mut attrs = &tag[name_len..];
        loop {
            attrs = attrs.trim_start_matches(' ');
            if let Some(after) = attrs.strip_prefix('>') {
                rest = after;
                break;
            }
            assert!(!closing, "attributes on a closing tag in {html}");
            let eq = attrs
                .find('=')
                .unwrap_or_else(|| panic!("attribute without value in {html}"));
            let attr = &attrs[..eq];
            assert!(
                !attr.is_empty() && attr.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "odd attribute name {attr:?} in {html}"
            );
            let value_and_rest = attrs[eq + 1..]
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("unquoted attribute in {html}"));
            let end = value_and_rest
                .find('"')
                .unwrap_or_else(|| panic!("unterminated attribute in {html}"));
            check_attribute(name, attr, &unescape(&value_and_rest[..end]), html);
            attrs = &value_and_rest[end + 1..];
        }
    }
}

fn check_attribute(tag: &str, attr: &str, value: &str, html: &str) {
    assert!(!attr.starts_with("on"), "event handler {attr} in {html}");
    let allowed = matches!(
        (tag, attr),
        (_, "style" | "dir" | "lang")
            | ("a", "href" | "title" | "rel")
            | ("img", "src" | "alt" | "width" | "height" | "title")
            | (
                "td" | "th",
                "colspan" | "rowspan" | "align" | "valign" | "width"
            )
            | (
                "table",
                "width" | "border" | "cellpadding" | "cellspacing" | "align"
            )
            | ("font", "color" | "size")
    );
    assert!(allowed, "attribute {attr} on <{tag}> in {html}");
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if matches!(attr, "href" | "src") {
        let scheme = squeezed.split_once(':').map(|(s, _)| s);
        let ok = match attr {
            "href" => matches!(scheme, Some("http" | "https" | "mailto" | "tel")),
            _ => matches!(scheme, Some("http" | "https" | "cid")),
        };
        assert!(ok, "{attr}={value:?} in {html}");
    }
    if attr == "style" {
        let css = value.to_ascii_lowercase();
        for bad in [
            "expression",
            "javascript",
            "url(",
            "behavior",
            "-moz-binding",
            "@import",
        ] {
            assert!(!css.contains(bad), "style {value:?} in {html}");
        }
    }
}

/// The entities html5ever's serializer writes in attribute values.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}
