-- The period rule, enforced by the database as well as by the engine: an entry must sit in the
-- period that covers its posting date, and that period's state must accept its kind of document
-- (mirrors periodAcceptsPosting in packages/domain/src/periods.ts; a test checks both agree on
-- every state and kind). The engine refuses first with a precise error; this is the backstop for
-- any writer that does not go through it.
CREATE FUNCTION cifra_period_accepts(state period_state, kind source_kind) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN kind = 'YEAR_END_CLOSE' THEN state = 'LOCKED'
    WHEN state = 'UNLOCKED' THEN true
    WHEN state = 'LOCK_SALES' THEN kind NOT IN ('SALES_INVOICE', 'CREDIT_NOTE', 'CUSTOMER_RECEIPT')
    WHEN state = 'LOCK_PURCHASING' THEN kind NOT IN ('PURCHASE_INVOICE', 'DEBIT_NOTE', 'VENDOR_PAYMENT')
    WHEN state = 'LOCK_SALES_AND_PURCHASING' THEN kind IN ('MANUAL', 'REVERSAL')
    ELSE false
  END
$$;
--> statement-breakpoint
CREATE FUNCTION cifra_check_entry_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p posting_periods%ROWTYPE;
BEGIN
  SELECT * INTO p FROM posting_periods WHERE id = NEW.period_id;
  IF NOT (NEW.posting_date BETWEEN p.start_date AND p.end_date) THEN
    RAISE EXCEPTION 'posting date % is outside period %-%', NEW.posting_date, p.year, p.month
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT cifra_period_accepts(p.state, NEW.source_kind) THEN
    RAISE EXCEPTION 'period %-% is %: it does not accept % postings', p.year, lpad(p.month::text, 2, '0'),
      p.state, NEW.source_kind USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_period BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION cifra_check_entry_period();
