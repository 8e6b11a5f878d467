-- The audit event's hash as an expression the planner inlines where it is called.
--
-- cifra_audit_event_hash (0010) carried `SET search_path`, which PostgreSQL never inlines: every
-- event a posting wrote called it as a function of its own from the chain's row trigger, and
-- cifra_verify_audit_chain did so once an event. Written with a standard SQL body it is bound when
-- it is created (its names no longer depend on any caller's search_path, so the setting has
-- nothing left to protect) and becomes part of the expression that uses it. The content it hashes,
-- and so every hash, is byte for byte the same (docs/architecture/audit.md; audit-chain.test.ts
-- recomputes hashes outside the database). About 4 µs less an event on the chain's trigger.
CREATE OR REPLACE FUNCTION cifra_audit_event_hash(e audit_events) RETURNS text
LANGUAGE sql STABLE
RETURN encode(sha256(convert_to(jsonb_build_array(
    e.chain_seq, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, e.actor_email, e.action, e.entity_type, e.entity_id,
    e.before, e.after, e.reason, e.request_id, e.client_name, e.client_version, e.prev_hash
  )::text, 'UTF8')), 'hex');
