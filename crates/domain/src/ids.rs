//! Typed ids: a `UserId` can never be passed where a `TeamId` is expected.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh time-ordered (UUIDv7) id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A shop: the unit of isolation.
    TenantId
);
id_type!(UserId);
id_type!(TeamId);
id_type!(SessionId);
id_type!(InvitationId);
id_type!(CustomerId);
id_type!(OrderId);
id_type!(OrderItemId);
id_type!(TicketId);
id_type!(MessageId);
id_type!(RmaId);
id_type!(AttachmentId);
id_type!(ReplyTemplateId);
id_type!(ChannelId);
id_type!(OutboxId);
id_type!(RefundId);
id_type!(
    /// An automation rule: trigger, conditions, actions.
    RuleId
);
id_type!(RuleRunId);
id_type!(
    /// A queued automation event (ticket created, message received, …) or timer.
    AutomationEventId
);
id_type!(SlaPolicyId);
id_type!(
    /// A business-hours calendar (time zone, weekly hours, holidays).
    CalendarId
);
id_type!(NotificationId);
id_type!(WebhookCallId);
id_type!(
    /// A return destination: overseas return centre, repair partner or home warehouse.
    WarehouseId
);
id_type!(
    /// A knowledge-base article (its texts are translations, one per language).
    KbArticleId
);
id_type!(KbCategoryId);
id_type!(
    /// An image uploaded for knowledge-base articles.
    KbImageId
);
id_type!(AlertId);
id_type!(SystemMailId);
id_type!(
    /// An outbound webhook endpoint of the shop (its ERP/CRM).
    WebhookEndpointId
);
id_type!(
    /// One event queued for one endpoint: its id is the `webhook-id` header.
    WebhookDeliveryId
);
id_type!(CsatSurveyId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a < b, "UUIDv7 ids sort by creation time");
        assert_eq!(a.to_string().parse::<UserId>().unwrap(), a);
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
