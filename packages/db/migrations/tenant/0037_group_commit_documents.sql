-- Group commit for documents (docs/architecture/posting.md, "Group commit"). The plain invoices of
-- one group are marked posted by one call: each document's UPDATE runs with its own posting's actor,
-- request and reason in the transaction's settings, so the document's history names who posted it,
-- as when each posting had its transaction. One round trip for the group, in the order given.
CREATE FUNCTION cifra_mark_documents_posted_as(ids uuid[], numbers text[], entry_ids uuid[],
    exchange_rates numeric[], base_totals bigint[], posted_at timestamptz,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  i integer;
BEGIN
  FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
    PERFORM set_config('cifra.actor_id', coalesce(actor_ids[i], ''), true),
      set_config('cifra.actor_email', coalesce(actor_emails[i], ''), true),
      set_config('cifra.reason', coalesce(reasons[i], ''), true),
      set_config('cifra.request_id', coalesce(request_ids[i], ''), true);
    UPDATE documents d SET status = 'POSTED', number = numbers[i], entry_id = entry_ids[i],
        exchange_rate = exchange_rates[i], exchange_rate_id = NULL, rate_is_fallback = false,
        base_total_minor = base_totals[i], credit_minor = 0, credit_base_minor = 0,
        posted_by = nullif(actor_ids[i], '')::uuid, posted_at = cifra_mark_documents_posted_as.posted_at,
        updated_at = cifra_mark_documents_posted_as.posted_at
     WHERE d.id = ids[i] AND d.status = 'DRAFT';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'document % is not a draft', ids[i];
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_mark_documents_posted_as(uuid[], text[], uuid[], numeric[], bigint[], timestamptz, text[], text[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_mark_documents_posted_as(uuid[], text[], uuid[], numeric[], bigint[], timestamptz, text[], text[], text[], text[]) TO cifra_app;
--> statement-breakpoint
-- Group commit for journal entries: the entries of one group, their lines and their
-- `journal_entry.posted` events in one round trip instead of five (the prefix, the numbers, the
-- entries, the lines, the events), the statements inside unchanged: each number is still taken by
-- its own UPDATE of the number row under its own posting's author (as cifra_take_numbers_as, years
-- in ascending order), and each event still carries its own author. Entries are numbered in the
-- order given; an event's `after` gets its entry's number here. Returns each entry's number and the
-- times the database stamped.
CREATE FUNCTION cifra_post_entries_as(
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
  n integer := coalesce(array_length(e_ids, 1), 0);
  numbers text[] := array_fill(NULL::text, ARRAY[n]);
  y integer;
  i integer;
  v integer;
  p text;
BEGIN
  FOR y IN SELECT DISTINCT u FROM unnest(e_fiscal_years) u ORDER BY 1 LOOP
    INSERT INTO number_sequences (document_type, fiscal_year, prefix)
      VALUES ('JE', y, coalesce((SELECT np.prefix FROM numbering_prefixes np WHERE np.document_type = 'JE'), 'JE'))
      ON CONFLICT DO NOTHING;
    FOR i IN 1 .. n LOOP
      CONTINUE WHEN e_fiscal_years[i] <> y;
      PERFORM set_config('cifra.actor_id', coalesce(a_actor_ids[i], ''), true),
        set_config('cifra.actor_email', coalesce(a_actor_emails[i], ''), true),
        set_config('cifra.reason', coalesce(a_reasons[i], ''), true),
        set_config('cifra.request_id', coalesce(a_request_ids[i], ''), true);
      UPDATE number_sequences s SET next_value = s.next_value + 1
       WHERE s.document_type = 'JE' AND s.fiscal_year = y
      RETURNING s.next_value - 1, s.prefix INTO v, p;
      numbers[i] := p || '-' || y || '-' || lpad(v::text, 6, '0');
    END LOOP;
  END LOOP;
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
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_post_entries_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_post_entries_as TO cifra_app;
