-- The rest of the agent's workplace: SLA due times and sentiment on tickets, tags that can be
-- filtered, per-agent read state, attachments, translated text, reply templates and presence
-- (who is viewing or typing on a ticket).

-- Tag filters (`tags @> '{x}'`) and tenant equality in one GIN index: a tag common in one shop
-- never costs another shop anything. btree_gin is a trusted extension (PostgreSQL 13+).
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE tickets
    ADD COLUMN sentiment text CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN first_response_due_at timestamptz,
    ADD COLUMN resolution_due_at timestamptz,
    -- The deadline the ticket is racing now: first response until there is one, then resolution.
    -- No clock runs while the ticket waits on the buyer or is done.
    ADD COLUMN sla_due_at timestamptz GENERATED ALWAYS AS (
        CASE
            WHEN status IN ('pending', 'solved', 'closed') THEN NULL
            WHEN first_response_at IS NULL THEN least(first_response_due_at, resolution_due_at)
            ELSE resolution_due_at
        END
    ) STORED;
-- "SLA due soon / breached" views and the sort by SLA due: earliest deadline first.
CREATE INDEX tickets_sla_idx ON tickets (tenant_id, sla_due_at, id) WHERE sla_due_at IS NOT NULL;
CREATE INDEX tickets_tags_idx ON tickets USING gin (tenant_id, tags);
CREATE INDEX tickets_team_inbox_idx ON tickets (tenant_id, team_id, last_message_at DESC, id DESC)
    WHERE team_id IS NOT NULL;

ALTER TABLE messages
    ADD COLUMN translated_text text,
    ADD COLUMN translated_language text;

-- When each agent last looked at a ticket: activity after that makes it unread for them.
CREATE TABLE ticket_reads (
    tenant_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    ticket_id uuid NOT NULL,
    read_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, ticket_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_reads_ticket_idx ON ticket_reads (tenant_id, ticket_id);

-- Files sent with a message. Kept in the database: backed up, tenant-isolated and deleted with
-- their message like everything else; the size cap is enforced by the app before insert.
CREATE TABLE attachments (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    message_id   uuid NOT NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_message_idx ON attachments (tenant_id, message_id);

-- Canned replies agents insert into the reply box; placeholders are filled per ticket.
CREATE TABLE reply_templates (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX reply_templates_name_key ON reply_templates (tenant_id, lower(name));

-- Who has a ticket open, and whether they are typing: heartbeats every few seconds, so the
-- table is unlogged (losing it in a crash loses nothing anyone needs).
CREATE UNLOGGED TABLE ticket_presence (
    tenant_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    typing    boolean NOT NULL DEFAULT false,
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ticket_reads', 'attachments', 'reply_templates', 'ticket_presence']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END $$;

-- Housekeeping across tenants: presence nobody has refreshed for an hour.
CREATE FUNCTION purge_stale_presence() RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ WITH gone AS (DELETE FROM ticket_presence WHERE seen_at < now() - interval '1 hour' RETURNING 1)
          SELECT count(*) FROM gone $$;
