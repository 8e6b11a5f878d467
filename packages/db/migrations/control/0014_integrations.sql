-- Partner integrations (a partner's system acting for the firm): granted client by client with an
-- explicit set of permissions, authenticated with OAuth 2.0 client credentials. Secrets are stored
-- only as scrypt hashes; the prefix is what people and logs see. docs/partners.md.
CREATE TABLE integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firm_id uuid NOT NULL REFERENCES firms(id),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  contact text NOT NULL CHECK (length(btrim(contact)) BETWEEN 3 AND 320),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
  created_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE UNIQUE INDEX integrations_firm_name ON integrations (firm_id, lower(name)) WHERE status <> 'DELETED';
--> statement-breakpoint
CREATE TABLE integration_grants (
  integration_id uuid NOT NULL REFERENCES integrations(id),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  permissions text[] NOT NULL CHECK (cardinality(permissions) > 0),
  granted_by uuid REFERENCES users(id),
  expires_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, tenant_id)
);
--> statement-breakpoint
CREATE INDEX integration_grants_tenant_idx ON integration_grants (tenant_id);
--> statement-breakpoint
CREATE TABLE integration_secrets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  integration_id uuid NOT NULL REFERENCES integrations(id),
  -- The client id: shown everywhere, unique, never enough to authenticate.
  prefix text NOT NULL UNIQUE CHECK (prefix ~ '^cfk_[0-9a-f]{12}$'),
  -- scrypt$N$r$p$salt$hash (base64url)
  hash text NOT NULL,
  created_by uuid REFERENCES users(id),
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  expires_at timestamp with time zone,
  revoked_at timestamp with time zone,
  last_used_at timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX integration_secrets_integration_idx ON integration_secrets (integration_id);
--> statement-breakpoint
SELECT cifra_enable_history('integrations');
--> statement-breakpoint
SELECT cifra_enable_history('integration_grants');
--> statement-breakpoint
-- Secrets are not versioned (their last use changes on every token); creation and revocation are
-- firm audit events.
GRANT INSERT, UPDATE (name, contact, status) ON integrations TO cifra_control_app;
--> statement-breakpoint
GRANT INSERT, UPDATE (permissions, granted_by, expires_at), DELETE ON integration_grants TO cifra_control_app;
--> statement-breakpoint
GRANT INSERT, UPDATE (revoked_at, last_used_at) ON integration_secrets TO cifra_control_app;
