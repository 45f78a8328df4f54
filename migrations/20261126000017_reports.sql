-- Reports: how long tickets waited for a first reply and for a solution, stored when it
-- happens (not computed at report time), and the indexes that make the reports' date-range
-- aggregates cheap at a million tickets.
--
-- Calendar seconds are set by a trigger, so every path that sets `first_response_at` or moves
-- a ticket to solved/closed (agent pages, bulk edits, merges, rules, API, bulk SQL) keeps them
-- right. Business seconds need the shop's calendar (domain::sla::Clock, Rust): the trigger
-- marks the ticket `durations_pending` in the same transaction, and the `report_durations`
-- worker job fills them in (through the partial index below, so its cost is what is pending).

ALTER TABLE tickets
    -- When the ticket last became solved (or closed without being solved first); NULL while
    -- it is being worked on (a reopen clears it, the next solve sets it again).
    ADD COLUMN solved_at timestamptz,
    ADD COLUMN first_reply_secs bigint CHECK (first_reply_secs >= 0),
    ADD COLUMN first_reply_business_secs bigint CHECK (first_reply_business_secs >= 0),
    ADD COLUMN resolution_secs bigint CHECK (resolution_secs >= 0),
    ADD COLUMN resolution_business_secs bigint CHECK (resolution_business_secs >= 0),
    -- Business seconds still to be counted by the worker.
    ADD COLUMN durations_pending boolean NOT NULL DEFAULT false;

-- Whole seconds from `since` to `at` (never negative); NULL while `at` is.
CREATE FUNCTION report_secs(since timestamptz, at timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN at IS NOT NULL THEN floor(greatest(0, extract(epoch FROM at - since)))::bigint END $$;

CREATE FUNCTION report_ticket_durations() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF NEW.status IN ('solved', 'closed') THEN
            IF TG_OP = 'INSERT' THEN
                -- Bulk history: without a stamp, its last activity is the best guess.
                NEW.solved_at := coalesce(NEW.solved_at, greatest(NEW.created_at, NEW.last_message_at));
            ELSIF OLD.status NOT IN ('solved', 'closed') AND NEW.solved_at IS NOT DISTINCT FROM OLD.solved_at THEN
                NEW.solved_at := now();
            END IF;
        ELSE
            NEW.solved_at := NULL;
        END IF;
        IF TG_OP = 'INSERT' OR NEW.first_response_at IS DISTINCT FROM OLD.first_response_at
                           OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
            NEW.first_reply_secs := report_secs(NEW.created_at, NEW.first_response_at);
            NEW.first_reply_business_secs := NULL;
            NEW.durations_pending := NEW.durations_pending OR NEW.first_response_at IS NOT NULL;
        END IF;
        IF TG_OP = 'INSERT' OR NEW.solved_at IS DISTINCT FROM OLD.solved_at
                           OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
            NEW.resolution_secs := report_secs(NEW.created_at, NEW.solved_at);
            NEW.resolution_business_secs := NULL;
            NEW.durations_pending := NEW.durations_pending OR NEW.solved_at IS NOT NULL;
        END IF;
        RETURN NEW;
    END $$;
CREATE TRIGGER tickets_report_durations BEFORE INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION report_ticket_durations();

-- Backfill: solved tickets get the time of their last change to solved/closed in the history,
-- else their last activity; then the calendar seconds. Business seconds follow in the worker.
UPDATE tickets t SET solved_at = coalesce(
        (SELECT max(e.at) FROM ticket_events e
         WHERE e.tenant_id = t.tenant_id AND e.ticket_id = t.id AND e.kind = 'status'
           AND e.to_value IN ('solved', 'closed')),
        greatest(t.created_at, t.last_message_at))
WHERE t.status IN ('solved', 'closed');
UPDATE tickets SET
    first_reply_secs = report_secs(created_at, first_response_at),
    resolution_secs = report_secs(created_at, solved_at),
    durations_pending = true
WHERE first_response_at IS NOT NULL OR solved_at IS NOT NULL;

-- The worker's queue: tickets whose business seconds are still to be counted.
CREATE INDEX tickets_durations_pending_idx ON tickets (tenant_id) WHERE durations_pending;

CREATE FUNCTION pending_ticket_durations(p_limit integer)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT t.tenant_id, t.id FROM tickets t WHERE t.durations_pending
          ORDER BY t.tenant_id LIMIT p_limit $$;

-- Report scans: one range of one shop's tickets by creation, with every column a report
-- groups or measures by in the index, so the scan need not visit the table.
CREATE INDEX tickets_report_idx ON tickets (tenant_id, created_at)
    INCLUDE (id, channel, order_id, status, type, intent, assignee_id, first_response_at,
             first_response_due_at, solved_at, resolution_due_at, first_reply_secs,
             first_reply_business_secs, resolution_secs, resolution_business_secs);
-- Units sold per range, market and channel; the SKU filter.
CREATE INDEX orders_report_idx ON orders (tenant_id, ordered_at) INCLUDE (id, channel, shipping_country);
CREATE INDEX order_items_sku_idx ON order_items (tenant_id, sku, order_id);
-- The items of the range's orders, read from the index alone (without it the planner hashes
-- every item of the shop).
CREATE INDEX order_items_report_idx ON order_items (tenant_id, order_id) INCLUDE (sku, quantity);
-- Refunds per range.
CREATE INDEX refunds_report_idx ON refunds (tenant_id, created_at);
