CREATE TYPE "public"."account_role" AS ENUM('DefaultAR', 'DefaultAP', 'Cash', 'SalesTaxPayable', 'PurchaseTaxReceivable', 'RetainedEarnings', 'FxVarianceBankFees', 'RealizedFxGain', 'RealizedFxLoss', 'Rounding');--> statement-breakpoint
CREATE TYPE "public"."account_type" AS ENUM('ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE');--> statement-breakpoint
CREATE TYPE "public"."fiscal_year_state" AS ENUM('OPEN', 'CLOSED', 'AUDITED');--> statement-breakpoint
CREATE TYPE "public"."period_state" AS ENUM('UNLOCKED', 'LOCK_SALES', 'LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "public"."source_kind" AS ENUM('MANUAL', 'SALES_INVOICE', 'CREDIT_NOTE', 'CUSTOMER_RECEIPT', 'PURCHASE_INVOICE', 'DEBIT_NOTE', 'VENDOR_PAYMENT', 'YEAR_END_CLOSE', 'REVERSAL');--> statement-breakpoint
CREATE TABLE "account_role_bindings" (
	"role" "account_role" PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" "account_type" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_email" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"request_id" text,
	"client_name" text,
	"client_version" text
);
--> statement-breakpoint
CREATE TABLE "company" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"legal_name" text NOT NULL,
	"region" text NOT NULL,
	"base_currency" char(3) NOT NULL,
	"base_minor_units" smallint NOT NULL,
	"timezone" text NOT NULL,
	"fiscal_year_start_month" smallint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "company_singleton" CHECK ("company"."singleton")
);
--> statement-breakpoint
CREATE TABLE "fiscal_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"state" "fiscal_year_state" DEFAULT 'OPEN' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gl_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "gl_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"entry_id" uuid NOT NULL,
	"line_number" smallint NOT NULL,
	"account_id" uuid NOT NULL,
	"posting_date" date NOT NULL,
	"amount_minor" bigint NOT NULL,
	"original_currency" char(3) NOT NULL,
	"original_amount_minor" bigint NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	CONSTRAINT "gl_lines_entry_line" UNIQUE("entry_id","line_number"),
	CONSTRAINT "gl_lines_nonzero" CHECK ("gl_lines"."amount_minor" <> 0),
	CONSTRAINT "gl_lines_same_sign" CHECK (sign("gl_lines"."amount_minor") = sign("gl_lines"."original_amount_minor"))
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"fiscal_year" integer NOT NULL,
	"period_id" uuid NOT NULL,
	"posting_date" date NOT NULL,
	"actual_posting_date" timestamp with time zone DEFAULT now() NOT NULL,
	"source_kind" "source_kind" NOT NULL,
	"source_id" uuid,
	"memo" text DEFAULT '' NOT NULL,
	"idempotency_key" text,
	"reverses_entry_id" uuid,
	"posted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_entries_number_unique" UNIQUE("number"),
	CONSTRAINT "journal_entries_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "journal_entries_reverses_entry_id_unique" UNIQUE("reverses_entry_id")
);
--> statement-breakpoint
CREATE TABLE "number_sequences" (
	"document_type" text NOT NULL,
	"fiscal_year" integer NOT NULL,
	"prefix" text NOT NULL,
	"next_value" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "number_sequences_document_type_fiscal_year_pk" PRIMARY KEY("document_type","fiscal_year")
);
--> statement-breakpoint
CREATE TABLE "posting_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fiscal_year" integer NOT NULL,
	"period_number" smallint NOT NULL,
	"year" integer NOT NULL,
	"month" smallint NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"state" "period_state" DEFAULT 'UNLOCKED' NOT NULL,
	CONSTRAINT "posting_periods_start_date_unique" UNIQUE("start_date"),
	CONSTRAINT "posting_periods_year_number" UNIQUE("fiscal_year","period_number"),
	CONSTRAINT "posting_periods_span" CHECK ("posting_periods"."start_date" <= "posting_periods"."end_date")
);
--> statement-breakpoint
CREATE TABLE "tax_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"rate_percent" numeric(7, 3) NOT NULL,
	"sales_account_role" "account_role",
	"purchase_account_role" "account_role"
);
--> statement-breakpoint
ALTER TABLE "account_role_bindings" ADD CONSTRAINT "account_role_bindings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gl_lines" ADD CONSTRAINT "gl_lines_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gl_lines" ADD CONSTRAINT "gl_lines_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_period_id_posting_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."posting_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posting_periods" ADD CONSTRAINT "posting_periods_fiscal_year_fiscal_years_year_fk" FOREIGN KEY ("fiscal_year") REFERENCES "public"."fiscal_years"("year") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ae_entity_idx" ON "audit_events" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "ae_time_idx" ON "audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "gl_lines_account_date_idx" ON "gl_lines" USING btree ("account_id","posting_date");--> statement-breakpoint
CREATE INDEX "je_posting_date_idx" ON "journal_entries" USING btree ("posting_date");