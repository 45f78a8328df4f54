//! Triage: what a buyer's message and the customer's history say about how soon a ticket
//! must be answered, with every reason spelled out so an agent sees why (#1042 is urgent
//! because the buyer threatens a chargeback and has spent 1,200 € with the shop).
//!
//! The assessment only ever raises a ticket's priority; what an agent set by hand stays
//! unless the new message is more pressing.

use serde::{Deserialize, Serialize};

use crate::classify::{Escalation, Intent, Sentiment};
use crate::ticket::Priority;

/// What the assessment reads.
#[derive(Debug, Clone, Default)]
pub struct Signals<'a> {
    pub intent: Option<Intent>,
    pub sentiment: Option<Sentiment>,
    /// Every escalation the ticket's messages raised so far.
    pub escalations: &'a [Escalation],
    /// The customer's lifetime value in the shop's minor units.
    pub lifetime_value_minor: i64,
    /// Complaints the customer made before this ticket.
    pub earlier_complaints: i32,
    /// Flagged by an agent as abusive.
    pub abusive: bool,
}

/// Where customer value starts to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Lifetime value (minor units) from which a customer is a VIP.
    pub vip_lifetime_value_minor: i64,
    /// Earlier complaints from which a customer is a repeat complainer.
    pub repeat_complaints: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            vip_lifetime_value_minor: 100_000,
            repeat_complaints: 2,
        }
    }
}

/// One reason behind a priority, as stored on the ticket (`priority_reasons`) and shown on
/// its page: `{"code": "escalation", "detail": "chargeback"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// A threat of a claim, chargeback, bad review, legal action, or a safety hazard.
    Escalation,
    /// The buyer complains (intent `complaint`).
    Complaint,
    /// A problem with the goods (not received, damaged, wrong item) told angrily.
    AngryProblem,
    /// The buyer sounds upset.
    NegativeSentiment,
    /// The customer is worth a lot to the shop.
    VipCustomer,
    /// The customer has complained before, more than once.
    RepeatComplaints,
    /// An agent flagged the customer as abusive: someone senior answers, first.
    Abusive,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::Escalation => "escalation",
            ReasonCode::Complaint => "complaint",
            ReasonCode::AngryProblem => "angry_problem",
            ReasonCode::NegativeSentiment => "negative_sentiment",
            ReasonCode::VipCustomer => "vip_customer",
            ReasonCode::RepeatComplaints => "repeat_complaints",
            ReasonCode::Abusive => "abusive",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub priority: Priority,
    pub reasons: Vec<Reason>,
}

/// The priority the signals call for, and why. With no signal at all it is `normal` and
/// there are no reasons.
///
/// - any escalation → urgent;
/// - a complaint, or a goods problem (not received, damaged, wrong item) with negative
///   sentiment → high; other negative messages → high as well, but as "sounds upset";
/// - a VIP customer, a repeat complainer, an abusive customer: one step up each (at most
///   urgent).
pub fn assess(s: &Signals<'_>, th: &Thresholds) -> Assessment {
    let mut reasons = Vec::new();
    let mut level = level_of(Priority::Normal);
    let negative = s.sentiment == Some(Sentiment::Negative);
    if !s.escalations.is_empty() {
        level = level_of(Priority::Urgent);
        for e in s.escalations {
            reasons.push(Reason {
                code: ReasonCode::Escalation,
                detail: Some(e.as_str().to_owned()),
            });
        }
    }
    let goods_problem = matches!(
        s.intent,
        Some(Intent::NotReceived | Intent::DamagedDefective | Intent::WrongItem)
    );
    if s.intent == Some(Intent::Complaint) {
        level = level.max(level_of(Priority::High));
        reasons.push(Reason {
            code: ReasonCode::Complaint,
            detail: None,
        });
    } else if goods_problem && negative {
        level = level.max(level_of(Priority::High));
        reasons.push(Reason {
            code: ReasonCode::AngryProblem,
            detail: s.intent.map(|i| i.as_str().to_owned()),
        });
    } else if negative {
        level = level.max(level_of(Priority::High));
        reasons.push(Reason {
            code: ReasonCode::NegativeSentiment,
            detail: None,
        });
    }
    let mut bump = |code: ReasonCode, detail: Option<String>| {
        level = (level + 1).min(level_of(Priority::Urgent));
        reasons.push(Reason { code, detail });
    };
    if s.lifetime_value_minor >= th.vip_lifetime_value_minor && th.vip_lifetime_value_minor > 0 {
        bump(
            ReasonCode::VipCustomer,
            Some(s.lifetime_value_minor.to_string()),
        );
    }
    if s.earlier_complaints >= th.repeat_complaints && th.repeat_complaints > 0 {
        bump(
            ReasonCode::RepeatComplaints,
            Some(s.earlier_complaints.to_string()),
        );
    }
    if s.abusive {
        bump(ReasonCode::Abusive, None);
    }
    Assessment {
        priority: Priority::ALL[level],
        reasons,
    }
}

/// Whether `a` is more pressing than `b`.
pub fn higher(a: Priority, b: Priority) -> bool {
    level_of(a) > level_of(b)
}

