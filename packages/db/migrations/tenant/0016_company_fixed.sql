-- ── The client's base currency and fiscal calendar are fixed once it has books ──────────────
--
-- Every amount in the GL is in the base currency, in its minor units, and every period was cut
-- from the fiscal-year start month: changing any of them under posted entries would silently
-- re-denominate or re-slice the books. Nothing in the application changes the company row after
-- provisioning, so the application role loses UPDATE on it; and even the owner is refused these
-- changes once an entry exists (a new client with a mistaken base currency is re-provisioned).

REVOKE UPDATE ON company FROM cifra_app;
--> statement-breakpoint
CREATE FUNCTION cifra_company_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF (NEW.base_currency, NEW.base_minor_units, NEW.fiscal_year_start_month)
       IS DISTINCT FROM (OLD.base_currency, OLD.base_minor_units, OLD.fiscal_year_start_month)
     AND EXISTS (SELECT 1 FROM journal_entries) THEN
    RAISE EXCEPTION 'the base currency, its minor units and the fiscal-year start are fixed once entries are posted'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER company_fixed BEFORE UPDATE ON company
  FOR EACH ROW EXECUTE FUNCTION cifra_company_fixed();
