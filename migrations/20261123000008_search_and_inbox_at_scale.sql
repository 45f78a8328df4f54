-- Search and inbox at a million tickets (see docs/benchmarks.md for the plans behind this).
--
-- 1. Row-level security keeps PostgreSQL from using an index for any condition whose function
--    is not LEAKPROOF, and neither `@@` nor lower() is: under RLS every search was a full scan.
--    Search now runs in search_ticket_ids(), a SECURITY DEFINER function (it runs as the owner,
--    which RLS does not bind) that takes its tenant from the transaction's app_tenant_id(),
--    never from an argument, so it can only ever search the caller's own shop.
-- 2. The full-text indexes lead with tenant_id (btree_gin), so a word common in one shop costs
--    another shop nothing.
-- 3. Ranking every match of a very common word ("订单" in a Chinese shop) means reading every
--    matching row. Up to SEARCH_CAP matches are ranked exactly; beyond that the newest matches
--    are read in time order until the page is full, which costs less the commoner the word is.

DROP INDEX tickets_search_idx;
DROP INDEX messages_search_idx;
DROP INDEX customers_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING gin (tenant_id, search_vector);
CREATE INDEX messages_search_idx ON messages USING gin (tenant_id, search_vector);
CREATE INDEX customers_search_idx ON customers USING gin (tenant_id, search_vector);
-- Newest messages first, for the walk through common words.
CREATE INDEX messages_recent_idx ON messages (tenant_id, created_at DESC);
-- Tickets of an order (search by order number, the order side panel).
CREATE INDEX tickets_order_idx ON tickets (tenant_id, order_id) WHERE order_id IS NOT NULL;

CREATE FUNCTION search_ticket_ids(p_query text, p_number bigint, p_limit int)
    RETURNS TABLE (ticket_id uuid, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    tenant constant uuid := app_tenant_id();
    q constant tsquery := plainto_tsquery('simple', search_text(coalesce(p_query, '')));
    cap constant int := 2000;  -- SEARCH_CAP
    ids uuid[] := '{}';
    ranks real[] := '{}';
    part_ids uuid[];
    part_ranks real[];
BEGIN
    IF tenant IS NULL THEN
        RETURN;
    END IF;
    -- The ticket number, then the order number: exact, best.
    SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(100::real), '{}') INTO part_ids, part_ranks
    FROM tickets t WHERE t.tenant_id = tenant AND t.number = p_number;
    ids := ids || part_ids; ranks := ranks || part_ranks;
    SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(50::real), '{}') INTO part_ids, part_ranks
    FROM (SELECT o.id FROM orders o
          WHERE o.tenant_id = tenant AND lower(o.external_id) = lower(trim(p_query)) LIMIT p_limit) o
    JOIN tickets t ON t.tenant_id = tenant AND t.order_id = o.id;
    ids := ids || part_ids; ranks := ranks || part_ranks;

    IF numnode(q) > 0 THEN
        -- Customers by name or email.
        SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(c.r), '{}') INTO part_ids, part_ranks
        FROM (SELECT c.id, (10 + ts_rank(c.search_vector, q))::real AS r FROM customers c
              WHERE c.tenant_id = tenant AND c.search_vector @@ q LIMIT p_limit) c
        JOIN tickets t ON t.tenant_id = tenant AND t.customer_id = c.id;
        ids := ids || part_ids; ranks := ranks || part_ranks;

        -- Subjects: all matches ranked when there are few; the newest otherwise.
        SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}') INTO part_ids, part_ranks
        FROM (SELECT t.id, (2 * ts_rank(t.search_vector, q))::real AS r FROM tickets t
              WHERE t.tenant_id = tenant AND t.search_vector @@ q LIMIT cap + 1) s;
        IF cardinality(part_ids) > cap THEN
            -- `|| ''` hides the index, so this reads tickets newest first and stops early.
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}') INTO part_ids, part_ranks
            FROM (SELECT t.id, (2 * ts_rank(t.search_vector, q))::real AS r FROM tickets t
                  WHERE t.tenant_id = tenant AND (t.search_vector || ''::tsvector) @@ q
                  ORDER BY t.last_message_at DESC, t.id DESC LIMIT p_limit) s;
        END IF;
        ids := ids || part_ids; ranks := ranks || part_ranks;

        -- Message bodies, the same way.
        SELECT coalesce(array_agg(s.ticket_id), '{}'), coalesce(array_agg(s.r), '{}') INTO part_ids, part_ranks
        FROM (SELECT m.ticket_id, ts_rank(m.search_vector, q)::real AS r FROM messages m
              WHERE m.tenant_id = tenant AND m.search_vector @@ q LIMIT cap + 1) s;
        IF cardinality(part_ids) > cap THEN
            SELECT coalesce(array_agg(s.ticket_id), '{}'), coalesce(array_agg(s.r), '{}') INTO part_ids, part_ranks
            FROM (SELECT m.ticket_id, ts_rank(m.search_vector, q)::real AS r FROM messages m
                  WHERE m.tenant_id = tenant AND (m.search_vector || ''::tsvector) @@ q
                  ORDER BY m.created_at DESC LIMIT p_limit * 4) s;
        END IF;
        ids := ids || part_ids; ranks := ranks || part_ranks;
    END IF;

    -- Each ticket once, at its best rank; ties go to the latest activity.
    RETURN QUERY
    SELECT c.id, max(c.r)::real
    FROM unnest(ids, ranks) AS c(id, r)
    JOIN tickets t ON t.tenant_id = tenant AND t.id = c.id
    GROUP BY c.id, t.last_message_at
    ORDER BY max(c.r) DESC, t.last_message_at DESC, c.id DESC
    LIMIT p_limit;
END
$$;

-- Inbox tab counts of "unassigned"/"mine" check the status in the index itself.
DROP INDEX tickets_assignee_inbox_idx;
CREATE INDEX tickets_assignee_inbox_idx ON tickets (tenant_id, assignee_id, last_message_at DESC, id DESC)
    INCLUDE (status);
-- Views over tickets still being worked on (the default inbox) skip the closed history, which
-- is most of a shop's tickets: a rare filter walks the open ones, not all of them.
CREATE INDEX tickets_active_inbox_idx ON tickets (tenant_id, last_message_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
