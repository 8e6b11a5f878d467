-- The close board's projector counts, per posting period, the entries posted on a fallback or an
-- overridden rate (docs/architecture/close-board.md, "Stale rates"), on every change it projects:
-- these partial indexes keep that count proportional to the few such lines, not to the ledger.
CREATE INDEX gl_lines_fallback_idx ON gl_lines (posting_date, entry_id) WHERE rate_is_fallback;
--> statement-breakpoint
CREATE INDEX exchange_rates_override_idx ON exchange_rates (id) WHERE is_override;
