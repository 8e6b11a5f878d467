import { Button, Dialog, Heading, Link, Modal, ModalOverlay } from 'react-aria-components';
import { Loading, RefusalNotice } from '../components/refusal.tsx';
import { zonedDateTimeFormat } from '../locale.ts';
import { BoardMonthDetailQuery } from '../operations.ts';
import { monthYearLabel, stageInfo } from '../stages.ts';
import { useQuery } from '../use-query.ts';
import { workspacePath } from './workspace/paths.ts';

export interface OpenCell {
  clientId: string;
  clientName: string;
  year: number;
  month: number;
}

/**
 * In the firm's locale and this browser's time zone, which is named: the board is the firm's and
 * spans clients of several zones, where the client's own workspace shows its zone (EST for Panama).
 */
const dateTime = zonedDateTimeFormat;

/**
 * What the board knows of one client's month: its stage, posting state, close status, last
 * transition and the close checklist's open items, with a link to the month in the client's own
 * workspace, where it is worked on (workspace/month-close.tsx).
 */
export function MonthDetail({ cell, onClose }: { cell: OpenCell; onClose: () => void }) {
  const { data, error, loading } = useQuery(BoardMonthDetailQuery, {
    variables: { year: cell.year, month: cell.month, clientId: cell.clientId },
  });
  const entry = data?.closeBoard?.clientsConnection.edges[0]?.node;
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title">
            {cell.clientName} — {monthYearLabel(cell.year, cell.month)}
          </Heading>
          {error && <RefusalNotice error={error} title="This month could not be loaded" />}
          {loading && !data && <Loading what="the month" />}
          {data && !entry && (
            <p className="notice" role="status">
              This client is no longer on your board.
            </p>
          )}
          {entry && (
            <dl className="facts">
              <dt>Stage</dt>
              <dd>
                {entry.availability === 'UNAVAILABLE'
                  ? `${stageInfo('UNAVAILABLE').label} (${entry.unavailableCode ?? 'ERROR'}: ${entry.unavailableReason ?? 'no reason given'})`
                  : stageInfo(entry.stage ?? 'NO_PERIOD').label}
              </dd>
              <dt>Posting state</dt>
              <dd>{entry.periodState ?? '—'}</dd>
              <dt>Month-end close</dt>
              <dd>{entry.closeStatus ?? 'Not started'}</dd>
              <dt>Last transition</dt>
              <dd>
                {entry.lastTransition
                  ? `${entry.lastTransition.action} by ${entry.lastTransition.byEmail ?? 'the system'}, ${dateTime().format(new Date(entry.lastTransition.at))}`
                  : 'None'}
              </dd>
              <dt>Open checklist items</dt>
              <dd>
                {entry.openChecklistItems && entry.openChecklistItems.length > 0 ? (
                  <ul>
                    {entry.openChecklistItems.map((item) => (
                      <li key={item.checkCode}>
                        <code className="code">{item.checkCode}</code> {item.description}
                      </li>
                    ))}
                  </ul>
                ) : (
                  'None'
                )}
              </dd>
            </dl>
          )}
          <div className="dialog-actions">
            {entry && (
              <Link
                className="link"
                href={workspacePath(
                  entry.client.slug,
                  { kind: 'close' },
                  { year: String(cell.year), month: String(cell.month) },
                )}
              >
                Work on this month in the client's workspace
              </Link>
            )}
            <Button className="button" slot="close">
              Close
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
