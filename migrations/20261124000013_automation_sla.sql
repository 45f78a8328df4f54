-- Automation and SLA: business-hours calendars, SLA policies and the ticket columns their
-- clocks live in, rules with their run log and loop guard, the event queue rules run from
-- (filled by triggers in the same transaction as the change), timers for time rules,
-- per-language template bodies, agent availability and language skills, in-app
-- notifications and rule webhooks.

-- ---------------------------------------------------------------------------------------
-- Calendars and SLA policies
-- ---------------------------------------------------------------------------------------
CREATE TABLE business_calendars (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    time_zone  text NOT NULL,
    -- [{"day": "Mon", "open": "09:00:00", "close": "17:00:00"}, ...]; validated by the app.
    hours      jsonb NOT NULL,
    holidays   date[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX business_calendars_name_key ON business_calendars (tenant_id, lower(name));

-- The shop's own opening hours: what the `business_hours` rule condition asks about.
ALTER TABLE tenants
    ADD COLUMN business_calendar_id uuid,
    ADD COLUMN holiday_mode boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT tenants_business_calendar_fk FOREIGN KEY (id, business_calendar_id)
        REFERENCES business_calendars (tenant_id, id) ON DELETE SET NULL (business_calendar_id);

CREATE TABLE sla_policies (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The first enabled policy (lowest position) that matches a ticket applies.
    position            integer NOT NULL,
    enabled             boolean NOT NULL DEFAULT true,
    channels            text[] NOT NULL DEFAULT '{}',
    priorities          text[] NOT NULL DEFAULT '{}',
    types               text[] NOT NULL DEFAULT '{}',
    customer_tags       text[] NOT NULL DEFAULT '{}',
    first_reply_minutes integer CHECK (first_reply_minutes > 0),
    next_reply_minutes  integer CHECK (next_reply_minutes > 0),
    resolution_minutes  integer CHECK (resolution_minutes > 0),
    -- NULL: calendar hours (every hour counts, as marketplace clocks do).
    calendar_id         uuid,
    warn_minutes        integer NOT NULL DEFAULT 30 CHECK (warn_minutes >= 0),
    -- On breach: raise the priority to this, notify these people, hand the ticket to this team.
    breach_priority     text CHECK (breach_priority IN ('low', 'normal', 'high', 'urgent')),
    breach_notify       text CHECK (breach_notify IN ('assignee', 'team', 'admins')),
    breach_team_id      uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, calendar_id) REFERENCES business_calendars (tenant_id, id)
        ON DELETE SET NULL (calendar_id),
    FOREIGN KEY (tenant_id, breach_team_id) REFERENCES teams (tenant_id, id)
        ON DELETE SET NULL (breach_team_id)
);
CREATE UNIQUE INDEX sla_policies_name_key ON sla_policies (tenant_id, lower(name));
CREATE INDEX sla_policies_position_idx ON sla_policies (tenant_id, position, id);

-- Minutes before a deadline, for a generated column (only minutes: no time-zone dependence,
-- so the function is truly immutable, which `timestamptz - interval` is not declared to be).
CREATE FUNCTION sla_minutes_before(at timestamptz, minutes integer) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT at - make_interval(mins => minutes) $$;

-- The ticket's clocks. `sla_due_at` (the deadline it races now) gains the next-reply target;
-- `sla_check_at` is when the sweeper must look at it next: the warning point, then the
-- deadline, then never (until a new deadline). The sweeper's index is on `sla_check_at`, so
-- a sweep costs what is due, not what is open; breached tickets do not linger in it.
DROP INDEX tickets_sla_idx;
ALTER TABLE tickets DROP COLUMN sla_due_at;
ALTER TABLE tickets
    ADD COLUMN sla_policy_id uuid,
    ADD COLUMN next_reply_due_at timestamptz,
    ADD COLUMN sla_paused_at timestamptz,
    ADD COLUMN sla_warn_minutes integer NOT NULL DEFAULT 0,
    ADD COLUMN sla_warned_due timestamptz,
    ADD COLUMN sla_breached_due timestamptz,
    ADD CONSTRAINT tickets_sla_policy_fk FOREIGN KEY (tenant_id, sla_policy_id)
        REFERENCES sla_policies (tenant_id, id) ON DELETE SET NULL (sla_policy_id);
ALTER TABLE tickets
    ADD COLUMN sla_due_at timestamptz GENERATED ALWAYS AS (
        CASE
            WHEN status IN ('pending', 'solved', 'closed') THEN NULL
            ELSE least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                       next_reply_due_at, resolution_due_at)
        END
    ) STORED,
    ADD COLUMN sla_check_at timestamptz GENERATED ALWAYS AS (
        CASE
            WHEN status IN ('pending', 'solved', 'closed') THEN NULL
            WHEN least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                       next_reply_due_at, resolution_due_at) IS NULL THEN NULL
            WHEN sla_breached_due >= least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                                           next_reply_due_at, resolution_due_at) THEN NULL
            WHEN sla_warned_due >= least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                                         next_reply_due_at, resolution_due_at)
                THEN least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                           next_reply_due_at, resolution_due_at)
            ELSE sla_minutes_before(least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                                          next_reply_due_at, resolution_due_at), sla_warn_minutes)
        END
    ) STORED;
