-- The public REST API (/api/v1): per-shop bearer tokens. Only the SHA-256 of a token is
-- stored, with its first characters so people can tell tokens apart. A token acts for the
-- person who created it (replies and notes are theirs) and stops working when that person
-- is deactivated, when it is revoked or when it expires.
CREATE TABLE api_tokens (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text NOT NULL,
    token_hash   bytea NOT NULL,
    scopes       text[] NOT NULL CHECK (scopes <@ ARRAY['tickets:read', 'tickets:write', 'customers:read',
                                                       'orders:read', 'returns:read', 'kb:read']::text[]),
    -- requests per minute (per server process); the settings page offers 10..10000
    rate_limit   integer NOT NULL DEFAULT 600 CHECK (rate_limit BETWEEN 1 AND 10000),
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
-- Looked up by hash before the shop is known (256 random bits: unique across shops).
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_list_idx ON api_tokens (tenant_id, created_at DESC, id DESC);

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_tokens USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON api_tokens TO aftersail_app;

-- A live token by its hash, across shops: the only way in before the shop is known.
CREATE FUNCTION auth_api_token(p_token_hash bytea)
    RETURNS TABLE (tenant_id uuid, id uuid, scopes text[], rate_limit integer, created_by uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT k.tenant_id, k.id, k.scopes, k.rate_limit, k.created_by
          FROM api_tokens k
          JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.created_by
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > now()) AND u.active $$;
REVOKE ALL ON FUNCTION auth_api_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_api_token(bytea) TO aftersail_app;

-- `updated_since` on GET /api/v1/tickets: when anything on the ticket row last changed.
-- The default is stable (not volatile), so adding the column rewrites no rows.
ALTER TABLE tickets ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE FUNCTION tickets_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.updated_at := now();
        RETURN NEW;
    END $$;
CREATE TRIGGER tickets_updated_at BEFORE UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_touch_updated_at();
