-- Returns: the shop's policy and warehouses, the decision the engine made for each RMA, its
-- photos and timeline, and refunds. The policy and warehouse lanes are the domain types
-- (aftersail_domain::returns) as JSON: the engine reads them whole, and the owner edits them
-- whole.

-- One policy per shop: ordered rules (aftersail_domain::returns::Policy as JSON); its days are
-- counted in the shop's time zone (tenants.time_zone).
CREATE TABLE return_settings (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    policy     jsonb NOT NULL,
    -- The preset the owner started from (eu, uk, us, japan, australia, shopee_sea, gulf).
    preset     text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE warehouses (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind            text NOT NULL CHECK (kind IN ('return_centre', 'repair_partner', 'home')),
    -- ISO 3166-1 alpha-2 countries it takes returns from.
    serves          text[] NOT NULL DEFAULT '{}',
    -- [{"from": "DE", "cost": {"minor": 450, "currency": "EUR"}}, …]
    lanes           jsonb NOT NULL DEFAULT '[]',
    accepts_repairs boolean NOT NULL DEFAULT false,
    -- The return address shown to buyers.
    address         text NOT NULL DEFAULT '',
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX warehouses_name_key ON warehouses (tenant_id, lower(name));

ALTER TABLE rmas DROP CONSTRAINT rmas_status_check;
ALTER TABLE rmas ADD CONSTRAINT rmas_status_check CHECK (status IN
    ('requested', 'approved', 'rejected', 'in_transit', 'received', 'inspected', 'refunded', 'resolved', 'closed'));
-- What the engine decided (aftersail_domain::returns::Decision as JSON) and the request it saw.
ALTER TABLE rmas ADD COLUMN decision jsonb;
ALTER TABLE rmas ADD COLUMN request jsonb;
ALTER TABLE rmas ADD COLUMN refund_minor bigint;
ALTER TABLE rmas ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$');
ALTER TABLE rmas ADD COLUMN warehouse_id uuid;
ALTER TABLE rmas ADD COLUMN buyer_email text;
-- The language the buyer used on the portal; their emails and status page use it.
ALTER TABLE rmas ADD COLUMN language text;
ALTER TABLE rmas ADD COLUMN carrier text;
ALTER TABLE rmas ADD COLUMN tracking_number text;
ALTER TABLE rmas ADD COLUMN label_url text;
ALTER TABLE rmas ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE rmas ADD FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id) ON DELETE SET NULL (warehouse_id);
-- The returns list: newest first per status.
CREATE INDEX rmas_status_idx ON rmas (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX rmas_order_idx ON rmas (tenant_id, order_id);

CREATE TABLE rma_photos (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    rma_id       uuid NOT NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rma_id) REFERENCES rmas (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX rma_photos_rma_idx ON rma_photos (tenant_id, rma_id);

-- The timeline buyers and agents see (buyers: only rows with visible_to_buyer).
CREATE TABLE rma_events (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    rma_id           uuid NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    actor_user_id    uuid,
    -- requested, decided, approved, rejected, overridden, label_issued, in_transit, received,
    -- inspected, refund_requested, refund_approved, refund_rejected, refund_issued,
    -- refund_failed, resolved, closed, note
    kind             text NOT NULL,
    note             text,
    visible_to_buyer boolean NOT NULL DEFAULT true,
    data             jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rma_id) REFERENCES rmas (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, actor_user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX rma_events_rma_idx ON rma_events (tenant_id, rma_id, at, id);

-- Refunds wait for review, then are issued on the platform exactly once: the idempotency
-- key is sent to the platform and unique here.
CREATE TABLE refunds (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    rma_id          uuid NOT NULL,
    order_id        uuid NOT NULL,
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    state           text NOT NULL DEFAULT 'pending_review'
                    CHECK (state IN ('pending_review', 'approved', 'rejected', 'issued', 'failed')),
    idempotency_key text NOT NULL,
    external_id     text,
    last_error      text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_id        uuid,
    lease_until     timestamptz,
    decided_by      uuid,
    decided_at      timestamptz,
    issued_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT refunds_idempotency_key UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, rma_id) REFERENCES rmas (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id)
);
-- One live refund per RMA: a second is refused until the first is rejected.
CREATE UNIQUE INDEX refunds_one_per_rma ON refunds (tenant_id, rma_id) WHERE state <> 'rejected';
-- The review queue, oldest first.
CREATE INDEX refunds_queue_idx ON refunds (tenant_id, state, created_at);
-- The sync worker's claim across shops.
CREATE INDEX refunds_due_idx ON refunds (next_attempt_at) WHERE state = 'approved';

-- Buyer portal throttling (per client address and per shop), like login_attempts: not tenant
-- data, read before any shop is trusted.
CREATE TABLE portal_attempts (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_attempts_key_idx ON portal_attempts (key, at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['return_settings', 'warehouses', 'rma_photos', 'rma_events', 'refunds']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END $$;

-- The buyer portal knows a shop only by the slug in its URL: this resolves it (a shop's slug
-- and name are public) and nothing else; everything after runs in that shop's transaction.
CREATE FUNCTION portal_shop(p_slug text)
    RETURNS TABLE (id uuid, name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT t.id, t.name FROM tenants t WHERE t.slug = lower(p_slug) $$;
REVOKE ALL ON FUNCTION portal_shop(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_shop(text) TO aftersail_app;

-- Refund sync claims approved refunds across shops (FOR UPDATE SKIP LOCKED, leased).
CREATE FUNCTION claim_due_refunds(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        WITH due AS (
            SELECT r.tenant_id, r.id FROM refunds r
            WHERE r.state = 'approved' AND r.next_attempt_at <= now()
              AND (r.lease_until IS NULL OR r.lease_until < now())
            ORDER BY r.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED
        )
        UPDATE refunds r SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                             attempts = r.attempts + 1
        FROM due WHERE r.tenant_id = due.tenant_id AND r.id = due.id
        RETURNING r.tenant_id, r.id, r.lease_id
    $$;
REVOKE ALL ON FUNCTION claim_due_refunds(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_due_refunds(integer, interval) TO aftersail_app;