CREATE INDEX tickets_sla_idx ON tickets (tenant_id, sla_due_at, id) WHERE sla_due_at IS NOT NULL;
CREATE INDEX tickets_sla_check_idx ON tickets (sla_check_at) WHERE sla_check_at IS NOT NULL;

-- Warnings and breaches, once per ticket, target and deadline.
CREATE TABLE sla_events (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    ticket_id   uuid NOT NULL,
    policy_id   uuid,
    target      text NOT NULL CHECK (target IN ('first_reply', 'next_reply', 'resolution')),
    kind        text NOT NULL CHECK (kind IN ('warning', 'breach')),
    due_at      timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, policy_id) REFERENCES sla_policies (tenant_id, id) ON DELETE SET NULL (policy_id)
);
CREATE UNIQUE INDEX sla_events_once_key ON sla_events (tenant_id, ticket_id, target, kind, due_at);
CREATE INDEX sla_events_recent_idx ON sla_events (tenant_id, recorded_at DESC, id DESC);

-- The sweeper's view across shops: tickets whose next SLA check is due, earliest first.
CREATE FUNCTION sla_due_tickets(p_now timestamptz, p_limit integer)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT t.tenant_id, t.id FROM tickets t
          WHERE t.sla_check_at <= p_now ORDER BY t.sla_check_at LIMIT p_limit $$;

-- ---------------------------------------------------------------------------------------
-- Agents: availability, language skills, round-robin position
-- ---------------------------------------------------------------------------------------
ALTER TABLE users
    ADD COLUMN available boolean NOT NULL DEFAULT true,
    ADD COLUMN languages text[] NOT NULL DEFAULT '{}',
    ADD COLUMN last_assigned_at timestamptz;

-- Open load per agent, for "least open load" assignment.
CREATE INDEX tickets_assignee_open_idx ON tickets (tenant_id, assignee_id)
    WHERE assignee_id IS NOT NULL AND status IN ('new', 'open', 'pending', 'on_hold');

-- ---------------------------------------------------------------------------------------
-- Templates: category, per-language bodies, actions applied with the reply
-- ---------------------------------------------------------------------------------------
ALTER TABLE reply_templates
    ADD COLUMN category text NOT NULL DEFAULT '' CHECK (length(category) <= 60),
    -- [{"type": "set_status", "status": "pending"}, {"type": "add_tags", "tags": ["x"]}]
    ADD COLUMN actions jsonb NOT NULL DEFAULT '[]';

CREATE TABLE reply_template_bodies (
    tenant_id   uuid NOT NULL,
    template_id uuid NOT NULL,
    language    text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    body        text NOT NULL,
    PRIMARY KEY (tenant_id, template_id, language),
    FOREIGN KEY (tenant_id, template_id) REFERENCES reply_templates (tenant_id, id) ON DELETE CASCADE
);

