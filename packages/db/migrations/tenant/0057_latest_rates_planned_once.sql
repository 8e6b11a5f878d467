-- The rates in force read by a function planned once a connection (docs/architecture/posting.md,
-- "Group commit"; fx.md; docs/benchmarks.md, "Session 54").
--
-- The statement that finds, for each (currency, date) asked, the row deciding its rate
-- (`latestRatesSql` in packages/fx) is sent with every value inlined — by the books' lane with a
-- group's drafts, by `ratesInForce` on its own — so the server planned it afresh each time: about
-- 0.17 ms, against 0.07 ms to run it for a group of 32 on the group-commit bench. Its query is now
-- this function's, which PL/pgSQL keeps planned for the connection's life (a generic plan: each
-- rate reached through (currency, rate_date), scans off as in 0052 and 0056). What it answers is
-- unchanged: for a pegged pair the latest PEG row on or before the date; for any other the latest
-- row on or before it not typed on a document, an override first on its day, the newest first.
CREATE FUNCTION cifra_latest_rates(currencies char(3)[], dates date[], base char(3), pegged text[],
    peg_source text, document_source text)
  RETURNS TABLE (ask_currency text, ask_date text, rate exchange_rates)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT q.currency::text, q.date::text, x.r
      FROM unnest(currencies, dates) AS q(currency, date)
      CROSS JOIN LATERAL (
        SELECT e FROM exchange_rates e
         WHERE e.currency = q.currency AND e.base_currency = base AND e.rate_date <= q.date
           AND CASE WHEN q.currency::text = ANY (pegged) THEN e.source = peg_source
                    ELSE e.source <> document_source END
         ORDER BY e.rate_date DESC, (q.currency::text <> ALL (pegged) AND e.is_override) DESC, e.id DESC
         LIMIT 1) AS x(r);
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_latest_rates(char(3)[], date[], char(3), text[], text, text) TO cifra_app;
