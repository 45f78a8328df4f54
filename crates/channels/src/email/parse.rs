//! Raw RFC 5322 mail → [`InboundMessage`].
//!
//! [`parse`] never fails and never panics: whatever arrives on a mailbox has to become a
//! message an agent can look at, and the IMAP cursor must move past it. Missing pieces get
//! deterministic stand-ins (a `sha256-…` id, a date from `Received:`), so parsing the same
//! bytes twice gives the same message and deduplication keeps working.
//!
//! Strings are stripped of NUL characters, which PostgreSQL `text` cannot store.

use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use mail_parser::{HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::{automated, quote, relay, sanitize, thread};
use crate::{InboundAttachment, InboundMessage, Party, ThreadHints};

/// The longest sender address (RFC 5321's limit) and display name kept as written; longer
/// ones are [`thread::bounded`], as both go into index keys (customer identity and name).
pub const MAX_ADDRESS_BYTES: usize = 254;

/// Parses one mail. Infallible: garbage gives a message whose body is the input as lossy
/// UTF-8.
pub fn parse(raw: &[u8]) -> InboundMessage {
    // mail-parser promises not to panic; this guard keeps a bug there (or here) from taking
    // the poller down with it.
    catch_unwind(AssertUnwindSafe(|| {
        MessageParser::default()
            .parse(raw)
            .map(|message| from_message(raw, &message))
    }))
    .ok()
    .flatten()
    .unwrap_or_else(|| fallback(raw))
}

/// The stable id of a mail without a usable Message-ID: same bytes, same id.
pub fn synthetic_id(raw: &[u8]) -> String {
    format!("sha256-{}", hex::encode(Sha256::digest(raw)))
}

/// What unparseable input becomes: the bytes as text, nothing else known.
fn fallback(raw: &[u8]) -> InboundMessage {
    let body_text = clean(&String::from_utf8_lossy(raw).replace("\r\n", "\n"));
    InboundMessage {
        channel: "email".into(),
        external_id: synthetic_id(raw),
        from: Party::default(),
        reply_to: None,
        subject: String::new(),
        display_text: quote::strip(&body_text),
        body_text,
        body_html: None,
        language: None,
        // Nothing in the bytes says when: the time we saw it is the best there is.
        sent_at: Utc::now(),
        thread: ThreadHints::default(),
        order_external_id: None,
        conversation: None,
        automated: None,
        attachments: Vec::new(),
        raw: raw.to_vec(),
        raw_content_type: "message/rfc822",
    }
}

fn from_message(raw: &[u8], message: &Message<'_>) -> InboundMessage {
    let external_id = message_id(message).unwrap_or_else(|| synthetic_id(raw));
    let from = sender(message);
    let relay = relay::classify(&from.address);
    let reply_to = reply_to(message, &from, relay);
    let subject = clean(subject(message).trim());

    let body_text = body_text(message);
    // Relay mail frames the buyer's words in boilerplate: show only those.
    let display_text = match relay {
        Some(relay::Relay::Amazon { .. }) => relay::amazon_message_text(&body_text)
            .map(|text| quote::strip(&text))
            .unwrap_or_else(|| quote::strip(&body_text)),
        _ => quote::strip(&body_text),
    };
    let body_html = body_html(message);

    let thread = thread::hints(
        &subject,
        message.header_raw("In-Reply-To").unwrap_or(""),
        message.header_raw("References").unwrap_or(""),
    );

    let order_external_id = match relay {
        Some(relay::Relay::Amazon { .. }) => {
            relay::amazon_order_id(&subject).or_else(|| relay::amazon_order_id(&body_text))
        }
        Some(relay::Relay::Ebay) => {
            relay::ebay_order_id(&subject).or_else(|| relay::ebay_order_id(&body_text))
        }
        None => relay::amazon_order_id(&subject),
    };

    let headers: Vec<(&str, &str)> = message.headers_raw().collect();
    let automated = automated::classify(&automated::Signals {
        headers: &headers,
        from: &from.address,
        subject: &subject,
        relay: relay.is_some(),
    });

    InboundMessage {
        channel: relay.map_or("email", relay::Relay::channel).into(),
        external_id,
        from,
        reply_to,
        subject,
        body_text,
        display_text,
        body_html,
        language: language(message),
        sent_at: sent_at(message),
        thread,
        order_external_id,
        conversation: None,
        automated,
        attachments: attachments(message),
        raw: raw.to_vec(),
        raw_content_type: "message/rfc822",
    }
}

/// The first Subject header (duplicates happen; clients show the first).
fn subject<'a>(message: &'a Message<'_>) -> &'a str {
    message
        .header_values(HeaderName::Subject)
        .find_map(|v| v.as_text())
        .unwrap_or("")
}

/// The Message-ID without `<>`, from the raw header so odd values are kept as sent.
fn message_id(message: &Message<'_>) -> Option<String> {
    let raw = message.header_raw("Message-ID")?;
    let id = thread::message_ids(raw).into_iter().next().or_else(|| {
        raw.split_whitespace()
            .next()
            .map(|w| thread::bounded(w, thread::MAX_ID_BYTES))
    })?;
    let id = clean(id.trim_matches(|c| c == '<' || c == '>').trim());
    (!id.is_empty()).then_some(id)
}

fn sender(message: &Message<'_>) -> Party {
    let addr = message
        .from()
        .or_else(|| message.sender())
        .and_then(|a| a.first());
    let address = addr
        .and_then(|a| a.address())
        .map(address)
        .filter(|a| !a.is_empty())
        .or_else(|| message.return_address().map(address))
        .unwrap_or_default();
    let name = addr
        .and_then(|a| a.name())
        .map(|n| thread::bounded(n.trim(), MAX_ADDRESS_BYTES))
        .filter(|n| !n.is_empty());
    Party { address, name }
}

/// An address as customers are known by it: trimmed, lower case, [`thread::bounded`] by
/// [`MAX_ADDRESS_BYTES`] (it is part of an index key).
fn address(raw: &str) -> String {
    thread::bounded(&raw.trim().to_lowercase(), MAX_ADDRESS_BYTES)
}

/// Reply-To when it differs from From; for relay mail, the relay alias (answers must go
/// back through the marketplace).
fn reply_to(message: &Message<'_>, from: &Party, relay: Option<relay::Relay>) -> Option<String> {
    let header = message
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| clean(a.trim()).to_lowercase())
        .filter(|a| !a.is_empty());
    if relay.is_some() {
        return header
            .filter(|a| relay::classify(a).is_some())
            .or_else(|| Some(from.address.clone()));
    }
    header.filter(|a| *a != from.address)
}

