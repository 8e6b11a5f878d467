-- Group commit for documents: what follows a group's journal entries in one round trip instead of
-- four (docs/architecture/posting.md, "Group commit"). The documents lane took its documents' own
-- numbers (cifra_take_numbers_as of 0028, one call per kind and year), marked the documents posted
-- (cifra_mark_documents_posted_as), wrote their `document.posted` events and read the rows back,
-- one statement each, the database idle between them while the application built the next one.
--
-- cifra_post_documents_as does the same work in the same order, with the same statements inside:
-- each kind and fiscal year's numbers by one run (cifra_take_numbers_for, 0042), the documents
-- marked by cifra_mark_documents_posted_as (each version naming its own author), then the events,
-- in the order given, each with its own author and its document's number added to its `after`, and
-- returns the documents as they now stand.
CREATE FUNCTION cifra_post_documents_as(ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
    exchange_rates numeric[], base_totals bigint[], posted_at timestamptz,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[], client_names text[],
    client_versions text[], actions text[], entity_types text[], befores jsonb[], afters jsonb[])
  RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  numbers text[] := cifra_take_numbers_for(kinds, fiscal_years, actor_ids, actor_emails, reasons, request_ids);
BEGIN
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
-- The documents' numbers were the last caller of 0028's one UPDATE a number.
DROP FUNCTION cifra_take_numbers_as(text, integer, text, text[], text[], text[], text[]);