/// Whether a ticket with this intent, or any escalation, counts as a complaint against the
/// customer's record (their `complaint_count`).
pub fn is_complaint(intent: Option<Intent>, escalations: &[Escalation]) -> bool {
    intent == Some(Intent::Complaint) || !escalations.is_empty()
}

fn level_of(p: Priority) -> usize {
    Priority::ALL
        .iter()
        .position(|x| *x == p)
        .expect("every priority is in ALL")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(a: &Assessment) -> Vec<&'static str> {
        a.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn nothing_pressing_is_normal_without_reasons() {
        let a = assess(
            &Signals {
                intent: Some(Intent::OrderStatus),
                sentiment: Some(Sentiment::Neutral),
                ..Signals::default()
            },
            &Thresholds::default(),
        );
        assert_eq!(a.priority, Priority::Normal);
        assert!(a.reasons.is_empty());
    }

    #[test]
    fn escalation_is_urgent_and_names_each_threat() {
        let a = assess(
            &Signals {
                intent: Some(Intent::NotReceived),
                sentiment: Some(Sentiment::Negative),
                escalations: &[Escalation::Chargeback, Escalation::BadReview],
                ..Signals::default()
            },
            &Thresholds::default(),
        );
        assert_eq!(a.priority, Priority::Urgent);
        assert_eq!(
            codes(&a),
            ["escalation", "escalation", "angry_problem"],
            "{a:?}"
        );
        assert_eq!(a.reasons[0].detail.as_deref(), Some("chargeback"));
        assert_eq!(a.reasons[1].detail.as_deref(), Some("bad_review"));
    }

    /// intent, sentiment, lifetime value, earlier complaints, abusive → priority, reason codes
    type Row = (
        Option<Intent>,
        Option<Sentiment>,
        i64,
        i32,
        bool,
        Priority,
        &'static [&'static str],
    );

    #[test]
    fn table() {
        let th = Thresholds::default();
        let cases: &[Row] = &[
            (
                Some(Intent::Complaint),
                None,
                0,
                0,
                false,
                Priority::High,
                &["complaint"],
            ),
            (
                Some(Intent::DamagedDefective),
                Some(Sentiment::Negative),
                0,
                0,
                false,
                Priority::High,
                &["angry_problem"],
            ),
            (
                Some(Intent::DamagedDefective),
                Some(Sentiment::Neutral),
                0,
                0,
                false,
                Priority::Normal,
                &[],
            ),
            (
                Some(Intent::ProductQuestion),
                Some(Sentiment::Negative),
                0,
                0,
                false,
                Priority::High,
                &["negative_sentiment"],
            ),
            // A VIP asking a question: one step up.
            (
                Some(Intent::ProductQuestion),
                Some(Sentiment::Positive),
                250_000,
                0,
                false,
                Priority::High,
                &["vip_customer"],
            ),
            // Just under the VIP line.
            (
                Some(Intent::OrderStatus),
                None,
                99_999,
                0,
                false,
                Priority::Normal,
                &[],
            ),
            // A repeat complainer who complains again, and is a VIP: capped at urgent.
            (
                Some(Intent::Complaint),
                Some(Sentiment::Negative),
                100_000,
                3,
                false,
                Priority::Urgent,
                &["complaint", "vip_customer", "repeat_complaints"],
            ),
            (None, None, 0, 1, false, Priority::Normal, &[]),
            (
                None,
                None,
                0,
                2,
                false,
                Priority::High,
                &["repeat_complaints"],
            ),
            (None, None, 0, 0, true, Priority::High, &["abusive"]),
        ];
        for (intent, sentiment, ltv, complaints, abusive, want, want_codes) in cases {
            let a = assess(
                &Signals {
                    intent: *intent,
                    sentiment: *sentiment,
                    escalations: &[],
                    lifetime_value_minor: *ltv,
                    earlier_complaints: *complaints,
                    abusive: *abusive,
                },
                &th,
            );
            assert_eq!(
                a.priority, *want,
                "{intent:?} {sentiment:?} {ltv} {complaints}"
            );
            assert_eq!(codes(&a), *want_codes, "{intent:?} {sentiment:?} {ltv}");
        }
    }

    #[test]
    fn reasons_are_stored_as_code_and_detail() {
        let r = Reason {
            code: ReasonCode::Escalation,
            detail: Some("legal".into()),
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "escalation", "detail": "legal"})
        );
        let plain = serde_json::to_value(Reason {
            code: ReasonCode::Abusive,
            detail: None,
        })
        .unwrap();
        assert_eq!(plain, serde_json::json!({"code": "abusive"}));
        for code in [
            ReasonCode::Escalation,
            ReasonCode::Complaint,
            ReasonCode::AngryProblem,
            ReasonCode::NegativeSentiment,
            ReasonCode::VipCustomer,
            ReasonCode::RepeatComplaints,
            ReasonCode::Abusive,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn complaints_count_against_the_customer() {
        assert!(is_complaint(Some(Intent::Complaint), &[]));
        assert!(is_complaint(
            Some(Intent::OrderStatus),
            &[Escalation::Legal]
        ));
        assert!(!is_complaint(Some(Intent::DamagedDefective), &[]));
        assert!(!is_complaint(None, &[]));
    }
}
