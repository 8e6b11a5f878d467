-- Group commit for notes, receipts and payments, and for foreign-currency documents
-- (docs/architecture/posting.md, "Group commit"): the documents lane posts notes and settling
-- documents too, which leave a credit on the party's account and turn their proposed allocations
-- into facts, and documents translated at a rate looked up, which cite its row.
-- cifra_mark_documents_posted_as (0041) set every credit to 0 and every rate row to none (it served
-- only base-currency invoices); it now takes each document's credit and its base, the rate row it
-- cites and whether that row stood in as a fallback, and keeps its plan from call to call.
-- cifra_post_documents_as (0043) also inserts the group's allocations, before the documents are
-- marked (as postDocument inserts them before updating its row), each allocation's history naming
-- its own document's author (cifra.row_provenance, 0041, keyed by the allocation's id, which the
-- application draws). The statements inside are otherwise unchanged.
DROP FUNCTION cifra_post_documents_as(uuid[], text[], integer[], uuid[], numeric[], bigint[], timestamptz,
  text[], text[], text[], text[], text[], text[], text[], text[], jsonb[], jsonb[]);
--> statement-breakpoint
DROP FUNCTION cifra_mark_documents_posted_as(uuid[], text[], uuid[], numeric[], bigint[], timestamptz,
  text[], text[], text[], text[]);
--> statement-breakpoint
CREATE FUNCTION cifra_mark_documents_posted_as(ids uuid[], numbers text[], entry_ids uuid[],
    exchange_rates numeric[], exchange_rate_ids bigint[], rates_are_fallback boolean[], base_totals bigint[],
    credits bigint[], credit_bases bigint[], posted_at timestamptz, actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS void
  -- Each document reached by its key (0045): never a scan of the documents table. With scans and
  -- hash or merge joins off, its plan is that nested loop whatever the group's size, so the plan the
  -- connection caches is right for every group: 0041's force_custom_plan planned it afresh on every
  -- call for nothing (0.6 ms of a group of 32 by track_functions).
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
  UPDATE documents d SET status = 'POSTED', number = m.number, entry_id = m.entry_id,
      exchange_rate = m.exchange_rate, exchange_rate_id = m.exchange_rate_id, rate_is_fallback = m.rate_is_fallback,
      base_total_minor = m.base_total, credit_minor = m.credit, credit_base_minor = m.credit_base,
      posted_by = nullif(m.actor_id, '')::uuid, posted_at = cifra_mark_documents_posted_as.posted_at,
      updated_at = cifra_mark_documents_posted_as.posted_at
    FROM unnest(ids, numbers, entry_ids, exchange_rates, exchange_rate_ids, rates_are_fallback, base_totals, credits,
        credit_bases, actor_ids)
      AS m(id, number, entry_id, exchange_rate, exchange_rate_id, rate_is_fallback, base_total, credit, credit_base,
        actor_id)
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
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_mark_documents_posted_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_mark_documents_posted_as TO cifra_app;
--> statement-breakpoint
CREATE FUNCTION cifra_post_documents_as(ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
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
  PERFORM cifra_mark_documents_posted_as(ids, numbers, entry_ids, exchange_rates, exchange_rate_ids,
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
  RETURN QUERY SELECT d.* FROM documents d WHERE d.id = ANY (ids);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_post_documents_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_post_documents_as TO cifra_app;
