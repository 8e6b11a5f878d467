import {
  type Caller,
  type ClientPageQuery,
  type ControlDb,
  control,
  type UnavailableCode,
  visibleClientsPageQuery,
} from '@cifra/db';
import type { CloseStage, CloseStatus, PeriodState } from '@cifra/domain';
import { and, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { type BackupFreshness, backupColumns, freshnessOfBackup } from './backup-freshness.ts';
import type { ClientChecklistItem, ClientCloseRow, ClientMonths, YearMonth } from './client-period.port.ts';

/**
 * The close board's read model in the control plane (control migrations 0022, 0027): the only file
 * that writes `client_close_projections` and `client_close_months` (the FX subgraph reads the
 * stale-rate counts through `@cifra/db`'s `staleRateSummary`).
 */

const P = control.clientCloseProjections;
const M = control.clientCloseMonths;

export interface Projection {
  tenantId: string;
  changeSeq: number;
  projectedSeq: number;
  asOf: Date | null;
  unavailableCode: UnavailableCode | null;
  unavailableReason: string | null;
}

export interface StoredMonth extends YearMonth {
  tenantId: string;
  endDate: string;
  submittedAt: Date | null;
  row: ClientCloseRow;
}

type TransitionJson = { action: string; actorId: string | null; actorEmail: string | null; at: string };

/** `column = ANY($1)`: one array parameter for a page's 500 ids, where `IN` binds 500. */
const anyOf = (column: typeof P.tenantId | typeof M.tenantId, ids: readonly string[]) =>
  sql`${column} = ANY(${sql.param([...ids])}::uuid[])`;

type MonthColumns = Pick<
  typeof M.$inferSelect,
  | 'periodId'
  | 'periodState'
  | 'closeStatus'
  | 'stage'
  | 'lastTransition'
  | 'openChecklist'
  | 'banksReconciled'
>;

function toRow(m: MonthColumns): ClientCloseRow {
  const t = m.lastTransition as TransitionJson | null;
  return {
    periodId: m.periodId,
    periodState: m.periodState as PeriodState,
    closeStatus: m.closeStatus as CloseStatus | null,
    stage: m.stage as CloseStage,
    lastTransition: t ? { ...t, at: new Date(t.at) } : null,
    openChecklistItems: m.openChecklist as ClientChecklistItem[],
    banksReconciled: m.banksReconciled,
  };
}

export async function projectionsOf(
  db: ControlDb,
  tenantIds: readonly string[],
): Promise<Map<string, Projection>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db.select().from(P).where(anyOf(P.tenantId, tenantIds));
  return new Map(
    rows.map((r) => [
      r.tenantId,
      {
        tenantId: r.tenantId,
        changeSeq: r.changeSeq,
        projectedSeq: r.projectedSeq,
        asOf: r.asOf,
        unavailableCode: r.unavailableCode as UnavailableCode | null,
        unavailableReason: r.unavailableReason,
      },
    ]),
  );
}

/** One month of every listed client (clients without a period for it are absent). */
export async function monthOf(
  db: ControlDb,
  tenantIds: readonly string[],
  at: YearMonth,
): Promise<Map<string, ClientCloseRow>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(M)
    .where(and(eq(M.year, at.year), eq(M.month, at.month), anyOf(M.tenantId, tenantIds)));
  return new Map(rows.map((m) => [m.tenantId, toRow(m)]));
}

/** One client of a board's page as `pageLines` reads it: the client, the caller's access, its summary. */
export interface PageLine {
  client: { id: string; slug: string; name: string; timezone: string; sandbox: boolean; archived: boolean };
  /** The caller's role there, or an integration's grant: `accessOf` (@cifra/db) makes it permissions. */
  access: { role: string | null; permissions: string[] | null };
  /** Absent: never projected. */
  projection: Projection | undefined;
  /** Absent: no period for the month. */
  month: ClientCloseRow | undefined;
  backup: BackupFreshness;
}

