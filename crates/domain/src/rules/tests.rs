use proptest::prelude::*;

use super::model::{PRIORITIES, SENTIMENTS, STATUSES, TICKET_TYPES};
use super::*;
use crate::assignment::AssignMethod;
use crate::ids::{ReplyTemplateId, SlaPolicyId, TeamId, UserId};
use crate::ticket::{Priority, Status, TicketType};

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

fn fact_text(s: &str) -> Fact {
    Fact::Text(s.to_owned())
}

fn fact_list(items: &[&str]) -> Fact {
    Fact::List(items.iter().map(|s| s.to_string()).collect())
}

fn cond(field: Field, op: Op, value: Value) -> Condition {
    Condition::new(field, op, value)
}

/// A ticket as the worker would describe it after a German customer wrote about an order.
fn ticket() -> Facts {
    Facts::new()
        .with(Field::TicketStatus, fact_text("open"))
        .with(Field::TicketPriority, fact_text("high"))
        .with(Field::TicketChannel, fact_text("amazon"))
        .with(
            Field::TicketSubject,
            fact_text("  Wo ist meine Bestellung? "),
        )
        .with(Field::TicketTags, fact_list(&["late-delivery", "vip"]))
        .with(Field::MessageText, fact_text("您好，我的订单还没到。"))
        .with(Field::MessageLanguage, fact_text("DE"))
        .with(Field::CustomerTags, fact_list(&[]))
        .with(Field::CustomerEmail, fact_text("   "))
        .with(Field::CustomerLifetimeValue, Fact::Number(250.0))
        .with(Field::CustomerOrderCount, Fact::Number(3.0))
        .with(Field::OrderTotal, Fact::Number(19.99))
        .with(Field::OrderHasTracking, Fact::Bool(false))
        .with(Field::BusinessHours, Fact::Bool(true))
}

