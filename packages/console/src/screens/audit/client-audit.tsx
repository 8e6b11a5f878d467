import { useState } from 'react';
import { isForbidden, Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useLazyQuery, useQuery } from '../../use-query.ts';
import { useWorkspace } from '../workspace/context.ts';
import { workspacePath } from '../workspace/paths.ts';
import './audit.css';
import { AUDIT_PAGE, ClientAuditTrailQuery, VerifyClientChainQuery } from './data.ts';
import { trailFilter } from './filters.ts';
import { ChainStatus, EventDetail, type TrailEvent, TrailFilters, TrailResults } from './trail.tsx';
import { useTrail } from './use-trail.ts';

/**
 * A client's audit trail (`/clients/<slug>/audit`, needs Audit.Read): its events newest first, a
 * page at a time through `auditEvents`, narrowed by the API's filters (who, action or its prefix,
 * entity, days in the client's time zone), each event's detail, and the chain verified on request.
 */
export default function ClientAuditTrail() {
  const ws = useWorkspace();
  const trail = useTrail();
  const { applied, cursors } = trail;
  const [open, setOpen] = useState<TrailEvent | null>(null);
  const { filter, problem } = trailFilter(applied, ws.timezone);
  const { data, previousData, error, loading } = useQuery(ClientAuditTrailQuery, {
    variables: { filter, first: AUDIT_PAGE, after: cursors.at(-1) ?? null },
    skip: !filter,
    fetchPolicy: 'network-only',
  });
  const [verify, verification] = useLazyQuery(VerifyClientChainQuery, { fetchPolicy: 'network-only' });
  const forbidden = isForbidden(error);
  const shown = data ?? previousData;
  const events = shown?.auditEvents?.edges.map((e) => e.node) ?? [];
  const pageInfo = shown?.auditEvents?.pageInfo;
  const entityHref = (e: TrailEvent) =>
    e.entityType === 'JournalEntry' ? workspacePath(ws.slug, { kind: 'entry', entryId: e.entityId }) : null;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      {/* Refused outright: no verification to run and no filters to set, only the refusal. */}
      {!forbidden && (
        <>
          <ChainStatus
            level={3}
            what="this client's books"
            result={verification.data?.verifyAuditChain}
            loading={verification.loading}
            error={verification.error}
            onVerify={() => void verify().catch(() => undefined)}
            onOpen={setOpen}
            timeZone={ws.timezone}
          />
          <TrailFilters
            key={trail.key}
            applied={applied}
            onApply={trail.apply}
            problem={problem}
            timeZone={ws.timezone}
          />
        </>
      )}
      {error && <RefusalNotice error={error} title="The audit trail could not be loaded" />}
      {loading && !shown && <Loading what="the audit trail" />}
      {shown && !error && (
        <TrailResults
          events={events}
          pageInfo={pageInfo}
          loading={loading}
          timeZone={ws.timezone}
          label="Audit events of the client"
          size={AUDIT_PAGE}
          onOpen={setOpen}
          trail={trail}
        />
      )}
      {open && (
        <EventDetail
          event={open}
          timeZone={ws.timezone}
          onClose={() => setOpen(null)}
          entityHref={entityHref(open)}
        />
      )}
    </section>
  );
}
