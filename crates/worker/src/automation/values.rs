//! Template values for a ticket as the rule runner sees it.

use aftersail_db::automation::TicketView;
use aftersail_domain::kb::help_center_link;
pub use aftersail_domain::templates::TicketValues as TemplateValues;

pub trait OfTicket {
    /// `help_url`: the shop's help center (`{public url}/p/{shop}/help`), opened in the
    /// ticket's language.
    fn of(
        t: &TicketView,
        shop_name: &str,
        portal_url: Option<&str>,
        help_url: Option<&str>,
    ) -> Self;
}

impl OfTicket for TemplateValues {
    fn of(
        t: &TicketView,
        shop_name: &str,
        portal_url: Option<&str>,
        help_url: Option<&str>,
    ) -> Self {
        let language = t.language.as_deref().or(t.customer_language.as_deref());
        TemplateValues {
            customer_name: Some(t.customer_name.clone()),
            customer_email: t.customer_email.clone(),
            ticket_number: Some(t.number),
            ticket_subject: Some(t.subject.clone()),
            order_number: t.order_number.clone(),
            order_carrier: t.order_carrier.clone(),
            order_tracking: t.order_tracking_number.clone(),
            rma_code: t.rma_code.clone(),
            portal_return_url: portal_url.map(str::to_owned),
            help_center_url: help_url.map(|u| help_center_link(u, language)),
            agent_name: t.assignee_name.clone(),
            shop_name: Some(shop_name.to_owned()),
        }
    }
}
