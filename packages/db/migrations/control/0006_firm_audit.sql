ALTER TABLE "audit_events" ADD COLUMN "firm_id" uuid;--> statement-breakpoint
CREATE INDEX "cae_firm_idx" ON "audit_events" USING btree ("firm_id","id");