-- Search at a million tickets without reading a shop's every index entry (docs/benchmarks.md,
-- "Search").
--
-- Migration 8 indexed (tenant_id, search_vector) with btree_gin. In a GIN index every key has
-- one list of rows, so the key `tenant_id = <a shop>` lists every message of the shop (2.3M
-- at 1M tickets), and each search walked that list to intersect it with the word's: 10-45 ms
-- for the index alone, before any row was read. Its search_words_in() then read the newest
-- 3,000 and 20,000 rows of a shop to find common words, which is most of the cost at 10k.
--
-- The index keys are now the shop's own: search_keys() turns a row into "<shop> <word>" for
-- each of its words plus "<shop> @<day>" for the day it was made. A word's list holds only its
-- matches in that one shop, and a day's list only that shop's rows of the day, so
--   * words:            keys @> ARRAY['<shop> 订单']          rows of the shop with the word;
--   * words, recently:  ... AND keys && ARRAY['<shop> @20415', ...]
-- cost what they find, however large the shop or the database. Search looks in the last day,
-- then 7 and 30 days, then everything, and stops at the first window with a page of tickets or
-- 2,000 matching rows, ranking that window's newest matches (at most 2,000 rows read), so a
-- common word is answered from its newest matches and a rare one from all of them. `search_vector @@ q` stays as the exact test on the rows read.

-- Days since 1970-01-01 UTC (interval arithmetic, so it is immutable, unlike extract() of a
-- timestamptz).
CREATE FUNCTION search_day(at timestamptz) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT floor(extract(epoch FROM at - timestamptz '1970-01-01 00:00:00+00') / 86400)::int $$;

-- The index keys of one row of a shop: its words, and the day it was made (none when `made`
-- is NULL). Words never hold a space, an '@' or a '|' (search_text keeps letters and digits
-- only), so a word key and a day key cannot be mistaken for each other, and the keys are made
-- by joining and splitting strings: one expression, about 5 µs a row, where the first form
-- (a subquery over the words) took more and a nested SQL function call costs ~15 µs more on
-- every index insert. (Not inlined: array_to_string is declared STABLE.)
CREATE FUNCTION search_keys(tenant uuid, words tsvector, made timestamptz) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_remove(string_to_array(tenant::text || ' ' || array_to_string(
                                  tsvector_to_array(words), '|' || tenant::text || ' '), '|'),
                              tenant::text || ' ')
                 || (tenant::text || ' @' || search_day(made)) $$;

