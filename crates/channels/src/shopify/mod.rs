//! Shopify: OAuth install, Admin GraphQL polling, webhooks. (in progress)
