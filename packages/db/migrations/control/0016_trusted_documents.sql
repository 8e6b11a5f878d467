-- Trusted documents: the operations an integration may run, published per application version
-- (a manifest of `sha256:<hex>` → document) and retired with it. docs/partners.md.
CREATE TABLE trusted_documents (
  integration_id uuid NOT NULL REFERENCES integrations(id),
  app_version text NOT NULL CHECK (app_version ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$'),
  document_id text NOT NULL CHECK (document_id ~ '^sha256:[0-9a-f]{64}$'),
  document text NOT NULL,
  published_by uuid REFERENCES users(id),
  published_at timestamp with time zone NOT NULL DEFAULT now(),
  retired_at timestamp with time zone,
  PRIMARY KEY (integration_id, app_version, document_id)
);
--> statement-breakpoint
CREATE INDEX trusted_documents_live ON trusted_documents (integration_id, document_id) WHERE retired_at IS NULL;
--> statement-breakpoint
-- A FirmAdmin may let one integration send any document its grants permit (off by default).
ALTER TABLE integrations ADD COLUMN allow_arbitrary_documents boolean NOT NULL DEFAULT false;
--> statement-breakpoint
SELECT cifra_enable_history('integrations');
--> statement-breakpoint
GRANT INSERT, UPDATE (retired_at) ON trusted_documents TO cifra_control_app;
--> statement-breakpoint
GRANT UPDATE (allow_arbitrary_documents) ON integrations TO cifra_control_app;
