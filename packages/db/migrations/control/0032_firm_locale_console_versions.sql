-- The firm's locale (issue 15 §5): a BCP 47 tag the console formats every amount and date in,
-- validated by the tenancy subgraph (packages/domain/src/locale.ts) before it is written.
ALTER TABLE firms ADD COLUMN locale text NOT NULL DEFAULT 'en-US';

-- The console's persisted-documents manifests, one version per build (issue 15 §1; docs/console.md):
-- the gateway registers the manifest of the console it serves at start, keyed by the SHA-256 of
-- the manifest file, and keeps earlier ones so a tab opened on an older build still runs its
-- documents until the version is retired. Not per firm: one console build serves every firm.
CREATE TABLE console_manifest_versions (
  version text PRIMARY KEY CHECK (version ~ '^[0-9a-f]{64}$'),
  registered_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

CREATE TABLE console_manifest_documents (
  version text NOT NULL REFERENCES console_manifest_versions (version),
  document_id text NOT NULL CHECK (document_id ~ '^sha256:[0-9a-f]{64}$'),
  body text NOT NULL,
  PRIMARY KEY (version, document_id)
);

GRANT INSERT, UPDATE (retired_at) ON console_manifest_versions TO cifra_control_app;
GRANT INSERT ON console_manifest_documents TO cifra_control_app;
