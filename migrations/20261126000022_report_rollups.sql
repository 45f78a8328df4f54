-- Reports at scale (see docs/reports.md, "Measured"): the two report cases that grew with
-- the shop instead of the range.
--
-- 1. The market filter (the order's shipping country) on tickets, service, CSAT and bot asked
--    `orders` once per ticket or survey. Tickets now carry their order's country (`market`),
--    kept by triggers, and it is in `tickets_report_idx`; surveys copy it from their ticket.
-- 2. Units sold (the whole of a return rate) read every item of every order in the range.
--    They are now summed per shop day, channel, market and SKU in `units_sold_daily`, kept by
--    statement triggers on `order_items` and `orders`, so a year is at most 365 rows per
--    (channel, market, SKU) whatever the number of orders.

-- ---- 1. tickets.market, csat_surveys.market ------------------------------------------------

ALTER TABLE tickets ADD COLUMN market text;
ALTER TABLE csat_surveys ADD COLUMN market text;

-- A ticket's market follows its order: set when the order is linked…
CREATE FUNCTION tickets_set_market() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.order_id IS NULL THEN
            NEW.market := NULL;
        ELSE
            NEW.market := (SELECT o.shipping_country FROM orders o
                           WHERE o.tenant_id = NEW.tenant_id AND o.id = NEW.order_id);
        END IF;
        RETURN NEW;
    END $$;
CREATE TRIGGER tickets_market BEFORE INSERT OR UPDATE OF order_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_set_market();

-- …and when the order's country changes (an address filled in by a later sync): see
-- `orders_report_facts` below, the one statement trigger on `orders` updates.

-- A survey's market is its ticket's, at sending and when the ticket's changes.
CREATE FUNCTION csat_surveys_set_market() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.market := (SELECT t.market FROM tickets t
                       WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.ticket_id);
        RETURN NEW;
    END $$;
CREATE TRIGGER csat_surveys_market BEFORE INSERT ON csat_surveys
    FOR EACH ROW EXECUTE FUNCTION csat_surveys_set_market();

CREATE FUNCTION tickets_market_to_surveys() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE csat_surveys s SET market = NEW.market
        WHERE s.tenant_id = NEW.tenant_id AND s.ticket_id = NEW.id;
        RETURN NULL;
    END $$;
CREATE TRIGGER tickets_market_surveys AFTER UPDATE OF market ON tickets
    FOR EACH ROW WHEN (OLD.market IS DISTINCT FROM NEW.market)
    EXECUTE FUNCTION tickets_market_to_surveys();

UPDATE tickets t SET market = o.shipping_country
FROM orders o
WHERE o.tenant_id = t.tenant_id AND o.id = t.order_id AND o.shipping_country IS NOT NULL;
UPDATE csat_surveys s SET market = t.market
FROM tickets t
WHERE t.tenant_id = s.tenant_id AND t.id = s.ticket_id AND t.market IS NOT NULL;

DROP INDEX tickets_report_idx;
CREATE INDEX tickets_report_idx ON tickets (tenant_id, created_at)
    INCLUDE (id, channel, market, order_id, status, type, intent, assignee_id, first_response_at,
             first_response_due_at, solved_at, resolution_due_at, first_reply_secs,
             first_reply_business_secs, resolution_secs, resolution_business_secs);
-- Surveys of a range, read from the index alone for the counts.
DROP INDEX csat_surveys_sent_idx;
CREATE INDEX csat_surveys_sent_idx ON csat_surveys (tenant_id, sent_at)
    INCLUDE (channel, market, agent_id, rating, ticket_id);

-- ---- 2. units sold per shop day ---------------------------------------------------------------

-- `market` is '' for orders without a shipping country (a key column cannot be NULL).
CREATE TABLE units_sold_daily (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day       date NOT NULL,
    channel   text NOT NULL,
    market    text NOT NULL,
    sku       text NOT NULL,
    units     bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, channel, market, sku)
);
ALTER TABLE units_sold_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON units_sold_daily USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON units_sold_daily TO aftersail_app;

-- The shop's zone for day boundaries, as the reports use it; a name PostgreSQL does not know
-- counts as UTC (an order must never fail to store because of a report).
CREATE FUNCTION report_zone(p_tenant uuid) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
    DECLARE zone text;
    BEGIN
        SELECT time_zone INTO zone FROM tenants WHERE id = p_tenant;
        PERFORM now() AT TIME ZONE zone;
        RETURN coalesce(zone, 'UTC');
    EXCEPTION WHEN invalid_parameter_value THEN
        RETURN 'UTC';
    END $$;

