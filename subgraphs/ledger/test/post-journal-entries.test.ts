import { withClient } from '@cifra/db';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { type AppConnection, connectApp, seedTestBooks, TEST_ACTOR } from './books.ts';

let tdb: TestDatabase;
let app: AppConnection;

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  await seedTestBooks(tdb.adminUrl, [2026]);
  app = await connectApp(tdb.appUrl);
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const entry = (i: number, over: Record<string, unknown> = {}) => ({
  postingDate: '2026-03-15',
  memo: `import ${i}`,
  idempotencyKey: `imp-${i}`,
  lines: [
    { accountCode: '1110', debit: `${i}.25` },
    { accountCode: '4101', credit: `${i}.25` },
  ],
  ...over,
});

/** Everything a posting writes, counted as the owner. */
async function written() {
  return withClient(tdb.adminUrl, async (c) => {
    const { rows } = await c.query(`SELECT
      (SELECT count(*)::int FROM journal_entries) AS entries,
      (SELECT count(*)::int FROM gl_lines) AS lines,
      (SELECT count(*)::int FROM audit_events) AS audit,
      (SELECT coalesce(sum(debit_minor), 0)::text FROM account_period_balances) AS debits,
      (SELECT coalesce(max(next_value), 0)::int FROM number_sequences) AS next_number`);
    return rows[0];
  });
}

describe('postJournalEntries', () => {
  it('posts every entry in one go, numbered consecutively, with balances and audit events', async () => {
    const before = await written();
    const posted = await postJournalEntries(
      app.db,
      app.company,
      TEST_ACTOR,
      Array.from({ length: 50 }, (_, i) => entry(i + 1)),
    );
    expect(posted).toHaveLength(50);
    expect(posted.map((e) => e.memo)).toEqual(Array.from({ length: 50 }, (_, i) => `import ${i + 1}`));
    const numbers = posted.map((e) => Number(e.number.slice(-6)));
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => (numbers[0] as number) + i));
    const after = await written();
    expect(after.entries - before.entries).toBe(50);
    expect(after.lines - before.lines).toBe(100);
    expect(after.audit - before.audit).toBe(50);
    // 1.25 + 2.25 + … + 50.25 = 1275 + 12.50
    expect(BigInt(after.debits) - BigInt(before.debits)).toBe(128_750n);
  });

  it('answers reused idempotency keys with the first entries and posts only the new ones', async () => {
    const first = await postJournalEntries(app.db, app.company, TEST_ACTOR, [entry(101), entry(102)]);
    const before = await written();
    const again = await postJournalEntries(app.db, app.company, TEST_ACTOR, [
      entry(101),
      entry(103),
      entry(102),
    ]);
    expect(again[0]?.id).toBe(first[0]?.id);
    expect(again[2]?.id).toBe(first[1]?.id);
    expect(again[1]?.memo).toBe('import 103');
    const after = await written();
    expect(after.entries - before.entries).toBe(1);
  });

  it.each([
    [
      'one unbalanced entry',
      [
        entry(201),
        entry(202, {
          lines: [
            { accountCode: '1110', debit: '1.00' },
            { accountCode: '4101', credit: '0.99' },
          ],
        }),
      ],
      'UNBALANCED_ENTRY',
      1,
    ],
    [
      'a money string such as 1e3',
      [
        entry(211),
        entry(212),
        entry(213, {
          lines: [
            { accountCode: '1110', debit: '1e3' },
            { accountCode: '4101', credit: '1000.00' },
          ],
        }),
      ],
      'BAD_USER_INPUT',
      2,
    ],
    [
      'three decimals in a 2-decimal currency',
      [
        entry(221, {
          lines: [
            { accountCode: '1110', debit: '0.001' },
            { accountCode: '4101', credit: '0.001' },
          ],
        }),
      ],
      'BAD_USER_INPUT',
      0,
    ],
    [
      'an unknown account',
      [
        entry(231),
        entry(232, {
          lines: [
            { accountCode: '9999', debit: '1.00' },
            { accountCode: '4101', credit: '1.00' },
          ],
        }),
      ],
      'BAD_USER_INPUT',
      1,
    ],
    [
      'a date no period covers',
      [entry(241), entry(242, { postingDate: '2031-01-01' })],
      'PERIOD_NOT_FOUND',
      undefined,
    ],
  ])('refuses a batch with %s and writes nothing', async (_name, batch, code, index) => {
    const before = await written();
    const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, batch).catch((e) => e);
    expect(err).toMatchObject({ code });
    if (index !== undefined) expect(err.details.index).toBe(index);
    expect(await written()).toEqual(before);
  });

  it('refuses a batch touching a locked period and writes nothing', async () => {
    await withClient(tdb.adminUrl, (c) =>
      c.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE start_date = '2026-05-01'`),
    );
    const before = await written();
    const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, [
      entry(301),
      entry(302, { postingDate: '2026-05-10' }),
    ]).catch((e) => e);
    expect(err).toMatchObject({ code: 'PERIOD_LOCKED' });
    expect(await written()).toEqual(before);
  });

  it('refuses two entries sharing a key, and an empty batch, writing nothing', async () => {
    const before = await written();
    await expect(
      postJournalEntries(app.db, app.company, TEST_ACTOR, [
        entry(401),
        { ...entry(402), idempotencyKey: 'imp-401' },
      ]),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(postJournalEntries(app.db, app.company, TEST_ACTOR, [])).rejects.toThrow();
    expect(await written()).toEqual(before);
  });
});
