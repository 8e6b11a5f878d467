-- Entity keys: an integration bound to exactly one client, for that client business's own systems
-- (its shop, its BI tool). Its grants can only ever be on that client. docs/partners.md.
ALTER TABLE integrations ADD COLUMN bound_tenant_id uuid REFERENCES tenants(id);
--> statement-breakpoint
CREATE INDEX integrations_bound_tenant_idx ON integrations (bound_tenant_id) WHERE bound_tenant_id IS NOT NULL;
--> statement-breakpoint
SELECT cifra_enable_history('integrations');
