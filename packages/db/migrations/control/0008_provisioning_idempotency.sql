-- ── Provisioning under an idempotency key (docs/architecture/tenancy.md) ────────────────────
--
-- provisionTenant may carry a key: a retry with the same key and the same input answers the
-- client it created; the same key with another input is refused (IDEMPOTENCY_KEY_REUSED). Keys
-- are scoped to the firm and kept as long as the client row (a failed provisioning removes its
-- row, and with it the key, so the retry starts clean).
ALTER TABLE tenants ADD COLUMN idempotency_key text;
--> statement-breakpoint
ALTER TABLE tenants ADD COLUMN idempotency_hash text;
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_idempotency_key_unique UNIQUE (firm_id, idempotency_key);
