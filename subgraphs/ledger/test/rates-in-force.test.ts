import { pg, type TenantDb, tenantDb } from '@cifra/db';
import { DomainError, pegsForRegion } from '@cifra/domain';
import { type ClientFx, lookupRate, rateKey, ratesInForce } from '@cifra/fx';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The documents lane looks up the rates in force of a group's foreign-currency drafts in one
// statement (`ratesInForce`, @cifra/fx) where `postDocument` asks `lookupRate` for each: the two must
// choose the same row for every currency and date — the latest within the staleness days, an
// override winning for its day (the latest override first), typed document rates never; for the
// pegged USD the peg citing the latest PEG row, of any age — and `ratesInForce` leaves out what
// `lookupRate` answers otherwise (the base currency, a peg with no row yet, RATE_NOT_AVAILABLE).

let tdb: TestDatabase;
let pool: pg.Pool;
let db: TenantDb;
const client: ClientFx = {
  baseCurrency: 'PAB',
  region: 'PA',
  timezone: 'America/Panama',
  pegs: pegsForRegion('PA'),
};

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: tdb.adminUrl, max: 2 });
  db = tenantDb(pool);
});
afterAll(async () => {
  await pool.end();
  await tdb.drop();
});

const day = (n: number) => `2026-06-${String(1 + n).padStart(2, '0')}`;
/** Rates are append-only: each run its own two currencies (QAA/RAA, QAB/RAB, …). */
const codeOf = (run: number, which: 'Q' | 'R') =>
  which + String.fromCharCode(65 + Math.floor(run / 26)) + String.fromCharCode(65 + (run % 26));
const SOURCES = ['ECB', 'OVERRIDE', 'DOCUMENT'] as const;

describe('ratesInForce', () => {
  it('chooses for every currency and date the row lookupRate chooses, and leaves out what it does not find', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            currency: fc.constantFrom('Q', 'R', 'USD'),
            day: fc.nat(19),
            source: fc.constantFrom(...SOURCES),
            rate: fc.integer({ min: 100, max: 199 }),
          }),
          { maxLength: 25 },
        ),
        fc.array(fc.record({ currency: fc.constantFrom('Q', 'R', 'USD', 'PAB'), day: fc.nat(19) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 6 }),
        async (table, asks, staleness) => {
          run++;
          const code = (c: string) => (c === 'Q' || c === 'R' ? codeOf(run, c) : c);
          // A provider's rate once a day (a second one for the day is not stored); overrides pile up.
          // USD is pegged: its rows are PEG rows (append-only, they pile up across runs).
          for (const r of table) {
            const source = r.currency === 'USD' ? 'PEG' : r.source;
            const override = source === 'OVERRIDE' || source === 'DOCUMENT';
            await pool.query(
              `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, is_override,
                 override_by, override_by_email, override_reason)
               SELECT $1, $2, 'PAB', $3, $4, $5, CASE WHEN $5 THEN gen_random_uuid() END,
                 CASE WHEN $5 THEN 'senior@test.invalid' END, CASE WHEN $5 THEN 'The bank confirmed it' END
               ON CONFLICT DO NOTHING`,
              [day(r.day), code(r.currency), r.currency === 'USD' ? '1' : `1.${r.rate}`, source, override],
            );
          }
          const wanted = asks.map((a) => ({ currency: code(a.currency), date: day(a.day) }));
          const found = await ratesInForce(db, client, wanted, staleness);
          for (const a of wanted) {
            const one = await lookupRate(db, client, a.currency, a.date, staleness).catch((err: unknown) => {
              if (err instanceof DomainError && err.code === 'RATE_NOT_AVAILABLE') return undefined;
              throw err;
            });
            const batch = found.get(rateKey(a.currency, a.date));
            // The base currency, and the peg before any PEG row: lookupRate's own answer.
            if (!one || one.id === null) expect(batch).toBeUndefined();
            else expect(batch).toEqual(one);
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(run).toBe(40);
  });
});