/// Every inline text part, HTML ones turned into text, joined; line ends normalised.
fn body_text(message: &Message<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for id in &message.text_body {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(text) => parts.push(text.replace("\r\n", "\n")),
            PartType::Html(html) => parts.push(sanitize::html_to_text(html)),
            _ => {}
        }
    }
    clean(parts.join("\n").trim_end())
}

/// The HTML parts, sanitized; `None` when the mail has no real HTML part.
fn body_html(message: &Message<'_>) -> Option<String> {
    let html: Vec<&str> = message
        .html_body
        .iter()
        .filter_map(|id| match &message.parts.get(*id as usize)?.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    if html.is_empty() {
        return None;
    }
    Some(sanitize::sanitize(&html.join("\n")).trim().to_string())
}

fn language(message: &Message<'_>) -> Option<String> {
    let raw = message.header_raw("Content-Language")?;
    let tag = raw.split(',').next()?.trim();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| tag.to_string())
}

/// The Date header; else the newest `Received:` date; else now (documented last resort:
/// nothing in the mail says when it was sent).
fn sent_at(message: &Message<'_>) -> DateTime<Utc> {
    let to_chrono = |d: &mail_parser::DateTime| {
        if d.is_valid() {
            DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0)
        } else {
            None
        }
    };
    message
        .date()
        .and_then(to_chrono)
        .or_else(|| {
            message
                .received_all()
                .filter_map(|r| r.date())
                .filter_map(|d| to_chrono(&d))
                .max()
        })
        .unwrap_or_else(Utc::now)
}

fn attachments(message: &Message<'_>) -> Vec<InboundAttachment> {
    message
        .attachments
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .enumerate()
        .filter_map(|(i, part)| attachment(i + 1, part))
        .collect()
}

fn attachment(n: usize, part: &MessagePart<'_>) -> Option<InboundAttachment> {
    let (bytes, default_type): (Vec<u8>, &str) = match &part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) => (b.to_vec(), "application/octet-stream"),
        PartType::Text(t) => (t.as_bytes().to_vec(), "text/plain"),
        PartType::Html(h) => (h.as_bytes().to_vec(), "text/html"),
        PartType::Message(m) => (m.raw_message().to_vec(), "message/rfc822"),
        PartType::Multipart(_) => return None,
    };
    let nested = matches!(part.body, PartType::Message(_));
    let content_type = if nested {
        "message/rfc822".to_string()
    } else {
        part.content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .map(|ct| clean(ct.trim()).to_ascii_lowercase())
            .filter(|ct| ct.contains('/') && !ct.contains(char::is_whitespace))
            .unwrap_or_else(|| default_type.to_string())
    };
    let content_id = part
        .content_id()
        .map(|id| clean(id.trim().trim_matches(|c| c == '<' || c == '>').trim()))
        .filter(|id| !id.is_empty());
    let disposition = part.content_disposition();
    let inline = disposition.is_some_and(|d| d.is_inline())
        || (content_id.is_some() && !disposition.is_some_and(|d| d.is_attachment()));

    let mut filename = part
        .attachment_name()
        .map(safe_filename)
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| {
            let stem = match &part.body {
                PartType::Message(m) => m
                    .subject()
                    .map(safe_filename)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("attachment-{n}")),
                _ => format!("attachment-{n}"),
            };
            format!("{stem}.{}", extension_for(&content_type))
        });
    if nested && !filename.to_ascii_lowercase().ends_with(".eml") {
        filename.push_str(".eml");
    }
    Some(InboundAttachment {
        filename,
        content_type,
        content_id,
        inline,
        bytes,
    })
}

/// A file name safe to store and offer for download: no directories, no control characters,
/// at most 255 bytes.
fn safe_filename(name: &str) -> String {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    let base = base.trim().trim_start_matches('.').trim();
    let mut out = String::new();
    for c in base.chars() {
        if out.len() + c.len_utf8() > 255 {
            break;
        }
        out.push(c);
    }
    out
}

/// A file extension for a content type, for attachments that come without a name.
pub fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "image/bmp" => "bmp",
        "image/tiff" => "tif",
        "image/svg+xml" => "svg",
        "text/plain" => "txt",
        "text/html" => "html",
        "text/csv" => "csv",
        "text/calendar" => "ics",
        "message/rfc822" => "eml",
        "message/delivery-status" | "message/global-delivery-status" => "txt",
        "text/rfc822-headers" | "message/rfc822-headers" => "txt",
        "application/zip" => "zip",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "video/mp4" => "mp4",
        "audio/mpeg" => "mp3",
        _ => "bin",
    }
}

/// Drops NUL characters (PostgreSQL `text` rejects them).
fn clean(s: &str) -> String {
    if s.contains('\0') {
        s.replace('\0', "")
    } else {
        s.to_string()
    }
}
