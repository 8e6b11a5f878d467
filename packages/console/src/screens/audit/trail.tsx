import { type FormEvent, useState } from 'react';
import {
  Button,
  Dialog,
  Form,
  Heading,
  Input,
  Label,
  Link,
  Modal,
  ModalOverlay,
  TextField,
} from 'react-aria-components';
import type { ActorKind, AuditChainProblem } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { instantLabel } from '../workspace/format.ts';
import { chainProblem, NO_FILTER, type TrailFilterInput } from './filters.ts';
import type { useTrail } from './use-trail.ts';

/**
 * What the client trail and the firm trail share: the filters form, the events table, a page's
 * Previous/Next, one event's detail and the chain's verification in words.
 */

/** An audit event as both trails show it (a client's `AuditEvent`, the firm's `FirmAuditEvent`). */
export interface TrailEvent {
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorEmail: string | null;
  actorKind?: ActorKind | null;
  actorIntegration?: { name: string; clientId: string } | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  clientVersion: string | null;
  chainSeq: string;
  hash: string;
  previousHash: string | null;
  tenantId?: string | null;
  tenant?: { slug: string; name: string } | null;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  headSeq: string;
  headHash: string | null;
  verifiedAt: string;
  firstBrokenLink: {
    chainSeq: string;
    eventId: string;
    problem: AuditChainProblem;
    event: TrailEvent | null;
  } | null;
}

export const actorLabel = (e: TrailEvent) =>
  e.actorIntegration
    ? `integration ${e.actorIntegration.name}`
    : (e.actorEmail ?? (e.actorId ? `user ${e.actorId}` : 'the system'));

const FIELDS: { key: keyof TrailFilterInput; label: string; hint?: string; type?: string }[] = [
  { key: 'actor', label: 'Who', hint: 'email or user id' },
  { key: 'action', label: 'Action', hint: 'journal_entry.posted, or a prefix: period.' },
  { key: 'entityType', label: 'Entity type', hint: 'JournalEntry, Party…' },
  { key: 'entityId', label: 'Entity id' },
  { key: 'fromDate', label: 'From', type: 'date' },
  { key: 'toDate', label: 'To', type: 'date' },
];

/** The filters, applied together when the form is sent (never a request per key typed). */
export function TrailFilters({
  applied,
  onApply,
  problem,
  withClient,
  timeZone,
}: {
  applied: TrailFilterInput;
  onApply: (f: TrailFilterInput) => void;
  problem: string | null;
  withClient?: boolean;
  timeZone: string;
}) {
  const [draft, setDraft] = useState<TrailFilterInput>(applied);
  const fields = withClient
    ? [
        ...FIELDS.slice(0, 4),
        { key: 'tenant' as const, label: 'Client', hint: 'its slug' },
        ...FIELDS.slice(4),
      ]
    : FIELDS;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  return (
    <Form className="trail-filters" onSubmit={submit} aria-label="Filter the trail">
      {fields.map((f) => (
        <TextField
          key={f.key}
          className="trail-field"
          value={draft[f.key] ?? ''}
          onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))}
        >
          <Label className="group-label">{f.label}</Label>
          <Input className="input" type={f.type ?? 'text'} placeholder={f.hint} />
        </TextField>
      ))}
      <div className="trail-actions">
        <Button className="button button-primary" type="submit">
          Apply filters
        </Button>
        <Button
          className="button"
          onPress={() => {
            setDraft(NO_FILTER);
            onApply(NO_FILTER);
          }}
        >
          Clear
        </Button>
        <span className="muted">Days are whole days in {timeZone}.</span>
      </div>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
    </Form>
  );
}

