-- Draft allocations of receipts and payments (see docs/architecture/documents.md).
GRANT SELECT, INSERT, UPDATE, DELETE ON draft_allocations TO cifra_app;
--> statement-breakpoint

-- A draft's proposed allocations change only while the receipt or payment is a draft.
CREATE FUNCTION cifra_refuse_draft_allocation_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_status document_status;
BEGIN
  SELECT status INTO parent_status FROM documents
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END;
  IF parent_status IS DISTINCT FROM 'DRAFT' THEN
    RAISE EXCEPTION '% on draft_allocations is refused: its document is %', TG_OP, parent_status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER draft_allocations_draft_only BEFORE INSERT OR UPDATE OR DELETE ON draft_allocations
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_draft_allocation_change();
--> statement-breakpoint
CREATE TRIGGER draft_allocations_no_truncate BEFORE TRUNCATE ON draft_allocations
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- Default number prefixes per document type (INV-2026-000001); a client may change them.
INSERT INTO numbering_prefixes (document_type, prefix) VALUES
  ('SALES_INVOICE', 'INV'),
  ('CREDIT_NOTE', 'CN'),
  ('CUSTOMER_RECEIPT', 'RCPT'),
  ('PURCHASE_INVOICE', 'BILL'),
  ('DEBIT_NOTE', 'DN'),
  ('VENDOR_PAYMENT', 'PAY')
ON CONFLICT (document_type) DO NOTHING;
--> statement-breakpoint
-- Every version of a proposed allocation is kept (see docs/architecture/audit.md).
SELECT cifra_enable_history('draft_allocations');
