-- A document's `document.posted` event names its entry's number from the database (docs/architecture/
-- posting.md, "Group commit"; audit.md).
--
-- The books' lane sent a group's documents (cifra_post_documents_as, 0052) only once the call posting
-- their entries (cifra_post_entries_as) had answered, because each document's event names its
-- entry's number (`after.entry`), which that call takes. Everything else the documents' call needs
-- is known before: which entries post (each refusal is decided before the call), their ids and
-- fiscal years. The call now reads each document's entry number itself, by the entry's key, as it
-- already adds the document's own number: the lane stages the documents and builds their call while
-- the database still writes the entries, and the process's work in between (about 1 ms a group of
-- 32) no longer waits for them. The event reads exactly as before: the same keys and values. (The
-- lone path, documents/post.ts, still names the number it took itself: it records its event alone.)
CREATE OR REPLACE FUNCTION cifra_post_documents_as(ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
    exchange_rates numeric[], exchange_rate_ids bigint[], rates_are_fallback boolean[], base_totals bigint[],
    credits bigint[], credit_bases bigint[],
    posted_at timestamptz, actor_ids text[], actor_emails text[], reasons text[], request_ids text[],
    client_names text[], client_versions text[], actions text[], entity_types text[], befores jsonb[], afters jsonb[],
    allocation_ids uuid[], allocation_sources uuid[], allocation_invoices uuid[], allocation_amounts bigint[],
    allocation_small_differences bigint[], allocation_bases bigint[], allocation_realized_fx bigint[])
  RETURNS SETOF documents
  -- Each entry read by its key, never a scan of the journal: a plan cached while the client had few
  -- entries must not scan all of them later (0052).
  LANGUAGE plpgsql VOLATILE SET enable_seqscan = off SET enable_bitmapscan = off AS $$
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
  -- As recordAuditEvents (packages/db/src/audit.ts), with each event's own author, in the order given;
  -- its document's number and its entry's added (marking the document checked that entry exists).
  INSERT INTO audit_events (actor_id, actor_email, action, entity_type, entity_id, before, after, reason,
      request_id, client_name, client_version)
    SELECT e.actor_id::uuid, e.actor_email, e.action, e.entity_type, e.id::text, e.before,
      e.after || jsonb_build_object('number', e.number,
        'entry', (SELECT j.number FROM journal_entries j WHERE j.id = e.entry_id)),
      e.reason, e.request_id, e.client_name, e.client_version
    FROM unnest(ids, numbers, entry_ids, actor_ids, actor_emails, reasons, request_ids, client_names, client_versions,
      actions, entity_types, befores, afters)
      WITH ORDINALITY AS e(id, number, entry_id, actor_id, actor_email, reason, request_id, client_name,
        client_version, action, entity_type, before, after, ord)
    ORDER BY e.ord;
END $$;
