import { type Actor, pg, type TenantDb, tenantDb, withClient } from '@cifra/db';
import { fiscalYearPeriods, PANAMA } from '@cifra/domain';
import { type Company, loadCompany } from '@cifra/engine';
import { booksYears, TEST_LEGAL_DETAILS_SQL } from '@cifra/testing';

export const TEST_ACTOR: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'senior@test.firm',
  requestId: 'test',
};

/**
 * Lay down a Panama client's books in a fresh test database as its owner: company, chart of
 * accounts with roles, and the twelve UNLOCKED periods of each fiscal year given (by default the
 * tests' year to today's: `booksYears`).
 */
export async function seedTestBooks(
  adminUrl: string,
  fiscalYears: readonly number[] = booksYears(),
): Promise<void> {
  await withClient(adminUrl, async (c) => {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO company (legal_name, region, base_currency, base_minor_units, timezone)
       VALUES ('Test S.A.', 'PA', 'PAB', 2, 'America/Panama')`,
    );
    await c.query(TEST_LEGAL_DETAILS_SQL);
    for (const a of PANAMA.accounts) {
      const { rows } = await c.query(
        'INSERT INTO accounts (code, name, type) VALUES ($1, $2, $3) RETURNING id',
        [a.code, a.name, a.type],
      );
      if (a.role) {
        await c.query('INSERT INTO account_role_bindings (role, account_id) VALUES ($1, $2)', [
          a.role,
          rows[0].id,
        ]);
      }
    }
    for (const year of fiscalYears) {
      const periods = fiscalYearPeriods(year, 1);
      await c.query('INSERT INTO fiscal_years (year, start_date, end_date) VALUES ($1, $2, $3)', [
        year,
        periods[0]?.startDate,
        periods[11]?.endDate,
      ]);
      for (const p of periods) {
        await c.query(
          `INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [p.fiscalYear, p.periodNumber, p.year, p.month, p.startDate, p.endDate],
        );
      }
    }
    await c.query('COMMIT');
  });
}

export interface AppConnection {
  db: TenantDb;
  pool: pg.Pool;
  company: Company;
  accountId(code: string): string;
  close(): Promise<void>;
}

/** The books as the application role sees them, the way the product connects. */
export async function connectApp(appUrl: string): Promise<AppConnection> {
  const pool = new pg.Pool({ connectionString: appUrl, max: 4 });
  const db = tenantDb(pool);
  const company = await loadCompany(db);
  const { rows } = await pool.query<{ id: string; code: string }>('SELECT id, code FROM accounts');
  const ids = new Map(rows.map((r) => [r.code, r.id]));
  return {
    db,
    pool,
    company,
    accountId: (code) => {
      const id = ids.get(code);
      if (!id) throw new Error(`no account ${code}`);
      return id;
    },
    close: () => pool.end(),
  };
}

/** A small deterministic PRNG (mulberry32), so a failing random test can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomEntryOptions {
  accountIds: readonly string[];
  /** Inclusive range of posting dates, ISO. */
  from: string;
  to: string;
  currency: string;
  keyPrefix?: string;
}

/**
 * Balanced manual entries with 2 to 5 lines on random accounts and dates: a debit side and a
 * credit side that sum to the same amount in minor units.
 */
export function randomEntries(random: () => number, count: number, o: RandomEntryOptions) {
  const start = Date.parse(`${o.from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${o.to}T00:00:00Z`) - start) / 86_400_000) + 1;
  const pick = () => o.accountIds[Math.floor(random() * o.accountIds.length)] as string;
  return Array.from({ length: count }, (_, i) => {
    const postingDate = new Date(start + Math.floor(random() * days) * 86_400_000).toISOString().slice(0, 10);
    const debits = 1 + Math.floor(random() * 2);
    const credits = 1 + Math.floor(random() * 3);
    const amounts = Array.from({ length: debits }, () => BigInt(1 + Math.floor(random() * 10_000_000)));
    const total = amounts.reduce((s, a) => s + a, 0n);
    // Split the total into `credits` positive parts.
    const parts: bigint[] = [];
    let left = total;
    for (let c = 0; c < credits - 1 && left > 1n; c++) {
      const part = 1n + BigInt(Math.floor(random() * Number(left - 1n)));
      parts.push(part);
      left -= part;
    }
    parts.push(left);
    const lines = [...amounts, ...parts.map((p) => -p)].map((amountMinor) => ({
      accountId: pick(),
      amountMinor,
      originalCurrency: o.currency,
      originalAmountMinor: amountMinor,
      memo: `line ${i}`,
    }));
    return {
      kind: 'MANUAL' as const,
      postingDate,
      memo: `Random entry ${i} "quoted"; semi`,
      idempotencyKey: o.keyPrefix ? `${o.keyPrefix}-${i}` : null,
      lines,
    };
  });
}
