import { Link } from 'react-aria-components';
import type { CloseExceptionKind } from '../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../components/refusal.tsx';
import { ScrollRegion } from '../components/scroll-region.tsx';
import { CloseExceptionsQuery } from '../operations.ts';
import { ROUTES } from '../router.ts';
import { monthYearLabel } from '../stages.ts';
import { useQuery } from '../use-query.ts';
import { StaleRates } from './stale-rates.tsx';
import { workspacePath } from './workspace/paths.ts';

const KIND_LABEL: Record<CloseExceptionKind, string> = {
  MONTH_OPEN_OVERDUE: 'Month open too long',
  APPROVAL_OVERDUE: 'Approval waiting',
  BATCH_ITEM_FAILED: 'Batch item failed',
  CLIENT_UNAVAILABLE: 'Client unavailable',
  NO_VERIFIED_BACKUP: 'No verified backup',
};

/** What needs attention across the clients the signed-in person may see. */
export function Exceptions() {
  const { data, error, loading } = useQuery(CloseExceptionsQuery);
  const items = data?.closeExceptions ?? [];
  return (
    <section aria-labelledby="exceptions-title">
      <div className="screen-head">
        <h1 id="exceptions-title">Exceptions</h1>
      </div>
      {error && <RefusalNotice error={error} title="The exceptions could not be loaded" />}
      {loading && !data && <Loading what="the exceptions" />}
      {data &&
        (items.length === 0 ? (
          <p className="notice" role="status">
            Nothing needs attention.
          </p>
        ) : (
          <ScrollRegion label="Exceptions table">
            <table className="exceptions">
              <caption className="visually-hidden">What needs attention, by client</caption>
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col">Client</th>
                  <th scope="col">Month</th>
                  <th scope="col">Days overdue</th>
                  <th scope="col">Details</th>
                  <th scope="col">Where to fix it</th>
                </tr>
              </thead>
              <tbody>
                {items.map((x, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: an exception has no id of its own
                  <tr key={`${x.kind}-${x.client.id}-${i}`} data-kind={x.kind}>
                    <td>{KIND_LABEL[x.kind]}</td>
                    <th scope="row">{x.client.name}</th>
                    <td>{x.year && x.month ? monthYearLabel(x.year, x.month) : '—'}</td>
                    <td className="number">{x.daysOverdue ?? '—'}</td>
                    <td>
                      {(x.unavailableCode ?? x.failureCode) && (
                        <code className="code">{x.unavailableCode ?? x.failureCode}</code>
                      )}{' '}
                      {x.message}
                    </td>
                    <td>
                      {x.kind === 'BATCH_ITEM_FAILED' && x.batchId ? (
                        <Link
                          className="link"
                          href={`${ROUTES.batch}?batch=${encodeURIComponent(x.batchId)}`}
                        >
                          Its batch (retry there)
                        </Link>
                      ) : x.year && x.month ? (
                        <Link
                          className="link"
                          href={workspacePath(
                            x.client.slug,
                            { kind: 'close' },
                            { year: String(x.year), month: String(x.month) },
                          )}
                        >
                          Its month close
                        </Link>
                      ) : x.year ? (
                        <Link className="link" href={`/?year=${x.year}`}>
                          Close board {x.year}
                        </Link>
                      ) : (
                        'Close board'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        ))}
      <StaleRates />
    </section>
  );
}
