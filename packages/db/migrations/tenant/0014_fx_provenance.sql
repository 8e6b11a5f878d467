ALTER TABLE "gl_lines" ADD COLUMN "exchange_rate_id" bigint;--> statement-breakpoint
ALTER TABLE "gl_lines" ADD COLUMN "rate_is_fallback" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "allocations" ADD COLUMN "base_amount_minor" bigint;--> statement-breakpoint
ALTER TABLE "allocations" ADD COLUMN "realized_fx_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "exchange_rate_id" bigint;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "rate_is_fallback" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "gl_lines" ADD CONSTRAINT "gl_lines_exchange_rate_id_exchange_rates_id_fk" FOREIGN KEY ("exchange_rate_id") REFERENCES "public"."exchange_rates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_exchange_rate_id_exchange_rates_id_fk" FOREIGN KEY ("exchange_rate_id") REFERENCES "public"."exchange_rates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gl_lines_exchange_rate_idx" ON "gl_lines" USING btree ("exchange_rate_id") WHERE "gl_lines"."exchange_rate_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "gl_lines" ADD CONSTRAINT "gl_lines_fallback_has_rate" CHECK ("gl_lines"."exchange_rate_id" IS NOT NULL OR NOT "gl_lines"."rate_is_fallback");--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_fallback_has_rate" CHECK ("documents"."exchange_rate_id" IS NOT NULL OR NOT "documents"."rate_is_fallback");