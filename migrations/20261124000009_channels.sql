-- Channels: where buyer messages and orders come from and where replies go.
--
-- Workers share channels and the outbox through leases: a claim (FOR UPDATE SKIP LOCKED, in
-- SECURITY DEFINER functions because a claim looks across shops) stamps a lease id and a lease
-- end; the network call runs outside any transaction; the result is written only if the lease
-- is still the claimer's. When a worker is killed mid-call its lease runs out and the next
-- worker starts from the last committed cursor (ingest is deduplicated, so nothing doubles).

CREATE TABLE channels (
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                   uuid NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('email', 'shopify')),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Hosts, ports, addresses: nothing secret.
    settings             jsonb NOT NULL DEFAULT '{}',
    -- Passwords and tokens, sealed with AES-256-GCM (key from configuration), bound to the row.
    secrets_sealed       text,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'auth_failed')),
    cursor               text,
    poll_interval_secs   integer NOT NULL DEFAULT 60 CHECK (poll_interval_secs BETWEEN 5 AND 86400),
    -- Per-channel rate limit: at most this many remote calls (polls and sends) a minute.
    requests_per_minute  integer NOT NULL DEFAULT 60 CHECK (requests_per_minute BETWEEN 1 AND 6000),
    next_poll_at         timestamptz NOT NULL DEFAULT now(),
    next_request_at      timestamptz NOT NULL DEFAULT now(),
    lease_id             uuid,
    lease_until          timestamptz,
    -- Health, shown in Settings → Channels.
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_sync_at         timestamptz,
    last_success_at      timestamptz,
    last_error           text,
    last_error_at        timestamptz,
    backlog              bigint,
    items_ingested       bigint NOT NULL DEFAULT 0,
    -- False until the first backfill has caught up (progress is shown meanwhile).
    backfill_done        boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX channels_name_key ON channels (tenant_id, lower(name));
-- The poller's claim: due, active channels, across shops.
CREATE INDEX channels_due_idx ON channels (next_poll_at) WHERE status = 'active';

-- Raw inbound payloads exactly as received (RFC 5322 bytes, API JSON), so derived rows can be rebuilt.
CREATE TABLE inbound_payloads (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    channel_id   uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('message', 'order', 'webhook')),
    external_id  text NOT NULL,
    content_type text NOT NULL,
    body         bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX inbound_payloads_external_idx ON inbound_payloads (tenant_id, channel_id, external_id);

-- Webhook deliveries: acknowledged at once, processed by the worker; the vendor's delivery id
-- makes a redelivery a no-op.
CREATE TABLE webhook_events (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    channel_id   uuid NOT NULL,
    delivery_id  text NOT NULL,
    topic        text NOT NULL,
    body         bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT webhook_events_delivery_key UNIQUE (tenant_id, channel_id, delivery_id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (received_at) WHERE processed_at IS NULL;

ALTER TABLE messages ADD COLUMN channel_id uuid;
ALTER TABLE messages ADD COLUMN raw_payload_id uuid;
-- auto_reply / bounce / bulk: mail a machine wrote; rules never answer it.
ALTER TABLE messages ADD COLUMN automated text CHECK (automated IN ('auto_reply', 'bounce', 'bulk'));
ALTER TABLE messages ADD COLUMN subject text;
ALTER TABLE messages ADD FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id) ON DELETE SET NULL (channel_id);
ALTER TABLE messages ADD FOREIGN KEY (tenant_id, raw_payload_id) REFERENCES inbound_payloads (tenant_id, id) ON DELETE SET NULL (raw_payload_id);

-- Which channel a ticket's replies go out through, and to which address (a relay alias, Reply-To).
ALTER TABLE tickets ADD COLUMN channel_id uuid;
ALTER TABLE tickets ADD COLUMN reply_to text;
ALTER TABLE tickets ADD FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id) ON DELETE SET NULL (channel_id);

ALTER TABLE attachments ADD COLUMN content_id text;
ALTER TABLE attachments ADD COLUMN inline boolean NOT NULL DEFAULT false;