-- Replies written by rules are outbound but no agent's: they never count as the first response.
ALTER TABLE messages DROP CONSTRAINT messages_automated_check;
ALTER TABLE messages ADD CONSTRAINT messages_automated_check
    CHECK (automated IN ('auto_reply', 'bounce', 'bulk', 'rule'));

-- ---------------------------------------------------------------------------------------
-- Rules
-- ---------------------------------------------------------------------------------------
CREATE TABLE rules (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position   integer NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    rule_set   text NOT NULL DEFAULT 'always' CHECK (rule_set IN ('always', 'holiday', 'regular')),
    trigger    text NOT NULL CHECK (trigger IN ('message_received', 'ticket_created', 'ticket_updated',
                                                'order_updated', 'time')),
    -- Conditions, actions and the time trigger (aftersail_domain::rules::Definition).
    definition jsonb NOT NULL,
    stop       boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX rules_name_key ON rules (tenant_id, lower(name));
CREATE INDEX rules_trigger_idx ON rules (tenant_id, trigger, position, id) WHERE enabled;

-- Who changed a ticket, when it was a rule.
ALTER TABLE ticket_events ADD COLUMN rule_id uuid;

-- Every evaluation: matched or not, what it did, what failed.
CREATE TABLE rule_runs (
    tenant_id uuid NOT NULL,
    id        uuid NOT NULL,
    rule_id   uuid NOT NULL,
    ticket_id uuid,
    event     text NOT NULL,
    matched   boolean NOT NULL,
    actions   text[] NOT NULL DEFAULT '{}',
    errors    text[] NOT NULL DEFAULT '{}',
    ran_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX rule_runs_recent_idx ON rule_runs (tenant_id, ran_at DESC, id DESC);
CREATE INDEX rule_runs_rule_idx ON rule_runs (tenant_id, rule_id, ran_at DESC, id DESC);
CREATE INDEX rule_runs_ticket_idx ON rule_runs (tenant_id, ticket_id, ran_at DESC) WHERE ticket_id IS NOT NULL;

-- The loop guard: a rule fires at most once per ticket per originating event. Changes a rule
-- makes raise events of their own; those carry the original event as their cause, so two
-- rules that undo each other each fire once and stop.
CREATE TABLE rule_fires (
    tenant_id uuid NOT NULL,
    rule_id   uuid NOT NULL,
    ticket_id uuid NOT NULL,
    cause     text NOT NULL,
    fired_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, rule_id, ticket_id, cause),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX rule_fires_age_idx ON rule_fires (fired_at);

-- ---------------------------------------------------------------------------------------
-- The event queue: written by triggers in the transaction that made the change, so no path
-- (ingest, agent, portal, API, rule) can change a ticket without the rules hearing of it.
-- ---------------------------------------------------------------------------------------
CREATE TABLE automation_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    kind        text NOT NULL CHECK (kind IN ('ticket_created', 'message_received', 'message_sent',
                                              'ticket_updated', 'order_created', 'order_updated')),
    ticket_id   uuid,
    message_id  uuid,
    order_id    uuid,
    -- ticket_updated: the values before ({"status": "open", "priority": "normal", ...});
    -- order_updated: what changed ({"shipped": true, "delivered": true, "status": "x"}).
    previous    jsonb,
    -- The originating event when a rule's action caused this one (NULL: it is its own cause).
    cause       text,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    attempts    integer NOT NULL DEFAULT 0,
    lease_id    uuid,
    lease_until timestamptz,
    last_error  text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX automation_events_queue_idx ON automation_events (id);
CREATE INDEX automation_events_ticket_idx ON automation_events (tenant_id, ticket_id, id) WHERE ticket_id IS NOT NULL;

CREATE FUNCTION automation_cause() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.automation_cause', true), '') $$;

CREATE FUNCTION automation_ticket_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        -- Bulk history (the demo generator) raises no automation.
        IF current_setting('app.automation', true) = 'off' THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
            INSERT INTO automation_events (tenant_id, kind, ticket_id, order_id, cause, occurred_at)
            VALUES (NEW.tenant_id, 'ticket_created', NEW.id, NEW.order_id, automation_cause(), NEW.created_at);
        ELSIF (OLD.status, OLD.priority, OLD.type, OLD.assignee_id, OLD.team_id, OLD.tags)
              IS DISTINCT FROM (NEW.status, NEW.priority, NEW.type, NEW.assignee_id, NEW.team_id, NEW.tags) THEN
            INSERT INTO automation_events (tenant_id, kind, ticket_id, order_id, previous, cause)
            VALUES (NEW.tenant_id, 'ticket_updated', NEW.id, NEW.order_id,
                    jsonb_build_object('status', OLD.status, 'priority', OLD.priority, 'type', OLD.type,
                                       'assignee', OLD.assignee_id, 'team', OLD.team_id, 'tags', to_jsonb(OLD.tags)),
                    automation_cause());
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER tickets_automation AFTER INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION automation_ticket_events();

-- Buyer messages start rules; agent replies (not rule replies, not notes) restart
-- "time since last reply" timers.
CREATE FUNCTION automation_message_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        -- Bulk history (the demo generator) raises no automation.
        IF current_setting('app.automation', true) = 'off' THEN RETURN NULL; END IF;
        IF NEW.kind = 'inbound' THEN
            INSERT INTO automation_events (tenant_id, kind, ticket_id, message_id, cause, occurred_at)
            VALUES (NEW.tenant_id, 'message_received', NEW.ticket_id, NEW.id, automation_cause(), NEW.created_at);
        ELSIF NEW.kind = 'outbound' AND NEW.automated IS NULL THEN
            INSERT INTO automation_events (tenant_id, kind, ticket_id, message_id, cause, occurred_at)
            VALUES (NEW.tenant_id, 'message_sent', NEW.ticket_id, NEW.id, automation_cause(), NEW.created_at);
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER messages_automation AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION automation_message_events();

CREATE FUNCTION automation_order_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        -- Bulk history (the demo generator) raises no automation.
        IF current_setting('app.automation', true) = 'off' THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
            INSERT INTO automation_events (tenant_id, kind, order_id, cause, occurred_at)
            VALUES (NEW.tenant_id, 'order_created', NEW.id, automation_cause(), NEW.ordered_at);
        ELSIF (OLD.status, OLD.tracking_number, OLD.delivered_at)
              IS DISTINCT FROM (NEW.status, NEW.tracking_number, NEW.delivered_at) THEN
            INSERT INTO automation_events (tenant_id, kind, order_id, previous, cause)
            VALUES (NEW.tenant_id, 'order_updated', NEW.id,
                    jsonb_build_object('status', OLD.status,
                                       'shipped', OLD.tracking_number IS NULL AND NEW.tracking_number IS NOT NULL,
                                       'delivered', OLD.delivered_at IS NULL AND NEW.delivered_at IS NOT NULL),
                    automation_cause());
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER orders_automation AFTER INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION automation_order_events();

-- Claims due events across shops, oldest first, leased. An event waits while an earlier
-- event of the same ticket is still queued (being handled or to be retried), so each
-- ticket's events are handled in order even with many workers.
CREATE FUNCTION claim_automation_events(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id bigint, lease_id uuid, attempts integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        WITH due AS (
            SELECT e.tenant_id, e.id FROM automation_events e
            WHERE (e.lease_until IS NULL OR e.lease_until < now())
              AND NOT EXISTS (SELECT 1 FROM automation_events p
                              WHERE p.tenant_id = e.tenant_id AND p.ticket_id = e.ticket_id AND p.id < e.id)
            ORDER BY e.id
            LIMIT p_limit
            FOR UPDATE OF e SKIP LOCKED
        )
        UPDATE automation_events e SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                                       attempts = e.attempts + 1
        FROM due WHERE e.tenant_id = due.tenant_id AND e.id = due.id
        RETURNING e.tenant_id, e.id, e.lease_id, e.attempts;
    END $$;

-- Time rules: one timer per rule and ticket (or order) and anchor moment.
CREATE TABLE automation_timers (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    rule_id     uuid NOT NULL,
    ticket_id   uuid,
    order_id    uuid,
    anchor_at   timestamptz NOT NULL,
    due_at      timestamptz NOT NULL,
    lease_id    uuid,
    lease_until timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK ((ticket_id IS NULL) <> (order_id IS NULL)),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX automation_timers_once_key
    ON automation_timers (tenant_id, rule_id, coalesce(ticket_id, order_id), anchor_at);
CREATE INDEX automation_timers_due_idx ON automation_timers (due_at);

CREATE FUNCTION claim_automation_timers(p_now timestamptz, p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        WITH due AS (
            SELECT t.tenant_id, t.id FROM automation_timers t
            WHERE t.due_at <= p_now AND (t.lease_until IS NULL OR t.lease_until < now())
            ORDER BY t.due_at
            LIMIT p_limit
            FOR UPDATE OF t SKIP LOCKED
        )
        UPDATE automation_timers t SET lease_id = gen_random_uuid(), lease_until = now() + p_lease
        FROM due WHERE t.tenant_id = due.tenant_id AND t.id = due.id
        RETURNING t.tenant_id, t.id, t.lease_id;
    END $$;

-- ---------------------------------------------------------------------------------------
-- In-app notifications and rule webhooks
-- ---------------------------------------------------------------------------------------
CREATE TABLE notifications (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    user_id    uuid NOT NULL,
    ticket_id  uuid,
    text       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON notifications (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (tenant_id, user_id) WHERE read_at IS NULL;

CREATE TABLE rule_webhook_calls (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    rule_id         uuid,
    ticket_id       uuid,
    url             text NOT NULL,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'failed', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    response_status integer,
    lease_id        uuid,
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES rules (tenant_id, id) ON DELETE SET NULL (rule_id)
);
CREATE INDEX rule_webhook_calls_due_idx ON rule_webhook_calls (next_attempt_at) WHERE state IN ('queued', 'failed');
CREATE INDEX rule_webhook_calls_recent_idx ON rule_webhook_calls (tenant_id, created_at DESC, id DESC);

CREATE FUNCTION claim_rule_webhook_calls(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        WITH due AS (
            SELECT c.tenant_id, c.id FROM rule_webhook_calls c
            WHERE c.state IN ('queued', 'failed') AND c.next_attempt_at <= now()
              AND (c.lease_until IS NULL OR c.lease_until < now())
            ORDER BY c.next_attempt_at
            LIMIT p_limit
            FOR UPDATE OF c SKIP LOCKED
        )
        UPDATE rule_webhook_calls c SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                                        attempts = c.attempts + 1
        FROM due WHERE c.tenant_id = due.tenant_id AND c.id = due.id
        RETURNING c.tenant_id, c.id, c.lease_id;
    END $$;

-- Housekeeping across shops: loop-guard rows outlive any event chain after a day.
CREATE FUNCTION purge_old_rule_fires(p_before timestamptz) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ WITH gone AS (DELETE FROM rule_fires WHERE fired_at < p_before RETURNING 1)
          SELECT count(*) FROM gone $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['business_calendars', 'sla_policies', 'sla_events', 'reply_template_bodies',
                             'rules', 'rule_runs', 'rule_fires', 'automation_events', 'automation_timers',
                             'notifications', 'rule_webhook_calls']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;
GRANT USAGE, SELECT ON SEQUENCE automation_events_id_seq TO aftersail_app;

DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['sla_due_tickets(timestamptz, integer)',
                             'claim_automation_events(integer, interval)',
                             'claim_automation_timers(timestamptz, integer, interval)',
                             'claim_rule_webhook_calls(integer, interval)',
                             'purge_old_rule_fires(timestamptz)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO aftersail_app', f);
    END LOOP;
END $$;
