-- ── Statement-level triggers on the posting path plan each statement afresh ────────────────
--
-- PL/pgSQL caches a statement's plan for the life of the session, and a query over a transition
-- table is planned for the row count that table had the first time. A pooled connection that
-- first posted one small entry kept the plan for two lines (nested loops) and used it for every
-- later bulk posting of thousands of lines: measured 2.5–3× slower than on a fresh connection
-- (docs/benchmarks.md). EXECUTE plans each time, for the rows actually there; the planning cost
-- is once per statement, not per row. Same checks and effects as before (0001, 0003, 0015).

CREATE OR REPLACE FUNCTION cifra_check_entry_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
  misdated boolean;
BEGIN
  EXECUTE $q$
    SELECT l.entry_id, sum(l.amount_minor) AS total
      FROM gl_lines l
     WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
     GROUP BY l.entry_id
    HAVING sum(l.amount_minor) <> 0
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
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_apply_balances() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  EXECUTE $q$
    INSERT INTO account_period_balances AS b (account_id, period_id, debit_minor, credit_minor)
    SELECT n.account_id, e.period_id,
           sum(greatest(n.amount_minor, 0)), sum(greatest(-n.amount_minor, 0))
      FROM new_lines n JOIN journal_entries e ON e.id = n.entry_id
     GROUP BY n.account_id, e.period_id
     ORDER BY n.account_id, e.period_id
    ON CONFLICT (account_id, period_id) DO UPDATE
       SET debit_minor = b.debit_minor + EXCLUDED.debit_minor,
           credit_minor = b.credit_minor + EXCLUDED.credit_minor $q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_check_gl_rate_pair() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mismatched boolean;
BEGIN
  EXECUTE $q$
    SELECT EXISTS (
      SELECT 1
        FROM new_rows n
        JOIN exchange_rates r ON r.id = n.exchange_rate_id
        CROSS JOIN company c
       WHERE n.exchange_rate_id IS NOT NULL
         AND (r.currency <> n.original_currency OR r.base_currency <> c.base_currency)) $q$ INTO mismatched;
  IF mismatched THEN
    RAISE EXCEPTION 'a GL line cites an exchange rate of another currency pair than its own'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
