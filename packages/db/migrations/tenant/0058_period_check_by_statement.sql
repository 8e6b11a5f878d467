-- The period backstop checks a statement's entries together (docs/architecture/posting.md,
-- "Invariants"; periods.md, "Ordering with postings").
--
-- journal_entries_period (0007, last 0049) ran once an entry, before its row: it took the entry's
-- period gate, marked the recorded time if none was marked, then read the period and the books'
-- start — four statements of PL/pgSQL an entry, about 70 µs. A group commit inserts its 32 entries
-- in one statement, so the backstop cost a group of 32 journal entries about 2 ms of its
-- transaction (pg_stat_statements over the group-commit bench), for checks the engine had already
-- made. It now runs once a statement, after its rows, over the statement's entries (a transition
-- table): the gates of their periods taken shared in start-date order (held already when the engine
-- posts), then one query finding an entry outside its period, in a period that does not accept its
-- kind, or dated before a live opening import. The refusals are the same errors, codes and
-- constraint name as before; the statement, and so every entry of it, is refused.
--
-- What must happen before a row is written stays in the row trigger that writes the entry's
-- recorded time (journal_entries_stamp): a writer that is not the engine (no time marked) takes the
-- row's gate and marks the time, as the period trigger did, so the recorded time still comes after
-- the gate. The engine has marked it after taking its gates (holdPeriodsAndKeys): the stamp alone.
CREATE OR REPLACE FUNCTION cifra_stamp_actual_posting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('cifra.recorded_at', true), '') = '' THEN
    PERFORM pg_advisory_xact_lock_shared(cifra_period_gate_namespace(), cifra_period_gate_key(pp.start_date))
       FROM posting_periods pp WHERE pp.id = NEW.period_id;
    PERFORM cifra_mark_recorded_time();
  END IF;
  NEW.actual_posting_date := cifra_now();
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER journal_entries_period ON journal_entries;
--> statement-breakpoint
DROP FUNCTION cifra_check_entry_period();
--> statement-breakpoint
CREATE FUNCTION cifra_check_entries_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(cifra_period_gate_namespace(), g.k)
     FROM (SELECT DISTINCT p.start_date, cifra_period_gate_key(p.start_date) AS k
             FROM posting_periods p WHERE p.id IN (SELECT n.period_id FROM new_entries n)) g
    ORDER BY g.start_date;
  -- After the gates: under READ COMMITTED this statement sees a transition that held one.
  SELECT n.posting_date, n.source_kind, p.year, p.month, p.state, b.opening_date,
         NOT (n.posting_date BETWEEN p.start_date AND p.end_date) AS outside,
         NOT cifra_period_accepts(p.state, n.source_kind) AS refused
    INTO bad
    FROM new_entries n
    JOIN posting_periods p ON p.id = n.period_id
    LEFT JOIN (SELECT i.opening_date FROM opening_imports i WHERE i.voided_at IS NULL) b ON true
   WHERE NOT (n.posting_date BETWEEN p.start_date AND p.end_date)
      OR NOT cifra_period_accepts(p.state, n.source_kind)
      OR n.posting_date < b.opening_date
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  ELSIF bad.outside THEN
    RAISE EXCEPTION 'posting date % is outside period %-%', bad.posting_date, bad.year, bad.month
      USING ERRCODE = 'check_violation';
  ELSIF bad.refused THEN
    RAISE EXCEPTION 'period %-% is %: it does not accept % postings', bad.year, lpad(bad.month::text, 2, '0'),
      bad.state, bad.source_kind USING ERRCODE = 'check_violation';
  END IF;
  RAISE EXCEPTION 'posting date % is before the opening balances of %: the books start there',
    bad.posting_date, bad.opening_date
    USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_before_opening';
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_period AFTER INSERT ON journal_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_entries_period();
