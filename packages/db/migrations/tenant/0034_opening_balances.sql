-- Opening balances (docs/architecture/opening-balances.md): a client moving from another system
-- starts from its trial balance (one manual entry) and its open invoices and bills (documents
-- posted with their own entry against a clearing account). One live import per client: the
-- partial unique index decides between two imports at once. An import is never deleted; it is
-- voided once, with who, when and why, and nothing else about it changes.
CREATE TABLE opening_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opening_date date NOT NULL,
  entry_id uuid NOT NULL REFERENCES journal_entries(id),
  clearing_account_id uuid REFERENCES accounts(id),
  imported_by uuid,
  imported_at timestamp with time zone NOT NULL DEFAULT now(),
  voided_at timestamp with time zone,
  voided_by uuid,
  void_reason text,
  void_date date,
  CONSTRAINT opening_imports_void_reason CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX opening_imports_one_live ON opening_imports ((true)) WHERE voided_at IS NULL;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON opening_imports TO cifra_app;
--> statement-breakpoint
CREATE FUNCTION cifra_opening_import_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on opening_imports is refused: void the import instead'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
      OR (NEW.opening_date, NEW.entry_id, NEW.clearing_account_id, NEW.imported_by, NEW.imported_at)
        IS DISTINCT FROM (OLD.opening_date, OLD.entry_id, OLD.clearing_account_id, OLD.imported_by, OLD.imported_at) THEN
    RAISE EXCEPTION 'an opening balance import is only ever voided, once'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER opening_imports_void_only BEFORE UPDATE OR DELETE ON opening_imports
  FOR EACH ROW EXECUTE FUNCTION cifra_opening_import_change();
--> statement-breakpoint
-- An open item is a posted sales invoice or bill that came with the import: it keeps the import
-- it came with and the original amount the previous system issued it for (its total is what was
-- still open).
ALTER TABLE documents ADD COLUMN opening_import_id uuid REFERENCES opening_imports(id);
--> statement-breakpoint
ALTER TABLE documents ADD COLUMN original_total_minor bigint;
--> statement-breakpoint
ALTER TABLE documents ADD CONSTRAINT documents_opening_original
  CHECK (original_total_minor IS NULL OR (opening_import_id IS NOT NULL AND original_total_minor >= total_minor));
--> statement-breakpoint
CREATE INDEX documents_opening_import_idx ON documents (opening_import_id) WHERE opening_import_id IS NOT NULL;
--> statement-breakpoint
-- The history tables mirror their table's columns: pick up the new ones.
SELECT cifra_enable_history('documents');
--> statement-breakpoint
SELECT cifra_enable_history('opening_imports');