#[test]
fn conditions_hold_as_documented() {
    use Field::*;
    use Op::*;
    let rows: Vec<(Condition, bool)> = vec![
        // Text: trimmed, case-insensitive.
        (cond(MessageLanguage, Is, text("de")), true),
        (cond(MessageLanguage, Is, text(" De ")), true),
        (cond(MessageLanguage, Is, text("en")), false),
        (cond(MessageLanguage, IsNot, text("en")), true),
        (cond(MessageLanguage, IsNot, text("de")), false),
        (
            cond(TicketSubject, Is, text("wo ist meine bestellung?")),
            true,
        ),
        (cond(TicketSubject, Contains, text("BESTELLUNG")), true),
        (
            cond(TicketSubject, Contains, list(&["wo", "bestellung"])),
            true,
        ),
        (
            cond(TicketSubject, Contains, list(&["wo", "rechnung"])),
            false,
        ),
        (cond(TicketSubject, NotContains, text("rechnung")), true),
        (
            cond(
                TicketSubject,
                ContainsAny,
                list(&["rechnung", "bestellung"]),
            ),
            true,
        ),
        (
            cond(TicketSubject, ContainsAny, list(&["rechnung", "paket"])),
            false,
        ),
        // Keywords are substrings, no word splitting: CJK works.
        (cond(MessageText, Contains, text("订单")), true),
        (
            cond(MessageText, ContainsAny, list(&["退货", "订单"])),
            true,
        ),
        (
            cond(MessageText, ContainsAny, list(&["退货", "退款"])),
            false,
        ),
        // Blank keywords never match anything on their own.
        (cond(MessageText, ContainsAny, list(&["", "  "])), false),
        (cond(MessageText, Contains, text(" ")), false),
        (cond(MessageText, NotContains, text("")), true),
        // In / not in.
        (cond(TicketStatus, In, list(&["new", "OPEN"])), true),
        (cond(TicketStatus, In, list(&["solved", "closed"])), false),
        (cond(TicketStatus, NotIn, list(&["solved", "closed"])), true),
        (cond(TicketStatus, In, text("open")), true),
        (cond(TicketPriority, Is, text("High")), true),
        // Lists: element for contains, set for is, tag spelling.
        (cond(TicketTags, Contains, text("VIP")), true),
        (cond(TicketTags, Contains, text("Late Delivery")), true),
        (cond(TicketTags, Contains, text("late")), false),
        (
            cond(TicketTags, Contains, list(&["vip", "late-delivery"])),
            true,
        ),
        (
            cond(TicketTags, Contains, list(&["vip", "wholesale"])),
            false,
        ),
        (
            cond(TicketTags, ContainsAny, list(&["wholesale", "vip"])),
            true,
        ),
        (cond(TicketTags, ContainsAny, list(&["wholesale"])), false),
        (cond(TicketTags, Is, list(&["vip", "late-delivery"])), true),
        (
            cond(TicketTags, Is, list(&["VIP", "late-delivery", "vip"])),
            true,
        ),
        (cond(TicketTags, Is, list(&["vip"])), false),
        (cond(TicketTags, IsNot, list(&["vip"])), true),
        (cond(TicketTags, Is, text("vip")), false),
        (cond(TicketTags, IsSet, Value::Null), true),
        // Numbers.
        (cond(CustomerLifetimeValue, Gt, Value::Number(100.0)), true),
        (cond(CustomerLifetimeValue, Gt, Value::Number(250.0)), false),
        (cond(CustomerLifetimeValue, Gte, Value::Number(250.0)), true),
        (cond(CustomerLifetimeValue, Lt, Value::Number(250.0)), false),
        (cond(CustomerLifetimeValue, Lte, Value::Number(250.0)), true),
        (cond(CustomerLifetimeValue, Gt, text("99.5")), true),
        (cond(CustomerLifetimeValue, Gt, text("lots")), false),
        (cond(OrderTotal, Is, Value::Number(19.99)), true),
        (cond(OrderTotal, IsNot, Value::Number(20.0)), true),
        (cond(CustomerOrderCount, Is, Value::Number(3.0)), true),
        (cond(CustomerOrderCount, In, list(&["1", "3"])), true),
        (cond(CustomerOrderCount, Lt, Value::Number(2.0)), false),
        // Bools.
        (cond(BusinessHours, Is, Value::Bool(true)), true),
        (cond(BusinessHours, IsNot, Value::Bool(true)), false),
        (cond(OrderHasTracking, Is, Value::Bool(false)), true),
        (cond(OrderHasTracking, Is, text("false")), false),
        // Wrong shapes never match (and the negation holds).
        (cond(MessageLanguage, Gt, Value::Number(1.0)), false),
        (cond(BusinessHours, Contains, text("true")), false),
        (cond(CustomerLifetimeValue, Contains, text("25")), false),
        // Not set: absent, blank text, empty list.
        (cond(CustomerCountry, IsNotSet, Value::Null), true),
        (cond(CustomerCountry, IsSet, Value::Null), false),
        (cond(CustomerCountry, Is, text("de")), false),
        (cond(CustomerCountry, IsNot, text("de")), true),
        (cond(CustomerCountry, In, list(&["de"])), false),
        (cond(CustomerCountry, NotIn, list(&["de"])), true),
        (cond(CustomerCountry, Contains, text("d")), false),
        (cond(CustomerCountry, NotContains, text("d")), true),
        (cond(CustomerCountry, ContainsAny, list(&["d"])), false),
        (cond(OrderDaysSinceDelivery, Gt, Value::Number(-1.0)), false),
        (cond(OrderDaysSinceDelivery, Lte, Value::Number(1e9)), false),
        (cond(CustomerEmail, IsNotSet, Value::Null), true),
        (cond(CustomerEmail, Is, text("")), false),
        (cond(CustomerTags, IsNotSet, Value::Null), true),
        (cond(CustomerTags, NotContains, text("vip")), true),
        (cond(CustomerTags, Is, list(&[])), false),
        // No previous values recorded: nothing changed.
        (cond(TicketStatus, Changed, Value::Null), false),
        (cond(TicketStatus, ChangedTo, text("open")), false),
    ];
    let facts = ticket();
    for (condition, expected) in rows {
        assert_eq!(
            holds(&condition, &facts),
            expected,
            "{} ({:?})",
            condition.describe(),
            condition.value
        );
    }
}

