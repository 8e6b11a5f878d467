-- The firm's locale (issue 15 §5): a BCP 47 tag the console formats every amount and date in,
-- validated by the tenancy subgraph (packages/domain/src/locale.ts) before it is written.
ALTER TABLE firms ADD COLUMN locale text NOT NULL DEFAULT 'en-US';
