import { type Caller, control, firmView } from '@cifra/db';
import { addDays, badInput, daysBetween, effectiveSettings, type IsoDate, todayIn } from '@cifra/domain';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { backupFreshness } from './backup-freshness.ts';
import { alreadyDone, type BatchAction } from './client-period.port.ts';
import {
  clientsWithPeriodAccess,
  type FirmViewDeps,
  summariesOf,
  type VisibleClient,
} from './close-board.service.ts';
import { monthsOf, type StoredMonth } from './close-board-store.ts';

export const ExceptionKinds = [
  'MONTH_OPEN_OVERDUE',
  'APPROVAL_OVERDUE',
  'BATCH_ITEM_FAILED',
  'CLIENT_UNAVAILABLE',
  'NO_VERIFIED_BACKUP',
] as const;
export type ExceptionKind = (typeof ExceptionKinds)[number];

export interface CloseException {
  kind: ExceptionKind;
  client: VisibleClient;
  year: number | null;
  month: number | null;
  /** Days past the threshold's starting point (month end, submission); null for the others. */
  daysOverdue: number | null;
  /**
   * The day the clock started, on the client's own clock as `daysOverdue` counts: the month's last
   * day, the day of the submission, of the failure or of the newest verified backup.
   */
  since: IsoDate | null;
  message: string;
  batchId: string | null;
  errorCode: string | null;
}

export const DEFAULT_EXCEPTIONS = 100;
export const MAX_EXCEPTIONS = 500;

export interface ExceptionArgs {
  /** Overrides every client's `closeOverdueDays` setting. */
  overdueDays?: number | null;
  /** Overrides every client's `closeApprovalOverdueDays` setting. */
  approvalOverdueDays?: number | null;
  /** The day to judge from; each client's own today (its time zone) when absent. */
  asOf?: string | null;
  /** At most this many, the most urgent first (default 100, at most 500). */
  first?: number | null;
  /** Sandbox clients' exceptions too (left out by default; archived clients always are). */
  includeSandboxes?: boolean | null;
}

/** An instant as the client's day: a failure at 21:20 UTC is the next day in Kiritimati. */
const dayOf = (client: VisibleClient, at: Date | null) => (at === null ? null : todayIn(client.timezone, at));

async function thresholds(deps: FirmViewDeps, firmId: string, clients: VisibleClient[], args: ExceptionArgs) {
  const firm = await deps.control
    .select()
    .from(control.firmSettings)
    .where(eq(control.firmSettings.firmId, firmId));
  const overrides =
    clients.length === 0
      ? []
      : await deps.control
          .select()
          .from(control.tenantSettingOverrides)
          .where(
            inArray(
              control.tenantSettingOverrides.tenantId,
              clients.map((c) => c.id),
            ),
          );
  const firmValues = Object.fromEntries(firm.map((r) => [r.key, r.value]));
  const byClient = new Map<string, Record<string, unknown>>();
  for (const o of overrides) byClient.set(o.tenantId, { ...byClient.get(o.tenantId), [o.key]: o.value });
  return new Map(
    clients.map((c) => {
      const s = effectiveSettings(firmValues, byClient.get(c.id) ?? {});
      return [
        c.id,
        {
          overdueDays: args.overdueDays ?? s.closeOverdueDays,
          approvalOverdueDays: args.approvalOverdueDays ?? s.closeApprovalOverdueDays,
          asOf: args.asOf ?? todayIn(c.timezone),
        },
      ] as const;
    }),
  );
}

/**
 * Across every client the caller may see: months still open N days after they ended, closes
 * waiting for approval longer than M days, batch items that failed and were not since redone, and
 * clients whose database did not answer (so a silent client is never mistaken for a clean one).
 */
