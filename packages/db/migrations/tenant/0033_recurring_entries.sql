-- Recurring and reversing entries (docs/architecture/posting.md, "Recurring and reversing entries").
-- An entry flagged auto_reverse is reversed on reverse_on, or on the first day of the next month
-- when none was chosen; the reversal is the entry whose reverses_entry_id names it (unique), so an
-- entry is reversed once whoever posts it (the worker, postDueReversals, a void, the year-end close).
ALTER TABLE journal_entries ADD COLUMN reverse_on date;
--> statement-breakpoint
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_reverse_on_after
  CHECK (reverse_on IS NULL OR (auto_reverse AND reverse_on > posting_date));
--> statement-breakpoint
ALTER TABLE journal_drafts ADD COLUMN reverse_on date;
--> statement-breakpoint
ALTER TABLE journal_drafts ADD CONSTRAINT journal_drafts_reverse_on_after
  CHECK (reverse_on IS NULL OR (auto_reverse AND reverse_on > posting_date));
--> statement-breakpoint
SELECT cifra_enable_history('journal_drafts');
--> statement-breakpoint
CREATE TABLE recurring_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CONSTRAINT recurring_templates_name CHECK (length(name) BETWEEN 1 AND 200),
  memo text NOT NULL DEFAULT '',
  frequency text NOT NULL CONSTRAINT recurring_templates_frequency
    CHECK (frequency IN ('MONTHLY', 'QUARTERLY', 'YEARLY')),
  day_of_month smallint NOT NULL CONSTRAINT recurring_templates_day CHECK (day_of_month BETWEEN 1 AND 31),
  start_date date NOT NULL,
  end_date date,
  auto_reverse boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_by uuid NOT NULL,
  created_by_email text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT recurring_templates_span CHECK (end_date IS NULL OR end_date >= start_date)
);
--> statement-breakpoint
CREATE TABLE recurring_template_lines (
  template_id uuid NOT NULL REFERENCES recurring_templates(id),
  line_number smallint NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts(id),
  amount_minor bigint NOT NULL CONSTRAINT recurring_template_lines_nonzero CHECK (amount_minor <> 0),
  memo text NOT NULL DEFAULT '',
  party_id uuid REFERENCES parties(id),
  PRIMARY KEY (template_id, line_number)
);
--> statement-breakpoint
-- One row per template and occurrence: the unique key is what stops two workers creating the same
-- month's entry twice. A REFUSED row (period closed, account inactive, …) is retried by the next run.
CREATE TABLE recurring_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_id uuid NOT NULL REFERENCES recurring_templates(id),
  occurrence_date date NOT NULL,
  status text NOT NULL CONSTRAINT recurring_runs_status
    CHECK (status IN ('PENDING', 'DRAFTED', 'POSTED', 'REFUSED')),
  draft_id uuid REFERENCES journal_drafts(id),
  entry_id uuid REFERENCES journal_entries(id),
  refusal_code text,
  refusal_message text,
  attempted_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT recurring_runs_once UNIQUE (template_id, occurrence_date)
);
--> statement-breakpoint
CREATE INDEX recurring_runs_date_idx ON recurring_runs (occurrence_date);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON recurring_templates, recurring_runs TO cifra_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON recurring_template_lines TO cifra_app;
--> statement-breakpoint
CREATE TRIGGER recurring_templates_no_delete BEFORE DELETE ON recurring_templates
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recurring_runs_no_delete BEFORE DELETE ON recurring_runs
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
SELECT cifra_enable_history('recurring_templates');
--> statement-breakpoint
SELECT cifra_enable_history('recurring_template_lines');
--> statement-breakpoint
SELECT cifra_enable_history('recurring_runs');
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['recurring_templates', 'recurring_runs'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION cifra_close_board_changed()', t || '_close_board', t);
  END LOOP;
END $$;
