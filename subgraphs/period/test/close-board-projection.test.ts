import {
  announceClientChanges,
  clientsWithoutStaleRates,
  inTransaction,
  type TenantRegistry,
  tenant,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { postEntry } from '@cifra/engine';
import { Permissions } from '@cifra/permissions';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientActor, clientPeriodPort } from '../src/services/client-period.ts';
import {
  type CloseBoardEntry,
  closeBoard,
  entryOf,
  type FirmViewDeps,
  summariesOf,
} from '../src/services/close-board.service.ts';
import { projectBehind, projectClients } from '../src/services/close-board-projection.service.ts';
import { claimBehind, countsOf, monthOf, saveProjection } from '../src/services/close-board-store.ts';
import { sweepClientChanges } from '../src/services/close-board-sweep.service.ts';
import { fanOut } from '../src/services/fan-out.ts';
import { lockPeriod, startPeriodClose } from '../src/services/index.ts';
import { type BoardFirm, openBoardFirm } from './board-firm.ts';
import { actorFor, type Books, periodId, post } from './support.ts';

/**
 * The close board's read model against the truth: after random transitions, postings, drafts and
 * a client database outage, the board built from the control plane equals a live read of every
 * client's database; the projection is idempotent, loses no change committed while it reads, and a
 * projector that dies lets another finish its clients.
 */

let firm: BoardFirm;
let registry: TenantRegistry;
let deps: FirmViewDeps;
let clients: BoardFirm['clients'];
const senior = actorFor('Senior');
const reader: ClientActor = { userId: null, email: 'board@test', permissions: [Permissions.Period.Read] };
const MONTHS = [1, 2, 3];
let firmSenior: Parameters<typeof closeBoard>[1];

beforeAll(async () => {
  firm = await openBoardFirm(['alpha', 'beta', 'gamma']);
  ({ registry, deps, clients, firmSenior } = firm);
});

afterAll(async () => {
  await firm?.close();
});

/** What the board shows of a line, without its freshness (a live read has none). */
function shown(e: CloseBoardEntry) {
  return e.availability === 'AVAILABLE'
    ? { slug: e.client.slug, availability: e.availability, row: e.row }
    : { slug: e.client.slug, availability: e.availability, code: e.code };
}

/** The board as a page of `clientsConnection` serves it (one query for the page's clients and their lines). */
async function projectedBoard(month: number) {
  const board = await closeBoard(deps, firmSenior, { year: 2026, month });
  const { lines, more } = await board.page({ first: 500, after: null, clientId: null });
  expect(more).toBe(false);
  return lines;
}

/** The same lines from the summaries and months read client by client (the whole, unpaged board's way). */
async function summarisedBoard(month: number) {
  const ids = clients.map((c) => c.id);
  const summaries = await summariesOf(deps, ids);
  const rows = await monthOf(deps.control, ids, { year: 2026, month });
  return clients.map((c) => entryOf(c.visible, summaries.get(c.id), rows.get(c.id)));
}

/** The counts the board shows, tallied here from its lines (what the control plane's sums must equal). */
function tally(board: readonly CloseBoardEntry[]) {
  const stages = new Map<string, number>();
  for (const e of board)
    if (e.availability === 'AVAILABLE' && e.row.stage)
      stages.set(e.row.stage, (stages.get(e.row.stage) ?? 0) + 1);
  return {
    unread: 0,
    unavailable: board.filter((e) => e.availability === 'UNAVAILABLE').length,
    behind: board.filter((e) => e.behind).length,
    stages,
  };
}

/** The board as the old design computed it: every client's database read now. */
async function liveBoard(month: number) {
  const results = await fanOut(
    registry,
    clients.map((c) => c.id),
    (db) => clientPeriodPort.readCloseRow(db, reader, { year: 2026, month }),
    deps.fanOut,
  );
  return results.map((r, i) => {
    const client = clients[i]!.visible;
    return r.ok
      ? { slug: client.slug, availability: 'AVAILABLE', row: r.value }
      : { slug: client.slug, availability: 'UNAVAILABLE', code: r.code };
  });
}

/** What the worker does: the sweep, then projection passes until no client is behind. */
async function catchUp() {
  await sweepClientChanges(deps);
  while ((await projectBehind(deps, { limit: 10, leaseMs: 60_000 })) > 0);
}

