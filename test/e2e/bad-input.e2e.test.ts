import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Every bad input the robustness review found answers BAD_USER_INPUT naming the field, and writes
 * nothing: no entry, no party, no document, no audit event.
 */
let t: TestStack;
let partyId: string;
beforeAll(async () => {
  t = await startTestStack();
  const party = await t.as(
    'senior',
    'cafe-boquete',
  )<{ createParty: { id: string } }>(
    'mutation { createParty(input: { kind: CUSTOMER, code: "BAD-IN", name: "Bad Input S.A." }) { id } }',
  );
  partyId = party.data?.createParty.id as string;
});
afterAll(() => t?.close());

const today = clientToday();
const debit = (over: Record<string, unknown> = {}) => ({ accountCode: '1110', debit: '1.00', ...over });
const credit = (over: Record<string, unknown> = {}) => ({ accountCode: '4101', credit: '1.00', ...over });
const POST = 'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }';
const BULK = 'mutation($input: [PostJournalEntryInput!]!) { postJournalEntries(input: $input) { id } }';
const INVOICE = 'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }';
const PARTY = 'mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }';
const entry = (over: Record<string, unknown> = {}) => ({
  postingDate: today,
  lines: [debit(), credit()],
  ...over,
});
const invoice = (line: Record<string, unknown>) => ({
  input: {
    partyId,
    documentDate: today,
    lines: [
      {
        description: 'Servicio',
        quantity: '1',
        unitPrice: '1.00',
        accountCode: '4101',
        taxCode: 'EXENTO',
        ...line,
      },
    ],
  },
});
const big = '1'.padEnd(31, '0');

/**
 * [what, operation, variables, the field the refusal must name (a prefix is enough)]: within the
 * mutation's `input` (`lines[0].memo`), a bulk import's entry by its position (`input[1].memo`).
 */
const cases: [string, string, () => Record<string, unknown>, string][] = [
  ['no lines', POST, () => ({ input: entry({ lines: [] }) }), 'lines'],
  ['one line', POST, () => ({ input: entry({ lines: [debit()] }) }), 'lines'],
  ['lines sent as an object', POST, () => ({ input: entry({ lines: debit() }) }), 'lines'],
  [
    '1,001 lines',
    POST,
    () => ({ input: entry({ lines: Array.from({ length: 1001 }, () => debit()) }) }),
    'lines',
  ],
  ['a memo of 1,001 characters', POST, () => ({ input: entry({ memo: 'x'.repeat(1001) }) }), 'memo'],
  ['a NUL in the memo', POST, () => ({ input: entry({ memo: 'a\u0000b' }) }), 'memo'],
  ['a lone surrogate in the memo', POST, () => ({ input: entry({ memo: 'a\ud800b' }) }), 'memo'],
  [
    'a NUL in a line memo',
    POST,
    () => ({ input: entry({ lines: [debit({ memo: 'x\u0000' }), credit()] }) }),
    'lines[0].memo',
  ],
  [
    'a lone surrogate in the idempotency key',
    POST,
    () => ({ input: entry({ idempotencyKey: 'k\udc00' }) }),
    'idempotencyKey',
  ],
  [
    'a NUL in an account code',
    POST,
    () => ({ input: entry({ lines: [debit({ accountCode: '11\u000010' }), credit()] }) }),
    'lines[0].accountCode',
  ],
  [
    'money beyond 64-bit minor units',
    POST,
    () => ({ input: entry({ lines: [debit({ debit: big }), credit({ credit: big })] }) }),
    '',
  ],
  [
    'a posting of 5×10^16 minor units',
    POST,
    () => ({
      input: entry({
        lines: [debit({ debit: '500000000000000.00' }), credit({ credit: '500000000000000.00' })],
      }),
    }),
    '',
  ],
  ['a posting date in year 0', POST, () => ({ input: entry({ postingDate: '0000-01-01' }) }), ''],
  [
    'an accrual reversing on 9999-12-31',
    POST,
    () => ({ input: entry({ autoReverse: true, reverseOn: '9999-12-31' }) }),
    'reverseOn',
  ],
  [
    "a bulk import's second entry reversing on 9999-12-31",
    BULK,
    () => ({ input: [entry(), entry({ autoReverse: true, reverseOn: '9999-12-31' })] }),
    'input[1].reverseOn',
  ],
  [
    'a NUL in a party name',
    PARTY,
    () => ({ input: { kind: 'CUSTOMER', code: 'NUL1', name: 'a\u0000b' } }),
    'name',
  ],
  [
    'a lone surrogate in an invoice line description',
    INVOICE,
    () => invoice({ description: 'x\udfff' }),
    'lines[0].description',
  ],
  [
    'an invoice line whose quantity × price overflows',
    INVOICE,
    () => invoice({ quantity: '9999999999999', unitPrice: '9999999999999' }),
    'lines[0]',
  ],
  [
    "a NUL in a bulk import's second entry's memo",
    BULK,
    () => ({ input: [entry(), entry({ memo: 'a\u0000b' })] }),
    'input[1].memo',
  ],
  [
    "a bulk import's second entry of one line",
    BULK,
    () => ({ input: [entry(), entry({ lines: [debit()] })] }),
    'input[1].lines',
  ],
  [
    '10,001 entries in one bulk import',
    BULK,
    () => ({ input: Array.from({ length: 10_001 }, () => entry()) }),
    'input',
  ],
];