export async function closeExceptions(
  deps: FirmViewDeps,
  caller: Caller & { firmId: string },
  args: ExceptionArgs,
): Promise<CloseException[]> {
  for (const [name, v] of [
    ['overdueDays', args.overdueDays],
    ['approvalOverdueDays', args.approvalOverdueDays],
  ] as const) {
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 366)) throw badInput(`${name} must be 0 to 366`);
  }
  if (args.asOf != null && !/^\d{4}-\d{2}-\d{2}$/.test(args.asOf)) throw badInput('asOf must be a date');
  const first = args.first ?? DEFAULT_EXCEPTIONS;
  if (!Number.isInteger(first) || first < 1 || first > MAX_EXCEPTIONS) {
    throw badInput(`first: between 1 and ${MAX_EXCEPTIONS}`, { field: 'first' });
  }
  // An archived client's books are read-only: nothing there can be acted on, so it raises none.
  const clients = await clientsWithPeriodAccess(
    deps.control,
    caller,
    firmView({ includeSandboxes: args.includeSandboxes, includeArchived: false }),
  );
  const limits = await thresholds(deps, caller.firmId, clients, args);
  const ids = clients.map((c) => c.id);
  const summaries = await summariesOf(deps, ids);
  const months = new Map<string, StoredMonth[]>();
  for (const m of await monthsOf(deps.control, ids))
    months.set(m.tenantId, [...(months.get(m.tenantId) ?? []), m]);
  const out: CloseException[] = [];
  for (const client of clients) {
    const limit = limits.get(client.id);
    const summary = summaries.get(client.id);
    if (summary?.unavailableCode) {
      out.push({
        kind: 'CLIENT_UNAVAILABLE',
        client,
        year: null,
        month: null,
        daysOverdue: null,
        since: null,
        message: summary.unavailableReason ?? "The client's database could not be read",
        batchId: null,
        errorCode: summary.unavailableCode,
      });
      continue;
    }
    if (!limit) continue;
    const own = months.get(client.id) ?? [];
    const openBefore = addDays(limit.asOf, -limit.overdueDays);
    for (const p of own) {
      if (p.endDate >= openBefore || p.row.periodState === 'LOCKED' || p.row.periodState === 'CLOSED')
        continue;
      out.push({
        kind: 'MONTH_OPEN_OVERDUE',
        client,
        year: p.year,
        month: p.month,
        daysOverdue: daysBetween(p.endDate, limit.asOf),
        since: p.endDate,
        message: `${p.year}-${String(p.month).padStart(2, '0')} is still open ${daysBetween(p.endDate, limit.asOf)} days after month end`,
        batchId: null,
        errorCode: null,
      });
    }
    for (const p of own) {
      if (p.row.closeStatus !== 'PENDING_APPROVAL' || !p.submittedAt) continue;
      // The day it was submitted on the client's own clock, as `asOf` is: 20:00 in Panama is not tomorrow.
      const submitted = todayIn(client.timezone, p.submittedAt);
      const waited = daysBetween(submitted, limit.asOf);
      if (waited <= limit.approvalOverdueDays) continue;
      out.push({
        kind: 'APPROVAL_OVERDUE',
        client,
        year: p.year,
        month: p.month,
        daysOverdue: waited,
        since: submitted,
        message: `The close of ${p.year}-${String(p.month).padStart(2, '0')} has waited ${waited} days for approval`,
        batchId: null,
        errorCode: null,
      });
    }
  }
  // A failed item whose month has since got where the batch wanted, whatever did it (another
  // batch, or a person on the client itself), asks nothing more of anyone.
  const reached = (item: FailedItem) =>
    (months.get(item.client.id) ?? []).some(
      (m) => m.year === item.year && m.month === item.month && alreadyDone(item.action, m.row),
    );
  out.push(...(await failedBatchItems(deps, caller.firmId, clients)).filter((item) => !reached(item)));
  out.push(...(await staleBackups(deps, clients)));
  return mostUrgentFirst(out).slice(0, first);
}

const KIND_ORDER: Record<CloseException['kind'], number> = {
  CLIENT_UNAVAILABLE: 0,
  BATCH_ITEM_FAILED: 1,
  NO_VERIFIED_BACKUP: 2,
  APPROVAL_OVERDUE: 3,
  MONTH_OPEN_OVERDUE: 4,
};

/** Clients with no verified backup taken within their `backupVerifiedMaxAgeDays` (one control-plane query). */
async function staleBackups(deps: FirmViewDeps, clients: VisibleClient[]): Promise<CloseException[]> {
  const fresh = await backupFreshness(
    deps.control,
    clients.map((c) => c.id),
  );
  return clients.flatMap((client) => {
    const f = fresh.get(client.id);
    if (!f?.overdue) return [];
    return [
      {
        kind: 'NO_VERIFIED_BACKUP' as const,
        client,
        year: null,
        month: null,
        daysOverdue: f.daysSince,
        since: dayOf(client, f.lastVerifiedAt),
        message:
          f.lastVerifiedAt === null
            ? 'No backup of this client has had its restore verified'
            : `The newest verified backup is ${f.daysSince} days old (more than ${f.maxAgeDays})`,
        batchId: null,
        errorCode: null,
      },
    ];
  });
}

/** Unavailable clients and failed items first, then the longest overdue; ties by client, then month. */
function mostUrgentFirst(list: CloseException[]): CloseException[] {
  return [...list].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) ||
      a.client.slug.localeCompare(b.client.slug) ||
      (a.year ?? 0) - (b.year ?? 0) ||
      (a.month ?? 0) - (b.month ?? 0),
  );
}

type FailedItem = CloseException & { year: number; month: number; action: BatchAction };

/** Failed items not since redone: no later item for the same client, month and action ended DONE or SKIPPED. */
async function failedBatchItems(
  deps: FirmViewDeps,
  firmId: string,
  clients: VisibleClient[],
): Promise<FailedItem[]> {
  if (clients.length === 0) return [];
  const byId = new Map(clients.map((c) => [c.id, c]));
  const { periodBatches: b, periodBatchItems: i } = control;
  const rows = await deps.control
    .select({ item: i, batch: b })
    .from(i)
    .innerJoin(b, eq(b.id, i.batchId))
    .where(
      and(
        eq(b.firmId, firmId),
        eq(i.status, 'FAILED'),
        inArray(i.tenantId, [...byId.keys()]),
        sql`NOT EXISTS (
          SELECT 1 FROM period_batch_items i2 JOIN period_batches b2 ON b2.id = i2.batch_id
           WHERE i2.tenant_id = ${i.tenantId} AND b2.action = ${b.action} AND b2.year = ${b.year}
             AND b2.month = ${b.month} AND i2.status IN ('DONE', 'SKIPPED')
             AND b2.created_at > ${b.createdAt})`,
      ),
    )
    .orderBy(desc(i.finishedAt))
    .limit(1_000);
  return rows.map(({ item, batch }) => ({
    kind: 'BATCH_ITEM_FAILED' as const,
    client: byId.get(item.tenantId) as VisibleClient,
    year: batch.year,
    month: batch.month,
    daysOverdue: null,
    since: dayOf(byId.get(item.tenantId) as VisibleClient, item.finishedAt),
    message: `${batch.action} failed: ${item.errorMessage ?? item.errorCode ?? 'unknown reason'}`,
    batchId: batch.id,
    errorCode: item.errorCode,
    action: batch.action,
  }));
}
