//! Message API: buyer conversations (`getConversations` with
//! `conversation_type=FROM_MEMBERS`, paged, in a time window), their messages
//! (`getConversation`, paged), the mapping of a message to [`InboundMessage`], and
//! `sendMessage` for replies.
//!
//! Messages the seller sent are skipped (they are our own replies, or the seller's from
//! Seller Hub). Attachments (`messageMedia`) are links eBay hosts; they are listed at the
//! end of the text rather than downloaded.
//!
//! Replies: into `Outbound.conversation` when it is an eBay conversation id; otherwise a
//! new conversation with the buyer (`Outbound.to`, or the order's buyer), tied to the
//! order's first listing (the API references listings, not orders). `sendMessage` has no
//! idempotency key: before sending, the conversation's recent messages (or the buyer's
//! conversations' latest ones) are searched for the same text sent by us within the last
//! hour, and a match is returned instead of sending twice.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::fields::{self, text, Paging};
use super::http::{url, Api, Call};
use super::SYNTHETIC_CONVERSATION_PREFIX;
use crate::{ConnectorError, InboundMessage, Outbound, Party, Sent, ThreadHints};

/// The conversations API's only type we read: buyers and other members.
pub const FROM_MEMBERS: &str = "FROM_MEMBERS";
/// Messages per `getConversation` page (the API's maximum).
const MESSAGE_PAGE: u32 = 50;
/// A conversation longer than this many pages is read only this far per sweep.
const MAX_MESSAGE_PAGES: u64 = 20;
/// eBay's limit for `messageText`.
pub const MAX_TEXT: usize = 2000;

/// One page of conversations.
#[derive(Debug)]
pub struct ConversationsPage {
    pub conversations: Vec<Value>,
    pub paging: Paging,
}

/// `getConversations` for buyer conversations with messages in `[from, to]`.
pub async fn conversations(
    api: &Api,
    root: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    offset: u64,
    limit: u32,
) -> Result<ConversationsPage, ConnectorError> {
    let body = api
        .call(
            &Call::get("getConversations", url(root, &["conversation"]))
                .query("conversation_type", FROM_MEMBERS)
                .query("start_time", fields::format_time(from))
                .query("end_time", fields::format_time(to))
                .query("limit", limit.to_string())
                .query("offset", offset.to_string()),
        )
        .await?;
    Ok(ConversationsPage {
        conversations: list(&body, "conversations", "getConversations")?,
        paging: Paging::rest(&body),
    })
}

fn list(body: &Value, key: &str, what: &str) -> Result<Vec<Value>, ConnectorError> {
    match body.get(key) {
        Some(Value::Array(items)) => Ok(items.clone()),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(_) => Err(ConnectorError::Transient(format!(
            "eBay {what} answered {key} that is not a list"
        ))),
    }
}

/// Every message of a conversation (up to [`MAX_MESSAGE_PAGES`] pages).
pub async fn conversation_messages(
    api: &Api,
    root: &str,
    conversation_id: &str,
) -> Result<Vec<Value>, ConnectorError> {
    let mut out = Vec::new();
    let mut offset = 0u64;
    for _ in 0..MAX_MESSAGE_PAGES {
        let body = api
            .call(
                &Call::get(
                    "getConversation",
                    url(root, &["conversation", conversation_id]),
                )
                .query("conversation_type", FROM_MEMBERS)
                .query("limit", MESSAGE_PAGE.to_string())
                .query("offset", offset.to_string()),
            )
            .await?;
        let page = list(&body, "messages", "getConversation")?;
        let len = page.len();
        offset += len as u64;
        out.extend(page);
        if Paging::rest(&body).last_page(offset, len, MESSAGE_PAGE) || len < MESSAGE_PAGE as usize {
            break;
        }
    }
    Ok(out)
}

