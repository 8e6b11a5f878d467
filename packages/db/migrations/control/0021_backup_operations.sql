-- Backups as an operation (docs/architecture/backups.md): whose process is taking a backup, and
-- INTERRUPTED for one whose process ended before it was sealed.
--
-- A backup's process holds the advisory lock ('bkup', hashtext(id)) on a control-plane session of
-- its own from before its RUNNING row exists until it ends. A RUNNING row whose lock is free has
-- lost its owner (the process was killed, or its session ended): the sweeper marks it INTERRUPTED
-- and removes what the store holds of it. `owner` says which process it was (host and pid).
ALTER TYPE backup_status ADD VALUE 'INTERRUPTED';
--> statement-breakpoint
-- PRUNED: retention removed its files; the record stays (the firm's history of its backups).
ALTER TYPE backup_status ADD VALUE 'PRUNED';
--> statement-breakpoint
ALTER TABLE client_backups ADD COLUMN owner text;
--> statement-breakpoint
-- Each active client's next scheduled backup: the next instant its own clock reads the
-- backupLocalTime setting in its own time zone. The worker's dispatcher moves it forward
-- conditionally on the value it read, so two workers queue a client's backup once.
CREATE TABLE backup_schedules (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  next_run_at timestamp with time zone NOT NULL,
  last_queued_at timestamp with time zone,
  updated_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON backup_schedules TO cifra_control_app;
--> statement-breakpoint
ALTER TABLE client_backups ADD COLUMN pruned_at timestamp with time zone;
--> statement-breakpoint
-- (status::text: an enum value added in this transaction cannot be named as an enum literal yet.)
ALTER TABLE client_backups DROP CONSTRAINT client_backups_verified_only_complete;
--> statement-breakpoint
ALTER TABLE client_backups ADD CONSTRAINT client_backups_verified_only_complete
  CHECK (verified_at IS NULL OR status::text IN ('COMPLETE', 'PRUNED'));
--> statement-breakpoint
ALTER TABLE client_backups ADD CONSTRAINT client_backups_pruned_has_time
  CHECK ((status::text = 'PRUNED') = (pruned_at IS NOT NULL));
--> statement-breakpoint
-- Once COMPLETE, FAILED or INTERRUPTED a backup's facts are final; only verified_at may still be
-- set, and a COMPLETE backup may become PRUNED (with pruned_at) and nothing else.
CREATE OR REPLACE FUNCTION cifra_client_backup_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'RUNNING' THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'COMPLETE' AND NEW.status = 'PRUNED'
     AND (to_jsonb(NEW) - 'status' - 'pruned_at' - 'verified_at') = (to_jsonb(OLD) - 'status' - 'pruned_at' - 'verified_at') THEN
    RETURN NEW;
  END IF;
  IF (to_jsonb(NEW) - 'verified_at') IS DISTINCT FROM (to_jsonb(OLD) - 'verified_at') THEN
    RAISE EXCEPTION 'backup % is % and cannot change', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
GRANT UPDATE (pruned_at) ON client_backups TO cifra_control_app;
--> statement-breakpoint
-- The history table follows the new columns (owner, pruned_at).
SELECT cifra_enable_history('client_backups', 'ClientBackup');
--> statement-breakpoint
-- A legal hold on a client's backups: while one is active (not released) retention prunes none of
-- them. Set and released with a reason, by whom; never deleted. At most one active hold a client.
-- No foreign key to tenants: a hold outlives its client, as its backups do.
CREATE TABLE backup_legal_holds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firm_id uuid NOT NULL REFERENCES firms(id),
  tenant_id uuid NOT NULL,
  tenant_slug text NOT NULL,
  reason text NOT NULL CHECK (length(btrim(reason)) >= 10),
  set_by text NOT NULL,
  set_at timestamp with time zone NOT NULL DEFAULT now(),
  released_by text,
  released_at timestamp with time zone,
  release_reason text,
  CONSTRAINT backup_legal_holds_release_whole CHECK (
    (released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL)
  )
);
--> statement-breakpoint
CREATE UNIQUE INDEX backup_legal_holds_one_active ON backup_legal_holds (tenant_id) WHERE released_at IS NULL;
--> statement-breakpoint
SELECT cifra_enable_history('backup_legal_holds', 'BackupLegalHold');
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (released_by, released_at, release_reason) ON backup_legal_holds TO cifra_control_app;
