-- ── Bad-debt write-offs and the receipt tolerance (issue 18 §2) ─────────────────────────────────
--
-- 1. A new document kind, BAD_DEBT_WRITE_OFF: it settles part or all of one sales invoice,
--    debiting the account bound to the new BadDebt role and crediting the receivable. Entries it
--    posts carry it as their source kind. `ADD VALUE` may run in this transaction; nothing below
--    uses the new values as enum values (the period rule compares them as text).
ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'BAD_DEBT_WRITE_OFF';
--> statement-breakpoint
ALTER TYPE source_kind ADD VALUE IF NOT EXISTS 'BAD_DEBT_WRITE_OFF';
--> statement-breakpoint

-- A write-off is a sales-side document: it stops at LOCK_SALES like an invoice or a receipt
-- (mirrors periodAcceptsPosting in packages/domain/src/periods.ts). The function replaces 0031's,
-- so it keeps 0031's refunds and credit applications on their sides.
CREATE OR REPLACE FUNCTION cifra_period_accepts(state period_state, kind source_kind) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN kind::text = 'YEAR_END_CLOSE' THEN state = 'LOCKED'
    WHEN state = 'UNLOCKED' THEN true
    WHEN state = 'LOCK_SALES' THEN kind::text NOT IN ('SALES_INVOICE', 'CREDIT_NOTE', 'CUSTOMER_RECEIPT',
      'CUSTOMER_REFUND', 'CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF')
    WHEN state = 'LOCK_PURCHASING' THEN kind::text NOT IN ('PURCHASE_INVOICE', 'DEBIT_NOTE', 'VENDOR_PAYMENT',
      'VENDOR_REFUND', 'VENDOR_CREDIT_APPLICATION')
    WHEN state = 'LOCK_SALES_AND_PURCHASING' THEN kind::text IN ('MANUAL', 'REVERSAL')
    ELSE false
  END
$$;
--> statement-breakpoint
INSERT INTO numbering_prefixes (document_type, prefix) VALUES ('BAD_DEBT_WRITE_OFF', 'WO')
ON CONFLICT (document_type) DO NOTHING;
--> statement-breakpoint

-- 2. Two new roles: BadDebt (where write-offs are expensed) and SmallDifferences (where a receipt's
--    remainder within the client's tolerance is closed). As in 0021 the enum `account_role` is
--    rebuilt under its name so this transaction can bind the new values at once; it is rebuilt
--    from the values it has now, so roles another migration added before this one are kept.
DO $$
DECLARE
  col record;
  labels text;
BEGIN
  ALTER TYPE account_role RENAME TO account_role_before_0032;
  SELECT string_agg(quote_literal(v), ', ' ORDER BY n) INTO labels
    FROM (SELECT e.enumlabel::text AS v, e.enumsortorder::numeric AS n FROM pg_enum e
           WHERE e.enumtypid = 'account_role_before_0032'::regtype
          UNION ALL
          SELECT nv.v, 1000000 + nv.i FROM (VALUES ('BadDebt', 0), ('SmallDifferences', 1)) nv(v, i)
           WHERE NOT EXISTS (SELECT 1 FROM pg_enum e WHERE e.enumtypid = 'account_role_before_0032'::regtype
                                AND e.enumlabel = nv.v)) q;
  EXECUTE format('CREATE TYPE account_role AS ENUM (%s)', labels);
  FOR col IN
    SELECT c.oid::regclass AS tbl, a.attname
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE a.atttypid = 'account_role_before_0032'::regtype AND NOT a.attisdropped AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE account_role USING %I::text::account_role',
                   col.tbl, col.attname, col.attname);
  END LOOP;
  DROP TYPE account_role_before_0032;
END $$;
--> statement-breakpoint

-- Existing clients (books exist: DefaultAR is bound). BadDebt goes to "6602 Cuentas incobrables"
-- of the Panama chart when it is a free expense account, else to a new "6609 Cuentas incobrables"
-- (or BAD-DEBTS if that code is taken). SmallDifferences goes to a new "7204 Diferencias menores en
-- cobros" (or SMALL-DIFFERENCES). A fresh database is bound when its books are seeded from the
-- regional template, which now carries both roles.
DO $$
DECLARE
  target uuid;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM account_role_bindings WHERE role = 'DefaultAR') THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM account_role_bindings WHERE role = 'BadDebt') THEN
    SELECT a.id INTO target FROM accounts a
     WHERE a.code = '6602' AND a.type = 'EXPENSE' AND a.active
       AND NOT EXISTS (SELECT 1 FROM account_role_bindings b WHERE b.account_id = a.id);
    IF target IS NULL THEN
      INSERT INTO accounts (code, name, type)
      VALUES (CASE WHEN EXISTS (SELECT 1 FROM accounts WHERE code = '6609') THEN 'BAD-DEBTS' ELSE '6609' END,
              'Cuentas incobrables', 'EXPENSE')
      RETURNING id INTO target;
    END IF;
    INSERT INTO account_role_bindings (role, account_id) VALUES ('BadDebt', target);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM account_role_bindings WHERE role = 'SmallDifferences') THEN
    INSERT INTO accounts (code, name, type)
    VALUES (CASE WHEN EXISTS (SELECT 1 FROM accounts WHERE code = '7204') THEN 'SMALL-DIFFERENCES' ELSE '7204' END,
            'Diferencias menores en cobros', 'EXPENSE')
    RETURNING id INTO target;
    INSERT INTO account_role_bindings (role, account_id) VALUES ('SmallDifferences', target);
  END IF;
END $$;
--> statement-breakpoint

-- 3. The receipt tolerance: of what an allocation settles, the part a receipt closed as a small
--    difference (posted to SmallDifferences) rather than with money. Never negative, never more
--    than the allocation.
ALTER TABLE allocations ADD COLUMN small_difference_minor bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
ALTER TABLE allocations ADD CONSTRAINT allocations_small_difference
  CHECK (small_difference_minor >= 0 AND small_difference_minor < amount_minor);
--> statement-breakpoint
-- The history table mirrors its table's columns: pick up the new one.
SELECT cifra_enable_history('allocations');