#[test]
fn changes_compare_before_and_after_an_update() {
    use Field::*;
    use Op::*;
    let user = "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f0001";
    let mut facts = Facts::new()
        .with(TicketStatus, fact_text("pending"))
        .with(TicketPriority, fact_text("high"))
        .with(TicketTags, fact_list(&["vip", "refund"]))
        .with(TicketType, fact_text("Return"));
    facts.set_previous(TicketStatus, Some(fact_text("open")));
    facts.set_previous(TicketPriority, Some(fact_text("High")));
    facts.set_previous(TicketTags, Some(fact_list(&["vip"])));
    facts.set_previous(TicketAssignee, Some(fact_text(user)));
    facts.set_previous(TicketType, None);
    // Current assignee not set: it was removed.
    facts.set_opt(TicketAssignee, None);

    let rows: Vec<(Condition, bool)> = vec![
        (cond(TicketStatus, Changed, Value::Null), true),
        (cond(TicketStatus, ChangedTo, text("pending")), true),
        (cond(TicketStatus, ChangedTo, text("Pending ")), true),
        (cond(TicketStatus, ChangedTo, text("solved")), false),
        (cond(TicketStatus, ChangedFrom, text("open")), true),
        (cond(TicketStatus, ChangedFrom, text("pending")), false),
        // Only the case differs: not a change.
        (cond(TicketPriority, Changed, Value::Null), false),
        (cond(TicketPriority, ChangedTo, text("high")), false),
        // Tags: changed_to = added, changed_from = removed.
        (cond(TicketTags, Changed, Value::Null), true),
        (cond(TicketTags, ChangedTo, text("refund")), true),
        (cond(TicketTags, ChangedTo, text("vip")), false),
        (cond(TicketTags, ChangedFrom, text("vip")), false),
        // Set where it was not set before.
        (cond(TicketType, Changed, Value::Null), true),
        (cond(TicketType, ChangedTo, text("return")), true),
        (cond(TicketType, ChangedFrom, text("return")), false),
        // Removed: changed_from holds although the field is not set now.
        (cond(TicketAssignee, Changed, Value::Null), true),
        (cond(TicketAssignee, ChangedFrom, text(user)), true),
        (cond(TicketAssignee, ChangedTo, text(user)), false),
        (cond(TicketAssignee, IsNotSet, Value::Null), true),
        // Not recorded before the update: never counts as changed.
        (cond(TicketChannel, Changed, Value::Null), false),
    ];
    for (condition, expected) in rows {
        assert_eq!(
            holds(&condition, &facts),
            expected,
            "{}",
            condition.describe()
        );
    }
    assert_eq!(facts.previous(TicketType), Some(None));
    assert_eq!(facts.previous(TicketChannel), None);
}

#[test]
fn all_and_any_groups() {
    let facts = ticket();
    let yes = cond(Field::MessageLanguage, Op::Is, text("de"));
    let yes_too = cond(Field::TicketPriority, Op::In, list(&["high", "urgent"]));
    let no = cond(Field::TicketChannel, Op::Is, text("ebay"));
    let no_too = cond(Field::CustomerCountry, Op::IsSet, Value::Null);
    let conditions = |all: &[&Condition], any: &[&Condition]| Conditions {
        all: all.iter().map(|c| (*c).clone()).collect(),
        any: any.iter().map(|c| (*c).clone()).collect(),
    };

    let none = evaluate(&Conditions::default(), &facts);
    assert!(none.matched, "no conditions: every ticket");
    assert!(none.failed.is_empty());

    assert!(evaluate(&conditions(&[&yes, &yes_too], &[]), &facts).matched);
    assert!(evaluate(&conditions(&[&yes], &[&no, &yes_too]), &facts).matched);
    assert!(evaluate(&conditions(&[], &[&no, &yes_too]), &facts).matched);

    let one_all_fails = evaluate(&conditions(&[&yes, &no], &[&yes_too]), &facts);
    assert!(!one_all_fails.matched);
    assert_eq!(
        one_all_fails.failed,
        vec!["Ticket channel is ebay".to_owned()]
    );

    let no_any_holds = evaluate(&conditions(&[&yes], &[&no, &no_too]), &facts);
    assert!(!no_any_holds.matched);
    assert_eq!(
        no_any_holds.failed,
        vec![
            "Ticket channel is ebay".to_owned(),
            "Customer country is set".to_owned()
        ]
    );

    let everything_fails = evaluate(&conditions(&[&no, &no_too], &[&no]), &facts);
    assert_eq!(everything_fails.failed.len(), 3);
}

