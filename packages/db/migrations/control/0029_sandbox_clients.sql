-- Sandbox clients and archived clients (issue 18 §6).
--
-- A sandbox is a client the firm tries things on: kept out of the firm's views by default, and the
-- only kind of client that may be deleted (its database dropped; its row kept, status DELETED, so
-- the firm's trail and its backups' records still name it). A live client is never deleted, only
-- archived: its books read-only (the database's default_transaction_read_only), hidden by default.
ALTER TYPE tenant_status ADD VALUE IF NOT EXISTS 'DELETED';
--> statement-breakpoint
ALTER TABLE tenants ADD COLUMN sandbox boolean NOT NULL DEFAULT false;
--> statement-breakpoint
ALTER TABLE tenants ADD COLUMN archived_at timestamptz;
--> statement-breakpoint
ALTER TABLE tenants ADD COLUMN deleted_at timestamptz;
--> statement-breakpoint
-- Compared as text: a value added to an enum cannot be used as such in the transaction that adds it.
-- Whatever the code does, the table refuses a live client DELETED.
ALTER TABLE tenants ADD CONSTRAINT tenants_only_sandboxes_deleted
  CHECK (status::text <> 'DELETED' OR sandbox);
--> statement-breakpoint
-- The services may archive, unarchive and mark deleted; `sandbox` is set once, at provisioning (an
-- INSERT), and no grant lets them turn a live client into a sandbox to delete it.
GRANT UPDATE (archived_at, deleted_at) ON tenants TO cifra_control_app;
--> statement-breakpoint
-- The guard of migration 0010, now also over `sandbox`, and a deleted client stays deleted (its
-- database is gone: nothing could serve it again).
CREATE OR REPLACE FUNCTION cifra_tenants_directory_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.database_name, NEW.server_id, NEW.firm_id, NEW.slug, NEW.sandbox)
       IS DISTINCT FROM (OLD.database_name, OLD.server_id, OLD.firm_id, OLD.slug, OLD.sandbox)
     AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RAISE EXCEPTION 'Only the operator moves a client or changes whose it is'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status::text = 'DELETED' AND NEW.status::text <> 'DELETED' THEN
    RAISE EXCEPTION 'A deleted client stays deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
