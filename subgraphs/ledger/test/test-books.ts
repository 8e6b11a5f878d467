import {
  type Actor,
  guardPool,
  inTransaction,
  type PostingGroups,
  pg,
  postingGroupsOf,
  type TenantDb,
  tenant,
  tenantDb,
} from '@cifra/db';
import {
  badInput,
  DomainError,
  effectiveSettings,
  fiscalYearPeriods,
  ISO_4217,
  PANAMA,
  type Settings,
} from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { ALL_PERMISSIONS, type Permission, ROLE_PERMISSIONS, type RoleCluster } from '@cifra/permissions';
import { booksYears, createTestTenantDatabase, TEST_LEGAL_DETAILS, type TestDatabase } from '@cifra/testing';
import type { Books } from '../src/services/books.ts';

export const actor: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'senior@test.invalid',
  requestId: 'test',
};

/**
 * Group commit's exact groups without timing: a posting that holds its group in flight until
 * `count` postings wait behind it (they become the next group), and until `until` settles when
 * given — what a test changes while they wait is then committed before they run. Resolves once the
 * plug's group is in flight, alone (a group starts at the end of the event loop's turn it was asked
 * in, and this waits for the next), with `done`: the plug's own posting. `giveUp` settling lets
 * the plug go without its count (a posting that will never join: see `callsInOneGroup`).
 */
export async function plug(
  groups: PostingGroups,
  count: number,
  until?: Promise<void>,
  giveUp?: Promise<void>,
): Promise<{ done: Promise<void> }> {
  const done = groups.run(actor, async () => {
    await Promise.race([groups.whenWaiting(count), ...(giveUp ? [giveUp] : [])]);
    await until;
  });
  // The group was asked for before this wait, so it has taken the plug by the time it ends.
  await new Promise((resolve) => setImmediate(resolve));
  if (groups.waiting !== 0) throw new Error('the plug did not start a group of its own');
  return { done };
}

export interface TestBooks {
  database: TestDatabase;
  /** As the application role, the way the product connects. */
  db: TenantDb;
  /** As the owner, to look behind the application's back. */
  admin: pg.Pool;
  /** The application role's pool behind `db` (for streaming exports). */
  appPool: pg.Pool;
  books(role?: RoleCluster | 'all'): Promise<Books>;
  /** The client's effective settings as the books see them (defaults unless a test changes them). */
  settings: Partial<Settings>;
  count(table: string, where?: string): Promise<number>;
  /**
   * The application role on a pool of its own (`max` connections, 8 unless given), whose posting
   * groups are made with `options` (group commit's groups are one per pool): ended by `close`.
   */
  grouped(options?: GroupOptions & { max?: number }): Grouped;
  close(): Promise<void>;
}

/** Options of a pool's posting groups (`postingGroupsOf`). */
export type GroupOptions = NonNullable<Parameters<typeof postingGroupsOf>[1]>;

/** A pool of its own and its posting groups (`TestBooks.grouped`). */
export interface Grouped {
  db: TenantDb;
  groups: PostingGroups;
  pool: pg.Pool;
}

/**
 * A fresh client database laid down like provisioning does (Panama chart with role bindings,
 * ITBMS codes, fiscal 2026 to today's year (`booksYears`) in twelve UNLOCKED periods each, the base
 * currency's ISO 4217 minor units), opened as the application role.
 */
export async function openTestBooks(opts: { baseCurrency?: string } = {}): Promise<TestBooks> {
  const baseCurrency = opts.baseCurrency ?? 'PAB';
  const minor = new Map(ISO_4217.map((c) => [c.code, c.minorUnits]));
  const database = await createTestTenantDatabase();
  const admin = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  const ownerDb = tenantDb(admin);
  await inTransaction(ownerDb, actor, async (tx) => {
    await tx.insert(tenant.company).values({
      legalName: 'Test SA',
      region: 'PA',
      baseCurrency,
      baseMinorUnits: minor.get(baseCurrency) ?? 2,
      timezone: 'America/Panama',
      fiscalYearStartMonth: 1,
      ...TEST_LEGAL_DETAILS,
    });
    const accounts = await tx
      .insert(tenant.accounts)
      .values(PANAMA.accounts.map(({ code, name, type }) => ({ code, name, type })))
      .returning();
    const idOf = new Map(accounts.map((a) => [a.code, a.id]));
    await tx
      .insert(tenant.accountRoleBindings)
      .values(
        PANAMA.accounts.flatMap((a) => (a.role ? [{ role: a.role, accountId: idOf.get(a.code)! }] : [])),
      );
    await tx.insert(tenant.taxCodes).values([...PANAMA.taxCodes]);
    for (const year of booksYears()) {
      const periods = fiscalYearPeriods(year, 1);
      await tx
        .insert(tenant.fiscalYears)
        .values({ year, startDate: periods[0]!.startDate, endDate: periods[11]!.endDate });
      await tx.insert(tenant.postingPeriods).values(periods);
    }
  });
  const pool = new pg.Pool({ connectionString: database.appUrl, max: 4 });
  const db = tenantDb(pool);
  const company = await loadCompany(db);
  const settings: Partial<Settings> = {};
  const ownPools: pg.Pool[] = [];
  return {
    settings,
    database,
    db,
    admin,
    appPool: pool,
    books: async (role = 'all') => ({
      db,
      company,
      actor,
      permissions: new Set<Permission>(role === 'all' ? ALL_PERMISSIONS : ROLE_PERMISSIONS[role]),
      minorUnits: async (code, field = 'currency') => {
        const units = minor.get(code);
        if (units === undefined) throw badInput(`${field}: ${code} is not a currency code`, { field });
        return units;
      },
      settings: async () => effectiveSettings({}, settings),
    }),
    count: async (table, where = 'true') =>
      Number((await admin.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)).rows[0].n),
    grouped: ({ max = 8, ...options } = {}) => {
      const own = guardPool(new pg.Pool({ connectionString: database.appUrl, max }));
      ownPools.push(own);
      const ownDb = tenantDb(own);
      const groups = postingGroupsOf(ownDb, options);
      if (!groups) throw new Error('a pool always has posting groups');
      return { db: ownDb, groups, pool: own };
    },
    close: async () => {
      for (const own of ownPools) await own.end();
      await pool.end();
      await admin.end();
      await database.drop();
    },
  };
}

