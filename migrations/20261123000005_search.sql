-- Search across every script buyers write in. Postgres' parsers split on spaces, which CJK and
-- Thai don't use, so documents and queries go through search_text(): words of alphabetic
-- scripts stay words; runs of CJK, kana, Hangul and Thai become overlapping bigrams
-- ("订单号" → "订单 单号"), so 订单, 返品 and "not received" all match. Generated columns keep
-- the vectors right on every write path, bulk SQL included.

CREATE FUNCTION search_text(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT coalesce(string_agg(
               CASE WHEN length(w) > 1 AND w ~ '^[぀-ヿ㐀-䶿一-鿿가-힯฀-๿]+$'
                    THEN (SELECT string_agg(substr(w, i, 2), ' ') FROM generate_series(1, length(w) - 1) AS i)
                    ELSE w END, ' '), '')
    FROM (SELECT (regexp_matches(lower(doc),
                  '[a-z0-9À-ɏͰ-ϿЀ-ӿ֐-׿؀-ۿ]+|[぀-ヿ㐀-䶿一-鿿가-힯]+|[฀-๿]+', 'g'))[1] AS w) words
    $$;

ALTER TABLE tickets ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text(subject))) STORED;
ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text(body_text))) STORED;
CREATE INDEX tickets_search_idx ON tickets USING gin (search_vector);
CREATE INDEX messages_search_idx ON messages USING gin (search_vector);
CREATE INDEX orders_external_lower_idx ON orders (tenant_id, lower(external_id));
ALTER TABLE customers ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        search_text(name || ' ' || coalesce(email, '')))) STORED;
CREATE INDEX customers_search_idx ON customers USING gin (search_vector);
