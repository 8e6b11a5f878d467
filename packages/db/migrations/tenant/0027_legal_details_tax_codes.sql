-- Legal details and tax codes (issue 18 §4, docs/architecture/legal-and-tax.md).
-- The client's legal details live on its one company row (legal_name is already there): the RUC,
-- its DV and kind (LEGAL or NATURAL person), address and tax regime, every version kept by the
-- company's history (re-enabled below so the history carries the new columns).
ALTER TABLE company ADD COLUMN ruc text;
--> statement-breakpoint
ALTER TABLE company ADD COLUMN dv text;
--> statement-breakpoint
ALTER TABLE company ADD COLUMN ruc_kind text;
--> statement-breakpoint
ALTER TABLE company ADD COLUMN address text;
--> statement-breakpoint
ALTER TABLE company ADD COLUMN tax_regime text;
--> statement-breakpoint
ALTER TABLE company ADD CONSTRAINT company_ruc_kind CHECK (ruc_kind IN ('LEGAL', 'NATURAL'));
--> statement-breakpoint
ALTER TABLE company ADD CONSTRAINT company_dv_format CHECK (dv ~ '^[0-9]{1,2}$');
--> statement-breakpoint
SELECT cifra_enable_history('company');
--> statement-breakpoint
-- The application may change the legal details, and nothing else of the company row (0016).
GRANT UPDATE (legal_name, ruc, dv, ruc_kind, address, tax_regime) ON company TO cifra_app;
--> statement-breakpoint
-- A tax code may be deactivated (kept, offered for no new document).
ALTER TABLE tax_codes ADD COLUMN active boolean NOT NULL DEFAULT true;
--> statement-breakpoint
SELECT cifra_enable_history('tax_codes');
--> statement-breakpoint
-- Each rate of a tax code and the day it takes effect: a document is taxed at the rate in force
-- on its document date. The rates a code had before are its rate from the beginning.
CREATE TABLE tax_code_rates (
  tax_code text NOT NULL REFERENCES tax_codes(code),
  effective_from date NOT NULL,
  rate_percent numeric(7, 3) NOT NULL CHECK (rate_percent >= 0 AND rate_percent <= 100),
  PRIMARY KEY (tax_code, effective_from)
);
--> statement-breakpoint
INSERT INTO tax_code_rates (tax_code, effective_from, rate_percent)
  SELECT code, DATE '1900-01-01', rate_percent FROM tax_codes;
--> statement-breakpoint
GRANT SELECT, INSERT ON tax_code_rates TO cifra_app;
--> statement-breakpoint
SELECT cifra_enable_history('tax_code_rates');
--> statement-breakpoint
-- The Panama template now has ITBMS at 10 % (alcoholic drinks, lodging) and 15 % (tobacco) too:
-- existing Panama clients get them, with the same tax roles as ITBMS 7 %.
INSERT INTO tax_codes (code, name, rate_percent, sales_account_role, purchase_account_role)
  SELECT v.code, v.name, v.rate, 'SalesTaxPayable', 'PurchaseTaxReceivable'
    FROM (VALUES ('ITBMS10', 'ITBMS 10 %', 10.000), ('ITBMS15', 'ITBMS 15 %', 15.000)) AS v(code, name, rate)
   WHERE EXISTS (SELECT 1 FROM company WHERE region = 'PA')
  ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO tax_code_rates (tax_code, effective_from, rate_percent)
  SELECT code, DATE '1900-01-01', rate_percent FROM tax_codes WHERE code IN ('ITBMS10', 'ITBMS15')
  ON CONFLICT DO NOTHING;
