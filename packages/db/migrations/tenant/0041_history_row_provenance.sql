-- Rows of one statement, each with its own author. The history trigger (cifra_enable_history,
-- 0011, 0020, 0040) stamped every version a statement wrote with the transaction's settings
-- (cifra.actor_id, actor_email, reason, request_id), so a group commit that posts 32 documents of
-- 32 requests had to update them one statement each to keep each document's version naming its own
-- author and request: 32 statements, each firing the table's statement triggers (the history's
-- close and insert, the close board's outbox, the rate-pair check) for one row.
--
-- A statement may now name each row's author in cifra.row_provenance, a JSON object keyed by the
-- entity's key (as hist_entity_id spells it) whose values hold actor_id, actor_email, reason and
-- request_id (a field missing or empty is none). A row it names takes its four fields from there;
-- every other row, and every statement that sets nothing (all of them but the one below), the
-- settings as before. The trigger now reads the settings and cifra.row_provenance once a statement
-- rather than the settings once a row. The setting is for one statement: the function that sets it
-- clears it before it returns, and a failed statement's subtransaction takes it back with the rest.
--
-- Each close of a version also called the history table's append-only guard, which compared the
-- whole row, as JSON, before and after: about 20 µs a close, 96 closes a group of 32 invoices. The
-- guard is now called only for an update that could be something else than a close (below, where
-- the triggers are made); what it allows and refuses is unchanged.
--
-- Then the generator runs again over every versioned table, as in 0020 and 0040, and
-- cifra_mark_documents_posted_as (0037) marks a group's documents posted in one UPDATE.
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
  -- The history's own columns, and the trigger's variables (a source column of the same name would
  -- make them ambiguous in the trigger's statements).
  meta constant text[] := ARRAY['hist_id', 'hist_entity_id', 'valid_from', 'valid_to', 'hist_operation',
    'hist_actor_id', 'hist_actor_email', 'hist_reason', 'hist_request_id', 'hist_db_role',
    'hist_prov_rows', 'hist_prov_actor_id', 'hist_prov_actor_email', 'hist_prov_reason', 'hist_prov_request_id'];
  fields constant text[] := ARRAY['actor_id', 'actor_email', 'reason', 'request_id'];
  provenance text;
  other_cols text;
  settings constant text := $p$nullif(current_setting('cifra.actor_id', true), '')::uuid,
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
  -- Who made the change, in the trigger: a row named in cifra.row_provenance (hist_prov_rows) takes
  -- its four fields from there, any other row the settings'; both read once a statement.
  SELECT string_agg(format($p$CASE WHEN hist_prov_rows IS NOT NULL AND hist_prov_rows ? (%s)
        THEN nullif(hist_prov_rows -> (%s) ->> %L, '')%s ELSE hist_prov_%s END$p$,
      key_expr, key_expr, f, CASE WHEN f = 'actor_id' THEN '::uuid' ELSE '' END, f), ', ' ORDER BY o)
    INTO provenance
    FROM unnest(fields) WITH ORDINALITY AS u(f, o);
  provenance := provenance || ', session_user';

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
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $body$
    DECLARE
      hist_prov_rows jsonb := nullif(current_setting('cifra.row_provenance', true), '')::jsonb;
      hist_prov_actor_id uuid := nullif(current_setting('cifra.actor_id', true), '')::uuid;
      hist_prov_actor_email text := nullif(current_setting('cifra.actor_email', true), '');
      hist_prov_reason text := nullif(current_setting('cifra.reason', true), '');
      hist_prov_request_id text := nullif(current_setting('cifra.request_id', true), '');
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE %I h SET valid_to = public.cifra_now()
         WHERE h.hist_id = ANY (ARRAY(
                 SELECT newest.hist_id
                   FROM old_rows r,
                        LATERAL (SELECT x.hist_id, x.valid_to FROM %I x WHERE x.hist_entity_id = %s
                                  ORDER BY x.hist_entity_id DESC, x.hist_id DESC LIMIT 1) newest
                  WHERE newest.valid_to IS NULL));
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
    fn, hist, hist, key_expr, hist, cols, key_expr, provenance, vals, hist, cols, key_expr, provenance, vals);
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
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', hist || '_close_only', hist);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', hist || '_no_truncate', hist);
  -- Anything but closing an open version is refused by cifra_history_guard. A close names valid_to
  -- alone, so the guard is called for an update naming any other column (every column the history
  -- has now; a column added later comes with this generator run again) or a delete, and for an
  -- update of valid_to only when it reopens a version or moves a closed one: the trigger's WHEN,
  -- two columns read without a call, where the guard compared the whole row as JSON on every close.
  SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO other_cols
    FROM pg_attribute a
   WHERE a.attrelid = format('%I', hist)::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'valid_to';
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %s OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION cifra_history_guard()',
    hist || '_append_only', other_cols, hist);
  EXECUTE format($t$CREATE TRIGGER %I BEFORE UPDATE OF valid_to ON %I FOR EACH ROW
      WHEN (OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL) EXECUTE FUNCTION cifra_history_guard()$t$,
    hist || '_close_only', hist);
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
      SELECT %s, %s, 'SNAPSHOT', %s%s FROM %I r$s$, hist, cols, key_expr, since, settings, vals, src);
  END IF;

  INSERT INTO cifra_history_tables (table_name, history_table, entity_type, key_columns)
  VALUES (src, hist, etype, keys)
  ON CONFLICT (table_name) DO UPDATE
    SET history_table = EXCLUDED.history_table, entity_type = EXCLUDED.entity_type, key_columns = EXCLUDED.key_columns;
  RETURN hist;
