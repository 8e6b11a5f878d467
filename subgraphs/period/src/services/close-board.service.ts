import { type Actor, type Caller, type ControlDb, type TenantRegistry, visibleClients } from '@cifra/db';
import { badInput, type CloseStage } from '@cifra/domain';
import { type Permission, Permissions } from '@cifra/permissions';
import { type BackupFreshness, backupFreshness } from './backup-freshness.ts';
import type { ClientCloseRow, ClientPeriodPort, YearMonth } from './client-period.port.ts';
import { type FanOutOptions, fanOut, type UnavailableCode } from './fan-out.ts';

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
  /** The caller's permissions on this client (their role there). */
  permissions: Permission[];
}

export type CloseBoardEntry = { client: VisibleClient; backup?: BackupFreshness } & (
  | { availability: 'AVAILABLE'; row: ClientCloseRow }
  | { availability: 'UNAVAILABLE'; code: UnavailableCode; reason: string }
);

export interface CloseBoard {
  year: number;
  month: number;
  clients: CloseBoardEntry[];
  stageCounts: { stage: CloseStage; count: number }[];
  unavailableCount: number;
}

export function checkYearMonth({ year, month }: YearMonth): void {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw badInput('month must be 1 to 12', { month });
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw badInput('year is out of range', { year });
}

/**
 * The clients whose periods the caller may read: their own role on each client (an integration's
 * grant there) must hold Period.Read.
 */
export async function clientsWithPeriodAccess(control: ControlDb, caller: Caller): Promise<VisibleClient[]> {
  const rows = await visibleClients(control, caller);
  return rows
    .map(({ tenant, permissions }) => ({
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      timezone: tenant.timezone,
      permissions,
    }))
    .filter((c) => c.permissions.includes(Permissions.Period.Read));
}

/**
 * Every client the caller may see, with its close state for one month: one read per client
 * database, bounded in concurrency and time; a client that does not answer is UNAVAILABLE and the
 * others still answer.
 */
export async function closeBoard(
  deps: FirmViewDeps,
  caller: Actor & Caller,
  at: YearMonth,
): Promise<CloseBoard> {
  checkYearMonth(at);
  const clients = await clientsWithPeriodAccess(deps.control, caller);
  const byId = new Map(clients.map((c) => [c.id, c]));
  const results = await fanOut(
    deps.registry,
    clients.map((c) => c.id),
    (db, tenantId) =>
      deps.port.readCloseRow(db, { ...caller, permissions: byId.get(tenantId)?.permissions ?? [] }, at),
    deps.fanOut,
  );
  const entries: CloseBoardEntry[] = results.map((r, i) => {
    const client = clients[i] as VisibleClient;
    return r.ok
      ? { client, availability: 'AVAILABLE', row: r.value }
      : { client, availability: 'UNAVAILABLE', code: r.code, reason: r.reason };
  });
  // The backup mark: one control-plane query for every client on the board.
  const backups = await backupFreshness(
    deps.control,
    clients.map((c) => c.id),
  );
  for (const e of entries) e.backup = backups.get(e.client.id);
  const counts = new Map<CloseStage, number>();
  for (const e of entries) {
    if (e.availability === 'AVAILABLE' && e.row.stage)
      counts.set(e.row.stage, (counts.get(e.row.stage) ?? 0) + 1);
  }
  return {
    ...at,
    clients: entries,
    stageCounts: [...counts].map(([stage, count]) => ({ stage, count })),
    unavailableCount: entries.filter((e) => e.availability === 'UNAVAILABLE').length,
  };
}
