//! Placeholder for the classifier's public API (types only) so the code that stores and uses
//! classifications builds; replaced by the classifier itself.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intent {
    OrderStatus,
    NotReceived,
    ReturnRequest,
    RefundStatus,
    DamagedDefective,
    WrongItem,
    CancelOrder,
    ChangeAddress,
    ProductQuestion,
    InvoiceRequest,
    Complaint,
    Other,
}

impl Intent {
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::OrderStatus => "order_status",
            Intent::NotReceived => "not_received",
            Intent::ReturnRequest => "return_request",
            Intent::RefundStatus => "refund_status",
            Intent::DamagedDefective => "damaged_defective",
            Intent::WrongItem => "wrong_item",
            Intent::CancelOrder => "cancel_order",
            Intent::ChangeAddress => "change_address",
            Intent::ProductQuestion => "product_question",
            Intent::InvoiceRequest => "invoice_request",
            Intent::Complaint => "complaint",
            Intent::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Intent> {
        [
            Intent::OrderStatus,
            Intent::NotReceived,
            Intent::ReturnRequest,
            Intent::RefundStatus,
            Intent::DamagedDefective,
            Intent::WrongItem,
            Intent::CancelOrder,
            Intent::ChangeAddress,
            Intent::ProductQuestion,
            Intent::InvoiceRequest,
            Intent::Complaint,
            Intent::Other,
        ]
        .into_iter()
        .find(|i| i.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sentiment {
    Negative,
    Neutral,
    Positive,
}

impl Sentiment {
    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Negative => "neg",
            Sentiment::Neutral => "neu",
            Sentiment::Positive => "pos",
        }
    }
    pub fn db(self) -> &'static str {
        match self {
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Positive => "positive",
        }
    }
    pub fn parse(s: &str) -> Option<Sentiment> {
        match s {
            "neg" | "negative" => Some(Sentiment::Negative),
            "neu" | "neutral" => Some(Sentiment::Neutral),
            "pos" | "positive" => Some(Sentiment::Positive),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Escalation {
    Claim,
    Chargeback,
    BadReview,
    Legal,
    Safety,
}

impl Escalation {
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::Claim => "claim",
            Escalation::Chargeback => "chargeback",
            Escalation::BadReview => "bad_review",
            Escalation::Legal => "legal",
            Escalation::Safety => "safety",
        }
    }
    pub fn parse(s: &str) -> Option<Escalation> {
        [
            Escalation::Claim,
            Escalation::Chargeback,
            Escalation::BadReview,
            Escalation::Legal,
            Escalation::Safety,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

#[derive(Clone, Debug)]
pub struct Classification {
    pub lang: Option<String>,
    pub intent: Intent,
    pub confidence: f32,
    pub sentiment: Sentiment,
    pub escalations: Vec<Escalation>,
}

impl Classification {
    pub fn escalate(&self) -> bool {
        !self.escalations.is_empty()
    }
}

pub mod lang {
    pub fn detect(_text: &str) -> Option<String> {
        None
    }
}

pub fn classify(_text: &str, lang_hint: Option<&str>) -> Classification {
    Classification {
        lang: lang_hint.map(str::to_owned),
        intent: Intent::Other,
        confidence: 0.0,
        sentiment: Sentiment::Neutral,
        escalations: Vec::new(),
    }
}
