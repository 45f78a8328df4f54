-- Search does each piece of work once (docs/benchmarks.md, "Search: each piece of work once").
--
-- Measured at 1M tickets, one session, per search:
--   * search_text() of the query ran twice in search_ticket_ids() (for `q`, and again inside
--     search_word_keys()), ~0.1 ms each;
--   * search_ticket_ids() joined its candidates to tickets to order them by last activity, and
--     the page's query joined the 50 it kept to tickets again (~0.3 ms);
--   * the page's snippet subquery, for each ticket found by subject, number or customer,
--     recomputed plainto_tsquery(search_text(query)) per ticket: 50 × ~0.02 ms for a word
--     common in subjects.
--   * every statement inside the search functions was planned again on each call: PostgreSQL
--     keeps a shared (generic) plan only if its estimate is not much worse than a fresh one,
--     and with the query's keys unknown it never is. Planning was ~10 % of the database's CPU
--     during the search benchmark (`perf`); with shared plans a search took 1.4-3.7 ms
--     instead of 3.8-7.1 ms at 1M. The one shared plan that was bad (at 10k: a BitmapAnd
--     of the word keys with the shop's whole `tickets_tags_idx` entry, 3 ms) came from
--     offering the tenant test to the index: each statement now asks the search index alone,
--     in a subquery the tenant test cannot be pushed into, and tests the tenant on the rows.
-- search_ticket_ids() now makes the query's words once, and returns its candidates (each
-- ticket once, at its best rank, with the message it matched) unordered; the caller joins
-- tickets once, orders, limits, and computes the tsquery once for the snippets. Both search
-- functions run their statements on shared plans (`SET plan_cache_mode`).

