-- Reports (see docs/architecture/reports.md).

-- The books as known at an instant: current balances minus the lines of entries written after it.
-- Entries are found by the time the database stamped them.
CREATE INDEX IF NOT EXISTS je_actual_posting_date_idx ON journal_entries (actual_posting_date);
--> statement-breakpoint
-- The income statement leaves year-end closing entries out; there are few, found without a scan.
CREATE INDEX IF NOT EXISTS je_year_end_close_idx ON journal_entries (posting_date)
  WHERE source_kind = 'YEAR_END_CLOSE';
