-- Inbox views filter by status or assignee and order by latest activity; these indexes serve
-- both the page and its (capped) count without touching unrelated tickets.
CREATE INDEX tickets_status_inbox_idx ON tickets (tenant_id, status, last_message_at DESC, id DESC);
CREATE INDEX tickets_assignee_inbox_idx ON tickets (tenant_id, assignee_id, last_message_at DESC, id DESC);
