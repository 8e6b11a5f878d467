import { randomUUID } from 'node:crypto';
import { control, quoteIdent, tenant, tenantDb, withClient } from '@cifra/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectBehind, projectClients } from '../src/services/close-board-projection.service.ts';
import { saveUnavailable } from '../src/services/close-board-store.ts';
import { SweepMemory, sweepClientChanges } from '../src/services/close-board-sweep.service.ts';
import { type BoardFirm, openBoardFirm } from './board-firm.ts';
import { type Books, waitFor } from './support.ts';

/**
 * The worker's sweep asks a client's database only when its books may have moved since it was last
 * found clean (its server's count of rows inserted there), when its counts cannot be trusted, or
 * in turn; a change no announcement covered is still found, and a client whose server died is
 * still marked UNAVAILABLE.
 */

let firm: BoardFirm;
let alpha: BoardFirm['clients'][number];
let beta: BoardFirm['clients'][number];
let gamma: BoardFirm['clients'][number];

beforeAll(async () => {
  firm = await openBoardFirm(['alpha', 'beta', 'gamma']);
  [alpha, beta, gamma] = firm.clients as [typeof alpha, typeof beta, typeof gamma];
});

afterAll(async () => {
  await firm?.close();
});

/** One sweep, then the worker's projector until no client is behind. */
async function pass(memory?: SweepMemory) {
  const outcome = await sweepClientChanges(firm.deps, memory);
  while ((await projectBehind(firm.deps, { limit: 10, leaseMs: 60_000 })) > 0);
  return outcome;
}

/**
 * Sweep until a pass asks `n` clients: the counts of the writes made before (setting up the books,
 * projecting them) reach the server's statistics when the sessions that made them flush them. A
 * session flushes its counts at most once a second while it works and some seconds after it goes
 * idle, so one that wrote just before the pass could still bring a count later: each pass here is
 * preceded by closing the registry's connections to the clients and waiting for their sessions to
 * end, and a session that ends has flushed what it counted (before it leaves pg_stat_activity).
 */
async function settled(memory: SweepMemory, n = 0) {
  await waitFor(`a sweep that asks ${n}`, async () => {
    await sessionsEnded();
    return (await pass(memory)).asked === n;
  });
}

