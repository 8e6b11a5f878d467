-- The close board's read model also keeps, per client and month, how many entries were posted on a
-- fallback or an overridden rate, so staleRateUsage reads only the clients that have some (or whose
-- summary is behind) instead of every client's database on each request. Null until the client is
-- projected again: unknown, read live.
ALTER TABLE client_close_months ADD COLUMN stale_rate_entries integer CHECK (stale_rate_entries >= 0);
