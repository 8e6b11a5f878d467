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
