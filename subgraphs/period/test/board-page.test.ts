import { randomUUID } from 'node:crypto';
import {
  type ControlDb,
  control,
  controlDb,
  DEFAULT_FAN_OUT,
  pg,
  TenantRegistry,
  visibleClientIds,
  visibleClientsPage,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { type Permission, Permissions } from '@cifra/permissions';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardPage, boardPageQuery, MAX_BOARD_PAGE } from '../src/resolvers/board-page.ts';
import { clientPeriodPort } from '../src/services/client-period.ts';
import { type CloseBoardEntry, closeBoard, type FirmViewDeps } from '../src/services/close-board.service.ts';

/**
 * `CloseBoard.clientsConnection` against a control plane of 1,500 clients: each page's clients are
 * cut in SQL by name then id in code point order, behind the same walls as every firm view, and the
 * counts are summed there; neither reads the other clients. Every client's summary is stored (as the
 * worker's projector leaves it), so no client database is opened.
 */
let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let registry: TenantRegistry;
let deps: FirmViewDeps;
let firmId: string;
let serverId: string;
const users: Record<string, string> = {};
const ids: string[] = [];
const CLIENTS = 1_500;
// Code point order puts upper case before lower case and accents last, whatever the collation.
const ODD_NAMES = ['Zeta', 'alpha', 'Ámbar', 'Ñandú', 'ZZ top'];
let walled: string;
let integrationId: string;
const AT = { year: 2026, month: 3 };

const tenantRow = (slug: string, name: string) => ({
  firmId,
  slug,
  name,
  region: 'PA',
  baseCurrency: 'PAB',
  timezone: 'America/Panama',
  serverId,
  databaseName: `db_${slug.replaceAll('-', '_')}`,
  status: 'ACTIVE' as const,
});

/** Clients with their summary stored, current: the board reads them from the control plane alone. */
async function addClients(rows: ReturnType<typeof tenantRow>[]): Promise<string[]> {
  const added = (await db.insert(control.tenants).values(rows).returning()).map((t) => t.id);
  await db
    .insert(control.clientCloseProjections)
    .values(added.map((tenantId) => ({ tenantId, changeSeq: 1, projectedSeq: 1, asOf: new Date() })));
  return added;
}

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const [firm] = await db.insert(control.firms).values({ slug: 'board-firm', name: 'Board' }).returning();
  firmId = firm!.id;
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 't', adminUrl: testServerUrl() })
    .returning();
  serverId = server!.id;
  // Names repeat every 700 clients, so the order needs the id to be total.
  const rows = Array.from({ length: CLIENTS - ODD_NAMES.length }, (_, i) =>
    tenantRow(`client-${String(i).padStart(4, '0')}`, `Client ${String(i % 700).padStart(3, '0')}`),
  );
  ids.push(...(await addClients([...rows, ...ODD_NAMES.map((n, i) => tenantRow(`odd-${i}`, n))])));
  // Three clients at stages of March, one whose database did not answer, one with a change on its way.
  await db.insert(control.clientCloseMonths).values(
    [0, 1, 2].map((i) => ({
      tenantId: ids[i]!,
      ...AT,
      periodId: randomUUID(),
      periodState: i === 0 ? 'LOCKED' : 'OPEN',
      closeStatus: i === 0 ? 'APPROVED' : null,
      stage: i === 0 ? 'CLOSED' : 'OPEN',
      endDate: '2026-03-31',
    })),
  );
  await db
    .update(control.clientCloseProjections)
    .set({ unavailableCode: 'TIMEOUT', unavailableReason: 'did not answer in time' })
    .where(inArray(control.clientCloseProjections.tenantId, [ids[3]!]));
  await db
    .update(control.clientCloseProjections)
    .set({ changeSeq: 2 })
    .where(inArray(control.clientCloseProjections.tenantId, [ids[4]!]));
  for (const [name, role] of [
    ['senior', 'Senior'],
    ['junior', 'Junior'],
  ] as const) {
    const [u] = await db
      .insert(control.users)
      .values({ email: `${name}@board.test`, displayName: name })
      .returning();
    users[name] = u!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: role });
  }
  walled = ids[10]!;
  await db
    .insert(control.tenantRoleAssignments)
    .values({ tenantId: walled, userId: users.junior!, role: 'NoAccess' });
  const [integration] = await db
    .insert(control.integrations)
    .values({ firmId, name: 'Partner', contact: 'p@board.test' })
    .returning();
  integrationId = integration!.id;
  await db.insert(control.integrationGrants).values([
    { integrationId, tenantId: ids[20]!, permissions: ['Period.Read', 'GL.Read'] },
    { integrationId, tenantId: ids[720]!, permissions: ['Period.Read'] },
    // A grant without Period.Read puts nothing on the board.
    { integrationId, tenantId: ids[30]!, permissions: ['GL.Read'] },
  ]);
  registry = new TenantRegistry({ control: db, secrets: testServiceSecrets, maxPools: 2, poolSize: 1 });
  deps = { control: db, registry, port: clientPeriodPort, fanOut: DEFAULT_FAN_OUT };
});

