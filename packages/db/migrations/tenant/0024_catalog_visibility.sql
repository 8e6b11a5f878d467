-- What a client's own logins may learn about the rest of the server (docs/architecture/tenancy.md,
-- "What PostgreSQL still shows"). By default every login reads the shared catalogs (every database's
-- name, every role, every database's dependencies), every database's statistics, every session and
-- lock on the server, and the total size of the default tablespace. In a client database those are
-- closed to PUBLIC: the client's logins (application and investigator) read their own tables and
-- nothing about the server beyond what PostgreSQL cannot hide. Catalog privileges are per database,
-- so this holds inside every client database and changes nothing elsewhere.

-- The period gate asked pg_locks whether this session already holds the gate; it now asks through a
-- function that sees only its own session's locks.
CREATE FUNCTION cifra_holds_period_gate(k integer) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT EXISTS (
    SELECT 1 FROM pg_catalog.pg_locks l
     WHERE l.locktype = 'advisory' AND l.pid = pg_catalog.pg_backend_pid() AND l.granted
       AND l.mode = 'ExclusiveLock' AND l.objsubid = 2
       AND l.classid = public.cifra_period_gate_namespace()::oid AND l.objid = k::oid)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_holds_period_gate(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_holds_period_gate(integer) TO cifra_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_gate_period_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k integer := cifra_period_gate_key(OLD.start_date);
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NOT cifra_holds_period_gate(k) THEN
    PERFORM pg_advisory_xact_lock(cifra_period_gate_namespace(), k);
    PERFORM cifra_mark_recorded_time();
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- The application switched to readonly_investigator to investigate before each client had its own
-- investigator login (0011); that membership is no longer needed. Run in the same transaction as
-- 0011 on a new database, so it never shows; a concurrent migration's change is left to it.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_auth_members
              WHERE member = 'cifra_app'::regrole AND roleid = 'readonly_investigator'::regrole) THEN
    REVOKE readonly_investigator FROM cifra_app;
  END IF;
EXCEPTION WHEN internal_error OR unique_violation OR insufficient_privilege THEN NULL;
END $$;
--> statement-breakpoint
-- Only a superuser may change the system catalogs' privileges. Where the migrating role is not one
-- (some managed services), PostgreSQL's default visibility stays and a warning says so.
DO $$
DECLARE
  fn regprocedure;
  rel text;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'pg_catalog'::regnamespace
       AND (p.proname LIKE 'pg\_stat\_get\_%' OR p.proname = ANY (ARRAY[
         'pg_stat_have_stats', 'pg_lock_status', 'pg_prepared_xact', 'pg_blocking_pids',
         'pg_safe_snapshot_blocking_pids', 'pg_isolation_test_session_is_blocked',
         'pg_tablespace_size', 'pg_database_size', 'pg_relation_filenode', 'pg_filenode_relation',
         'pg_current_wal_lsn', 'pg_current_wal_insert_lsn', 'pg_current_wal_flush_lsn',
         'pg_last_wal_receive_lsn', 'pg_last_wal_replay_lsn', 'pg_last_xact_replay_timestamp',
         'pg_notification_queue_usage', 'pg_terminate_backend', 'pg_cancel_backend']))
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
  END LOOP;
  FOREACH rel IN ARRAY ARRAY[
    'pg_database', 'pg_roles', 'pg_user', 'pg_group', 'pg_auth_members', 'pg_db_role_setting',
    'pg_shdepend', 'pg_shdescription', 'pg_shseclabel', 'pg_seclabels', 'pg_tablespace',
    'pg_replication_origin', 'pg_prepared_xacts', 'pg_locks']
  LOOP
    IF to_regclass('pg_catalog.' || rel) IS NOT NULL THEN
      EXECUTE format('REVOKE SELECT ON pg_catalog.%I FROM PUBLIC', rel);
    END IF;
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'cifraHQ: the migrating role may not restrict the system catalogs (it is not a superuser); PostgreSQL''s default visibility applies in this client database';
END $$;