fn full_definition() -> Definition {
    let template: ReplyTemplateId = "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00a1".parse().unwrap();
    let team: TeamId = "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00b2".parse().unwrap();
    let user: UserId = "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00c3".parse().unwrap();
    let policy: SlaPolicyId = "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00d4".parse().unwrap();
    Definition {
        conditions: Conditions {
            all: vec![
                cond(Field::MessageLanguage, Op::Is, text("de")),
                cond(Field::OrderTotal, Op::Gte, Value::Number(12.5)),
                cond(Field::BusinessHours, Op::Is, Value::Bool(false)),
                cond(Field::TicketAssignee, Op::IsNotSet, Value::Null),
            ],
            any: vec![cond(
                Field::CustomerTags,
                Op::ContainsAny,
                list(&["vip", "wholesale"]),
            )],
        },
        actions: vec![
            Action::Reply { template },
            Action::Note {
                text: "Auto-replied".into(),
            },
            Action::SetStatus {
                status: "pending".into(),
            },
            Action::SetPriority {
                priority: "high".into(),
            },
            Action::SetType {
                ticket_type: "shipping".into(),
            },
            Action::AddTags {
                tags: vec!["vip".into()],
            },
            Action::RemoveTags {
                tags: vec!["new".into()],
            },
            Action::Assign {
                to: AssignTo::Team {
                    team,
                    method: AssignMethod::LeastLoad,
                },
            },
            Action::Assign {
                to: AssignTo::AnyAgent {
                    method: AssignMethod::RoundRobin,
                },
            },
            Action::Assign {
                to: AssignTo::Agent { user },
            },
            Action::Assign {
                to: AssignTo::Nobody,
            },
            Action::ApplySla { policy },
            Action::OpenRma {
                reason: "damaged_in_transit".into(),
            },
            Action::Notify {
                to: NotifyTo::Team { team },
                text: "VIP waiting".into(),
            },
            Action::Notify {
                to: NotifyTo::User { user },
                text: "Look".into(),
            },
            Action::Notify {
                to: NotifyTo::Assignee,
                text: "Yours".into(),
            },
            Action::Notify {
                to: NotifyTo::Admins,
                text: "FYI".into(),
            },
            Action::Webhook {
                url: "https://example.com/hook".into(),
            },
            Action::BotAnswer,
        ],
        time: Some(TimeTrigger {
            after: TimeAnchor::OrderDelivered,
            minutes: 4320,
        }),
    }
}

#[test]
fn definitions_round_trip_through_json() {
    let def = full_definition();
    let json = serde_json::to_value(&def).unwrap();
    assert_eq!(serde_json::from_value::<Definition>(json).unwrap(), def);

    let without_time = Definition { time: None, ..def };
    let json = serde_json::to_string(&without_time).unwrap();
    assert!(
        !json.contains("\"time\""),
        "no time part for event rules: {json}"
    );
    assert_eq!(
        serde_json::from_str::<Definition>(&json).unwrap(),
        without_time
    );
}

