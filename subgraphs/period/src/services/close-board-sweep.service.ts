import { type FanOutResult, fanOut, resolveSecrets, unavailable, withClient, withDatabase } from '@cifra/db';
import { sql } from 'drizzle-orm';
import { type ProjectionDeps, UNAVAILABLE_RETRY } from './close-board-projection.service.ts';
import { enrolNewClients, saveUnavailable, sweepCandidates } from './close-board-store.ts';

/**
 * The close board's safety net (docs/architecture/close-board.md, "The sweep"), run every minute by
 * the worker: finds the changes no announcement covered (the service that made them died between
 * the client's commit and the announcement), and marks the clients whose database does not answer.
 *
 * Asking every client's database every minute costs a login each: at 1,500 clients, 1,500 a minute
 * and seconds of both cores, which every request made during a sweep paid for. With a
 * `SweepMemory`, a client is asked only when its books may have moved since it was last found
 * clean. A change reaches a client's outbox only in a transaction that inserts a row there, and
 * PostgreSQL counts every row inserted in a database (`pg_stat_database.tup_inserted`, for every
 * database of a server in one statement); the sweep's and projector's reads insert nothing, so an
 * idle client's count stands still.
 */

/** A sweep asks every client at least once in this many passes, whatever its server's counts say. */
export const DEFAULT_SWEEP_ROTATION = 15;

/** A database as its server's statistics show it. */
type Signal = {
  /** The database's oid: a database dropped and made again under the same name is another. */
  datid: string;
  /** Rows inserted in it since its statistics were last reset. */
  inserted: string;
  /** When they were reset (`pg_stat_reset`, or lost in a crash); null if never. */
  reset: string | null;
};

/** What a client's server showed of its database just before the sweep found its outbox empty. */
type Mark = Signal & {
  server: string;
  /** The pass that asked it (the rotation asks the oldest first). */
  pass: number;
};

/**
 * A worker's memory of the clients it found clean, kept for the life of the process: a worker that
 * starts (or takes the sweep over from another) asks every client once. Stale marks are safe: a
 * count that moved since the mark, however long ago, means the client is asked.
 */
export class SweepMemory {
  readonly marks = new Map<string, Mark>();
  pass = 0;
  /** The `${NAME}` secrets the servers' directory URLs name (their admin passwords). */
  readonly secrets: Readonly<Record<string, string | undefined>>;
  /** Every client is asked at least once in this many passes. */
  readonly rotation: number;
  constructor(opts: { secrets?: Readonly<Record<string, string | undefined>>; rotation?: number } = {}) {
    this.secrets = opts.secrets ?? {};
    this.rotation = opts.rotation ?? DEFAULT_SWEEP_ROTATION;
  }
}

export interface SweepOutcome {
  /** Clients whose database was asked this pass. */
  asked: number;
  /** Of them, those whose outbox held changes no announcement covered (marked behind). */
  behind: number;
  /** Of them, those whose database did not answer (marked UNAVAILABLE). */
  unavailable: number;
}

/**
 * One sweep: every active client gets a summary row; the clients that may have changed (all of
 * them without a `memory`) are asked, bounded by the fan-out and read-only, whether their outbox
 * holds rows, and those are marked behind; one whose database does not answer is marked
 * UNAVAILABLE; one marked UNAVAILABLE that answers again is marked behind, so its summary is re-read.
 */
export async function sweepClientChanges(deps: ProjectionDeps, memory?: SweepMemory): Promise<SweepOutcome> {
  await enrolNewClients(deps.control);
  const candidates = await sweepCandidates(deps.control);
  const { ask, signals, down } = memory
    ? await whomToAsk(deps, memory, candidates)
    : { ask: candidates.map((c) => c.tenantId), signals: new Map<string, Mark>(), down: [] };
  const asked = await fanOut(
    deps.registry,
    ask,
    async (db) => {
      const { rows } = await db.execute<{ pending: boolean }>(
        sql`SELECT EXISTS (SELECT 1 FROM close_board_changes) AS pending`,
      );
      return rows[0]?.pending === true;
    },
    deps.fanOut,
  );
  const results = [...asked, ...down];
  if (memory) remember(memory, candidates, results, signals);
  const behind = results.filter((r) => r.ok && r.value).map((r) => r.tenantId);
  const back = results.filter((r) => r.ok).map((r) => r.tenantId);
  let unanswered = 0;
  for (const r of results) {
    if (r.ok) continue;
    unanswered++;
    await saveUnavailable(deps.control, r.tenantId, r, UNAVAILABLE_RETRY);
  }
  if (behind.length > 0) {
    await deps.control.execute(sql`
      UPDATE client_close_projections
         SET change_seq = change_seq + 1, changed_at = coalesce(changed_at, now())
       WHERE tenant_id IN ${behind}`);
  }
  if (back.length > 0) {
    await deps.control.execute(sql`
      UPDATE client_close_projections
         SET change_seq = change_seq + 1, changed_at = coalesce(changed_at, now()), claimed_until = NULL
       WHERE unavailable_code IS NOT NULL AND tenant_id IN ${back}`);
  }
  return { asked: ask.length, behind: behind.length, unavailable: unanswered };
}

