import { useQuery } from '@apollo/client/react';
import { Loading, RefusalNotice } from '../components/refusal.tsx';
import { ScrollRegion } from '../components/scroll-region.tsx';
import { StaleRatesQuery } from '../operations.ts';

/** How far back the inbox looks for entries posted on stale or overridden rates. */
export const STALE_RATE_WINDOW_DAYS = 90;

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The exceptions inbox's stale rates: per client, the entries of the last 90 days posted on a
 * fallback rate (older than the document's date) or an overridden one (`staleRateUsage`).
 */
export function StaleRates() {
  const today = new Date();
  const from = new Date(today.getTime() - STALE_RATE_WINDOW_DAYS * 24 * 60 * 60 * 1000);
  const { data, error, loading } = useQuery(StaleRatesQuery, {
    variables: { from: isoDate(from), to: isoDate(today) },
  });
  const usage = data?.staleRateUsage;
  const rows = (usage?.clients ?? [])
    .filter((c) => c.availability === 'UNAVAILABLE' || (c.entryCount ?? 0) > 0)
    .map((c) => {
      const entries = (usage?.entries ?? []).filter((e) => e.clientId === c.clientId);
      return {
        ...c,
        fallback: entries.filter((e) => e.isFallback).length,
        overridden: entries.filter((e) => e.isOverride).length,
      };
    });
  return (
    <section aria-labelledby="stale-rates-title" className="subsection">
      <h2 id="stale-rates-title">Stale rates (last {STALE_RATE_WINDOW_DAYS} days)</h2>
      {error && <RefusalNotice error={error} title="Stale rates could not be loaded" />}
      {loading && !data && <Loading what="stale rates" />}
      {usage &&
        (rows.length === 0 ? (
          <p className="notice" role="status">
            No entry of these days was posted on a stale or overridden rate.
          </p>
        ) : (
          <ScrollRegion label="Stale rates table">
            <table className="stale-rates">
              <caption className="visually-hidden">
                Entries posted on stale or overridden rates, by client
              </caption>
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col">Entries</th>
                  <th scope="col">On a fallback rate</th>
                  <th scope="col">On an overridden rate</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.clientId}>
                    <th scope="row">{c.clientName}</th>
                    {c.availability === 'UNAVAILABLE' ? (
                      <td colSpan={3}>
                        Unavailable <code className="code">{c.unavailableCode ?? 'ERROR'}</code>
                      </td>
                    ) : (
                      <>
                        <td className="number">
                          {c.entryCount}
                          {c.truncated ? ' (first 1,000 listed)' : ''}
                        </td>
                        <td className="number">{c.fallback}</td>
                        <td className="number">{c.overridden}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        ))}
    </section>
  );
}
