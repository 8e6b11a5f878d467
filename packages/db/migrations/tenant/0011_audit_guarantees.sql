-- ── Tamper evidence: a SHA-256 hash chain over the audit trail, kept by the database ──────────
--
-- Every event stores its position in the chain, the previous event's hash and SHA-256 over its
-- own content plus that previous hash. The BEFORE INSERT trigger computes all three and overrides
-- anything the writer supplied, so no writer can skip or forge them. One writer at a time extends
-- the chain: the head row is locked until commit (READ COMMITTED then sees the previous writer's
-- committed event; under REPEATABLE READ a concurrent append fails instead of forking the chain,
-- and the unique index on chain_seq refuses a fork in any case).

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  chain_seq bigint NOT NULL DEFAULT 0,
  hash text
);
--> statement-breakpoint
INSERT INTO audit_chain_head DEFAULT VALUES;
--> statement-breakpoint

-- The canonical content of an event: a JSON array (jsonb renders it one way only) of every column
-- but the hash itself, time in UTC to the microsecond. Documented in docs/architecture/audit.md so
-- an auditor can recompute it with any tool.
CREATE FUNCTION cifra_audit_event_hash(e audit_events) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    e.chain_seq, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, e.actor_email, e.action, e.entity_type, e.entity_id,
    e.before, e.after, e.reason, e.request_id, e.client_name, e.client_version, e.prev_hash
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE FUNCTION cifra_audit_chain_link() RETURNS trigger
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
  -- The time of an event is the database's, never the writer's.
  NEW.occurred_at := now();
  NEW.hash := cifra_audit_event_hash(NEW);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE FUNCTION cifra_audit_chain_advance_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  UPDATE audit_chain_head h SET chain_seq = n.chain_seq, hash = n.hash
    FROM (SELECT chain_seq, hash FROM new_events ORDER BY chain_seq DESC LIMIT 1) n
   WHERE n.chain_seq > h.chain_seq;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The head only moves forward and is never deleted.
