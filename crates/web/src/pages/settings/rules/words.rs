//! The rules vocabulary in the user's language (the domain's own labels are English only).

use aftersail_domain::assignment::AssignMethod;
use aftersail_domain::rules::{Field, Op, RuleSet, TimeAnchor, Trigger};

use crate::i18n::Tr;

pub fn trigger(t: &Tr, code: &str) -> String {
    match Trigger::parse(code) {
        Some(Trigger::MessageReceived) => t.rt_message_received,
        Some(Trigger::TicketCreated) => t.rt_ticket_created,
        Some(Trigger::TicketUpdated) => t.rt_ticket_updated,
        Some(Trigger::OrderUpdated) => t.rt_order_updated,
        Some(Trigger::Time) => t.rt_time,
        None => return code.to_owned(),
    }
    .to_owned()
}

pub fn rule_set(t: &Tr, code: &str) -> String {
    match RuleSet::parse(code) {
        Some(RuleSet::Always) => t.rset_always,
        Some(RuleSet::Holiday) => t.rset_holiday,
        Some(RuleSet::Regular) => t.rset_regular,
        None => return code.to_owned(),
    }
    .to_owned()
}

pub fn anchor(t: &Tr, a: TimeAnchor) -> &'static str {
    match a {
        TimeAnchor::TicketCreated => t.ra_ticket_created,
        TimeAnchor::BecamePending => t.ra_became_pending,
        TimeAnchor::LastInbound => t.ra_last_inbound,
        TimeAnchor::LastOutbound => t.ra_last_outbound,
        TimeAnchor::OrderCreated => t.ra_order_created,
        TimeAnchor::OrderShipped => t.ra_order_shipped,
        TimeAnchor::OrderDelivered => t.ra_order_delivered,
    }
}

pub fn op(t: &Tr, o: Op) -> &'static str {
    match o {
        Op::Is => t.rop_is,
        Op::IsNot => t.rop_is_not,
        Op::In => t.rop_in,
        Op::NotIn => t.rop_not_in,
        Op::Contains => t.rop_contains,
        Op::NotContains => t.rop_not_contains,
        Op::ContainsAny => t.rop_contains_any,
        Op::Gt => t.rop_gt,
        Op::Gte => t.rop_gte,
        Op::Lt => t.rop_lt,
        Op::Lte => t.rop_lte,
        Op::IsSet => t.rop_is_set,
        Op::IsNotSet => t.rop_is_not_set,
        Op::Changed => t.rop_changed,
        Op::ChangedTo => t.rop_changed_to,
        Op::ChangedFrom => t.rop_changed_from,
    }
}

pub fn field(t: &Tr, f: Field) -> &'static str {
    use Field::*;
    match f {
        TicketStatus => t.rf_ticket_status,
        TicketPriority => t.rf_ticket_priority,
        TicketType => t.rf_ticket_type,
        TicketChannel => t.rf_ticket_channel,
        TicketSubject => t.rf_ticket_subject,
        TicketTags => t.rf_ticket_tags,
        TicketLanguage => t.rf_ticket_language,
        TicketSentiment => t.rf_ticket_sentiment,
        TicketAssignee => t.rf_ticket_assignee,
        TicketTeam => t.rf_ticket_team,
        MessageText => t.rf_message_text,
        MessageLanguage => t.rf_message_language,
        MessageIntent => t.rf_message_intent,
        CustomerEmail => t.rf_customer_email,
        CustomerCountry => t.rf_customer_country,
        CustomerLanguage => t.rf_customer_language,
        CustomerTags => t.rf_customer_tags,
        CustomerLifetimeValue => t.rf_customer_lifetime_value,
        CustomerOrderCount => t.rf_customer_order_count,
        CustomerComplaintCount => t.rf_customer_complaint_count,
        OrderStatus => t.rf_order_status,
        OrderTotal => t.rf_order_total,
        OrderCurrency => t.rf_order_currency,
        OrderShippingCountry => t.rf_order_shipping_country,
        OrderCarrier => t.rf_order_carrier,
        OrderHasTracking => t.rf_order_has_tracking,
        OrderDaysSinceOrder => t.rf_order_days_since_order,
        OrderDaysSinceDelivery => t.rf_order_days_since_delivery,
        BusinessHours => t.rf_business_hours,
    }
}

/// Action kinds as the form names them (the `type` of the stored JSON).
pub const ACTION_KINDS: &[&str] = &[
    "reply",
    "note",
    "set_status",
    "set_priority",
    "set_type",
    "add_tags",
    "remove_tags",
    "assign",
    "apply_sla",
    "open_rma",
    "notify",
    "webhook",
    "bot_answer",
];

pub fn action_kind(t: &Tr, kind: &str) -> &'static str {
    match kind {
        "reply" => t.ract_reply,
        "note" => t.ract_note,
        "set_status" => t.ract_set_status,
        "set_priority" => t.ract_set_priority,
        "set_type" => t.ract_set_type,
        "add_tags" => t.ract_add_tags,
        "remove_tags" => t.ract_remove_tags,
        "assign" => t.ract_assign,
        "apply_sla" => t.ract_apply_sla,
        "open_rma" => t.ract_open_rma,
        "notify" => t.ract_notify,
        "bot_answer" => t.ract_bot_answer,
        _ => t.ract_webhook,
    }
}

pub const ASSIGN_KINDS: &[&str] = &["agent", "team", "any_agent", "nobody"];

pub fn assign_kind(t: &Tr, kind: &str) -> &'static str {
    match kind {
        "agent" => t.assign_agent,
        "team" => t.assign_team,
        "any_agent" => t.assign_any_agent,
        _ => t.assign_nobody,
    }
}

pub fn method(t: &Tr, m: AssignMethod) -> &'static str {
    match m {
        AssignMethod::RoundRobin => t.method_round_robin,
        AssignMethod::LeastLoad => t.method_least_load,
    }
}

pub const NOTIFY_KINDS: &[&str] = &["assignee", "team", "user", "admins"];

pub fn notify_kind(t: &Tr, kind: &str) -> &'static str {
    match kind {
        "assignee" => t.notify_assignee,
        "team" => t.notify_team,
        "user" => t.notify_user,
        _ => t.notify_admins,
    }
}
