import { Link } from 'react-aria-components';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { zonedDateTimeFormat } from '../../locale.ts';
import { ROUTES, useLocation } from '../../router.ts';
import { monthYearLabel } from '../../stages.ts';
import { useRecentBatches } from './data.ts';
import { BatchForm } from './form.tsx';
import { actionLabel } from './labels.ts';
import { BatchWatch } from './watch.tsx';

/**
 * When a batch was started, in the firm's locale and this browser's time zone, which is named
 * (batches span clients, and a firm's people may work in several zones).
 */
const dateTime = zonedDateTimeFormat;

/** Batch close: start one period action on many clients, or follow one (`/batch?batch=<id>`). */
export default function BatchScreen() {
  const { search } = useLocation();
  const id = search.get('batch');
  return (
    <section aria-labelledby="batch-title">
      <div className="screen-head">
        <h1 id="batch-title">Batch close</h1>
      </div>
      {id ? <BatchWatch key={id} id={id} /> : <BatchForm />}
      <RecentBatches key={`recent-${id ?? 'form'}`} />
    </section>
  );
}

function RecentBatches() {
  const { data, error, loading } = useRecentBatches();
  const batches = data?.batchOperations ?? [];
  return (
    <section className="subsection" aria-labelledby="recent-batches-title">
      <h2 id="recent-batches-title">Recent batches of the firm</h2>
      {error && <RefusalNotice error={error} title="The recent batches could not be loaded" />}
      {loading && !data && <Loading what="the recent batches" />}
      {data &&
        (batches.length === 0 ? (
          <p className="notice" role="status">
            No batch has been started yet.
          </p>
        ) : (
          <ScrollRegion label="Recent batches table">
            <table className="recent-batches">
              <caption className="visually-hidden">The firm's most recent batches, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Started</th>
                  <th scope="col">By</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="number">
                    Done
                  </th>
                  <th scope="col" className="number">
                    Failed
                  </th>
                  <th scope="col" className="number">
                    Skipped
                  </th>
                </tr>
              </thead>
              <tbody>
                {batches.map((b) => (
                  <tr key={b.id}>
                    <th scope="row">
                      <Link className="link" href={`${ROUTES.batch}?batch=${encodeURIComponent(b.id)}`}>
                        {actionLabel(b.action)}, {monthYearLabel(b.year, b.month)}
                      </Link>
                    </th>
                    <td>{dateTime().format(new Date(b.createdAt))}</td>
                    <td>{b.requestedByEmail}</td>
                    <td>{b.status === 'FINISHED' ? 'Finished' : 'Running'}</td>
                    <td className="number">{b.counts.done}</td>
                    <td className="number">{b.counts.failed}</td>
                    <td className="number">{b.counts.skipped}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        ))}
    </section>
  );
}
