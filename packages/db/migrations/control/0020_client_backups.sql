-- Backups of one client's database (docs/adr/0004-client-backups.md, docs/architecture/backups.md).
-- A row is written RUNNING before the first part, and COMPLETE only after the backup's manifest is
-- sealed and the backup is visible in its store; a backup that failed is FAILED with the reason.
-- A restore that verified the backup sets verified_at. Rows are never deleted by the services.
CREATE TYPE backup_status AS ENUM ('RUNNING', 'COMPLETE', 'FAILED');
--> statement-breakpoint
CREATE TABLE client_backups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firm_id uuid NOT NULL REFERENCES firms(id),
  -- No foreign key: a backup outlives its client (restoring a deleted client is what it is for).
  tenant_id uuid NOT NULL,
  tenant_slug text NOT NULL,
  server_name text NOT NULL,
  status backup_status NOT NULL DEFAULT 'RUNNING',
  -- Where the store keeps it (a directory below BACKUP_DIR, or a bucket prefix): never reused.
  location text NOT NULL UNIQUE,
  key_id text NOT NULL,
  schema_version text,
  chain_seq bigint,
  chain_head_hash text,
  size_bytes bigint,
  duration_ms integer,
  error text,
  started_at timestamp with time zone NOT NULL DEFAULT now(),
  finished_at timestamp with time zone,
  verified_at timestamp with time zone,
  requested_by text,
  CONSTRAINT client_backups_complete_has_facts CHECK (
    status <> 'COMPLETE' OR (finished_at IS NOT NULL AND size_bytes IS NOT NULL AND schema_version IS NOT NULL)
  ),
  CONSTRAINT client_backups_verified_only_complete CHECK (verified_at IS NULL OR status = 'COMPLETE')
);
--> statement-breakpoint
CREATE INDEX client_backups_tenant_idx ON client_backups (tenant_id, started_at DESC);
--> statement-breakpoint
-- Once COMPLETE or FAILED a backup's facts are final; only verified_at may still be set.
CREATE FUNCTION cifra_client_backup_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'RUNNING' AND (to_jsonb(NEW) - 'verified_at') IS DISTINCT FROM (to_jsonb(OLD) - 'verified_at') THEN
    RAISE EXCEPTION 'backup % is % and cannot change', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER client_backups_final BEFORE UPDATE ON client_backups
  FOR EACH ROW EXECUTE FUNCTION cifra_client_backup_final();
--> statement-breakpoint
SELECT cifra_enable_history('client_backups', 'ClientBackup');
--> statement-breakpoint
GRANT INSERT, UPDATE (status, schema_version, chain_seq, chain_head_hash, size_bytes, duration_ms, error, finished_at, verified_at)
  ON client_backups TO cifra_control_app;
