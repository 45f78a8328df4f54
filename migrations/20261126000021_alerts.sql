-- Alerts: complaint and return spikes (per SKU, per channel) against each key's own 28-day
-- baseline, and shipments that stopped moving (a proactive ticket before the buyer writes).
-- Delivered in-app (notifications) and by email through a system mail queue (`system_mail`),
-- filled in the transaction that raises the alert and sent by a worker with retries.

-- 1. Tracking facts on orders. `tracking_updated_at` moves when the tracking status or number
-- changes (db::orders::upsert_external); `shipped_at` is when we first saw it shipped.
ALTER TABLE orders
    ADD COLUMN shipped_at          timestamptz,
    ADD COLUMN tracking_status     text CHECK (tracking_status IN ('in_transit', 'in_customs', 'delivered', 'exception')),
    ADD COLUMN tracking_updated_at timestamptz;
-- Orders already shipped start their clock now (their history has no tracking times).
UPDATE orders SET shipped_at = coalesce(shipped_at, ordered_at),
                  tracking_status = CASE WHEN delivered_at IS NOT NULL OR status = 'delivered' THEN 'delivered'
                                         ELSE 'in_transit' END,
                  tracking_updated_at = now()
WHERE status IN ('shipped', 'partially_shipped', 'delivered') OR delivered_at IS NOT NULL;
-- The stuck-shipment scan: shipped, undelivered orders by their last tracking update.
CREATE INDEX orders_in_transit_idx ON orders (tenant_id, tracking_updated_at)
    WHERE shipped_at IS NOT NULL AND delivered_at IS NULL;

-- 2. What the shop wants to hear about (no row: the defaults below).
CREATE TABLE alert_settings (
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    spikes_enabled    boolean NOT NULL DEFAULT true,
    spike_min_count   integer NOT NULL DEFAULT 3 CHECK (spike_min_count BETWEEN 1 AND 10000),
    spike_factor      double precision NOT NULL DEFAULT 2.0 CHECK (spike_factor >= 1.0 AND spike_factor <= 100.0),
    shipments_enabled boolean NOT NULL DEFAULT false,
    stale_days        integer NOT NULL DEFAULT 5 CHECK (stale_days BETWEEN 1 AND 90),
    customs_days      integer NOT NULL DEFAULT 4 CHECK (customs_days BETWEEN 1 AND 90),
    notify_in_app     boolean NOT NULL DEFAULT true,
    notify_email      boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);

-- Who receives alerts (none chosen: every owner and admin).
CREATE TABLE alert_recipients (
    tenant_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- 3. Raised alerts. `dedup_key` makes a second raise of the same thing a no-op: spikes are
-- `<kind>:<key>:<day>` (one per key per day), shipments `shipment:<order id>` (one ever).
CREATE TABLE alerts (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('return_spike_sku', 'complaint_spike_sku',
                                                  'complaint_spike_channel', 'shipment_stuck', 'customs_stuck')),
    -- the SKU, the channel, or the order's number as buyers see it
    key             text NOT NULL,
    dedup_key       text NOT NULL,
    count           integer NOT NULL,
    baseline_mean   double precision NOT NULL DEFAULT 0,
    baseline_sd     double precision NOT NULL DEFAULT 0,
    -- shipments: days without an update; the order; the proactive ticket (or the buyer's)
    days            integer,
    order_id        uuid,
    ticket_id       uuid,
    created_at      timestamptz NOT NULL,
    acknowledged_by uuid,
    acknowledged_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT alerts_dedup_key UNIQUE (tenant_id, dedup_key),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE SET NULL (ticket_id),
    FOREIGN KEY (tenant_id, acknowledged_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (acknowledged_by),
    CHECK (acknowledged_by IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE INDEX alerts_recent_idx ON alerts (tenant_id, created_at DESC, id DESC);

-- 4. Mail the system sends (alerts), queued with the change that causes it. With no SMTP
-- configured the worker marks it `not_configured` and keeps it; it goes once SMTP is set.
CREATE TABLE system_mail (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    alert_id        uuid,
    to_address      text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'failed', 'sent', 'dead', 'not_configured')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_id        uuid,
    lease_until     timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX system_mail_due_idx ON system_mail (next_attempt_at)
    WHERE state IN ('queued', 'failed', 'not_configured');
CREATE INDEX system_mail_recent_idx ON system_mail (tenant_id, created_at DESC);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['alert_settings', 'alert_recipients', 'alerts', 'system_mail']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;

-- Every shop, for the alerts job (which then works in each shop's own transaction).
CREATE FUNCTION alert_tenants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id FROM tenants ORDER BY id $$;

-- Claims due system mail across shops, leased (as claim_rule_webhook_calls).
CREATE FUNCTION claim_system_mail(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        WITH due AS (
            SELECT m.tenant_id, m.id FROM system_mail m
            WHERE m.state IN ('queued', 'failed', 'not_configured') AND m.next_attempt_at <= now()
              AND (m.lease_until IS NULL OR m.lease_until < now())
            ORDER BY m.next_attempt_at
            LIMIT p_limit
            FOR UPDATE OF m SKIP LOCKED
        )
        UPDATE system_mail m SET lease_id = gen_random_uuid(), lease_until = now() + p_lease
        FROM due WHERE m.tenant_id = due.tenant_id AND m.id = due.id
        RETURNING m.tenant_id, m.id, m.lease_id;
    END $$;

DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['alert_tenants()', 'claim_system_mail(integer, interval)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO aftersail_app', f);
    END LOOP;
END $$;
