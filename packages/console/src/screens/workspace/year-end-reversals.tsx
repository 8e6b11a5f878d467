import { Button, Link } from 'react-aria-components';
import type { YearEndReversalStatus } from '../../__generated__/graphql.ts';
import { ReasonField } from '../../components/reason-field.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { useWorkspace } from './context.ts';
import { instantLabel } from './format.ts';
import { workspacePath } from './paths.ts';
import { REASON_MIN } from './year-end-words.ts';

/** Reversal requests a page shows (the API pages them: `first`, `after`). */
export const REVERSALS_PAGE = 25;

/** Where the list of requests stands: its page (1 the newest), and moving between pages. */
export interface ReversalPaging {
  page: number;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
}

export interface Reversal {
  id: string;
  status: YearEndReversalStatus;
  reason: string;
  requestedByEmail?: string | null;
  requestedAt: string;
  approvedByEmail?: string | null;
  approvedAt?: string | null;
  reversalEntryId?: string | null;
}

/**
 * A closed year's reversal requests (newest first) and the two steps of the four-eyes rule: ask,
 * with a reason, and approve — by someone other than the requester, who is offered no Approve on
 * their own request and told why (the API's SAME_PERSON is still explained should it come).
 */
export function YearEndReversals({
  fiscalYear,
  reversals,
  paging,
  me,
  mayRequest,
  mayApprove,
  busy,
  reason,
  onReason,
  onRequest,
  onApprove,
}: {
  fiscalYear: number;
  reversals: readonly Reversal[];
  paging: ReversalPaging;
  me: string | undefined;
  mayRequest: boolean;
  mayApprove: boolean;
  busy: boolean;
  reason: string;
  onReason: (v: string) => void;
  onRequest: () => void;
  onApprove: (id: string) => void;
}) {
  const ws = useWorkspace();
  const at = (when: string) => instantLabel(when, ws.timezone);
  const mine = reversals.find((r) => r.status === 'PENDING' && !!me && r.requestedByEmail === me);
  return (
    <section aria-labelledby="reversals-title">
      <h3 id="reversals-title">Reversal requests</h3>
      {reversals.length === 0 ? (
        <p className="muted" data-testid="reversals-empty">
          No reversal of fiscal {fiscalYear}’s close has been requested.
        </p>
      ) : (
        <ScrollRegion label="Reversal requests table">
          <table className="report" data-testid="reversals">
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Reason</th>
                <th scope="col">Status</th>
                <th scope="col">Approved</th>
                {mayApprove && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {reversals.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <th scope="row">
                    {r.requestedByEmail ?? 'the system'}, {at(r.requestedAt)}
                  </th>
                  <td>{r.reason}</td>
                  <td>{r.status}</td>
                  <td>
                    {r.approvedAt ? `${r.approvedByEmail ?? 'the system'}, ${at(r.approvedAt)}` : '—'}
                    {r.reversalEntryId ? (
                      <>
                        {' · '}
                        <Link
                          className="link"
                          href={workspacePath(ws.slug, { kind: 'entry', entryId: r.reversalEntryId })}
                        >
                          the reversing entry
                        </Link>
                      </>
                    ) : null}
                  </td>
                  {mayApprove && (
                    <td>
                      {r.status !== 'PENDING' ? null : r.requestedByEmail === me ? (
                        <span className="muted">Awaiting another approver</span>
                      ) : (
                        <Button className="button" isDisabled={busy} onPress={() => onApprove(r.id)}>
                          Approve the reversal
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {(paging.page > 1 || paging.hasNext) && (
        <div className="pager" data-testid="reversals-pager">
          <Button className="button" isDisabled={paging.page === 1} onPress={paging.previous}>
            Newer requests
          </Button>
          <span className="muted">
            Requests {(paging.page - 1) * REVERSALS_PAGE + 1}–
            {(paging.page - 1) * REVERSALS_PAGE + reversals.length}, newest first
          </span>
          <Button className="button" isDisabled={!paging.hasNext} onPress={paging.next}>
            Older requests
          </Button>
        </div>
      )}
      {mine && mayApprove && (
        <p className="muted" data-testid="reversal-four-eyes">
          You requested this reversal: someone else must approve it (four eyes).
        </p>
      )}
      {mayRequest && (
        <form
          className="reopen"
          aria-labelledby="request-title"
          data-testid="request-reversal"
          onSubmit={(e) => {
            e.preventDefault();
            onRequest();
          }}
        >
          <h3 id="request-title">Ask to reverse the close</h3>
          <p className="muted">
            Once another person approves it, the twelve months go back to LOCKED, the closing entry is
            reversed on the year’s last day and fiscal {fiscalYear} is OPEN again.
          </p>
          <ReasonField value={reason} onChange={onReason} min={REASON_MIN} when="asked to reverse a year" />
          <Button className="button" type="submit" isDisabled={busy}>
            Request a reversal
          </Button>
        </form>
      )}
    </section>
  );
}
