//! What a rule's conditions see: the ticket, its customer and order, the message that
//! started the run, the values before a change, and whether the shop is open now.

use aftersail_db::automation::{MessageView, TicketView};
use aftersail_domain::money;
use aftersail_domain::rules::{Fact, Facts, Field};
use aftersail_domain::sla::calendar::Clock;
use chrono::{DateTime, Utc};
use serde_json::Value as Json;

pub fn build(
    t: &TicketView,
    message: Option<&MessageView>,
    previous: Option<&Json>,
    shop_hours: Option<&Clock>,
    now: DateTime<Utc>,
) -> Facts {
    let mut f = Facts::new();
    let text = |v: &str| Fact::Text(v.to_owned());
    let opt = |v: &Option<String>| v.as_deref().map(text);
    f.set(Field::TicketStatus, text(&t.status));
    f.set(Field::TicketPriority, text(&t.priority));
    f.set_opt(Field::TicketType, opt(&t.kind));
    f.set(Field::TicketChannel, text(&t.channel));
    f.set(Field::TicketSubject, text(&t.subject));
    f.set(Field::TicketTags, Fact::List(t.tags.clone()));
    f.set_opt(Field::TicketLanguage, opt(&t.language));
    f.set_opt(Field::TicketSentiment, opt(&t.sentiment));
    f.set_opt(
        Field::TicketAssignee,
        t.assignee_id.map(|u| text(&u.to_string())),
    );
    f.set_opt(Field::TicketTeam, t.team_id.map(|u| text(&u.to_string())));
    if let Some(m) = message {
        f.set(Field::MessageText, text(&m.body_text));
        f.set_opt(Field::MessageLanguage, opt(&m.language));
        f.set_opt(Field::MessageIntent, opt(&m.intent));
    }
    f.set_opt(Field::CustomerEmail, opt(&t.customer_email));
    f.set_opt(Field::CustomerCountry, opt(&t.customer_country));
    f.set_opt(Field::CustomerLanguage, opt(&t.customer_language));
    f.set(Field::CustomerTags, Fact::List(t.customer_tags.clone()));
    f.set(
        Field::CustomerLifetimeValue,
        Fact::Number(major(t.customer_lifetime_value_minor, &t.customer_currency)),
    );
    f.set(
        Field::CustomerOrderCount,
        Fact::Number(f64::from(t.customer_order_count)),
    );
    f.set(
        Field::CustomerComplaintCount,
        Fact::Number(f64::from(t.customer_complaint_count)),
    );
    if t.order_id.is_some() {
        f.set_opt(Field::OrderStatus, opt(&t.order_status));
        if let (Some(total), Some(currency)) = (t.order_total_minor, &t.order_currency) {
            f.set(Field::OrderTotal, Fact::Number(major(total, currency)));
        }
        f.set_opt(Field::OrderCurrency, opt(&t.order_currency));
        f.set_opt(Field::OrderShippingCountry, opt(&t.order_shipping_country));
        f.set_opt(Field::OrderCarrier, opt(&t.order_carrier));
        f.set(
            Field::OrderHasTracking,
            Fact::Bool(
                t.order_tracking_number
                    .as_deref()
                    .is_some_and(|n| !n.trim().is_empty()),
            ),
        );
        f.set_opt(
            Field::OrderDaysSinceOrder,
            t.order_ordered_at.map(|at| days(at, now)),
        );
        f.set_opt(
            Field::OrderDaysSinceDelivery,
            t.order_delivered_at.map(|at| days(at, now)),
        );
    }
    if let Some(clock) = shop_hours {
        f.set(Field::BusinessHours, Fact::Bool(clock.is_open(now)));
    }
    if let Some(previous) = previous {
        let before = |key: &str| previous.get(key).and_then(Json::as_str).map(text);
        f.set_previous(Field::TicketStatus, before("status"));
        f.set_previous(Field::TicketPriority, before("priority"));
        f.set_previous(Field::TicketType, before("type"));
        f.set_previous(Field::TicketAssignee, before("assignee"));
        f.set_previous(Field::TicketTeam, before("team"));
        let tags = previous.get("tags").and_then(Json::as_array).map(|tags| {
            Fact::List(
                tags.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect(),
            )
        });
        f.set_previous(Field::TicketTags, tags);
    }
    f
}

fn major(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(money::exponent(currency) as i32)
}

fn days(since: DateTime<Utc>, now: DateTime<Utc>) -> Fact {
    Fact::Number((now - since).num_seconds() as f64 / 86_400.0)
}