-- Adds signed units (one element per item line and sign: the order's shop, time, channel and
-- country, the SKU, ± quantity) to the daily sums, in key order, so two transactions adding to
-- the same days take their row locks in the same order. Rows may reach 0 and stay (reports
-- skip them).
CREATE FUNCTION units_sold_add(p_tenant uuid[], p_at timestamptz[], p_channel text[],
                               p_market text[], p_sku text[], p_units bigint[]) RETURNS void
    LANGUAGE sql AS $$
    WITH r AS (SELECT * FROM unnest(p_tenant, p_at, p_channel, p_market, p_sku, p_units)
                             AS r (tenant_id, at, channel, market, sku, units)),
         z AS (SELECT s.tenant_id, report_zone(s.tenant_id) AS zone
               FROM (SELECT DISTINCT tenant_id FROM r) s)
    INSERT INTO units_sold_daily AS u (tenant_id, day, channel, market, sku, units)
    SELECT r.tenant_id, (r.at AT TIME ZONE z.zone)::date, r.channel, coalesce(r.market, ''),
           r.sku, sum(r.units)
    FROM r JOIN z ON z.tenant_id = r.tenant_id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(r.units) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (tenant_id, day, channel, market, sku) DO UPDATE SET units = u.units + EXCLUDED.units
    $$;

CREATE FUNCTION order_items_units_sold() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM units_sold_add(array_agg(o.tenant_id), array_agg(o.ordered_at), array_agg(o.channel),
                                   array_agg(o.shipping_country), array_agg(n.sku), array_agg(n.quantity::bigint))
            FROM new_items n JOIN orders o ON o.tenant_id = n.tenant_id AND o.id = n.order_id;
        ELSIF TG_OP = 'DELETE' THEN
            -- Items deleted with their order (a shop being removed) find no order: nothing to do.
            PERFORM units_sold_add(array_agg(o.tenant_id), array_agg(o.ordered_at), array_agg(o.channel),
                                   array_agg(o.shipping_country), array_agg(d.sku), array_agg(-d.quantity::bigint))
            FROM old_items d JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = d.order_id;
        ELSE
            -- Lines whose order, SKU or quantity changed: out under the old, in under the new.
            PERFORM units_sold_add(array_agg(o.tenant_id), array_agg(o.ordered_at), array_agg(o.channel),
                                   array_agg(o.shipping_country), array_agg(x.sku), array_agg(x.units))
            FROM old_items d JOIN new_items n ON n.tenant_id = d.tenant_id AND n.id = d.id
            CROSS JOIN LATERAL (VALUES (d.order_id, d.sku, -d.quantity::bigint),
                                       (n.order_id, n.sku, n.quantity::bigint)) x (order_id, sku, units)
            JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = x.order_id
            WHERE (d.order_id, d.sku, d.quantity) IS DISTINCT FROM (n.order_id, n.sku, n.quantity);
        END IF;
        RETURN NULL;
    END $$;
CREATE TRIGGER order_items_units_sold_insert AFTER INSERT ON order_items
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION order_items_units_sold();
CREATE TRIGGER order_items_units_sold_delete AFTER DELETE ON order_items
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION order_items_units_sold();
CREATE TRIGGER order_items_units_sold_update AFTER UPDATE ON order_items
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION order_items_units_sold();

-- Order updates: its tickets follow its country, and an order moved in time, channel or
-- country moves its lines' units (out under the old key, in under the new).
CREATE FUNCTION orders_report_facts() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE tickets t SET market = n.shipping_country
        FROM new_orders n JOIN old_orders o ON o.tenant_id = n.tenant_id AND o.id = n.id
        WHERE o.shipping_country IS DISTINCT FROM n.shipping_country
          AND t.tenant_id = n.tenant_id AND t.order_id = n.id
          AND t.market IS DISTINCT FROM n.shipping_country;
        PERFORM units_sold_add(array_agg(d.tenant_id), array_agg(x.at), array_agg(x.channel),
                               array_agg(x.market), array_agg(i.sku), array_agg(x.sign * i.quantity))
        FROM old_orders d JOIN new_orders n ON n.tenant_id = d.tenant_id AND n.id = d.id
        CROSS JOIN LATERAL (VALUES (d.ordered_at, d.channel, d.shipping_country, -1::bigint),
                                   (n.ordered_at, n.channel, n.shipping_country, 1::bigint)) x (at, channel, market, sign)
        JOIN order_items i ON i.tenant_id = d.tenant_id AND i.order_id = d.id
        WHERE (d.ordered_at, d.channel, d.shipping_country)
              IS DISTINCT FROM (n.ordered_at, n.channel, n.shipping_country);
        RETURN NULL;
    END $$;
CREATE TRIGGER orders_report_facts AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_report_facts();

-- Days are the shop's days: a new time zone redraws them.
CREATE FUNCTION units_sold_rebuild(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM units_sold_daily WHERE tenant_id = p_tenant;
        PERFORM units_sold_add(array_agg(o.tenant_id), array_agg(o.ordered_at), array_agg(o.channel),
                               array_agg(o.shipping_country), array_agg(i.sku), array_agg(i.quantity::bigint))
        FROM orders o JOIN order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
        WHERE o.tenant_id = p_tenant;
    END $$;
CREATE FUNCTION tenants_units_sold_zone() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM units_sold_rebuild(NEW.id);
        RETURN NULL;
    END $$;
CREATE TRIGGER tenants_units_sold_zone AFTER UPDATE OF time_zone ON tenants
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION tenants_units_sold_zone();

SELECT units_sold_rebuild(id) FROM tenants;
