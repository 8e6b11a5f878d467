-- The balance backstop (0001, made to plan afresh by 0017) read the whole ledger on every posting.
-- Its query — the sum of gl_lines for the entries of the statement, `HAVING sum <> 0 LIMIT 1` — let
-- the planner trust LIMIT 1 to stop a scan early: with the estimate that each entry has dozens of
-- lines, a sequential scan of gl_lines "stopping at the first unbalanced entry" looked cheaper than
-- looking the entries up by index. No entry is unbalanced, so the scan never stops: every single
-- posting read every line ever posted (7.7 ms at 10,000 lines on the group-commit bench, growing
-- with the books). The sum is now taken per entry of the statement by the index on
-- (entry_id, line_number): a LATERAL aggregate is correlated with its entry, so no plan can scan the
-- ledger for it, whatever the statistics say. Same check, same error, same constraint; the date
-- check below is unchanged (an index lookup per new line already).
CREATE OR REPLACE FUNCTION cifra_check_entry_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
  misdated boolean;
BEGIN
  EXECUTE $q$
    SELECT n.entry_id, s.total
      FROM (SELECT DISTINCT entry_id FROM new_lines) n
     CROSS JOIN LATERAL (SELECT sum(l.amount_minor) AS total FROM gl_lines l WHERE l.entry_id = n.entry_id) s
     WHERE s.total <> 0
     LIMIT 1 $q$ INTO bad;
  IF bad.entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance (off by % minor units)', bad.entry_id, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  EXECUTE $q$
    SELECT EXISTS (SELECT 1 FROM new_lines n JOIN journal_entries e ON e.id = n.entry_id
                    WHERE n.posting_date <> e.posting_date) $q$ INTO misdated;
  IF misdated THEN
    RAISE EXCEPTION 'a GL line''s posting date differs from its entry''s' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
