-- The inbox lists choose their page by walking an index newest first and filtering on channel,
-- priority, type, language, assignee and team. With those columns in the index (INCLUDE), a
-- filter that matches one ticket in thirty no longer reads the twenty-nine others from the
-- table: the page's ids come from the index alone, then only the 50 shown are read.
DROP INDEX tickets_inbox_idx;
CREATE INDEX tickets_inbox_idx ON tickets (tenant_id, last_message_at DESC, id DESC)
    INCLUDE (status, channel, priority, type, language, assignee_id, team_id);
DROP INDEX tickets_active_inbox_idx;
CREATE INDEX tickets_active_inbox_idx ON tickets (tenant_id, last_message_at DESC, id DESC)
    INCLUDE (status, channel, priority, type, language, assignee_id, team_id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
