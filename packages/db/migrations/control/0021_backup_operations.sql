-- Backups as an operation (docs/architecture/backups.md): whose process is taking a backup, and
-- INTERRUPTED for one whose process ended before it was sealed.
--
-- A backup's process holds the advisory lock ('bkup', hashtext(id)) on a control-plane session of
-- its own from before its RUNNING row exists until it ends. A RUNNING row whose lock is free has
-- lost its owner (the process was killed, or its session ended): the sweeper marks it INTERRUPTED
-- and removes what the store holds of it. `owner` says which process it was (host and pid).
ALTER TYPE backup_status ADD VALUE 'INTERRUPTED';
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
