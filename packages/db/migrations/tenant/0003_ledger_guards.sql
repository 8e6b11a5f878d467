-- What the database itself enforces for the subledgers (see docs/architecture/posting.md).

-- The application reads everything and writes exactly what the services write.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO cifra_app;
--> statement-breakpoint
GRANT INSERT, UPDATE ON parties, items, numbering_prefixes, documents, journal_drafts TO cifra_app;
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON document_lines, journal_draft_lines TO cifra_app;
--> statement-breakpoint
GRANT INSERT ON allocations, voids TO cifra_app;
--> statement-breakpoint

-- Allocations and voids are facts of posted documents: append-only, even for the owner.
CREATE TRIGGER allocations_append_only BEFORE UPDATE OR DELETE ON allocations
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER allocations_no_truncate BEFORE TRUNCATE ON allocations
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER voids_append_only BEFORE UPDATE OR DELETE ON voids
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER voids_no_truncate BEFORE TRUNCATE ON voids
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- Documents and journal drafts are editable while DRAFT; once POSTED or DISCARDED they are final.
-- Rows are never deleted: a discarded draft stays as evidence.
CREATE FUNCTION cifra_refuse_final_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status <> 'DRAFT' THEN
    RAISE EXCEPTION '% of a % row in state % is refused: only drafts change', TG_OP, TG_TABLE_NAME,
      OLD.status USING ERRCODE = 'insufficient_privilege',
      HINT = 'Void a posted document or correct it with a credit or debit note.';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER documents_final BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_final_change();
--> statement-breakpoint
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_drafts_final BEFORE UPDATE OR DELETE ON journal_drafts
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_final_change();
--> statement-breakpoint
CREATE TRIGGER journal_drafts_no_truncate BEFORE TRUNCATE ON journal_drafts
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- A line changes only while its document (or draft) is a draft.
CREATE FUNCTION cifra_refuse_line_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_status document_status;
BEGIN
  IF TG_TABLE_NAME = 'document_lines' THEN
    SELECT status INTO parent_status FROM documents
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END;
  ELSE
    SELECT status INTO parent_status FROM journal_drafts
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.draft_id ELSE NEW.draft_id END;
  END IF;
  IF parent_status IS DISTINCT FROM 'DRAFT' THEN
    RAISE EXCEPTION '% on % is refused: its document is %', TG_OP, TG_TABLE_NAME, parent_status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER document_lines_draft_only BEFORE INSERT OR UPDATE OR DELETE ON document_lines
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_line_change();
--> statement-breakpoint
CREATE TRIGGER document_lines_no_truncate BEFORE TRUNCATE ON document_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_draft_lines_draft_only BEFORE INSERT OR UPDATE OR DELETE ON journal_draft_lines
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_line_change();
--> statement-breakpoint
CREATE TRIGGER journal_draft_lines_no_truncate BEFORE TRUNCATE ON journal_draft_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- Per-account per-period balances, kept by the database as lines arrive: once per statement,
-- aggregated, rows locked in key order so concurrent postings cannot deadlock on them. The
-- application role cannot write the table; the function runs as its owner.
CREATE FUNCTION cifra_apply_balances() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO account_period_balances AS b (account_id, period_id, debit_minor, credit_minor)
  SELECT n.account_id, e.period_id,
         sum(greatest(n.amount_minor, 0)), sum(greatest(-n.amount_minor, 0))
    FROM new_lines n JOIN journal_entries e ON e.id = n.entry_id
   GROUP BY n.account_id, e.period_id
   ORDER BY n.account_id, e.period_id
  ON CONFLICT (account_id, period_id) DO UPDATE
     SET debit_minor = b.debit_minor + EXCLUDED.debit_minor,
         credit_minor = b.credit_minor + EXCLUDED.credit_minor;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_apply_balances() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER gl_lines_balances AFTER INSERT ON gl_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_apply_balances();
