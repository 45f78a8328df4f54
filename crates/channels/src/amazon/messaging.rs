//! Buyer-Seller Messaging API v1: which message types Amazon allows for an order now
//! (`getMessagingActionsForOrder`) and sending one.
//!
//! Amazon only takes these typed messages through the API; free-text replies to buyers go
//! by email through the relay (the email channel). Message types that carry files
//! (`legalDisclosure`, `warranty`, `invoice`, and optionally `confirmCustomizationDetails`
//! and `digitalAccessKey`) name files already uploaded with the Uploads API
//! (`createUploadDestinationForResource`, then a PUT to the upload URL it gives). That API
//! is not part of this connector, so [`send_message`] takes upload destination ids the
//! caller already has, and `send` refuses messages with file attachments.

use serde_json::{json, Value};

use super::client::{ApiError, SpClient};
use super::rate::{ops, Operation};

/// What a message type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text only, at most this many characters.
    Text(usize),
    /// Text (at most this many characters) and optional attachments.
    TextAndFiles(usize),
    /// Attachments only (at least one).
    Files,
}

/// A message type this connector can send: its action name (as in
/// `getMessagingActionsForOrder`), its operation and what it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageType {
    pub action: &'static str,
    pub operation: &'static str,
    pub content: Content,
}

/// The message types of Messaging API v1.
pub const MESSAGE_TYPES: [MessageType; 9] = [
    MessageType {
        action: "confirmCustomizationDetails",
        operation: "confirmCustomizationDetails",
        content: Content::TextAndFiles(800),
    },
    MessageType {
        action: "confirmDeliveryDetails",
        operation: "createConfirmDeliveryDetails",
        content: Content::Text(2000),
    },
    MessageType {
        action: "legalDisclosure",
        operation: "createLegalDisclosure",
        content: Content::Files,
    },
    MessageType {
        action: "confirmOrderDetails",
        operation: "createConfirmOrderDetails",
        content: Content::Text(2000),
    },
    MessageType {
        action: "confirmServiceDetails",
        operation: "createConfirmServiceDetails",
        content: Content::Text(2000),
    },
    MessageType {
        action: "warranty",
        operation: "CreateWarranty",
        content: Content::Files,
    },
    MessageType {
        action: "digitalAccessKey",
        operation: "createDigitalAccessKey",
        content: Content::TextAndFiles(400),
    },
    MessageType {
        action: "unexpectedProblem",
        operation: "createUnexpectedProblem",
        content: Content::Text(2000),
    },
    MessageType {
        action: "invoice",
        operation: "sendInvoice",
        content: Content::Files,
    },
];

/// The message type named `action`, if this connector can send it.
pub fn message_type(action: &str) -> Option<&'static MessageType> {
    MESSAGE_TYPES.iter().find(|t| t.action == action)
}

/// A file already uploaded with the Uploads API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The `uploadDestinationId` `createUploadDestinationForResource` answered.
    pub upload_destination_id: String,
    /// The name the buyer sees, with its extension.
    pub file_name: String,
}

/// The action names Amazon allows for `order_id` in `marketplace_id` now.
pub async fn allowed_actions(
    client: &SpClient,
    order_id: &str,
    marketplace_id: &str,
) -> Result<Vec<String>, ApiError> {
    let answer = client
        .get(
            &ops::GET_MESSAGING_ACTIONS,
            &["messaging", "v1", "orders", order_id],
            &[("marketplaceIds", marketplace_id.to_owned())],
        )
        .await?;
    let links = answer
        .pointer("/_links/actions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut actions: Vec<String> = Vec::new();
    for link in links {
        // The name, or the last path segment of the link (`…/messages/warranty?…`).
        let name = link
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                link.get("href")
                    .and_then(Value::as_str)
                    .map(|h| h.split('?').next().unwrap_or(h))
                    .and_then(|p| p.rsplit('/').next())
                    .map(str::to_owned)
            });
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            if !actions.contains(&name) {
                actions.push(name);
            }
        }
    }
    Ok(actions)
}

