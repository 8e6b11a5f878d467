-- A group's numbers of several sequences taken together (docs/architecture/posting.md, "Group
-- commit"; audit.md, "A run of numbers"; docs/benchmarks.md, "Session 58").
--
-- cifra_take_numbers_for (0042) takes one run per sequence, each run about ten statements whatever
-- its size: it locks its row, closes its open version, writes its closed versions, moves the row on
-- under its last author (whose version the history trigger writes, a statement trigger of its own).
-- A group of one kind takes two runs (its journal numbers and its documents'); a mixed group five or
-- more, one a kind: 1.6 ms of a mixed group's 26 on the group-commit bench (five runs of six
-- numbers, timed on the server, after 0060), where one run of 32 takes 0.65 ms.
--
-- cifra_take_number_runs takes the runs of several sequences at once: the missing sequences opened
-- in one INSERT (each naming its first number's author), every row locked in one statement (in
-- (type, year) order, as the runs locked them one after the other), their open versions closed in
-- one UPDATE, every number's closed version but each sequence's last written in one INSERT, and the
-- rows moved on in one UPDATE, whose history versions the trigger writes each under its sequence's
-- last author (cifra.row_provenance, keyed by the row's key, as 0041 lets one statement name many
-- authors). Each sequence's history reads exactly as its run left it — one version per number, in
-- number order, each naming who took it, valid from and to the transaction's recorded time, the
-- last one open — and the session's settings are left at the last sequence's last author, as the
-- loop of runs left them. Only the order of hist_id across sequences differs (each sequence's own
-- versions stay in order). A group of one sequence still takes its one run.
CREATE FUNCTION cifra_take_number_runs(types text[], fiscal_years integer[], actor_ids text[], actor_emails text[],
    reasons text[], request_ids text[])
  RETURNS TABLE (document_type text, fiscal_year integer, first_value integer, number_prefix text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  SET plan_cache_mode = force_generic_plan
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $$
DECLARE
  -- Each sequence asked for, in (type, year) order, with how many numbers and its first and last
  -- posting's place in the arguments.
  seq_types text[];
  seq_years integer[];
  seq_counts integer[];
  seq_firsts integer[];
  seq_lasts integer[];
  entities text[];
  recorded timestamptz;
  provenance text := current_setting('cifra.row_provenance', true);
  last_at integer;
BEGIN
  SELECT array_agg(s.t ORDER BY s.t, s.fy), array_agg(s.fy ORDER BY s.t, s.fy), array_agg(s.n ORDER BY s.t, s.fy),
         array_agg(s.first_at ORDER BY s.t, s.fy), array_agg(s.last_at ORDER BY s.t, s.fy),
         array_agg(concat_ws(':', s.t, s.fy::text) ORDER BY s.t, s.fy)
    INTO seq_types, seq_years, seq_counts, seq_firsts, seq_lasts, entities
    FROM (SELECT u.t, u.fy, count(*)::integer AS n, min(u.o)::integer AS first_at, max(u.o)::integer AS last_at
            FROM unnest(types, fiscal_years) WITH ORDINALITY AS u(t, fy, o) GROUP BY u.t, u.fy) AS s;
  IF seq_types IS NULL THEN
    RETURN;
  END IF;

  -- The sequences this group opens, each naming the posting that opened it (its first number's).
  IF EXISTS (SELECT 1 FROM unnest(seq_types, seq_years) AS q(t, fy)
              WHERE NOT EXISTS (SELECT 1 FROM number_sequences s WHERE s.document_type = q.t AND s.fiscal_year = q.fy)) THEN
    PERFORM set_config('cifra.row_provenance', (
      SELECT jsonb_object_agg(q.entity, jsonb_build_object('actor_id', coalesce(actor_ids[q.first_at], ''),
               'actor_email', coalesce(actor_emails[q.first_at], ''), 'reason', coalesce(reasons[q.first_at], ''),
               'request_id', coalesce(request_ids[q.first_at], '')))
        FROM unnest(entities, seq_firsts) AS q(entity, first_at))::text, true);
    INSERT INTO number_sequences (document_type, fiscal_year, prefix)
      SELECT q.t, q.fy, coalesce((SELECT np.prefix FROM numbering_prefixes np WHERE np.document_type = q.t), q.t)
        FROM unnest(seq_types, seq_years) AS q(t, fy)
       ORDER BY q.t, q.fy
      ON CONFLICT DO NOTHING;
  END IF;

  -- Every row locked, in (type, year) order.
  PERFORM 1 FROM number_sequences s
    JOIN unnest(seq_types, seq_years) AS q(t, fy) ON s.document_type = q.t AND s.fiscal_year = q.fy
   ORDER BY s.document_type, s.fiscal_year
     FOR UPDATE OF s;
  recorded := cifra_now();
  UPDATE number_sequences_history h SET valid_to = recorded
   WHERE h.hist_id = ANY (ARRAY(
           SELECT newest.hist_id
             FROM unnest(entities) AS e(entity),
                  LATERAL (SELECT x.hist_id, x.valid_to FROM number_sequences_history x WHERE x.hist_entity_id = e.entity
                            ORDER BY x.hist_entity_id DESC, x.hist_id DESC LIMIT 1) AS newest
            WHERE newest.valid_to IS NULL));
  -- Each number's version but each sequence's last, closed at once, in number order.
  INSERT INTO number_sequences_history (hist_entity_id, valid_from, valid_to, hist_operation, hist_actor_id,
      hist_actor_email, hist_reason, hist_request_id, hist_db_role, document_type, fiscal_year, prefix, next_value)
    SELECT concat_ws(':', s.document_type, s.fiscal_year::text), recorded, recorded, 'UPDATE',
        nullif(actor_ids[w.o], '')::uuid, nullif(actor_emails[w.o], ''), nullif(reasons[w.o], ''),
        nullif(request_ids[w.o], ''), session_user, s.document_type, s.fiscal_year, s.prefix, s.next_value + w.k
      FROM (SELECT u.t, u.fy, u.o, row_number() OVER (PARTITION BY u.t, u.fy ORDER BY u.o)::integer AS k,
                   count(*) OVER (PARTITION BY u.t, u.fy)::integer AS n
              FROM unnest(types, fiscal_years) WITH ORDINALITY AS u(t, fy, o)) AS w
      JOIN number_sequences s ON s.document_type = w.t AND s.fiscal_year = w.fy
     WHERE w.k < w.n
     ORDER BY s.document_type, s.fiscal_year, w.k;

  -- The rows moved on, each sequence's version naming its last number's author.
  PERFORM set_config('cifra.row_provenance', (
    SELECT jsonb_object_agg(q.entity, jsonb_build_object('actor_id', coalesce(actor_ids[q.last_at], ''),
             'actor_email', coalesce(actor_emails[q.last_at], ''), 'reason', coalesce(reasons[q.last_at], ''),
             'request_id', coalesce(request_ids[q.last_at], '')))
      FROM unnest(entities, seq_lasts) AS q(entity, last_at))::text, true);
  RETURN QUERY
    WITH moved AS (
      UPDATE number_sequences s SET next_value = s.next_value + q.n
        FROM unnest(seq_types, seq_years, seq_counts) AS q(t, fy, n)
       WHERE s.document_type = q.t AND s.fiscal_year = q.fy
      RETURNING s.document_type::text AS t, s.fiscal_year AS fy, s.next_value - q.n AS first, s.prefix::text AS prefix)
    SELECT m.t, m.fy, m.first, m.prefix FROM moved m;
  PERFORM set_config('cifra.row_provenance', coalesce(provenance, ''), true);
  -- The settings left at the last sequence's last author, as its run left them.
  last_at := seq_lasts[array_length(seq_lasts, 1)];
  PERFORM set_config('cifra.actor_id', coalesce(actor_ids[last_at], ''), true),
    set_config('cifra.actor_email', coalesce(actor_emails[last_at], ''), true),
    set_config('cifra.reason', coalesce(reasons[last_at], ''), true),
    set_config('cifra.request_id', coalesce(request_ids[last_at], ''), true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_take_number_runs(text[], integer[], text[], text[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_take_number_runs(text[], integer[], text[], text[], text[], text[]) TO cifra_app;
--> statement-breakpoint

-- 0042's, the runs of several sequences taken together (cifra_take_number_runs), one sequence's by its run.
CREATE OR REPLACE FUNCTION cifra_take_numbers_for(types text[], fiscal_years integer[], actor_ids text[],
    actor_emails text[], reasons text[], request_ids text[])
  RETURNS text[]
  LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  first_type text := types[1];
  first_year integer := fiscal_years[1];
  run record;
  run_types text[];
  run_years integer[];
  run_firsts integer[];
  run_prefixes text[];
BEGIN
  IF coalesce(array_length(types, 1), 0) = 0 THEN
    RETURN '{}';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM unnest(types, fiscal_years) AS u(t, fy)
                  WHERE u.t IS DISTINCT FROM first_type OR u.fy IS DISTINCT FROM first_year) THEN
    SELECT * INTO STRICT run FROM cifra_take_number_run(first_type, first_year,
      coalesce((SELECT np.prefix FROM numbering_prefixes np WHERE np.document_type = first_type), first_type),
      actor_ids, actor_emails, reasons, request_ids);
    RETURN ARRAY(SELECT run.number_prefix || '-' || first_year || '-' || lpad((run.first_value + k - 1)::text, 6, '0')
                   FROM generate_series(1, array_length(types, 1)) AS k ORDER BY k);
  END IF;
  SELECT array_agg(r.document_type), array_agg(r.fiscal_year), array_agg(r.first_value), array_agg(r.number_prefix)
    INTO run_types, run_years, run_firsts, run_prefixes
    FROM cifra_take_number_runs(types, fiscal_years, actor_ids, actor_emails, reasons, request_ids) AS r;
  -- Each posting's number: its sequence's first plus its place among that sequence's postings.
  RETURN ARRAY(
    SELECT r.prefix || '-' || u.fy || '-' || lpad((r.first + u.k - 1)::text, 6, '0')
      FROM (SELECT v.t, v.fy, v.o, row_number() OVER (PARTITION BY v.t, v.fy ORDER BY v.o)::integer AS k
              FROM unnest(types, fiscal_years) WITH ORDINALITY AS v(t, fy, o)) AS u
      JOIN unnest(run_types, run_years, run_firsts, run_prefixes) AS r(t, fy, first, prefix)
        ON r.t = u.t AND r.fy = u.fy
     ORDER BY u.o);
END $$;
