-- Restore drills (docs/architecture/backups.md, "Restore drills"): the worker restores a client's
-- newest complete backup into a scratch database, verifies it as a restore is verified, and drops
-- the scratch database whatever happens.
--
-- restore_drills is the log of drills and what makes their scratch databases findable: a drill's row
-- (naming the server and the scratch database) is committed before the database is created, and the
-- drill's process holds the advisory lock ('drll', hashtext(id)) on a control-plane session of its
-- own until it ends. A row with no dropped_at whose lock is free is a drill whose process died: the
-- sweeper drops its database and marks it. Scratch names are cifra_drill_<24 hex>, never a client's
-- (cifra_c_<24 hex>). Rows are never deleted by the services.
CREATE TYPE restore_drill_outcome AS ENUM ('VERIFIED', 'FAILED');
--> statement-breakpoint
CREATE TABLE restore_drills (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firm_id uuid NOT NULL REFERENCES firms(id),
  tenant_id uuid NOT NULL,
  tenant_slug text NOT NULL,
  backup_id uuid NOT NULL REFERENCES client_backups(id),
  server_id uuid NOT NULL REFERENCES db_servers(id),
  database_name text NOT NULL UNIQUE CHECK (database_name ~ '^cifra_drill_[0-9a-f]{24}$'),
  owner text,
  requested_by text,
  started_at timestamp with time zone NOT NULL DEFAULT now(),
  finished_at timestamp with time zone,
  outcome restore_drill_outcome,
  failure_code text,
  error text,
  dropped_at timestamp with time zone,
  CONSTRAINT restore_drills_outcome_when_finished CHECK ((finished_at IS NULL) = (outcome IS NULL)),
  CONSTRAINT restore_drills_code_when_failed CHECK (
    (failure_code IS NULL OR outcome = 'FAILED') AND (outcome IS DISTINCT FROM 'FAILED' OR failure_code IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX restore_drills_tenant ON restore_drills (tenant_id, started_at DESC);
--> statement-breakpoint
CREATE INDEX restore_drills_not_dropped ON restore_drills (started_at) WHERE dropped_at IS NULL;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (finished_at, outcome, failure_code, error, dropped_at) ON restore_drills TO cifra_control_app;
--> statement-breakpoint
-- The newest drill's result, on the backup it drilled.
ALTER TABLE client_backups ADD COLUMN drilled_at timestamp with time zone;
--> statement-breakpoint
ALTER TABLE client_backups ADD COLUMN drill_outcome restore_drill_outcome;
--> statement-breakpoint
ALTER TABLE client_backups ADD COLUMN drill_failure_code text;
--> statement-breakpoint
ALTER TABLE client_backups ADD CONSTRAINT client_backups_drill_whole CHECK (
  (drilled_at IS NULL) = (drill_outcome IS NULL)
  AND (drill_failure_code IS NULL OR drill_outcome = 'FAILED')
  AND (drill_outcome IS DISTINCT FROM 'FAILED' OR drill_failure_code IS NOT NULL));
--> statement-breakpoint
GRANT UPDATE (drilled_at, drill_outcome, drill_failure_code) ON client_backups TO cifra_control_app;
--> statement-breakpoint
-- Final facts stay final; besides verified_at, a drill's result may still be recorded.
CREATE OR REPLACE FUNCTION cifra_client_backup_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  later CONSTANT text[] := ARRAY['verified_at', 'drilled_at', 'drill_outcome', 'drill_failure_code'];
BEGIN
  IF OLD.status = 'RUNNING' THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'COMPLETE' AND NEW.status = 'PRUNED'
     AND (to_jsonb(NEW) - 'status' - 'pruned_at' - later) = (to_jsonb(OLD) - 'status' - 'pruned_at' - later) THEN
    RETURN NEW;
  END IF;
  IF (to_jsonb(NEW) - later) IS DISTINCT FROM (to_jsonb(OLD) - later) THEN
    RAISE EXCEPTION 'backup % is % and cannot change', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- The history table follows the new columns.
SELECT cifra_enable_history('client_backups', 'ClientBackup');
--> statement-breakpoint
-- Restore in place (docs/architecture/backups.md, "Restore in place"): a live client's database
-- replaced by a restored and verified copy of one of its backups, asked for by one person with a
-- reason and approved by another. The replaced database is kept under its own opaque name until
-- keep_until; a sweep drops it then (dropped_at). At most one restore in place runs per client.
CREATE TYPE restore_in_place_status AS ENUM ('PENDING', 'RESTORING', 'RESTORED', 'FAILED');
--> statement-breakpoint
CREATE TABLE restore_in_place_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firm_id uuid NOT NULL REFERENCES firms(id),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  tenant_slug text NOT NULL,
  backup_id uuid NOT NULL REFERENCES client_backups(id),
  reason text NOT NULL CHECK (length(btrim(reason)) >= 20),
  requested_by_user uuid,
  requested_by text NOT NULL,
  requested_at timestamp with time zone NOT NULL DEFAULT now(),
  status restore_in_place_status NOT NULL DEFAULT 'PENDING',
  approved_by_user uuid,
  approved_by text,
  approved_at timestamp with time zone,
  read_only_at timestamp with time zone,
  finished_at timestamp with time zone,
  failure_code text,
  error text,
  replaced_database_name text UNIQUE,
  keep_until timestamp with time zone,
  dropped_at timestamp with time zone,
  CONSTRAINT restore_in_place_four_eyes CHECK (approved_by_user IS NULL OR approved_by_user IS DISTINCT FROM requested_by_user)
);
--> statement-breakpoint
CREATE UNIQUE INDEX restore_in_place_one_running ON restore_in_place_requests (tenant_id) WHERE status = 'RESTORING';
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (status, approved_by_user, approved_by, approved_at, read_only_at, finished_at, failure_code,
  error, replaced_database_name, keep_until, dropped_at) ON restore_in_place_requests TO cifra_control_app;
