CREATE TYPE "public"."document_kind" AS ENUM('SALES_INVOICE', 'CREDIT_NOTE', 'CUSTOMER_RECEIPT', 'PURCHASE_INVOICE', 'DEBIT_NOTE', 'VENDOR_PAYMENT');--> statement-breakpoint
CREATE TYPE "public"."document_status" AS ENUM('DRAFT', 'DISCARDED', 'POSTED');--> statement-breakpoint
CREATE TYPE "public"."party_kind" AS ENUM('CUSTOMER', 'VENDOR');--> statement-breakpoint
CREATE TABLE "account_period_balances" (
	"account_id" uuid NOT NULL,
	"period_id" uuid NOT NULL,
	"debit_minor" bigint DEFAULT 0 NOT NULL,
	"credit_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "account_period_balances_account_id_period_id_pk" PRIMARY KEY("account_id","period_id")
);
--> statement-breakpoint
CREATE TABLE "allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_document_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocations_pair" UNIQUE("source_document_id","invoice_id"),
	CONSTRAINT "allocations_positive" CHECK ("allocations"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "document_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"line_number" smallint NOT NULL,
	"item_id" uuid,
	"description" text DEFAULT '' NOT NULL,
	"account_id" uuid NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"tax_code" text,
	"amount_minor" bigint NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "document_lines_number" UNIQUE("document_id","line_number"),
	CONSTRAINT "document_lines_quantity" CHECK ("document_lines"."quantity" > 0),
	CONSTRAINT "document_lines_price" CHECK ("document_lines"."unit_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "document_kind" NOT NULL,
	"status" "document_status" DEFAULT 'DRAFT' NOT NULL,
	"number" text,
	"party_id" uuid NOT NULL,
	"document_date" date NOT NULL,
	"posting_date" date NOT NULL,
	"due_date" date,
	"currency" char(3) NOT NULL,
	"exchange_rate" numeric(30, 12),
	"reference" text,
	"memo" text DEFAULT '' NOT NULL,
	"applies_to_id" uuid,
	"bank_account_id" uuid,
	"bank_fee_minor" bigint DEFAULT 0 NOT NULL,
	"subtotal_minor" bigint DEFAULT 0 NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"base_total_minor" bigint,
	"entry_id" uuid,
	"idempotency_key" text,
	"created_by" uuid,
	"posted_by" uuid,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_number_unique" UNIQUE("number"),
	CONSTRAINT "documents_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "documents_rate_positive" CHECK ("documents"."exchange_rate" IS NULL OR "documents"."exchange_rate" > 0),
	CONSTRAINT "documents_amounts" CHECK ("documents"."total_minor" >= 0 AND "documents"."bank_fee_minor" >= 0),
	CONSTRAINT "documents_posted_numbered" CHECK ("documents"."status" <> 'POSTED' OR ("documents"."number" IS NOT NULL AND "documents"."entry_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"unit_price" numeric(20, 6),
	"income_account_id" uuid,
	"expense_account_id" uuid,
	"tax_code" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "journal_draft_lines" (
	"draft_id" uuid NOT NULL,
	"line_number" smallint NOT NULL,
	"account_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	CONSTRAINT "journal_draft_lines_draft_id_line_number_pk" PRIMARY KEY("draft_id","line_number")
);
--> statement-breakpoint
CREATE TABLE "journal_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" "document_status" DEFAULT 'DRAFT' NOT NULL,
	"posting_date" date NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	"auto_reverse" boolean DEFAULT false NOT NULL,
	"created_by" uuid NOT NULL,
	"created_by_email" text,
	"entry_id" uuid,
	"approved_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "numbering_prefixes" (
	"document_type" text PRIMARY KEY NOT NULL,
	"prefix" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parties" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "party_kind" NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"tax_id" text,
	"currency" char(3) NOT NULL,
	"payment_terms_days" integer DEFAULT 30 NOT NULL,
	"email" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parties_kind_code" UNIQUE("kind","code"),
	CONSTRAINT "parties_terms" CHECK ("parties"."payment_terms_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "voids" (
	"entry_id" uuid PRIMARY KEY NOT NULL,
	"document_id" uuid,
	"reversal_entry_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"voided_by" uuid NOT NULL,
	"voided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voids_reversal_entry_id_unique" UNIQUE("reversal_entry_id")
);
--> statement-breakpoint
ALTER TABLE "gl_lines" ADD COLUMN "party_id" uuid;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "auto_reverse" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "account_period_balances" ADD CONSTRAINT "account_period_balances_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_period_balances" ADD CONSTRAINT "account_period_balances_period_id_posting_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."posting_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_source_document_id_documents_id_fk" FOREIGN KEY ("source_document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_invoice_id_documents_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_lines" ADD CONSTRAINT "document_lines_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_lines" ADD CONSTRAINT "document_lines_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_lines" ADD CONSTRAINT "document_lines_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_lines" ADD CONSTRAINT "document_lines_tax_code_tax_codes_code_fk" FOREIGN KEY ("tax_code") REFERENCES "public"."tax_codes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_bank_account_id_accounts_id_fk" FOREIGN KEY ("bank_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_income_account_id_accounts_id_fk" FOREIGN KEY ("income_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_expense_account_id_accounts_id_fk" FOREIGN KEY ("expense_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_tax_code_tax_codes_code_fk" FOREIGN KEY ("tax_code") REFERENCES "public"."tax_codes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_draft_lines" ADD CONSTRAINT "journal_draft_lines_draft_id_journal_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."journal_drafts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_draft_lines" ADD CONSTRAINT "journal_draft_lines_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_drafts" ADD CONSTRAINT "journal_drafts_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voids" ADD CONSTRAINT "voids_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voids" ADD CONSTRAINT "voids_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voids" ADD CONSTRAINT "voids_reversal_entry_id_journal_entries_id_fk" FOREIGN KEY ("reversal_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocations_invoice_idx" ON "allocations" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "documents_party_idx" ON "documents" USING btree ("party_id","kind");--> statement-breakpoint
CREATE INDEX "documents_posting_date_idx" ON "documents" USING btree ("posting_date");--> statement-breakpoint
CREATE INDEX "journal_drafts_date_idx" ON "journal_drafts" USING btree ("posting_date");--> statement-breakpoint
CREATE INDEX "gl_lines_party_idx" ON "gl_lines" USING btree ("party_id");