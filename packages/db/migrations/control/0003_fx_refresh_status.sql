CREATE TABLE "fx_refresh_status" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"provider" text,
	"last_attempt_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_rate_date" date,
	"last_error" text,
	"missing_currencies" text[] DEFAULT '{}' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"next_retry_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fx_refresh_status" ADD CONSTRAINT "fx_refresh_status_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;