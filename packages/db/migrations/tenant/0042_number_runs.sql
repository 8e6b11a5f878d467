-- A group's numbers of one sequence in one UPDATE of the number row, each number still with its own
-- version naming who took it (docs/architecture/posting.md, "Group commit"; audit.md, "A run of
-- numbers").
--
-- cifra_take_numbers_as (0028) and cifra_post_entries_as (0037) took a group's numbers one UPDATE a
-- number, each under its own posting's author, so the history trigger wrote one version per number:
-- for a group of 32 invoices, 64 UPDATEs, each firing the statement trigger that closes the row's
-- open version and inserts the next (about 13 ms of the group's 45-50 in session 22's profile).
--
-- cifra_take_number_run takes n numbers at once: it locks the row, closes its open version, writes
-- the versions of the first n - 1 numbers (each closed, as the next UPDATE's trigger closed it) in
-- one INSERT, then moves the row on by n in one UPDATE under the last number's author, whose
-- version the history trigger writes as before. The history reads exactly as it did: one version
-- per number, in number order, each with next_value one past its number, its author, reason and
-- request, valid from and to the transaction's recorded time (cifra_now), the last one open; and
-- the session's settings are left at the last number's author, as the loop left them. The
-- intermediate versions are written by this function (SECURITY DEFINER, as the history trigger is):
-- the application still cannot write a history table, and the authors it names are the ones the
-- caller could have set in its settings before each UPDATE. The row lock is the same one each
-- UPDATE took, taken once.
--
-- cifra_take_numbers_for takes a group's numbers of any types and years, one run per sequence, and
-- cifra_post_entries_as takes its journal numbers through it (the documents' numbers follow in 0043).
CREATE FUNCTION cifra_take_number_run(document_type text, fiscal_year integer, prefix text,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS TABLE (first_value integer, number_prefix text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  -- As the history trigger's close: the newest version by a backward step of its index, whatever a
  -- small table makes cheapest (0040).
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $$
DECLARE
  n integer := coalesce(array_length(actor_ids, 1), 0);
  seq number_sequences;
  -- The row's key as the history spells it (cifra_enable_history: the key columns joined by ':').
  entity text := concat_ws(':', cifra_take_number_run.document_type, cifra_take_number_run.fiscal_year::text);
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  -- A sequence this run opens names the posting that opened it, its first number's.
  PERFORM set_config('cifra.actor_id', coalesce(actor_ids[1], ''), true),
    set_config('cifra.actor_email', coalesce(actor_emails[1], ''), true),
    set_config('cifra.reason', coalesce(reasons[1], ''), true),
    set_config('cifra.request_id', coalesce(request_ids[1], ''), true);
  INSERT INTO number_sequences (document_type, fiscal_year, prefix)
    VALUES (cifra_take_number_run.document_type, cifra_take_number_run.fiscal_year, cifra_take_number_run.prefix)
    ON CONFLICT DO NOTHING;
  IF n > 1 THEN
    SELECT s.* INTO STRICT seq FROM number_sequences s
     WHERE s.document_type = cifra_take_number_run.document_type AND s.fiscal_year = cifra_take_number_run.fiscal_year
       FOR UPDATE;
    UPDATE number_sequences_history h SET valid_to = cifra_now()
     WHERE h.hist_id = (SELECT x.hist_id FROM number_sequences_history x WHERE x.hist_entity_id = entity
                         ORDER BY x.hist_entity_id DESC, x.hist_id DESC LIMIT 1)
       AND h.valid_to IS NULL;
    INSERT INTO number_sequences_history (hist_entity_id, valid_from, valid_to, hist_operation, hist_actor_id,
        hist_actor_email, hist_reason, hist_request_id, hist_db_role, document_type, fiscal_year, prefix, next_value)
      SELECT entity, cifra_now(), cifra_now(), 'UPDATE', nullif(actor_ids[k], '')::uuid, nullif(actor_emails[k], ''),
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
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_take_number_run(text, integer, text, text[], text[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_take_number_run(text, integer, text, text[], text[], text[], text[]) TO cifra_app;
--> statement-breakpoint
-- The numbers of a group's postings, in the order given: per document type and fiscal year (in
-- sorted order, so two groups that take two sequences take them in the same order) one run, the
-- client's prefix read here. Returns each posting's number ('JE-2026-000042').
CREATE FUNCTION cifra_take_numbers_for(types text[], fiscal_years integer[], actor_ids text[], actor_emails text[],
    reasons text[], request_ids text[])
  RETURNS text[]
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  numbers text[] := array_fill(NULL::text, ARRAY[coalesce(array_length(types, 1), 0)]);
  seq record;
  idx integer[];
  run record;
  k integer;
BEGIN
  FOR seq IN SELECT DISTINCT u.t, u.fy FROM unnest(types, fiscal_years) AS u(t, fy) ORDER BY 1, 2 LOOP
    SELECT array_agg(u.o ORDER BY u.o) INTO idx
      FROM unnest(types, fiscal_years) WITH ORDINALITY AS u(t, fy, o)
     WHERE u.t = seq.t AND u.fy = seq.fy;
    SELECT * INTO STRICT run FROM cifra_take_number_run(seq.t, seq.fy,
      coalesce((SELECT np.prefix FROM numbering_prefixes np WHERE np.document_type = seq.t), seq.t),
      ARRAY(SELECT actor_ids[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT actor_emails[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT reasons[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT request_ids[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o));
    FOR k IN 1 .. array_length(idx, 1) LOOP
      numbers[idx[k]] := run.number_prefix || '-' || seq.fy || '-' || lpad((run.first_value + k - 1)::text, 6, '0');
    END LOOP;
  END LOOP;
  RETURN numbers;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_take_numbers_for(text[], integer[], text[], text[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_take_numbers_for(text[], integer[], text[], text[], text[], text[]) TO cifra_app;
--> statement-breakpoint
-- As in 0037, the numbers taken by one run per fiscal year instead of one UPDATE per entry.
CREATE OR REPLACE FUNCTION cifra_post_entries_as(
    e_ids uuid[], e_fiscal_years integer[], e_period_ids uuid[], e_posting_dates date[], e_kinds source_kind[],
    e_source_ids uuid[], e_memos text[], e_keys text[], e_hashes text[], e_reverses uuid[], e_auto_reverse boolean[],
    e_reverse_on date[], e_posted_by uuid[],
    l_entry_ids uuid[], l_numbers smallint[], l_account_ids uuid[], l_posting_dates date[], l_amounts bigint[],
    l_currencies char(3)[], l_original_amounts bigint[], l_party_ids uuid[], l_memos text[], l_rate_ids bigint[],
    l_fallbacks boolean[],
    a_actor_ids text[], a_actor_emails text[], a_reasons text[], a_request_ids text[], a_client_names text[],
    a_client_versions text[], a_afters jsonb[])
  RETURNS TABLE (id uuid, number text, actual_posting_date timestamptz, created_at timestamptz)
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  numbers text[] := cifra_take_numbers_for(array_fill('JE'::text, ARRAY[coalesce(array_length(e_ids, 1), 0)]),
    e_fiscal_years, a_actor_ids, a_actor_emails, a_reasons, a_request_ids);
BEGIN
  RETURN QUERY
  INSERT INTO journal_entries AS j (id, number, fiscal_year, period_id, posting_date, source_kind, source_id, memo,
      idempotency_key, idempotency_hash, reverses_entry_id, auto_reverse, reverse_on, posted_by)
    SELECT * FROM unnest(e_ids, numbers, e_fiscal_years, e_period_ids, e_posting_dates, e_kinds, e_source_ids,
      e_memos, e_keys, e_hashes, e_reverses, e_auto_reverse, e_reverse_on, e_posted_by)
  RETURNING j.id, j.number, j.actual_posting_date, j.created_at;
  INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
      original_amount_minor, party_id, memo, exchange_rate_id, rate_is_fallback)
    SELECT * FROM unnest(l_entry_ids, l_numbers, l_account_ids, l_posting_dates, l_amounts, l_currencies,
      l_original_amounts, l_party_ids, l_memos, l_rate_ids, l_fallbacks);
  -- As recordAuditEvents (packages/db/src/audit.ts), with each event's own author, in entry order.
  INSERT INTO audit_events (actor_id, actor_email, action, entity_type, entity_id, before, after, reason,
      request_id, client_name, client_version)
    SELECT e.actor_id::uuid, e.actor_email, 'journal_entry.posted', 'JournalEntry',
      e.entity_id::text, NULL, e.after || jsonb_build_object('number', e.number), e.reason,
      e.request_id, e.client_name, e.client_version
    FROM unnest(a_actor_ids, a_actor_emails, e_ids, a_afters, a_reasons, a_request_ids, a_client_names,
      a_client_versions, numbers)
      WITH ORDINALITY AS e(actor_id, actor_email, entity_id, after, reason, request_id, client_name, client_version,
        number, ord)
    ORDER BY e.ord;
END $$;
