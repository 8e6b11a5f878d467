-- An integration's OIDC client id is unique among the integrations that are not deleted, as its
-- name is in its firm (integrations_firm_name): deleting an integration gives its client id back.
-- It stays unique across the installation, not per firm: the firm's provider names a client in its
-- tokens, not a firm, and the gateway finds the one integration it acts as by that id alone
-- (docs/architecture/tenancy.md). The index keeps the constraint's name, which db-errors.ts maps
-- to CONFLICT.
ALTER TABLE integrations DROP CONSTRAINT integrations_oidc_client_id_key;
--> statement-breakpoint
CREATE UNIQUE INDEX integrations_oidc_client_id_key ON integrations (oidc_client_id) WHERE status <> 'DELETED';
