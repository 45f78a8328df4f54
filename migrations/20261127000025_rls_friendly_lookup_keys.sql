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