/// The buyer messages of one conversation, oldest first: not sent by `seller`, not older
/// than `not_before` (when their date is readable).
pub fn inbound_messages(
    conversation: &Value,
    messages: &[Value],
    seller: Option<&str>,
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<InboundMessage> {
    let Some(conversation_id) = text(conversation, "/conversationId") else {
        tracing::warn!("eBay conversation without conversationId skipped");
        return Vec::new();
    };
    let title = text(conversation, "/conversationTitle");
    let mut seen = HashSet::new();
    let mut out: Vec<InboundMessage> = messages
        .iter()
        // Older ones were read by earlier sweeps; an unreadable date is kept.
        .filter(|m| fields::time(m, "/createdDate").is_none_or(|t| t >= not_before))
        .filter_map(|m| to_inbound(conversation_id, title, m, seller, now))
        .filter(|m| seen.insert(m.external_id.clone()))
        .collect();
    out.sort_by_key(|m| m.sent_at);
    out
}

/// One message → [`InboundMessage`]; `None` for the seller's own or an id-less message.
pub fn to_inbound(
    conversation_id: &str,
    conversation_title: Option<&str>,
    message: &Value,
    seller: Option<&str>,
    now: DateTime<Utc>,
) -> Option<InboundMessage> {
    let message_id = text(message, "/messageId")?;
    let sender = text(message, "/senderUsername")?;
    if seller.is_some_and(|s| s.eq_ignore_ascii_case(sender)) {
        return None;
    }
    let mut body = message
        .get("messageBody")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned();
    if let Some(media) = message.get("messageMedia").and_then(Value::as_array) {
        for m in media {
            if let Some(link) = text(m, "/mediaUrl") {
                let name = text(m, "/mediaName").unwrap_or("attachment");
                body.push_str(&format!("\n[{name}: {link}]"));
            }
        }
    }
    let subject = text(message, "/subject")
        .or(conversation_title)
        .unwrap_or("eBay message")
        .to_owned();
    let sent_at = fields::time(message, "/createdDate").unwrap_or(now);
    Some(InboundMessage {
        channel: super::CHANNEL.to_owned(),
        external_id: message_id.to_owned(),
        from: Party {
            address: sender.to_lowercase(),
            name: Some(sender.to_owned()),
        },
        reply_to: None,
        thread: ThreadHints {
            normalized_subject: subject.to_lowercase(),
            ..ThreadHints::default()
        },
        subject,
        display_text: body.clone(),
        body_text: body,
        body_html: None,
        language: None,
        sent_at,
        order_external_id: None,
        conversation: Some(conversation_id.to_owned()),
        automated: None,
        attachments: Vec::new(),
        raw: serde_json::to_vec(message).unwrap_or_default(),
        raw_content_type: "application/json",
    })
}

/// Where a reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Conversation(String),
    /// A new conversation with this user, about this listing.
    NewConversation {
        username: String,
        listing: Option<String>,
    },
}

/// The eBay conversation an outbound message answers, if it names one.
pub fn existing_conversation(message: &Outbound) -> Option<&str> {
    message
        .conversation
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.starts_with(SYNTHETIC_CONVERSATION_PREFIX))
}

/// Checks what eBay cannot carry, before anything is sent.
pub fn check_outbound(message: &Outbound) -> Result<String, ConnectorError> {
    if !message.attachments.is_empty() {
        return Err(ConnectorError::Permanent(
            "eBay messages take only links to media eBay or the seller hosts; send the reply without attachments".into(),
        ));
    }
    let text = message.body_text.trim();
    if text.is_empty() {
        return Err(ConnectorError::Permanent(
            "eBay message text is empty".into(),
        ));
    }
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(ConnectorError::Permanent(format!(
            "eBay messages hold at most {MAX_TEXT} characters; this one has {length}"
        )));
    }
    Ok(text.to_owned())
}

/// A message we sent recently with the same text, in a list of eBay messages. Ours: sent
/// by `seller` when known, else not by `buyer`.
pub fn already_sent<'a>(
    messages: impl IntoIterator<Item = &'a Value>,
    text_sent: &str,
    seller: Option<&str>,
    buyer: Option<&str>,
    now: DateTime<Utc>,
) -> Option<String> {
    messages.into_iter().find_map(|m| {
        let id = text(m, "/messageId")?;
        let sender = text(m, "/senderUsername")?;
        let ours = match (seller, buyer) {
            (Some(s), _) => s.eq_ignore_ascii_case(sender),
            (None, Some(b)) => !b.eq_ignore_ascii_case(sender),
            (None, None) => true,
        };
        let recent = fields::time(m, "/createdDate").is_some_and(|t| now - t <= Duration::hours(1));
        let same = m.get("messageBody").and_then(Value::as_str).map(str::trim) == Some(text_sent);
        (ours && recent && same).then(|| id.to_owned())
    })
}

/// `sendMessage`; returns the new message's id, and the sender's user name (ours) when
/// eBay says it.
pub async fn send(
    api: &Api,
    root: &str,
    target: &Target,
    message_text: &str,
) -> Result<(Sent, Option<String>), ConnectorError> {
    let body = match target {
        Target::Conversation(id) => json!({ "conversationId": id, "messageText": message_text }),
        Target::NewConversation { username, listing } => {
            let mut body = json!({ "otherPartyUsername": username, "messageText": message_text });
            if let Some(listing) = listing {
                body["reference"] = json!({ "referenceType": "LISTING", "referenceId": listing });
            }
            body
        }
    };
    let answer = api
        .call(&Call::post(
            "sendMessage",
            url(root, &["send_message"]),
            &body,
        ))
        .await?;
    let id = text(&answer, "/messageId").ok_or_else(|| {
        ConnectorError::Permanent("eBay sendMessage answered without a messageId".into())
    })?;
    Ok((
        Sent {
            external_id: id.to_owned(),
        },
        text(&answer, "/senderUserName").map(str::to_owned),
    ))
}

