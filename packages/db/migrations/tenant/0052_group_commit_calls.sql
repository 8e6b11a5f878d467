-- Group commit's calls, three changes (docs/architecture/posting.md, "Group commit"): a group's
-- drafts inserted in one call; a number run that opens no sequence fires no trigger; a group's
-- documents answered by the update that marks them posted, not by a read after it.
--
-- The books' lane inserts the drafts it makes itself — a group's write-offs, its credit
-- applications' rows — with their proposed allocations, each version naming its own author through
-- cifra.row_provenance (0041). That was four statements, each its own round trip: the provenance
-- set, the documents, the allocations, the provenance cleared. cifra_insert_drafts_as does the same
-- four in one call, and answers the rows inserted (the lane posts them next, without reading them
-- back). The provenance is the caller's JSON object, keyed as the history triggers key a row (a
-- document by its id, a draft allocation by `document:line`); it holds for these two inserts only,
-- and a failed call's subtransaction takes it back with the rest.
CREATE FUNCTION cifra_insert_drafts_as(provenance jsonb,
    ids uuid[], kinds document_kind[], party_ids uuid[], document_dates date[], posting_dates date[],
    due_dates date[], currencies char(3)[], exchange_rates numeric[], refs text[], memos text[],
    applies_to_ids uuid[], bank_account_ids uuid[], bank_fees bigint[], subtotals bigint[], taxes bigint[],
    totals bigint[], idempotency_keys text[], idempotency_hashes text[], created_by uuid[],
    allocation_documents uuid[], allocation_lines smallint[], allocation_invoices uuid[],
    allocation_amounts bigint[])
  RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('cifra.row_provenance', coalesce(provenance, '{}'::jsonb)::text, true);
  RETURN QUERY INSERT INTO documents (id, kind, party_id, document_date, posting_date, due_date, currency, exchange_rate,
      reference, memo, applies_to_id, bank_account_id, bank_fee_minor, subtotal_minor, tax_minor, total_minor,
      idempotency_key, idempotency_hash, created_by)
    SELECT * FROM unnest(ids, kinds, party_ids, document_dates, posting_dates, due_dates, currencies,
      exchange_rates, refs, memos, applies_to_ids, bank_account_ids, bank_fees, subtotals, taxes, totals,
      idempotency_keys, idempotency_hashes, created_by)
  RETURNING *;
  IF coalesce(array_length(allocation_documents, 1), 0) > 0 THEN
    INSERT INTO draft_allocations (document_id, line_number, invoice_id, amount_minor)
      SELECT * FROM unnest(allocation_documents, allocation_lines, allocation_invoices, allocation_amounts);
  END IF;
  PERFORM set_config('cifra.row_provenance', '', true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_insert_drafts_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_insert_drafts_as TO cifra_app;
--> statement-breakpoint
-- As 0042, but the sequence is inserted only when it is missing: an INSERT … ON CONFLICT DO NOTHING
-- that inserts nothing still fires the table's statement triggers (the history's, with no rows to
-- write), about 0.1 ms a run, and a run takes an existing sequence every time but its year's first.
-- Two runs opening one sequence at once still meet at ON CONFLICT, as before.
CREATE OR REPLACE FUNCTION cifra_take_number_run(document_type text, fiscal_year integer, prefix text,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS TABLE (first_value integer, number_prefix text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
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
-- cifra_post_documents_as (0046) answered the group's documents by a last read,
-- `SELECT d.* FROM documents d WHERE d.id = ANY (ids)`, whose plan the connection cached when the
-- client had few documents: a sequential scan of the whole table that it kept as the table grew
-- (3 ms a group of 32 at 5,900 documents on the group-commit bench, growing with the client's
-- documents) until an ANALYZE happened to invalidate it. The rows are now the ones the marking
-- UPDATE returns (RETURNING), reached by their keys on its forced nested loop: no read after it.
DROP FUNCTION cifra_mark_documents_posted_as(uuid[], text[], uuid[], numeric[], bigint[], boolean[], bigint[],
  bigint[], bigint[], timestamptz, text[], text[], text[], text[]);
--> statement-breakpoint
CREATE FUNCTION cifra_mark_documents_posted_as(ids uuid[], numbers text[], entry_ids uuid[],
    exchange_rates numeric[], exchange_rate_ids bigint[], rates_are_fallback boolean[], base_totals bigint[],
    credits bigint[], credit_bases bigint[], posted_at timestamptz, actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS SETOF documents
  -- Each document reached by its key (0045): never a scan of the documents table. With scans and
  -- hash or merge joins off, its plan is that nested loop whatever the group's size, so the plan the
  -- connection caches is right for every group.
  LANGUAGE plpgsql VOLATILE
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
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
  RETURN QUERY UPDATE documents d SET status = 'POSTED', number = m.number, entry_id = m.entry_id,
      exchange_rate = m.exchange_rate, exchange_rate_id = m.exchange_rate_id, rate_is_fallback = m.rate_is_fallback,
      base_total_minor = m.base_total, credit_minor = m.credit, credit_base_minor = m.credit_base,
      posted_by = nullif(m.actor_id, '')::uuid, posted_at = cifra_mark_documents_posted_as.posted_at,
      updated_at = cifra_mark_documents_posted_as.posted_at
    FROM unnest(ids, numbers, entry_ids, exchange_rates, exchange_rate_ids, rates_are_fallback, base_totals, credits,
        credit_bases, actor_ids)
      AS m(id, number, entry_id, exchange_rate, exchange_rate_id, rate_is_fallback, base_total, credit, credit_base,
        actor_id)
   WHERE d.id = m.id AND d.status = 'DRAFT'
  RETURNING d.*;
  GET DIAGNOSTICS marked = ROW_COUNT;
  PERFORM set_config('cifra.row_provenance', '', true);
  IF marked <> coalesce(array_length(ids, 1), 0) THEN
    SELECT u.id INTO missing FROM unnest(ids, entry_ids) WITH ORDINALITY AS u(id, entry_id, ord)
     WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = u.id AND d.entry_id = u.entry_id)
     ORDER BY u.ord LIMIT 1;
    RAISE EXCEPTION 'document % is not a draft', missing;
  END IF;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_mark_documents_posted_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_mark_documents_posted_as TO cifra_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_post_documents_as(ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
    exchange_rates numeric[], exchange_rate_ids bigint[], rates_are_fallback boolean[], base_totals bigint[],
    credits bigint[], credit_bases bigint[],
    posted_at timestamptz, actor_ids text[], actor_emails text[], reasons text[], request_ids text[],
    client_names text[], client_versions text[], actions text[], entity_types text[], befores jsonb[], afters jsonb[],
    allocation_ids uuid[], allocation_sources uuid[], allocation_invoices uuid[], allocation_amounts bigint[],
    allocation_small_differences bigint[], allocation_bases bigint[], allocation_realized_fx bigint[])
  RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  numbers text[] := cifra_take_numbers_for(kinds, fiscal_years, actor_ids, actor_emails, reasons, request_ids);
BEGIN
  IF coalesce(array_length(allocation_ids, 1), 0) > 0 THEN
    -- Each allocation's author is its document's.
    PERFORM set_config('cifra.row_provenance', (
      SELECT jsonb_object_agg(a.id::text, jsonb_build_object('actor_id', coalesce(m.actor_id, ''),
               'actor_email', coalesce(m.actor_email, ''), 'reason', coalesce(m.reason, ''),
               'request_id', coalesce(m.request_id, '')))
        FROM unnest(allocation_ids, allocation_sources) AS a(id, source)
        JOIN unnest(ids, actor_ids, actor_emails, reasons, request_ids)
          AS m(id, actor_id, actor_email, reason, request_id) ON m.id = a.source)::text, true);
    INSERT INTO allocations (id, source_document_id, invoice_id, amount_minor, small_difference_minor,
        base_amount_minor, realized_fx_minor)
      SELECT * FROM unnest(allocation_ids, allocation_sources, allocation_invoices, allocation_amounts,
        allocation_small_differences, allocation_bases, allocation_realized_fx);
    PERFORM set_config('cifra.row_provenance', '', true);
  END IF;
  -- The rows as marking them left them: what the call answers.
  RETURN QUERY SELECT * FROM cifra_mark_documents_posted_as(ids, numbers, entry_ids, exchange_rates, exchange_rate_ids,
    rates_are_fallback, base_totals, credits, credit_bases, posted_at, actor_ids, actor_emails, reasons, request_ids);
  -- As recordAuditEvents (packages/db/src/audit.ts), with each event's own author, in the order given.
  INSERT INTO audit_events (actor_id, actor_email, action, entity_type, entity_id, before, after, reason,
      request_id, client_name, client_version)
    SELECT e.actor_id::uuid, e.actor_email, e.action, e.entity_type, e.id::text, e.before,
      e.after || jsonb_build_object('number', e.number), e.reason, e.request_id, e.client_name, e.client_version
    FROM unnest(ids, numbers, actor_ids, actor_emails, reasons, request_ids, client_names, client_versions, actions,
      entity_types, befores, afters)
      WITH ORDINALITY AS e(id, number, actor_id, actor_email, reason, request_id, client_name, client_version, action,
        entity_type, before, after, ord)
    ORDER BY e.ord;
END $$;
