//! Seller chat (`/api/v2/sellerchat/*`): conversation pages (newest first), message pages
//! of one conversation, sending a text, and the mapping of buyers' messages to
//! [`InboundMessage`]. Not in the vendor fixtures: shapes follow Shopee's sellerchat
//! documentation (see `tests/shopee/api/` for the samples the tests serve).
//!
//! - `get_conversation_list`: `direction` (`latest` for the first page, then `older` with
//!   `next_timestamp_nano`), `type=all`, `page_size`; answers `conversations[]`
//!   (`conversation_id`, `to_id` = the buyer, `to_name`, `last_message_timestamp` in
//!   nanoseconds) and `page_result {more, next_cursor {next_message_time_nano}}`.
//! - `get_message`: `conversation_id`, `offset`, `page_size`; answers `messages[]` newest
//!   first (`message_id`, `from_id`, `from_shop_id`, `message_type`, `content`,
//!   `created_timestamp`) and `page_result {next_offset, more}`.
//! - `send_message`: `{to_id, message_type: "text", content: {text}}`; answers the message.
//! - `get_one_conversation`: `conversation_id` → the conversation (to find its buyer).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::client::ShopeeClient;
use super::cursor::QueuedConversation;
use super::{id_string, text, unix_time, CHANNEL};
use crate::{ConnectorError, InboundMessage, Party, ThreadHints};

pub const CONVERSATION_LIST_PATH: &str = "/api/v2/sellerchat/get_conversation_list";
pub const ONE_CONVERSATION_PATH: &str = "/api/v2/sellerchat/get_one_conversation";
pub const MESSAGES_PATH: &str = "/api/v2/sellerchat/get_message";
pub const SEND_PATH: &str = "/api/v2/sellerchat/send_message";

/// One listed conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: String,
    pub to_id: Option<String>,
    pub to_name: Option<String>,
    /// When its last message was sent.
    pub last_message_at: Option<DateTime<Utc>>,
    /// Pinned conversations are listed first, whatever their age.
    pub pinned: bool,
}