-- The keys a query must find: each of its words, in the shop, made by search_keys() itself
-- so that rows and queries cannot disagree (no day: search_day(NULL) is NULL, removed).
CREATE FUNCTION search_word_keys(tenant uuid, query text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_remove(search_keys(tenant, to_tsvector('simple', search_text(query)), NULL),
                              NULL) $$;

DROP INDEX tickets_search_idx;
DROP INDEX messages_search_idx;
DROP INDEX customers_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING gin (search_keys(tenant_id, search_vector, created_at));
CREATE INDEX messages_search_idx ON messages USING gin (search_keys(tenant_id, search_vector, created_at));
CREATE INDEX customers_search_idx ON customers USING gin (search_keys(tenant_id, search_vector, created_at));

DROP FUNCTION search_words_in(uuid, tsquery, int, text);

-- Tickets whose subjects (`which` = 'tickets') or messages ('messages') hold every word of
-- `keys` (and match `q`), best first. Looks in the last day (today, UTC), then 7 and 30 days,
-- then everything, and stops at the first window that has a page of tickets or `reads`
-- matching rows: it ranks the newest `reads` matches of that window, so a common word costs
-- the same in any shop and a rare one is ranked in full. For messages it also gives, per
-- ticket, the newest matching message read. Called only by search_ticket_ids(), with the
-- tenant it took from the transaction.
CREATE FUNCTION search_words_in(tenant uuid, q tsquery, keys text[], p_limit int, which text,
                                OUT ids uuid[], OUT ranks real[], OUT message_ids uuid[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    weight constant real := CASE WHEN which = 'tickets' THEN 2 ELSE 1 END;
    reads constant int := 2000;
    today constant int := search_day(now());
    days int;
    day_keys text[];
    seen bigint;
BEGIN
    FOREACH days IN ARRAY ARRAY[1, 7, 30, 0] LOOP
        day_keys := ARRAY(SELECT tenant::text || ' @' || d
                          FROM generate_series(today - days + 1, today) d);
        -- The window's newest `reads` matches (index keys: the words, and a day of the window),
        -- ranked; `seen` counts them.
        IF which = 'tickets' AND days > 0 THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'), max(s.seen)
              INTO ids, ranks, seen
            FROM (SELECT f.id, (weight * ts_rank(f.search_vector, q))::real AS r, count(*) OVER () AS seen
                  FROM (SELECT t.id, t.search_vector, t.created_at FROM tickets t
                        WHERE search_keys(t.tenant_id, t.search_vector, t.created_at) @> keys
                          AND search_keys(t.tenant_id, t.search_vector, t.created_at) && day_keys
                          AND t.tenant_id = tenant AND t.search_vector @@ q
                        ORDER BY t.created_at DESC LIMIT reads) f
                  ORDER BY 2 DESC, f.created_at DESC LIMIT p_limit) s;
        ELSIF which = 'tickets' THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'), max(s.seen)
              INTO ids, ranks, seen
            FROM (SELECT f.id, (weight * ts_rank(f.search_vector, q))::real AS r, count(*) OVER () AS seen
                  FROM (SELECT t.id, t.search_vector, t.created_at FROM tickets t
                        WHERE search_keys(t.tenant_id, t.search_vector, t.created_at) @> keys
                          AND t.tenant_id = tenant AND t.search_vector @@ q
                        ORDER BY t.created_at DESC LIMIT reads) f
                  ORDER BY 2 DESC, f.created_at DESC LIMIT p_limit) s;
        ELSIF days > 0 THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'),
                   coalesce(array_agg(s.m), '{}'), max(s.seen) INTO ids, ranks, message_ids, seen
            FROM (SELECT f.ticket_id AS id, max(ts_rank(f.search_vector, q))::real AS r,
                         (array_agg(f.id ORDER BY f.created_at DESC))[1] AS m,
                         sum(count(*)) OVER () AS seen
                  FROM (SELECT m.id, m.ticket_id, m.search_vector, m.created_at FROM messages m
                        WHERE search_keys(m.tenant_id, m.search_vector, m.created_at) @> keys
                          AND search_keys(m.tenant_id, m.search_vector, m.created_at) && day_keys
                          AND m.tenant_id = tenant AND m.search_vector @@ q
                        ORDER BY m.created_at DESC LIMIT reads) f
                  GROUP BY f.ticket_id ORDER BY 2 DESC, max(f.created_at) DESC LIMIT p_limit) s;
        ELSE
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'),
                   coalesce(array_agg(s.m), '{}'), max(s.seen) INTO ids, ranks, message_ids, seen
            FROM (SELECT f.ticket_id AS id, max(ts_rank(f.search_vector, q))::real AS r,
                         (array_agg(f.id ORDER BY f.created_at DESC))[1] AS m,
                         sum(count(*)) OVER () AS seen
                  FROM (SELECT m.id, m.ticket_id, m.search_vector, m.created_at FROM messages m
                        WHERE search_keys(m.tenant_id, m.search_vector, m.created_at) @> keys
                          AND m.tenant_id = tenant AND m.search_vector @@ q
                        ORDER BY m.created_at DESC LIMIT reads) f
                  GROUP BY f.ticket_id ORDER BY 2 DESC, max(f.created_at) DESC LIMIT p_limit) s;
        END IF;
        IF cardinality(ids) >= p_limit OR seen >= reads THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION search_words_in(uuid, tsquery, text[], int, text) FROM PUBLIC;

-- As in migration 25, with the shop's own keys for customers and words, and the message that
-- matched (the newest of the ticket's matching messages read), so the page shows its snippet
-- without searching the ticket's messages again.
DROP FUNCTION search_ticket_ids(text, bigint, int);
CREATE FUNCTION search_ticket_ids(p_query text, p_number bigint, p_limit int)
    RETURNS TABLE (ticket_id uuid, rank real, message_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    ROWS 50
    AS $$
DECLARE
    tenant constant uuid := app_tenant_id();
    q constant tsquery := plainto_tsquery('simple', search_text(coalesce(p_query, '')));
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
        keys := search_word_keys(tenant, coalesce(p_query, ''));
        -- Customers by name or email.
        SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(c.r), '{}') INTO part_ids, part_ranks
        FROM (SELECT c.id, (10 + ts_rank(c.search_vector, q))::real AS r FROM customers c
              WHERE search_keys(c.tenant_id, c.search_vector, c.created_at) @> keys
                AND c.tenant_id = tenant AND c.search_vector @@ q LIMIT p_limit) c
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

    -- Each ticket once, at its best rank; ties go to the latest activity.
    RETURN QUERY
    SELECT c.id, max(c.r)::real, (array_agg(c.m) FILTER (WHERE c.m IS NOT NULL))[1]
    FROM unnest(ids, ranks, found) AS c(id, r, m)
    JOIN tickets t ON t.tenant_id = tenant AND t.id = c.id
    GROUP BY c.id, t.last_message_at
    ORDER BY max(c.r) DESC, t.last_message_at DESC, c.id DESC
    LIMIT p_limit;
END
$$;