/// Found by the rule_conditions fuzz target: without serde_json's `float_roundtrip`, a number
/// with more digits than an f64 holds was read back one ulp off after a save, so a rule's
/// threshold crept every time it was stored.
#[test]
fn long_numbers_survive_a_save_and_load_unchanged() {
    for text in [
        "100088888888888888888888",
        "0.30000000000000004",
        "1.7976931348623157e308",
        "5e-324",
        "123456789.12345679",
    ] {
        let json =
            format!(r#"{{"field": "customer.lifetime_value", "op": "gt", "value": {text}}}"#);
        let loaded: Condition = serde_json::from_str(&json).unwrap();
        let saved = serde_json::to_string(&loaded).unwrap();
        let reloaded: Condition = serde_json::from_str(&saved).unwrap();
        assert_eq!(reloaded, loaded, "{text} saved as {saved}");
    }
}

/// The stored format. Rules in the database look like this; changing this test means a
/// migration for the rules already saved.
#[test]
fn stored_definition_format_is_pinned() {
    let stored = r#"{
        "conditions": {
            "all": [
                {"field": "message.language", "op": "is", "value": "de"},
                {"field": "order.total", "op": "gte", "value": 12.5},
                {"field": "business_hours", "op": "is", "value": false},
                {"field": "ticket.assignee", "op": "is_not_set"}
            ],
            "any": [
                {"field": "customer.tags", "op": "contains_any", "value": ["vip", "wholesale"]}
            ]
        },
        "actions": [
            {"type": "reply", "template": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00a1"},
            {"type": "note", "text": "Auto-replied"},
            {"type": "set_status", "status": "pending"},
            {"type": "set_priority", "priority": "high"},
            {"type": "set_type", "ticket_type": "shipping"},
            {"type": "add_tags", "tags": ["vip"]},
            {"type": "remove_tags", "tags": ["new"]},
            {"type": "assign", "to": {"kind": "team", "team": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00b2", "method": "least_load"}},
            {"type": "assign", "to": {"kind": "any_agent", "method": "round_robin"}},
            {"type": "assign", "to": {"kind": "agent", "user": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00c3"}},
            {"type": "assign", "to": {"kind": "nobody"}},
            {"type": "apply_sla", "policy": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00d4"},
            {"type": "open_rma", "reason": "damaged_in_transit"},
            {"type": "notify", "to": {"kind": "team", "team": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00b2"}, "text": "VIP waiting"},
            {"type": "notify", "to": {"kind": "user", "user": "0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00c3"}, "text": "Look"},
            {"type": "notify", "to": {"kind": "assignee"}, "text": "Yours"},
            {"type": "notify", "to": {"kind": "admins"}, "text": "FYI"},
            {"type": "webhook", "url": "https://example.com/hook"},
            {"type": "bot_answer"}
        ],
        "time": {"after": "order_delivered", "minutes": 4320}
    }"#;
    let parsed: Definition = serde_json::from_str(stored).unwrap();
    assert_eq!(parsed, full_definition());

    // Serialising gives the same document back (an absent value is written as null).
    let mut expected: serde_json::Value = serde_json::from_str(stored).unwrap();
    expected["conditions"]["all"][3]["value"] = serde_json::Value::Null;
    assert_eq!(serde_json::to_value(&parsed).unwrap(), expected);

    // Everything is optional at the top: an empty object is an empty rule.
    assert_eq!(
        serde_json::from_str::<Definition>("{}").unwrap(),
        Definition::default()
    );
    // Integers read as numbers; unknown fields, operators and actions are refused.
    let c: Condition =
        serde_json::from_str(r#"{"field": "customer.order_count", "op": "gt", "value": 3}"#)
            .unwrap();
    assert_eq!(c.value, Value::Number(3.0));
    for bad in [
        r#"{"field": "ticket.mood", "op": "is", "value": "x"}"#,
        r#"{"field": "ticket.status", "op": "equals", "value": "x"}"#,
    ] {
        assert!(serde_json::from_str::<Condition>(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<Action>(r#"{"type": "delete_ticket"}"#).is_err());
}

#[test]
fn vocabularies_round_trip_and_match_the_ticket_codes() {
    for f in Field::ALL {
        assert_eq!(Field::parse(f.as_str()), Some(*f));
        assert_eq!(
            serde_json::to_string(f).unwrap(),
            format!("\"{}\"", f.as_str())
        );
        assert!(!f.kind().ops().is_empty());
        assert!(!f.label().is_empty());
    }
    assert_eq!(Field::ALL.len(), 29);
    for op in Op::ALL {
        assert_eq!(
            serde_json::from_str::<Op>(&format!("\"{}\"", op.as_str())).unwrap(),
            *op
        );
    }
    for t in Trigger::ALL {
        assert_eq!(Trigger::parse(t.as_str()), Some(*t));
    }
    for a in TimeAnchor::ALL {
        assert_eq!(TimeAnchor::parse(a.as_str()), Some(*a));
    }
    let codes = |it: &mut dyn Iterator<Item = &'static str>| it.collect::<Vec<_>>();
    assert_eq!(STATUSES, codes(&mut Status::ALL.iter().map(|s| s.as_str())));
    assert_eq!(
        PRIORITIES,
        codes(&mut Priority::ALL.iter().map(|p| p.as_str()))
    );
    assert_eq!(
        TICKET_TYPES,
        codes(&mut TicketType::ALL.iter().map(|t| t.as_str()))
    );
    assert_eq!(SENTIMENTS, ["negative", "neutral", "positive"]);
}

#[test]
fn rule_sets_follow_holiday_mode() {
    assert!(RuleSet::Always.active(true) && RuleSet::Always.active(false));
    assert!(RuleSet::Holiday.active(true) && !RuleSet::Holiday.active(false));
    assert!(!RuleSet::Regular.active(true) && RuleSet::Regular.active(false));
    assert_eq!(RuleSet::parse("holiday"), Some(RuleSet::Holiday));
}

#[test]
fn descriptions_read_as_sentences() {
    let rows = [
        (
            cond(Field::MessageLanguage, Op::Is, text("de")),
            "Message language is de",
        ),
        (
            cond(
                Field::CustomerTags,
                Op::ContainsAny,
                list(&["vip", "wholesale"]),
            ),
            "Customer tags contains any of vip, wholesale",
        ),
        (
            cond(Field::OrderTotal, Op::Gt, Value::Number(100.0)),
            "Order total is more than 100",
        ),
        (
            cond(Field::TicketAssignee, Op::IsNotSet, Value::Null),
            "Ticket assignee is not set",
        ),
        (
            cond(Field::TicketStatus, Op::ChangedTo, text("solved")),
            "Ticket status changed to solved",
        ),
    ];
    for (condition, expected) in rows {
        assert_eq!(condition.describe(), expected);
    }
    let def = full_definition();
    let described: Vec<String> = def.actions.iter().map(Action::describe).collect();
    assert_eq!(described[0], "Reply with template");
    assert_eq!(described[3], "Set priority to high");
    assert_eq!(described[5], "Add tag vip");
    assert_eq!(described[7], "Assign to a team (least load)");
    assert_eq!(described[10], "Unassign");
    assert_eq!(described[17], "Call webhook https://example.com/hook");
}

fn rule(conditions: Vec<Condition>, actions: Vec<Action>) -> Definition {
    Definition {
        conditions: Conditions {
            all: conditions,
            any: vec![],
        },
        actions,
        time: None,
    }
}

fn note() -> Action {
    Action::Note {
        text: "Check this".into(),
    }
}

#[test]
fn valid_rules_pass() {
    assert_eq!(validate(Trigger::Time, &full_definition()), Ok(()));
    let ok = rule(
        vec![
            cond(Field::TicketStatus, Op::ChangedTo, text("Solved")),
            cond(Field::TicketTags, Op::Contains, text("vip")),
            cond(Field::TicketTags, Op::Is, list(&["vip", "b2b"])),
            cond(
                Field::MessageText,
                Op::ContainsAny,
                list(&["订单", "คำสั่งซื้อ"]),
            ),
            cond(
                Field::TicketTeam,
                Op::In,
                list(&["0194d6b4-6a6f-7c3e-9d3e-3b1b5c1f00b2"]),
            ),
            cond(Field::OrderHasTracking, Op::Is, Value::Bool(true)),
            cond(Field::CustomerOrderCount, Op::Lte, Value::Number(1.0)),
            cond(Field::OrderCarrier, Op::Changed, Value::Null),
        ],
        vec![
            note(),
            Action::Webhook {
                url: "http://[::1]:8080/x?y=1".into(),
            },
            Action::Webhook {
                url: "HTTPS://hooks.example.co.jp:8443/a#b".into(),
            },
            Action::Webhook {
                url: "https://user:pw@例え.jp/hook".into(),
            },
        ],
    );
    assert_eq!(validate(Trigger::TicketUpdated, &ok), Ok(()));
    // Any anchor works for a time rule.
    for anchor in TimeAnchor::ALL {
        let mut def = rule(vec![], vec![note()]);
        def.time = Some(TimeTrigger {
            after: *anchor,
            minutes: 1,
        });
        assert_eq!(validate(Trigger::Time, &def), Ok(()), "{anchor:?}");
    }
}

#[test]
fn invalid_rules_are_refused_with_reasons() {
    use Field::*;
    let time = |minutes| {
        Some(TimeTrigger {
            after: TimeAnchor::LastOutbound,
            minutes,
        })
    };
    let with_time = |def: Definition, t| Definition { time: t, ..def };
    let rows: Vec<(&str, Trigger, Definition, &str)> = vec![
        (
            "no actions",
            Trigger::TicketCreated,
            rule(vec![], vec![]),
            "at least one action",
        ),
        (
            "too many actions",
            Trigger::TicketCreated,
            rule(vec![], vec![note(); MAX_ACTIONS + 1]),
            "at most 20 actions",
        ),
        (
            "too many conditions",
            Trigger::TicketCreated,
            rule(
                vec![cond(MessageLanguage, Op::Is, text("de")); MAX_CONDITIONS + 1],
                vec![note()],
            ),
            "at most 50 conditions",
        ),
        (
            "gt on text",
            Trigger::TicketCreated,
            rule(
                vec![cond(MessageLanguage, Op::Gt, Value::Number(1.0))],
                vec![note()],
            ),
            "can't be compared",
        ),
        (
            "contains on an enum",
            Trigger::TicketCreated,
            rule(
                vec![cond(TicketStatus, Op::Contains, text("op"))],
                vec![note()],
            ),
            "can't be compared",
        ),
        (
            "in on tags",
            Trigger::TicketCreated,
            rule(vec![cond(TicketTags, Op::In, list(&["a"]))], vec![note()]),
            "can't be compared",
        ),
        (
            "priority not in the vocabulary",
            Trigger::TicketCreated,
            rule(
                vec![cond(TicketPriority, Op::Is, text("hgh"))],
                vec![note()],
            ),
            "“hgh” is not a ticket priority",
        ),
        (
            "sentiment not in the vocabulary",
            Trigger::TicketCreated,
            rule(
                vec![cond(TicketSentiment, Op::In, list(&["angry"]))],
                vec![note()],
            ),
            "is not a ticket sentiment",
        ),
        (
            "number field with text",
            Trigger::TicketCreated,
            rule(vec![cond(OrderTotal, Op::Gt, text("100"))], vec![note()]),
            "needs a number",
        ),
        (
            "bool field with text",
            Trigger::TicketCreated,
            rule(vec![cond(BusinessHours, Op::Is, text("yes"))], vec![note()]),
            "needs true or false",
        ),
        (
            "in with a single value",
            Trigger::TicketCreated,
            rule(vec![cond(TicketStatus, Op::In, text("open"))], vec![note()]),
            "needs a list",
        ),
        (
            "is with a list",
            Trigger::TicketCreated,
            rule(
                vec![cond(TicketChannel, Op::Is, list(&["a", "b"]))],
                vec![note()],
            ),
            "needs a single value",
        ),
        (
            "empty keyword list",
            Trigger::TicketCreated,
            rule(
                vec![cond(MessageText, Op::ContainsAny, list(&[]))],
                vec![note()],
            ),
            "needs a value",
        ),
        (
            "blank keyword",
            Trigger::TicketCreated,
            rule(
                vec![cond(MessageText, Op::ContainsAny, list(&["refund", " "]))],
                vec![note()],
            ),
            "a value is empty",
        ),
        (
            "missing value",
            Trigger::TicketCreated,
            rule(
                vec![cond(MessageLanguage, Op::Is, Value::Null)],
                vec![note()],
            ),
            "needs a single value",
        ),
        (
            "assignee that is not an id",
            Trigger::TicketCreated,
            rule(
                vec![cond(TicketAssignee, Op::Is, text("anna"))],
                vec![note()],
            ),
            "not a valid id",
        ),
        (
            "changed outside ticket_updated",
            Trigger::MessageReceived,
            rule(
                vec![cond(TicketStatus, Op::Changed, Value::Null)],
                vec![note()],
            ),
            "only works for rules that run when a ticket is updated",
        ),
        (
            "changed_to outside ticket_updated",
            Trigger::Time,
            with_time(
                rule(
                    vec![cond(TicketStatus, Op::ChangedTo, text("open"))],
                    vec![note()],
                ),
                time(60),
            ),
            "only works for rules that run when a ticket is updated",
        ),
        (
            "time rule without time",
            Trigger::Time,
            rule(vec![], vec![note()]),
            "how long after what",
        ),
        (
            "time on an event rule",
            Trigger::TicketCreated,
            with_time(rule(vec![], vec![note()]), time(60)),
            "Only time rules have a waiting time",
        ),
        (
            "zero minutes",
            Trigger::Time,
            with_time(rule(vec![], vec![note()]), time(0)),
            "1 to 525600 minutes",
        ),
        (
            "more than a year",
            Trigger::Time,
            with_time(rule(vec![], vec![note()]), time(525_601)),
            "1 to 525600 minutes",
        ),
        (
            "empty tag list",
            Trigger::TicketCreated,
            rule(vec![], vec![Action::AddTags { tags: vec![] }]),
            "at least one tag",
        ),
        (
            "empty tag",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::RemoveTags {
                    tags: vec![" ".into()],
                }],
            ),
            "a tag is empty",
        ),
        (
            "invalid tag",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::AddTags {
                    tags: vec!["a/b".into()],
                }],
            ),
            "not a valid tag",
        ),
        (
            "unknown status",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::SetStatus {
                    status: "done".into(),
                }],
            ),
            "“done” is not a status",
        ),
        (
            "status codes are exact",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::SetStatus {
                    status: "Solved".into(),
                }],
            ),
            "is not a status",
        ),
        (
            "unknown priority",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::SetPriority {
                    priority: "hgh".into(),
                }],
            ),
            "“hgh” is not a priority",
        ),
        (
            "unknown type",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::SetType {
                    ticket_type: "spam".into(),
                }],
            ),
            "is not a ticket type",
        ),
        (
            "blank note",
            Trigger::TicketCreated,
            rule(vec![], vec![Action::Note { text: "  ".into() }]),
            "needs a text",
        ),
        (
            "note too long",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::Note {
                    text: "字".repeat(5001),
                }],
            ),
            "5001 characters",
        ),
        (
            "blank notification",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::Notify {
                    to: NotifyTo::Admins,
                    text: String::new(),
                }],
            ),
            "needs a text",
        ),
        (
            "notification too long",
            Trigger::TicketCreated,
            rule(
                vec![],
                vec![Action::Notify {
                    to: NotifyTo::Assignee,
                    text: "x".repeat(5001),
                }],
            ),
            "at most 5000",
        ),
        (
            "blank return reason",
            Trigger::TicketCreated,
            rule(vec![], vec![Action::OpenRma { reason: "".into() }]),
            "needs a reason",
        ),
    ];
    for (name, trigger, def, expected) in rows {
        let errors = validate(trigger, &def).expect_err(name);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{name}: expected “{expected}” in {errors:?}"
        );
    }

    for url in [
        "",
        "example.com/hook",
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://example.com:99999/",
        "https://example.com:0/",
        "https://example..com/",
        "https://-example.com/",
        "https://[not-ipv6]/",
        "https://exa_mple.com/",
        "https://example.com/\n",
    ] {
        let def = rule(vec![], vec![Action::Webhook { url: url.into() }]);
        let errors = validate(Trigger::TicketCreated, &def).expect_err(url);
        assert!(
            errors[0].contains("is not a web address"),
            "{url}: {errors:?}"
        );
    }

    // Every problem is reported, not only the first.
    let messy = Definition {
        conditions: Conditions {
            all: vec![cond(TicketPriority, Op::Is, text("hgh"))],
            any: vec![cond(OrderTotal, Op::Gt, text("a lot"))],
        },
        actions: vec![],
        time: time(5),
    };
    assert_eq!(
        validate(Trigger::TicketCreated, &messy).unwrap_err().len(),
        4
    );
}

