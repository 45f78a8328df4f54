//! eBay: OAuth refresh, Sell Fulfillment orders, Message API, Post-Order returns/inquiries/cases, Notification API.
