-- ── A period transition is ordered with the postings it admits ────────────────────────────────
--
-- Before this migration a transition held its period FOR UPDATE and a posting held it FOR SHARE,
-- and every record took the time its transaction *started* (now()). Two things followed: a
-- transition that waited for postings in flight was stamped at the start of its wait, earlier
-- than the entries it waited for; and a row lock lets new FOR SHARE lockers pass a waiting FOR
-- UPDATE, so a steady stream of postings could hold a close off for ever.
--
-- Now (docs/architecture/periods.md, "Ordering with postings"):
--  * Each period has a gate, a transaction-level advisory lock keyed by the period's start date.
--    A posting holds it shared for its whole transaction; a transition that moves the period's
--    state holds it exclusive. Advisory locks live in the heavyweight lock manager, whose queue is
--    fair: a new shared request waits behind a queued exclusive one. So a transition waits only for
--    the postings already in flight, and postings that arrive after it queue behind it.
--  * Each transaction has one recorded time, cifra_now(): the instant it last marked
--    (cifra_mark_recorded_time(), called right after taking its gates), or its start when it never
--    marked. Entries' actual_posting_date, audit events' occurred_at and the validity of history
--    versions all read it, so a transition's records carry an instant after every posting it
--    admitted had committed, and a posting's records carry an instant after the last transition
--    of its period had committed.

-- Gates are two-key advisory locks (namespace, days since 1970 of the period's start date):
-- collision-free (start_date is unique) and ordered like the periods, so locking in start-date
-- order never deadlocks.
CREATE FUNCTION cifra_period_gate_key(start_date date) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT start_date - date '1970-01-01' $$;
--> statement-breakpoint
CREATE FUNCTION cifra_period_gate_namespace() RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT 1128681554 $$;
--> statement-breakpoint

-- The transaction's recorded time. A writer may only choose an instant inside its own transaction
-- (between its start and now): a mark outside that range is ignored, so the time stays the
-- database's.
CREATE FUNCTION cifra_now() RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  mark timestamptz := nullif(current_setting('cifra.recorded_at', true), '')::timestamptz;
BEGIN
  IF mark IS NOT NULL AND mark >= now() AND mark <= clock_timestamp() THEN
    RETURN mark;
  END IF;
  RETURN now();
END $$;
--> statement-breakpoint
CREATE FUNCTION cifra_mark_recorded_time() RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  t timestamptz := clock_timestamp();
BEGIN
  PERFORM set_config('cifra.recorded_at', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), true);
  RETURN t;
END $$;
--> statement-breakpoint

-- Take the gates of the given periods (shared for postings, exclusive for transitions) in
-- start-date order, then mark the transaction's recorded time: after every gate is held.
CREATE FUNCTION cifra_hold_periods(period_ids uuid[], exclusive boolean) RETURNS timestamptz
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  k integer;
BEGIN
  FOR k IN
    SELECT cifra_period_gate_key(p.start_date) FROM posting_periods p
     WHERE p.id = ANY (period_ids) ORDER BY p.start_date
  LOOP
    IF exclusive THEN
      PERFORM pg_advisory_xact_lock(cifra_period_gate_namespace(), k);
    ELSE
      PERFORM pg_advisory_xact_lock_shared(cifra_period_gate_namespace(), k);
    END IF;
  END LOOP;
  RETURN cifra_mark_recorded_time();
END $$;
--> statement-breakpoint
-- A posting's gates: every period overlapping [first, last], shared.
CREATE FUNCTION cifra_hold_posting_periods(first date, last date) RETURNS timestamptz
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN cifra_hold_periods(
    ARRAY(SELECT p.id FROM posting_periods p WHERE p.start_date <= last AND p.end_date >= first),
    false);
END $$;
--> statement-breakpoint

-- ── Backstops for writers that do not go through the engine or the period services ────────────

