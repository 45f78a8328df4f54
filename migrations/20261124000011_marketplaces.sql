-- Marketplace channels (Amazon SP-API, eBay, Shopee): their returns become RMAs, their
-- conversations become tickets.

ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check
    CHECK (kind IN ('email', 'shopify', 'amazon', 'ebay', 'shopee'));

ALTER TABLE inbound_payloads DROP CONSTRAINT inbound_payloads_kind_check;
ALTER TABLE inbound_payloads ADD CONSTRAINT inbound_payloads_kind_check
    CHECK (kind IN ('message', 'order', 'webhook', 'return'));

-- A return opened on a marketplace: the channel it came from and the marketplace's id for it.
-- Re-imports update the same RMA; answers and refunds go back through the channel.
ALTER TABLE rmas ADD COLUMN channel_id uuid;
ALTER TABLE rmas ADD COLUMN external_id text;
ALTER TABLE rmas ADD COLUMN external_status text;
ALTER TABLE rmas ADD COLUMN raw_payload_id uuid;
ALTER TABLE rmas ADD FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id) ON DELETE SET NULL (channel_id);
ALTER TABLE rmas ADD FOREIGN KEY (tenant_id, raw_payload_id) REFERENCES inbound_payloads (tenant_id, id) ON DELETE SET NULL (raw_payload_id);
CREATE UNIQUE INDEX rmas_external_key ON rmas (tenant_id, channel_id, external_id) WHERE external_id IS NOT NULL;

-- The marketplace conversation a message belongs to (eBay conversationId, Shopee
-- conversation_id): the next message of the conversation continues the same ticket.
ALTER TABLE messages ADD COLUMN conversation text;
CREATE INDEX messages_conversation_idx ON messages (tenant_id, channel_id, conversation, created_at DESC)
    WHERE conversation IS NOT NULL;

-- A message sent through another channel than the ticket's: an Amazon Messaging API message
-- on a ticket that came in by relay mail. `action` is the marketplace's kind of message.
ALTER TABLE outbox ADD COLUMN via_channel_id uuid;
ALTER TABLE outbox ADD COLUMN action text CHECK (action ~ '^[A-Za-z]{1,64}$');
ALTER TABLE outbox ADD FOREIGN KEY (tenant_id, via_channel_id) REFERENCES channels (tenant_id, id) ON DELETE SET NULL (via_channel_id);

-- The claim spends the budget of the channel the message goes through.
CREATE OR REPLACE FUNCTION claim_due_outbox(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, lease_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    DECLARE r record;
    BEGIN
        FOR r IN
            SELECT o.tenant_id, o.id, c.id AS channel_id FROM outbox o
            JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
            JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
            LEFT JOIN channels c ON c.tenant_id = t.tenant_id AND c.id = coalesce(o.via_channel_id, t.channel_id)
            WHERE o.state IN ('queued', 'failed') AND o.next_attempt_at <= now()
              AND (o.lease_until IS NULL OR o.lease_until < now())
              AND (c.id IS NULL OR (c.status <> 'paused' AND c.next_request_at <= now()))
            ORDER BY o.next_attempt_at
            LIMIT p_limit
            FOR UPDATE OF o SKIP LOCKED
        LOOP
            IF r.channel_id IS NOT NULL THEN
                UPDATE channels c SET next_request_at = greatest(c.next_request_at, now())
                                                       + make_interval(secs => 60.0 / c.requests_per_minute)
                WHERE c.tenant_id = r.tenant_id AND c.id = r.channel_id AND c.next_request_at <= now();
                CONTINUE WHEN NOT FOUND;
            END IF;
            UPDATE outbox o SET lease_id = gen_random_uuid(), lease_until = now() + p_lease,
                                attempts = o.attempts + 1
            WHERE o.tenant_id = r.tenant_id AND o.id = r.id
            RETURNING o.tenant_id, o.id, o.lease_id INTO tenant_id, id, lease_id;
            RETURN NEXT;
        END LOOP;
    END $$;
