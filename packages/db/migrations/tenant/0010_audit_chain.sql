-- Added nullable here; 0011 fills the chain for existing events, then makes them NOT NULL.
ALTER TABLE "audit_events" ADD COLUMN "chain_seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "ae_chain_seq_idx" ON "audit_events" USING btree ("chain_seq");--> statement-breakpoint
CREATE INDEX "ae_action_idx" ON "audit_events" USING btree ("action");--> statement-breakpoint
CREATE INDEX "ae_actor_idx" ON "audit_events" USING btree ("actor_email");