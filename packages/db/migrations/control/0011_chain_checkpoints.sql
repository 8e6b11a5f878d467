-- Each client's audit chain head, checkpointed outside the client's database and sealed with the
-- services' checkpoint secret: a superuser who rewrites a client's books and its whole chain
-- consistently still cannot match the last checkpoint. Append-only, even for the owner.
CREATE TABLE audit_chain_checkpoints (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  chain_seq bigint NOT NULL,
  head_hash text,
  mac text NOT NULL,
  reason text NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX audit_chain_checkpoints_tenant_idx ON audit_chain_checkpoints (tenant_id, id);
--> statement-breakpoint
CREATE TRIGGER audit_chain_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_chain_checkpoints
  FOR EACH ROW EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_chain_checkpoints_no_truncate BEFORE TRUNCATE ON audit_chain_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION cifra_refuse_change();
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_chain_checkpoints TO cifra_control_app;
