-- Every request of a partner integration, counted per day, client and operation (integrationUsage).
CREATE TABLE integration_usage (
  integration_id uuid NOT NULL REFERENCES integrations(id),
  -- Null for a firm-level request (no X-Tenant).
  tenant_id uuid REFERENCES tenants(id),
  day date NOT NULL,
  operation text NOT NULL,
  requests bigint NOT NULL DEFAULT 0 CHECK (requests >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX integration_usage_key ON integration_usage
  (integration_id, coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), day, operation);
--> statement-breakpoint
GRANT INSERT, UPDATE (requests) ON integration_usage TO cifra_control_app;
