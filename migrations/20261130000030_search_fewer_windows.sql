-- Search pays once per session for its helper functions, and widens its window by what the
-- last one found (docs/benchmarks.md, "Search: fewer windows, helpers planned once").
--
-- 1. search_text(), search_keys() and search_doc_keys() were SQL functions that PostgreSQL
--    cannot inline (a FROM clause; a STABLE function inside). Such a function is parsed and
--    planned again for every statement that calls it: each search paid for it three times
--    (search_text twice, search_doc_keys with search_keys inside), ~0.13 ms apiece, and every
--    single-row INSERT of a message or ticket paid for search_text and search_keys again.
--    PL/pgSQL keeps its plans for the session. The bodies are the same expressions, so every
--    stored search_vector and index key stays what it is (checked on 20,000 messages of the
--    1M-ticket benchmark: identical), and the indexes on search_keys() stay valid. In bulk
--    (one statement, many rows) search_keys() is faster too (4.6 against 7.2 µs a row) and
--    search_text() the same within 6 %.
--
-- 2. search_words_in() walked fixed windows (today, two days, 7, 30, everything), reading
--    each earlier window's matches again: a word with a page in a week (at 1M tickets,
--    "Lieferadresse") read 3, then 42, then 268 rows, for subjects and again for messages.
--    Each window now sizes the next from what it found: tickets found per day of the window
--    (today counts from midnight UTC, at least an hour), extrapolated to a page in whole
--    days, and eight times wider when it found none; past 30 days, everything. The same
--    word now reads about 3, then 80 rows. (A page and a quarter read ~6 % more per search
--    at 1M, one client: rounding up to whole days is margin enough.) What a window returns is unchanged: its newest
--    `reads` matches, ranked.