fn any_fact() -> impl Strategy<Value = Fact> {
    prop_oneof![
        ".{0,12}".prop_map(Fact::Text),
        any::<f64>().prop_map(Fact::Number),
        prop::collection::vec(".{0,6}", 0..4).prop_map(Fact::List),
        any::<bool>().prop_map(Fact::Bool),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(Value::Number),
        ".{0,6}".prop_map(Value::Text),
        prop::collection::vec(".{0,6}", 0..4).prop_map(Value::List),
    ]
}

/// Values as a form submits them: numbers in cents range (JSON holds no NaN or infinity).
fn stored_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-100_000_000i64..100_000_000).prop_map(|cents| Value::Number(cents as f64 / 100.0)),
        ".{0,6}".prop_map(Value::Text),
        prop::collection::vec(".{0,6}", 0..4).prop_map(Value::List),
    ]
}

fn any_field() -> impl Strategy<Value = Field> {
    prop::sample::select(Field::ALL)
}

fn any_op() -> impl Strategy<Value = Op> {
    prop::sample::select(Op::ALL)
}

proptest! {
    #[test]
    fn evaluation_never_panics(
        field in any_field(),
        op in any_op(),
        value in any_value(),
        current in prop::option::of(any_fact()),
        previous in prop::option::of(prop::option::of(any_fact())),
    ) {
        let mut facts = Facts::new();
        facts.set_opt(field, current);
        if let Some(previous) = previous {
            facts.set_previous(field, previous);
        }
        let condition = cond(field, op, value);
        let _ = holds(&condition, &facts);
        let outcome = evaluate(
            &Conditions { all: vec![condition.clone()], any: vec![condition] },
            &facts,
        );
        prop_assert_eq!(outcome.matched, outcome.failed.is_empty());
    }

    #[test]
    fn negative_operators_negate_their_positive_twins(
        field in any_field(),
        value in any_value(),
        fact in any_fact(),
    ) {
        let facts = Facts::new().with(field, fact);
        for (positive, negative) in [(Op::Is, Op::IsNot), (Op::In, Op::NotIn), (Op::Contains, Op::NotContains)] {
            prop_assert_eq!(
                holds(&cond(field, negative, value.clone()), &facts),
                !holds(&cond(field, positive, value.clone()), &facts)
            );
        }
        prop_assert_eq!(
            holds(&cond(field, Op::IsSet, Value::Null), &facts),
            !holds(&cond(field, Op::IsNotSet, Value::Null), &facts)
        );
    }

    #[test]
    fn definitions_survive_storage(
        fields in prop::collection::vec((any_field(), any_op(), stored_value()), 0..6),
    ) {
        let def = Definition {
            conditions: Conditions {
                all: fields.into_iter().map(|(f, o, v)| cond(f, o, v)).collect(),
                any: vec![],
            },
            actions: vec![note()],
            time: None,
        };
        let json = serde_json::to_string(&def).unwrap();
        prop_assert_eq!(serde_json::from_str::<Definition>(&json).unwrap(), def);
    }
}