const ignoreRefusal = (err: unknown) => {
  if (!(err instanceof DomainError)) throw err;
};

type Op =
  | {
      kind: 'lock';
      client: number;
      month: number;
      state: 'LOCK_SALES' | 'LOCK_PURCHASING' | 'LOCK_SALES_AND_PURCHASING';
    }
  | { kind: 'startClose'; client: number; month: number }
  | { kind: 'post'; client: number; month: number; amount: number }
  | { kind: 'draft'; client: number; month: number }
  | { kind: 'discardDrafts'; client: number }
  | { kind: 'outage'; client: number }
  | { kind: 'restore' };

const client = fc.integer({ min: 0, max: 2 });
const month = fc.constantFrom(...MONTHS);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('lock' as const),
    client,
    month,
    state: fc.constantFrom(
      'LOCK_SALES' as const,
      'LOCK_PURCHASING' as const,
      'LOCK_SALES_AND_PURCHASING' as const,
    ),
  }),
  fc.record({ kind: fc.constant('startClose' as const), client, month }),
  fc.record({
    kind: fc.constant('post' as const),
    client,
    month,
    amount: fc.integer({ min: 1, max: 99_999 }),
  }),
  fc.record({ kind: fc.constant('draft' as const), client, month }),
  fc.record({ kind: fc.constant('discardDrafts' as const), client }),
  fc.record({ kind: fc.constant('outage' as const), client }),
  fc.record({ kind: fc.constant('restore' as const) }),
);

async function apply(o: Op, down: Set<number>) {
  if (o.kind === 'restore') {
    for (const i of down) await firm.moveTo(clients[i]!, 'live');
    down.clear();
    return;
  }
  const c = clients[o.client]!;
  if (o.kind === 'outage') {
    await firm.moveTo(c, 'dead');
    down.add(o.client);
    return;
  }
  if (down.has(o.client)) return; // nobody can write to a client whose server is down
  const day = `2026-${String('month' in o ? o.month : 1).padStart(2, '0')}-15`;
  switch (o.kind) {
    case 'lock':
      await lockPeriod(c.books.app, senior, {
        periodId: await periodId(c.books, 2026, o.month),
        state: o.state,
      }).catch(ignoreRefusal);
      return;
    case 'startClose':
      await startPeriodClose(c.books.app, senior, { periodId: await periodId(c.books, 2026, o.month) }).catch(
        ignoreRefusal,
      );
      return;
    case 'post':
      await post(c.books, day, [
        ['1110', BigInt(o.amount)],
        ['3101', -BigInt(o.amount)],
      ]).catch(ignoreRefusal);
      return;
    case 'draft':
      await c.books.app.insert(tenant.journalDrafts).values({ postingDate: day, createdBy: senior.userId! });
      return;
    case 'discardDrafts':
      await c.books.app
        .update(tenant.journalDrafts)
        .set({ status: 'DISCARDED' })
        .where(eq(tenant.journalDrafts.status, 'DRAFT'));
      return;
  }
}

/** These ids as the subquery `countsOf` counts over. */
const idList = (ids: readonly string[]) => sql`SELECT unnest(${sql.param([...ids])}::uuid[])`;