type PageLineSql = {
  id: string;
  firm_id: string;
  slug: string;
  name: string;
  timezone: string;
  sandbox: boolean;
  archived: boolean;
  role: string | null;
  permissions: string[] | null;
  projected: boolean;
  change_seq: string | number | null;
  projected_seq: string | number | null;
  as_of: string | Date | null;
  unavailable_code: string | null;
  unavailable_reason: string | null;
  period_id: string | null;
  period_state: string;
  close_status: string | null;
  stage: string;
  last_transition: unknown;
  open_checklist: unknown;
  banks_reconciled: boolean | null;
  last_verified: string | Date | null;
  max_age: unknown;
};

const dateOf = (v: string | Date | null) => (v === null ? null : new Date(v));

/**
 * A page of the board in one query: the caller's clients of the page (`visibleClientsPageQuery`,
 * behind the same walls as every firm view) with each one's summary, month and backup mark, by name
 * in code point order then id — one round trip where the page, the summaries, the month and the
 * backups were four, and only the columns the board shows.
 */
export async function pageLines(
  db: ControlDb,
  caller: Caller,
  page: Omit<ClientPageQuery, 'byCodePoint'>,
  at: YearMonth,
  now: Date = new Date(),
): Promise<PageLine[]> {
  const listing = visibleClientsPageQuery(db, caller, { ...page, byCodePoint: true });
  const { rows } = await db.execute<PageLineSql>(sql`
    SELECT v.id, v.firm_id, v.slug, v.name, v.timezone, v.sandbox, v.archived_at IS NOT NULL AS archived,
      v.role, v.permissions, p.tenant_id IS NOT NULL AS projected, p.change_seq, p.projected_seq, p.as_of,
      p.unavailable_code, p.unavailable_reason, m.period_id, m.period_state, m.close_status, m.stage,
      m.last_transition, m.open_checklist, m.banks_reconciled,
      ${backupColumns({ id: sql`v.id`, firmId: sql`v.firm_id` })}
    FROM (${listing}) AS v
    LEFT JOIN client_close_projections p ON p.tenant_id = v.id
    LEFT JOIN client_close_months m ON m.tenant_id = v.id AND m.year = ${at.year} AND m.month = ${at.month}
    ORDER BY v.name COLLATE "C", v.id`);
  return rows.map((r) => pageLineOf(r, now));
}

/** One row of `pageLines`' query as the board's line reads it. */
function pageLineOf(r: PageLineSql, now: Date): PageLine {
  const { id, slug, name, timezone, sandbox, archived } = r;
  return {
    client: { id, slug, name, timezone, sandbox, archived },
    access: { role: r.role, permissions: r.permissions },
    projection: r.projected
      ? {
          tenantId: r.id,
          changeSeq: Number(r.change_seq),
          projectedSeq: Number(r.projected_seq),
          asOf: dateOf(r.as_of),
          unavailableCode: r.unavailable_code as UnavailableCode | null,
          unavailableReason: r.unavailable_reason,
        }
      : undefined,
    month:
      r.period_id === null
        ? undefined
        : toRow({
            periodId: r.period_id,
            periodState: r.period_state,
            closeStatus: r.close_status,
            stage: r.stage,
            lastTransition: r.last_transition,
            openChecklist: r.open_checklist,
            banksReconciled: r.banks_reconciled,
          }),
    backup: freshnessOfBackup(r, now),
  };
}

/** What a month's board counts over its clients, read from the summaries without reading their lines. */
export interface StoredCounts {
  /** Clients never read yet (no summary, or one with neither a read nor a failure): counted after they are read. */
  unread: number;
  unavailable: number;
  behind: number;
  /** Per stored stage, over the clients whose database answered; stages with no client are absent. */
  stages: Map<CloseStage, number>;
}

/**
 * The board's counts for one month in two aggregate queries over the listed clients (`clients`: a
 * subquery of their ids, `visibleClientIds`), whatever their number: the same sums as counting
 * their lines (`countsOf` in close-board.service.ts), without a line or an id leaving the database.
 */
