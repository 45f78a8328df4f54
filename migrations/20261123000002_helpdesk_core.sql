-- The helpdesk's core records: customers, orders, tickets and their messages, returns (RMAs).
-- Later issues add columns and tables around these (channels, SLA, rules, refunds).

ALTER TABLE tenants ADD COLUMN next_ticket_number bigint NOT NULL DEFAULT 1000;
ALTER TABLE tenants ADD COLUMN next_rma_number bigint NOT NULL DEFAULT 1;

CREATE TABLE customers (
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                   uuid NOT NULL,
    name                 text NOT NULL,
    email                text,
    country              text CHECK (country ~ '^[A-Z]{2}$'),
    language             text,
    tags                 text[] NOT NULL DEFAULT '{}',
    lifetime_value_minor bigint NOT NULL DEFAULT 0,
    currency             text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    order_count          integer NOT NULL DEFAULT 0,
    complaint_count      integer NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX customers_name_idx ON customers (tenant_id, lower(name), id);
CREATE INDEX customers_email_idx ON customers (tenant_id, lower(email));

-- How a customer is known on each channel (relay addresses, marketplace buyer ids).
CREATE TABLE customer_identities (
    tenant_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    channel     text NOT NULL,
    address     text NOT NULL,
    PRIMARY KEY (tenant_id, channel, address),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE orders (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    customer_id      uuid NOT NULL,
    channel          text NOT NULL,
    external_id      text NOT NULL,
    status           text NOT NULL,
    total_minor      bigint NOT NULL,
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    shipping_country text CHECK (shipping_country ~ '^[A-Z]{2}$'),
    carrier          text,
    tracking_number  text,
    ordered_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    CONSTRAINT orders_external_key UNIQUE (tenant_id, channel, external_id)
);
CREATE INDEX orders_customer_idx ON orders (tenant_id, customer_id, ordered_at DESC);

CREATE TABLE order_items (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    order_id         uuid NOT NULL,
    sku              text NOT NULL,
    title            text NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_items_order_idx ON order_items (tenant_id, order_id);

CREATE TABLE tickets (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    number           bigint NOT NULL,
    channel          text NOT NULL,
    customer_id      uuid NOT NULL,
    order_id         uuid,
    subject          text NOT NULL,
    status           text NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority         text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    type             text CHECK (type IN ('question', 'technical', 'return', 'repair', 'complaint', 'shipping', 'billing')),
    assignee_id      uuid,
    team_id          uuid,
    tags             text[] NOT NULL DEFAULT '{}',
    language         text,
    first_message_at timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT tickets_number_key UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE SET NULL (team_id)
);
-- The inbox: newest activity first, keyset over (last_message_at, id).
CREATE INDEX tickets_inbox_idx ON tickets (tenant_id, last_message_at DESC, id DESC);
CREATE INDEX tickets_customer_idx ON tickets (tenant_id, customer_id);

CREATE TABLE messages (
    tenant_id      uuid NOT NULL,
    id             uuid NOT NULL,
    ticket_id      uuid NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('inbound', 'outbound', 'note')),
    author_user_id uuid,
    body_text      text NOT NULL,
    body_html      text,
    language       text,
    channel        text NOT NULL,
    external_id    text,
    delivery_state text CHECK (delivery_state IN ('queued', 'sent', 'failed', 'dead')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX messages_ticket_idx ON messages (tenant_id, ticket_id, created_at, id);
-- Ingest dedup: one stored message per channel message.
CREATE UNIQUE INDEX messages_external_key ON messages (tenant_id, channel, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE rmas (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    code        text NOT NULL,
    order_id    uuid NOT NULL,
    customer_id uuid NOT NULL,
    ticket_id   uuid,
    status      text NOT NULL DEFAULT 'requested'
                CHECK (status IN ('requested', 'approved', 'rejected', 'in_transit', 'received', 'refunded', 'closed')),
    reason      text NOT NULL,
    resolution  text CHECK (resolution IN ('refund', 'exchange', 'repair', 'store_credit', 'partial_refund')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT rmas_code_key UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE SET NULL (ticket_id)
);
CREATE INDEX rmas_recent_idx ON rmas (tenant_id, created_at DESC, id DESC);

CREATE TABLE rma_items (
    tenant_id     uuid NOT NULL,
    rma_id        uuid NOT NULL,
    order_item_id uuid NOT NULL,
    quantity      integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (tenant_id, rma_id, order_item_id),
    FOREIGN KEY (tenant_id, rma_id) REFERENCES rmas (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_item_id) REFERENCES order_items (tenant_id, id)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['customers', 'customer_identities', 'orders', 'order_items', 'tickets',
                             'messages', 'rmas', 'rma_items']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END $$;
