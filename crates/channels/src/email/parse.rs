//! TEMPORARY minimal parser so the transport builds and its tests run; the real one (threading,
//! relay, automated mail, quotes, HTML) replaces this file at merge. Same signature.

use chrono::{DateTime, Utc};
use mail_parser::MessageParser;
use sha2::{Digest, Sha256};

use crate::{InboundMessage, Party, ThreadHints};

/// RFC 5322 bytes → [`InboundMessage`]. Never fails: unreadable parts come out empty.
pub fn parse(raw: &[u8]) -> InboundMessage {
    let parsed = MessageParser::default().parse(raw);
    let message = parsed.as_ref();
    let external_id = message
        .and_then(|m| m.message_id())
        .map(str::to_string)
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw))));
    let from = message
        .and_then(|m| m.from())
        .and_then(|a| a.first())
        .map(|a| Party {
            address: a.address().unwrap_or_default().to_lowercase(),
            name: a.name().map(str::to_string),
        })
        .unwrap_or_default();
    let subject = message
        .and_then(|m| m.subject())
        .unwrap_or_default()
        .to_string();
    let body_text = message
        .and_then(|m| m.body_text(0))
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let sent_at = message
        .and_then(|m| m.date())
        .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0))
        .unwrap_or_else(Utc::now);
    InboundMessage {
        channel: "email".into(),
        external_id,
        from,
        reply_to: None,
        subject,
        display_text: body_text.clone(),
        body_text,
        body_html: None,
        language: None,
        sent_at,
        thread: ThreadHints::default(),
        order_external_id: None,
        automated: None,
        attachments: Vec::new(),
        raw: raw.to_vec(),
        raw_content_type: "message/rfc822",
    }
}
