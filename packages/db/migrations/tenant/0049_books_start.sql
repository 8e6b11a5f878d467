-- The books start at the opening balances (docs/architecture/opening-balances.md, "The books start
-- there"). importOpeningBalances refused activity before its opening date only when it ran: once it
-- had, an entry dated before that date — a manual entry, a document, a void, a recurring occurrence,
-- an accrual's reversal — was accepted, and one posted at the moment of the import could land beside
-- it. Now, while a live import exists, nothing is posted before its opening date: the engine refuses
-- first (BEFORE_OPENING_BALANCES, reading the date below after the posting's period gates are held;
-- the import holds the gates of every earlier period exclusive), and the period trigger refuses any
-- other writer. Voiding the import lifts it.

-- The live import's opening date, or null. VOLATILE: called after a posting's gates are held, it
-- reads what had committed by then, not the calling statement's snapshot.
CREATE FUNCTION cifra_books_start() RETURNS date LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN (SELECT i.opening_date FROM opening_imports i WHERE i.voided_at IS NULL);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_books_start() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_books_start() TO cifra_app;
--> statement-breakpoint
-- A posting's periods, gates held shared (cifra_held_posting_periods, 0038), and the books' start,
-- read after them, in one round trip: { "periods": [...], "books_start": "2026-07-01" | null }.
CREATE FUNCTION cifra_held_posting_books(first date, last date) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  periods jsonb;
BEGIN
  periods := cifra_held_posting_periods(first, last);
  RETURN jsonb_build_object('periods', periods, 'books_start', cifra_books_start());
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_held_posting_books(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_held_posting_books(date, date) TO cifra_app;
--> statement-breakpoint
-- The period trigger (0020) with the books' start: read under the entry's gate, like the state.
CREATE OR REPLACE FUNCTION cifra_check_entry_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p posting_periods%ROWTYPE;
  books_start date;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(cifra_period_gate_namespace(), cifra_period_gate_key(pp.start_date))
     FROM posting_periods pp WHERE pp.id = NEW.period_id;
  IF coalesce(current_setting('cifra.recorded_at', true), '') = '' THEN
    PERFORM cifra_mark_recorded_time();
  END IF;
  SELECT * INTO p FROM posting_periods WHERE id = NEW.period_id;
  IF NOT (NEW.posting_date BETWEEN p.start_date AND p.end_date) THEN
    RAISE EXCEPTION 'posting date % is outside period %-%', NEW.posting_date, p.year, p.month
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT cifra_period_accepts(p.state, NEW.source_kind) THEN
    RAISE EXCEPTION 'period %-% is %: it does not accept % postings', p.year, lpad(p.month::text, 2, '0'),
      p.state, NEW.source_kind USING ERRCODE = 'check_violation';
  END IF;
  -- cifra_books_start()'s query, inline: this runs for every entry of a bulk posting.
  SELECT i.opening_date INTO books_start FROM opening_imports i WHERE i.voided_at IS NULL;
  IF NEW.posting_date < books_start THEN
    RAISE EXCEPTION 'posting date % is before the opening balances of %: the books start there',
      NEW.posting_date, books_start
      USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_before_opening';
  END IF;
  RETURN NEW;
END $$;
