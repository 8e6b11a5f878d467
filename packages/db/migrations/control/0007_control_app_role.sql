-- ── Firm attribution of firm-level events ─────────────────────────────────────────────────────
--
-- The control plane may hold several firms; each firm reads only its own trail. firm_id is set by
-- the database when the writer gives none: the firm of the client the event concerns, else the
-- actor's firm when they belong to exactly one. It is part of the hashed content when set
-- (appended after prev_hash), so the events written before this migration keep their hashes.
CREATE OR REPLACE FUNCTION cifra_audit_event_hash(e audit_events) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to((jsonb_build_array(
    e.chain_seq, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, e.actor_email, e.action, e.entity_type, e.entity_id, e.tenant_id,
    e.before, e.after, e.reason, e.request_id, e.client_name, e.client_version, e.prev_hash
  ) || CASE WHEN e.firm_id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(e.firm_id) END)::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cifra_audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  IF NEW.firm_id IS NULL AND NEW.tenant_id IS NOT NULL THEN
    SELECT t.firm_id INTO NEW.firm_id FROM tenants t WHERE t.id = NEW.tenant_id;
  END IF;
  IF NEW.firm_id IS NULL AND NEW.actor_id IS NOT NULL THEN
    SELECT CASE WHEN count(*) = 1 THEN min(m.firm_id::text)::uuid END INTO NEW.firm_id
      FROM firm_memberships m WHERE m.user_id = NEW.actor_id;
  END IF;
  PERFORM 1 FROM audit_chain_head FOR UPDATE;
  -- Sees the rows earlier in the same statement too (bulk inserts chain row after row).
  SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := last_hash;
  -- The time of an event is the database's, never the writer's.
  NEW.occurred_at := now();
  NEW.hash := cifra_audit_event_hash(NEW);
  RETURN NEW;
END $$;
--> statement-breakpoint

-- ── The job queue's table (Agenda, @agendajs/postgres-backend 3.0.6) ──────────────────────────
--
-- The services connect as a role that cannot create tables, so the queue's table is created here,
-- with the DDL the backend itself runs when allowed to (its schema.js; the ops test
-- `job-store.test.ts` compares both). Upgrading the backend means a migration for its new columns.
CREATE TABLE IF NOT EXISTS "agenda_jobs" (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name VARCHAR(255) NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  next_run_at TIMESTAMPTZ,
  type VARCHAR(10) NOT NULL DEFAULT 'normal' CHECK (type IN ('normal', 'single')),
  locked_at TIMESTAMPTZ,
  last_finished_at TIMESTAMPTZ,
  failed_at TIMESTAMPTZ,
  fail_count INTEGER DEFAULT NULL,
  fail_reason TEXT,
  repeat_timezone VARCHAR(100),
  last_run_at TIMESTAMPTZ,
  repeat_interval VARCHAR(255),
  data JSONB DEFAULT '{}'::jsonb,
  repeat_at VARCHAR(255),
  disabled BOOLEAN DEFAULT FALSE,
  progress REAL,
  fork BOOLEAN DEFAULT FALSE,
  last_modified_by VARCHAR(255),
  debounce_started_at TIMESTAMPTZ,
  start_date TIMESTAMPTZ,
  end_date TIMESTAMPTZ,
  skip_days JSONB,
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW()
);
--> statement-breakpoint
ALTER TABLE "agenda_jobs" ADD COLUMN IF NOT EXISTS start_date TIMESTAMPTZ;
--> statement-breakpoint
ALTER TABLE "agenda_jobs" ADD COLUMN IF NOT EXISTS end_date TIMESTAMPTZ;
--> statement-breakpoint
ALTER TABLE "agenda_jobs" ADD COLUMN IF NOT EXISTS skip_days JSONB;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "agenda_jobs_find_and_lock_idx"
  ON "agenda_jobs" (name, next_run_at, priority DESC, locked_at, disabled) WHERE disabled = FALSE;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "agenda_jobs_single_job_idx" ON "agenda_jobs" (name) WHERE type = 'single';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "agenda_jobs_locked_at_idx" ON "agenda_jobs" (locked_at) WHERE locked_at IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "agenda_jobs_next_run_at_idx" ON "agenda_jobs" (next_run_at) WHERE next_run_at IS NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION update_agenda_jobs_updated_at() RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "agenda_jobs_updated_at_trigger" ON "agenda_jobs";
--> statement-breakpoint
CREATE TRIGGER "agenda_jobs_updated_at_trigger" BEFORE UPDATE ON "agenda_jobs"
  FOR EACH ROW EXECUTE FUNCTION update_agenda_jobs_updated_at();
--> statement-breakpoint

-- ── The services' role: cifra_control_app owns nothing ───────────────────────────────────────
--
-- Migrations (and the demo seed) run as the server's admin; the gateway, the subgraphs and the
-- worker connect as cifra_control_app, which may read the control plane and write exactly what
-- the product writes. Audit events: INSERT and SELECT only (the append-only triggers refuse
-- UPDATE, DELETE and TRUNCATE even to the owner). History tables: SELECT only (their triggers are
-- SECURITY DEFINER). No CREATE anywhere, no ALTER (it owns nothing), no CREATEDB: provisioning
-- creates client databases through the server's admin URL from the tenant directory.
-- Roles are cluster-wide: created idempotently; `ensureControlAppRole` gives it LOGIN and its password.
DO $$ BEGIN
  CREATE ROLE cifra_control_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- Only the owner and the services' role connect to the control plane; the client databases'
-- application role (cifra_app) has no business here.
DO $$ BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO cifra_control_app', current_database());
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cifra_app') THEN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM cifra_app', current_database());
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM cifra_app;
  END IF;
END $$;
--> statement-breakpoint
REVOKE ALL ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO cifra_control_app;
--> statement-breakpoint
GRANT SELECT ON ALL TABLES IN SCHEMA public TO cifra_control_app;
--> statement-breakpoint
-- Tables later migrations create are readable; every write privilege is granted by name.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO cifra_control_app;
--> statement-breakpoint
GRANT INSERT ON audit_events TO cifra_control_app;
--> statement-breakpoint
GRANT INSERT, UPDATE ON firms, users, period_batches, period_batch_items TO cifra_control_app;
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON tenants, firm_memberships, tenant_role_assignments, firm_settings,
  tenant_setting_overrides, fx_refresh_status, agenda_jobs TO cifra_control_app;
