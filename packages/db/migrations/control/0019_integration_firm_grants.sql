-- What an integration may do at the firm level (no client chosen): an explicit, separate grant of
-- read-only firm permissions (Firm.Dashboard, Audit.ReadFirm), never more than the granter holds
-- firm-wide, optionally until an expiry. Without one an integration holds no firm-level permission.
-- docs/partners.md.
CREATE TABLE integration_firm_grants (
  integration_id uuid PRIMARY KEY REFERENCES integrations(id),
  permissions text[] NOT NULL CHECK (cardinality(permissions) > 0),
  granted_by uuid REFERENCES users(id),
  expires_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
SELECT cifra_enable_history('integration_firm_grants');
--> statement-breakpoint
GRANT INSERT, UPDATE (permissions, granted_by, expires_at), DELETE ON integration_firm_grants TO cifra_control_app;
