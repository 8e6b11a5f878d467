-- FX provenance (see docs/architecture/fx.md). gl_lines stays append-only (0001); documents and
-- allocations keep their guards (0003, 0013). New columns need no new grant: cifra_app already
-- inserts gl_lines and allocations and inserts/updates documents.

-- A line or document that cites a rate cites one of its own currency pair: the rate row's currency
-- is the line's original currency (the document's currency) and its base the client's base.
-- Checked once per statement over the rows that cite a rate, so base-currency postings pay nothing
-- but an empty scan of the transition table.
CREATE FUNCTION cifra_check_gl_rate_pair() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1
    FROM new_rows n
    JOIN exchange_rates r ON r.id = n.exchange_rate_id
    CROSS JOIN company c
   WHERE n.exchange_rate_id IS NOT NULL
     AND (r.currency <> n.original_currency OR r.base_currency <> c.base_currency)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a GL line cites an exchange rate of another currency pair than its own'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER gl_lines_rate_pair AFTER INSERT ON gl_lines
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_gl_rate_pair();
--> statement-breakpoint
CREATE FUNCTION cifra_check_document_rate_pair() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1
    FROM new_rows n
    JOIN exchange_rates r ON r.id = n.exchange_rate_id
    CROSS JOIN company c
   WHERE n.exchange_rate_id IS NOT NULL
     AND (r.currency <> n.currency OR r.base_currency <> c.base_currency)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a document cites an exchange rate of another currency pair than its own'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER documents_rate_pair_insert AFTER INSERT ON documents
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_document_rate_pair();
--> statement-breakpoint
CREATE TRIGGER documents_rate_pair_update AFTER UPDATE ON documents
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_check_document_rate_pair();
--> statement-breakpoint
-- The history tables mirror their table's columns: pick up the new ones.
SELECT cifra_enable_history('documents');
--> statement-breakpoint
SELECT cifra_enable_history('allocations');
