-- Periods: what the application role may do on the close tables, and the state graph the database
-- itself enforces on posting periods and fiscal years (packages/domain/src/period-machine.ts).

GRANT SELECT, INSERT, UPDATE ON period_closes, year_end_closes, year_end_close_reversals TO cifra_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON period_transitions, year_end_close_lines TO cifra_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE period_transitions_id_seq, year_end_close_lines_id_seq TO cifra_app;
--> statement-breakpoint

-- The transition log and the lines of a year-end close draft are append-only.
CREATE TRIGGER period_transitions_append_only BEFORE UPDATE OR DELETE ON period_transitions
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER period_transitions_no_truncate BEFORE TRUNCATE ON period_transitions
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER year_end_close_lines_append_only BEFORE UPDATE OR DELETE ON year_end_close_lines
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER year_end_close_lines_no_truncate BEFORE TRUNCATE ON year_end_close_lines
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint

-- A period's state moves only along the edges of the state machine, whoever writes the row.
CREATE FUNCTION cifra_check_period_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = OLD.state THEN
    RETURN NEW;
  END IF;
  IF (OLD.state, NEW.state) IN (
      ('UNLOCKED', 'LOCK_SALES'), ('UNLOCKED', 'LOCK_PURCHASING'),
      ('LOCK_SALES', 'LOCK_SALES_AND_PURCHASING'), ('LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING'),
      ('UNLOCKED', 'LOCKED'), ('LOCK_SALES', 'LOCKED'), ('LOCK_PURCHASING', 'LOCKED'),
      ('LOCK_SALES_AND_PURCHASING', 'LOCKED'),
      ('LOCKED', 'CLOSED'), ('CLOSED', 'LOCKED'),
      ('LOCK_SALES', 'UNLOCKED'), ('LOCK_PURCHASING', 'UNLOCKED'),
      ('LOCK_SALES_AND_PURCHASING', 'LOCK_SALES'), ('LOCK_SALES_AND_PURCHASING', 'LOCK_PURCHASING'),
      ('LOCK_SALES_AND_PURCHASING', 'UNLOCKED'),
      ('LOCKED', 'LOCK_SALES_AND_PURCHASING'), ('LOCKED', 'LOCK_SALES'), ('LOCKED', 'LOCK_PURCHASING'),
      ('LOCKED', 'UNLOCKED')
  ) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'posting period % cannot move from % to %', OLD.id, OLD.state, NEW.state
    USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER posting_periods_transition BEFORE UPDATE OF state ON posting_periods
  FOR EACH ROW EXECUTE FUNCTION cifra_check_period_transition();
--> statement-breakpoint

-- A period is CLOSED exactly when its fiscal year is closed: LOCKED → CLOSED only while the year is
-- OPEN (the year-end close moves the periods first, then the year) and CLOSED → LOCKED only while
-- the year is CLOSED (the reversal moves the periods back, then reopens the year).
CREATE FUNCTION cifra_check_period_year() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  year_state fiscal_year_state;
BEGIN
  SELECT state INTO year_state FROM fiscal_years WHERE year = NEW.fiscal_year;
  IF year_state = 'AUDITED' THEN
    RAISE EXCEPTION 'fiscal year % is audited: its periods cannot change', NEW.fiscal_year
      USING ERRCODE = 'check_violation';
  END IF;
  IF year_state = 'CLOSED' AND NOT (OLD.state = 'CLOSED' AND NEW.state = 'LOCKED') THEN
    RAISE EXCEPTION 'fiscal year % is closed: its periods move only when the year-end close is reversed', NEW.fiscal_year
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER posting_periods_year BEFORE UPDATE OF state ON posting_periods
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION cifra_check_period_year();
--> statement-breakpoint

-- A fiscal year goes OPEN → CLOSED → AUDITED, or back CLOSED → OPEN; AUDITED is final. It closes
-- only when all its periods are CLOSED, and reopens only when none is.
CREATE FUNCTION cifra_check_year_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = OLD.state THEN
    RETURN NEW;
  END IF;
  IF (OLD.state, NEW.state) NOT IN (('OPEN', 'CLOSED'), ('CLOSED', 'AUDITED'), ('CLOSED', 'OPEN')) THEN
    RAISE EXCEPTION 'fiscal year % cannot move from % to %', OLD.year, OLD.state, NEW.state
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.state = 'CLOSED' AND OLD.state = 'OPEN' THEN
    PERFORM 1 FROM posting_periods WHERE fiscal_year = NEW.year AND state <> 'CLOSED' LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'fiscal year % cannot close while any of its periods is not CLOSED', NEW.year
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW.state = 'OPEN' THEN
    PERFORM 1 FROM posting_periods WHERE fiscal_year = NEW.year AND state = 'CLOSED' LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'fiscal year % cannot reopen while any of its periods is CLOSED', NEW.year
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER fiscal_years_transition BEFORE UPDATE OF state ON fiscal_years
  FOR EACH ROW EXECUTE FUNCTION cifra_check_year_transition();
--> statement-breakpoint
CREATE TRIGGER fiscal_years_no_delete BEFORE DELETE ON fiscal_years
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
