import { control, inTransaction, pg, type TenantDb, tenant, tenantDb, withClient } from '@cifra/db';
import { fiscalYearPeriods, PANAMA } from '@cifra/domain';
import { postEntry } from '@cifra/engine';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleRateUsage } from '../src/services/stale-rate-usage.service.ts';
import { createFxWorld, type FxWorld, type TestClient } from './support.ts';

/**
 * Four clients of one firm; the user is Senior on `alpha`, ClientReadOnly on `beta`, nothing on
 * `gamma`, Senior on `delta`, whose database is gone. February 2026, EUR → PAB:
 *   alpha: an invoice of 4 Feb on the 2 Feb ECB rate (fallback), one of 3 Feb on its own day's rate;
 *   beta: an invoice of 10 Feb on an override for that day;
 *   gamma: a fallback too, but the user may not read gamma.
 */
let world: FxWorld;
let userId: string;
const actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'senior@test.invalid',
  requestId: 't',
};

async function seedBooks(c: TestClient): Promise<TenantDb> {
  await withClient(c.db.adminUrl, async (sql) => {
    for (const a of PANAMA.accounts) {
      const { rows } = await sql.query(
        'INSERT INTO accounts (code, name, type) VALUES ($1, $2, $3) RETURNING id',
        [a.code, a.name, a.type],
      );
      if (a.role)
        await sql.query('INSERT INTO account_role_bindings (role, account_id) VALUES ($1, $2)', [
          a.role,
          rows[0].id,
        ]);
    }
    await sql.query(
      `INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2026, '2026-01-01', '2026-12-31')`,
    );
    for (const p of fiscalYearPeriods(2026, 1)) {
      await sql.query(
        'INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6)',
        [p.fiscalYear, p.periodNumber, p.year, p.month, p.startDate, p.endDate],
      );
    }
  });
  return tenantDb(new pg.Pool({ connectionString: c.db.appUrl, max: 2 }));
}

