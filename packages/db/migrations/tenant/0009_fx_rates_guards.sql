-- ExchangeRateHistory is append-only: a rate a posting used can never change under it, and a
-- correction is a new (override) row. The application may read and add rows, nothing else.
GRANT SELECT, INSERT ON exchange_rates TO cifra_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE exchange_rates_id_seq TO cifra_app;
--> statement-breakpoint
CREATE TRIGGER exchange_rates_append_only BEFORE UPDATE OR DELETE ON exchange_rates
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER exchange_rates_no_truncate BEFORE TRUNCATE ON exchange_rates
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
-- The database's clock stamps when a row was written, whatever the insert says.
CREATE FUNCTION cifra_stamp_fetched_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.fetched_at := now();
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER exchange_rates_stamp BEFORE INSERT ON exchange_rates
  FOR EACH ROW EXECUTE FUNCTION cifra_stamp_fetched_at();
