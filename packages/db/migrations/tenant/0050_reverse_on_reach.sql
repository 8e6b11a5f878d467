-- An accrual's chosen reversal date within the books' reach (docs/architecture/posting.md,
-- "Recurring and reversing entries"). A reverse_on of 9999-12-31 was accepted: the reversal stayed
-- pending until its day and was then refused for want of a period, for ever. The engine refuses
-- first (reversal-window.ts, BAD_USER_INPUT on reverseOn): the date falls on or before the last day
-- of the fiscal year after the books' last, the last period's month twelve months on. This refuses
-- any other writer. Periods are only ever added, so the bound only grows: no lock is needed.
CREATE FUNCTION cifra_check_reverse_on_reach() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  books_last date;
BEGIN
  SELECT max(p.end_date) INTO books_last FROM posting_periods p;
  IF books_last IS NOT NULL
     AND NEW.reverse_on > (date_trunc('month', books_last) + interval '13 months' - interval '1 day')::date THEN
    RAISE EXCEPTION 'reverse_on % is after the last day of the fiscal year after the books'' last day %',
      NEW.reverse_on, books_last
      USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_reverse_on_reach';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_reverse_on_reach BEFORE INSERT ON journal_entries
  FOR EACH ROW WHEN (NEW.reverse_on IS NOT NULL) EXECUTE FUNCTION cifra_check_reverse_on_reach();
