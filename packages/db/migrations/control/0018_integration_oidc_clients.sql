-- An integration the firm's own identity provider issues client-credentials tokens to: its client
-- id there (the token's client_id or azp claim) names the integration. docs/partners.md.
ALTER TABLE integrations ADD COLUMN oidc_client_id text UNIQUE CHECK (oidc_client_id ~ '^[A-Za-z0-9._-]{1,128}$');
--> statement-breakpoint
SELECT cifra_enable_history('integrations');
