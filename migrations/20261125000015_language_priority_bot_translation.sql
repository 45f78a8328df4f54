-- What every buyer message says and what we do about it: its language, intent, sentiment and
-- escalation (domain::classify, run at ingest); why a ticket has its priority; bot answers and
-- their hand-offs; per-shop machine translation with a glossary; translations cached per message.

-- 1. Classification of inbound messages, and the ticket's view of its conversation.
ALTER TABLE messages
    ADD COLUMN intent text CHECK (intent IN ('order_status', 'not_received', 'return_request',
        'refund_status', 'damaged_defective', 'wrong_item', 'cancel_order', 'change_address',
        'product_question', 'invoice_request', 'complaint', 'other')),
    ADD COLUMN intent_confidence real,
    ADD COLUMN sentiment text CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    -- claim, chargeback, bad_review, legal, safety (domain::classify::Escalation)
    ADD COLUMN escalations text[] NOT NULL DEFAULT '{}';

ALTER TABLE tickets
    ADD COLUMN intent text CHECK (intent IN ('order_status', 'not_received', 'return_request',
        'refund_status', 'damaged_defective', 'wrong_item', 'cancel_order', 'change_address',
        'product_question', 'invoice_request', 'complaint', 'other')),
    -- Every escalation any buyer message of the ticket raised.
    ADD COLUMN escalations text[] NOT NULL DEFAULT '{}',
    -- Why the ticket has its priority: [{"code": "escalation", "detail": "chargeback"}, …]
    -- (domain::priority::Reason); empty when nothing raised it.
    ADD COLUMN priority_reasons jsonb NOT NULL DEFAULT '[]';

-- Agents flag a customer who abuses them; such tickets go to someone senior, first.
ALTER TABLE customers ADD COLUMN abusive boolean NOT NULL DEFAULT false;

-- 2. Bot replies are automated replies with their own label.
ALTER TABLE messages DROP CONSTRAINT messages_automated_check;
ALTER TABLE messages ADD CONSTRAINT messages_automated_check
    CHECK (automated IN ('auto_reply', 'bounce', 'bulk', 'rule', 'bot'));

-- What the bot did with a buyer's message: answered it (and with what) or handed it to a person
-- (and why). Deflection is read from here and from what happened on the ticket afterwards.
CREATE TABLE bot_answers (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    ticket_id        uuid NOT NULL,
    message_id       uuid,
    rule_id          uuid,
    outcome          text NOT NULL CHECK (outcome IN ('answered', 'handoff')),
    -- answered: tracking, portal, refund, article; handoff: the reason code
    kind             text NOT NULL,
    intent           text,
    article_id       uuid,
    reply_message_id uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE SET NULL (message_id)
);
CREATE INDEX bot_answers_recent_idx ON bot_answers (tenant_id, created_at DESC);
CREATE INDEX bot_answers_ticket_idx ON bot_answers (tenant_id, ticket_id, created_at);

-- 3. Machine translation: the provider and its key (TranslatorConfig as JSON, sealed with
-- AES-256-GCM bound to the shop; NULL = no translation), and the shop's glossary.
ALTER TABLE tenants ADD COLUMN translation_sealed text;

CREATE TABLE glossary_entries (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    term         text NOT NULL CHECK (length(btrim(term)) BETWEEN 1 AND 200),
    -- target language → the term in it; a language not listed keeps the term as written
    translations jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX glossary_entries_term_key ON glossary_entries (tenant_id, lower(term));

-- Translations made for a message, one per language (inbound ones into agents' languages,
-- agent replies into the buyer's). Made once, shown every time.
CREATE TABLE message_translations (
    tenant_id  uuid NOT NULL,
    message_id uuid NOT NULL,
    language   text NOT NULL,
    text       text NOT NULL,
    provider   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id, language),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO message_translations (tenant_id, message_id, language, text, provider)
    SELECT tenant_id, id, translated_language, translated_text, 'imported'
    FROM messages WHERE translated_text IS NOT NULL AND translated_language IS NOT NULL;
ALTER TABLE messages DROP COLUMN translated_text, DROP COLUMN translated_language;

-- An agent reply to be sent in another language: the outbox translates it (with the
-- glossary) before delivery and keeps the translation in message_translations.
ALTER TABLE messages ADD COLUMN translate_to text;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['bot_answers', 'glossary_entries', 'message_translations']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;
