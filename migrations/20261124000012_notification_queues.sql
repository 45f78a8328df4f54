-- Channels whose platform puts notifications in a queue the worker reads (Amazon SP-API →
-- the seller's SQS queue), across shops: only their ids.
CREATE FUNCTION channels_with_queue()
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.tenant_id, c.id FROM channels c
          WHERE c.status = 'active' AND c.kind = 'amazon' AND c.settings ? 'sqs_queue_url' $$;
REVOKE ALL ON FUNCTION channels_with_queue() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION channels_with_queue() TO aftersail_app;
