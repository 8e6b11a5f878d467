import { randomUUID } from 'node:crypto';
import { inTransaction, pg, type TenantDb, tenant, tenantDb, withClient } from '@cifra/db';
import { fiscalYearPeriods, PANAMA, type PeriodState } from '@cifra/domain';
import { type PostingLine, postEntry } from '@cifra/engine';
import { type Permission, permissionsOf, type RoleCluster } from '@cifra/permissions';
import { createTestTenantDatabase, TEST_LEGAL_DETAILS, type TestDatabase } from '@cifra/testing';
import type { PeriodActor } from '../src/services/index.ts';

export interface Books {
  db: TestDatabase;
  app: TenantDb;
  pool: pg.Pool;
  /** The database's owner, for set-up and assertions: kept connections, not one per query. */
  owner: pg.Pool;
  accounts: Map<string, string>;
  close(): Promise<void>;
}

export function actorFor(
  role: RoleCluster,
  email = `${role.toLowerCase()}-${randomUUID().slice(0, 6)}@test.firm`,
): PeriodActor {
  return {
    userId: randomUUID(),
    email,
    permissions: new Set<Permission>(permissionsOf([role])),
  };
}

/**
 * The clock the year-end tests close their years on: a year closes once it has ended, and these
 * tests close fiscal 2025 to 2027 whatever today is.
 */
export const YEARS_ENDED = new Date('2028-03-01T12:00:00Z');

const system = {
  userId: null,
  email: 'fixture@test',
  permissions: new Set<Permission>(),
} satisfies PeriodActor;

/** A client with the Panama chart, fiscal years with twelve UNLOCKED periods each, as the app connects. */
export async function openBooks(fiscalYears: number[] = [2026]): Promise<Books> {
  const db = await createTestTenantDatabase();
  await withClient(db.adminUrl, (client) =>
    inTransaction(tenantDb(client), system, async (tx) => {
      await tx.insert(tenant.company).values({
        legalName: 'Periodos de Prueba SA',
        region: 'PA',
        baseCurrency: 'PAB',
        baseMinorUnits: 2,
        timezone: 'America/Panama',
        fiscalYearStartMonth: 1,
        ...TEST_LEGAL_DETAILS,
      });
      const rows = await tx
        .insert(tenant.accounts)
        .values(PANAMA.accounts.map(({ code, name, type }) => ({ code, name, type })))
        .returning({ id: tenant.accounts.id, code: tenant.accounts.code });
      const idOf = new Map(rows.map((a) => [a.code, a.id]));
      await tx
        .insert(tenant.accountRoleBindings)
        .values(
          PANAMA.accounts.flatMap((a) => (a.role ? [{ role: a.role, accountId: idOf.get(a.code)! }] : [])),
        );
      for (const fy of fiscalYears) {
        const periods = fiscalYearPeriods(fy, 1);
        await tx
          .insert(tenant.fiscalYears)
          .values({ year: fy, startDate: periods[0]!.startDate, endDate: periods[11]!.endDate });
        await tx.insert(tenant.postingPeriods).values(periods);
      }
    }),
  );
  const pool = new pg.Pool({ connectionString: db.appUrl, max: 4 });
  // Dropping the database at the end terminates idle connections; that is expected, not a failure.
  pool.on('error', () => undefined);
  const owner = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  owner.on('error', () => undefined);
  const app = tenantDb(pool);
  const accounts = new Map((await app.select().from(tenant.accounts)).map((a) => [a.code, a.id]));
  return {
    db,
    app,
    pool,
    owner,
    accounts,
    close: async () => {
      await pool.end().catch(() => undefined);
      await owner.end().catch(() => undefined);
      await db.drop();
    },
  };
}

/** Force states as the owner, bypassing the state-machine triggers (test setup only). */
export async function forceState(
  books: Books,
  set: {
    periods?: { fiscalYear: number; month: number; state: PeriodState }[];
    years?: { year: number; state: string }[];
  },
): Promise<void> {
  const c = await books.owner.connect();
  try {
    await c.query('BEGIN');
    await c.query("SET LOCAL session_replication_role = 'replica'");
    for (const p of set.periods ?? []) {
      await c.query('UPDATE posting_periods SET state = $1 WHERE fiscal_year = $2 AND month = $3', [
        p.state,
        p.fiscalYear,
        p.month,
      ]);
    }
    for (const y of set.years ?? []) {
      await c.query('UPDATE fiscal_years SET state = $1 WHERE year = $2', [y.state, y.year]);
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

export async function ownerQuery<T = Record<string, unknown>>(
  books: Books,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await books.owner.query(text, params)).rows as T[];
}

/** Counts of everything a transition writes: a refusal must leave them all unchanged. */
export async function footprint(books: Books): Promise<Record<string, unknown>> {
  const [row] = await ownerQuery(
    books,
    `SELECT (SELECT count(*) FROM audit_events)::int AS audit,
            (SELECT count(*) FROM period_transitions)::int AS transitions,
            (SELECT count(*) FROM journal_entries)::int AS entries,
            (SELECT string_agg(state::text, ',' ORDER BY fiscal_year, period_number) FROM posting_periods) AS states,
            (SELECT string_agg(year || ':' || state, ',' ORDER BY year) FROM fiscal_years) AS years,
            (SELECT coalesce(string_agg(id || ':' || status, ',' ORDER BY id), '') FROM period_closes) AS closes,
            (SELECT coalesce(string_agg(id || ':' || status, ',' ORDER BY id), '') FROM year_end_closes) AS year_closes,
            (SELECT coalesce(string_agg(id || ':' || status, ',' ORDER BY id), '') FROM year_end_close_reversals) AS reversals`,
  );
  return row!;
}

export async function periodId(books: Books, fiscalYear: number, month: number): Promise<string> {
  const [row] = await ownerQuery<{ id: string }>(
    books,
    'SELECT id FROM posting_periods WHERE fiscal_year = $1 AND month = $2',
    [fiscalYear, month],
  );
  return row!.id;
}

/** Post an entry through the engine as the app role (lines: account code → signed base minor units). */
export async function post(
  books: Books,
  postingDate: string,
  lines: [code: string, amountMinor: bigint, original?: { currency: string; amountMinor: bigint }][],
  opts: {
    kind?: 'MANUAL' | 'SALES_INVOICE' | 'PURCHASE_INVOICE' | 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT';
    memo?: string;
    autoReverse?: boolean;
    reverseOn?: string;
  } = {},
) {
  const actor = { userId: randomUUID(), email: 'poster@test.firm' };
  const req = {
    kind: opts.kind ?? 'MANUAL',
    postingDate,
    memo: opts.memo ?? 'test',
    autoReverse: opts.autoReverse ?? false,
    reverseOn: opts.reverseOn ?? null,
    lines: lines.map(
      ([code, amountMinor, original]): PostingLine => ({
        accountId: books.accounts.get(code)!,
        amountMinor,
        originalCurrency: original?.currency ?? 'PAB',
        originalAmountMinor: original?.amountMinor ?? amountMinor,
      }),
    ),
  };
  return inTransaction(books.app, actor, (tx) => postEntry(tx, actor, req));
}

export { refusal } from '@cifra/testing';

export async function expectCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? `THREW:${(err as Error).message}`;
  }
  return 'OK';
}

/** Poll until `check` holds: a guard against a hang, not a timing assertion (conditions normally hold within milliseconds). */
export async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
