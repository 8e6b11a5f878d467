-- Group commit for documents: what follows a group's journal entries in one round trip instead of
-- four (docs/architecture/posting.md, "Group commit"). The documents lane took its documents' own
-- numbers (cifra_take_numbers_as, one call per kind and year), marked the documents posted
-- (cifra_mark_documents_posted_as), wrote their `document.posted` events and read the rows back,
-- one statement each, the database idle between them while the application built the next one.
--
-- cifra_post_documents_as does the same work in the same order, with the same statements inside:
-- each kind and fiscal year's numbers by one run (cifra_take_number_run, 0042; kinds and years in
-- sorted order, so two groups that take two sequences take them in the same order), the documents
-- marked by cifra_mark_documents_posted_as (each version naming its own author), then the events,
-- in the order given, each with its own author and its document's number added to its `after`, and
-- returns the documents as they now stand. cifra_take_numbers_as has no caller left and is dropped.
CREATE FUNCTION cifra_post_documents_as(ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
    exchange_rates numeric[], base_totals bigint[], posted_at timestamptz,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[], client_names text[],
    client_versions text[], actions text[], entity_types text[], befores jsonb[], afters jsonb[])
  RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  n integer := coalesce(array_length(ids, 1), 0);
  numbers text[] := array_fill(NULL::text, ARRAY[n]);
  seq record;
  idx integer[];
  run record;
  k integer;
BEGIN
  FOR seq IN SELECT DISTINCT u.kind, u.fy FROM unnest(kinds, fiscal_years) AS u(kind, fy) ORDER BY 1, 2 LOOP
    SELECT array_agg(u.o ORDER BY u.o) INTO idx
      FROM unnest(kinds, fiscal_years) WITH ORDINALITY AS u(kind, fy, o)
     WHERE u.kind = seq.kind AND u.fy = seq.fy;
    SELECT * INTO STRICT run FROM cifra_take_number_run(seq.kind, seq.fy,
      coalesce((SELECT np.prefix FROM numbering_prefixes np WHERE np.document_type = seq.kind), seq.kind),
      ARRAY(SELECT actor_ids[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT actor_emails[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT reasons[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o),
      ARRAY(SELECT request_ids[i] FROM unnest(idx) WITH ORDINALITY AS x(i, o) ORDER BY o));
    FOR k IN 1 .. array_length(idx, 1) LOOP
      numbers[idx[k]] := run.number_prefix || '-' || seq.fy || '-' || lpad((run.first_value + k - 1)::text, 6, '0');
    END LOOP;
  END LOOP;
  PERFORM cifra_mark_documents_posted_as(ids, numbers, entry_ids, exchange_rates, base_totals, posted_at,
    actor_ids, actor_emails, reasons, request_ids);
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
--> statement-breakpoint
DROP FUNCTION cifra_take_numbers_as(text, integer, text, text[], text[], text[], text[]);
