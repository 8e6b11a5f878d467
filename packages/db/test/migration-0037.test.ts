import { readFileSync } from 'node:fs';
import { ISO_4217 } from '@cifra/domain';
import { createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

/**
 * Control migration 0037 for settings stored before it: a refresh list's codes that are not ISO 4217
 * currencies the system knows are dropped, in order, the rest of every list kept. Its statements run
 * again on a control plane holding such values, as one before 0037 could.
 */
const migration = readFileSync(
  new URL('../migrations/control/0037_fx_currencies_known.sql', import.meta.url),
  'utf8',
)
  .split('--> statement-breakpoint')
  .join(';');

let db: TestDatabase;
const admin = (sql: string, params: unknown[] = []) => withClient(db.adminUrl, (c) => c.query(sql, params));

beforeAll(async () => {
  db = await createTestControlDatabase();
  for (const c of ISO_4217) {
    await admin(
      'INSERT INTO currencies (code, numeric_code, name, minor_units) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [c.code, c.numericCode, c.name, c.minorUnits],
    );
  }
});
afterAll(() => db?.drop());

describe('migration 0037 on settings stored before it', () => {
  it('drops the codes no provider can quote and keeps the rest, in order', async () => {
    const lists = [['ZZZ', 'EUR', 'USD', 'QQQ'], ['USD', 'EUR'], ['ZZZ']];
    for (const [i, list] of lists.entries()) {
      const firm = (
        await admin("INSERT INTO firms (slug, name) VALUES ($1, 'F') RETURNING id", [`fx-firm-${i}`])
      ).rows[0].id as string;
      await admin("INSERT INTO firm_settings (firm_id, key, value) VALUES ($1, 'fxCurrencies', $2)", [
        firm,
        JSON.stringify(list),
      ]);
    }
    await admin(migration);
    const after = (
      await admin(
        `SELECT s.value FROM firm_settings s JOIN firms f ON f.id = s.firm_id
          WHERE f.slug LIKE 'fx-firm-%' ORDER BY f.slug`,
      )
    ).rows.map((r) => r.value);
    expect(after).toEqual([['EUR', 'USD'], ['USD', 'EUR'], []]);
  });
});
