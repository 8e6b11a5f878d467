CREATE TYPE "public"."period_close_status" AS ENUM('DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'REOPENED');--> statement-breakpoint
CREATE TYPE "public"."year_end_close_line_group" AS ENUM('CLOSING', 'ACCRUAL_REVERSAL');--> statement-breakpoint
CREATE TYPE "public"."year_end_close_status" AS ENUM('DRAFT', 'SUPERSEDED', 'APPROVED', 'REVERSED');--> statement-breakpoint
CREATE TYPE "public"."year_end_reversal_status" AS ENUM('PENDING', 'APPROVED');--> statement-breakpoint
CREATE TABLE "period_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period_id" uuid NOT NULL,
	"status" "period_close_status" DEFAULT 'DRAFT' NOT NULL,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_by" uuid,
	"started_by_email" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_by" uuid,
	"submitted_by_email" text,
	"submitted_at" timestamp with time zone,
	"approved_by" uuid,
	"approved_by_email" text,
	"approved_at" timestamp with time zone,
	"rejected_by" uuid,
	"rejected_by_email" text,
	"rejected_at" timestamp with time zone,
	"rejection_reason" text,
	"reopened_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "period_closes_approved_by_other" CHECK ("period_closes"."status" <> 'APPROVED' OR ("period_closes"."approved_by" IS NOT NULL AND "period_closes"."approved_by" IS DISTINCT FROM "period_closes"."submitted_by"))
);
--> statement-breakpoint
CREATE TABLE "period_transitions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "period_transitions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"period_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"close_id" uuid,
	"close_status_from" "period_close_status",
	"close_status_to" "period_close_status",
	"actor_id" uuid,
	"actor_email" text,
	"reason" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "period_transitions_states" CHECK ("period_transitions"."from_state"::period_state IS NOT NULL AND "period_transitions"."to_state"::period_state IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "year_end_close_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "year_end_close_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"close_id" uuid NOT NULL,
	"line_number" smallint NOT NULL,
	"line_group" "year_end_close_line_group" NOT NULL,
	"reverses_entry_id" uuid,
	"posting_date" date NOT NULL,
	"account_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"original_currency" char(3) NOT NULL,
	"original_amount_minor" bigint NOT NULL,
	"explanation" text NOT NULL,
	CONSTRAINT "year_end_close_lines_nonzero" CHECK ("year_end_close_lines"."amount_minor" <> 0),
	CONSTRAINT "year_end_close_lines_group" CHECK (("year_end_close_lines"."line_group" = 'CLOSING') = ("year_end_close_lines"."reverses_entry_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "year_end_close_reversals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fiscal_year" integer NOT NULL,
	"year_end_close_id" uuid NOT NULL,
	"status" "year_end_reversal_status" DEFAULT 'PENDING' NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_by_email" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_by" uuid,
	"approved_by_email" text,
	"approved_at" timestamp with time zone,
	"reversal_entry_id" uuid,
	CONSTRAINT "year_end_close_reversals_reason" CHECK (char_length("year_end_close_reversals"."reason") >= 20),
	CONSTRAINT "year_end_close_reversals_four_eyes" CHECK ("year_end_close_reversals"."status" <> 'APPROVED' OR ("year_end_close_reversals"."approved_by" IS NOT NULL AND "year_end_close_reversals"."approved_by" <> "year_end_close_reversals"."requested_by"))
);
--> statement-breakpoint
CREATE TABLE "year_end_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fiscal_year" integer NOT NULL,
	"status" "year_end_close_status" DEFAULT 'DRAFT' NOT NULL,
	"fingerprint" text NOT NULL,
	"fx_variance_mode" text NOT NULL,
	"closing_date" date NOT NULL,
	"retained_earnings_account_id" uuid NOT NULL,
	"net_income_minor" bigint NOT NULL,
	"prepared_by" uuid,
	"prepared_by_email" text,
	"prepared_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_by" uuid,
	"approved_by_email" text,
	"approved_at" timestamp with time zone,
	"closing_entry_id" uuid,
	"reversed_at" timestamp with time zone,
	"reversal_entry_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "period_closes" ADD CONSTRAINT "period_closes_period_id_posting_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."posting_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_transitions" ADD CONSTRAINT "period_transitions_period_id_posting_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."posting_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_lines" ADD CONSTRAINT "year_end_close_lines_close_id_year_end_closes_id_fk" FOREIGN KEY ("close_id") REFERENCES "public"."year_end_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_lines" ADD CONSTRAINT "year_end_close_lines_reverses_entry_id_journal_entries_id_fk" FOREIGN KEY ("reverses_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_lines" ADD CONSTRAINT "year_end_close_lines_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_reversals" ADD CONSTRAINT "year_end_close_reversals_fiscal_year_fiscal_years_year_fk" FOREIGN KEY ("fiscal_year") REFERENCES "public"."fiscal_years"("year") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_reversals" ADD CONSTRAINT "year_end_close_reversals_year_end_close_id_year_end_closes_id_fk" FOREIGN KEY ("year_end_close_id") REFERENCES "public"."year_end_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_close_reversals" ADD CONSTRAINT "year_end_close_reversals_reversal_entry_id_journal_entries_id_fk" FOREIGN KEY ("reversal_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_closes" ADD CONSTRAINT "year_end_closes_fiscal_year_fiscal_years_year_fk" FOREIGN KEY ("fiscal_year") REFERENCES "public"."fiscal_years"("year") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_closes" ADD CONSTRAINT "year_end_closes_retained_earnings_account_id_accounts_id_fk" FOREIGN KEY ("retained_earnings_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_closes" ADD CONSTRAINT "year_end_closes_closing_entry_id_journal_entries_id_fk" FOREIGN KEY ("closing_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_end_closes" ADD CONSTRAINT "year_end_closes_reversal_entry_id_journal_entries_id_fk" FOREIGN KEY ("reversal_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "period_closes_one_live" ON "period_closes" USING btree ("period_id") WHERE "period_closes"."status" <> 'REOPENED';--> statement-breakpoint
CREATE INDEX "period_transitions_period_idx" ON "period_transitions" USING btree ("period_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "year_end_close_lines_number" ON "year_end_close_lines" USING btree ("close_id","line_number");--> statement-breakpoint
CREATE UNIQUE INDEX "year_end_close_reversals_one_pending" ON "year_end_close_reversals" USING btree ("fiscal_year") WHERE "year_end_close_reversals"."status" = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "year_end_closes_one_approved" ON "year_end_closes" USING btree ("fiscal_year") WHERE "year_end_closes"."status" = 'APPROVED';--> statement-breakpoint
CREATE UNIQUE INDEX "year_end_closes_one_draft" ON "year_end_closes" USING btree ("fiscal_year") WHERE "year_end_closes"."status" = 'DRAFT';