import {
  type Actor,
  ALL_CLIENTS,
  accessOf,
  type Caller,
  type ClientAccess,
  type ClientListFilter,
  type ControlDb,
  firmView,
  type TenantRegistry,
  visibleClientIds,
  visibleClients,
} from '@cifra/db';
import { type CloseStage, CloseStages, DomainError } from '@cifra/domain';
import { type Permission, Permissions } from '@cifra/permissions';
import type { SQL } from 'drizzle-orm';
import { type BackupFreshness, backupFreshness } from './backup-freshness.ts';
import type { ClientCloseRow, ClientPeriodPort, YearMonth } from './client-period.port.ts';
import { projectClients } from './close-board-projection.service.ts';
import {
  monthOf,
  type Projection,
  pageLines,
  projectionsOf,
  countsOf as storedCounts,
} from './close-board-store.ts';
import type { FanOutOptions, UnavailableCode } from './fan-out.ts';
import { checkYearMonth } from './year-month.ts';

export interface FirmViewDeps {
  control: ControlDb;
  registry: TenantRegistry;
  port: ClientPeriodPort;
  fanOut: FanOutOptions;
}

export interface VisibleClient {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  /** A sandbox client (shown only when a view asks for sandboxes). */
  sandbox: boolean;
  /** An archived client (its books read-only). */
  archived: boolean;
  /** The caller's permissions on this client (their role there). */
  permissions: readonly Permission[];
}

/** How fresh a client's line is: read from its database at `asOf`; `behind` when a change since is not in it yet. */
export interface Freshness {
  asOf: Date | null;
  behind: boolean;
}

export type CloseBoardEntry = { client: VisibleClient; backup?: BackupFreshness } & Freshness &
  (
    | { availability: 'AVAILABLE'; row: ClientCloseRow }
    | { availability: 'UNAVAILABLE'; code: UnavailableCode; reason: string }
  );

/** Where a page of the board starts and how long it is (board-page.ts parses the arguments). */
export interface BoardPageQuery {
  first: number;
  /** The (name, id) of the previous page's last client. */
  after: readonly [string, string] | null;
  /** Only this client's line. */
  clientId: string | null;
}

/**
 * A month's close board for one caller, read only as far as a field asks: a page's clients and
 * lines for a page (`clientsConnection`), the counts summed in the control plane, every line for the
 * deprecated unpaged list. A page's cost does not grow with the firm's number of clients.
 */
export interface CloseBoard {
  year: number;
  month: number;
  /** A page of lines by client name then id (code point order), and whether another page follows. */
  page(query: BoardPageQuery): Promise<{ lines: CloseBoardEntry[]; more: boolean }>;
  /** Every line of the board. */
  allLines(): Promise<CloseBoardEntry[]>;
  /** What the board counts over every line (read once per request, whichever count asks). */
  counts(): Promise<CloseBoardCounts>;
}

/** What the board counts over all its lines. */
export interface CloseBoardCounts {
  stageCounts: { stage: CloseStage; count: number }[];
  unavailableCount: number;
  /** Clients whose line does not show their latest change yet. */
  behindCount: number;
}

/** Stages in the order of the board's columns (CloseStages), those with no client left out. */
const stageCountsOf = (counts: ReadonlyMap<CloseStage, number>) =>
  CloseStages.flatMap((stage) => {
    const count = counts.get(stage) ?? 0;
    return count > 0 ? [{ stage, count }] : [];
  });

function countsOf(entries: readonly CloseBoardEntry[]): CloseBoardCounts {
  const counts = new Map<CloseStage, number>();
  for (const e of entries) {
    if (e.availability === 'AVAILABLE' && e.row.stage)
      counts.set(e.row.stage, (counts.get(e.row.stage) ?? 0) + 1);
  }
  return {
    stageCounts: stageCountsOf(counts),
    unavailableCount: entries.filter((e) => e.availability === 'UNAVAILABLE').length,
    behindCount: entries.filter((e) => e.behind).length,
  };
}

/**
 * The clients whose periods the caller may read: their own role on each client (an integration's
 * grant there) must hold Period.Read. Sandboxes and archived clients as `filter` says (every client
 * unless a view narrows it).
 */
export async function clientsWithPeriodAccess(
  control: ControlDb,
  caller: Caller,
  filter: ClientListFilter = ALL_CLIENTS,
): Promise<VisibleClient[]> {
  const rows = await visibleClients(control, caller, filter);
  return rows.map(visibleClient).filter((c) => c.permissions.includes(Permissions.Period.Read));
}

function visibleClient({ tenant, permissions }: ClientAccess): VisibleClient {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    timezone: tenant.timezone,
    sandbox: tenant.sandbox,
    archived: tenant.archivedAt !== null,
    permissions,
  };
}

const NO_PERIOD: ClientCloseRow = {
  periodId: null,
  periodState: null,
  closeStatus: null,
  stage: null,
  lastTransition: null,
  openChecklistItems: [],
  banksReconciled: null,
};

/**
 * The read model's summaries of these clients. A client never projected yet (just provisioned, or
 * before the worker's first sweep) is read from its own database now — bounded by the fan-out — so
 * no client is ever missing from a view; every other client costs no tenant connection.
 */
export async function summariesOf(
  deps: FirmViewDeps,
  tenantIds: readonly string[],
): Promise<Map<string, Projection>> {
  const projections = await projectionsOf(deps.control, tenantIds);
  const unread = tenantIds.filter((id) => neverRead(projections.get(id)));
  if (unread.length === 0) return projections;
  await projectClients(deps, unread);
  for (const [id, p] of await projectionsOf(deps.control, unread)) projections.set(id, p);
  return projections;
}

