CREATE TABLE "draft_allocations" (
	"document_id" uuid NOT NULL,
	"line_number" smallint NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	CONSTRAINT "draft_allocations_document_id_line_number_pk" PRIMARY KEY("document_id","line_number"),
	CONSTRAINT "draft_allocations_pair" UNIQUE("document_id","invoice_id"),
	CONSTRAINT "draft_allocations_positive" CHECK ("draft_allocations"."amount_minor" > 0)
);
--> statement-breakpoint
ALTER TABLE "draft_allocations" ADD CONSTRAINT "draft_allocations_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draft_allocations" ADD CONSTRAINT "draft_allocations_invoice_id_documents_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;