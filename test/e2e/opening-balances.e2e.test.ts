import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMoney } from '@cifra/domain';
import { hledgerBalances, hledgerOracleRuns } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday, provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { readmeExamples } from '../support/readme-examples.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Opening balances through the gateway with real tokens, on a client provisioned for the test (its
 * books empty): a trial balance at the end of June and the open invoices and bills behind its
 * receivable and payable, brought in on July 1st. Independent figures are BigInt cents.
 */
let t: TestStack;
const SLUG = 'mudanza-sa';
const year = provisionedYear();
const OPENING = `${year}-07-01`;
const oracle = await hledgerOracleRuns();
const as = (who: 'senior' | 'junior' | 'admin') => t.as(who, SLUG);
const cents = (money: string) => parseMoney(money, 2);
const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};

const IMPORT = `mutation ($input: OpeningBalancesInput!) { importOpeningBalances(input: $input) {
  dryRun totalDebit totalCredit receivable payable openItemCount
  problems { index field code message }
  import { id openingDate voided entry { number lines { account { code } debit credit } }
    clearingAccount { code }
    openItems { id number reference kind total originalTotal baseTotal exchangeRate currency dueDate
      documentDate postingDate openingBalanceImport { id } } } } }`;
const VOID = `mutation ($id: ID!, $reason: String!) { voidOpeningBalances(id: $id, reason: $reason) {
  id voided voidReason voidDate } }`;
const BOOKS = `query ($d: Date!) {
  trialBalance(asOf: $d) { totalDebit totalCredit rows { accountCode debit credit } }
  arAging(asOf: $d) { totalBase { total } }
  apAging(asOf: $d) { totalBase { total } } }`;

type Problem = { index: number | null; field: string; code: string; message: string };
type Item = {
  id: string;
  number: string;
  reference: string;
  total: string;
  originalTotal: string | null;
  baseTotal: string;
  exchangeRate: string;
  currency: string;
};
type Result = {
  dryRun: boolean;
  totalDebit: string;
  totalCredit: string;
  receivable: string;
  payable: string;
  problems: Problem[];
  import: {
    id: string;
    voided: boolean;
    entry: { number: string; lines: { account: { code: string }; debit: string; credit: string }[] };
    clearingAccount: { code: string };
    openItems: Item[];
  } | null;
};

const party: Record<string, string> = {};

/** The trial balance at June 30th: debits 45,650.00 = credits 45,650.00. */
const trialBalance = () => [
  { accountCode: '1110', debit: '25000.00' },
  { accountCode: '1201', debit: '8650.00' },
  { accountCode: '1601', debit: '12000.00' },
  { accountCode: '1690', credit: '2400.00' },
  { accountCode: '2101', credit: '3210.00' },
  { accountCode: '2201', credit: '350.00', partyId: party.DGI },
  { accountCode: '3101', credit: '10000.00' },
  { accountCode: '3201', credit: '29690.00' },
];
/** Receivable 3,000.00 + EUR 3,500.00 × 1.30 + USD 1,100.00 at the peg = 8,650.00; payable 3,210.00. */
const openItems = () => [
  {
    kind: 'SALES_INVOICE',
    partyCode: 'C-ALFA',
    number: 'F-101',
    date: `${year}-05-10`,
    dueDate: `${year}-06-09`,
    originalAmount: '5000.00',
    openAmount: '3000.00',
  },
  {
    kind: 'SALES_INVOICE',
    partyId: party.BETA,
    number: 'F-102',
    date: `${year}-06-20`,
    dueDate: `${year}-07-20`,
    currency: 'EUR',
    originalAmount: '3500.00',
    openAmount: '3500.00',
    rate: '1.30',
  },
  {
    kind: 'SALES_INVOICE',
    partyCode: 'C-ALFA',
    number: 'F-103',
    date: `${year}-06-25`,
    currency: 'USD',
    originalAmount: '1100.00',
    openAmount: '1100.00',
  },
  {
    kind: 'PURCHASE_INVOICE',
    partyCode: 'V-GAMMA',
    number: 'A-77',
    date: `${year}-06-15`,
    dueDate: `${year}-07-15`,
    originalAmount: '3210.00',
    openAmount: '3210.00',
  },
];
const goodInput = () => ({
  openingDate: OPENING,
  clearingAccountCode: '3999',
  trialBalance: trialBalance(),
  openItems: openItems(),
});

