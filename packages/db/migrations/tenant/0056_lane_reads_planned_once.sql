-- The books' lane's heaviest reads planned once a connection (docs/architecture/posting.md, "Group
-- commit"; docs/benchmarks.md, "Session 54").
--
-- A group's first round trip reads its drafts by the simple protocol (every id inlined), so the
-- server plans each statement afresh every group. Two of them cost more to plan than to run: a
-- draft's lines with their tax rates in force (four tables and a correlated subquery: about 0.3 ms
-- to plan, 0.2 ms to run for a group of 32 on the group-commit bench) and the drafts' parties (a
-- semi-join: 0.1 ms to plan, read up to three times a group). Each is now a function whose query
-- PL/pgSQL keeps planned for the connection's life; the statements the lane sends call it, planned
-- in a few microseconds. The rows are the same, column for column.
--
-- The plan is generic (the ids unknown when it is made): each row reached by its key. Scans are off
-- for the same reason as in 0052: a plan made while a client is young must not scan its tables once
-- they have grown.

-- A document's lines in order, each with its tax code's rate in force on the document's date: the
-- latest dated rate on or before it, else the code's own. The line is the table's row, whatever its
-- columns are.
CREATE FUNCTION cifra_lines_in_force(ids uuid[]) RETURNS TABLE (line document_lines, rate_in_force text)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT l, coalesce((SELECT r.rate_percent FROM tax_code_rates r
                         WHERE r.tax_code = l.tax_code AND r.effective_from <= d.document_date
                         ORDER BY r.effective_from DESC LIMIT 1), c.rate_percent)::text
      FROM unnest(ids) AS u(id)
      JOIN documents d ON d.id = u.id
      JOIN document_lines l ON l.document_id = u.id
      LEFT JOIN tax_codes c ON c.code = l.tax_code
     ORDER BY l.document_id, l.line_number;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_lines_in_force(uuid[]) TO cifra_app;
--> statement-breakpoint

-- The parties of some documents.
CREATE FUNCTION cifra_parties_of_documents(ids uuid[]) RETURNS SETOF parties
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT p.* FROM parties p WHERE p.id IN (SELECT d.party_id FROM documents d WHERE d.id = ANY (ids));
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_parties_of_documents(uuid[]) TO cifra_app;
