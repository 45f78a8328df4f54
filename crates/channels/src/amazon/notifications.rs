//! SP-API notifications as they arrive through an SQS queue: `ORDER_CHANGE` (payload
//! version 1.0, PascalCase) and `REPORT_PROCESSING_FINISHED` (2020-09-04, camelCase).
//! Any other type parses as [`Notification::Other`].
//!
//! Reading the queue is not part of this connector; whoever receives a message passes its
//! body to [`parse_notification`] or to `kinds::parse_webhook`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::ConnectorError;

/// A parsed notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    OrderChange(OrderChange),
    ReportProcessingFinished(ReportFinished),
    Other {
        notification_type: String,
        notification_id: Option<String>,
    },
}

impl Notification {
    /// `NotificationMetadata.NotificationId`: the same for redeliveries.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::OrderChange(n) => Some(&n.notification_id),
            Self::ReportProcessingFinished(n) => Some(&n.notification_id),
            Self::Other {
                notification_id, ..
            } => notification_id.as_deref(),
        }
    }

    pub fn notification_type(&self) -> &str {
        match self {
            Self::OrderChange(_) => "ORDER_CHANGE",
            Self::ReportProcessingFinished(_) => "REPORT_PROCESSING_FINISHED",
            Self::Other {
                notification_type, ..
            } => notification_type,
        }
    }
}

/// `ORDER_CHANGE`: something about an order changed (status, buyer-requested change,
/// delivery tip). It does not carry the buyer, totals or prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChange {
    pub notification_id: String,
    pub seller_id: String,
    pub order_id: String,
    /// `OrderStatusChange`, `BuyerRequestedChange`, `DeliveryTipChange`.
    pub change_type: String,
    /// The order's status after the change (v0 spelling: `Unshipped`, `Shipped`, …).
    pub order_status: Option<String>,
    pub marketplace_id: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// `REPORT_PROCESSING_FINISHED`: a report is done, cancelled or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFinished {
    pub notification_id: String,
    pub seller_id: Option<String>,
    pub report_id: String,
    pub report_type: String,
    /// `DONE`, `CANCELLED` or `FATAL`.
    pub processing_status: String,
    pub report_document_id: Option<String>,
}

/// Reads a field under either spelling (`NotificationType` / `notificationType`).
fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).or_else(|| {
        let mut chars = name.chars();
        let other: String = match chars.next() {
            Some(c) if c.is_uppercase() => c.to_lowercase().chain(chars).collect(),
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => return None,
        };
        v.get(other)
    })
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut at = v;
    for name in path {
        at = field(at, name)?;
    }
    at.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn malformed(what: &str) -> ConnectorError {
    ConnectorError::Permanent(format!("Amazon notification: {what}"))
}

/// Parses a notification body.
pub fn parse_notification(body: &[u8]) -> Result<Notification, ConnectorError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| malformed(&format!("not JSON ({e})")))?;
    if !v.is_object() {
        return Err(malformed("not a JSON object"));
    }
    let kind = text(&v, &["NotificationType"]).ok_or_else(|| malformed("no NotificationType"))?;
    let id = text(&v, &["NotificationMetadata", "NotificationId"]);
    match kind.as_str() {
        "ORDER_CHANGE" => {
            let n = field(&v, "Payload")
                .and_then(|p| field(p, "OrderChangeNotification"))
                .ok_or_else(|| malformed("ORDER_CHANGE without Payload.OrderChangeNotification"))?;
            let required = |name: &str| {
                text(n, &[name]).ok_or_else(|| malformed(&format!("ORDER_CHANGE without {name}")))
            };
            Ok(Notification::OrderChange(OrderChange {
                notification_id: id
                    .ok_or_else(|| malformed("ORDER_CHANGE without NotificationId"))?,
                seller_id: required("SellerId")?,
                order_id: required("AmazonOrderId")?,
                change_type: required("OrderChangeType")?,
                order_status: text(n, &["Summary", "OrderStatus"]),
                marketplace_id: text(n, &["Summary", "MarketplaceId"]),
                changed_at: text(n, &["OrderChangeTrigger", "TimeOfOrderChange"])
                    .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                    .map(|t| t.with_timezone(&Utc)),
                reason: text(n, &["OrderChangeTrigger", "ChangeReason"]),
            }))
        }
        "REPORT_PROCESSING_FINISHED" => {
            let n = field(&v, "payload")
                .and_then(|p| field(p, "reportProcessingFinishedNotification"))
                .ok_or_else(|| {
                    malformed("REPORT_PROCESSING_FINISHED without payload.reportProcessingFinishedNotification")
                })?;
            let required = |name: &str| {
                text(n, &[name])
                    .ok_or_else(|| malformed(&format!("REPORT_PROCESSING_FINISHED without {name}")))
            };
            Ok(Notification::ReportProcessingFinished(ReportFinished {
                notification_id: id.ok_or_else(|| {
                    malformed("REPORT_PROCESSING_FINISHED without notificationId")
                })?,
                seller_id: text(n, &["sellerId"]),
                report_id: required("reportId")?,
                report_type: required("reportType")?,
                processing_status: required("processingStatus")?,
                report_document_id: text(n, &["reportDocumentId"]),
            }))
        }
        _ => Ok(Notification::Other {
            notification_type: kind,
            notification_id: id,
        }),
    }
}

/// What a notification asks of the worker, for the account with seller id `ours` (when
/// known; another seller's notifications are ignored) and returns sync on or off: an order
/// change or our returns report being ready makes the channel poll at once (the order change
/// lacks buyer, totals and items, so the poll reads the order whole).
pub fn action(
    ours: Option<&str>,
    returns: bool,
    body: &[u8],
) -> Result<crate::WebhookAction, ConnectorError> {
    let is_ours = |theirs: Option<&str>| match (ours, theirs) {
        (Some(ours), Some(theirs)) => ours == theirs,
        _ => true,
    };
    Ok(match parse_notification(body)? {
        Notification::OrderChange(change) if is_ours(Some(&change.seller_id)) => {
            crate::WebhookAction::PollSoon
        }
        Notification::ReportProcessingFinished(done)
            if done.report_type == super::report::RETURNS_REPORT_TYPE
                && is_ours(done.seller_id.as_deref())
                && returns =>
        {
            crate::WebhookAction::PollSoon
        }
        _ => crate::WebhookAction::Ignore,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_types_and_broken_bodies() {
        let other = parse_notification(
            br#"{"notificationType":"FEED_PROCESSING_FINISHED","notificationMetadata":{"notificationId":"n1"}}"#,
        )
        .unwrap();
        assert_eq!(other.notification_type(), "FEED_PROCESSING_FINISHED");
        assert_eq!(other.id(), Some("n1"));
        for bad in [&b"not json"[..], b"[]", b"{}", br#"{"NotificationType":"ORDER_CHANGE"}"#,
            br#"{"NotificationType":"ORDER_CHANGE","NotificationMetadata":{"NotificationId":"x"},"Payload":{"OrderChangeNotification":{"SellerId":"S"}}}"#]
        {
            assert!(matches!(parse_notification(bad), Err(ConnectorError::Permanent(_))), "{}", String::from_utf8_lossy(bad));
        }
    }
}
