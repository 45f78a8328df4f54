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
--    matching row, so search_words_in() looks for words among the newest rows first and goes
--    to the index (ranking every match) only for rare ones (see there).

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

-- Tickets whose subjects (`which` = 'tickets') or messages ('messages') match `q`, in steps
-- that keep every word cheap:
--   1. look among the newest 3,000 rows, then the newest 20,000: a common word fills the page
--      there, newest matches first, and we are done;
--   2. otherwise the word is rare: take its matches from the full-text index (at most 2,000,
--      plus what step 1 found) and rank them all.
-- Called only by search_ticket_ids(), with the tenant it took from the transaction.
CREATE FUNCTION search_words_in(tenant uuid, q tsquery, p_limit int, which text,
                                OUT ids uuid[], OUT ranks real[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    weight constant real := CASE WHEN which = 'tickets' THEN 2 ELSE 1 END;
    win int;
    more_ids uuid[];
    more_ranks real[];
BEGIN
    FOREACH win IN ARRAY ARRAY[3000, 20000] LOOP
        -- The newest `win` rows by the recency index (the inner LIMIT keeps it an index scan).
        IF which = 'tickets' THEN
            SELECT coalesce(array_agg(w.id), '{}'), coalesce(array_agg(w.r), '{}') INTO ids, ranks
            FROM (SELECT n.id, (weight * ts_rank(n.search_vector, q))::real AS r
                  FROM (SELECT t.id, t.search_vector FROM tickets t WHERE t.tenant_id = tenant
                        ORDER BY t.last_message_at DESC, t.id DESC LIMIT win) n
                  WHERE n.search_vector @@ q LIMIT p_limit) w;
        ELSE
            SELECT coalesce(array_agg(w.id), '{}'), coalesce(array_agg(w.r), '{}') INTO ids, ranks
            FROM (SELECT n.ticket_id AS id, max(ts_rank(n.search_vector, q))::real AS r
                  FROM (SELECT m.ticket_id, m.search_vector FROM messages m WHERE m.tenant_id = tenant
                        ORDER BY m.created_at DESC LIMIT win) n
                  WHERE n.search_vector @@ q GROUP BY n.ticket_id LIMIT p_limit) w;
        END IF;
        IF cardinality(ids) >= p_limit THEN
            RETURN;
        END IF;
    END LOOP;
    IF which = 'tickets' THEN
        SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}') INTO more_ids, more_ranks
        FROM (SELECT t.id, (weight * ts_rank(t.search_vector, q))::real AS r FROM tickets t
              WHERE t.tenant_id = tenant AND t.search_vector @@ q LIMIT 2000) s;
    ELSE
        SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}') INTO more_ids, more_ranks
        FROM (SELECT m.ticket_id AS id, ts_rank(m.search_vector, q)::real AS r FROM messages m
              WHERE m.tenant_id = tenant AND m.search_vector @@ q LIMIT 2000) s;
    END IF;
    ids := ids || more_ids;
    ranks := ranks || more_ranks;
END
$$;
REVOKE EXECUTE ON FUNCTION search_words_in(uuid, tsquery, int, text) FROM PUBLIC;

CREATE FUNCTION search_ticket_ids(p_query text, p_number bigint, p_limit int)
    RETURNS TABLE (ticket_id uuid, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    tenant constant uuid := app_tenant_id();
    q constant tsquery := plainto_tsquery('simple', search_text(coalesce(p_query, '')));
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

        SELECT w.ids, w.ranks INTO part_ids, part_ranks FROM search_words_in(tenant, q, p_limit, 'tickets') w;
        ids := ids || part_ids; ranks := ranks || part_ranks;
        SELECT w.ids, w.ranks INTO part_ids, part_ranks FROM search_words_in(tenant, q, p_limit, 'messages') w;
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