/** The registry's connections to the clients closed, and their sessions gone from the server. */
async function sessionsEnded() {
  for (const c of firm.clients) firm.registry.forget(c.id);
  const names = firm.clients.map((c) => c.books.db.name);
  await withClient(alpha.books.db.adminUrl, (admin) =>
    waitFor('the clients’ sessions to end', async () => {
      const { rows } = await admin.query<{ n: number }>(
        // The registry's own sessions: its pools name themselves 'cifra'.
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY ($1) AND application_name = 'cifra'`,
        [names],
      );
      return rows[0]?.n === 0;
    }),
  );
}

/** Which pass last asked each client (and found it clean). */
const askedIn = (memory: SweepMemory) => firm.clients.map((c) => memory.marks.get(c.id)?.pass);

/**
 * A change in a client's books that nobody announces (the service died before it could), its
 * count flushed to the server's statistics before this returns.
 */
async function unannounced(books: Books) {
  await withClient(books.db.adminUrl, async (c) => {
    await tenantDb(c)
      .insert(tenant.journalDrafts)
      .values({ postingDate: '2026-02-10', createdBy: randomUUID() });
    await c.query('SELECT pg_stat_force_next_flush()');
  });
}

async function asAdmin(books: Books, statement: string) {
  await withClient(books.db.adminUrl, (c) => c.query(statement));
}

async function projectionOf(client: { id: string }) {
  const [row] = await firm.deps.control
    .select()
    .from(control.clientCloseProjections)
    .where(eq(control.clientCloseProjections.tenantId, client.id));
  return row!;
}

describe('the close board sweep', () => {
  const memory = new SweepMemory({ rotation: Number.POSITIVE_INFINITY });

  it('asks every client on its first pass, then none while their books stand still', async () => {
    expect((await pass(memory)).asked).toBe(3);
    await settled(memory);
    expect(askedIn(memory).every((p) => p !== undefined)).toBe(true);
    // Without a memory every client is asked, as before.
    expect((await pass()).asked).toBe(3);
  });

  it('finds a change no announcement covered, asking only that client', async () => {
    await settled(memory);
    const [a, , g] = askedIn(memory);
    await unannounced(beta.books);
    expect(await pass(memory)).toEqual({ asked: 1, behind: 1, unavailable: 0 });
    expect(memory.marks.has(beta.id)).toBe(false);
    expect((await beta.books.app.select().from(tenant.closeBoardChanges)).length).toBe(0);
    const projected = await projectionOf(beta);
    expect(projected.projectedSeq).toBe(projected.changeSeq);
    // Found clean on the next pass, then left alone with the others.
    expect(await pass(memory)).toEqual({ asked: 1, behind: 0, unavailable: 0 });
    expect((await pass(memory)).asked).toBe(0);
    expect(askedIn(memory)).toEqual([a, memory.pass - 1, g]);
  });

  it('asks a client whose counts were reset, or may not count, or whose database refuses connections', async () => {
    await settled(memory);
    await asAdmin(alpha.books, 'SELECT pg_stat_reset()');
    expect(await pass(memory)).toEqual({ asked: 1, behind: 0, unavailable: 0 });
    expect(memory.marks.get(alpha.id)?.pass).toBe(memory.pass);
    await settled(memory);

    const gammaDb = quoteIdent(gamma.books.db.name);
    await asAdmin(gamma.books, `ALTER DATABASE ${gammaDb} SET track_counts = off`);
    try {
      // Asked every pass while its inserts may go uncounted.
      for (let i = 0; i < 2; i++) expect((await pass(memory)).asked).toBe(1);
      expect(memory.marks.has(gamma.id)).toBe(false);
    } finally {
      await asAdmin(gamma.books, `ALTER DATABASE ${gammaDb} RESET track_counts`);
    }
    await settled(memory);

    const betaDb = quoteIdent(beta.books.db.name);
    await asAdmin(alpha.books, `ALTER DATABASE ${betaDb} ALLOW_CONNECTIONS false`);
    try {
      expect((await pass(memory)).asked).toBe(1);
      expect(memory.marks.has(beta.id)).toBe(false);
    } finally {
      await asAdmin(alpha.books, `ALTER DATABASE ${betaDb} ALLOW_CONNECTIONS true`);
    }
    await settled(memory);
  });

  it('marks the clients of a server that refuses connections UNAVAILABLE unasked, and reads them once back', async () => {
    await settled(memory);
    await firm.moveTo(gamma, 'dead');
    try {
      // Its server refuses the sweep's own connection: its clients are marked without being asked.
      expect(await pass(memory)).toEqual({ asked: 0, behind: 0, unavailable: 1 });
      expect((await projectionOf(gamma)).unavailableCode).toBe('CONNECTION_REFUSED');
      expect(memory.marks.has(gamma.id)).toBe(false);
      expect(await pass(memory)).toEqual({ asked: 0, behind: 0, unavailable: 1 });
    } finally {
      await firm.moveTo(gamma, 'live');
    }
    expect(await pass(memory)).toEqual({ asked: 1, behind: 0, unavailable: 0 });
    const back = await projectionOf(gamma);
    expect(back.unavailableCode).toBeNull();
    expect(back.projectedSeq).toBe(back.changeSeq);
    await settled(memory);
  });

  it('asks the idle clients in turn, the one asked longest ago first', async () => {
    const turns = new SweepMemory({ rotation: 3 });
    expect((await pass(turns)).asked).toBe(3);
    // One a pass (a third of three), once every count has settled.
    await settled(turns, 1);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      expect((await pass(turns)).asked).toBe(1);
      seen.add(firm.clients.find((c) => turns.marks.get(c.id)?.pass === turns.pass)!.id);
    }
    expect(seen.size).toBe(3);
  });

  it('tries a client that stays down less and less often, at most every 5 minutes', async () => {
    const retry = { minMs: 10_000, maxMs: 300_000 };
    const why = { code: 'TIMEOUT' as const, reason: 'No answer' };
    /**
     * Seconds until the projector may try alpha again, and since when it has been down; each
     * bound below leaves seconds for the statements between (the clock runs on).
     */
    const backoff = async () => {
      const { rows } = await firm.deps.control.execute<{ wait: number; down: number | null }>(sql`
        SELECT extract(epoch FROM claimed_until - now())::float8 AS wait,
               extract(epoch FROM now() - unavailable_at)::float8 AS down
          FROM client_close_projections WHERE tenant_id = ${alpha.id}`);
      return rows[0]!;
    };
    const downSince = (interval: string) =>
      firm.deps.control.execute(sql`
        UPDATE client_close_projections SET unavailable_at = now() - ${interval}::interval
         WHERE tenant_id = ${alpha.id}`);
    await saveUnavailable(firm.deps.control, alpha.id, why, retry);
    expect((await backoff()).wait).toBeGreaterThan(5);
    expect((await backoff()).wait).toBeLessThanOrEqual(10);
    // Down for two minutes: tried again in two; the outage's start is kept.
    await downSince('2 minutes');
    await saveUnavailable(firm.deps.control, alpha.id, why, retry);
    const twoMinutes = await backoff();
    expect(twoMinutes.wait).toBeGreaterThan(110);
    expect(twoMinutes.wait).toBeLessThanOrEqual(125);
    expect(twoMinutes.down).toBeGreaterThanOrEqual(120);
    // Down for an hour: every 5 minutes at most.
    await downSince('1 hour');
    await saveUnavailable(firm.deps.control, alpha.id, why, retry);
    expect((await backoff()).wait).toBeGreaterThan(295);
    expect((await backoff()).wait).toBeLessThanOrEqual(300);
    // Read again: the outage is over, and the next one starts at 10 s.
    expect(await projectClients(firm.deps, [alpha.id])).toEqual([{ tenantId: alpha.id, ok: true }]);
    expect((await backoff()).down).toBeNull();
    await saveUnavailable(firm.deps.control, alpha.id, why, retry);
    expect((await backoff()).wait).toBeLessThanOrEqual(10);
    await projectClients(firm.deps, [alpha.id]);
  });
});