END $fn$;
--> statement-breakpoint
SELECT cifra_enable_history(table_name::regclass, entity_type) FROM cifra_history_tables ORDER BY table_name;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_mark_documents_posted_as(ids uuid[], numbers text[], entry_ids uuid[],
    exchange_rates numeric[], base_totals bigint[], posted_at timestamptz,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS void
  -- Planned for the group's own arrays each call: a plan cached once would keep the join it chose
  -- for the documents table of that day.
  LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  marked integer;
  missing uuid;
BEGIN
  PERFORM set_config('cifra.row_provenance', coalesce((
    SELECT jsonb_object_agg(m.id::text, jsonb_build_object('actor_id', coalesce(m.actor_id, ''),
             'actor_email', coalesce(m.actor_email, ''), 'reason', coalesce(m.reason, ''),
             'request_id', coalesce(m.request_id, '')))
      FROM unnest(ids, actor_ids, actor_emails, reasons, request_ids)
        AS m(id, actor_id, actor_email, reason, request_id)), '{}')::text, true);
  UPDATE documents d SET status = 'POSTED', number = m.number, entry_id = m.entry_id,
      exchange_rate = m.exchange_rate, exchange_rate_id = NULL, rate_is_fallback = false,
      base_total_minor = m.base_total, credit_minor = 0, credit_base_minor = 0,
      posted_by = nullif(m.actor_id, '')::uuid, posted_at = cifra_mark_documents_posted_as.posted_at,
      updated_at = cifra_mark_documents_posted_as.posted_at
    FROM unnest(ids, numbers, entry_ids, exchange_rates, base_totals, actor_ids)
      AS m(id, number, entry_id, exchange_rate, base_total, actor_id)
   WHERE d.id = m.id AND d.status = 'DRAFT';
  GET DIAGNOSTICS marked = ROW_COUNT;
  PERFORM set_config('cifra.row_provenance', '', true);
  IF marked <> coalesce(array_length(ids, 1), 0) THEN
    SELECT u.id INTO missing FROM unnest(ids, entry_ids) WITH ORDINALITY AS u(id, entry_id, ord)
     WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = u.id AND d.entry_id = u.entry_id)
     ORDER BY u.ord LIMIT 1;
    RAISE EXCEPTION 'document % is not a draft', missing;
  END IF;
END $$;
