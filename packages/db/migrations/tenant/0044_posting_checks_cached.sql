-- The posting path's backstops, on cached plans that cannot turn into a scan of the books.
--
-- Three statement-level checks on gl_lines (the entries' balance and dates, 0001/0039; the cited
-- rate's currency pair, 0015; a manual line on a control account naming its party, 0021/0038) ran
-- their queries through EXECUTE since 0017, so that a bulk posting was not run on a plan made for
-- the two lines a connection's first posting had. That planned every query afresh on every posting
-- statement: about 0.55 ms of a group commit of 32 invoices (track_functions; 0.22 ms of the 0.50
-- the balance and date check took was its work, the rest parsing and planning). Here each query is
-- written so that every row of the statement reaches the books only through a correlated lookup by
-- key — a LATERAL aggregate or a scalar subquery, which the planner never turns into a join — so the
-- plan a connection caches first is the right one for two lines and for two hundred thousand: no
-- plan of these queries can read journal_entries, gl_lines or exchange_rates whole.
-- subgraphs/ledger/test/posting-checks-plans.test.ts proves it both ways (small then bulk, bulk
-- then small, on one connection). The account balances (cifra_apply_balances) keep EXECUTE: their
-- grouped upsert is the one query whose best plan does depend on the statement's size.
CREATE OR REPLACE FUNCTION cifra_check_entry_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.entry_id, s.total INTO bad
    FROM (SELECT DISTINCT entry_id FROM new_lines) n
   CROSS JOIN LATERAL (SELECT sum(l.amount_minor) AS total FROM gl_lines l WHERE l.entry_id = n.entry_id) s
   WHERE s.total <> 0
   LIMIT 1;
  IF bad.entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance (off by % minor units)', bad.entry_id, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_lines n
              WHERE n.posting_date <> (SELECT e.posting_date FROM journal_entries e WHERE e.id = n.entry_id)) THEN
    RAISE EXCEPTION 'a GL line''s posting date differs from its entry''s' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_check_gl_rate_pair() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1
      FROM new_rows n
     CROSS JOIN company c
     WHERE n.exchange_rate_id IS NOT NULL
       AND (SELECT r.currency <> n.original_currency OR r.base_currency <> c.base_currency
              FROM exchange_rates r WHERE r.id = n.exchange_rate_id)) THEN
    RAISE EXCEPTION 'a GL line cites an exchange rate of another currency pair than its own'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_check_control_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  -- The lines that could break the rule (no party, on an account bound to a control role), then
  -- whether one of them is on a manual entry.
  SELECT n.entry_id, b.role::text AS role INTO bad
    FROM new_rows n
    JOIN account_role_bindings b ON b.account_id = n.account_id
   WHERE n.party_id IS NULL
     AND b.role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable')
     AND (SELECT e.source_kind FROM journal_entries e WHERE e.id = n.entry_id) = 'MANUAL'
   LIMIT 1;
  IF bad.entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'a manual line on the % control account must name a party (entry %)', bad.role, bad.entry_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'gl_lines_control_account_party';
  END IF;
  RETURN NULL;
END $$;
