//! Amazon Selling Partner API: Login with Amazon tokens, orders, messaging, returns report, notifications.