/** A rate row as the owner writes it, returning its id. */
async function rate(
  c: TestClient,
  date: string,
  value: string,
  override?: { email: string; reason: string },
) {
  return withClient(c.db.adminUrl, async (sql) => {
    const { rows } = await sql.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, is_override, override_by_email, override_reason)
       VALUES ($1, 'EUR', 'PAB', $2, $3, $4, $5, $6) RETURNING id`,
      [
        date,
        value,
        override ? 'OVERRIDE' : 'ECB',
        !!override,
        override?.email ?? null,
        override?.reason ?? null,
      ],
    );
    return BigInt(rows[0].id);
  });
}

/** A EUR 100.00 sale translated at `value`, citing the rate row: AR debit, income credit. */
async function sale(db: TenantDb, date: string, rateId: bigint, base: bigint, fallback: boolean) {
  const [ar] = await db.select().from(tenant.accounts).where(eqCode('1201'));
  const [income] = await db.select().from(tenant.accounts).where(eqCode('4101'));
  return inTransaction(db, actor, (tx) =>
    postEntry(tx, actor, {
      kind: 'SALES_INVOICE',
      postingDate: date,
      memo: 'EUR sale',
      lines: [
        {
          accountId: ar!.id,
          amountMinor: base,
          originalCurrency: 'EUR',
          originalAmountMinor: 10000n,
          exchangeRateId: rateId,
          rateIsFallback: fallback,
        },
        {
          accountId: income!.id,
          amountMinor: -base,
          originalCurrency: 'EUR',
          originalAmountMinor: -10000n,
          exchangeRateId: rateId,
          rateIsFallback: fallback,
        },
      ],
    }),
  );
}
const eqCode = (code: string) => eq(tenant.accounts.code, code);

const pools: TenantDb[] = [];
const numbers: Record<string, string> = {};

beforeAll(async () => {
  world = await createFxWorld(
    ['alpha', 'beta', 'gamma', 'delta'].map((slug) => ({
      slug,
      timezone: 'America/Panama',
      baseCurrency: 'PAB',
    })),
  );
  const [alpha, beta, gamma, delta] = world.clients as [TestClient, TestClient, TestClient, TestClient];
  const [user] = await world.control
    .insert(control.users)
    .values({ email: 'ana@test.firm', displayName: 'Ana' })
    .returning();
  userId = user!.id;
  await world.control
    .insert(control.firmMemberships)
    .values({ firmId: world.firmId, userId, firmRole: null });
  await world.control.insert(control.tenantRoleAssignments).values([
    { tenantId: alpha.id, userId, role: 'Senior' },
    { tenantId: beta.id, userId, role: 'ClientReadOnly' },
    { tenantId: delta.id, userId, role: 'Senior' },
  ]);
  const [a, b, g] = [await seedBooks(alpha), await seedBooks(beta), await seedBooks(gamma)];
  pools.push(a, b, g);
  numbers.fallback = (
    await sale(a, '2026-02-04', await rate(alpha, '2026-02-02', '1.08'), 10800n, true)
  ).number;
  await sale(a, '2026-02-03', await rate(alpha, '2026-02-03', '1.07'), 10700n, false);
  numbers.override = (
    await sale(
      b,
      '2026-02-10',
      await rate(beta, '2026-02-10', '1.09', { email: 'boss@test.firm', reason: 'Agreed with the bank' }),
      10900n,
      false,
    )
  ).number;
  await sale(g, '2026-02-05', await rate(gamma, '2026-02-01', '1.06'), 10600n, true);
  // delta's database is dropped, and its login with it: the client is listed, its database does not answer.
  await delta.db.drop();
});

afterAll(async () => {
  for (const p of pools) await p.$client.end();
  await world?.close();
});

const deps = () => ({
  control: world.control,
  registry: world.registry,
  fanOut: { concurrency: 4, timeoutMs: 5_000 },
});

describe('staleRateUsage', () => {
  it('lists the fallback on alpha and the override on beta, not gamma (no access), and delta as UNAVAILABLE', async () => {
    const u = await staleRateUsage(deps(), { userId }, '2026-02-01', '2026-02-28');
    expect(u.clients.map((c) => [c.client.slug, c.availability])).toEqual([
      ['alpha', 'AVAILABLE'],
      ['beta', 'AVAILABLE'],
      ['delta', 'UNAVAILABLE'],
    ]);
    expect(u.unavailableCount).toBe(1);
    expect(u.clients[2]).toMatchObject({ code: 'LOGIN_REFUSED' });
    const alpha = u.clients[0]!;
    const beta = u.clients[1]!;
    if (alpha.availability !== 'AVAILABLE' || beta.availability !== 'AVAILABLE')
      throw new Error('unavailable');
    expect(alpha.entries).toEqual([
      expect.objectContaining({
        entryNumber: numbers.fallback,
        postingDate: '2026-02-04',
        currency: 'EUR',
        rate: '1.08',
        rateDate: '2026-02-02',
        source: 'ECB',
        isFallback: true,
        isOverride: false,
        overrideByEmail: null,
      }),
    ]);
    expect(beta.entries).toEqual([
      expect.objectContaining({
        entryNumber: numbers.override,
        rate: '1.09',
        rateDate: '2026-02-10',
        source: 'OVERRIDE',
        isFallback: false,
        isOverride: true,
        overrideByEmail: 'boss@test.firm',
        overrideReason: 'Agreed with the bank',
      }),
    ]);
  });

  it('keeps to the range: 5 to 28 February leaves alpha’s fallback of the 4th out', async () => {
    const u = await staleRateUsage(deps(), { userId }, '2026-02-05', '2026-02-28');
    const alpha = u.clients[0]!;
    expect(alpha.availability === 'AVAILABLE' ? alpha.entries : null).toEqual([]);
  });

  it('refuses a reversed range and one longer than 366 days as BAD_USER_INPUT', async () => {
    for (const [from, to] of [
      ['2026-03-01', '2026-02-01'],
      ['2025-01-01', '2026-02-28'],
    ]) {
      const err = await staleRateUsage(deps(), { userId }, from!, to!).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe("staleRateUsage and the close board's read model", () => {
  /** A current summary of a client, as the projector writes it: February with `entries` stale ones. */
  const summarise = async (c: TestClient, entries: number | null, asOf: string) => {
    await world.control.execute(sql`
      INSERT INTO client_close_projections (tenant_id, change_seq, projected_seq, as_of)
      VALUES (${c.id}, 1, 1, ${asOf}::timestamptz)
      ON CONFLICT (tenant_id) DO UPDATE SET change_seq = 1, projected_seq = 1, as_of = excluded.as_of,
        unavailable_code = NULL`);
    await world.control.execute(sql`DELETE FROM client_close_months WHERE tenant_id = ${c.id}`);
    await world.control.execute(sql`
      INSERT INTO client_close_months (year, month, tenant_id, period_id, period_state, stage, end_date, stale_rate_entries)
      VALUES (2026, 2, ${c.id}, gen_random_uuid(), 'OPEN', 'OPEN', '2026-02-28', ${entries})`);
  };

  afterAll(async () => {
    await world.control.execute(sql`DELETE FROM client_close_months`);
    await world.control.execute(sql`DELETE FROM client_close_projections`);
  });

  it('answers a client summarised without stale entries from the summary: delta, whose database is gone, is AVAILABLE with none as of its summary', async () => {
    const [alpha, , , delta] = world.clients as TestClient[];
    await summarise(delta!, 0, '2026-03-01T12:00:00Z');
    // alpha's summary counts its fallback: it is read live, and its entry listed.
    await summarise(alpha!, 1, '2026-03-01T12:00:00Z');
    const before = new Date();
    const u = await staleRateUsage(deps(), { userId }, '2026-02-01', '2026-02-28');
    const bySlug = Object.fromEntries(u.clients.map((c) => [c.client.slug, c]));
    expect(bySlug.delta).toMatchObject({ availability: 'AVAILABLE', entries: [], truncated: false });
    expect(bySlug.delta?.availability === 'AVAILABLE' && bySlug.delta.asOf.toISOString()).toBe(
      '2026-03-01T12:00:00.000Z',
    );
    expect(u.unavailableCount).toBe(0);
    const a = bySlug.alpha;
    if (a?.availability !== 'AVAILABLE') throw new Error('alpha unavailable');
    expect(a.entries.map((e) => e.entryNumber)).toEqual([numbers.fallback]);
    expect(a.asOf.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('reads live a client whose summary is behind, or whose month was summarised before the counts existed', async () => {
    const [, , , delta] = world.clients as TestClient[];
    for (const stale of ['behind', 'unknown'] as const) {
      await summarise(delta!, stale === 'unknown' ? null : 0, '2026-03-01T12:00:00Z');
      if (stale === 'behind') {
        await world.control.execute(
          sql`UPDATE client_close_projections SET change_seq = 2 WHERE tenant_id = ${delta!.id}`,
        );
      }
      const u = await staleRateUsage(deps(), { userId }, '2026-02-01', '2026-02-28');
      expect(
        u.clients.find((c) => c.client.slug === 'delta'),
        stale,
      ).toMatchObject({
        availability: 'UNAVAILABLE',
        code: 'LOGIN_REFUSED',
      });
    }
  });
});
