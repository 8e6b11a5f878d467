CREATE TYPE "public"."batch_item_status" AS ENUM('PENDING', 'RUNNING', 'DONE', 'FAILED', 'SKIPPED');--> statement-breakpoint
CREATE TYPE "public"."batch_period_action" AS ENUM('LOCK_SALES', 'LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING', 'START_CLOSE', 'SUBMIT_CLOSE', 'APPROVE_CLOSE');--> statement-breakpoint
CREATE TYPE "public"."batch_status" AS ENUM('RUNNING', 'FINISHED');--> statement-breakpoint
CREATE TABLE "period_batch_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"status" "batch_item_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"state_before" text,
	"state_after" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "period_batch_items_client" UNIQUE("batch_id","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "period_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"firm_id" uuid NOT NULL,
	"action" "batch_period_action" NOT NULL,
	"year" integer NOT NULL,
	"month" smallint NOT NULL,
	"status" "batch_status" DEFAULT 'RUNNING' NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_by_email" text NOT NULL,
	"idempotency_key" text,
	"dedupe_key" text NOT NULL,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "period_batches_idempotency" UNIQUE("firm_id","requested_by","idempotency_key"),
	CONSTRAINT "period_batches_month" CHECK ("period_batches"."month" BETWEEN 1 AND 12)
);
--> statement-breakpoint
ALTER TABLE "period_batch_items" ADD CONSTRAINT "period_batch_items_batch_id_period_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."period_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_batch_items" ADD CONSTRAINT "period_batch_items_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_batches" ADD CONSTRAINT "period_batches_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_batches" ADD CONSTRAINT "period_batches_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "period_batch_items_status_idx" ON "period_batch_items" USING btree ("status");--> statement-breakpoint
CREATE INDEX "period_batch_items_tenant_idx" ON "period_batch_items" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "period_batches_one_running" ON "period_batches" USING btree ("firm_id","dedupe_key") WHERE "period_batches"."status" = 'RUNNING';--> statement-breakpoint
CREATE INDEX "period_batches_firm_time_idx" ON "period_batches" USING btree ("firm_id","created_at");