/// Checks what `kind` takes against what is given; `Err` says why it cannot be sent.
pub fn check_content(
    kind: &MessageType,
    text: Option<&str>,
    files: &[UploadedFile],
) -> Result<(), String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    let too_long = |max: usize, t: &str| {
        let n = t.chars().count();
        (n > max).then(|| {
            format!(
                "an Amazon {} message takes at most {max} characters; this one has {n}",
                kind.action
            )
        })
    };
    match kind.content {
        Content::Text(max) => {
            let t = text.ok_or_else(|| format!("an Amazon {} message needs text", kind.action))?;
            if !files.is_empty() {
                return Err(format!(
                    "an Amazon {} message takes no attachments",
                    kind.action
                ));
            }
            too_long(max, t).map_or(Ok(()), Err)
        }
        Content::TextAndFiles(max) => {
            if text.is_none() && files.is_empty() {
                return Err(format!(
                    "an Amazon {} message needs text or attachments",
                    kind.action
                ));
            }
            text.and_then(|t| too_long(max, t)).map_or(Ok(()), Err)
        }
        Content::Files => {
            if files.is_empty() {
                return Err(format!(
                    "an Amazon {} message is made of files uploaded with the Amazon Uploads API first; send it from Seller Central",
                    kind.action
                ));
            }
            if files.len() > 5 {
                return Err(format!(
                    "an Amazon {} message takes at most 5 files",
                    kind.action
                ));
            }
            Ok(())
        }
    }
}

/// The request body of `kind`.
pub fn body(kind: &MessageType, text: Option<&str>, files: &[UploadedFile]) -> Value {
    let mut body = serde_json::Map::new();
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        if kind.content != Content::Files {
            body.insert("text".into(), json!(t));
        }
    }
    if !files.is_empty() && !matches!(kind.content, Content::Text(_)) {
        body.insert(
            "attachments".into(),
            Value::Array(
                files
                    .iter()
                    .map(|f| json!({"uploadDestinationId": f.upload_destination_id, "fileName": f.file_name}))
                    .collect(),
            ),
        );
    }
    Value::Object(body)
}

/// Sends one message of `kind` for `order_id` in `marketplace_id` (no allowed-actions check
/// here; the caller does it).
pub async fn send_message(
    client: &SpClient,
    order_id: &str,
    marketplace_id: &str,
    kind: &MessageType,
    text: Option<&str>,
    files: &[UploadedFile],
) -> Result<(), ApiError> {
    let op: Operation = ops::messaging(kind.operation);
    let answer = client
        .post(
            &op,
            &[
                "messaging",
                "v1",
                "orders",
                order_id,
                "messages",
                kind.action,
            ],
            &[("marketplaceIds", marketplace_id.to_owned())],
            &body(kind, text, files),
        )
        .await?;
    // The status (201) decides; an `errors` list in a success answer is only logged.
    if let Some(errors) = answer
        .get("errors")
        .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        tracing::info!(order = order_id, action = kind.action, %errors, "Amazon accepted a message with remarks");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> UploadedFile {
        UploadedFile {
            upload_destination_id: "4e936e26".into(),
            file_name: "invoice.pdf".into(),
        }
    }

    #[test]
    fn content_rules_follow_the_spec() {
        let delivery = message_type("confirmDeliveryDetails").unwrap();
        assert!(check_content(delivery, Some("Your parcel arrives Monday"), &[]).is_ok());
        assert!(check_content(delivery, Some("  "), &[])
            .unwrap_err()
            .contains("needs text"));
        assert!(check_content(delivery, Some(&"x".repeat(2001)), &[])
            .unwrap_err()
            .contains("2000"));
        assert!(check_content(delivery, Some(&"é".repeat(2000)), &[]).is_ok());
        assert!(check_content(delivery, Some("t"), &[file()])
            .unwrap_err()
            .contains("no attachments"));
        let invoice = message_type("invoice").unwrap();
        assert!(check_content(invoice, Some("text"), &[])
            .unwrap_err()
            .contains("Uploads API"));
        assert!(check_content(invoice, None, &[file()]).is_ok());
        let key = message_type("digitalAccessKey").unwrap();
        assert!(check_content(key, Some(&"k".repeat(401)), &[])
            .unwrap_err()
            .contains("400"));
        assert!(check_content(key, None, &[]).is_err());
        assert!(message_type("negativeFeedbackRemoval").is_none());
    }

    #[test]
    fn bodies_carry_only_what_the_type_takes() {
        let delivery = message_type("confirmDeliveryDetails").unwrap();
        assert_eq!(body(delivery, Some(" hi "), &[]), json!({"text": "hi"}));
        let invoice = message_type("invoice").unwrap();
        assert_eq!(
            body(invoice, Some("ignored"), &[file()]),
            json!({"attachments": [{"uploadDestinationId": "4e936e26", "fileName": "invoice.pdf"}]})
        );
        let custom = message_type("confirmCustomizationDetails").unwrap();
        assert_eq!(
            body(custom, Some("Name: Zoë"), &[file()]),
            json!({"text": "Name: Zoë", "attachments": [{"uploadDestinationId": "4e936e26", "fileName": "invoice.pdf"}]})
        );
    }
}