CREATE FUNCTION cifra_audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.chain_seq > OLD.chain_seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on audit_chain_head is refused: the chain head only moves forward', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION cifra_audit_chain_head_guard();
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- Chain the events written before this migration, in id order (the append-only guard is lifted
-- for this one statement of the migration's own transaction).
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
--> statement-breakpoint
DO $$
DECLARE
  e audit_events;
  last_hash text;
  n bigint := 0;
BEGIN
  FOR e IN SELECT * FROM audit_events ORDER BY id LOOP
    n := n + 1;
    e.chain_seq := n;
    e.prev_hash := last_hash;
    e.hash := cifra_audit_event_hash(e);
    UPDATE audit_events SET chain_seq = e.chain_seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
    last_hash := e.hash;
  END LOOP;
  UPDATE audit_chain_head SET chain_seq = n, hash = last_hash WHERE n > 0;
END $$;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
--> statement-breakpoint
ALTER TABLE audit_events ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION cifra_audit_chain_link();
--> statement-breakpoint
CREATE TRIGGER audit_events_chain_head AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_audit_chain_advance_head();
--> statement-breakpoint

-- Recompute the whole chain: the number of events checked and the first broken link, if any.
-- A link is broken when an event's content no longer matches its hash (edited), when its
-- prev_hash is not the previous event's hash or its position skips (inserted, deleted, reordered,
-- or a neighbour's hash was rewritten), or when the last event is not the recorded head
-- (events removed from the end).
CREATE FUNCTION cifra_verify_audit_chain()
RETURNS TABLE (checked bigint, broken_seq bigint, broken_id bigint, problem text, head_seq bigint, head_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  total bigint;
  last record;
  head record;
BEGIN
  SELECT count(*) INTO total FROM audit_events;
  SELECT h.chain_seq, h.hash INTO head FROM audit_chain_head h;
  head_seq := head.chain_seq;
  head_hash := head.hash;
  SELECT c.chain_seq, c.id,
         CASE WHEN c.recomputed IS DISTINCT FROM c.hash THEN 'HASH_MISMATCH'
              WHEN c.chain_seq <> coalesce(c.prior_seq, 0) + 1 THEN 'SEQUENCE_GAP'
              ELSE 'PREVIOUS_HASH_MISMATCH' END AS problem
    INTO last
    FROM (SELECT e.id, e.chain_seq, e.prev_hash, e.hash, cifra_audit_event_hash(e) AS recomputed,
                 lag(e.hash) OVER w AS prior_hash, lag(e.chain_seq) OVER w AS prior_seq
            FROM audit_events e WINDOW w AS (ORDER BY e.chain_seq)) c
   WHERE c.recomputed IS DISTINCT FROM c.hash
      OR c.chain_seq <> coalesce(c.prior_seq, 0) + 1
      OR c.prev_hash IS DISTINCT FROM c.prior_hash
   ORDER BY c.chain_seq
   LIMIT 1;
  IF FOUND THEN
    SELECT count(*) INTO checked FROM audit_events WHERE chain_seq <= last.chain_seq;
    broken_seq := last.chain_seq;
    broken_id := last.id;
    problem := last.problem;
    RETURN NEXT;
    RETURN;
  END IF;
  checked := total;
  SELECT e.chain_seq, e.id, e.hash INTO last FROM audit_events e ORDER BY e.chain_seq DESC LIMIT 1;
  IF coalesce(last.chain_seq, 0) <> head.chain_seq OR last.hash IS DISTINCT FROM head.hash THEN
    broken_seq := last.chain_seq;
    broken_id := last.id;
    problem := 'HEAD_MISMATCH';
  END IF;
  RETURN NEXT;
END $$;
--> statement-breakpoint
-- ── System-versioned history: cifra_enable_history(table) ─────────────────────────────────────
--
-- `SELECT cifra_enable_history('x')` (idempotent; run it again after altering x) creates x_history
-- with x's columns plus the version's period and provenance, and statement-level triggers that
-- record every INSERT, UPDATE and DELETE of x there: who (cifra.actor_id / cifra.actor_email,
-- set by inTransaction), why (cifra.reason), which request (cifra.request_id) and the database
-- role that ran the statement. Every version is in the history, the current one included
-- (valid_to NULL), so "what did x say at time t" is one range lookup. Nobody but these triggers
-- writes a history table, and nobody may change a version except to close it once.

-- Which tables are versioned, under what entity type, keyed how (history(entityType, entityId)).
CREATE TABLE cifra_history_tables (
  table_name text PRIMARY KEY,
  history_table text NOT NULL UNIQUE,
  entity_type text NOT NULL UNIQUE,
  key_columns text[] NOT NULL
);
--> statement-breakpoint

-- A version may only be closed (valid_to set once, nothing else changed); never deleted.
CREATE FUNCTION cifra_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL
     AND to_jsonb(NEW) - 'valid_to' = to_jsonb(OLD) - 'valid_to' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on % is refused: history is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint

CREATE FUNCTION cifra_enable_history(tbl regclass, entity_type text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  src text;
  hist text;
  etype text;
  singular text;
  keys text[];
  key_expr text;
  col record;
  cols text := '';
  vals text := '';
  first_time boolean;
  since text := 'now()';
  fn text;
  meta constant text[] := ARRAY['hist_id', 'hist_entity_id', 'valid_from', 'valid_to', 'hist_operation',
    'hist_actor_id', 'hist_actor_email', 'hist_reason', 'hist_request_id', 'hist_db_role'];
  provenance constant text := $p$nullif(current_setting('cifra.actor_id', true), '')::uuid,
      nullif(current_setting('cifra.actor_email', true), ''),
      nullif(current_setting('cifra.reason', true), ''),
      nullif(current_setting('cifra.request_id', true), ''),
      session_user$p$;
BEGIN
  SELECT c.relname INTO src FROM pg_class c WHERE c.oid = tbl;
  IF src ~ '_history$' THEN
    RAISE EXCEPTION 'cifra_enable_history: % is itself a history table', src;
  END IF;
  hist := src || '_history';
  fn := 'cifra_history_' || src;

  SELECT array_agg(a.attname::text ORDER BY k.ord) INTO keys
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
   WHERE i.indrelid = tbl AND i.indisprimary;
  IF keys IS NULL THEN
    RAISE EXCEPTION 'cifra_enable_history: % has no primary key', src;
  END IF;
  SELECT string_agg(format('r.%I::text', k), ', ') INTO key_expr FROM unnest(keys) AS k;
  key_expr := CASE WHEN cardinality(keys) = 1 THEN key_expr ELSE format('concat_ws(%L, %s)', ':', key_expr) END;

  -- journal_entries → JournalEntry, parties → Party, period_closes → PeriodClose.
  singular := CASE
    WHEN src ~ 'ies$' THEN regexp_replace(src, 'ies$', 'y')
    WHEN src ~ '(ss|x|ch|sh)es$' THEN regexp_replace(src, 'es$', '')
    WHEN src ~ '[^s]s$' THEN regexp_replace(src, 's$', '')
    ELSE src END;
  etype := coalesce(entity_type, (SELECT string_agg(initcap(w), '') FROM regexp_split_to_table(singular, '_') AS w));

  first_time := to_regclass(format('%I', hist)) IS NULL;
  EXECUTE format($t$CREATE TABLE IF NOT EXISTS %I (
      hist_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      hist_entity_id text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      hist_operation text NOT NULL,
      hist_actor_id uuid,
      hist_actor_email text,
      hist_reason text,
      hist_request_id text,
      hist_db_role text NOT NULL
    )$t$, hist);
  -- The table's columns, all nullable (a column added later has no value in older versions).
  FOR col IN
    SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum
  LOOP
    IF col.name = ANY (meta) THEN
      RAISE EXCEPTION 'cifra_enable_history: column %.% clashes with a history column', src, col.name;
    END IF;
    EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS %I %s', hist, col.name, col.type);
    cols := cols || format(', %I', col.name);
    vals := vals || format(', r.%I', col.name);
    IF col.name = 'created_at' THEN
      since := 'r.created_at';
    END IF;
  END LOOP;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (hist_entity_id, hist_id)', hist || '_entity_idx', hist);
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (hist_entity_id) WHERE valid_to IS NULL', hist || '_open_idx', hist);
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (valid_from)', hist || '_valid_from_idx', hist);

  EXECUTE format($f$CREATE OR REPLACE FUNCTION %I() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $body$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE %I h SET valid_to = now() FROM old_rows r WHERE h.hist_entity_id = %s AND h.valid_to IS NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO %I (hist_entity_id, valid_from, valid_to, hist_operation, hist_actor_id, hist_actor_email,
            hist_reason, hist_request_id, hist_db_role%s)
          SELECT %s, now(), now(), TG_OP, %s%s FROM old_rows r;
      ELSE
        INSERT INTO %I (hist_entity_id, valid_from, hist_operation, hist_actor_id, hist_actor_email,
            hist_reason, hist_request_id, hist_db_role%s)
          SELECT %s, now(), TG_OP, %s%s FROM new_rows r;
      END IF;
      RETURN NULL;
    END $body$$f$,
    fn, hist, key_expr, hist, cols, key_expr, provenance, vals, hist, cols, key_expr, provenance, vals);
  EXECUTE format('REVOKE ALL ON FUNCTION %I() FROM PUBLIC', fn);

  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', src || '_history_insert', src);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', src || '_history_update', src);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', src || '_history_delete', src);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', src || '_history_no_truncate', src);
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
    src || '_history_insert', src, fn);
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
    src || '_history_update', src, fn);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
    src || '_history_delete', src, fn);
  -- TRUNCATE fires no row triggers, so it would leave no trace: refused on a versioned table.
  EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change()',
    src || '_history_no_truncate', src);

  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', hist || '_append_only', hist);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', hist || '_no_truncate', hist);
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION cifra_history_guard()',
    hist || '_append_only', hist);
  EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change()',
    hist || '_no_truncate', hist);

  -- Readable by the application and the investigator, written only by the trigger above.
  EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', hist);
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cifra_app') THEN
    EXECUTE format('REVOKE ALL ON %I FROM cifra_app', hist);
    EXECUTE format('GRANT SELECT ON %I TO cifra_app', hist);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'readonly_investigator') THEN
    EXECUTE format('GRANT SELECT ON %I TO readonly_investigator', hist);
  END IF;

  -- Rows that predate versioning become their first version.
  IF first_time THEN
    EXECUTE format($s$INSERT INTO %I (hist_entity_id, valid_from, hist_operation, hist_actor_id, hist_actor_email,
        hist_reason, hist_request_id, hist_db_role%s)
      SELECT %s, %s, 'SNAPSHOT', %s%s FROM %I r$s$, hist, cols, key_expr, since, provenance, vals, src);
  END IF;

  INSERT INTO cifra_history_tables (table_name, history_table, entity_type, key_columns)
  VALUES (src, hist, etype, keys)
  ON CONFLICT (table_name) DO UPDATE
    SET history_table = EXCLUDED.history_table, entity_type = EXCLUDED.entity_type, key_columns = EXCLUDED.key_columns;
  RETURN hist;
