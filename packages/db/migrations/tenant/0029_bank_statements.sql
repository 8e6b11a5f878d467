-- Bank statements and reconciliation (docs/architecture/bank.md). Statements and their lines are
-- the bank's facts: append-only. A match is undone by marking it (and its items) inactive with a
-- reason; the partial unique indexes keep each statement line and each GL line in at most one
-- live match, which is what decides between two people matching the same line at once.
CREATE TABLE bank_accounts (
  account_id uuid PRIMARY KEY REFERENCES accounts(id),
  currency char(3) NOT NULL,
  csv_mapping jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE bank_statements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bank_account_id uuid NOT NULL REFERENCES bank_accounts(account_id),
  seq integer NOT NULL,
  format text NOT NULL CONSTRAINT bank_statements_format CHECK (format IN ('CSV', 'OFX', 'CAMT053')),
  bank_statement_id text,
  digest text NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  opening_balance_minor bigint NOT NULL,
  closing_balance_minor bigint NOT NULL,
  imported_by uuid,
  imported_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT bank_statements_seq UNIQUE (bank_account_id, seq),
  CONSTRAINT bank_statements_digest UNIQUE (bank_account_id, digest),
  CONSTRAINT bank_statements_span CHECK (period_start <= period_end)
);
--> statement-breakpoint
CREATE UNIQUE INDEX bank_statements_bank_id ON bank_statements (bank_account_id, bank_statement_id)
  WHERE bank_statement_id IS NOT NULL;
--> statement-breakpoint
CREATE TABLE bank_statement_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  statement_id uuid NOT NULL REFERENCES bank_statements(id),
  line_number integer NOT NULL,
  booking_date date NOT NULL,
  amount_minor bigint NOT NULL,
  description text NOT NULL DEFAULT '',
  reference text NOT NULL DEFAULT '',
  counterparty text NOT NULL DEFAULT '',
  CONSTRAINT bank_statement_lines_number UNIQUE (statement_id, line_number),
  CONSTRAINT bank_statement_lines_nonzero CHECK (amount_minor <> 0)
);
--> statement-breakpoint
CREATE INDEX bank_statement_lines_date_idx ON bank_statement_lines (booking_date);
--> statement-breakpoint
CREATE TABLE bank_matches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bank_account_id uuid NOT NULL REFERENCES bank_accounts(account_id),
  kind text NOT NULL CONSTRAINT bank_matches_kind CHECK (kind IN ('SUGGESTED', 'MANUAL', 'CREATED')),
  matched_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  unmatched_at timestamp with time zone,
  unmatched_by uuid,
  unmatch_reason text,
  CONSTRAINT bank_matches_unmatch_reason CHECK ((unmatched_at IS NULL) = (unmatch_reason IS NULL))
);
--> statement-breakpoint
CREATE TABLE bank_match_items (
  id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  match_id uuid NOT NULL REFERENCES bank_matches(id),
  statement_line_id uuid REFERENCES bank_statement_lines(id),
  gl_line_id bigint REFERENCES gl_lines(id),
  active boolean NOT NULL DEFAULT true,
  CONSTRAINT bank_match_items_one_side CHECK (num_nonnulls(statement_line_id, gl_line_id) = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX bank_match_items_statement_line ON bank_match_items (statement_line_id)
  WHERE active AND statement_line_id IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX bank_match_items_gl_line ON bank_match_items (gl_line_id)
  WHERE active AND gl_line_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX bank_match_items_match_idx ON bank_match_items (match_id);
--> statement-breakpoint
CREATE TABLE bank_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bank_account_id uuid REFERENCES bank_accounts(account_id),
  pattern text NOT NULL CONSTRAINT bank_rules_pattern CHECK (length(pattern) BETWEEN 1 AND 200),
  account_id uuid NOT NULL REFERENCES accounts(id),
  active boolean NOT NULL DEFAULT true,
  created_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON bank_accounts, bank_matches, bank_match_items, bank_rules TO cifra_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON bank_statements, bank_statement_lines TO cifra_app;
--> statement-breakpoint
CREATE TRIGGER bank_statements_append_only BEFORE UPDATE OR DELETE ON bank_statements
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER bank_statement_lines_append_only BEFORE UPDATE OR DELETE ON bank_statement_lines
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
-- A match is only ever undone (active true → false, with who, when and why); nothing else changes.
CREATE FUNCTION cifra_bank_match_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'DELETE on % is refused: unmatch with a reason instead', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_TABLE_NAME = 'bank_match_items' THEN
    IF NOT OLD.active OR NEW.active OR (NEW.match_id, NEW.statement_line_id, NEW.gl_line_id)
        IS DISTINCT FROM (OLD.match_id, OLD.statement_line_id, OLD.gl_line_id) THEN
      RAISE EXCEPTION 'a match item only goes from active to inactive' USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSIF OLD.unmatched_at IS NOT NULL OR NEW.unmatched_at IS NULL
      OR (NEW.bank_account_id, NEW.kind, NEW.matched_by, NEW.created_at)
        IS DISTINCT FROM (OLD.bank_account_id, OLD.kind, OLD.matched_by, OLD.created_at) THEN
    RAISE EXCEPTION 'a match is only ever unmatched, once' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER bank_matches_unmatch_only BEFORE UPDATE OR DELETE ON bank_matches
  FOR EACH ROW EXECUTE FUNCTION cifra_bank_match_change();
--> statement-breakpoint
CREATE TRIGGER bank_match_items_unmatch_only BEFORE UPDATE OR DELETE ON bank_match_items
  FOR EACH ROW EXECUTE FUNCTION cifra_bank_match_change();
--> statement-breakpoint
-- A reconciled GL line's entry is not voided until it is unmatched. The matching path takes the
-- same per-entry advisory lock before it checks the entry is not voided, so a void and a match
-- of the same entry at once cannot both win: the later one sees the other's commit.
CREATE FUNCTION cifra_bank_entry_lock(entry uuid) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('cifra.bank.entry:' || entry::text, 0));
$$;
--> statement-breakpoint
CREATE FUNCTION cifra_refuse_void_of_reconciled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cifra_bank_entry_lock(NEW.entry_id);
  IF EXISTS (SELECT 1 FROM bank_match_items i JOIN gl_lines l ON l.id = i.gl_line_id
             WHERE i.active AND l.entry_id = NEW.entry_id) THEN
    RAISE EXCEPTION 'entry % has lines matched to a bank statement: unmatch them first', NEW.entry_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'voids_not_bank_reconciled';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER voids_not_bank_reconciled BEFORE INSERT ON voids
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_void_of_reconciled();
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bank_accounts', 'bank_statements', 'bank_matches', 'bank_match_items'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION cifra_close_board_changed()', t || '_close_board', t);
  END LOOP;
END $$;