-- Outbox delivery: leases as for channels; 'sending' is not a state of its own: a leased row
-- stays 'queued' or 'failed' until its result is written.
ALTER TABLE outbox ADD COLUMN lease_id uuid;
ALTER TABLE outbox ADD COLUMN lease_until timestamptz;
ALTER TABLE outbox ADD COLUMN sent_at timestamptz;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['channels', 'inbound_payloads', 'webhook_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;

-- Claims up to p_limit due channels across shops for p_lease. Returns what the poll needs;
-- the caller then works inside its own tenant-scoped transactions.
CREATE FUNCTION claim_due_channels(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        WITH due AS (
            SELECT c.tenant_id, c.id FROM channels c
            WHERE c.status = 'active' AND c.next_poll_at <= now() AND c.next_request_at <= now()
              AND (c.lease_until IS NULL OR c.lease_until < now())
            ORDER BY c.next_poll_at
            LIMIT p_limit
            FOR UPDATE SKIP LOCKED
        )
        UPDATE channels c SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                              next_request_at = now() + make_interval(secs => 60.0 / c.requests_per_minute)
        FROM due WHERE c.tenant_id = due.tenant_id AND c.id = due.id
        RETURNING c.tenant_id, c.id, c.lease_id
    $$;

-- Claims up to p_limit due outbox rows across shops whose channel may make a request now
-- (rows without a channel row are claimed too: their delivery fails with a clear error).
CREATE FUNCTION claim_due_outbox(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    DECLARE r record;
    BEGIN
        FOR r IN
            SELECT o.tenant_id, o.id, t.channel_id FROM outbox o
            JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
            JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
            LEFT JOIN channels c ON c.tenant_id = t.tenant_id AND c.id = t.channel_id
            WHERE o.state IN ('queued', 'failed') AND o.next_attempt_at <= now()
              AND (o.lease_until IS NULL OR o.lease_until < now())
              AND (c.id IS NULL OR (c.status <> 'paused' AND c.next_request_at <= now()))
            ORDER BY o.next_attempt_at
            LIMIT p_limit
            FOR UPDATE OF o SKIP LOCKED
        LOOP
            IF r.channel_id IS NOT NULL THEN
                -- Spend one request of the channel's budget; skip the row if another claim
                -- spent it first (the channel row is locked by whoever updates it).
                UPDATE channels c SET next_request_at = greatest(c.next_request_at, now())
                                                       + make_interval(secs => 60.0 / c.requests_per_minute)
                WHERE c.tenant_id = r.tenant_id AND c.id = r.channel_id AND c.next_request_at <= now();
                CONTINUE WHEN NOT FOUND;
            END IF;
            UPDATE outbox o SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                                attempts = o.attempts + 1
            WHERE o.tenant_id = r.tenant_id AND o.id = r.id
            RETURNING o.tenant_id, o.id, o.lease_id INTO tenant_id, id, lease_id;
            RETURN NEXT;
        END LOOP;
    END $$;

-- Webhook deliveries arrive for a channel id in the URL before any shop is known: this finds
-- the channel's shop and sealed secret, and nothing else.
CREATE FUNCTION webhook_channel(p_id uuid)
    RETURNS TABLE (tenant_id uuid, kind text, status text, secrets_sealed text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.tenant_id, c.kind, c.status, c.secrets_sealed FROM channels c WHERE c.id = p_id $$;

-- Claims pending webhook deliveries across shops for processing.
CREATE FUNCTION claim_webhook_events(p_limit integer)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        WITH due AS (
            SELECT w.tenant_id, w.id FROM webhook_events w
            WHERE w.processed_at IS NULL AND w.attempts < 10
            ORDER BY w.received_at LIMIT p_limit FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_events w SET attempts = w.attempts + 1
        FROM due WHERE w.tenant_id = due.tenant_id AND w.id = due.id
        RETURNING w.tenant_id, w.id
    $$;

REVOKE ALL ON FUNCTION claim_due_channels(integer, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_due_outbox(integer, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION webhook_channel(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_webhook_events(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_due_channels(integer, interval) TO aftersail_app;
GRANT EXECUTE ON FUNCTION claim_due_outbox(integer, interval) TO aftersail_app;
GRANT EXECUTE ON FUNCTION webhook_channel(uuid) TO aftersail_app;
GRANT EXECUTE ON FUNCTION claim_webhook_events(integer) TO aftersail_app;

-- Channels that can announce new mail (IMAP IDLE), across shops, for the watcher.
CREATE FUNCTION channels_to_watch()
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.tenant_id, c.id FROM channels c WHERE c.status = 'active' AND c.kind = 'email' $$;
REVOKE ALL ON FUNCTION channels_to_watch() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION channels_to_watch() TO aftersail_app;
