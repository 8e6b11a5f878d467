-- The close board's line says whether every bank account of the client was reconciled through the
-- month's end (issue 19 §2): true or false while the month's checklist is computed (the month is
-- not LOCKED yet) and the client has a bank account to reconcile, null otherwise (and until the
-- client is projected again).
ALTER TABLE client_close_months ADD COLUMN banks_reconciled boolean;