async function books(d: string) {
  const r = ok(
    await as('senior')<{
      trialBalance: {
        totalDebit: string;
        totalCredit: string;
        rows: { accountCode: string; debit: string; credit: string }[];
      };
      arAging: { totalBase: { total: string } };
      apAging: { totalBase: { total: string } };
    }>(BOOKS, { d }),
  );
  const balance = new Map(
    r.trialBalance.rows.map((row) => [row.accountCode, cents(row.debit) - cents(row.credit)]),
  );
  return { ...r, balance, ar: cents(r.arAging.totalBase.total), ap: cents(r.apAging.totalBase.total) };
}

const counts = async () =>
  (
    await t.tenantSql<{ entries: string; documents: string; events: string; imports: string }>(
      SLUG,
      `SELECT (SELECT count(*) FROM journal_entries)::text AS entries, (SELECT count(*) FROM documents)::text AS documents,
              (SELECT count(*) FROM audit_events)::text AS events, (SELECT count(*) FROM opening_imports)::text AS imports`,
    )
  )[0];

beforeAll(async () => {
  t = await startTestStack();
  ok(
    await t.as('admin')(
      `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }`,
      {
        input: { slug: SLUG, name: 'Mudanza, S.A.' },
      },
    ),
  );
  for (const [key, kind, code, currency] of [
    ['ALFA', 'CUSTOMER', 'C-ALFA', 'PAB'],
    ['BETA', 'CUSTOMER', 'C-BETA', 'EUR'],
    ['GAMMA', 'VENDOR', 'V-GAMMA', 'PAB'],
    ['DGI', 'VENDOR', 'DGI', 'PAB'],
  ] as const) {
    const r = ok(
      await as('senior')<{ createParty: { id: string } }>(
        `mutation ($input: CreatePartyInput!) { createParty(input: $input) { id } }`,
        { input: { kind, code, name: `${code} S.A.`, currency } },
      ),
    );
    party[key] = r.createParty.id;
  }
  ok(
    await as('senior')(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { code } }`, {
      input: { code: '3999', name: 'Saldos iniciales — transitoria', type: 'EQUITY' },
    }),
  );
}, 180_000);
afterAll(() => t?.close());

describe('opening balances through the gateway', () => {
  it('a dry run of a faulty import reports all 18 problems at once, and the real run refuses the same list and writes nothing', async () => {
    const before = await counts();
    const tb = trialBalance();
    tb[0] = { accountCode: '1110', debit: '25000.00', credit: '1.00' } as never; // both sides
    tb.push({ accountCode: '9999', debit: '5.00' }); // unknown account (and unbalanced)
    tb.push({ accountCode: '1601', debit: '1.00' }); // the same account twice
    tb[5] = { accountCode: '2201', credit: '350.00' }; // tax control account without its party
    tb.push({ accountCode: '1101', debit: '1.00', partyId: 'not-an-id' } as never); // a malformed party id
    tb.push({ accountCode: '4101', debit: '0.00' }); // neither side
    const items = openItems();
    items[0] = { ...items[0], openAmount: '6000.00' } as (typeof items)[number]; // open > original
    items[1] = { ...items[1], rate: undefined } as unknown as (typeof items)[number]; // EUR without a rate
    items.push({ ...items[2], number: 'F-101' } as (typeof items)[number]); // duplicate number
    items.push({ ...items[2], number: `INV-${year}-000007` } as (typeof items)[number]); // our own numbering
    items.push({ ...items[2], number: 'F-200', partyCode: 'C-NADIE' } as (typeof items)[number]); // unknown party
    items.push({ ...items[2], number: 'F-201', date: OPENING } as (typeof items)[number]); // not before the opening
    items.push({ ...items[2], number: 'F-202', currency: 'EURO' } as (typeof items)[number]); // not ISO 4217
    // An unknown party and no currency: the amounts are still checked (open > original).
    items.push({
      ...items[0],
      number: 'F-204',
      partyCode: 'C-NADIE',
      openAmount: '6000.00',
    } as (typeof items)[number]);
    const input = { openingDate: OPENING, trialBalance: tb, openItems: items };

    const dry = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: { ...input, dryRun: true } }),
    ).importOpeningBalances;
    expect(dry.dryRun).toBe(true);
    expect(dry.import).toBeNull();
    const found = dry.problems.map((p) => `${p.code} ${p.field}`);
    expect(found.sort()).toEqual(
      [
        'BAD_AMOUNT trialBalance[0]',
        'UNKNOWN_ACCOUNT trialBalance[8].accountCode',
        'DUPLICATE_ACCOUNT trialBalance[9].accountCode',
        'CONTROL_ACCOUNT_PARTY trialBalance[5].partyId',
        'UNBALANCED trialBalance',
        'CLEARING_ACCOUNT clearingAccountCode',
        'OPEN_EXCEEDS_ORIGINAL openItems[0].openAmount',
        'BAD_RATE openItems[1].rate',
        'DUPLICATE_NUMBER openItems[4].number',
        'DUPLICATE_NUMBER openItems[5].number',
        'UNKNOWN_PARTY openItems[6].partyCode',
        'BAD_DATE openItems[7].date',
        'BAD_CURRENCY openItems[8].currency',
        'UNKNOWN_PARTY openItems[9].partyCode',
        'OPEN_EXCEEDS_ORIGINAL openItems[9].openAmount',
        'CONTROL_ACCOUNT_PARTY trialBalance[10].partyId',
        'BAD_AMOUNT trialBalance[11]',
        'CONTROL_ACCOUNT_MISMATCH trialBalance',
      ].sort(),
    );
    expect(dry.problems.find((p) => p.field === 'trialBalance[8].accountCode')?.index).toBe(8);
    expect(dry.problems.find((p) => p.field === 'trialBalance[11]')?.index).toBe(11);
    expect(await counts()).toEqual(before);

    const real = await as('senior')(IMPORT, { input });
    expect(codes(real)).toEqual(['OPENING_BALANCES_INVALID']);
    expect(real.errors?.[0]?.extensions?.problems).toEqual(dry.problems);
    expect(await counts()).toEqual(before);
  });

  it('a dry run on a client with books refuses a mid-month date (OPENING_DATE) and the first of next month, balances being before it (ACTIVITY_BEFORE_OPENING)', async () => {
    const run = async (openingDate: string) =>
      ok(
        await t.as('senior', 'cafe-boquete')<{ importOpeningBalances: Result }>(IMPORT, {
          input: {
            openingDate,
            dryRun: true,
            trialBalance: [
              { accountCode: '1110', debit: '10.00' },
              { accountCode: '3101', credit: '10.00' },
            ],
          },
        }),
      ).importOpeningBalances.problems.map((p) => p.code);
    expect(await run(`${year}-07-15`)).toContain('OPENING_DATE');
    // The first day of the month after the client's today.
    const [y, m] = clientToday().split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    expect(await run(next)).toContain('ACTIVITY_BEFORE_OPENING');
  });

  it("the README's dry-run example runs as written (on this client): data, no error", async () => {
    const [example] = readmeExamples({
      TODAY: OPENING,
      YEAR: String(year),
      LAST_YEAR: String(year - 1),
    }).filter((e) => e.body.includes('importOpeningBalances') && e.placeholders.length === 0);
    const { query } = JSON.parse(example!.body) as { query: string };
    const r = ok(await as('senior')<{ importOpeningBalances: Result }>(query));
    expect(r.importOpeningBalances.dryRun).toBe(true);
    expect(r.importOpeningBalances.totalDebit).toBe('2000.00');
  });

  it('refuses a junior (no GL.Post) before anything', async () => {
    expect(codes(await as('junior')(IMPORT, { input: { ...goodInput(), dryRun: true } }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('imports a trial balance of 45,650.00 with receivable 8,650.00 (EUR 3,500.00 at 1.30 = 4,550.00) and payable 3,210.00: the trial balance, the agings and the clearing account agree from day one', async () => {
    const dry = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, {
        input: { ...goodInput(), dryRun: true },
      }),
    ).importOpeningBalances;
    expect(dry).toMatchObject({
      problems: [],
      totalDebit: '45650.00',
      receivable: '8650.00',
      payable: '3210.00',
    });

    const r = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: goodInput() }),
    ).importOpeningBalances;
    expect(r).toMatchObject({ dryRun: false, problems: [], totalDebit: '45650.00', totalCredit: '45650.00' });
    const imported = r.import!;
    expect(imported.clearingAccount.code).toBe('3999');
    // The receivable and payable go to the clearing account in the trial balance's entry…
    const entryCodes = imported.entry.lines.map((l) => l.account.code);
    expect(entryCodes).not.toContain('1201');
    expect(entryCodes).not.toContain('2101');
    const byNumber = new Map(imported.openItems.map((d) => [d.number, d]));
    expect(byNumber.get('F-101')).toMatchObject({
      total: '3000.00',
      originalTotal: '5000.00',
      baseTotal: '3000.00',
    });
    expect(byNumber.get('F-102')).toMatchObject({
      currency: 'EUR',
      total: '3500.00',
      exchangeRate: '1.3',
      baseTotal: '4550.00',
    });
    expect(byNumber.get('F-103')).toMatchObject({ currency: 'USD', exchangeRate: '1', baseTotal: '1100.00' });
    // A bill keeps the vendor's number as its reference; its own number names the vendor.
    expect(byNumber.get('V-GAMMA-A-77')).toMatchObject({ reference: 'A-77', total: '3210.00' });

    const b = await books(OPENING);
    const expected = new Map<string, bigint>([
      ['1110', 2500000n],
      ['1201', 865000n],
      ['1601', 1200000n],
      ['1690', -240000n],
      ['2101', -321000n],
      ['2201', -35000n],
      ['3101', -1000000n],
      ['3201', -2969000n],
    ]);
    const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n));
    expect(nonZero(b.balance)).toEqual(expected);
    expect(b.balance.get('3999') ?? 0n).toBe(0n);
    expect(b.ar).toBe(865000n);
    expect(b.ap).toBe(321000n);
    // Aged from their own due dates: F-101 (due June 9th, 22 days) and F-103 (due on its date, June
    // 25th, 6 days) are 1–30 days past due at the opening, F-102 (due July 20th) is current.
    const aging = ok(
      await as('senior')<{
        arAging: { totalBase: { current: string; days1To30: string; days31To60: string } };
      }>('query ($d: Date!) { arAging(asOf: $d) { totalBase { current days1To30 days31To60 } } }', {
        d: OPENING,
      }),
    ).arAging.totalBase;
    expect(aging).toEqual({ current: '4550.00', days1To30: '4100.00', days31To60: '0.00' });

    const events = await t.tenantSql<{ action: string }>(
      SLUG,
      `SELECT action FROM audit_events WHERE action LIKE 'opening_balances.%'`,
    );
    expect(events.map((e) => e.action)).toEqual(['opening_balances.imported']);
  });

  it.skipIf(!oracle)('hledger recomputes the imported trial balance from the exported journal', async () => {
    const link = ok(
      await as('senior')<{ exportLedger: { url: string } }>(
        'mutation ($from: Date!, $to: Date!) { exportLedger(format: HLEDGER, from: $from, to: $to) { url } }',
        { from: `${year}-01-01`, to: OPENING },
      ),
    ).exportLedger.url;
    const file = path.join(t.dataDir, `${SLUG}.journal`);
    await writeFile(file, await (await fetch(link)).text());
    const hledger = await hledgerBalances(file);
    const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n));
    expect(nonZero(hledger)).toEqual(nonZero((await books(OPENING)).balance));
    expect(hledger.get('1201')).toBe(865000n);
  });

  it('refuses a second import (OPENING_BALANCES_EXIST) and voiding the entry on its own (CANNOT_VOID)', async () => {
    const before = await counts();
    expect(codes(await as('senior')(IMPORT, { input: goodInput() }))).toEqual(['OPENING_BALANCES_EXIST']);
    const [imp] = ok(
      await as('senior')<{ openingBalanceImports: { id: string; entry: { id: string } }[] }>(
        '{ openingBalanceImports { id entry { id } } }',
      ),
    ).openingBalanceImports;
    const v = await as('senior')(
      'mutation ($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id } }',
      { id: imp!.entry.id, reason: 'trying to undo the opening entry alone' },
    );
    expect(codes(v)).toEqual(['CANNOT_VOID']);
    expect(await counts()).toEqual(before);
  });

  it('a receipt of EUR 3,500.00 at 1.35 settles imported F-102 (PAB 4,550.00) with a 175.00 gain; a PAB 1,000.00 receipt leaves F-101 open at 2,000.00; the aging still equals 1201', async () => {
    const [imp] = ok(
      await as('senior')<{ openingBalanceImports: { openItems: Item[] }[] }>(
        '{ openingBalanceImports { openItems { id number } } }',
      ),
    ).openingBalanceImports;
    const id = (n: string) => imp!.openItems.find((d) => d.number === n)!.id;
    const receive = async (partyId: string, invoiceId: string, amount: string, extra = {}) => {
      const draft = ok(
        await as('senior')<{ createCustomerReceipt: { id: string } }>(
          'mutation ($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }',
          {
            input: {
              partyId,
              documentDate: `${year}-07-10`,
              amount,
              allocations: [{ invoiceId, amount }],
              ...extra,
            },
          },
        ),
      ).createCustomerReceipt;
      return ok(
        await as('senior')<{ postPayment: { id: string; realizedFx: string | null } }>(
          'mutation ($id: ID!) { postPayment(id: $id) { id realizedFx } }',
          { id: draft.id },
        ),
      ).postPayment;
    };
    const eur = await receive(party.BETA as string, id('F-102'), '3500.00', {
      currency: 'EUR',
      exchangeRate: '1.35',
    });
    expect(eur.realizedFx).toBe('175.00');
    await receive(party.ALFA as string, id('F-101'), '1000.00');
    const b = await books(`${year}-07-10`);
    expect(b.balance.get('1201')).toBe(865000n - 455000n - 100000n);
    expect(b.ar).toBe(b.balance.get('1201'));
    expect(b.balance.get('1110')).toBe(2500000n + 472500n + 100000n);
    const open = ok(
      await as('senior')<{ document: { settlementStatus: string; openBalance: string } }>(
        'query ($id: ID!) { document(id: $id) { settlementStatus openBalance } }',
        { id: id('F-101') },
      ),
    ).document;
    expect(open).toEqual({ settlementStatus: 'PARTIALLY_PAID', openBalance: '2000.00' });
  });

  it('voiding the import is refused while receipts settle its items; once they are voided it reverses all of it in one step (every balance 0.00) and a new import is accepted', async () => {
    const [imp] = ok(
      await as('senior')<{ openingBalanceImports: { id: string }[] }>('{ openingBalanceImports { id } }'),
    ).openingBalanceImports;
    const reason = 'Wrong trial balance file from the previous accountant';
    const refused = await as('senior')(VOID, { id: imp!.id, reason });
    expect(codes(refused)).toEqual(['DOCUMENT_HAS_SETTLEMENTS']);

    const receipts = await t.tenantSql<{ id: string }>(
      SLUG,
      `SELECT id FROM documents WHERE kind = 'CUSTOMER_RECEIPT'`,
    );
    for (const { id } of receipts)
      ok(
        await as('senior')(
          'mutation ($id: ID!, $reason: String!, $d: Date) { voidPayment(id: $id, reason: $reason, voidDate: $d) { id } }',
          { id, reason, d: `${year}-07-10` },
        ),
      );
    // Never voided before the books started: the items and the entry are dated the opening day.
    const early = await as('senior')(
      'mutation ($id: ID!, $reason: String!, $d: Date) { voidOpeningBalances(id: $id, reason: $reason, voidDate: $d) { id } }',
      { id: imp!.id, reason, d: `${year}-06-30` },
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'voidDate' });
    const voided = ok(
      await as('senior')<{ voidOpeningBalances: { voided: boolean; voidDate: string } }>(VOID, {
        id: imp!.id,
        reason,
      }),
    ).voidOpeningBalances;
    expect(voided).toMatchObject({ voided: true, voidDate: OPENING });
    const b = await books(`${year}-07-31`);
    expect([...b.balance.values()].every((v) => v === 0n)).toBe(true);
    expect([b.ar, b.ap]).toEqual([0n, 0n]);
    expect(codes(await as('senior')(VOID, { id: imp!.id, reason }))).toEqual(['ALREADY_VOIDED']);

    const again = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: goodInput() }),
    ).importOpeningBalances;
    expect(again.import?.voided).toBe(false);
    // The voided items keep their numbers; the new import's items take them again as <number>/2.
    expect(again.import?.openItems.map((d) => [d.number, d.reference]).sort()).toEqual([
      ['F-101/2', 'F-101'],
      ['F-102/2', 'F-102'],
      ['F-103/2', 'F-103'],
      ['V-GAMMA-A-77/2', 'A-77'],
    ]);
    expect((await books(OPENING)).ar).toBe(865000n);
    const events = await t.tenantSql<{ action: string; reason: string | null }>(
      SLUG,
      `SELECT action, reason FROM audit_events WHERE action LIKE 'opening_balances.%' ORDER BY id`,
    );
    expect(events).toEqual([
      { action: 'opening_balances.imported', reason: null },
      { action: 'opening_balances.voided', reason },
      { action: 'opening_balances.imported', reason: null },
    ]);
  });
  it('of two imports sent at once after a void, exactly one posts and the other is OPENING_BALANCES_EXIST', async () => {
    const [imp] = ok(
      await as('senior')<{ openingBalanceImports: { id: string; voided: boolean }[] }>(
        '{ openingBalanceImports { id voided } }',
      ),
    ).openingBalanceImports;
    expect(imp?.voided).toBe(false);
    ok(await as('senior')(VOID, { id: imp!.id, reason: 'Replaced by a corrected trial balance file' }));
    const both = await Promise.all([1, 2].map(() => as('senior')(IMPORT, { input: goodInput() })));
    expect(both.map((r) => codes(r)[0] ?? 'OK').sort()).toEqual(['OK', 'OPENING_BALANCES_EXIST']);
    const live = await t.tenantSql<{ n: string }>(
      SLUG,
      'SELECT count(*)::text AS n FROM opening_imports WHERE voided_at IS NULL',
    );
    expect(live[0]?.n).toBe('1');
    expect((await books(OPENING)).ar).toBe(865000n);
  });
  it('an imported USD 1,100.00 invoice voided on its own leaves PAB 1,100.00 on the clearing account and the aging still equal to 1201; the import is then voided without it', async () => {
    const [imp] = ok(
      await as('senior')<{ openingBalanceImports: { id: string; voided: boolean; openItems: Item[] }[] }>(
        '{ openingBalanceImports { id voided openItems { id number reference } } }',
      ),
    ).openingBalanceImports;
    const f103 = imp!.openItems.find((d) => d.reference === 'F-103')!;
    const reason = 'Invoice F-103 had been cancelled in the previous system';
    ok(
      await as('senior')(
        'mutation ($id: ID!, $reason: String!, $d: Date) { voidSalesInvoice(id: $id, reason: $reason, voidDate: $d) { id } }',
        { id: f103.id, reason, d: OPENING },
      ),
    );
    const b = await books(OPENING);
    expect(b.balance.get('1201')).toBe(865000n - 110000n);
    expect(b.ar).toBe(865000n - 110000n);
    expect(b.balance.get('3999')).toBe(110000n);
    ok(await as('senior')(VOID, { id: imp!.id, reason }));
    const after = await books(OPENING);
    expect([...after.balance.values()].every((v) => v === 0n)).toBe(true);
    expect([after.ar, after.ap]).toEqual([0n, 0n]);
  });
});