describe('the close board read model', () => {
  it('equals a live read of every client after random transitions, postings and an outage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const down = new Set<number>();
        try {
          for (const o of ops) await apply(o, down);
          await catchUp();
          for (const m of MONTHS) {
            const board = await projectedBoard(m);
            expect(board.map(shown)).toEqual(await liveBoard(m));
            // The page's one query reads the same summaries as reading them client by client.
            const fresh = (e: CloseBoardEntry) => [shown(e), e.behind, e.asOf];
            expect(board.map(fresh)).toEqual((await summarisedBoard(m)).map(fresh));
            // The counts summed by the control plane equal the lines' own tally.
            const ids = clients.map((c) => c.id);
            expect(await countsOf(deps.control, idList(ids), { year: 2026, month: m })).toEqual(tally(board));
          }
          // Every client that answers is caught up; one that is down may still be behind (changes
          // made, or never read, before it went down): it is shown UNAVAILABLE, as the live read.
          for (const e of await projectedBoard(1))
            if (e.availability === 'AVAILABLE') expect(e.behind).toBe(false);
        } finally {
          if (down.size > 0) await apply({ kind: 'restore' }, down);
        }
      }),
      { numRuns: 6, endOnFailure: true },
    );
    // Back up after the last outage: the sweep marks the client behind and it is read again.
    await catchUp();
    for (const m of MONTHS) expect((await projectedBoard(m)).map(shown)).toEqual(await liveBoard(m));
    for (const e of await projectedBoard(1)) expect(e.behind).toBe(false);
  });

  it('counts a client never read as 1 unread and 1 behind of 4, its stage not counted', async () => {
    const ids = clients.map((c) => c.id);
    await catchUp();
    const known = await countsOf(deps.control, idList(ids), { year: 2026, month: 1 });
    const unknown = '00000000-0000-4000-8000-000000000001';
    const counts = await countsOf(deps.control, idList([...ids, unknown]), { year: 2026, month: 1 });
    expect(counts).toEqual({ ...known, unread: 1, behind: known.behind + 1 });
    expect([...known.stages.values()].reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('is idempotent: projecting again writes the same rows and leaves the outbox empty', async () => {
    const ids = clients.map((c) => c.id);
    await projectClients(deps, ids);
    const before = await deps.control.execute(
      sql`SELECT * FROM client_close_months ORDER BY tenant_id, year, month`,
    );
    await projectClients(deps, ids);
    await projectClients(deps, ids);
    const after = await deps.control.execute(
      sql`SELECT * FROM client_close_months ORDER BY tenant_id, year, month`,
    );
    expect(after.rows).toEqual(before.rows);
    for (const c of clients) expect(await c.books.app.select().from(tenant.closeBoardChanges)).toEqual([]);
  });

  it('keeps a change committed while a projection reads, and projects it next', async () => {
    const c = clients[0]!;
    await c.books.app
      .insert(tenant.journalDrafts)
      .values({ postingDate: '2026-02-10', createdBy: senior.userId! });
    const db = await registry.db(c.id);
    const read = await clientPeriodPort.readClientMonths(db);
    expect(read.changes).toHaveLength(1);
    // Committed after the snapshot: not in `read`, and not deleted with the rows it covered.
    await c.books.app
      .insert(tenant.journalDrafts)
      .values({ postingDate: '2026-02-11', createdBy: senior.userId! });
    await saveProjection(deps.control, c.id, 0, read);
    await db.delete(tenant.closeBoardChanges).where(sql`txid IN ${read.changes}`);
    expect(await c.books.app.select().from(tenant.closeBoardChanges)).toHaveLength(1);
    await catchUp();
    expect((await projectedBoard(2)).map(shown)).toEqual(await liveBoard(2));
  });

  it('lets another projector finish the clients of one that died holding them', async () => {
    const c = clients[1]!;
    await c.books.app
      .insert(tenant.journalDrafts)
      .values({ postingDate: '2026-03-10', createdBy: senior.userId! });
    await announceClientChanges(deps.control, [c.id]);
    // The first projector claims the client, then dies before reading it.
    expect((await claimBehind(deps.control, 10, 60_000)).map((x) => x.tenantId)).toEqual([c.id]);
    const [held] = await projectedBoard(3).then((b) => b.filter((e) => e.client.id === c.id));
    expect(held!.behind).toBe(true);
    // While its lease holds, no other projector takes the client.
    expect(await projectBehind(deps, { limit: 10, leaseMs: 60_000 })).toBe(0);
    // The lease lapses (as it does 60 s after the worker died): the next pass projects the client.
    await deps.control.execute(
      sql`UPDATE client_close_projections SET claimed_until = now() - interval '1 second' WHERE tenant_id = ${c.id}`,
    );
    expect(await projectBehind(deps, { limit: 10, leaseMs: 60_000 })).toBe(1);
    expect((await projectedBoard(3)).map(shown)).toEqual(await liveBoard(3));
    const [fresh] = (await projectedBoard(3)).filter((e) => e.client.id === c.id);
    expect(fresh!.behind).toBe(false);
    expect(fresh!.asOf).not.toBeNull();
  });

  it('reads a client with no summary yet on first sight, so no client is ever missing', async () => {
    for (const board of [projectedBoard, summarisedBoard]) {
      await deps.control.execute(sql`DELETE FROM client_close_months`);
      await deps.control.execute(sql`DELETE FROM client_close_projections`);
      for (const m of MONTHS) expect((await board(m)).map(shown)).toEqual(await liveBoard(m));
    }
  });
});

/** A EUR 100.00 sale translated at a rate row of the client's (AR debit, income credit). */
async function eurSale(books: Books, postingDate: string, rateId: bigint, rateIsFallback: boolean) {
  const line = (code: string, sign: bigint) => ({
    accountId: books.accounts.get(code)!,
    amountMinor: sign * 10_800n,
    originalCurrency: 'EUR',
    originalAmountMinor: sign * 10_000n,
    exchangeRateId: rateId,
    rateIsFallback,
  });
  await inTransaction(books.app, senior, (tx) =>
    postEntry(tx, senior, {
      kind: 'SALES_INVOICE',
      postingDate,
      memo: 'EUR sale',
      lines: [line('1201', 1n), line('4101', -1n)],
    }),
  );
}

async function eurRate(books: Books, rateDate: string, override: boolean): Promise<bigint> {
  const [row] = await books.app
    .insert(tenant.exchangeRates)
    .values({
      rateDate,
      currency: 'EUR',
      baseCurrency: 'PAB',
      rate: '1.08',
      source: override ? 'OVERRIDE' : 'ECB',
      isOverride: override,
      overrideByEmail: override ? 'boss@test.firm' : null,
      overrideReason: override ? 'Agreed with the bank' : null,
    })
    .returning({ id: tenant.exchangeRates.id });
  return row!.id;
}

describe("the read model's stale-rate counts (what staleRateUsage skips)", () => {
  it('counts 2 of 3 April EUR sales on alpha (a fallback and an override), and only alpha is left to read live', async () => {
    const [alpha] = clients;
    const ids = clients.map((c) => c.id);
    const ecb = await eurRate(alpha!.books, '2026-04-01', false);
    await eurSale(alpha!.books, '2026-04-01', ecb, false); // the rate of its own day: not stale
    await eurSale(alpha!.books, '2026-04-03', ecb, true); // the 1st's rate standing in for the 3rd
    await eurSale(alpha!.books, '2026-04-10', await eurRate(alpha!.books, '2026-04-10', true), false);
    await projectClients(deps, ids);

    const counts = await deps.control.execute<{ tenant_id: string; month: number; n: number | null }>(sql`
      SELECT tenant_id, month, stale_rate_entries AS n FROM client_close_months
       WHERE year = 2026 AND stale_rate_entries IS DISTINCT FROM 0`);
    expect(counts.rows).toEqual([{ tenant_id: alpha!.id, month: 4, n: 2 }]);

    const april = await clientsWithoutStaleRates(deps.control, ids, '2026-04-02', '2026-04-02');
    expect([...april.keys()].sort()).toEqual(ids.filter((id) => id !== alpha!.id).sort());
    // March is clean for every client; a range touching April is not, for alpha, whatever its days.
    expect((await clientsWithoutStaleRates(deps.control, ids, '2026-03-01', '2026-03-31')).size).toBe(3);
    expect(
      (await clientsWithoutStaleRates(deps.control, ids, '2026-03-31', '2026-04-01')).has(alpha!.id),
    ).toBe(false);
  });

  it('never trusts a summary that is behind, unavailable or from before the counts existed', async () => {
    const [, beta, gamma] = clients;
    const ids = clients.map((c) => c.id);
    await announceClientChanges(deps.control, [beta!.id]);
    await deps.control.execute(
      sql`UPDATE client_close_months SET stale_rate_entries = NULL WHERE tenant_id = ${gamma!.id} AND month = 3`,
    );
    const march = await clientsWithoutStaleRates(deps.control, ids, '2026-03-01', '2026-03-31');
    expect([...march.keys()]).toEqual([clients[0]!.id]);
    // gamma's null is only in March: February is known clean for it.
    expect(
      (await clientsWithoutStaleRates(deps.control, ids, '2026-02-01', '2026-02-28')).has(gamma!.id),
    ).toBe(true);
    await deps.control.execute(
      sql`UPDATE client_close_projections SET unavailable_code = 'TIMEOUT' WHERE tenant_id = ${gamma!.id}`,
    );
    expect(
      (await clientsWithoutStaleRates(deps.control, ids, '2026-02-01', '2026-02-28')).has(gamma!.id),
    ).toBe(false);
    await projectClients(deps, ids);
    expect((await clientsWithoutStaleRates(deps.control, ids, '2026-03-01', '2026-03-31')).size).toBe(3);
  });
});
