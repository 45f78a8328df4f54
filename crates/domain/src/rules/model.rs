//! What a rule is made of, exactly as it is stored: the [`Definition`] JSON in the rule's jsonb
//! column, plus the trigger and rule set kept in their own columns.
//!
//! The JSON is pinned by a test (`stored_definition_format_is_pinned`): rules saved today must
//! still load after any refactoring here.

use serde::{Deserialize, Serialize};

use crate::assignment::AssignMethod;
use crate::ids::{ReplyTemplateId, SlaPolicyId, TeamId, UserId};
use crate::ticket::{serde_as_code, vocabulary};

/// The most conditions (`all` and `any` together) one rule may have.
pub const MAX_CONDITIONS: usize = 50;
/// The most actions one rule may have.
pub const MAX_ACTIONS: usize = 20;
/// The longest note or notification text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// The longest wait of a time rule: a year.
pub const MAX_TIME_MINUTES: u32 = 525_600;

vocabulary!(
    /// When a rule is considered.
    Trigger {
        MessageReceived = "message_received",
        TicketCreated = "ticket_created",
        TicketUpdated = "ticket_updated",
        OrderUpdated = "order_updated",
        Time = "time",
    }
);
serde_as_code!(Trigger);

impl Trigger {
    pub fn label(self) -> &'static str {
        match self {
            Trigger::MessageReceived => "A message is received",
            Trigger::TicketCreated => "A ticket is created",
            Trigger::TicketUpdated => "A ticket is updated",
            Trigger::OrderUpdated => "An order is updated",
            Trigger::Time => "Time passes",
        }
    }
}

vocabulary!(
    /// What a time rule counts from.
    TimeAnchor {
        TicketCreated = "ticket_created",
        BecamePending = "became_pending",
        LastInbound = "last_inbound",
        LastOutbound = "last_outbound",
        OrderCreated = "order_created",
        OrderShipped = "order_shipped",
        OrderDelivered = "order_delivered",
    }
);
serde_as_code!(TimeAnchor);

impl TimeAnchor {
    pub fn label(self) -> &'static str {
        match self {
            TimeAnchor::TicketCreated => "the ticket was created",
            TimeAnchor::BecamePending => "the ticket became pending",
            TimeAnchor::LastInbound => "the customer's last message",
            TimeAnchor::LastOutbound => "our last reply",
            TimeAnchor::OrderCreated => "the order was placed",
            TimeAnchor::OrderShipped => "the order shipped",
            TimeAnchor::OrderDelivered => "the order was delivered",
        }
    }
}

vocabulary!(
    /// Which rules run: always, only in holiday mode, or only outside it.
    RuleSet { Always = "always", Holiday = "holiday", Regular = "regular" }
);
serde_as_code!(RuleSet);

impl RuleSet {
    /// Whether rules of this set run while the shop's holiday mode is on or off.
    pub fn active(self, holiday_mode: bool) -> bool {
        match self {
            RuleSet::Always => true,
            RuleSet::Holiday => holiday_mode,
            RuleSet::Regular => !holiday_mode,
        }
    }
}

/// When a time rule fires: `minutes` after `after`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeTrigger {
    pub after: TimeAnchor,
    pub minutes: u32,
}

/// The stored body of a rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    #[serde(default)]
    pub conditions: Conditions,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Only for [`Trigger::Time`] rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeTrigger>,
}

/// Every `all` condition must hold, and at least one `any` condition when there are any.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    #[serde(default)]
    pub all: Vec<Condition>,
    #[serde(default)]
    pub any: Vec<Condition>,
}

impl Conditions {
    pub fn len(&self) -> usize {
        self.all.len() + self.any.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    #[serde(default)]
    pub value: Value,
}

/// Condition values as written in JSON: "de", ["a","b"], 12.5, true, or absent (Null).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as a number; a numeric text ("12.5") counts, as forms submit text.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as a list of strings: a text is a list of one. `None` for other shapes.
    pub fn as_strings(&self) -> Option<Vec<&str>> {
        match self {
            Value::Text(t) => Some(vec![t.as_str()]),
            Value::List(items) => Some(items.iter().map(String::as_str).collect()),
            _ => None,
        }
    }