/** Every call's outcome once all have settled: the values, and the errors as thrown. */
export async function settle<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

/** A refusal's stable code, or what else was thrown (which a test then shows). */
export const codeOf = (err: unknown) =>
  err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`;

export { refusal } from '@cifra/testing';

type Query = (...args: unknown[]) => unknown;

/**
 * Run `run` with every query this process sends seen first by `hook`, given its text and how to
 * send it on (the query as pg would have sent it).
 */
async function withQueryHook<T>(
  hook: (text: string, send: () => unknown, client: pg.Client) => unknown,
  run: () => Promise<T>,
) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : String((q as { text?: string } | undefined)?.text ?? '');
    return hook(text, () => (query as Query).apply(this, args), this);
  } as typeof query;
  try {
    return await run();
  } finally {
    pg.Client.prototype.query = query;
  }
}

/**
 * Every query text this process sends while `run` runs, in order (`run` sees them as they are
 * sent): the lane inlines ids in its reads and locks, while a group's drafts' own ids travel only as
 * parameters of the calls that insert and post them.
 */
export async function textsSentDuring<T>(
  run: (sent: readonly string[]) => Promise<T>,
): Promise<{ texts: string[]; result: T }> {
  const texts: string[] = [];
  const result = await withQueryHook(
    (text, send) => {
      texts.push(text);
      return send();
    },
    () => run(texts),
  );
  return { texts, result };
}

/**
 * The queries this process asks of a connection while another of its queries there is unanswered,
 * while `run` runs (by their text): `pg` queues such a query behind the other, a use it deprecates
 * (to be refused in its next major version). A group's lane sends one query at a time.
 */
export async function askedWhileBusy<T>(run: () => Promise<T>): Promise<{ busy: string[]; result: T }> {
  const busy: string[] = [];
  const unanswered = new Map<pg.Client, number>();
  const result = await withQueryHook((text, send, client) => {
    if ((unanswered.get(client) ?? 0) > 0) busy.push(text);
    unanswered.set(client, (unanswered.get(client) ?? 0) + 1);
    const answered = () => unanswered.set(client, (unanswered.get(client) ?? 1) - 1);
    const answer = send() as Promise<unknown> | undefined;
    if (typeof answer?.then === 'function') answer.then(answered, answered);
    else answered();
    return answer;
  }, run);
  return { busy, result };
}

/**
 * Run `run`, holding back the first query this process sends whose text matches `before` until
 * `meanwhile` has finished: what another session does between two statements of a group.
 */
export async function pausedBefore<T>(
  before: RegExp,
  meanwhile: () => Promise<unknown>,
  run: () => Promise<T>,
) {
  let paused = false;
  const result = await withQueryHook((text, send) => {
    if (paused || !before.test(text)) return send();
    paused = true;
    return meanwhile().then(send);
  }, run);
  if (!paused) throw new Error(`no query matched ${before}`);
  return result;
}

/**
 * The sequential scans of `tables` so far in the transaction open on `client` (as the owner: the
 * application role may not read the statistics): the kept plans of the lane's functions must reach
 * every row by key, so a test runs them in a transaction and checks this did not move.
 */
export async function seqScansIn(
  client: pg.PoolClient,
  tables: readonly string[],
): Promise<string | undefined> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT coalesce(sum(seq_scan), 0)::text AS n FROM pg_stat_xact_user_tables WHERE relname = ANY ($1)',
    [tables],
  );
  return rows[0]?.n;
}
