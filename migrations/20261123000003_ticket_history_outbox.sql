-- What happened to a ticket and who did it (status changes, replies, notes), and the outbox
-- that replies wait in until a channel delivers them.

CREATE TABLE ticket_events (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    ticket_id  uuid NOT NULL,
    actor_id   uuid,
    kind       text NOT NULL,
    from_value text,
    to_value   text,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (actor_id)
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (tenant_id, ticket_id, at DESC, id DESC);

CREATE TABLE outbox (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    message_id      uuid NOT NULL,
    channel         text NOT NULL,
    -- The same form submitted twice carries the same key: one reply, not two.
    idempotency_key text NOT NULL,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT outbox_idempotency_key UNIQUE (tenant_id, idempotency_key),
    -- Deferred: the row is claimed first (ON CONFLICT on the key), its message written after.
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
-- Delivery workers claim due rows across tenants (channels issue).
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE state IN ('queued', 'failed');

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ticket_events', 'outbox']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END $$;