    /// How the value reads in a sentence ("vip, wholesale", "12.5").
    pub fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Text(t) => t.trim().to_owned(),
            Value::List(items) => items
                .iter()
                .map(|i| i.trim())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

vocabulary!(
    /// What a condition looks at. The worker fills each from the ticket, its latest message,
    /// its customer and order (see `Facts`).
    Field {
        TicketStatus = "ticket.status",
        TicketPriority = "ticket.priority",
        TicketType = "ticket.type",
        TicketChannel = "ticket.channel",
        TicketSubject = "ticket.subject",
        TicketTags = "ticket.tags",
        TicketLanguage = "ticket.language",
        TicketSentiment = "ticket.sentiment",
        TicketAssignee = "ticket.assignee",
        TicketTeam = "ticket.team",
        MessageText = "message.text",
        MessageLanguage = "message.language",
        MessageIntent = "message.intent",
        CustomerEmail = "customer.email",
        CustomerCountry = "customer.country",
        CustomerLanguage = "customer.language",
        CustomerTags = "customer.tags",
        CustomerLifetimeValue = "customer.lifetime_value",
        CustomerOrderCount = "customer.order_count",
        CustomerComplaintCount = "customer.complaint_count",
        OrderStatus = "order.status",
        OrderTotal = "order.total",
        OrderCurrency = "order.currency",
        OrderShippingCountry = "order.shipping_country",
        OrderCarrier = "order.carrier",
        OrderHasTracking = "order.has_tracking",
        OrderDaysSinceOrder = "order.days_since_order",
        OrderDaysSinceDelivery = "order.days_since_delivery",
        BusinessHours = "business_hours",
    }
);
serde_as_code!(Field);

/// Ticket status codes (pinned to [`crate::ticket::Status`] by a test).
pub const STATUSES: &[&str] = &["new", "open", "pending", "on_hold", "solved", "closed"];
/// Ticket priority codes (pinned to [`crate::ticket::Priority`] by a test).
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
/// Ticket type codes (pinned to [`crate::ticket::TicketType`] by a test).
pub const TICKET_TYPES: &[&str] = &[
    "question",
    "technical",
    "return",
    "repair",
    "complaint",
    "shipping",
    "billing",
];
/// What sentiment detection tags a ticket with.
pub const SENTIMENTS: &[&str] = &["negative", "neutral", "positive"];

/// The shape of a field's value, which decides the operators and values it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text (an email, a country code, an id).
    Text,
    /// One code out of a closed list.
    Enum(&'static [&'static str]),
    /// A set of tags.
    List,
    Number,
    Bool,
}

impl FieldKind {
    /// The operators a condition on a field of this kind may use.
    pub fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            FieldKind::Text => &[
                Is,
                IsNot,
                In,
                NotIn,
                Contains,
                NotContains,
                ContainsAny,
                IsSet,
                IsNotSet,
                Changed,
                ChangedTo,
                ChangedFrom,
            ],
            FieldKind::Enum(_) => &[
                Is,
                IsNot,
                In,
                NotIn,
                IsSet,
                IsNotSet,
                Changed,
                ChangedTo,
                ChangedFrom,
            ],
            FieldKind::List => &[
                Is,
                IsNot,
                Contains,
                NotContains,
                ContainsAny,
                IsSet,
                IsNotSet,
                Changed,
                ChangedTo,
                ChangedFrom,
            ],
            FieldKind::Number => &[
                Is,
                IsNot,
                Gt,
                Gte,
                Lt,
                Lte,
                IsSet,
                IsNotSet,
                Changed,
                ChangedTo,
                ChangedFrom,
            ],
            FieldKind::Bool => &[Is, IsNot, IsSet, IsNotSet, Changed, ChangedTo, ChangedFrom],
        }
    }
}

