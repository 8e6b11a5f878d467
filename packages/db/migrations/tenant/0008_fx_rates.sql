CREATE TABLE "exchange_rates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exchange_rates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rate_date" date NOT NULL,
	"currency" char(3) NOT NULL,
	"base_currency" char(3) NOT NULL,
	"rate" numeric(28, 12) NOT NULL,
	"source" text NOT NULL,
	"derivation" text,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_override" boolean DEFAULT false NOT NULL,
	"override_by" uuid,
	"override_by_email" text,
	"override_reason" text,
	CONSTRAINT "exchange_rates_positive" CHECK ("exchange_rates"."rate" > 0),
	CONSTRAINT "exchange_rates_pair" CHECK ("exchange_rates"."currency" <> "exchange_rates"."base_currency"),
	CONSTRAINT "exchange_rates_override_who_why" CHECK (NOT "exchange_rates"."is_override" OR ("exchange_rates"."override_reason" IS NOT NULL AND ("exchange_rates"."override_by" IS NOT NULL OR "exchange_rates"."override_by_email" IS NOT NULL)))
);
--> statement-breakpoint
CREATE INDEX "exchange_rates_lookup_idx" ON "exchange_rates" USING btree ("currency","rate_date");--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_rates_fetched_once" ON "exchange_rates" USING btree ("currency","rate_date","source") WHERE NOT "exchange_rates"."is_override";