-- An investigation runs in a READ ONLY transaction, but PostgreSQL allows advisory locks there: an
-- investigator could take the period gates the postings take (cifra_hold_periods, or
-- pg_advisory_xact_lock on the same keys) and hold every posting of the client for the length of
-- the statement, again and again. Advisory locks are the application's alone: the lock functions
-- of pg_catalog are closed to PUBLIC and opened to cifra_app, and so is every function of ours that
-- takes one; the investigators' grants of those are taken back (docs/architecture/audit.md, "The
-- investigator"). Unlocking stays open: it only ever releases one's own locks.
--
-- Only a superuser may change pg_catalog's privileges. Where the migrating role is not one (some
-- managed services), those stay as PostgreSQL has them and a warning says so; ours change anyway.
DO $$
DECLARE
  fn regprocedure;
  ix name;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace AND p.prosrc ILIKE '%advisory%lock%'
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO cifra_app', fn);
    FOR ix IN SELECT r.rolname FROM pg_roles r WHERE r.rolname LIKE 'ix\_%' OR r.rolname = 'readonly_investigator' LOOP
      -- Roles are the cluster's: an investigation of another client may end, and drop its role,
      -- between this list and the REVOKE. A role gone holds no grant to take back.
      BEGIN
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %I', fn, ix);
      EXCEPTION WHEN undefined_object THEN
        NULL;
      END;
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  fn regprocedure;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'pg_catalog'::regnamespace
       AND p.proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$'
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO cifra_app', fn);
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'cifraHQ: the migrating role may not restrict pg_catalog''s advisory lock functions (it is not a superuser); an investigation may take advisory locks in this client database';
END $$;
