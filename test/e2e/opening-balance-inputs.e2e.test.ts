import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * What an opening balance import refuses of its lines and its clearing account, through the gateway
 * on a client provisioned for the test (its books empty): a trial balance line with neither side,
 * and a clearing account that is not an equity account. Each is a problem of the dry run, naming
 * the line, and the real run is refused with the same list and writes nothing.
 */
let t: TestStack;
const SLUG = 'saldos-cero';
const OPENING = `${provisionedYear()}-07-01`;
const as = () => t.as('senior', SLUG);
const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};

const IMPORT = `mutation ($input: OpeningBalancesInput!) { importOpeningBalances(input: $input) {
  dryRun problems { index field code message } import { id } } }`;
type Problem = { index: number | null; field: string; code: string; message: string };
type Result = {
  importOpeningBalances: { dryRun: boolean; problems: Problem[]; import: { id: string } | null };
};

const tb = (...extra: Record<string, string>[]) => [
  { accountCode: '1110', debit: '500.00' },
  ...extra,
  { accountCode: '3101', credit: '500.00' },
];

const counts = async () =>
  (
    await t.tenantSql<{ n: string }>(
      SLUG,
      `SELECT (SELECT count(*) FROM journal_entries) + (SELECT count(*) FROM opening_imports)
            + (SELECT count(*) FROM audit_events) AS n`,
    )
  )[0]?.n;

/** The dry run's problems; the real run refuses the same list and writes nothing. */
async function problemsOf(input: Record<string, unknown>): Promise<Problem[]> {
  const before = await counts();
  const dry = ok(await as()<Result>(IMPORT, { input: { openingDate: OPENING, ...input, dryRun: true } }));
  const real = await as()(IMPORT, { input: { openingDate: OPENING, ...input } });
  expect(codes(real)).toEqual(['OPENING_BALANCES_INVALID']);
  expect(real.errors?.[0]?.extensions?.problems).toEqual(dry.importOpeningBalances.problems);
  expect(await counts()).toBe(before);
  return dry.importOpeningBalances.problems;
}

beforeAll(async () => {
  t = await startTestStack();
  ok(
    await t.as('admin')(
      `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }`,
      {
        input: { slug: SLUG, name: 'Saldos Cero, S.A.' },
      },
    ),
  );
  ok(
    await as()(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { code } }`, {
      input: { code: '3999', name: 'Saldos iniciales — transitoria', type: 'EQUITY' },
    }),
  );
}, 180_000);
afterAll(() => t?.close());

describe('opening balance lines and clearing account', () => {
  it.each([
    ['a zero debit', { accountCode: '1601', debit: '0.00' }],
    ['zero on both sides', { accountCode: '1601', debit: '0', credit: '0.00' }],
    ['neither side given', { accountCode: '1601' }],
  ])('refuses a trial balance line with %s, naming the line', async (_what, line) => {
    const problems = await problemsOf({ trialBalance: tb(line) });
    expect(problems).toEqual([
      expect.objectContaining({ index: 1, field: 'trialBalance[1]', code: 'BAD_AMOUNT' }),
    ]);
  });

  it.each([
    ['a bank account', '1110', 'ASSET'],
    ['an income account', '4101', 'INCOME'],
  ])('refuses %s as the clearing account', async (_what, code, type) => {
    const problems = await problemsOf({ trialBalance: tb(), clearingAccountCode: code });
    expect(problems).toEqual([
      expect.objectContaining({ index: null, field: 'clearingAccountCode', code: 'CLEARING_ACCOUNT' }),
    ]);
    expect(problems[0]?.message).toContain(type);
  });

  it('takes an equity clearing account and lines with one side each', async () => {
    const r = ok(
      await as()<Result>(IMPORT, {
        input: { openingDate: OPENING, trialBalance: tb(), clearingAccountCode: '3999', dryRun: true },
      }),
    );
    expect(r.importOpeningBalances.problems).toEqual([]);
  });
});
