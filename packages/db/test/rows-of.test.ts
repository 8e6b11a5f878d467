import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pg, rowsOf, type TenantDb, tenant, tenantDb } from '../src/index.ts';

/**
 * `rowsOf` decodes the rows of a raw statement (`SELECT *`, a function returning `SETOF table`) as
 * drizzle's own select of the table decodes them: every column under its key, bigints, dates and
 * times decoded, nulls kept.
 */
let t: TestDatabase;
let pool: pg.Pool;
let db: TenantDb;
beforeAll(async () => {
  t = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: t.adminUrl, max: 1 });
  db = tenantDb(pool);
  await pool.query(`INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
    VALUES ('2026-05-04', 'EUR', 'PAB', '1.083400000000', 'ECB', NULL),
           ('2026-05-05', 'EUR', 'PAB', '1.085', 'ECB', 'from the bank''s "close"')`);
  await pool.query(`INSERT INTO parties (kind, code, name, currency) VALUES ('CUSTOMER', 'C1', 'Hotel', 'USD'),
    ('VENDOR', 'V1', 'Café', 'PAB')`);
});
afterAll(async () => {
  await pool?.end();
  await t?.drop();
});

describe('rowsOf', () => {
  it("decodes a raw statement's rows as drizzle's select of the table does", async () => {
    for (const [table, name] of [
      [tenant.exchangeRates, 'exchange_rates'],
      [tenant.parties, 'parties'],
    ] as const) {
      const raw = await db.execute<Record<string, unknown>>(sql.raw(`SELECT * FROM ${name} ORDER BY 1`));
      const selected = await db.select().from(table).orderBy(sql`1`);
      expect(selected.length).toBeGreaterThan(0);
      expect(rowsOf(table, raw.rows)).toEqual(selected);
    }
  });

  it('decodes no rows, and the same table again (its columns listed once)', async () => {
    expect(rowsOf(tenant.exchangeRates, [])).toEqual([]);
    const raw = await db.execute<Record<string, unknown>>(sql`SELECT * FROM exchange_rates ORDER BY id`);
    const [first, second] = rowsOf(tenant.exchangeRates, raw.rows);
    expect(first?.id).toBeTypeOf('bigint');
    expect(first?.derivation).toBeNull();
    expect(second?.derivation).toBe('from the bank\'s "close"');
    expect(first?.fetchedAt).toBeInstanceOf(Date);
    expect(rowsOf(tenant.exchangeRates, raw.rows)).toEqual([first, second]);
  });
});
