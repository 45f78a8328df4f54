-- Outbound webhooks (Standard Webhooks) to the shop's ERP/CRM, and the CSAT survey switch.
--
-- Endpoints subscribe to event types. Triggers on tickets, messages, rmas and refunds write
-- one `webhook_deliveries` row per enabled, subscribed endpoint IN THE TRANSACTION that made
-- the change, with the exact payload bytes to send; a change that rolls back sends nothing.
-- The worker claims due deliveries across shops (`claim_webhook_deliveries`, SKIP LOCKED,
-- leased), signs and POSTs them, and logs every attempt in `webhook_attempts`. The
-- delivery's id is the `webhook-id` header: the same on every retry and redelivery.

-- ---------------------------------------------------------------------------------------
-- Endpoints
-- ---------------------------------------------------------------------------------------
CREATE TABLE webhook_endpoints (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL,
    url           text NOT NULL CHECK (url ~ '^https?://[^\s]+$' AND length(url) <= 2000),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    event_types   text[] NOT NULL DEFAULT '{}' CHECK (event_types <@ ARRAY[
                      'ticket.created', 'ticket.updated', 'message.created', 'rma.created',
                      'rma.updated', 'refund.created', 'refund.updated']::text[]),
    enabled       boolean NOT NULL DEFAULT true,
    -- `whsec_…` sealed with the configured secret key (AES-256-GCM, owner-bound).
    secret_sealed text NOT NULL,
    -- After a rotation the previous secret still signs (a second `v1,` signature) until
    -- `previous_until`, so the receiver can switch without rejecting anything.
    previous_secret_sealed text,
    previous_until timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- What the triggers ask on every change: does this shop have an enabled endpoint at all.
CREATE INDEX webhook_endpoints_enabled_idx ON webhook_endpoints (tenant_id) WHERE enabled;

-- ---------------------------------------------------------------------------------------
-- Deliveries and their attempts
-- ---------------------------------------------------------------------------------------
CREATE TABLE webhook_deliveries (
    tenant_id       uuid NOT NULL,
    -- Sent as `webhook-id`: stable across retries and redeliveries, consumers dedupe on it.
    id              uuid NOT NULL,
    endpoint_id     uuid NOT NULL,
    event_type      text NOT NULL,
    -- The exact bytes that are signed and sent.
    payload         text NOT NULL,
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'failed', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_id        uuid,
    lease_until     timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE state IN ('queued', 'failed');
-- The delivery log: per endpoint, newest first (keyset over (created_at, id)).
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    delivery_id   uuid NOT NULL,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status        integer,
    error         text,
    duration_ms   integer NOT NULL,
    -- The first KiB of what the endpoint answered.
    response_body text CHECK (length(response_body) <= 1024),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (tenant_id, delivery_id, attempted_at);

-- A time-ordered (v7) UUID in SQL (PostgreSQL 15 has no uuidv7()): the ids of deliveries
-- the triggers write sort by creation like the app's.
CREATE FUNCTION webhook_uuid_v7() RETURNS uuid
    LANGUAGE sql VOLATILE
    AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
               substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
               FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
    $$;

-- Queues `p_type` with `p_data` for every enabled endpoint of the shop subscribed to it.
-- Payload: {"type": …, "timestamp": RFC 3339 UTC, "data": {…}}. (PL/pgSQL, not SQL: its
-- statements' plans are cached per session, where an SQL function is planned on every call.)
CREATE FUNCTION webhook_emit(p_tenant uuid, p_type text, p_data jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
        INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_type, payload)
        SELECT p_tenant, webhook_uuid_v7(), e.id, p_type,
               jsonb_build_object('type', p_type,
                                  'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                  'data', p_data)::text
        FROM webhook_endpoints e
        WHERE e.tenant_id = p_tenant AND e.enabled AND p_type = ANY (e.event_types);
    END $$;

-- Whether an enabled endpoint of the shop subscribes to `p_type`: one index probe before any
-- payload is built, so shops without webhooks pay next to nothing on ingest. Bulk history
-- (the demo generator, `app.automation = off`) sends none.
CREATE FUNCTION webhook_listening(p_tenant uuid, p_type text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
    BEGIN
        IF current_setting('app.automation', true) = 'off' THEN RETURN false; END IF;
        RETURN EXISTS (SELECT 1 FROM webhook_endpoints e
                       WHERE e.tenant_id = p_tenant AND e.enabled AND p_type = ANY (e.event_types));
    END $$;

CREATE FUNCTION webhook_ticket_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE changes jsonb := '{}';
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NOT webhook_listening(NEW.tenant_id, 'ticket.created') THEN RETURN NULL; END IF;
            PERFORM webhook_emit(NEW.tenant_id, 'ticket.created', jsonb_build_object(
                'id', NEW.id, 'number', NEW.number, 'subject', NEW.subject, 'channel', NEW.channel,
                'status', NEW.status, 'priority', NEW.priority, 'language', NEW.language,
                'customer_id', NEW.customer_id, 'order_id', NEW.order_id,
                'assignee_id', NEW.assignee_id, 'tags', to_jsonb(NEW.tags)));
            RETURN NULL;
        END IF;
        IF (OLD.status, OLD.priority, OLD.assignee_id, OLD.tags)
           IS NOT DISTINCT FROM (NEW.status, NEW.priority, NEW.assignee_id, NEW.tags)
           OR NOT webhook_listening(NEW.tenant_id, 'ticket.updated') THEN
            RETURN NULL;
        END IF;
        IF OLD.status IS DISTINCT FROM NEW.status THEN
            changes := changes || jsonb_build_object('status', jsonb_build_object('from', OLD.status, 'to', NEW.status));
        END IF;
        IF OLD.priority IS DISTINCT FROM NEW.priority THEN
            changes := changes || jsonb_build_object('priority', jsonb_build_object('from', OLD.priority, 'to', NEW.priority));
        END IF;
        IF OLD.assignee_id IS DISTINCT FROM NEW.assignee_id THEN
            changes := changes || jsonb_build_object('assignee_id', jsonb_build_object('from', OLD.assignee_id, 'to', NEW.assignee_id));
        END IF;
        IF OLD.tags IS DISTINCT FROM NEW.tags THEN
            changes := changes || jsonb_build_object('tags', jsonb_build_object('from', to_jsonb(OLD.tags), 'to', to_jsonb(NEW.tags)));
        END IF;
        IF changes <> '{}' THEN
            PERFORM webhook_emit(NEW.tenant_id, 'ticket.updated', jsonb_build_object(
                'id', NEW.id, 'number', NEW.number, 'status', NEW.status, 'priority', NEW.priority,
                'assignee_id', NEW.assignee_id, 'tags', to_jsonb(NEW.tags), 'changes', changes));
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER tickets_webhooks AFTER INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION webhook_ticket_events();

-- Buyer messages and our replies (agents', rules', the bot's); internal notes never leave.
CREATE FUNCTION webhook_message_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF NEW.kind = 'note' OR NOT webhook_listening(NEW.tenant_id, 'message.created') THEN RETURN NULL; END IF;
        PERFORM webhook_emit(NEW.tenant_id, 'message.created', jsonb_build_object(
            'id', NEW.id, 'ticket_id', NEW.ticket_id,
            'ticket_number', (SELECT t.number FROM tickets t WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.ticket_id),
            'direction', NEW.kind, 'channel', NEW.channel, 'author_user_id', NEW.author_user_id,
            'automated', NEW.automated, 'language', NEW.language,
            'preview', left(NEW.body_text, 280), 'created_at', NEW.created_at));
        RETURN NULL;
    END $$;
CREATE TRIGGER messages_webhooks AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION webhook_message_events();

CREATE FUNCTION webhook_rma_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NOT webhook_listening(NEW.tenant_id, 'rma.created') THEN RETURN NULL; END IF;
            PERFORM webhook_emit(NEW.tenant_id, 'rma.created', jsonb_build_object(
                'id', NEW.id, 'code', NEW.code, 'status', NEW.status, 'reason', NEW.reason,
                'resolution', NEW.resolution, 'order_id', NEW.order_id, 'ticket_id', NEW.ticket_id,
                'customer_id', NEW.customer_id));
        ELSIF OLD.status IS DISTINCT FROM NEW.status AND webhook_listening(NEW.tenant_id, 'rma.updated') THEN
            PERFORM webhook_emit(NEW.tenant_id, 'rma.updated', jsonb_build_object(
                'id', NEW.id, 'code', NEW.code, 'status', NEW.status, 'previous_status', OLD.status,
                'resolution', NEW.resolution, 'order_id', NEW.order_id, 'ticket_id', NEW.ticket_id));
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER rmas_webhooks AFTER INSERT OR UPDATE ON rmas
    FOR EACH ROW EXECUTE FUNCTION webhook_rma_events();

CREATE FUNCTION webhook_refund_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NOT webhook_listening(NEW.tenant_id, 'refund.created') THEN RETURN NULL; END IF;
            PERFORM webhook_emit(NEW.tenant_id, 'refund.created', jsonb_build_object(
                'id', NEW.id, 'rma_id', NEW.rma_id, 'order_id', NEW.order_id, 'state', NEW.state,
                'amount_minor', NEW.amount_minor, 'currency', NEW.currency));
        ELSIF OLD.state IS DISTINCT FROM NEW.state AND webhook_listening(NEW.tenant_id, 'refund.updated') THEN
            PERFORM webhook_emit(NEW.tenant_id, 'refund.updated', jsonb_build_object(
                'id', NEW.id, 'rma_id', NEW.rma_id, 'order_id', NEW.order_id, 'state', NEW.state,
                'previous_state', OLD.state, 'amount_minor', NEW.amount_minor, 'currency', NEW.currency,
                'external_id', NEW.external_id));
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER refunds_webhooks AFTER INSERT OR UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION webhook_refund_events();

-- Claims due deliveries across shops, oldest due first, leased; counts the attempt.
CREATE FUNCTION claim_webhook_deliveries(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        WITH due AS (
            SELECT d.tenant_id, d.id FROM webhook_deliveries d
            WHERE d.state IN ('queued', 'failed') AND d.next_attempt_at <= now()
              AND (d.lease_until IS NULL OR d.lease_until < now())
            ORDER BY d.next_attempt_at
            LIMIT p_limit
            FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE webhook_deliveries d SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                                        attempts = d.attempts + 1
        FROM due WHERE d.tenant_id = due.tenant_id AND d.id = due.id
        RETURNING d.tenant_id, d.id, d.lease_id;
    END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION claim_webhook_deliveries(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_webhook_deliveries(integer, interval) TO aftersail_app;

-- ---------------------------------------------------------------------------------------
-- CSAT: the shop's switch (default on) and the survey message's label
-- ---------------------------------------------------------------------------------------
ALTER TABLE tenants ADD COLUMN csat_enabled boolean NOT NULL DEFAULT true;

ALTER TABLE messages DROP CONSTRAINT messages_automated_check;
ALTER TABLE messages ADD CONSTRAINT messages_automated_check
    CHECK (automated IN ('auto_reply', 'bounce', 'bulk', 'rule', 'bot', 'csat'));
