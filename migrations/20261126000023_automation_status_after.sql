-- A ticket_updated event also records the status it changed to. The runner compared the
-- status before an event with the ticket's status when it ran, so an earlier update handled
-- after a solve (open → pending, then solved, both queued) looked like a solve too and the
-- buyer got two surveys. Events queued before this migration have no status_after; the
-- runner treats them as before.
ALTER TABLE automation_events ADD COLUMN status_after text;

CREATE OR REPLACE FUNCTION automation_ticket_events() RETURNS trigger
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
            INSERT INTO automation_events (tenant_id, kind, ticket_id, order_id, previous, status_after, cause)
            VALUES (NEW.tenant_id, 'ticket_updated', NEW.id, NEW.order_id,
                    jsonb_build_object('status', OLD.status, 'priority', OLD.priority, 'type', OLD.type,
                                       'assignee', OLD.assignee_id, 'team', OLD.team_id, 'tags', to_jsonb(OLD.tags)),
                    NEW.status, automation_cause());
        END IF;
        RETURN NULL;
    END $$;
