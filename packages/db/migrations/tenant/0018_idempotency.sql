-- ── Idempotency keys bound to their payload (docs/architecture/posting.md, "Idempotency") ─────
--
-- A key sent again with another payload must be refused, not answered with the first result.
-- The hash of the first request's canonical payload is kept beside its key, for as long as the
-- record the key created (entries and documents are never deleted; a discarded draft keeps it).
-- Rows written before this migration have no hash: journal entries are then compared on the
-- stored entry itself, documents refuse a replay they cannot compare (see documents.md).
ALTER TABLE journal_entries ADD COLUMN idempotency_hash text;
--> statement-breakpoint
ALTER TABLE documents ADD COLUMN idempotency_hash text;
--> statement-breakpoint

-- ── One prefix per document kind ──────────────────────────────────────────────────────────────
--
-- Two kinds numbering with one prefix issue the same document number, which documents.number
-- refuses: the second kind could no longer post anything. setNumberingPrefix refuses a taken
-- prefix; this constraint settles two concurrent calls. Books that already share a prefix keep
-- it for the kind that has issued the most numbers with it (the others could not post: their
-- numbers collided) and give the others `<prefix>-<n>`.
DO $$
DECLARE
  r record;
  candidate text;
  n int;
BEGIN
  FOR r IN
    SELECT document_type, prefix FROM (
      SELECT document_type, prefix,
             row_number() OVER (
               PARTITION BY prefix
               ORDER BY (SELECT coalesce(sum(s.next_value - 1), 0) FROM number_sequences s
                          WHERE s.document_type = np.document_type AND s.prefix = np.prefix) DESC,
                        document_type) AS rn
        FROM numbering_prefixes np) d
     WHERE rn > 1
  LOOP
    n := 2;
    LOOP
      candidate := left(r.prefix, 12 - length(n::text) - 1) || '-' || n;
      EXIT WHEN NOT EXISTS (SELECT 1 FROM numbering_prefixes WHERE prefix = candidate);
      n := n + 1;
    END LOOP;
    UPDATE numbering_prefixes SET prefix = candidate WHERE document_type = r.document_type;
    UPDATE number_sequences SET prefix = candidate
     WHERE document_type = r.document_type AND next_value = 1;
  END LOOP;
END
$$;
--> statement-breakpoint
ALTER TABLE numbering_prefixes ADD CONSTRAINT numbering_prefixes_prefix_unique UNIQUE (prefix);