END $fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_enable_history(regclass, text) FROM PUBLIC;
--> statement-breakpoint
-- Every business table of the books is versioned. journal_entries and gl_lines are not mirrored:
-- they are append-only (UPDATE, DELETE and TRUNCATE refused by 0001), so each row is its one and
-- only version, valid from the entry's database-stamped actual_posting_date; history() reads them
-- in place. account_period_balances is not versioned either: it is derived from gl_lines by a
-- trigger (0003) and rewritten by every posting.
SELECT cifra_enable_history('company');
--> statement-breakpoint
SELECT cifra_enable_history('accounts');
--> statement-breakpoint
SELECT cifra_enable_history('account_role_bindings');
--> statement-breakpoint
SELECT cifra_enable_history('tax_codes');
--> statement-breakpoint
SELECT cifra_enable_history('fiscal_years');
--> statement-breakpoint
SELECT cifra_enable_history('posting_periods');
--> statement-breakpoint
SELECT cifra_enable_history('number_sequences');
--> statement-breakpoint
SELECT cifra_enable_history('parties');
--> statement-breakpoint
SELECT cifra_enable_history('items');
--> statement-breakpoint
SELECT cifra_enable_history('numbering_prefixes');
--> statement-breakpoint
SELECT cifra_enable_history('documents');
--> statement-breakpoint
SELECT cifra_enable_history('document_lines');
--> statement-breakpoint
SELECT cifra_enable_history('journal_drafts');
--> statement-breakpoint
SELECT cifra_enable_history('journal_draft_lines');
--> statement-breakpoint
SELECT cifra_enable_history('allocations');
--> statement-breakpoint
SELECT cifra_enable_history('voids');
--> statement-breakpoint
SELECT cifra_enable_history('period_closes');
--> statement-breakpoint
SELECT cifra_enable_history('period_transitions');
--> statement-breakpoint
SELECT cifra_enable_history('year_end_closes');
--> statement-breakpoint
SELECT cifra_enable_history('year_end_close_lines');
--> statement-breakpoint
SELECT cifra_enable_history('year_end_close_reversals');
--> statement-breakpoint

