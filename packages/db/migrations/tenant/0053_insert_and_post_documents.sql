-- A group's own drafts (its credit applications' rows, inserted once their entries have posted) and
-- the posting of every document of the group in one call: cifra_insert_drafts_as then
-- cifra_post_documents_as were two round trips one after the other, about 1.3 ms a group with
-- credit applications. The drafts go in first: the posting marks them with the others. Each part
-- is the function it calls, unchanged (tenant migration 0052).
CREATE FUNCTION cifra_insert_and_post_documents_as(provenance jsonb,
    draft_ids uuid[], draft_kinds document_kind[], draft_party_ids uuid[], draft_document_dates date[],
    draft_posting_dates date[], draft_due_dates date[], draft_currencies char(3)[], draft_exchange_rates numeric[],
    draft_refs text[], draft_memos text[], draft_applies_to_ids uuid[], draft_bank_account_ids uuid[],
    draft_bank_fees bigint[], draft_subtotals bigint[], draft_taxes bigint[], draft_totals bigint[],
    draft_idempotency_keys text[], draft_idempotency_hashes text[], draft_created_by uuid[],
    draft_allocation_documents uuid[], draft_allocation_lines smallint[], draft_allocation_invoices uuid[],
    draft_allocation_amounts bigint[],
    ids uuid[], kinds text[], fiscal_years integer[], entry_ids uuid[],
    exchange_rates numeric[], exchange_rate_ids bigint[], rates_are_fallback boolean[], base_totals bigint[],
    credits bigint[], credit_bases bigint[],
    posted_at timestamptz, actor_ids text[], actor_emails text[], reasons text[], request_ids text[],
    client_names text[], client_versions text[], actions text[], entity_types text[], befores jsonb[], afters jsonb[],
    allocation_ids uuid[], allocation_sources uuid[], allocation_invoices uuid[], allocation_amounts bigint[],
    allocation_small_differences bigint[], allocation_bases bigint[], allocation_realized_fx bigint[])
  RETURNS SETOF documents
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM 1 FROM cifra_insert_drafts_as(provenance, draft_ids, draft_kinds, draft_party_ids, draft_document_dates,
    draft_posting_dates, draft_due_dates, draft_currencies, draft_exchange_rates, draft_refs, draft_memos,
    draft_applies_to_ids, draft_bank_account_ids, draft_bank_fees, draft_subtotals, draft_taxes, draft_totals,
    draft_idempotency_keys, draft_idempotency_hashes, draft_created_by, draft_allocation_documents,
    draft_allocation_lines, draft_allocation_invoices, draft_allocation_amounts);
  RETURN QUERY SELECT * FROM cifra_post_documents_as(ids, kinds, fiscal_years, entry_ids, exchange_rates,
    exchange_rate_ids, rates_are_fallback, base_totals, credits, credit_bases, posted_at, actor_ids, actor_emails,
    reasons, request_ids, client_names, client_versions, actions, entity_types, befores, afters, allocation_ids,
    allocation_sources, allocation_invoices, allocation_amounts, allocation_small_differences, allocation_bases,
    allocation_realized_fx);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_insert_and_post_documents_as FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_insert_and_post_documents_as TO cifra_app;
