-- Report data the demo generator does not make, for the demo shop of a generated database
-- (see docs/reports.md, "Measured"): returns on ~8 % of orders (one line each, a reason from
-- a fixed mix), refunds for the refund resolutions, a survey on every solved ticket (30 %
-- answered), a bot answer on 20 % of tickets. Run as superuser: psql -f synthetic.sql DB
\set ON_ERROR_STOP on
\timing on
BEGIN;
CREATE TEMP TABLE shop AS SELECT id FROM tenants WHERE slug = 'demo';

INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, ticket_id, status, reason, resolution, created_at)
SELECT o.tenant_id, gen_random_uuid(), 'SYN-' || row_number() OVER (), o.id, o.customer_id, NULL,
       (ARRAY['requested', 'approved', 'received', 'refunded', 'closed'])[1 + abs(hashtext(o.id::text)) % 5],
       (ARRAY['too_small', 'too_large', 'defective', 'wrong_item', 'not_as_described', 'changed_mind'])
           [1 + abs(hashtext(o.id::text || 'r')) % 6],
       (ARRAY['refund', 'exchange', 'store_credit', 'partial_refund', NULL])[1 + abs(hashtext(o.id::text || 's')) % 5],
       o.ordered_at + interval '6 days'
FROM orders o
WHERE o.tenant_id = (SELECT id FROM shop) AND abs(hashtext(o.id::text || 'rma')) % 100 < 8;

INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity)
SELECT r.tenant_id, r.id, i.id, 1
FROM rmas r CROSS JOIN LATERAL (SELECT id FROM order_items i
                                WHERE i.tenant_id = r.tenant_id AND i.order_id = r.order_id
                                ORDER BY id LIMIT 1) i
WHERE r.tenant_id = (SELECT id FROM shop) AND r.code LIKE 'SYN-%';

INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state, idempotency_key, created_at)
SELECT r.tenant_id, gen_random_uuid(), r.id, r.order_id, greatest(o.total_minor / 2, 1), o.currency,
       (ARRAY['pending_review', 'approved', 'issued', 'issued', 'rejected'])[1 + abs(hashtext(r.id::text)) % 5],
       'syn-' || r.id, r.created_at + interval '2 days'
FROM rmas r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
WHERE r.tenant_id = (SELECT id FROM shop) AND r.code LIKE 'SYN-%' AND r.resolution IN ('refund', 'partial_refund');

INSERT INTO csat_surveys (tenant_id, id, ticket_id, agent_id, channel, token_hash, sent_at, rating, answered_at)
SELECT t.tenant_id, gen_random_uuid(), t.id, t.assignee_id, t.channel, decode(md5(t.id::text), 'hex'),
       coalesce(t.solved_at, t.last_message_at),
       CASE WHEN abs(hashtext(t.id::text || 'c')) % 10 < 3
            THEN (ARRAY['good', 'good', 'good', 'bad'])[1 + abs(hashtext(t.id::text || 'g')) % 4] END,
       CASE WHEN abs(hashtext(t.id::text || 'c')) % 10 < 3 THEN coalesce(t.solved_at, t.last_message_at) + interval '1 hour' END
FROM tickets t
WHERE t.tenant_id = (SELECT id FROM shop) AND t.status IN ('solved', 'closed');

INSERT INTO bot_answers (tenant_id, id, ticket_id, outcome, kind, created_at)
SELECT t.tenant_id, gen_random_uuid(), t.id,
       CASE WHEN abs(hashtext(t.id::text || 'b')) % 3 = 0 THEN 'handoff' ELSE 'answered' END,
       CASE WHEN abs(hashtext(t.id::text || 'b')) % 3 = 0 THEN 'unclear' ELSE 'tracking' END,
       t.created_at + interval '1 minute'
FROM tickets t
WHERE t.tenant_id = (SELECT id FROM shop) AND abs(hashtext(t.id::text || 'bot')) % 100 < 20;
COMMIT;
VACUUM ANALYZE;
