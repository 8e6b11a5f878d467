-- A deleted sandbox gives its slug back (issue 18 §6).
--
-- Until now a deleted sandbox kept its slug, so the firm could never name another client that way.
-- Deleting now moves the slug to `deleted_slug` and leaves in `slug` a tombstone made of the
-- client's id — `~` and 32 hex digits — which no live slug can take (a live slug starts with a
-- letter or a digit). The row stays, one row per slug, so every lookup by slug still finds one
-- client at most, and nothing looking a slug up can find a deleted client by it.
ALTER TABLE tenants ADD COLUMN deleted_slug text;
--> statement-breakpoint
-- Deleted before this migration: tombstoned now.
UPDATE tenants SET deleted_slug = slug, slug = '~' || replace(id::text, '-', '')
 WHERE status::text = 'DELETED';
--> statement-breakpoint
-- A live slug has the format it always had; a deleted client's is its tombstone, and only a deleted
-- client has one (and names what it was called).
ALTER TABLE tenants DROP CONSTRAINT tenants_slug_format;
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_slug_format CHECK (
  CASE WHEN status::text = 'DELETED'
    THEN slug = '~' || replace(id::text, '-', '') AND deleted_slug IS NOT NULL
    ELSE slug ~ '^[a-z0-9][a-z0-9-]{1,39}$' AND deleted_slug IS NULL
  END);
--> statement-breakpoint
GRANT UPDATE (slug, deleted_slug) ON tenants TO cifra_control_app;
--> statement-breakpoint
-- The guard of migration 0029: the services may change a slug only by deleting the sandbox, the
-- old slug going to deleted_slug (the check above makes the new one the tombstone).
CREATE OR REPLACE FUNCTION cifra_tenants_directory_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deleting boolean := OLD.status::text <> 'DELETED' AND NEW.status::text = 'DELETED'
    AND NEW.deleted_slug IS NOT DISTINCT FROM OLD.slug;
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') AND (
       (NEW.database_name, NEW.server_id, NEW.firm_id, NEW.sandbox)
         IS DISTINCT FROM (OLD.database_name, OLD.server_id, OLD.firm_id, OLD.sandbox)
       OR ((NEW.slug, NEW.deleted_slug) IS DISTINCT FROM (OLD.slug, OLD.deleted_slug) AND NOT deleting)) THEN
    RAISE EXCEPTION 'Only the operator moves a client or changes whose it is'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status::text = 'DELETED' AND NEW.status::text <> 'DELETED' THEN
    RAISE EXCEPTION 'A deleted client stays deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- The client's history gains the columns added since migration 0005 (sandbox, archived_at and
-- deleted_at of migration 0029, deleted_slug here): its versions record them from now on.
SELECT cifra_enable_history('tenants');
