-- The firm's audit event hash as an expression the planner inlines where it is called, as the
-- tenant databases' (tenant migration 0047): 0007's definition carried `SET search_path`, which
-- PostgreSQL never inlines, so every event and every event verified called it on its own. With a
-- standard SQL body it is bound when created, independent of any caller's search_path. The content
-- it hashes, and so every hash, is byte for byte the same.
CREATE OR REPLACE FUNCTION cifra_audit_event_hash(e audit_events) RETURNS text
LANGUAGE sql STABLE
RETURN encode(sha256(convert_to((jsonb_build_array(
    e.chain_seq, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, e.actor_email, e.action, e.entity_type, e.entity_id, e.tenant_id,
    e.before, e.after, e.reason, e.request_id, e.client_name, e.client_version, e.prev_hash
  ) || CASE WHEN e.firm_id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(e.firm_id) END)::text, 'UTF8')), 'hex');