-- The keys a query must find, from its already-made search document (search_text() output),
-- made by search_keys() itself so that rows and queries cannot disagree (no day:
-- search_day(NULL) is NULL, removed). It replaces search_word_keys(), which made the
-- document again and has no other caller.
CREATE FUNCTION search_doc_keys(tenant uuid, doc text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_remove(search_keys(tenant, to_tsvector('simple', doc), NULL), NULL) $$;

DROP FUNCTION search_word_keys(uuid, text);

-- As in migration 26, with one more window, and every statement on a shared plan that asks
-- the search index alone. The windows are today (UTC), today and yesterday, then 7 and 30
-- days, then everything: days are calendar days, so just after midnight "today" holds almost
-- nothing, and every common word fell through to 7 days (at 1M tickets, search went from
-- 375 req/s before midnight to 250 after); yesterday now answers it. Shared plans:
-- the word and day keys are tested in a subquery (OFFSET 0 keeps the tenant test and the
-- ordering out of it, so no plan can pair the keys with a shop-wide index or walk an index
-- newest first), and the tenant on the rows it gives.
CREATE OR REPLACE FUNCTION search_words_in(tenant uuid, q tsquery, keys text[], p_limit int, which text,
                                           OUT ids uuid[], OUT ranks real[], OUT message_ids uuid[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    weight constant real := CASE WHEN which = 'tickets' THEN 2 ELSE 1 END;
    reads constant int := 2000;
    today constant int := search_day(now());
    days int;
    day_keys text[];
    seen bigint;
BEGIN
    FOREACH days IN ARRAY ARRAY[1, 2, 7, 30, 0] LOOP
        day_keys := ARRAY(SELECT tenant::text || ' @' || d
                          FROM generate_series(today - days + 1, today) d);
        -- The window's newest `reads` matches (index keys: the words, and a day of the window),
        -- ranked; `seen` counts them. (One statement per shape: a condition such as
        -- `day_keys IS NULL OR keys && day_keys` could not be asked of the index.)
        IF which = 'tickets' AND days > 0 THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'), max(s.seen)
              INTO ids, ranks, seen
            FROM (SELECT f.id, (weight * ts_rank(f.search_vector, q))::real AS r, count(*) OVER () AS seen
                  FROM (SELECT t.id, t.search_vector, t.created_at
                        FROM (SELECT t.id, t.tenant_id, t.search_vector, t.created_at FROM tickets t
                              WHERE search_keys(t.tenant_id, t.search_vector, t.created_at) @> keys
                                AND search_keys(t.tenant_id, t.search_vector, t.created_at) && day_keys
                                AND t.search_vector @@ q
                              OFFSET 0) t
                        WHERE t.tenant_id = tenant
                        ORDER BY t.created_at DESC LIMIT reads) f
                  ORDER BY 2 DESC, f.created_at DESC LIMIT p_limit) s;
        ELSIF which = 'tickets' THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'), max(s.seen)
              INTO ids, ranks, seen
            FROM (SELECT f.id, (weight * ts_rank(f.search_vector, q))::real AS r, count(*) OVER () AS seen
                  FROM (SELECT t.id, t.search_vector, t.created_at
                        FROM (SELECT t.id, t.tenant_id, t.search_vector, t.created_at FROM tickets t
                              WHERE search_keys(t.tenant_id, t.search_vector, t.created_at) @> keys
                                AND t.search_vector @@ q
                              OFFSET 0) t
                        WHERE t.tenant_id = tenant
                        ORDER BY t.created_at DESC LIMIT reads) f
                  ORDER BY 2 DESC, f.created_at DESC LIMIT p_limit) s;
        ELSIF days > 0 THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'),
                   coalesce(array_agg(s.m), '{}'), max(s.seen) INTO ids, ranks, message_ids, seen
            FROM (SELECT f.ticket_id AS id, max(ts_rank(f.search_vector, q))::real AS r,
                         (array_agg(f.id ORDER BY f.created_at DESC))[1] AS m,
                         sum(count(*)) OVER () AS seen
                  FROM (SELECT m.id, m.ticket_id, m.search_vector, m.created_at
                        FROM (SELECT m.id, m.tenant_id, m.ticket_id, m.search_vector, m.created_at
                              FROM messages m
                              WHERE search_keys(m.tenant_id, m.search_vector, m.created_at) @> keys
                                AND search_keys(m.tenant_id, m.search_vector, m.created_at) && day_keys
                                AND m.search_vector @@ q
                              OFFSET 0) m
                        WHERE m.tenant_id = tenant
                        ORDER BY m.created_at DESC LIMIT reads) f
                  GROUP BY f.ticket_id ORDER BY 2 DESC, max(f.created_at) DESC LIMIT p_limit) s;
        ELSE
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'),
                   coalesce(array_agg(s.m), '{}'), max(s.seen) INTO ids, ranks, message_ids, seen
            FROM (SELECT f.ticket_id AS id, max(ts_rank(f.search_vector, q))::real AS r,
                         (array_agg(f.id ORDER BY f.created_at DESC))[1] AS m,
                         sum(count(*)) OVER () AS seen
                  FROM (SELECT m.id, m.ticket_id, m.search_vector, m.created_at
                        FROM (SELECT m.id, m.tenant_id, m.ticket_id, m.search_vector, m.created_at
                              FROM messages m
                              WHERE search_keys(m.tenant_id, m.search_vector, m.created_at) @> keys
                                AND m.search_vector @@ q
                              OFFSET 0) m
                        WHERE m.tenant_id = tenant
                        ORDER BY m.created_at DESC LIMIT reads) f
                  GROUP BY f.ticket_id ORDER BY 2 DESC, max(f.created_at) DESC LIMIT p_limit) s;
        END IF;
        IF cardinality(ids) >= p_limit OR seen >= reads THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;

-- Tickets matching the query: by number (rank 100), order number (50), customer name or email
-- (10 + text rank), subject (2 × text rank) and message (text rank), each part at most
-- `p_limit` tickets. Each ticket comes once, at its best rank, with the newest message it
-- matched (NULL when no message matched). Unordered: the caller orders by rank and last
-- activity, which it reads from tickets anyway. Only the transaction's shop is searched.
DROP FUNCTION search_ticket_ids(text, bigint, int);
CREATE FUNCTION search_ticket_ids(p_query text, p_number bigint, p_limit int)
    RETURNS TABLE (ticket_id uuid, rank real, message_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    ROWS 100
    AS $$
DECLARE
    tenant constant uuid := app_tenant_id();
    doc constant text := search_text(coalesce(p_query, ''));
    q constant tsquery := plainto_tsquery('simple', doc);
    keys text[];
    ids uuid[] := '{}';
    ranks real[] := '{}';
    found uuid[] := '{}';
    part_ids uuid[];
    part_ranks real[];
    part_found uuid[];
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
          WHERE o.tenant_id = tenant AND o.external_id_lower = lower(trim(p_query)) LIMIT p_limit) o
    JOIN tickets t ON t.tenant_id = tenant AND t.order_id = o.id;
    ids := ids || part_ids; ranks := ranks || part_ranks;

    IF numnode(q) > 0 THEN
        keys := search_doc_keys(tenant, doc);
        -- Customers by name or email.
        SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(c.r), '{}') INTO part_ids, part_ranks
        FROM (SELECT c.id, (10 + ts_rank(c.search_vector, q))::real AS r
              FROM (SELECT c.id, c.tenant_id, c.search_vector FROM customers c
                    WHERE search_keys(c.tenant_id, c.search_vector, c.created_at) @> keys
                      AND c.search_vector @@ q
                    OFFSET 0) c
              WHERE c.tenant_id = tenant LIMIT p_limit) c
        JOIN tickets t ON t.tenant_id = tenant AND t.customer_id = c.id;
        ids := ids || part_ids; ranks := ranks || part_ranks;

        SELECT w.ids, w.ranks INTO part_ids, part_ranks
        FROM search_words_in(tenant, q, keys, p_limit, 'tickets') w;
        ids := ids || part_ids; ranks := ranks || part_ranks;
        -- Only messages name a message; the rows before them name none.
        found := array_fill(NULL::uuid, ARRAY[cardinality(ids)]);
        SELECT w.ids, w.ranks, w.message_ids INTO part_ids, part_ranks, part_found
        FROM search_words_in(tenant, q, keys, p_limit, 'messages') w;
        ids := ids || part_ids; ranks := ranks || part_ranks; found := found || part_found;
    END IF;

    RETURN QUERY
    SELECT c.id, max(c.r)::real, (array_agg(c.m) FILTER (WHERE c.m IS NOT NULL))[1]
    FROM unnest(ids, ranks, found) AS c(id, r, m)
    GROUP BY c.id;
END
$$;
