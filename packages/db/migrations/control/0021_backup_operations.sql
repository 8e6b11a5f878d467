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
