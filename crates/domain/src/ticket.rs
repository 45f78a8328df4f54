//! The closed vocabularies of a ticket: status, priority, type.

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a stored or submitted code; `None` for anything else.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use vocabulary;

/// Serde for a [`vocabulary!`] type as its code, so stored JSON and the database agree on one
/// spelling (`"ticket.status"`, `"round_robin"`); an unknown code is a deserialization error.
macro_rules! serde_as_code {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        concat!("unknown ", stringify!($name), " `{}`"),
                        code
                    ))
                })
            }
        }
    };
}
pub(crate) use serde_as_code;

vocabulary!(
    /// Where a ticket is in its life. `Pending` waits on the customer (SLA clocks pause).
    Status { New = "new", Open = "open", Pending = "pending", OnHold = "on_hold", Solved = "solved", Closed = "closed" }
);
vocabulary!(Priority { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" });
vocabulary!(TicketType {
    Question = "question",
    Technical = "technical",
    Return = "return",
    Repair = "repair",
    Complaint = "complaint",
    Shipping = "shipping",
    Billing = "billing",
});

vocabulary!(
    /// The inbox's saved views.
    InboxView {
        Open = "open",
        Mine = "mine",
        Unassigned = "unassigned",
        Pending = "pending",
        SlaSoon = "sla_soon",
        SlaBreached = "sla_breached",
        Solved = "solved",
        All = "all",
    }
);
vocabulary!(
    /// How the inbox orders tickets: latest activity first, or the nearest SLA deadline first
    /// (tickets with no running SLA clock after all the others).
    InboxSort { Activity = "activity", SlaDue = "sla" }
);

/// How far ahead "SLA due soon" looks.
pub const SLA_SOON_MINUTES: i64 = 120;

impl InboxView {
    /// Statuses the view shows (`None`: any).
    pub fn statuses(self) -> Option<&'static [&'static str]> {
        match self {
            InboxView::Open => Some(&["new", "open"]),
            InboxView::Mine | InboxView::Unassigned => Some(&["new", "open", "pending", "on_hold"]),
            InboxView::Pending => Some(&["pending", "on_hold"]),
            InboxView::Solved => Some(&["solved", "closed"]),
            // Only tickets with a running clock have an SLA due time at all.
            InboxView::SlaSoon | InboxView::SlaBreached | InboxView::All => None,
        }
    }
}

/// The longest message body an agent may send (marketplaces cap theirs lower still).
pub const MAX_BODY_CHARS: usize = 20_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_strangers_are_refused() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(*p));
        }
        for t in TicketType::ALL {
            assert_eq!(TicketType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Status::parse("deleted"), None);
        assert_eq!(Priority::parse("URGENT"), None, "codes are exact");
        assert_eq!(TicketType::ALL.len(), 7);
    }
}
