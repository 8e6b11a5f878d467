-- A wrongly imported bank statement is deleted by marking it (who, when, why), never by removing
-- its rows: the audit trail and any undone match that named its lines keep pointing at them
-- (docs/architecture/bank.md, "Deleting a statement"). A deleted statement no longer counts: the
-- uniqueness of its content, bank id and place in the account's chain holds among live statements
-- only, so the same file can be imported again once its wrong copy is deleted.
ALTER TABLE bank_statements
  ADD COLUMN deleted_at timestamp with time zone,
  ADD COLUMN deleted_by uuid,
  ADD COLUMN delete_reason text,
  ADD CONSTRAINT bank_statements_delete_reason CHECK ((deleted_at IS NULL) = (delete_reason IS NULL));
--> statement-breakpoint
ALTER TABLE bank_statements DROP CONSTRAINT bank_statements_seq, DROP CONSTRAINT bank_statements_digest;
--> statement-breakpoint
DROP INDEX bank_statements_bank_id;
--> statement-breakpoint
CREATE UNIQUE INDEX bank_statements_seq ON bank_statements (bank_account_id, seq) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX bank_statements_digest ON bank_statements (bank_account_id, digest) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX bank_statements_bank_id ON bank_statements (bank_account_id, bank_statement_id)
  WHERE bank_statement_id IS NOT NULL AND deleted_at IS NULL;
--> statement-breakpoint
GRANT UPDATE (deleted_at, deleted_by, delete_reason) ON bank_statements TO cifra_app;
--> statement-breakpoint
-- The one change a statement allows: being marked deleted, once, while none of its lines is in a
-- live match (the use case checks it first under the statement's row lock, which matching shares:
-- this is the backstop). Its lines stay append-only.
CREATE FUNCTION cifra_bank_statement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on bank_statements is refused: mark the statement deleted with a reason'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.deleted_at IS NOT NULL OR NEW.deleted_at IS NULL
      OR (NEW.id, NEW.bank_account_id, NEW.seq, NEW.format, NEW.bank_statement_id, NEW.digest,
          NEW.period_start, NEW.period_end, NEW.opening_balance_minor, NEW.closing_balance_minor,
          NEW.imported_by, NEW.imported_at)
        IS DISTINCT FROM (OLD.id, OLD.bank_account_id, OLD.seq, OLD.format, OLD.bank_statement_id, OLD.digest,
          OLD.period_start, OLD.period_end, OLD.opening_balance_minor, OLD.closing_balance_minor,
          OLD.imported_by, OLD.imported_at) THEN
    RAISE EXCEPTION 'a bank statement is only ever marked deleted, once' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM bank_match_items i JOIN bank_statement_lines l ON l.id = i.statement_line_id
             WHERE i.active AND l.statement_id = NEW.id) THEN
    RAISE EXCEPTION 'statement % has matched lines: unmatch them first', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'bank_statements_delete_unmatched';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER bank_statements_append_only ON bank_statements;
--> statement-breakpoint
CREATE TRIGGER bank_statements_delete_only BEFORE UPDATE OR DELETE ON bank_statements
  FOR EACH ROW EXECUTE FUNCTION cifra_bank_statement_change();
