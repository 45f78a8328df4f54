-- Case-insensitive look-ups that row-level security kept off their indexes.
--
-- Under RLS, PostgreSQL evaluates a condition that applies a non-leakproof function to a
-- column only after the policy's own condition, so it cannot be an index condition. lower()
-- is not leakproof: `lower(email) = lower($2)` read every customer of the shop through the
-- (tenant_id) prefix of `customers_email_idx` and filtered them (7.7 ms at 15,000 customers;
-- 51 ms a call during the API-create benchmark, on every new sender in ingest). The same held
-- for the portal's order look-up (`lower(external_id)`) and the customers list's keyset
-- (`(lower(name), id) > …`), which read the shop from its first customer on every page.
-- EXPLAIN as a superuser (RLS bypassed) showed index scans, which is why it went unnoticed.
--
-- The lowered values are now stored columns; comparing a column with `lower($n)` (a value
-- computed once, not per row) is an ordinary index condition under RLS.

ALTER TABLE customers
    ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
    ADD COLUMN name_lower text GENERATED ALWAYS AS (lower(name)) STORED;
DROP INDEX customers_email_idx;
DROP INDEX customers_name_idx;
-- created_at: the oldest customer with an address is the one a new identity joins.
CREATE INDEX customers_email_idx ON customers (tenant_id, email_lower, created_at);
CREATE INDEX customers_name_idx ON customers (tenant_id, name_lower, id);

ALTER TABLE orders ADD COLUMN external_id_lower text GENERATED ALWAYS AS (lower(external_id)) STORED;
DROP INDEX orders_external_lower_idx;
CREATE INDEX orders_external_lower_idx ON orders (tenant_id, external_id_lower);

-- Search's order-number look-up (migration 8) compared lower(external_id), whose index is
-- replaced above: the same function, reading the stored column.
CREATE OR REPLACE FUNCTION search_ticket_ids(p_query text, p_number bigint, p_limit int)
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
          WHERE o.tenant_id = tenant AND o.external_id_lower = lower(trim(p_query)) LIMIT p_limit) o
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