export async function countsOf(db: ControlDb, clients: SQL, at: YearMonth): Promise<StoredCounts> {
  const [totals, stages] = await Promise.all([
    db.execute<{ unread: number; unavailable: number; behind: number }>(sql`
      SELECT
        count(*) FILTER (WHERE p.tenant_id IS NULL OR (p.as_of IS NULL AND p.unavailable_code IS NULL))::int AS unread,
        count(*) FILTER (WHERE p.unavailable_code IS NOT NULL)::int AS unavailable,
        count(*) FILTER (WHERE p.tenant_id IS NULL OR p.as_of IS NULL OR p.change_seq > p.projected_seq)::int AS behind
      FROM (${clients}) AS t(id)
      LEFT JOIN client_close_projections p ON p.tenant_id = t.id`),
    db.execute<{ stage: string; n: number }>(sql`
      SELECT m.stage, count(*)::int AS n
      FROM client_close_months m
      LEFT JOIN client_close_projections p ON p.tenant_id = m.tenant_id
      WHERE m.tenant_id IN (${clients}) AND m.year = ${at.year} AND m.month = ${at.month}
        AND p.unavailable_code IS NULL
      GROUP BY m.stage`),
  ]);
  const t = totals.rows[0] ?? { unread: 0, unavailable: 0, behind: 0 };
  return {
    unread: t.unread,
    unavailable: t.unavailable,
    behind: t.behind,
    stages: new Map(stages.rows.map((r) => [r.stage as CloseStage, r.n])),
  };
}

/** Every stored month of the listed clients (the exceptions inbox). */
export async function monthsOf(db: ControlDb, tenantIds: readonly string[]): Promise<StoredMonth[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db
    .select()
    .from(M)
    .where(anyOf(M.tenantId, tenantIds))
    .orderBy(M.tenantId, M.year, M.month);
  return rows.map((m) => ({
    tenantId: m.tenantId,
    year: m.year,
    month: m.month,
    endDate: m.endDate,
    submittedAt: m.submittedAt,
    row: toRow(m),
  }));
}

/**
 * Replace a client's months with a fresh read and mark its summary current up to `seq` (the change
 * count seen before reading): a change announced meanwhile keeps it behind. Idempotent: the same
 * read written twice leaves the same rows.
 */
export async function saveProjection(
  db: ControlDb,
  tenantId: string,
  seq: number,
  read: ClientMonths,
): Promise<void> {
  await db.transaction(async (tx) => {
    // The projection row first: it is the lock that orders two projectors writing one client.
    await tx.execute(sql`
      INSERT INTO client_close_projections AS p (tenant_id, change_seq, projected_seq, as_of)
      VALUES (${tenantId}, ${seq}, ${seq}, ${read.asOf})
      ON CONFLICT (tenant_id) DO UPDATE SET
        projected_seq = greatest(p.projected_seq, excluded.projected_seq),
        changed_at = CASE WHEN p.change_seq <= excluded.projected_seq THEN NULL ELSE p.changed_at END,
        as_of = greatest(p.as_of, excluded.as_of),
        claimed_until = NULL, unavailable_code = NULL, unavailable_reason = NULL, unavailable_at = NULL`);
    // An older snapshot than the one stored (a slower projector of the same client) writes nothing.
    const [current] = await tx.select({ asOf: P.asOf }).from(P).where(eq(P.tenantId, tenantId));
    if (current?.asOf && current.asOf > read.asOf) return;
    await tx.delete(M).where(eq(M.tenantId, tenantId));
    if (read.months.length === 0) return;
    await tx.insert(M).values(
      read.months.map((m) => ({
        tenantId,
        year: m.year,
        month: m.month,
        periodId: m.row.periodId as string,
        periodState: m.row.periodState as string,
        closeStatus: m.row.closeStatus,
        stage: m.row.stage as string,
        endDate: m.endDate,
        submittedAt: m.submittedAt,
        lastTransition: m.row.lastTransition
          ? { ...m.row.lastTransition, at: m.row.lastTransition.at.toISOString() }
          : null,
        openChecklist: m.row.openChecklistItems,
        staleRateEntries: m.staleRateEntries,
        banksReconciled: m.row.banksReconciled,
      })),
    );
  });
}

/** When the projector tries a client whose database did not answer again (`saveUnavailable`). */
export interface RetryBackoff {
  /** After its first failure. */
  minMs: number;
  /** At most, however long it has been down. */
  maxMs: number;
}

/**
 * The client's database did not answer: its rows stay, marked, and the projector tries it again
 * after as long as it has been down (`unavailable_at` keeps the first failure of this outage,
 * cleared by the projection that reads it again), between `retry.minMs` and `retry.maxMs`. A
 * server with hundreds of clients down is then tried a few times a minute, not hundreds.
 */
