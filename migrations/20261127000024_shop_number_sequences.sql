-- Ticket numbers and RMA codes come from one sequence per shop and kind, no longer from the
-- counters on the shop's `tenants` row.
--
-- The counters were taken with `UPDATE tenants SET next_ticket_number = … RETURNING`, which
-- locked the shop's row until the transaction committed. Every ticket or RMA created in one
-- shop therefore waited for the one before it to commit: with 16 API clients the updates
-- waited 1.0–1.5 s and writes ran one at a time. The same lock let two mailboxes of one shop
-- deadlock (one batch holding a ticket and waiting for the counter, the other the reverse).
-- nextval() takes no lock that lasts past the call.
--
-- Numbers stay unique and increasing per shop. A creation that rolls back leaves a gap in
-- the numbers, as Zendesk's and most helpdesks' ids do.

CREATE SCHEMA shop_numbers;
REVOKE ALL ON SCHEMA shop_numbers FROM PUBLIC;

-- The name of a shop's sequence of one kind: `shop_numbers.ticket_<uuid hex>` or `…rma_…`.
CREATE FUNCTION shop_number_sequence(p_tenant uuid, p_kind text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT format('shop_numbers.%I', p_kind || '_' || replace(p_tenant::text, '-', '')) $$;

-- A new shop gets its sequences in the transaction that creates it (the app inserts shops as
-- aftersail_app, which may not create objects: this runs as the owner).
CREATE FUNCTION create_shop_number_sequences() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE %s AS bigint START WITH 1000', shop_number_sequence(NEW.id, 'ticket'));
    EXECUTE format('CREATE SEQUENCE %s AS bigint START WITH 1', shop_number_sequence(NEW.id, 'rma'));
    RETURN NULL;
END $$;

CREATE FUNCTION drop_shop_number_sequences() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    EXECUTE format('DROP SEQUENCE IF EXISTS %s, %s',
                   shop_number_sequence(OLD.id, 'ticket'), shop_number_sequence(OLD.id, 'rma'));
    RETURN NULL;
END $$;

CREATE TRIGGER tenants_number_sequences AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION create_shop_number_sequences();
CREATE TRIGGER tenants_number_sequences_gone AFTER DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION drop_shop_number_sequences();

-- The next number of the transaction's own shop ('ticket' or 'rma').
CREATE FUNCTION next_shop_number(p_kind text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    tenant uuid := app_tenant_id();
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'next_shop_number: no shop in this transaction';
    END IF;
    IF p_kind NOT IN ('ticket', 'rma') THEN
        RAISE EXCEPTION 'next_shop_number: unknown kind %', p_kind;
    END IF;
    RETURN nextval(shop_number_sequence(tenant, p_kind)::regclass);
END $$;

-- A block of `p_count` consecutive numbers of the transaction's own shop, for bulk loads (the
-- demo generator); returns the first. Changing the increment locks the sequence, so other
-- callers wait until this transaction ends instead of taking numbers inside the block.
CREATE FUNCTION take_shop_numbers(p_kind text, p_count bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    seq regclass;
    first bigint;
BEGIN
    IF p_count < 1 THEN
        RAISE EXCEPTION 'take_shop_numbers: count must be positive, got %', p_count;
    END IF;
    IF app_tenant_id() IS NULL OR p_kind NOT IN ('ticket', 'rma') THEN
        RETURN next_shop_number(p_kind); -- raises the same error
    END IF;
    seq := shop_number_sequence(app_tenant_id(), p_kind)::regclass;
    -- The lock first (held to the end of the transaction), then the block.
    EXECUTE format('ALTER SEQUENCE %s INCREMENT BY 1', seq);
    first := nextval(seq);
    IF p_count > 1 THEN
        EXECUTE format('ALTER SEQUENCE %s INCREMENT BY %s', seq, p_count - 1);
        PERFORM nextval(seq);
        EXECUTE format('ALTER SEQUENCE %s INCREMENT BY 1', seq);
    END IF;
    RETURN first;
END $$;

REVOKE ALL ON FUNCTION next_shop_number(text), take_shop_numbers(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION next_shop_number(text), take_shop_numbers(text, bigint) TO aftersail_app;

-- Shops that exist carry on from their counters.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT id, next_ticket_number, next_rma_number FROM tenants LOOP
        EXECUTE format('CREATE SEQUENCE %s AS bigint START WITH %s',
                       shop_number_sequence(t.id, 'ticket'), t.next_ticket_number);
        EXECUTE format('CREATE SEQUENCE %s AS bigint START WITH %s',
                       shop_number_sequence(t.id, 'rma'), t.next_rma_number);
    END LOOP;
END $$;

ALTER TABLE tenants DROP COLUMN next_ticket_number, DROP COLUMN next_rma_number;
