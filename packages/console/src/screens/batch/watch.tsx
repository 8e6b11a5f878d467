import { useRef } from 'react';
import { Button, Label, Link, ProgressBar } from 'react-aria-components';
import type { ConsoleBatchFragment } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { dateTimeFormat } from '../../locale.ts';
import { navigate, ROUTES } from '../../router.ts';
import { monthYearLabel } from '../../stages.ts';
import { useBatch, useStartBatch } from './data.ts';
import { actionLabel, ITEM_STATUS, newIdempotencyKey } from './labels.ts';

/** In the firm's locale and this browser's time zone, named (`long`: a batch spans clients). */
const dateTime = () => dateTimeFormat({ dateStyle: 'medium', timeStyle: 'long' });

/**
 * One batch as it runs: a progress bar overall and one per client, each client's outcome (the
 * refusal's code and message for a FAILED one), and a retry of the failed clients as a new batch.
 */
export function BatchWatch({ id }: { id: string }) {
  const { data, error, loading } = useBatch(id);
  const batch = data?.batchOperation;
  return (
    <section aria-labelledby="batch-watch-title">
      <div className="screen-head">
        <h2 id="batch-watch-title">
          {batch ? `${actionLabel(batch.action)}, ${monthYearLabel(batch.year, batch.month)}` : 'Batch'}
        </h2>
        <Link className="link" href={ROUTES.batch}>
          Start another batch
        </Link>
      </div>
      {error && <RefusalNotice error={error} title="The batch could not be loaded" />}
      {loading && !data && <Loading what="the batch" />}
      {data && !batch && (
        <p className="notice" role="status">
          There is no such batch in your firm.
        </p>
      )}
      {batch && <BatchProgress batch={batch} />}
    </section>
  );
}

function BatchProgress({ batch }: { batch: ConsoleBatchFragment }) {
  const total = batch.items.length;
  const { done, failed, skipped, pending, running } = batch.counts;
  const finished = done + failed + skipped;
  const failedSlugs = batch.items.filter((i) => i.status === 'FAILED').map((i) => i.client.slug);
  return (
    <>
      <p className="muted">
        Started by {batch.requestedByEmail}, {dateTime().format(new Date(batch.createdAt))}
        {batch.finishedAt ? `; finished ${dateTime().format(new Date(batch.finishedAt))}` : ''}.
      </p>
      <ProgressBar
        className="progress"
        value={finished}
        maxValue={total}
        valueLabel={`${finished} of ${total} clients`}
      >
        {({ percentage, valueText }) => (
          <>
            <div className="progress-head">
              <Label>{batch.status === 'FINISHED' ? 'Finished' : 'Running'}</Label>
              <span data-testid="batch-progress">{valueText}</span>
            </div>
            <div className="progress-track">
              <Fill percentage={percentage ?? 0} />
            </div>
          </>
        )}
      </ProgressBar>
      <ul className="stage-counts" aria-label="Clients per outcome" data-testid="batch-counts">
        <li>
          Done: <strong>{done}</strong>
        </li>
        <li>
          Failed: <strong>{failed}</strong>
        </li>
        <li>
          Skipped: <strong>{skipped}</strong>
        </li>
        <li>
          Waiting or running: <strong>{pending + running}</strong>
        </li>
      </ul>
      <p role="status" className="visually-hidden">
        {batch.status === 'FINISHED'
          ? `Batch finished: ${done} done, ${failed} failed, ${skipped} skipped.`
          : ''}
      </p>
      <ScrollRegion label="Clients of the batch">
        <table className="batch-items">
          <caption className="visually-hidden">Each client's progress</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Progress</th>
              <th scope="col">Outcome</th>
              <th scope="col">Month before → after</th>
              <th scope="col">Why it failed</th>
            </tr>
          </thead>
          <tbody>
            {batch.items.map((item) => {
              const over = item.status === 'DONE' || item.status === 'FAILED' || item.status === 'SKIPPED';
              return (
                <tr key={item.id} data-client={item.client.slug} data-status={item.status}>
                  <th scope="row">{item.client.name}</th>
                  <td>
                    <ProgressBar
                      className="progress progress-small"
                      aria-label={`${item.client.name}: ${ITEM_STATUS[item.status]}`}
                      value={over ? 1 : 0}
                      maxValue={1}
                      isIndeterminate={item.status === 'RUNNING'}
                    >
                      {({ percentage }) => (
                        <div className={`progress-track item-${item.status}`}>
                          <Fill percentage={item.status === 'RUNNING' ? 50 : (percentage ?? 0)} />
                        </div>
                      )}
                    </ProgressBar>
                  </td>
                  <td className={`outcome outcome-${item.status}`}>
                    {ITEM_STATUS[item.status]}
                    {item.attempts > 1 ? ` (${item.attempts} attempts)` : ''}
                  </td>
                  <td>
                    {monthState(item.monthBefore)} → {monthState(item.monthAfter)}
                  </td>
                  <td>
                    {item.status === 'FAILED' ? (
                      <>
                        <code className="code">{item.failureCode ?? 'ERROR'}</code>{' '}
                        {item.errorMessage ?? 'No reason was given.'}
                      </>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      {batch.status === 'FINISHED' && failedSlugs.length > 0 && <Retry batch={batch} slugs={failedSlugs} />}
    </>
  );
}

/** The failed clients again, as a new batch of the same action and month (one per intent, as the form). */
function Retry({ batch, slugs }: { batch: ConsoleBatchFragment; slugs: string[] }) {
  const [start, started] = useStartBatch();
  const key = useRef(newIdempotencyKey());
  const retry = async () => {
    const r = await start({
      variables: {
        input: {
          tenants: slugs,
          year: batch.year,
          month: batch.month,
          action: batch.action,
          idempotencyKey: key.current,
        },
      },
    }).catch(() => null); // the refusal is shown from the mutation's state
    const next = r?.data?.startBatchPeriodOperation;
    if (next) {
      key.current = newIdempotencyKey();
      navigate(`${ROUTES.batch}?batch=${encodeURIComponent(next.id)}`);
    }
  };
  return (
    <div className="form-actions">
      {started.error && <RefusalNotice error={started.error} title="The retry was not started" />}
      <p>
        Fix what the refusals say, then retry the {slugs.length} failed client{slugs.length === 1 ? '' : 's'}{' '}
        in a new batch of the same action and month.
      </p>
      <Button className="button button-primary" isDisabled={started.loading} onPress={retry}>
        {started.loading ? 'Starting…' : `Retry the ${slugs.length} failed`}
      </Button>
    </div>
  );
}

/** The filled part of a bar: its width set through the DOM (the CSP allows no inline style attribute in HTML). */
function Fill({ percentage }: { percentage: number }) {
  return (
    <div
      className="progress-fill"
      ref={(el) => {
        if (el) el.style.width = `${Math.max(0, Math.min(100, percentage))}%`;
      }}
    />
  );
}

/** A month's posting state and close status as the batch recorded them, e.g. `LOCK_SALES · APPROVED`. */
function monthState(
  m: { periodState?: string | null; closeStatus?: string | null } | null | undefined,
): string {
  return [m?.periodState, m?.closeStatus].filter(Boolean).join(' · ') || '—';
}