-- An entry's period is checked under its gate (shared), so no transition of that period commits
-- between the check and the entry's commit. A transaction that never marked its time marks it
-- once the gate is held (the engine already did, after taking the same gate).
CREATE OR REPLACE FUNCTION cifra_check_entry_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p posting_periods%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(cifra_period_gate_namespace(), cifra_period_gate_key(pp.start_date))
     FROM posting_periods pp WHERE pp.id = NEW.period_id;
  IF coalesce(current_setting('cifra.recorded_at', true), '') = '' THEN
    PERFORM cifra_mark_recorded_time();
  END IF;
  SELECT * INTO p FROM posting_periods WHERE id = NEW.period_id;
  IF NOT (NEW.posting_date BETWEEN p.start_date AND p.end_date) THEN
    RAISE EXCEPTION 'posting date % is outside period %-%', NEW.posting_date, p.year, p.month
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT cifra_period_accepts(p.state, NEW.source_kind) THEN
    RAISE EXCEPTION 'period %-% is %: it does not accept % postings', p.year, lpad(p.month::text, 2, '0'),
      p.state, NEW.source_kind USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- A change of a period's state holds the period's gate exclusive (waiting for the postings in
-- flight). A writer that took the gate itself (cifra_hold_periods, as the period services do) has
-- marked its time after it, and that mark stays, so all its records share one instant; otherwise
-- the gate is taken here and the time marked after it. Named to run after
-- posting_periods_transition and posting_periods_year, so a refused move waits for nothing.
CREATE FUNCTION cifra_gate_period_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k integer := cifra_period_gate_key(OLD.start_date);
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
      SELECT 1 FROM pg_locks l
       WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
         AND l.mode = 'ExclusiveLock' AND l.objsubid = 2
         AND l.classid = cifra_period_gate_namespace()::oid AND l.objid = k::oid) THEN
    PERFORM pg_advisory_xact_lock(cifra_period_gate_namespace(), k);
    PERFORM cifra_mark_recorded_time();
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER posting_periods_zz_gate BEFORE UPDATE OF state ON posting_periods
  FOR EACH ROW EXECUTE FUNCTION cifra_gate_period_state_change();
--> statement-breakpoint

-- ── Every record of a transaction carries its recorded time ───────────────────────────────────

CREATE OR REPLACE FUNCTION cifra_stamp_actual_posting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.actual_posting_date := cifra_now();
  RETURN NEW;
END $$;
--> statement-breakpoint
ALTER TABLE period_transitions ALTER COLUMN occurred_at SET DEFAULT cifra_now();
--> statement-breakpoint
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
  NEW.hash := cifra_audit_event_hash(NEW);
  RETURN NEW;
END $$;
--> statement-breakpoint

-- History versions are valid from the transaction's recorded time: cifra_enable_history as in
-- 0011 with cifra_now() for now() in the generated triggers, then run again over every versioned
-- table (it is idempotent and keeps each table's entity type).
CREATE OR REPLACE FUNCTION cifra_enable_history(tbl regclass, entity_type text DEFAULT NULL) RETURNS text
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
        UPDATE %I h SET valid_to = public.cifra_now() FROM old_rows r WHERE h.hist_entity_id = %s AND h.valid_to IS NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO %I (hist_entity_id, valid_from, valid_to, hist_operation, hist_actor_id, hist_actor_email,
            hist_reason, hist_request_id, hist_db_role%s)
          SELECT %s, public.cifra_now(), public.cifra_now(), TG_OP, %s%s FROM old_rows r;
      ELSE
        INSERT INTO %I (hist_entity_id, valid_from, hist_operation, hist_actor_id, hist_actor_email,
            hist_reason, hist_request_id, hist_db_role%s)
          SELECT %s, public.cifra_now(), TG_OP, %s%s FROM new_rows r;
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
SELECT cifra_enable_history(table_name::regclass, entity_type) FROM cifra_history_tables ORDER BY table_name;
