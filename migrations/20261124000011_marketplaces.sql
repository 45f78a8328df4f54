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