/// The first page of a conversation's messages and the buyer's conversations, for the
/// duplicate check before sending.
pub async fn recent_for(
    api: &Api,
    root: &str,
    target: &Target,
) -> Result<Vec<Value>, ConnectorError> {
    match target {
        Target::Conversation(id) => {
            let body = api
                .call(
                    &Call::get("getConversation", url(root, &["conversation", id]))
                        .query("conversation_type", FROM_MEMBERS)
                        .query("limit", MESSAGE_PAGE.to_string()),
                )
                .await?;
            list(&body, "messages", "getConversation")
        }
        Target::NewConversation { username, .. } => {
            let body = api
                .call(
                    &Call::get("getConversations", url(root, &["conversation"]))
                        .query("conversation_type", FROM_MEMBERS)
                        .query("other_party_username", username.clone()),
                )
                .await?;
            Ok(list(&body, "conversations", "getConversations")?
                .into_iter()
                .filter_map(|c| c.get("latestMessage").cloned())
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn buyer_messages_only_oldest_first() {
        let now = t("2026-05-01T12:00:00Z");
        let conversation = json!({"conversationId": "C-1", "conversationTitle": "About your mug"});
        let messages = vec![
            json!({"messageId": "M-3", "senderUsername": "Best.Seller", "messageBody": "Sure!", "createdDate": "2026-05-01T11:00:00.000Z"}),
            json!({"messageId": "M-2", "senderUsername": "Buyer_One", "messageBody": "Is it blue?", "createdDate": "2026-05-01T10:30:00.000Z",
                   "messageMedia": [{"mediaName": "photo.jpg", "mediaType": "IMAGE", "mediaUrl": "https://i.ebayimg.com/p.jpg"}]}),
            json!({"messageId": "M-1", "senderUsername": "Buyer_One", "messageBody": "Hello", "createdDate": "2026-05-01T10:00:00.000Z", "subject": "Hi"}),
            json!({"messageId": "M-0", "senderUsername": "Buyer_One", "messageBody": "old", "createdDate": "2026-03-01T10:00:00.000Z"}),
            json!({"messageId": "M-1", "senderUsername": "Buyer_One", "messageBody": "Hello", "createdDate": "2026-05-01T10:00:00.000Z"}),
        ];
        let got = inbound_messages(
            &conversation,
            &messages,
            Some("best.seller"),
            t("2026-04-01T00:00:00Z"),
            now,
        );
        let ids: Vec<&str> = got.iter().map(|m| m.external_id.as_str()).collect();
        assert_eq!(ids, ["M-1", "M-2"]);
        let m = &got[1];
        assert_eq!(m.from.address, "buyer_one");
        assert_eq!(m.conversation.as_deref(), Some("C-1"));
        assert_eq!(m.subject, "About your mug");
        assert_eq!(
            m.display_text,
            "Is it blue?\n[photo.jpg: https://i.ebayimg.com/p.jpg]"
        );
        assert_eq!(m.raw_content_type, "application/json");
        assert_eq!(
            serde_json::from_slice::<Value>(&m.raw).unwrap(),
            messages[1]
        );
        assert_eq!(got[0].subject, "Hi");
    }

    #[test]
    fn outbound_checks() {
        let mut o = Outbound {
            body_text: "Thanks!".into(),
            conversation: Some("aftersail:order:04-1".into()),
            ..Outbound::default()
        };
        assert_eq!(existing_conversation(&o), None);
        o.conversation = Some("C-9".into());
        assert_eq!(existing_conversation(&o), Some("C-9"));
        assert_eq!(check_outbound(&o).unwrap(), "Thanks!");
        o.body_text = "x".repeat(MAX_TEXT + 1);
        assert!(matches!(
            check_outbound(&o),
            Err(ConnectorError::Permanent(_))
        ));
    }

    #[test]
    fn finds_a_recent_identical_message_of_ours() {
        let now = t("2026-05-01T12:00:00Z");
        let list = [
            json!({"messageId": "A", "senderUsername": "buyer_one", "messageBody": "Thanks!", "createdDate": "2026-05-01T11:59:00.000Z"}),
            json!({"messageId": "B", "senderUsername": "best.seller", "messageBody": "Thanks!", "createdDate": "2026-05-01T09:00:00.000Z"}),
            json!({"messageId": "C", "senderUsername": "best.seller", "messageBody": " Thanks! ", "createdDate": "2026-05-01T11:30:00.000Z"}),
        ];
        assert_eq!(
            already_sent(&list, "Thanks!", None, Some("Buyer_One"), now).as_deref(),
            Some("C")
        );
        assert_eq!(
            already_sent(&list, "Thanks!", Some("best.seller"), None, now).as_deref(),
            Some("C")
        );
        assert_eq!(
            already_sent(&list, "Thanks!", Some("someone.else"), None, now),
            None
        );
        assert_eq!(
            already_sent(&list, "Other", None, Some("Buyer_One"), now),
            None
        );
    }
}
