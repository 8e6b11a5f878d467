import { useState } from 'react';
import { isForbidden, Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useLazyQuery, useQuery } from '../../use-query.ts';
import './audit.css';
import { AUDIT_PAGE, FirmAuditTrailQuery, VerifyFirmChainQuery } from './data.ts';
import { trailFilter } from './filters.ts';
import { ChainStatus, EventDetail, type TrailEvent, TrailFilters, TrailResults } from './trail.tsx';
import { useTrail } from './use-trail.ts';

/** The firm's trail has no client's time zone: the browser's. */
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The firm's own audit trail (`/audit`, needs Audit.ReadFirm: FirmAdmin and the external
 * reviewer): provisioning, memberships and roles, settings, batches — newest first, a page at a
 * time through `firmAuditEvents` with its filters (a client's slug among them), each event's
 * detail, and the control plane's chain verified on request.
 */
export default function FirmAuditTrail() {
  const trail = useTrail();
  const { applied, cursors } = trail;
  const [open, setOpen] = useState<TrailEvent | null>(null);
  const { filter, problem } = trailFilter(applied, BROWSER_ZONE);
  const { data, previousData, error, loading } = useQuery(FirmAuditTrailQuery, {
    variables: { filter, first: AUDIT_PAGE, after: cursors.at(-1) ?? null },
    skip: !filter,
    fetchPolicy: 'network-only',
  });
  const [verify, verification] = useLazyQuery(VerifyFirmChainQuery, { fetchPolicy: 'network-only' });
  const forbidden = isForbidden(error);
  const shown = data ?? previousData;
  const events = shown?.firmAuditEvents?.edges.map((e) => e.node) ?? [];
  const pageInfo = shown?.firmAuditEvents?.pageInfo;
  return (
    <section aria-labelledby="firm-audit-title">
      <div className="screen-head">
        <h1 id="firm-audit-title">Firm audit trail</h1>
      </div>
      {/* Refused outright: no verification to run and no filters to set, only the refusal. */}
      {!forbidden && (
        <>
          <ChainStatus
            level={2}
            what="the firm"
            result={verification.data?.verifyFirmAuditChain}
            loading={verification.loading}
            error={verification.error}
            onVerify={() => void verify().catch(() => undefined)}
            onOpen={setOpen}
            timeZone={BROWSER_ZONE}
          />
          <TrailFilters
            key={trail.key}
            applied={applied}
            onApply={trail.apply}
            problem={problem}
            timeZone={BROWSER_ZONE}
            withClient
          />
        </>
      )}
      {error && <RefusalNotice error={error} title="The firm's audit trail could not be loaded" />}
      {loading && !shown && <Loading what="the firm's audit trail" />}
      {shown && !error && (
        <TrailResults
          events={events}
          pageInfo={pageInfo}
          loading={loading}
          timeZone={BROWSER_ZONE}
          label="Audit events of the firm"
          size={AUDIT_PAGE}
          onOpen={setOpen}
          trail={trail}
        />
      )}
      {open && <EventDetail event={open} timeZone={BROWSER_ZONE} onClose={() => setOpen(null)} />}
    </section>
  );
}