afterAll(async () => {
  await registry?.close();
  await pool?.end();
  await database?.drop();
});

type Who = Parameters<typeof closeBoard>[1];
const person = (name: string): Who => ({ userId: users[name]!, email: `${name}@board.test` });
const partner = (scope?: string[]): Who => ({
  userId: integrationId,
  email: null,
  integration: { scope: scope ?? null },
});

/** Every page of a month's board, as a client pages it: the lines and how many pages. */
async function wholeBoard(who: Who, first: number, month = AT.month) {
  const board = await closeBoard(deps, who, { year: AT.year, month });
  const lines: CloseBoardEntry[] = [];
  let after: string | null = null;
  for (let pages = 1; pages < 1_000; pages++) {
    const { lines: got, more } = await board.page(boardPageQuery({ first, after }));
    const page = boardPage(got, more, after);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    lines.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { lines, pages, board };
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging never ended');
}

/** By code point, as Buffer compares UTF-8 (JavaScript's `<` compares UTF-16 code units). */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('the close board paged in SQL', () => {
  it('pages all 1,500 clients once each, by name in code point order then id, whatever the page size', async () => {
    for (const [first, pages] of [
      [MAX_BOARD_PAGE, 3],
      [97, 16],
    ] as const) {
      const whole = await wholeBoard(person('senior'), first);
      expect(whole.pages).toBe(pages);
      expect(whole.lines).toHaveLength(CLIENTS);
      expect(new Set(whole.lines.map((l) => l.client.id)).size).toBe(CLIENTS);
      const keys = whole.lines.map((l) => [l.client.name, l.client.id] as const);
      const sorted = [...keys].sort((a, b) => byCodePoint(a[0], b[0]) || byCodePoint(a[1], b[1]));
      expect(keys).toEqual(sorted);
      expect(whole.lines.slice(-5).map((l) => l.client.name)).toEqual([
        'ZZ top',
        'Zeta',
        'alpha',
        'Ámbar',
        'Ñandú',
      ]);
    }
  });

  it('shows each line as stored: 1 CLOSED and 2 OPEN in March, 1 UNAVAILABLE, 1 BEHIND, the rest without a period', async () => {
    const { lines } = await wholeBoard(person('senior'), MAX_BOARD_PAGE);
    const byId = new Map(lines.map((l) => [l.client.id, l]));
    const stage = (i: number) => {
      const l = byId.get(ids[i]!)!;
      return l.availability === 'AVAILABLE' ? l.row.stage : l.availability;
    };
    expect([0, 1, 2, 3, 5].map(stage)).toEqual(['CLOSED', 'OPEN', 'OPEN', 'UNAVAILABLE', null]);
    expect(lines.filter((l) => l.behind).map((l) => l.client.id)).toEqual([ids[4]]);
  });

  it('counts the same as its lines, in the control plane: 1 CLOSED, 2 OPEN, 1 unavailable, 1 behind', async () => {
    const { lines, board } = await wholeBoard(person('senior'), MAX_BOARD_PAGE);
    expect(await board.counts()).toEqual({
      stageCounts: [
        { stage: 'OPEN', count: 2 },
        { stage: 'CLOSED', count: 1 },
      ],
      unavailableCount: 1,
      behindCount: 1,
    });
    expect(lines.filter((l) => l.availability === 'UNAVAILABLE')).toHaveLength(1);
    // The deprecated unpaged list is the same lines in the same order.
    expect((await board.allLines()).map((l) => l.client.id).sort()).toEqual(
      lines.map((l) => l.client.id).sort(),
    );
  });

  it('keeps the walls: an ethical wall hides a client from a page and the counts; a partner sees its Period.Read grants', async () => {
    const junior = await wholeBoard(person('junior'), MAX_BOARD_PAGE);
    expect(junior.lines).toHaveLength(CLIENTS - 1);
    expect(junior.lines.map((l) => l.client.id)).not.toContain(walled);
    const granted = await wholeBoard(partner(), 10);
    expect(granted.lines.map((l) => l.client.id).sort()).toEqual([ids[20], ids[720]].sort());
    expect((await granted.board.counts()).behindCount).toBe(0);
    // A token whose scope leaves Period.Read out sees an empty board and counts nothing.
    const narrowed = await wholeBoard(partner([Permissions.GL.Read]), 10);
    expect(narrowed.lines).toEqual([]);
    expect(await narrowed.board.counts()).toEqual({ stageCounts: [], unavailableCount: 0, behindCount: 0 });
  });

  it('lists only the clients where the role holds the permission asked, when some role lacks it', async () => {
    // The board's permission (Period.Read) is every role's but NoAccess, so no role filter is
    // written for it (the walls' own filter says as much); Period.Lock is not a reader's.
    const [u] = await db
      .insert(control.users)
      .values({ email: 'reader@board.test', displayName: 'reader' })
      .returning();
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: 'ClientReadOnly' });
    const listed = async (userId: string, holding: Permission) =>
      (await visibleClientsPage(db, { userId }, { limit: 5, holding })).length;
    const counted = async (userId: string, holding: Permission) => {
      const ids = visibleClientIds(db, { userId }, { holding });
      const { rows } = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${ids}) AS t`);
      return rows[0]?.n;
    };
    expect(await listed(u!.id, Permissions.Period.Read)).toBe(5);
    expect(await counted(u!.id, Permissions.Period.Read)).toBe(CLIENTS);
    expect(await listed(u!.id, Permissions.Period.Lock)).toBe(0);
    expect(await counted(u!.id, Permissions.Period.Lock)).toBe(0);
    expect(await listed(users.senior!, Permissions.Period.Lock)).toBe(5);
    // The junior's wall holds whichever the permission.
    expect(await counted(users.junior!, Permissions.Period.Read)).toBe(CLIENTS - 1);
  });

  it('takes one month’s cursor on another month’s board, and keeps its place when clients are added', async () => {
    const march = await closeBoard(deps, person('senior'), AT);
    const first = await march.page(boardPageQuery({ first: 100 }));
    const cursor = boardPage(first.lines, first.more, null).pageInfo.endCursor;
    const [before, after] = await addClients([
      tenantRow('added-before', 'Client 000 (added)'),
      tenantRow('added-after', 'Client 699 (added)'),
    ]);
    try {
      const april = await closeBoard(deps, person('senior'), { ...AT, month: 4 });
      const next = await april.page(boardPageQuery({ first: MAX_BOARD_PAGE, after: cursor }));
      const lastShown = first.lines.at(-1)!.client;
      expect(byCodePoint(next.lines[0]!.client.name, lastShown.name)).toBeGreaterThanOrEqual(0);
      expect(next.lines.map((l) => l.client.id)).not.toContain(before);
      const rest = (await wholeBoard(person('senior'), MAX_BOARD_PAGE, 4)).lines.map((l) => l.client.id);
      expect(rest.slice(100 + 1, 100 + 1 + MAX_BOARD_PAGE)).toEqual(next.lines.map((l) => l.client.id));
      expect(rest).toContain(after);
    } finally {
      await db.delete(control.tenants).where(inArray(control.tenants.id, [before!, after!]));
    }
  });

  it('answers one client’s line by id, nothing for an unknown or walled one, and a sized-zero page that says more follow', async () => {
    const board = await closeBoard(deps, person('junior'), AT);
    const one = await board.page(boardPageQuery({ clientId: ids[321]! }));
    expect(one.lines.map((l) => l.client.id)).toEqual([ids[321]]);
    expect(one.more).toBe(false);
    for (const clientId of [randomUUID(), 'not-a-uuid', walled])
      expect((await board.page(boardPageQuery({ clientId }))).lines).toEqual([]);
    const zero = await board.page(boardPageQuery({ first: 0 }));
    expect(zero).toEqual({ lines: [], more: true });
  });

  it('refuses a page over the maximum or negative (first) and a cursor it did not return (after)', () => {
    const refusal = (args: Parameters<typeof boardPageQuery>[0]) => {
      try {
        boardPageQuery(args);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return [(e as DomainError).code, (e as DomainError).details.field];
      }
      throw new Error('not refused');
    };
    expect(refusal({ first: MAX_BOARD_PAGE + 1 })).toEqual(['BAD_USER_INPUT', 'first']);
    expect(refusal({ first: -1 })).toEqual(['BAD_USER_INPUT', 'first']);
    const client = Buffer.from(JSON.stringify(['client', 'Client 001', randomUUID()])).toString('base64url');
    const notUuid = Buffer.from(JSON.stringify(['board-client', 'Client 001', 'x'])).toString('base64url');
    for (const after of ['garbage', client, notUuid])
      expect(refusal({ after })).toEqual(['BAD_USER_INPUT', 'after']);
  });
});
