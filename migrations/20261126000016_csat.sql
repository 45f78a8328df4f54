-- Customer satisfaction (CSAT): a one-click survey sent to the buyer when a ticket is solved.
-- One survey per solve; the buyer's answer (good/bad, optional comment) is kept on it. The
-- survey records who solved it and on which channel, so reports need no joins back in time.
-- The buyer reaches it by /p/{shop}/csat/{token}: only the SHA-256 of the token is stored.
CREATE TABLE csat_surveys (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    ticket_id   uuid NOT NULL,
    -- the agent the ticket was assigned to when it was solved (NULL: nobody)
    agent_id    uuid,
    channel     text NOT NULL,
    token_hash  bytea NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    rating      text CHECK (rating IN ('good', 'bad')),
    comment     text CHECK (length(comment) <= 2000),
    answered_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (agent_id),
    CHECK ((rating IS NULL) = (answered_at IS NULL))
);
CREATE UNIQUE INDEX csat_surveys_token_key ON csat_surveys (tenant_id, token_hash);
CREATE INDEX csat_surveys_sent_idx ON csat_surveys (tenant_id, sent_at);
CREATE INDEX csat_surveys_ticket_idx ON csat_surveys (tenant_id, ticket_id, sent_at DESC);

ALTER TABLE csat_surveys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON csat_surveys USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON csat_surveys TO aftersail_app;
