-- The two writes of a group commit that could still read a table of the books whole.
--
-- The account balances (cifra_apply_balances, 0003/0017) joined the statement's new lines to
-- journal_entries for each line's period, planned afresh by EXECUTE on every posting statement. The
-- planner prices an index probe as a read from disk (random_page_cost), so once a statement had more
-- than a few dozen lines it found hashing the whole of journal_entries cheaper: a group commit of 32
-- invoices (128 lines) scanned all 14,000 entries of the bench's books, 2.2 ms of a 22 ms group, and
-- the scan grows with the books until the crossover (about 200 entries a line). Each line's period is
-- now a scalar subquery by the entry's key, which the planner never turns into a join: one probe of
-- journal_entries_pkey per line whatever the statement's size, so the query no longer needs planning
-- afresh and is static again (a plan cached by the connection is right for two lines and for two
-- hundred thousand; subgraphs/ledger/test/posting-checks-plans.test.ts).
--
-- cifra_mark_documents_posted_as (0041) found a group's documents by hashing the drafts of the whole
-- documents table against the group's ids for the same reason (3,700 documents in the bench, and up
-- to the crossover as the books grow); it now reaches each one by its key, as the history trigger's
-- close and the number runs do (0040, 0042).
CREATE OR REPLACE FUNCTION cifra_apply_balances() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO account_period_balances AS b (account_id, period_id, debit_minor, credit_minor)
  SELECT n.account_id, n.period_id, sum(greatest(n.amount_minor, 0)), sum(greatest(-n.amount_minor, 0))
    FROM (SELECT l.account_id, l.amount_minor,
                 (SELECT e.period_id FROM journal_entries e WHERE e.id = l.entry_id) AS period_id
            FROM new_lines l) n
   GROUP BY n.account_id, n.period_id
   ORDER BY n.account_id, n.period_id
  ON CONFLICT (account_id, period_id) DO UPDATE
     SET debit_minor = b.debit_minor + EXCLUDED.debit_minor,
         credit_minor = b.credit_minor + EXCLUDED.credit_minor;
  RETURN NULL;
END $$;
--> statement-breakpoint
ALTER FUNCTION cifra_mark_documents_posted_as(uuid[], text[], uuid[], numeric[], bigint[], timestamptz,
    text[], text[], text[], text[])
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
