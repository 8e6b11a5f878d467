-- ── Bank fees get their own role; control accounts take postings only with a party ─────────────
--
-- 1. `BankFees`: until now a receipt's or payment's bank fee was posted to the account bound to
--    FxVarianceBankFees, and the year-end close in Separated mode reclassified that account's
--    balance as realized FX, fees included. Fees now go to their own role.
--
--    The role is a new value of the enum `account_role`. `ALTER TYPE … ADD VALUE` cannot be used
--    by the transaction that adds it, and drizzle runs every pending migration in one transaction,
--    so the binding below could not name it. The enum is therefore rebuilt under the same name
--    (a type created in this transaction may be used at once) and every column of the old type —
--    the bindings, the tax codes and their history tables — is converted to it.

ALTER TYPE account_role RENAME TO account_role_before_0021;
--> statement-breakpoint
CREATE TYPE account_role AS ENUM ('DefaultAR', 'DefaultAP', 'Cash', 'SalesTaxPayable',
  'PurchaseTaxReceivable', 'RetainedEarnings', 'FxVarianceBankFees', 'RealizedFxGain',
  'RealizedFxLoss', 'Rounding', 'BankFees');
--> statement-breakpoint
DO $$
DECLARE
  col record;
BEGIN
  FOR col IN
    SELECT c.oid::regclass AS tbl, a.attname
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE a.atttypid = 'account_role_before_0021'::regtype AND NOT a.attisdropped AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE account_role USING %I::text::account_role',
                   col.tbl, col.attname, col.attname);
  END LOOP;
END $$;
--> statement-breakpoint
DROP TYPE account_role_before_0021;
--> statement-breakpoint

-- Existing clients: bind BankFees where books exist (an account carries FxVarianceBankFees) and
-- nothing carries it yet. The Panama chart has "6501 Cargos bancarios" (EXPENSE, no role): bind it.
-- A chart without a free expense account 6501 gets a new one, "6509 Comisiones bancarias" (or, if
-- that code is taken, "BANK-FEES"). A fresh database (no accounts yet) is bound when its books are
-- seeded from the regional template.
DO $$
DECLARE
  target uuid;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM account_role_bindings WHERE role = 'FxVarianceBankFees')
     OR EXISTS (SELECT 1 FROM account_role_bindings WHERE role = 'BankFees') THEN
    RETURN;
  END IF;
  SELECT a.id INTO target FROM accounts a
   WHERE a.code = '6501' AND a.type = 'EXPENSE'
     AND NOT EXISTS (SELECT 1 FROM account_role_bindings b WHERE b.account_id = a.id);
  IF target IS NULL THEN
    INSERT INTO accounts (code, name, type)
    VALUES (CASE WHEN EXISTS (SELECT 1 FROM accounts WHERE code = '6509') THEN 'BANK-FEES' ELSE '6509' END,
            'Comisiones bancarias', 'EXPENSE')
    RETURNING id INTO target;
  END IF;
  INSERT INTO account_role_bindings (role, account_id) VALUES ('BankFees', target);
END $$;
--> statement-breakpoint

-- 2. Control accounts. An account bound to DefaultAR or DefaultAP is the total of a subledger
--    (the agings); one bound to SalesTaxPayable or PurchaseTaxReceivable is the total of the tax
--    on documents. A manual entry's line on any of them must name the party it concerns
--    (gl_lines.party_id), so the subledger follows it; document postings always do on AR/AP.
--    The service refuses first with a code (CONTROL_ACCOUNT_REQUIRES_DOCUMENT / PARTY_REQUIRED);
--    this trigger is the backstop for any other writer. Reversals mirror their lines, party
--    included, so they pass whenever the original did.
CREATE FUNCTION cifra_check_control_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  EXECUTE $q$
    SELECT n.entry_id, b.role::text AS role
      FROM new_rows n
      JOIN journal_entries e ON e.id = n.entry_id
      JOIN account_role_bindings b ON b.account_id = n.account_id
     WHERE e.source_kind = 'MANUAL'
       AND n.party_id IS NULL
       AND b.role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable')
     LIMIT 1 $q$ INTO bad;
  IF bad.entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'a manual line on the % control account must name a party (entry %)', bad.role, bad.entry_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'gl_lines_control_account_party';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER gl_lines_control_account_party AFTER INSERT ON gl_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_control_accounts();
--> statement-breakpoint

-- A manual draft's line keeps the party it names until the draft is approved and posted.
ALTER TABLE journal_draft_lines ADD COLUMN party_id uuid REFERENCES parties(id);
--> statement-breakpoint
SELECT cifra_enable_history('journal_draft_lines');