impl Field {
    pub fn kind(self) -> FieldKind {
        use Field::*;
        match self {
            TicketStatus => FieldKind::Enum(STATUSES),
            TicketPriority => FieldKind::Enum(PRIORITIES),
            TicketType => FieldKind::Enum(TICKET_TYPES),
            TicketSentiment => FieldKind::Enum(SENTIMENTS),
            TicketTags | CustomerTags => FieldKind::List,
            CustomerLifetimeValue
            | CustomerOrderCount
            | CustomerComplaintCount
            | OrderTotal
            | OrderDaysSinceOrder
            | OrderDaysSinceDelivery => FieldKind::Number,
            OrderHasTracking | BusinessHours => FieldKind::Bool,
            TicketChannel | TicketSubject | TicketLanguage | TicketAssignee | TicketTeam
            | MessageText | MessageLanguage | MessageIntent | CustomerEmail | CustomerCountry
            | CustomerLanguage | OrderStatus | OrderCurrency | OrderShippingCountry
            | OrderCarrier => FieldKind::Text,
        }
    }

    /// Whether the field's text values are ids (a user, a team) rather than words.
    pub fn holds_id(self) -> bool {
        matches!(self, Field::TicketAssignee | Field::TicketTeam)
    }

    /// How the field reads at the start of a sentence ("Message language is de").
    pub fn label(self) -> &'static str {
        use Field::*;
        match self {
            TicketStatus => "Ticket status",
            TicketPriority => "Ticket priority",
            TicketType => "Ticket type",
            TicketChannel => "Ticket channel",
            TicketSubject => "Ticket subject",
            TicketTags => "Ticket tags",
            TicketLanguage => "Ticket language",
            TicketSentiment => "Ticket sentiment",
            TicketAssignee => "Ticket assignee",
            TicketTeam => "Ticket team",
            MessageText => "Message text",
            MessageLanguage => "Message language",
            MessageIntent => "Message intent",
            CustomerEmail => "Customer email",
            CustomerCountry => "Customer country",
            CustomerLanguage => "Customer language",
            CustomerTags => "Customer tags",
            CustomerLifetimeValue => "Customer lifetime value",
            CustomerOrderCount => "Customer order count",
            CustomerComplaintCount => "Customer complaint count",
            OrderStatus => "Order status",
            OrderTotal => "Order total",
            OrderCurrency => "Order currency",
            OrderShippingCountry => "Order shipping country",
            OrderCarrier => "Order carrier",
            OrderHasTracking => "Order has tracking",
            OrderDaysSinceOrder => "Days since order",
            OrderDaysSinceDelivery => "Days since delivery",
            BusinessHours => "Within business hours",
        }
    }
}

vocabulary!(
    /// How a condition compares a field with its value.
    Op {
        Is = "is",
        IsNot = "is_not",
        In = "in",
        NotIn = "not_in",
        Contains = "contains",
        NotContains = "not_contains",
        ContainsAny = "contains_any",
        Gt = "gt",
        Gte = "gte",
        Lt = "lt",
        Lte = "lte",
        IsSet = "is_set",
        IsNotSet = "is_not_set",
        Changed = "changed",
        ChangedTo = "changed_to",
        ChangedFrom = "changed_from",
    }
);
serde_as_code!(Op);

impl Op {
    /// How the operator reads between a field and a value.
    pub fn label(self) -> &'static str {
        match self {
            Op::Is => "is",
            Op::IsNot => "is not",
            Op::In => "is one of",
            Op::NotIn => "is not one of",
            Op::Contains => "contains",
            Op::NotContains => "does not contain",
            Op::ContainsAny => "contains any of",
            Op::Gt => "is more than",
            Op::Gte => "is at least",
            Op::Lt => "is less than",
            Op::Lte => "is at most",
            Op::IsSet => "is set",
            Op::IsNotSet => "is not set",
            Op::Changed => "changed",
            Op::ChangedTo => "changed to",
            Op::ChangedFrom => "changed from",
        }
    }

    /// Whether the operator ignores the condition's value.
    pub fn takes_no_value(self) -> bool {
        matches!(self, Op::IsSet | Op::IsNotSet | Op::Changed)
    }

    /// Whether the operator compares the ticket before and after an update.
    pub fn is_change(self) -> bool {
        matches!(self, Op::Changed | Op::ChangedTo | Op::ChangedFrom)
    }
}

