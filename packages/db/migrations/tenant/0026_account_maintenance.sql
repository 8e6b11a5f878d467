-- Account maintenance (issue 18, docs/architecture/accounts.md): an account gets a description,
-- editable with its name; every version stays in accounts_history (re-run cifra_enable_history so
-- the history table and its trigger carry the new column).
ALTER TABLE accounts ADD COLUMN description text NOT NULL DEFAULT '';
--> statement-breakpoint
ALTER TABLE accounts ADD CONSTRAINT accounts_description_length CHECK (length(description) <= 2000);
--> statement-breakpoint
ALTER TABLE accounts ADD CONSTRAINT accounts_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200);
--> statement-breakpoint
SELECT cifra_enable_history('accounts');