/** A client never read yet: no summary, or one with neither a read nor a failure. */
const neverRead = (p: Projection | undefined) => !p || (p.asOf === null && p.unavailableCode === null);

export function freshnessOf(p: Projection | undefined): Freshness {
  return { asOf: p?.asOf ?? null, behind: !p || p.asOf === null || p.changeSeq > p.projectedSeq };
}

/** One client's board line from its summary. */
export function entryOf(
  client: VisibleClient,
  p: Projection | undefined,
  row: ClientCloseRow | undefined,
): CloseBoardEntry {
  if (p?.unavailableCode) {
    return {
      client,
      ...freshnessOf(p),
      availability: 'UNAVAILABLE',
      code: p.unavailableCode,
      reason: p.unavailableReason ?? "The client's database could not be read",
    };
  }
  return { client, ...freshnessOf(p), availability: 'AVAILABLE', row: row ?? NO_PERIOD };
}

/**
 * Every client the caller may see, with its close state for one month, from the control plane's
 * read model. A page is one query for its clients (cut in SQL, behind the caller's walls) and their
 * lines (summaries, month, backups: `pageLines`); the counts are two aggregate queries over the
 * same clients as a subquery: nothing a request does grows with the firm but the control plane's
 * sums, and a firm of 1,500 clients read page by page reads each line once. Each line says when it
 * was read from the client (`asOf`) and whether a change since is still on its way; a client whose
 * database did not answer the projector is UNAVAILABLE with the reason.
 */
export async function closeBoard(
  deps: FirmViewDeps,
  caller: Actor & Caller,
  at: YearMonth & { includeSandboxes?: boolean | null; includeArchived?: boolean | null },
): Promise<CloseBoard> {
  checkYearMonth(at);
  // Sandboxes and archived clients stay out of the rows and the counts unless asked for.
  const filter = firmView(at);
  const holding = Permissions.Period.Read;
  let all: Promise<CloseBoardEntry[]> | undefined;
  let counts: Promise<CloseBoardCounts> | undefined;
  const allLines = () => {
    all ??= clientsWithPeriodAccess(deps.control, caller, filter).then((c) => boardLines(deps, c, at));
    return all;
  };
  return {
    year: at.year,
    month: at.month,
    allLines,
    counts: () => {
      counts ??= boardCounts(deps, visibleClientIds(deps.control, caller, { filter, holding }), at, allLines);
      return counts;
    },
    page: async ({ first, after, clientId }) => {
      const query = { after, limit: first + 1, filter, holding, id: clientId };
      const rows = await pageLines(deps.control, caller, query, at);
      const more = rows.length > first;
      const shown = rows.slice(0, first);
      const clients = shown.map((r) => ({ ...r.client, permissions: accessOf(caller, r.access) }));
      // A client never read yet is read now, as for a whole board.
      if (shown.some((r) => neverRead(r.projection)))
        return { lines: await boardLines(deps, clients, at), more };
      const lines = shown.map((r, i) => ({
        ...entryOf(clients[i] as VisibleClient, r.projection, r.month),
        backup: r.backup,
      }));
      return { lines, more };
    },
  };
}

/**
 * The board's counts summed by the control plane, without reading a line: a page of the board that
 * asks for its counts reads its own lines only. A client never read yet must be read first (as its
 * line would be), so then the counts come from every line as before.
 */
async function boardCounts(
  deps: FirmViewDeps,
  clients: SQL,
  at: YearMonth,
  allLines: () => Promise<CloseBoardEntry[]>,
): Promise<CloseBoardCounts> {
  const stored = await storedCounts(deps.control, clients, at);
  if (stored.unread > 0) return countsOf(await allLines());
  return {
    stageCounts: stageCountsOf(stored.stages),
    unavailableCount: stored.unavailable,
    behindCount: stored.behind,
  };
}

/** These clients' lines for the month, with their backup mark. */
async function boardLines(
  deps: FirmViewDeps,
  clients: readonly VisibleClient[],
  at: YearMonth,
): Promise<CloseBoardEntry[]> {
  if (clients.length === 0) return [];
  const ids = clients.map((c) => c.id);
  const summaries = await summariesOf(deps, ids);
  const rows = await monthOf(deps.control, ids, at);
  const backups = await backupFreshness(deps.control, ids);
  return clients.map((c) => ({
    ...entryOf(c, summaries.get(c.id), rows.get(c.id)),
    backup: backups.get(c.id),
  }));
}

/**
 * Read one client again now, on demand (`refreshCloseBoardClient`), and answer its line for the
 * month. Only a client whose periods the caller may read; any other slug — unknown or foreign —
 * gets the same FORBIDDEN.
 */
export async function refreshCloseBoardClient(
  deps: FirmViewDeps,
  caller: Actor & Caller,
  args: YearMonth & { slug: string },
): Promise<CloseBoardEntry> {
  checkYearMonth(args);
  const client = (await clientsWithPeriodAccess(deps.control, caller)).find((c) => c.slug === args.slug);
  if (!client) throw new DomainError('FORBIDDEN', 'You may not read the periods of that client');
  await projectClients(deps, [client.id]);
  const p = (await projectionsOf(deps.control, [client.id])).get(client.id);
  const row = (await monthOf(deps.control, [client.id], args)).get(client.id);
  return entryOf(client, p, row);
}
