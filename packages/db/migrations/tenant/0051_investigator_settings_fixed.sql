-- An investigation may not raise its own resource settings. `SET work_mem = …` inside its one
-- statement is refused before it is sent (runInvestigation takes only queries), but a query may call
-- set_config itself — `SELECT set_config('work_mem', '2TB', true), …` — and every sort and hash of
-- the same statement after it then used that much memory, on the server every client shares; no
-- role or database setting can be made one a session may not change, and query_to_xml runs any
-- query text, so no reading of the statement could find every call. set_config is the
-- application's alone, as the advisory locks are (0048): closed to PUBLIC, opened to cifra_app,
-- whose logins set the actor, reason and provenance of each transaction with it. An investigation's
-- settings are then those it connected with (docs/architecture/audit.md, "The investigator").
-- Reading a setting (current_setting, SHOW) stays open.
--
-- Only a superuser may change pg_catalog's privileges. Where the migrating role is not one (some
-- managed services), set_config stays open and a warning says so (PostgreSQL's, or this one).
DO $$
BEGIN
  REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO cifra_app;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'cifraHQ: the migrating role may not restrict pg_catalog.set_config (it is not a superuser); an investigation may raise its own work_mem in this client database';
END $$;