impl Conversation {
    pub fn queued(&self) -> QueuedConversation {
        QueuedConversation {
            id: self.id.clone(),
            to_id: self.to_id.clone(),
            to_name: self.to_name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    /// The next page's `next_timestamp_nano`, when there is one.
    pub next: Option<String>,
}

/// One page of conversations, newest first; `next` is `None` for the first page.
pub async fn conversations(
    client: &ShopeeClient,
    next: Option<&str>,
    page_size: u32,
) -> Result<ConversationPage, ConnectorError> {
    let mut params = vec![
        (
            "direction",
            if next.is_some() { "older" } else { "latest" }.to_string(),
        ),
        ("type", "all".to_string()),
        ("page_size", page_size.clamp(1, 60).to_string()),
    ];
    if let Some(next) = next {
        params.push(("next_timestamp_nano", next.to_string()));
    }
    let response = client.get(CONVERSATION_LIST_PATH, &params).await?;
    let conversations = response
        .get("conversations")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(conversation).collect())
        .unwrap_or_default();
    let more = response
        .pointer("/page_result/more")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let next_page = response
        .pointer("/page_result/next_cursor/next_message_time_nano")
        .and_then(id_string)
        .filter(|n| n != "0" && Some(n.as_str()) != next);
    Ok(ConversationPage {
        conversations,
        next: next_page.filter(|_| more),
    })
}

fn conversation(v: &Value) -> Option<Conversation> {
    Some(Conversation {
        id: v.get("conversation_id").and_then(id_string)?,
        to_id: v.get("to_id").and_then(id_string).filter(|id| id != "0"),
        to_name: text(v, "to_name"),
        last_message_at: v.get("last_message_timestamp").and_then(unix_time),
        pinned: v.get("pinned").and_then(Value::as_bool).unwrap_or(false),
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessagePage {
    pub messages: Vec<Value>,
    /// The next page's `offset`, when there is one.
    pub next_offset: Option<String>,
}

/// One page of a conversation's messages, newest first.
pub async fn messages(
    client: &ShopeeClient,
    conversation_id: &str,
    offset: Option<&str>,
    page_size: u32,
) -> Result<MessagePage, ConnectorError> {
    let mut params = vec![
        ("conversation_id", conversation_id.to_string()),
        ("page_size", page_size.clamp(1, 60).to_string()),
    ];
    if let Some(offset) = offset {
        params.push(("offset", offset.to_string()));
    }
    let response = client.get(MESSAGES_PATH, &params).await?;
    let messages = response
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Some answers carry `more`, some only an empty `next_offset` at the end.
    let more = response
        .pointer("/page_result/more")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let next_offset = response
        .pointer("/page_result/next_offset")
        .and_then(id_string)
        .filter(|o| o != "0" && Some(o.as_str()) != offset);
    Ok(MessagePage {
        next_offset: next_offset.filter(|_| more && !messages.is_empty()),
        messages,
    })
}

/// Sends `body` as a text to the buyer `to_id`; returns Shopee's `message_id`.
pub async fn send_text(
    client: &ShopeeClient,
    to_id: u64,
    body: &str,
) -> Result<String, ConnectorError> {
    let response = client
        .post(
            SEND_PATH,
            &json!({ "to_id": to_id, "message_type": "text", "content": { "text": body } }),
        )
        .await?;
    response
        .get("message_id")
        .and_then(id_string)
        .ok_or_else(|| {
            // Sent, most likely, but unconfirmed: a retry could send it twice, so it is not
            // retried automatically.
            ConnectorError::Permanent(format!(
                "{} answered without a message_id; check the conversation before sending again",
                client.what(SEND_PATH)
            ))
        })
}

/// The buyer of a conversation (`to_id`).
pub async fn buyer_of(
    client: &ShopeeClient,
    conversation_id: &str,
) -> Result<Option<String>, ConnectorError> {
    let response = client
        .get(
            ONE_CONVERSATION_PATH,
            &[("conversation_id", conversation_id.to_string())],
        )
        .await?;
    Ok(response
        .get("to_id")
        .and_then(id_string)
        .filter(|id| id != "0"))
}

/// When a message was sent.
pub fn sent_at(message: &Value) -> Option<DateTime<Utc>> {
    message.get("created_timestamp").and_then(unix_time)
}

/// A buyer's message → [`InboundMessage`]; `None` for the shop's own messages (and
/// anything not from the conversation's buyer) and for messages without an id or time.
pub fn to_inbound(
    message: &Value,
    conversation: &QueuedConversation,
    shop_id: u64,
) -> Option<InboundMessage> {
    let from_shop = message.get("from_shop_id").and_then(id_string);
    if from_shop.as_deref() == Some(shop_id.to_string().as_str()) {
        return None;
    }
    let from_id = message.get("from_id").and_then(id_string)?;
    if conversation
        .to_id
        .as_ref()
        .is_some_and(|buyer| *buyer != from_id)
    {
        return None;
    }
    let external_id = message.get("message_id").and_then(id_string)?;
    let sent_at = sent_at(message)?;
    let body = body_text(message);
    let order = message
        .get("content")
        .and_then(|c| text(c, "order_sn"))
        .or_else(|| {
            message
                .get("source_content")
                .and_then(|c| text(c, "order_sn"))
        });
    let conversation_id = message
        .get("conversation_id")
        .and_then(id_string)
        .unwrap_or_else(|| conversation.id.clone());
    let subject = match &conversation.to_name {
        Some(name) => format!("Shopee chat with {name}"),
        None => "Shopee chat".to_string(),
    };
    Some(InboundMessage {
        channel: CHANNEL.to_string(),
        external_id,
        from: Party {
            address: from_id.to_lowercase(),
            name: conversation.to_name.clone(),
        },
        reply_to: None,
        subject,
        display_text: body.clone(),
        body_text: body,
        body_html: None,
        language: None,
        sent_at,
        thread: ThreadHints::default(),
        order_external_id: order,
        conversation: Some(conversation_id),
        automated: None,
        attachments: Vec::new(),
        raw: serde_json::to_vec(message).unwrap_or_default(),
        raw_content_type: "application/json",
    })
}

/// The text of a message; other kinds are described in brackets with what they point at.
fn body_text(message: &Value) -> String {
    let kind = text(message, "message_type").unwrap_or_else(|| "text".to_string());
    let content = message.get("content").cloned().unwrap_or(Value::Null);
    let field = |key: &str| text(&content, key);
    match kind.as_str() {
        "text" => field("text").unwrap_or_default(),
        "image" => format!("[image] {}", field("url").unwrap_or_default())
            .trim()
            .to_string(),
        "video" => format!("[video] {}", field("video_url").unwrap_or_default())
            .trim()
            .to_string(),
        "order" => format!("[order {}]", field("order_sn").unwrap_or_default()),
        "item" | "product" => format!(
            "[item {}]",
            content
                .get("item_id")
                .and_then(id_string)
                .unwrap_or_default()
        ),
        other => match field("text") {
            Some(t) => t,
            None => format!("[{other}]"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv() -> QueuedConversation {
        QueuedConversation {
            id: "1234567890123456789".into(),
            to_id: Some("5555".into()),
            to_name: Some("Aisyah".into()),
        }
    }

    #[test]
    fn maps_buyer_messages_and_skips_the_shops_own() {
        let buyer = json!({"message_id": "m1", "from_id": 5555, "from_shop_id": 0, "to_id": 111,
            "conversation_id": 1234567890123456789u64, "message_type": "text",
            "content": {"text": "Ada stok?"}, "created_timestamp": 1790000000,
            "source_content": {"order_sn": "2404098R48U37H"}});
        let m = to_inbound(&buyer, &conv(), 600000).unwrap();
        assert_eq!(m.channel, "shopee");
        assert_eq!(m.external_id, "m1");
        assert_eq!(
            m.from,
            Party {
                address: "5555".into(),
                name: Some("Aisyah".into())
            }
        );
        assert_eq!(m.body_text, "Ada stok?");
        assert_eq!(m.display_text, "Ada stok?");
        assert_eq!(m.subject, "Shopee chat with Aisyah");
        assert_eq!(m.conversation.as_deref(), Some("1234567890123456789"));
        assert_eq!(m.order_external_id.as_deref(), Some("2404098R48U37H"));
        assert_eq!(m.sent_at.timestamp(), 1790000000);
        assert_eq!(m.raw_content_type, "application/json");
        assert_eq!(m.thread, ThreadHints::default());

        let own = json!({"message_id": "m2", "from_id": 111, "from_shop_id": 600000, "message_type": "text",
            "content": {"text": "Ada!"}, "created_timestamp": 1790000060});
        assert!(to_inbound(&own, &conv(), 600000).is_none());
        let system = json!({"message_id": "m3", "from_id": 0, "message_type": "notification",
            "content": {}, "created_timestamp": 1790000060});
        assert!(to_inbound(&system, &conv(), 600000).is_none());
    }

    #[test]
    fn describes_what_is_not_text() {
        let cases = [
            (
                json!({"message_type": "image", "content": {"url": "https://cf.shopee.sg/file/x"}}),
                "[image] https://cf.shopee.sg/file/x",
            ),
            (
                json!({"message_type": "order", "content": {"order_sn": "220614T9XV8JTN"}}),
                "[order 220614T9XV8JTN]",
            ),
            (
                json!({"message_type": "item", "content": {"item_id": 2700126223i64}}),
                "[item 2700126223]",
            ),
            (
                json!({"message_type": "sticker", "content": {"sticker_id": "1"}}),
                "[sticker]",
            ),
        ];
        for (message, want) in cases {
            assert_eq!(body_text(&message), want);
        }
    }
}