/**
 * The clients this pass asks: those never found clean by this worker, marked UNAVAILABLE, moved to
 * another server, or whose database's counts moved or cannot be trusted (`signalsOf`);
 * and, whatever the counts say, the `1 / rotation` of the rest asked longest ago. Returns with them
 * each client's counts as read now, before any is asked, and the clients of the servers that did
 * not take a connection, not asked: each would only wait for the same silence.
 */
async function whomToAsk(
  deps: ProjectionDeps,
  memory: SweepMemory,
  candidates: { tenantId: string; unavailable: boolean }[],
): Promise<{ ask: string[]; signals: Map<string, Mark>; down: FanOutResult<boolean>[] }> {
  memory.pass++;
  const { signals, down } = await signalsOf(deps, memory, candidates);
  const serverDown = new Set(down.map((d) => d.tenantId));
  const ask: string[] = [];
  const idle: { tenantId: string; pass: number }[] = [];
  for (const { tenantId, unavailable: failedLastTime } of candidates) {
    if (serverDown.has(tenantId)) continue;
    const mark = memory.marks.get(tenantId);
    const now = signals.get(tenantId);
    if (failedLastTime || !mark || !now || !sameSignal(mark, now)) ask.push(tenantId);
    else idle.push({ tenantId, pass: mark.pass });
  }
  const share = Math.ceil(candidates.length / Math.max(1, memory.rotation));
  idle.sort((a, b) => a.pass - b.pass);
  ask.push(...idle.slice(0, share).map((c) => c.tenantId));
  return { ask, signals, down };
}

const sameSignal = (a: Mark, b: Mark) =>
  a.server === b.server && a.datid === b.datid && a.inserted === b.inserted && a.reset === b.reset;

/**
 * Each client's counts, one statement per database server, read as the server's admin (the
 * `${SECRET}`s of its directory URL from the worker's secrets): each client database closes the
 * statistics to its own logins (tenant migration 0024), and the server's maintenance database is
 * where they are all seen. A database has no counts here, so its client is asked, when its server's
 * statistics cannot be read for another reason than the server being down (this worker was not
 * given its admin secret, the admin login refused), when it is gone or refuses connections
 * (`ALLOW_CONNECTIONS false`), or when its inserts may not be counted: `track_counts` off for the
 * server, or set at all for the database or any login (the sweep's own session would not see it).
 * A server down (refusing the connection, or not taking it in time) has its clients in `down`.
 */
async function signalsOf(
  deps: ProjectionDeps,
  memory: SweepMemory,
  candidates: { tenantId: string }[],
): Promise<{ signals: Map<string, Mark>; down: FanOutResult<boolean>[] }> {
  await deps.registry.preloadLocations(candidates.map((c) => c.tenantId));
  const servers = new Map<string, Map<string, string>>();
  for (const { tenantId } of candidates) {
    const location = await deps.registry.location(tenantId).catch(() => undefined);
    if (!location) continue;
    const databases = servers.get(location.serverAdminUrl) ?? new Map<string, string>();
    servers.set(location.serverAdminUrl, databases.set(location.databaseName, tenantId));
  }
  const signals = new Map<string, Mark>();
  const down: FanOutResult<boolean>[] = [];
  await Promise.all(
    [...servers].map(async ([server, databases]) => {
      let rows: (Signal & { datname: string })[] = [];
      try {
        rows = await countsOn(server, [...databases.keys()], memory.secrets, deps.fanOut.timeoutMs);
      } catch (err) {
        const why = unavailable(err);
        if (why.code === 'CONNECTION_REFUSED' || why.code === 'TIMEOUT')
          for (const tenantId of databases.values()) down.push({ tenantId, ok: false, ...why });
      }
      for (const { datname, ...signal } of rows) {
        const tenantId = databases.get(datname);
        if (tenantId) signals.set(tenantId, { ...signal, server, pass: memory.pass });
      }
    }),
  );
  return { signals, down };
}

async function countsOn(
  serverAdminUrl: string,
  names: string[],
  secrets: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<(Signal & { datname: string })[]> {
  const url = withDatabase(resolveSecrets(serverAdminUrl, secrets), 'postgres');
  const limits = {
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'cifra-sweep',
  };
  const { rows } = await withClient(
    url,
    (c) =>
      c.query<Signal & { datname: string }>(
        `SELECT d.datname, d.oid::text AS datid, s.tup_inserted::text AS inserted, s.stats_reset::text AS reset
           FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
          WHERE d.datname = ANY($1::text[]) AND d.datallowconn
            AND current_setting('track_counts')::boolean
            AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting r, unnest(r.setconfig) c
                             WHERE r.setdatabase IN (0, d.oid) AND split_part(c, '=', 1) = 'track_counts')`,
        [names],
      ),
    limits,
  );
  return rows;
}

/**
 * Remember the clients found clean with the counts read before they were asked: a row inserted
 * after that read moves the counts, so the next pass asks again. A client found with changes, or
 * not answering, is forgotten (asked next pass); so is one no longer a candidate.
 */
function remember(
  memory: SweepMemory,
  candidates: { tenantId: string }[],
  results: FanOutResult<boolean>[],
  signals: Map<string, Mark>,
): void {
  const current = new Set(candidates.map((c) => c.tenantId));
  for (const id of memory.marks.keys()) if (!current.has(id)) memory.marks.delete(id);
  for (const r of results) {
    const signal = signals.get(r.tenantId);
    if (r.ok && !r.value && signal) memory.marks.set(r.tenantId, signal);
    else memory.marks.delete(r.tenantId);
  }
}
