-- The close board's read model (docs/architecture/close-board.md, "The read model"): each client's
-- close state as last read from its own database, so the firm's views read one table instead of
-- every client database. Derived data, rebuilt from the clients at will: no history, no audit.

-- One row per client: how fresh its summary is. change_seq counts changes announced by the services
-- (after a client's transaction commits); projected_seq is the count the last projection covered,
-- so a client is behind when change_seq > projected_seq. claimed_until is a projector's lease.
CREATE TABLE client_close_projections (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  change_seq bigint NOT NULL DEFAULT 1,
  projected_seq bigint NOT NULL DEFAULT 0,
  changed_at timestamp with time zone,
  as_of timestamp with time zone,
  claimed_until timestamp with time zone,
  unavailable_code text,
  unavailable_reason text,
  unavailable_at timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX client_close_projections_behind ON client_close_projections (changed_at)
  WHERE changed_at IS NOT NULL;
--> statement-breakpoint
-- One row per posting period of each client, as its close board line for that month shows it.
CREATE TABLE client_close_months (
  year integer NOT NULL,
  month integer NOT NULL,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  period_id uuid NOT NULL,
  period_state text NOT NULL,
  close_status text,
  stage text NOT NULL,
  end_date date NOT NULL,
  submitted_at timestamp with time zone,
  last_transition jsonb,
  open_checklist jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (year, month, tenant_id)
);
--> statement-breakpoint
CREATE INDEX client_close_months_tenant ON client_close_months (tenant_id);
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON client_close_projections, client_close_months TO cifra_control_app;
