-- The last of a group's simple-protocol reads planned afresh every group, as functions whose plans
-- the connection keeps (docs/architecture/posting.md, "Group commit"; docs/benchmarks.md,
-- "Session 59"). Planning statistics (pg_stat_statements.track_planning) over the group-commit
-- bench's mix of five kinds put them at about 0.3 ms a group, on the group's path while this
-- process waits:
--  - the manual entries' accounts by code, each with its control role: 0.125 ms;
--  - which of the entries' idempotency keys an entry already carries, beside the held periods:
--    0.07 ms with them;
--  - which of the documents locked are voided, up to three times a group: 0.05 ms;
--  - the drafts' proposed allocations: 0.04 ms.
-- Each answers the same rows as the statement it replaces (subgraphs/ledger/test/lane-reads-0062.test.ts).
--
-- voids had no index on document_id: which documents are voided (asked up to three times a group,
-- and by every lock of what a posting settles) scanned the whole table, a little longer with every
-- void the client ever made. Now by key.
CREATE INDEX voids_document_idx ON voids (document_id);
--> statement-breakpoint

-- The accounts of `codes`, each with the first of its bindings to one of `roles` — those of
-- `preferred` first, then in the roles' order — as the manual entries' lines read them.
CREATE FUNCTION cifra_accounts_by_code(codes text[], roles text[], preferred text[])
  RETURNS TABLE (account accounts, control_role text)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT a, (SELECT b.role::text FROM account_role_bindings b
                WHERE b.account_id = a.id AND b.role::text = ANY (roles)
                ORDER BY b.role::text = ANY (preferred) DESC, b.role LIMIT 1)
      FROM accounts a WHERE a.code = ANY (codes);
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_accounts_by_code(text[], text[], text[]) TO cifra_app;
--> statement-breakpoint

-- Which of `keys` a journal entry already carries. STABLE: it reads the snapshot of the statement
-- calling it, as the subquery it replaces did (taken before cifra_held_posting_books holds its gates).
CREATE FUNCTION cifra_taken_entry_keys(keys text[]) RETURNS text[]
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN ARRAY(SELECT j.idempotency_key FROM journal_entries j WHERE j.idempotency_key = ANY (keys));
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_taken_entry_keys(text[]) TO cifra_app;
--> statement-breakpoint

-- Which of the documents `ids` are voided.
CREATE FUNCTION cifra_voided_documents(ids uuid[]) RETURNS TABLE (document_id uuid)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY SELECT v.document_id FROM voids v WHERE v.document_id = ANY (ids);
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_voided_documents(uuid[]) TO cifra_app;
--> statement-breakpoint

-- The proposed allocations of the drafts `ids` (the caller orders them).
CREATE FUNCTION cifra_draft_allocations_of(ids uuid[]) RETURNS SETOF draft_allocations
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY SELECT a.* FROM draft_allocations a WHERE a.document_id = ANY (ids);
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_draft_allocations_of(uuid[]) TO cifra_app;