impl Condition {
    pub fn new(field: Field, op: Op, value: Value) -> Self {
        Condition { field, op, value }
    }

    /// The condition as a sentence, for the rules list and run logs
    /// ("Customer tags contains any of vip, wholesale").
    pub fn describe(&self) -> String {
        let subject = format!("{} {}", self.field.label(), self.op.label());
        if self.op.takes_no_value() {
            subject
        } else {
            format!("{subject} {}", self.value.display())
                .trim_end()
                .to_owned()
        }
    }
}

/// Something a matching rule does, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    Reply {
        template: ReplyTemplateId,
    },
    /// An internal note on the ticket (customers never see it).
    Note {
        text: String,
    },
    SetStatus {
        status: String,
    },
    SetPriority {
        priority: String,
    },
    SetType {
        ticket_type: String,
    },
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    Assign {
        to: AssignTo,
    },
    ApplySla {
        policy: SlaPolicyId,
    },
    OpenRma {
        reason: String,
    },
    Notify {
        to: NotifyTo,
        text: String,
    },
    Webhook {
        url: String,
    },
    /// Let the bot answer the buyer's message (tracking, the returns portal, a refund's state,
    /// a help article: `crate::bot`) or hand the ticket to a person with the reason as a note.
    BotAnswer,
}

impl Action {
    /// The action as a sentence, for the rules list and run logs ("Set priority to high").
    pub fn describe(&self) -> String {
        match self {
            Action::Reply { .. } => "Reply with template".to_owned(),
            Action::Note { .. } => "Add an internal note".to_owned(),
            Action::SetStatus { status } => format!("Set status to {status}"),
            Action::SetPriority { priority } => format!("Set priority to {priority}"),
            Action::SetType { ticket_type } => format!("Set type to {ticket_type}"),
            Action::AddTags { tags } => format!("Add {} {}", tags_word(tags), tags.join(", ")),
            Action::RemoveTags { tags } => {
                format!("Remove {} {}", tags_word(tags), tags.join(", "))
            }
            Action::Assign { to } => match to {
                AssignTo::Agent { .. } => "Assign to an agent".to_owned(),
                AssignTo::Team { method, .. } => {
                    format!("Assign to a team ({})", method.label())
                }
                AssignTo::AnyAgent { method } => {
                    format!("Assign to any available agent ({})", method.label())
                }
                AssignTo::Nobody => "Unassign".to_owned(),
            },
            Action::ApplySla { .. } => "Apply SLA policy".to_owned(),
            Action::OpenRma { reason } => format!("Open a return ({reason})"),
            Action::Notify { to, .. } => match to {
                NotifyTo::Assignee => "Notify the assignee".to_owned(),
                NotifyTo::Team { .. } => "Notify a team".to_owned(),
                NotifyTo::User { .. } => "Notify a user".to_owned(),
                NotifyTo::Admins => "Notify the admins".to_owned(),
            },
            Action::Webhook { url } => format!("Call webhook {url}"),
            Action::BotAnswer => "Answer with the bot, or hand to a person".to_owned(),
        }
    }
}

fn tags_word(tags: &[String]) -> &'static str {
    if tags.len() == 1 {
        "tag"
    } else {
        "tags"
    }
}

/// Who an `assign` action gives the ticket to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssignTo {
    Agent {
        user: UserId,
    },
    /// An agent of the team, chosen by `method` (see `assignment::pick`).
    Team {
        team: TeamId,
        method: AssignMethod,
    },
    AnyAgent {
        method: AssignMethod,
    },
    /// Takes the ticket off whoever has it.
    Nobody,
}

/// Who a `notify` action tells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotifyTo {
    /// The ticket's assignee; nobody when it has none.
    Assignee,
    Team {
        team: TeamId,
    },
    User {
        user: UserId,
    },
    Admins,
}
