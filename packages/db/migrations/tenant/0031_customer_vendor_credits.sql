-- Customer and vendor credits, refunds and credit applications (docs/architecture/documents.md).
--
-- 1. Four document kinds (and the same four source kinds of journal entries): CUSTOMER_REFUND and
--    VENDOR_REFUND pay a credit back; CUSTOMER_CREDIT_APPLICATION and VENDOR_CREDIT_APPLICATION
--    apply a credit to an invoice later. `ADD VALUE` inside the migrations' one transaction is
--    allowed, but the new values cannot be used by that transaction: nothing below names them as
--    enum values (the period rule compares the kind as text; prefixes are text).
ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'CUSTOMER_REFUND';
--> statement-breakpoint
ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'VENDOR_REFUND';
--> statement-breakpoint
ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'CUSTOMER_CREDIT_APPLICATION';
--> statement-breakpoint
ALTER TYPE document_kind ADD VALUE IF NOT EXISTS 'VENDOR_CREDIT_APPLICATION';
--> statement-breakpoint
ALTER TYPE source_kind ADD VALUE IF NOT EXISTS 'CUSTOMER_REFUND' BEFORE 'YEAR_END_CLOSE';
--> statement-breakpoint
ALTER TYPE source_kind ADD VALUE IF NOT EXISTS 'VENDOR_REFUND' BEFORE 'YEAR_END_CLOSE';
--> statement-breakpoint
ALTER TYPE source_kind ADD VALUE IF NOT EXISTS 'CUSTOMER_CREDIT_APPLICATION' BEFORE 'YEAR_END_CLOSE';
--> statement-breakpoint
ALTER TYPE source_kind ADD VALUE IF NOT EXISTS 'VENDOR_CREDIT_APPLICATION' BEFORE 'YEAR_END_CLOSE';
--> statement-breakpoint

-- 2. The period rule (mirrors periodAcceptsPosting in packages/domain/src/periods.ts): refunds and
--    credit applications stop with their side.
CREATE OR REPLACE FUNCTION cifra_period_accepts(state period_state, kind source_kind) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN kind::text = 'YEAR_END_CLOSE' THEN state = 'LOCKED'
    WHEN state = 'UNLOCKED' THEN true
    WHEN state = 'LOCK_SALES' THEN kind::text NOT IN ('SALES_INVOICE', 'CREDIT_NOTE', 'CUSTOMER_RECEIPT',
      'CUSTOMER_REFUND', 'CUSTOMER_CREDIT_APPLICATION')
    WHEN state = 'LOCK_PURCHASING' THEN kind::text NOT IN ('PURCHASE_INVOICE', 'DEBIT_NOTE', 'VENDOR_PAYMENT',
      'VENDOR_REFUND', 'VENDOR_CREDIT_APPLICATION')
    WHEN state = 'LOCK_SALES_AND_PURCHASING' THEN kind::text IN ('MANUAL', 'REVERSAL')
    ELSE false
  END
$$;
--> statement-breakpoint

-- 3. What a posted receipt, payment or note left on the party's account as a credit, in its
--    currency and in base at its own rate (set at posting with the rest of the row).
ALTER TABLE documents ADD COLUMN credit_minor bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
ALTER TABLE documents ADD COLUMN credit_base_minor bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
ALTER TABLE documents ADD CONSTRAINT documents_credit_not_negative
  CHECK (credit_minor >= 0 AND credit_base_minor >= 0 AND credit_minor <= total_minor);
--> statement-breakpoint

-- 4. Default number prefixes of the new kinds; a client may change them.
INSERT INTO numbering_prefixes (document_type, prefix) VALUES
  ('CUSTOMER_REFUND', 'RFND'),
  ('VENDOR_REFUND', 'VRFND'),
  ('CUSTOMER_CREDIT_APPLICATION', 'CAPP'),
  ('VENDOR_CREDIT_APPLICATION', 'VAPP')
ON CONFLICT DO NOTHING;