CREATE OR REPLACE FUNCTION search_text(doc text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
BEGIN
    RETURN (SELECT coalesce(string_agg(
               CASE WHEN length(w) > 1 AND w ~ '^[぀-ヿ㐀-䶿一-鿿가-힯฀-๿]+$'
                    THEN (SELECT string_agg(substr(w, i, 2), ' ') FROM generate_series(1, length(w) - 1) AS i)
                    ELSE w END, ' '), '')
            FROM (SELECT (regexp_matches(lower(doc),
                          '[a-z0-9À-ɏͰ-ϿЀ-ӿ֐-׿؀-ۿ]+|[぀-ヿ㐀-䶿一-鿿가-힯]+|[฀-๿]+', 'g'))[1] AS w) words);
END
$$;

CREATE OR REPLACE FUNCTION search_keys(tenant uuid, words tsvector, made timestamptz) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN array_remove(string_to_array(tenant::text || ' ' || array_to_string(
                            tsvector_to_array(words), '|' || tenant::text || ' '), '|'),
                        tenant::text || ' ')
           || (tenant::text || ' @' || search_day(made));
END
$$;

CREATE OR REPLACE FUNCTION search_doc_keys(tenant uuid, doc text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN array_remove(search_keys(tenant, to_tsvector('simple', doc), NULL), NULL);
END
$$;

CREATE OR REPLACE FUNCTION search_words_in(tenant uuid, q tsquery, keys text[], p_limit int, which text,
                                           OUT ids uuid[], OUT ranks real[], OUT message_ids uuid[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    weight constant real := CASE WHEN which = 'tickets' THEN 2 ELSE 1 END;
    reads constant int := 2000;
    today constant int := search_day(now());
    -- How much of today has gone (a fraction of a day; at least an hour, so that a match
    -- or two just after midnight does not look like a flood).
    today_part constant float8 := greatest(extract(epoch FROM now()) / 86400 - today, 1.0 / 24);
    days int := 1;
    covered float8;
    day_keys text[];
    seen bigint;
BEGIN
    LOOP
        -- The days of the window; for everything, the word keys themselves: a row holding
        -- all of them overlaps them, so one statement serves every window (a condition such
        -- as `day_keys IS NULL OR keys && day_keys` could not be asked of the index).
        IF days > 0 THEN
            day_keys := ARRAY(SELECT tenant::text || ' @' || d
                              FROM generate_series(today - days + 1, today) d);
        ELSE
            day_keys := keys;
        END IF;
        -- The window's newest `reads` matches (index keys: the words, and a day of the window),
        -- ranked; `seen` counts them. Each statement asks the search index alone (OFFSET 0
        -- keeps the tenant test and the ordering out of it) and tests the tenant on the rows
        -- it gives. Rows are ranked as
        -- they are read, so the sorts carry a rank and not the search vector; for messages,
        -- each ticket's rows reach array_agg() newest first from the sorted subquery (one sort
        -- for all tickets, where `array_agg(... ORDER BY ...)` sorted each ticket's rows apart).
        IF which = 'tickets' THEN
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'), max(s.seen)
              INTO ids, ranks, seen
            FROM (SELECT f.id, f.r, count(*) OVER () AS seen
                  FROM (SELECT t.id, t.created_at, (weight * ts_rank(t.search_vector, q))::real AS r
                        FROM (SELECT t.id, t.tenant_id, t.search_vector, t.created_at FROM tickets t
                              WHERE search_keys(t.tenant_id, t.search_vector, t.created_at) @> keys
                                AND search_keys(t.tenant_id, t.search_vector, t.created_at) && day_keys
                                AND t.search_vector @@ q
                              OFFSET 0) t
                        WHERE t.tenant_id = tenant
                        ORDER BY t.created_at DESC LIMIT reads) f
                  ORDER BY f.r DESC, f.created_at DESC LIMIT p_limit) s;
        ELSE
            SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.r), '{}'),
                   coalesce(array_agg(s.m), '{}'), max(s.seen) INTO ids, ranks, message_ids, seen
            FROM (SELECT f.ticket_id AS id, max(f.r)::real AS r, (array_agg(f.id))[1] AS m,
                         max(f.created_at) AS newest, sum(count(*)) OVER () AS seen
                  FROM (SELECT f.* FROM
                            (SELECT m.id, m.ticket_id, m.created_at, ts_rank(m.search_vector, q) AS r
                             FROM (SELECT m.id, m.tenant_id, m.ticket_id, m.search_vector, m.created_at
                                   FROM messages m
                                   WHERE search_keys(m.tenant_id, m.search_vector, m.created_at) @> keys
                                     AND search_keys(m.tenant_id, m.search_vector, m.created_at) && day_keys
                                     AND m.search_vector @@ q
                                   OFFSET 0) m
                             WHERE m.tenant_id = tenant
                             ORDER BY m.created_at DESC LIMIT reads) f
                        ORDER BY f.ticket_id, f.created_at DESC) f
                  GROUP BY f.ticket_id ORDER BY 2 DESC, 4 DESC LIMIT p_limit) s;
        END IF;
        IF days = 0 OR cardinality(ids) >= p_limit OR seen >= reads THEN
            RETURN;
        END IF;
        -- The next window: at this window's rate of tickets per day, enough whole days for a
        -- page (rounding up to a day is the margin; eight times as many days when it found
        -- none), at least one day more; past 30 days, everything.
        covered := days - 1 + today_part;
        days := greatest(days + 1,
                         CASE WHEN cardinality(ids) = 0 THEN days * 8
                              ELSE ceil(covered * p_limit / cardinality(ids) + 1 - today_part)::int
                         END);
        IF days > 30 THEN
            days := 0;
        END IF;
    END LOOP;
END
$$;

-- 3. The search page in one call. The page's query ran from the app on a shared plan, which
--    took two more round trips per search (setting plan_cache_mode and setting it back).
--    As a function it keeps its plans for the session with the same setting, and makes the
--    query's tsquery once for the snippets. Best matches first: exact ticket number, then
--    order number, then customer, then text rank; ties go to the latest activity. Each result
--    comes with the message it matched, or, for a ticket found by its subject, number or
--    customer, its newest message with the words. Only the transaction's shop is searched.
CREATE FUNCTION search_page(p_query text, p_number bigint, p_limit int)
    RETURNS TABLE (number bigint, subject text, status text, customer_name text,
                   last_message_at timestamptz, rank real, matched_body text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    ROWS 50
    AS $$
DECLARE
    tenant constant uuid := app_tenant_id();
    q constant tsquery := plainto_tsquery('simple', search_text(coalesce(p_query, '')));
BEGIN
    IF tenant IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH best AS (SELECT t.id, t.number, t.subject, t.status, t.customer_id,
                         t.last_message_at, f.rank, f.message_id
                  FROM search_ticket_ids(p_query, p_number, p_limit) f
                  JOIN tickets t ON t.tenant_id = tenant AND t.id = f.ticket_id
                  ORDER BY f.rank DESC, t.last_message_at DESC, t.id DESC
                  LIMIT p_limit)
    SELECT b.number, b.subject, b.status, c.name, b.last_message_at, b.rank,
           CASE WHEN b.message_id IS NOT NULL
                THEN (SELECT m.body_text FROM messages m
                      WHERE m.tenant_id = tenant AND m.id = b.message_id)
                ELSE (SELECT m.body_text FROM messages m
                      WHERE m.tenant_id = tenant AND m.ticket_id = b.id AND m.search_vector @@ q
                      ORDER BY m.created_at DESC LIMIT 1)
           END
    FROM best b
    JOIN customers c ON c.tenant_id = tenant AND c.id = b.customer_id
    ORDER BY b.rank DESC, b.last_message_at DESC, b.id DESC;
END
$$;