export async function saveUnavailable(
  db: ControlDb,
  tenantId: string,
  why: { code: UnavailableCode; reason: string },
  retry: RetryBackoff,
): Promise<void> {
  const [min, max] = [retry.minMs / 1000, retry.maxMs / 1000];
  await db.execute(sql`
    INSERT INTO client_close_projections AS p (tenant_id, changed_at, unavailable_code, unavailable_reason, unavailable_at, claimed_until)
    VALUES (${tenantId}, now(), ${why.code}, ${why.reason}, now(), now() + make_interval(secs => ${min}))
    ON CONFLICT (tenant_id) DO UPDATE SET
      changed_at = coalesce(p.changed_at, now()),
      unavailable_code = excluded.unavailable_code, unavailable_reason = excluded.unavailable_reason,
      unavailable_at = coalesce(p.unavailable_at, excluded.unavailable_at),
      claimed_until = now() + least(make_interval(secs => ${max}),
        greatest(make_interval(secs => ${min}), now() - coalesce(p.unavailable_at, now())))`);
}

/**
 * Which clients behind a projector's pass takes: those whose database answered last time, those it
 * did not (`UNAVAILABLE`, taken again once their retry time has come), or both, answering ones first.
 */
export type ClaimFrom = 'answering' | 'unavailable' | 'all';

/**
 * Take up to `limit` clients whose summary is behind and that no live projector holds, for
 * `leaseMs`; returns each with the change count its projection will cover. A projector that dies
 * lets its lease lapse and another takes the client.
 */
export async function claimBehind(
  db: ControlDb,
  limit: number,
  leaseMs: number,
  from: ClaimFrom = 'all',
): Promise<{ tenantId: string; seq: number }[]> {
  const only =
    from === 'answering'
      ? sql`AND unavailable_code IS NULL`
      : from === 'unavailable'
        ? sql`AND unavailable_code IS NOT NULL`
        : sql``;
  const { rows } = await db.execute<{ tenant_id: string; change_seq: string }>(sql`
    UPDATE client_close_projections p SET claimed_until = now() + make_interval(secs => ${leaseMs / 1000})
     WHERE tenant_id IN (
       SELECT tenant_id FROM client_close_projections
        WHERE changed_at IS NOT NULL AND (claimed_until IS NULL OR claimed_until < now()) ${only}
        ORDER BY unavailable_code IS NOT NULL, changed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING tenant_id, change_seq`);
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.change_seq) }));
}

/** The change count of one client now (a projection on demand covers at least this). */
export async function changeSeqOf(db: ControlDb, tenantId: string): Promise<number> {
  const [row] = await db.select({ seq: P.changeSeq }).from(P).where(eq(P.tenantId, tenantId));
  return row?.seq ?? 0;
}

/** Active clients with no summary row yet get one, behind (a client provisioned since the last sweep). */
export async function enrolNewClients(db: ControlDb): Promise<void> {
  await db.execute(sql`
    INSERT INTO client_close_projections (tenant_id, changed_at)
    SELECT id, now() FROM tenants WHERE status = 'ACTIVE'
    ON CONFLICT (tenant_id) DO NOTHING`);
}

/**
 * The clients the sweep looks at: active ones whose books can change, each with whether its last
 * read failed (`UNAVAILABLE`: always asked again). An archived client's database refuses writes,
 * so nothing new reaches its outbox, and the rows left there could not be deleted (the sweep would
 * mark it behind every minute for ever); its last projection stands.
 */
export async function sweepCandidates(db: ControlDb): Promise<{ tenantId: string; unavailable: boolean }[]> {
  const rows = await db
    .select({ tenantId: control.tenants.id, code: P.unavailableCode })
    .from(control.tenants)
    .leftJoin(P, eq(P.tenantId, control.tenants.id))
    .where(and(eq(control.tenants.status, 'ACTIVE'), isNull(control.tenants.archivedAt)));
  return rows.map((r) => ({ tenantId: r.tenantId, unavailable: r.code !== null }));
}

/** How many clients are behind, and since when the oldest waits (metrics, the bench). */
export async function behindCount(db: ControlDb): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(P).where(isNotNull(P.changedAt));
  return row?.n ?? 0;
}