/** The events shown and their pages, as both trails show them. */
export function TrailResults({
  events,
  pageInfo,
  loading,
  timeZone,
  label,
  size,
  onOpen,
  trail,
}: {
  events: TrailEvent[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  loading: boolean;
  timeZone: string;
  label: string;
  size: number;
  onOpen: (e: TrailEvent) => void;
  trail: Pick<ReturnType<typeof useTrail>, 'cursors' | 'previous' | 'next'>;
}) {
  return (
    <>
      {events.length > 0 && (
        <TrailTable events={events} timeZone={timeZone} onOpen={onOpen} label={label} busy={loading} />
      )}
      <TrailPager
        page={trail.cursors.length - 1}
        count={events.length}
        hasNext={!!pageInfo?.hasNextPage}
        loading={loading}
        size={size}
        onPrevious={trail.previous}
        onNext={() => pageInfo?.endCursor && trail.next(pageInfo.endCursor)}
      />
    </>
  );
}

/** One page of events, newest first; each opens its detail. */
function TrailTable({
  events,
  timeZone,
  onOpen,
  label,
  busy,
}: {
  events: TrailEvent[];
  timeZone: string;
  onOpen: (e: TrailEvent) => void;
  label: string;
  busy: boolean;
}) {
  const withClient = events.some((e) => e.tenantId !== undefined);
  return (
    <ScrollRegion label={label}>
      <table className="report trail" data-testid="audit-events" aria-busy={busy}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When ({timeZone})</th>
            <th scope="col">Action</th>
            <th scope="col">Entity</th>
            {withClient && <th scope="col">Client</th>}
            <th scope="col">Who</th>
            <th scope="col">Reason</th>
            <th scope="col">
              <span className="visually-hidden">Detail</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-seq={e.chainSeq}>
              <td className="number">{e.chainSeq}</td>
              <td>{instantLabel(e.occurredAt, timeZone)}</td>
              <th scope="row">
                <code className="code">{e.action}</code>
              </th>
              <td>
                {e.entityType} <span className="muted">{e.entityId}</span>
              </td>
              {withClient && <td>{e.tenant?.name ?? (e.tenantId ? e.tenantId : 'firm-wide')}</td>}
              <td>{actorLabel(e)}</td>
              <td>{e.reason ?? '—'}</td>
              <td>
                <Button
                  className="button"
                  aria-label={`Details of event ${e.chainSeq}`}
                  onPress={() => onOpen(e)}
                >
                  Details
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** Previous / Next over a connection: the cursors of the pages before this one are kept. */
function TrailPager({
  page,
  count,
  hasNext,
  loading,
  onPrevious,
  onNext,
  size,
}: {
  page: number;
  count: number;
  hasNext: boolean;
  loading: boolean;
  onPrevious: () => void;
  onNext: () => void;
  size: number;
}) {
  const first = page * size + 1;
  return (
    <nav className="pager" aria-label="Pages of events">
      <Button className="button" isDisabled={page === 0 || loading} onPress={onPrevious}>
        Previous
      </Button>
      <span role="status" data-testid="events-shown">
        {count === 0
          ? 'No event matches.'
          : `Events ${first}–${first + count - 1}${hasNext ? ' (newest first)' : ` of ${first + count - 1}`}`}
      </span>
      <Button className="button" isDisabled={!hasNext || loading} onPress={onNext}>
        Next
      </Button>
    </nav>
  );
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v, null, 2));

/** One event whole: who, when, what, why, the entity before and after, and its links in the chain. */
export function EventDetail({
  event: e,
  timeZone,
  onClose,
  entityHref,
}: {
  event: TrailEvent;
  timeZone: string;
  onClose: () => void;
  entityHref?: string | null;
}) {
  const before = json(e.before);
  const after = json(e.after);
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal modal-wide">
        <Dialog className="dialog">
          <Heading slot="title">
            Event #{e.chainSeq}: <code className="code">{e.action}</code>
          </Heading>
          <dl className="facts" data-testid="event-detail">
            <dt>When</dt>
            <dd>{instantLabel(e.occurredAt, timeZone)}</dd>
            <dt>Who</dt>
            <dd>
              {actorLabel(e)}
              {e.actorKind === 'INTEGRATION' && e.actorIntegration
                ? ` (client id ${e.actorIntegration.clientId})`
                : e.actorId && e.actorEmail
                  ? ` (user ${e.actorId})`
                  : ''}
            </dd>
            <dt>Entity</dt>
            <dd>
              {e.entityType} {e.entityId}
              {entityHref && (
                <>
                  {' '}
                  <Link className="link" href={entityHref}>
                    Open it
                  </Link>
                </>
              )}
            </dd>
            {e.tenantId !== undefined && (
              <>
                <dt>Client</dt>
                <dd>{e.tenant ? `${e.tenant.name} (${e.tenant.slug})` : (e.tenantId ?? 'firm-wide')}</dd>
              </>
            )}
            <dt>Reason</dt>
            <dd>{e.reason ?? '—'}</dd>
            <dt>Request</dt>
            <dd>{e.requestId ?? '—'}</dd>
            <dt>App version</dt>
            <dd>{e.clientVersion ?? '—'}</dd>
            <dt>Hash</dt>
            <dd>
              <code className="code hash">{e.hash}</code>
            </dd>
            <dt>Previous hash</dt>
            <dd>
              {e.previousHash ? <code className="code hash">{e.previousHash}</code> : 'none: the first event'}
            </dd>
          </dl>
          <div className="before-after">
            <section aria-label="Before the change">
              <h3>Before</h3>
              {before ? (
                <ScrollRegion label="The entity before the change">
                  <pre className="json">{before}</pre>
                </ScrollRegion>
              ) : (
                <p className="muted">Nothing: the change created it.</p>
              )}
            </section>
            <section aria-label="After the change">
              <h3>After</h3>
              {after ? (
                <ScrollRegion label="The entity after the change">
                  <pre className="json">{after}</pre>
                </ScrollRegion>
              ) : (
                <p className="muted">Nothing: the change removed it, or recorded no state.</p>
              )}
            </section>
          </div>
          <div className="dialog-actions">
            <Button className="button" slot="close">
              Close
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/**
 * The chain verified on request (the API recomputes every event's hash: not on every page view):
 * the head to keep when it holds, where and why it breaks when it does not.
 */
export function ChainStatus({
  what,
  result,
  loading,
  error,
  onVerify,
  onOpen,
  timeZone,
  level,
}: {
  /** The heading's level under the screen's own. */
  level: 2 | 3;
  what: string;
  result: ChainVerification | null | undefined;
  loading: boolean;
  error: unknown;
  onVerify: () => void;
  onOpen: (e: TrailEvent) => void;
  timeZone: string;
}) {
  const broken = result?.firstBrokenLink;
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <section className="chain-status" aria-labelledby="chain-title">
      <H id="chain-title">Chain verification</H>
      <p className="muted">
        Each event carries the hash of the one before it: recomputing them proves that no event of {what} was
        changed, removed or slipped in since it was recorded.
      </p>
      <Button className="button" onPress={onVerify} isDisabled={loading}>
        {result ? 'Verify again' : 'Verify the chain'}
      </Button>
      {loading && <Loading what="the chain's verification" />}
      {!!error && <RefusalNotice error={error} title="The chain could not be verified" />}
      {result && !loading && (
        <div
          className={`notice ${result.ok ? 'notice-ok' : 'notice-error'}`}
          role="status"
          data-testid="chain-status"
          data-ok={String(result.ok)}
        >
          {result.ok ? (
            <p>
              <strong>The chain verifies.</strong> All {result.checked} events match their hashes and each
              links to the one before. The head is event #{result.headSeq}
              {result.headHash ? (
                <>
                  , hash <code className="code hash">{result.headHash}</code> (keep it: a later check must
                  still find it in the chain)
                </>
              ) : null}
              . Checked {instantLabel(result.verifiedAt, timeZone)}.
            </p>
          ) : broken ? (
            <p>
              <strong>The chain is broken at event #{broken.chainSeq}</strong>
              {broken.event ? (
                <>
                  {' '}
                  (<code className="code">{broken.event.action}</code> of {broken.event.entityType}{' '}
                  {broken.event.entityId}, {instantLabel(broken.event.occurredAt, timeZone)})
                </>
              ) : null}
              : {chainProblem(broken.problem)}. {result.checked} events checked up to it; the recorded head is
              event #{result.headSeq}. <code className="code">{broken.problem}</code>{' '}
              {broken.event && (
                <Button className="button" onPress={() => broken.event && onOpen(broken.event)}>
                  Show that event
                </Button>
              )}
            </p>
          ) : (
            <p>
              <strong>The chain does not verify</strong> ({result.checked} events checked).
            </p>
          )}
        </div>
      )}
    </section>
  );
}
