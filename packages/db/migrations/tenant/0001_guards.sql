-- The rules the database enforces itself, whatever the application does.
--
-- Roles are cluster-wide in PostgreSQL and many client databases share a server, so they are
-- created idempotently (a concurrent migration of another client may win the race).
DO $$ BEGIN
  CREATE ROLE cifra_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$ BEGIN
  CREATE ROLE readonly_investigator NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint

-- The application role owns nothing: it can read the books and write only what the engine writes.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO cifra_app;
--> statement-breakpoint
GRANT SELECT ON ALL TABLES IN SCHEMA public TO cifra_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO cifra_app;
--> statement-breakpoint
GRANT INSERT ON journal_entries, gl_lines, audit_events TO cifra_app;
--> statement-breakpoint
GRANT INSERT, UPDATE ON company, accounts, account_role_bindings, tax_codes, fiscal_years, posting_periods, number_sequences TO cifra_app;
--> statement-breakpoint

-- Posted entries, their lines and the audit trail are append-only, even for the table owner.
CREATE FUNCTION cifra_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is refused: posted records and audit events are append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Correct a posted entry by posting a reversing entry.';
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER gl_lines_append_only BEFORE UPDATE OR DELETE ON gl_lines
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER gl_lines_no_truncate BEFORE TRUNCATE ON gl_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- ActualPostingDate is the database's clock at post time, whatever the insert says.
CREATE FUNCTION cifra_stamp_actual_posting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.actual_posting_date := now();
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_stamp BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION cifra_stamp_actual_posting_date();
--> statement-breakpoint

-- Every entry balances to the minor unit and its lines carry its posting date. Checked once per
-- statement over the entries that statement touched, so a bulk insert pays one query, not one per line.
CREATE FUNCTION cifra_check_entry_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT l.entry_id, sum(l.amount_minor) AS total
    INTO bad
    FROM gl_lines l
   WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
   GROUP BY l.entry_id
  HAVING sum(l.amount_minor) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance (off by % minor units)', bad.entry_id, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  PERFORM 1 FROM new_lines n JOIN journal_entries e ON e.id = n.entry_id
   WHERE n.posting_date <> e.posting_date LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a GL line''s posting date differs from its entry''s' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER gl_lines_balanced AFTER INSERT ON gl_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_entry_lines();
--> statement-breakpoint

-- An entry without lines is refused at commit (its lines follow it in the same transaction).
CREATE FUNCTION cifra_check_entry_has_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM gl_lines WHERE entry_id = NEW.id LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'journal entry % has no lines', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_entries_have_lines AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION cifra_check_entry_has_lines();