-- ── The investigator: reads business, history and audit tables; writes nothing ────────────────
GRANT USAGE ON SCHEMA public TO readonly_investigator;
--> statement-breakpoint
GRANT SELECT ON ALL TABLES IN SCHEMA public TO readonly_investigator;
--> statement-breakpoint
-- Tables created later by the migration role are readable too (history tables are granted by
-- cifra_enable_history; any other new table gets SELECT through this default).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO readonly_investigator;
--> statement-breakpoint
-- Read-only by default and bounded, should the role ever be given LOGIN for direct access.
-- Roles are cluster-wide and many client databases migrate at once: two sessions altering the same
-- role can fail with "tuple concurrently updated" (internal_error). They set the same values, so
-- the loser has nothing left to do.
DO $$ BEGIN
  ALTER ROLE readonly_investigator SET default_transaction_read_only = on;
  ALTER ROLE readonly_investigator SET statement_timeout = '30s';
EXCEPTION WHEN internal_error THEN NULL;
END $$;
--> statement-breakpoint
-- The application switches to the investigator (SET LOCAL ROLE) to run investigate(sql); it must
-- not inherit anything from it. PostgreSQL before 16 has no INHERIT option: plain membership there
-- (the investigator holds only SELECT, which the application has already).
DO $$ BEGIN
  BEGIN
    EXECUTE 'GRANT readonly_investigator TO cifra_app WITH INHERIT FALSE, SET TRUE';
  EXCEPTION WHEN syntax_error THEN
    GRANT readonly_investigator TO cifra_app;
  END;
EXCEPTION WHEN internal_error OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- The chain is kept by SECURITY DEFINER triggers: the application may read the head, not move it.
GRANT SELECT ON audit_chain_head, cifra_history_tables TO cifra_app;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_verify_audit_chain() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_verify_audit_chain() TO cifra_app, readonly_investigator;
