-- An ethical wall: `NoAccess` on one client keeps a person away from it whatever their firm-wide
-- role. It is only ever a client-level role (a firm-wide "no access" is a removal).
ALTER TYPE role_cluster ADD VALUE IF NOT EXISTS 'NoAccess';
--> statement-breakpoint
-- Compared as text: a value added to an enum cannot be used as such in the transaction that adds it.
ALTER TABLE firm_memberships ADD CONSTRAINT firm_memberships_role_not_no_access
  CHECK (firm_role IS NULL OR firm_role::text <> 'NoAccess');
--> statement-breakpoint

-- The directory is the operator's: the services' role may set a client's status (provisioning),
-- name, region and time zone, but never where the client lives (its server and database) or whose
-- it is. Moving a client is an operator action with the admin connection (`pnpm move-client`).
REVOKE UPDATE ON tenants FROM cifra_control_app;
--> statement-breakpoint
GRANT UPDATE (status, name, region, timezone) ON tenants TO cifra_control_app;
--> statement-breakpoint
-- And should a grant ever reopen those columns, the table itself still refuses: only its owner
-- (the operator's admin connection) repoints a client.
CREATE FUNCTION cifra_tenants_directory_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.database_name, NEW.server_id, NEW.firm_id, NEW.slug)
       IS DISTINCT FROM (OLD.database_name, OLD.server_id, OLD.firm_id, OLD.slug)
     AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RAISE EXCEPTION 'Only the operator moves a client or changes whose it is'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tenants_directory_guard BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION cifra_tenants_directory_guard();
