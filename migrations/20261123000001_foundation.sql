-- Foundation: tenants, people, sessions, and the row-level security that isolates tenants.
--
-- The application never queries as the role that owns these tables: every pooled connection
-- runs `SET ROLE aftersail_app`, a NOLOGIN role without BYPASSRLS, so the policies below hold
-- even when the connection string names a superuser. Migrations run as the owner.

DO $$
BEGIN
    CREATE ROLE aftersail_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- roles are cluster-wide; another database (or a concurrent migration) made it
END $$;

DO $$
BEGIN
    -- Lets a non-superuser owner `SET ROLE aftersail_app`; superusers need no membership.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT aftersail_app TO %I', current_user);
    END IF;
END $$;

-- The tenant of the current transaction, or NULL when none is set (so nothing matches).
CREATE FUNCTION app_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id             uuid PRIMARY KEY,
    slug           text NOT NULL,
    name           text NOT NULL,
    default_locale text NOT NULL DEFAULT 'en',
    time_zone      text NOT NULL DEFAULT 'UTC',
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$')
);

CREATE TABLE users (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL,
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    password_hash text NOT NULL,
    ui_locale     text NOT NULL DEFAULT 'en' CHECK (ui_locale IN ('en', 'zh-CN')),
    active        boolean NOT NULL DEFAULT true,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- One login per address across the whole installation: login asks only for an email.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE teams (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX teams_name_key ON teams (tenant_id, lower(name));

CREATE TABLE team_members (
    tenant_id uuid NOT NULL,
    team_id   uuid NOT NULL,
    user_id   uuid NOT NULL,
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, team_id, user_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_user_idx ON team_members (tenant_id, user_id);

CREATE TABLE sessions (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    token_hash   bytea NOT NULL,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE invitations (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    email       text NOT NULL,
    role        text NOT NULL CHECK (role IN ('admin', 'agent')),
    token_hash  bytea NOT NULL,
    invited_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invited_by) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX invitations_pending_idx ON invitations (tenant_id, created_at DESC)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Who changed what, for admins (issue: audit log). Append-only from the app's point of view.
CREATE TABLE audit_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    actor_id    uuid,
    action      text NOT NULL,
    target_type text NOT NULL,
    target_id   uuid,
    detail      jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (actor_id)
);
CREATE INDEX audit_events_recent_idx ON audit_events (tenant_id, at DESC, id DESC);

-- Login throttling is about clients, not tenants: keyed by IP, shared by every process.
CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_ip inet NOT NULL,
    email     text NOT NULL,
    success   boolean NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_ip_idx ON login_attempts (client_ip, at) WHERE NOT success;
CREATE INDEX login_attempts_at_idx ON login_attempts (at);

-- Row-level security: one policy per tenant-owned table.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = app_tenant_id()) WITH CHECK (id = app_tenant_id());

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'teams', 'team_members', 'sessions', 'invitations', 'audit_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END $$;

-- The few lookups that must happen before the tenant is known. Each is SECURITY DEFINER
-- (runs as the owner, who bypasses RLS), takes an unguessable key, and returns only what
-- the caller needs to open a tenant-scoped transaction.

CREATE FUNCTION auth_user_by_email(p_email text)
    RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text, active boolean, locked_until timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT u.tenant_id, u.id, u.password_hash, u.active, u.locked_until
          FROM users u WHERE lower(u.email) = lower(p_email) $$;

CREATE FUNCTION auth_session(p_token_hash bytea)
    RETURNS TABLE (tenant_id uuid, session_id uuid, user_id uuid, csrf_token text,
                   user_name text, user_email text, user_role text, ui_locale text,
                   tenant_slug text, tenant_name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT s.tenant_id, s.id, s.user_id, s.csrf_token,
                 u.name, u.email, u.role, u.ui_locale, t.slug, t.name
          FROM sessions s
          JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
          JOIN tenants t ON t.id = s.tenant_id
          WHERE s.token_hash = p_token_hash AND s.expires_at > now() AND u.active $$;

CREATE FUNCTION auth_invitation(p_token_hash bytea)
    RETURNS TABLE (tenant_id uuid, invitation_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT i.tenant_id, i.id FROM invitations i
          WHERE i.token_hash = p_token_hash AND i.accepted_at IS NULL
            AND i.revoked_at IS NULL AND i.expires_at > now() $$;

-- Housekeeping across tenants, for the worker.
CREATE FUNCTION purge_expired_sessions() RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ WITH gone AS (DELETE FROM sessions WHERE expires_at <= now() RETURNING 1)
          SELECT count(*) FROM gone $$;

GRANT USAGE ON SCHEMA public TO aftersail_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO aftersail_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO aftersail_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO aftersail_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO aftersail_app;
-- The app may see which migrations ran (for /readyz) but never rewrite that history.
REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations FROM aftersail_app;