const footprint = async () =>
  (
    await t.tenantSql<{ n: number }>(
      'cafe-boquete',
      `SELECT (SELECT count(*) FROM journal_entries)::int + (SELECT count(*) FROM audit_events)::int
            + (SELECT count(*) FROM parties)::int + (SELECT count(*) FROM documents)::int AS n`,
    )
  )[0]?.n;

describe('bad input answers BAD_USER_INPUT with the field, and writes nothing', () => {
  it.each(cases)('%s', async (_what, query, variables, field) => {
    const before = await footprint();
    const r = await t.as('senior', 'cafe-boquete')(query, variables());
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    if (field)
      expect(String(r.errors?.[0]?.extensions?.field ?? '')).toMatch(
        new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`),
      );
    expect(await footprint()).toBe(before);
  });

  it("names a bulk import's entry by its index, whichever check refuses it", async () => {
    const bulk = async (input: Record<string, unknown>[]) => {
      const before = await footprint();
      const r = await t.as('senior', 'cafe-boquete')(BULK, { input });
      expect(await footprint()).toBe(before);
      return r.errors?.[0]?.extensions;
    };
    // The text rules, before the resolver; the input's schema; the engine's period check.
    expect(await bulk([entry(), entry(), entry({ memo: 'x\u0000' })])).toMatchObject({
      code: 'BAD_USER_INPUT',
      index: 2,
      field: 'input[2].memo',
    });
    expect(await bulk([entry(), entry({ memo: 'x'.repeat(1001) })])).toMatchObject({
      code: 'BAD_USER_INPUT',
      index: 1,
      field: 'input[1].memo',
    });
    expect(await bulk([entry(), entry({ postingDate: '2099-01-15' })])).toMatchObject({
      code: 'PERIOD_NOT_FOUND',
      index: 1,
      field: 'input[1].postingDate',
    });
  });

  it("names a bulk import's entry whose scalar is bad, as a variable or inline", async () => {
    const bulk = async (query: string, variables?: Record<string, unknown>) => {
      const before = await footprint();
      const r = await t.as('senior', 'cafe-boquete')(query, variables);
      expect(await footprint()).toBe(before);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      return r.errors?.[0]?.extensions;
    };
    const eight = (i: number, over: Record<string, unknown>) =>
      Array.from({ length: 8 }, (_, j) => (j === i ? entry(over) : entry()));
    // Money and Date are parsed by their scalars before any resolver runs.
    expect(await bulk(BULK, { input: eight(7, { postingDate: '2026-02-30' }) })).toMatchObject({
      index: 7,
      field: 'input[7].postingDate',
    });
    expect(
      await bulk(BULK, { input: eight(3, { lines: [debit(), credit({ credit: '1e3' })] }) }),
    ).toMatchObject({ index: 3, field: 'input[3].lines[1].credit' });
    // Whatever the client calls its variable, the field is named by the argument.
    expect(
      await bulk(
        'mutation($entries: [PostJournalEntryInput!]!) { postJournalEntries(input: $entries) { id } }',
        { entries: eight(5, { postingDate: 'today' }) },
      ),
    ).toMatchObject({ index: 5, field: 'input[5].postingDate' });
    const inline = (date: string) =>
      `{ postingDate: "${date}", lines: [{ accountCode: "1110", debit: "1.00" }, { accountCode: "4101", credit: "1.00" }] }`;
    expect(
      await bulk(
        `mutation { postJournalEntries(input: [${inline(today)}, ${inline('2026-13-01')}]) { id } }`,
      ),
    ).toMatchObject({ index: 1, field: 'input[1].postingDate' });
  });

  it('still accepts the largest amount the books allow', async () => {
    const max = '9999999999999.99';
    const r = await t.as('senior', 'cafe-boquete')(POST, {
      input: entry({ lines: [debit({ debit: max }), credit({ credit: max })] }),
    });
    expect(r.errors).toBeUndefined();
  });
});

/**
 * An empty `after` is not a cursor: every connection, whichever subgraph answers it and however
 * deep in the query, refuses it as it refuses any text it did not return.
 */
describe('after: "" on a connection', () => {
  const connections: [string, string, string | undefined][] = [
    ['journalEntries', '{ journalEntries(after: "") { edges { cursor } } }', 'cafe-boquete'],
    ['documents', '{ documents(after: "") { edges { cursor } } }', 'cafe-boquete'],
    ['accountsConnection', '{ accountsConnection(after: "") { edges { cursor } } }', 'cafe-boquete'],
    [
      'generalLedger',
      `{ generalLedger(accountCode: "1110", from: "${today.slice(0, 4)}-01-01", to: "${today}", after: "") { edges { cursor } } }`,
      'cafe-boquete',
    ],
    ['fiscalYearsConnection', '{ fiscalYearsConnection(after: "") { edges { cursor } } }', 'cafe-boquete'],
    ['auditEvents', '{ auditEvents(after: "") { edges { cursor } } }', 'cafe-boquete'],
    ['tenantsConnection', '{ tenantsConnection(after: "") { edges { cursor } } }', undefined],
    ['Me.tenantsConnection', '{ me { tenantsConnection(after: "") { edges { cursor } } } }', undefined],
  ];

  it.each(connections)('%s', async (_name, query, tenant) => {
    const r = await t.as('admin', tenant)(query);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.extensions?.field).toBe('after');
  });

  it('leaves a list whose `after` is an account code as it was', async () => {
    const r = await t.as(
      'senior',
      'cafe-boquete',
    )<{ accounts: unknown[] }>('{ accounts(first: 1, after: "") { code } }');
    expect(r.errors).toBeUndefined();
    expect(r.data?.accounts).toHaveLength(1);
  });
});
