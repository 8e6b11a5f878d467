-- The close board's outbox (docs/architecture/close-board.md, "The read model"). Every transaction
-- that changes what the board shows of this client — a period's state, a close, a transition, a
-- fiscal year, a posting, a document, a draft, an allocation or void, a rate, the company's base
-- currency or a control-account binding — leaves one row here, in its own transaction (one row per
-- transaction, whatever it wrote). The projector reads the rows visible in its snapshot, rewrites
-- the client's summary in the control plane, then deletes exactly those rows; a row committed
-- after its snapshot stays for the next pass, so no change is lost between a read and a delete.
CREATE TABLE close_board_changes (
  txid bigint PRIMARY KEY,
  changed_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE FUNCTION cifra_close_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO close_board_changes (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['posting_periods', 'period_closes', 'period_transitions', 'fiscal_years',
    'journal_entries', 'documents', 'journal_drafts', 'allocations', 'voids', 'exchange_rates',
    'company', 'account_role_bindings'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION cifra_close_board_changed()', t || '_close_board', t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON close_board_changes TO cifra_app;
