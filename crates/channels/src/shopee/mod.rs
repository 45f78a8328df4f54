//! Shopee Open Platform v2: request signing, tokens, orders, tracking, returns, seller chat, push.
