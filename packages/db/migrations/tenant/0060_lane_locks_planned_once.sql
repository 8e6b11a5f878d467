-- More of a group's statements planned once a connection (docs/architecture/posting.md, "Group
-- commit"; docs/benchmarks.md, "Session 58").
--
-- The books' lane sends its reads by the simple protocol (every id inlined), so the server plans each
-- statement afresh every group; 0056 and 0057 moved the heaviest into functions. With statistics on
-- the planning (pg_stat_statements.track_planning) over the group-commit bench's mix of five kinds,
-- those left cost a group, to plan alone:
--  - the lock of the drafts and of what they settle, `SELECT * FROM documents WHERE id = ANY (…)
--    ORDER BY id FOR UPDATE`, sent up to four times a group: 0.22 ms;
--  - the live settlements of what is locked (allocations not voided), up to three times: 0.21 ms;
--  - the rates deciding the foreign drafts' rates, the outer statement around cifra_latest_rates
--    (the drafts' distinct currencies and dates, aggregated): 0.30 ms.
-- Each is now a function whose query PL/pgSQL keeps planned (generic, each row by its key); the lane
-- calls them, planned in microseconds. They answer the same rows, column for column.
--
-- cifra_take_number_run (0042, 0052) was planned at every call too, inside PL/pgSQL: its insert of a
-- run's closed versions reads generate_series(1, n - 1), which a custom plan sizes from n and a
-- generic plan guesses at 1,000 rows, so the generic plan never looked cheaper and the plan cache
-- made a custom one for every run (0.24 ms a group of the mix, five runs). It now keeps a generic
-- plan, and reads the transaction's recorded time once (cifra_now(), twice a number before, the
-- same instant: nothing in a run marks a new one). Its search path ends with pg_temp, so that a
-- session's temporary table could never stand in for one it writes (none can be made: TEMPORARY is
-- revoked on client databases, docs/architecture/tenancy.md; this is a second wall).

-- Documents locked FOR UPDATE in id order (concurrent lockers queue rather than deadlock), as the
-- lane's statement locked them.
CREATE FUNCTION cifra_lock_documents(ids uuid[]) RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY SELECT d.* FROM documents d WHERE d.id = ANY (ids) ORDER BY d.id FOR UPDATE;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_lock_documents(uuid[]) TO cifra_app;
--> statement-breakpoint

-- What settles the invoices (or credits) `ids`: their allocations whose source is not voided.
CREATE FUNCTION cifra_live_allocations(ids uuid[]) RETURNS SETOF allocations
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT a.* FROM allocations a
     WHERE a.invoice_id = ANY (ids)
       AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id);
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_live_allocations(uuid[]) TO cifra_app;
--> statement-breakpoint

-- cifra_latest_rates (0057) for the distinct currencies and document dates of the documents `ids`
-- not in the base currency.
CREATE FUNCTION cifra_latest_rates_of_documents(ids uuid[], base char(3), pegged text[], peg_source text,
    document_source text)
  RETURNS TABLE (ask_currency text, ask_date text, rate exchange_rates)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT f.*
      FROM (SELECT array_agg(a.currency), array_agg(a.date)
              FROM (SELECT DISTINCT d.currency, d.document_date FROM documents d
                     WHERE d.id = ANY (ids) AND d.currency <> base) AS a(currency, date)) AS q(currencies, dates),
           cifra_latest_rates(q.currencies::char(3)[], q.dates::date[], base, pegged, peg_source,
             document_source) AS f;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_latest_rates_of_documents(uuid[], char(3), text[], text, text) TO cifra_app;
--> statement-breakpoint

-- 0052's, planned once, the recorded time read once, pg_temp last on the search path.
CREATE OR REPLACE FUNCTION cifra_take_number_run(document_type text, fiscal_year integer, prefix text,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS TABLE (first_value integer, number_prefix text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  SET plan_cache_mode = force_generic_plan
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $$
DECLARE
  n integer := coalesce(array_length(actor_ids, 1), 0);
  seq number_sequences;
  -- The row's key as the history spells it (cifra_enable_history: the key columns joined by ':').
  entity text := concat_ws(':', cifra_take_number_run.document_type, cifra_take_number_run.fiscal_year::text);
  recorded timestamptz;
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM number_sequences s
                  WHERE s.document_type = cifra_take_number_run.document_type
                    AND s.fiscal_year = cifra_take_number_run.fiscal_year) THEN
    -- A sequence this run opens names the posting that opened it, its first number's.
    PERFORM set_config('cifra.actor_id', coalesce(actor_ids[1], ''), true),
      set_config('cifra.actor_email', coalesce(actor_emails[1], ''), true),
      set_config('cifra.reason', coalesce(reasons[1], ''), true),
      set_config('cifra.request_id', coalesce(request_ids[1], ''), true);
    INSERT INTO number_sequences (document_type, fiscal_year, prefix)
      VALUES (cifra_take_number_run.document_type, cifra_take_number_run.fiscal_year, cifra_take_number_run.prefix)
      ON CONFLICT DO NOTHING;
  END IF;
  IF n > 1 THEN
    SELECT s.* INTO STRICT seq FROM number_sequences s
     WHERE s.document_type = cifra_take_number_run.document_type AND s.fiscal_year = cifra_take_number_run.fiscal_year
       FOR UPDATE;
    recorded := cifra_now();
    UPDATE number_sequences_history h SET valid_to = recorded
     WHERE h.hist_id = (SELECT x.hist_id FROM number_sequences_history x WHERE x.hist_entity_id = entity
                         ORDER BY x.hist_entity_id DESC, x.hist_id DESC LIMIT 1)
       AND h.valid_to IS NULL;
    INSERT INTO number_sequences_history (hist_entity_id, valid_from, valid_to, hist_operation, hist_actor_id,
        hist_actor_email, hist_reason, hist_request_id, hist_db_role, document_type, fiscal_year, prefix, next_value)
      SELECT entity, recorded, recorded, 'UPDATE', nullif(actor_ids[k], '')::uuid, nullif(actor_emails[k], ''),
          nullif(reasons[k], ''), nullif(request_ids[k], ''), session_user, seq.document_type, seq.fiscal_year,
          seq.prefix, seq.next_value + k
        FROM generate_series(1, n - 1) AS k
       ORDER BY k;
  END IF;
  PERFORM set_config('cifra.actor_id', coalesce(actor_ids[n], ''), true),
    set_config('cifra.actor_email', coalesce(actor_emails[n], ''), true),
    set_config('cifra.reason', coalesce(reasons[n], ''), true),
    set_config('cifra.request_id', coalesce(request_ids[n], ''), true);
  UPDATE number_sequences s SET next_value = s.next_value + n
   WHERE s.document_type = cifra_take_number_run.document_type AND s.fiscal_year = cifra_take_number_run.fiscal_year
  RETURNING s.next_value - n, s.prefix INTO first_value, number_prefix;
  RETURN NEXT;
END $$;
