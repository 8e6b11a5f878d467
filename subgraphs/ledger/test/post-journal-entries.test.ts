import { withClient } from '@cifra/db';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { type AppConnection, connectApp, seedTestBooks, TEST_ACTOR } from './books.ts';

let tdb: TestDatabase;
let app: AppConnection;
let vendor: string;

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  await seedTestBooks(tdb.adminUrl, [2026]);
  app = await connectApp(tdb.appUrl);
  vendor = await withClient(tdb.adminUrl, async (c) => {
    const { rows } = await c.query(
      `INSERT INTO parties (kind, code, name, currency) VALUES ('VENDOR', 'V1', 'Finca', 'PAB') RETURNING id`,
    );
    return rows[0].id as string;
  });
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

  const lines = (...l: Record<string, unknown>[]) => ({ lines: l });
  it.each<[string, () => Record<string, unknown>[], string, number, string]>([
    [
      'one unbalanced entry',
      () => [
        entry(201),
        entry(202, lines({ accountCode: '1110', debit: '1.00' }, { accountCode: '4101', credit: '0.99' })),
      ],
      'UNBALANCED_ENTRY',
      1,
      'input[1].lines',
    ],
    [
      'a money string such as 1e3',
      () => [
        entry(211),
        entry(212),
        entry(213, lines({ accountCode: '1110', debit: '1e3' }, { accountCode: '4101', credit: '1000.00' })),
      ],
      'BAD_USER_INPUT',
      2,
      'input[2].lines[0].debit',
    ],
    [
      'three decimals in a 2-decimal currency',
      () => [
        entry(221, lines({ accountCode: '1110', debit: '0.001' }, { accountCode: '4101', credit: '0.001' })),
      ],
      'BAD_USER_INPUT',
      0,
      'input[0].lines[0].debit',
    ],
    [
      'an unknown account',
      () => [
        entry(231),
        entry(232, lines({ accountCode: '9999', debit: '1.00' }, { accountCode: '4101', credit: '1.00' })),
      ],
      'BAD_USER_INPUT',
      1,
      'input[1].lines[0].accountCode',
    ],
    [
      'a line with a debit and a credit',
      () => [
        entry(236),
        entry(
          237,
          lines(
            { accountCode: '1110', debit: '1.00', credit: '1.00' },
            { accountCode: '4101', credit: '1.00' },
          ),
        ),
      ],
      'BAD_USER_INPUT',
      1,
      'input[1].lines[0]',
    ],
    [
      'a date no period covers',
      () => [entry(241), entry(242, { postingDate: '2031-01-01' })],
      'PERIOD_NOT_FOUND',
      1,
      'input[1].postingDate',
    ],
    [
      'a day not in the calendar',
      () => [entry(243), entry(244, { postingDate: '2026-02-30' })],
      'BAD_USER_INPUT',
      1,
      'input[1].postingDate',
    ],
    [
      'a reversal day before the entry',
      () => [entry(245), entry(246, { autoReverse: true, reverseOn: '2026-03-01' })],
      'BAD_USER_INPUT',
      1,
      'input[1].reverseOn',
    ],
    // Refused by the input's schema (zod), named in the same bracket form.
    [
      'a memo too long',
      () => [entry(251), entry(252, { memo: 'x'.repeat(1001) })],
      'BAD_USER_INPUT',
      1,
      'input[1].memo',
    ],
    [
      'an entry of one line',
      () => [entry(253, lines({ accountCode: '1110', debit: '1.00' }))],
      'BAD_USER_INPUT',
      0,
      'input[0].lines',
    ],
    [
      'an empty account code',
      () => [
        entry(254),
        entry(255),
        entry(256, lines({ accountCode: '1110', debit: '1.00' }, { accountCode: '', credit: '1.00' })),
      ],
      'BAD_USER_INPUT',
      2,
      'input[2].lines[1].accountCode',
    ],
    [
      'a party id that is no id',
      () => [
        entry(
          257,
          lines(
            { accountCode: '1110', debit: '1.00' },
            { accountCode: '4101', credit: '1.00', partyId: 'v1' },
          ),
        ),
      ],
      'BAD_USER_INPUT',
      0,
      'input[0].lines[1].partyId',
    ],
    // Control accounts, checked for the whole batch at once.
    [
      'a receivable line naming no party',
      () => [
        entry(261),
        entry(262, lines({ accountCode: '1110', debit: '1.00' }, { accountCode: '1201', credit: '1.00' })),
      ],
      'CONTROL_ACCOUNT_REQUIRES_DOCUMENT',
      1,
      'input[1].lines[1].partyId',
    ],
    [
      'a vendor on the receivable',
      () => [
        entry(263),
        entry(264),
        entry(
          265,
          lines(
            { accountCode: '1201', debit: '1.00', partyId: vendor },
            { accountCode: '4101', credit: '1.00' },
          ),
        ),
      ],
      'BAD_USER_INPUT',
      2,
      'input[2].lines[0].partyId',
    ],
    // The engine's own refusals of one request.
    [
      'two entries sharing a key',
      () => [entry(271), entry(272), { ...entry(273), idempotencyKey: 'imp-271' }],
      'BAD_USER_INPUT',
      2,
      'input[2].idempotencyKey',
    ],
  ])(
    'refuses a batch with %s, naming the entry, and writes nothing',
    async (_name, batch, code, index, field) => {
      const before = await written();
      const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, batch()).catch((e) => e);
      expect(err).toMatchObject({ code, details: { index, field } });
      expect(err.message).toMatch(new RegExp(`^input\\[${index}\\]: `));
      expect(await written()).toEqual(before);
    },
  );

  it('refuses a batch touching a locked period, naming the entry, and writes nothing', async () => {
    await withClient(tdb.adminUrl, (c) =>
      c.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE start_date = '2026-05-01'`),
    );
    const before = await written();
    const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, [
      entry(301),
      entry(302, { postingDate: '2026-04-30' }),
      entry(303, { postingDate: '2026-05-10' }),
      entry(304, { postingDate: '2026-05-11' }),
    ]).catch((e) => e);
    expect(err).toMatchObject({
      code: 'PERIOD_LOCKED',
      details: { index: 2, field: 'input[2].postingDate', period: '2026-05', state: 'LOCKED' },
    });
    expect(await written()).toEqual(before);
  });

  it('names the second of two entries sharing a key, and the first', async () => {
    const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, [
      entry(311),
      entry(312),
      { ...entry(313), idempotencyKey: 'imp-312' },
    ]).catch((e) => e);
    expect(err.details).toEqual({
      index: 2,
      field: 'input[2].idempotencyKey',
      idempotencyKey: 'imp-312',
      firstIndex: 1,
    });
  });

  it('names the list itself when it is empty, not an entry', async () => {
    const before = await written();
    const err = await postJournalEntries(app.db, app.company, TEST_ACTOR, []).catch((e) => e);
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input' } });
    expect(err.details.index).toBeUndefined();
    expect(await written()).toEqual(before);
  });
});
