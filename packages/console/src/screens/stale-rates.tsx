import { useApolloClient } from '@apollo/client/react';
import type { ConsoleStaleRatesQuery } from '../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../components/refusal.tsx';
import { ScrollRegion } from '../components/scroll-region.tsx';
import { StaleRatesQuery } from '../operations.ts';
import { allPages, useLoaded } from '../paging.ts';

/** How far back the inbox looks for entries posted on stale or overridden rates. */
export const STALE_RATE_WINDOW_DAYS = 90;
/** Clients a request: each request reads every client once, so few large pages (3 for 1,500). */
const PAGE = 500;

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

type Usage = ConsoleStaleRatesQuery['staleRateUsage'];

/**
 * The exceptions inbox's stale rates: per client, the entries of the last 90 days posted on a
 * fallback rate (older than the document's date) or an overridden one (`staleRateUsage`, its
 * clients paged to the end).
 */
export function StaleRates() {
  const client = useApolloClient();
  const today = new Date();
  const to = isoDate(today);
  const from = isoDate(new Date(today.getTime() - STALE_RATE_WINDOW_DAYS * 24 * 60 * 60 * 1000));
  const {
    data: pages,
    error,
    loading,
  } = useLoaded(
    () =>
      allPages(
        async (after): Promise<Usage | null> => {
          const result: { data?: ConsoleStaleRatesQuery } = await client.query({
            query: StaleRatesQuery,
            variables: { from, to, first: PAGE, after },
            fetchPolicy: 'network-only',
          });
          return result.data?.staleRateUsage ?? null;
        },
        (usage) =>
          usage?.clientsConnection.pageInfo.hasNextPage ? usage.clientsConnection.pageInfo.endCursor : null,
      ),
    `${from}:${to}`,
  );
  const usage = pages?.at(-1) ?? null;
  const rows = (pages ?? [])
    .flatMap((p) => p?.clientsConnection.edges.map((e) => e.node) ?? [])
    .filter((c) => c.availability === 'UNAVAILABLE' || (c.entryCount ?? 0) > 0);
  return (
    <section aria-labelledby="stale-rates-title" className="subsection">
      <h2 id="stale-rates-title">Stale rates (last {STALE_RATE_WINDOW_DAYS} days)</h2>
      {error && <RefusalNotice error={error} title="Stale rates could not be loaded" />}
      {loading && !pages && <Loading what="stale rates" />}
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
                        <td className="number">{c.fallbackCount}</td>
                        <td className="number">{c.overrideCount}</td>
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
