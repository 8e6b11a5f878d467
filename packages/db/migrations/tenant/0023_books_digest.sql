-- The books are bound into the audit chain: each posting's audit event carries a digest of its
-- entry and lines, computed here in the database whatever wrote the event, and hashed into the
-- chain with the rest of the event. A changed, added or deleted line or entry then no longer
-- matches its event (cifra_verify_books), and the event cannot be changed without breaking the chain.

-- The canonical text of an entry and its lines (ordered by line number), as a SHA-256 digest.
CREATE FUNCTION cifra_entry_digest(entry uuid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to(
    coalesce((SELECT concat_ws('|', e.id, e.number, e.posting_date, e.source_kind, e.source_id, e.reverses_entry_id)
                FROM journal_entries e WHERE e.id = entry), '')
    || '#' ||
    coalesce((SELECT string_agg(concat_ws('|', l.line_number, l.account_id, l.amount_minor, l.original_currency,
                                          l.original_amount_minor, l.party_id, l.exchange_rate_id, l.rate_is_fallback),
                                ';' ORDER BY l.line_number)
                FROM gl_lines l WHERE l.entry_id = entry), ''),
    'UTF8')), 'hex')
$$;
--> statement-breakpoint

-- 0020's chain link (the recorded time is cifra_now()), plus the digest of a posting.
CREATE OR REPLACE FUNCTION cifra_audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM 1 FROM audit_chain_head FOR UPDATE;
  -- Sees the rows earlier in the same statement too (bulk inserts chain row after row).
  SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := last_hash;
  -- The time of an event is the database's, never the writer's: the transaction's recorded time.
  NEW.occurred_at := public.cifra_now();
  -- A posting's event carries its entry's digest; the engine inserts the lines first.
  IF NEW.entity_type = 'JournalEntry' AND NEW.action = 'journal_entry.posted' THEN
    NEW.after := coalesce(NEW.after, '{}'::jsonb)
      || jsonb_build_object('linesDigest', public.cifra_entry_digest(NEW.entity_id::uuid));
  END IF;
  NEW.hash := cifra_audit_event_hash(NEW);
  RETURN NEW;
END $$;
--> statement-breakpoint

-- Entries posted before this migration: one baseline event each, carrying the digest they have
-- now, so they are covered from the upgrade on.
INSERT INTO audit_events (action, entity_type, entity_id, after, reason)
SELECT 'books.digest_baseline', 'JournalEntry', e.id::text,
       jsonb_build_object('number', e.number, 'linesDigest', cifra_entry_digest(e.id)),
       'digest of an entry posted before the books were bound into the chain'
  FROM journal_entries e
 ORDER BY e.posting_date, e.number;
--> statement-breakpoint

-- Every entry against the digest its posting (or baseline) event recorded, in posting order: how
-- many were checked, and the first that does not match — CHANGED (its entry or lines differ from
-- what was posted), UNRECORDED (an entry with no posting event: added behind the application's
-- back) or MISSING (a posting event whose entry is gone).
CREATE FUNCTION cifra_verify_books()
RETURNS TABLE (checked bigint, entry_id uuid, number text, problem text)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  WITH recorded AS (
    SELECT DISTINCT ON (a.entity_id) a.entity_id::uuid AS id, a.after->>'linesDigest' AS digest,
           a.after->>'number' AS number, a.chain_seq
      FROM audit_events a
     WHERE a.entity_type = 'JournalEntry' AND a.action IN ('journal_entry.posted', 'books.digest_baseline')
       AND a.after ? 'linesDigest'
     ORDER BY a.entity_id, a.chain_seq
  ),
  compared AS (
    SELECT coalesce(e.id, r.id) AS id, coalesce(e.number, r.number) AS number,
           coalesce(e.posting_date, DATE '9999-12-31') AS posting_date, coalesce(r.chain_seq, 0) AS seq,
           CASE WHEN r.id IS NULL THEN 'UNRECORDED'
                WHEN e.id IS NULL THEN 'MISSING'
                WHEN cifra_entry_digest(e.id) <> r.digest THEN 'CHANGED' END AS problem
      FROM journal_entries e FULL JOIN recorded r ON r.id = e.id
  ),
  first_problem AS (
    SELECT id, number, problem FROM compared WHERE problem IS NOT NULL ORDER BY posting_date, number, seq LIMIT 1
  )
  SELECT (SELECT count(*) FROM compared), f.id, f.number, f.problem
    FROM (SELECT 1) one LEFT JOIN first_problem f ON true
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_verify_books() TO cifra_app, readonly_investigator;
