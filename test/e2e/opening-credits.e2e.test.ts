import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMoney } from '@cifra/domain';
import { hledgerBalances, hledgerOracleRuns, TEST_LEGAL_DETAILS } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Open credits in the opening balance import (issue 19 §5), through the gateway with real tokens,
 * on a client provisioned for the test (its books empty): customers' advances and unapplied credit
 * notes, vendors' advances and unapplied debit notes, brought in on July 1st next to the open
 * invoices and bills, then applied, refunded and voided as any credit on account. Independent
 * figures are BigInt cents.
 */
let t: TestStack;
const SLUG = 'traspaso-sa';
const year = provisionedYear();
const OPENING = `${year}-07-01`;
const oracle = await hledgerOracleRuns();
const as = (who: 'senior' | 'junior' | 'admin') => t.as(who, SLUG);
const cents = (money: string) => parseMoney(money, 2);
const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};

const DOC = `id number reference kind currency total originalTotal baseTotal exchangeRate openCredit
  openBalance dueDate voided realizedFx entry { lines { account { code } debit credit } }`;
const IMPORT = `mutation ($input: OpeningBalancesInput!) { importOpeningBalances(input: $input) {
  dryRun totalDebit totalCredit receivable payable customerCredits vendorCredits openItemCount openCreditCount
  problems { index field code message }
  import { id openItems { ${DOC} } openCredits { ${DOC} } } } }`;
const VOID = `mutation ($id: ID!, $reason: String!) { voidOpeningBalances(id: $id, reason: $reason) {
  id voided } }`;
const APPLY = (m: 'applyCustomerCredit' | 'applyVendorCredit') =>
  `mutation ($input: ApplyCreditInput!) { ${m}(input: $input) { ${DOC} } }`;

type Problem = { index: number | null; field: string; code: string; message: string };
type Doc = {
  id: string;
  number: string;
  reference: string | null;
  kind: string;
  currency: string;
  total: string;
  originalTotal: string | null;
  baseTotal: string;
  exchangeRate: string;
  openCredit: string | null;
  openBalance: string | null;
  dueDate: string | null;
  voided: boolean;
  realizedFx: string | null;
  entry: { lines: { account: { code: string }; debit: string; credit: string }[] };
};
type Result = {
  dryRun: boolean;
  totalDebit: string;
  receivable: string;
  payable: string;
  customerCredits: string;
  vendorCredits: string;
  openItemCount: number;
  openCreditCount: number;
  problems: Problem[];
  import: { id: string; openItems: Doc[]; openCredits: Doc[] } | null;
};
const lines = (d: Doc) => d.entry.lines.map((l) => [l.account.code, l.debit, l.credit]);

const party: Record<string, string> = {};

/**
 * The trial balance at June 30th: debits 24,600.00 = credits 24,600.00. The receivable 4,600.00 is
 * the open invoices' 5,600.00 (3,000.00 + EUR 2,000.00 × 1.30) less the customers' credits'
 * 1,000.00 (500.00 + EUR 400.00 × 1.25); the payable 1,500.00 is the bill's 2,000.00 less the
 * vendor's credits' 500.00 (300.00 + 200.00).
 */
const trialBalance = (receivable = '4600.00') => [
  { accountCode: '1110', debit: '20000.00' },
  { accountCode: '1201', debit: receivable },
  { accountCode: '2101', credit: '1500.00' },
  { accountCode: '3101', credit: '10000.00' },
  { accountCode: '3201', credit: '13100.00' },
];
const openItems = () => [
  {
    kind: 'SALES_INVOICE',
    partyCode: 'C-ALFA',
    number: 'F-201',
    date: `${year}-06-10`,
    dueDate: `${year}-07-10`,
    originalAmount: '3000.00',
    openAmount: '3000.00',
  },
  {
    kind: 'SALES_INVOICE',
    partyCode: 'C-BETA',
    number: 'F-202',
    date: `${year}-06-12`,
    currency: 'EUR',
    originalAmount: '2000.00',
    openAmount: '2000.00',
    rate: '1.30',
  },
  {
    kind: 'PURCHASE_INVOICE',
    partyCode: 'V-GAMMA',
    number: 'A-77',
    date: `${year}-06-15`,
    originalAmount: '2000.00',
    openAmount: '2000.00',
  },
];
const openCredits = () => [
  {
    kind: 'CUSTOMER_ADVANCE',
    partyCode: 'C-ALFA',
    number: 'ANT-9',
    date: `${year}-06-20`,
    originalAmount: '800.00',
    openAmount: '500.00',
  },
  {
    kind: 'CREDIT_NOTE',
    partyId: party.BETA,
    number: 'NC-5',
    date: `${year}-06-25`,
    currency: 'EUR',
    originalAmount: '400.00',
    openAmount: '400.00',
    rate: '1.25',
  },
  {
    kind: 'VENDOR_ADVANCE',
    partyCode: 'V-GAMMA',
    number: 'P-12',
    date: `${year}-06-18`,
    originalAmount: '300.00',
    openAmount: '300.00',
  },
  {
    kind: 'DEBIT_NOTE',
    partyCode: 'V-GAMMA',
    number: 'ND-3',
    date: `${year}-06-28`,
    originalAmount: '200.00',
    openAmount: '200.00',
  },
];
const goodInput = () => ({
  openingDate: OPENING,
  clearingAccountCode: '3999',
  trialBalance: trialBalance(),
  openItems: openItems(),
  openCredits: openCredits(),
});

const BOOKS = `query ($d: Date!) {
  trialBalance(asOf: $d) { rows { accountCode debit credit } }
  arAging(asOf: $d) { totalBase { total } rows { party { code } currency amounts { total } base { total } } }
  apAging(asOf: $d) { totalBase { total } rows { party { code } currency amounts { total } base { total } } } }`;
type AgingRow = {
  party: { code: string };
  currency: string;
  amounts: { total: string };
  base: { total: string };
};
async function books(d: string) {
  const r = ok(
    await as('senior')<{
      trialBalance: { rows: { accountCode: string; debit: string; credit: string }[] };
      arAging: { totalBase: { total: string }; rows: AgingRow[] };
      apAging: { totalBase: { total: string }; rows: AgingRow[] };
    }>(BOOKS, { d }),
  );
  const balance = new Map(
    r.trialBalance.rows.map((row) => [row.accountCode, cents(row.debit) - cents(row.credit)]),
  );
  const row = (rows: AgingRow[], code: string) => {
    const found = rows.find((x) => x.party.code === code);
    return found ? [found.currency, found.amounts.total, found.base.total] : null;
  };
  return {
    balance,
    ar: cents(r.arAging.totalBase.total),
    ap: cents(r.apAging.totalBase.total),
    arRow: (code: string) => row(r.arAging.rows, code),
    apRow: (code: string) => row(r.apAging.rows, code),
  };
}

const counts = async () =>
  (
    await t.tenantSql<{ entries: string; documents: string; events: string; imports: string }>(
      SLUG,
      `SELECT (SELECT count(*) FROM journal_entries)::text AS entries, (SELECT count(*) FROM documents)::text AS documents,
              (SELECT count(*) FROM audit_events)::text AS events, (SELECT count(*) FROM opening_imports)::text AS imports`,
    )
  )[0];

async function theImport() {
  const [imp] = ok(
    await as('senior')<{ openingBalanceImports: { id: string; openItems: Doc[]; openCredits: Doc[] }[] }>(
      '{ openingBalanceImports { id openItems { id reference } openCredits { id reference } } }',
    ),
  ).openingBalanceImports;
  const all = [...(imp?.openItems ?? []), ...(imp?.openCredits ?? [])];
  const doc = (reference: string) => all.find((d) => d.reference === reference) as Doc;
  return { id: imp?.id as string, doc };
}

const document = async (id: string) =>
  ok(await as('senior')<{ document: Doc }>(`query ($id: ID!) { document(id: $id) { ${DOC} } }`, { id }))
    .document;

beforeAll(async () => {
  t = await startTestStack();
  ok(
    await t.as('admin')(
      `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }`,
      { input: { slug: SLUG, name: 'Traspaso, S.A.' } },
    ),
  );
  for (const [key, kind, code, currency] of [
    ['ALFA', 'CUSTOMER', 'C-ALFA', 'PAB'],
    ['BETA', 'CUSTOMER', 'C-BETA', 'EUR'],
    ['GAMMA', 'VENDOR', 'V-GAMMA', 'PAB'],
  ] as const) {
    const r = ok(
      await as('senior')<{ createParty: { id: string } }>(
        `mutation ($input: CreatePartyInput!) { createParty(input: $input) { id } }`,
        { input: { kind, code, name: `${code} S.A.`, currency } },
      ),
    );
    party[key] = r.createParty.id;
  }
  // A later sales invoice needs the client's legal details (LEGAL_DETAILS_REQUIRED); imported ones do not.
  ok(
    await as('senior')(
      'mutation ($input: LegalDetailsInput!) { updateLegalDetails(input: $input) { complete } }',
      {
        input: { ...TEST_LEGAL_DETAILS, legalName: 'Traspaso, S.A.' },
      },
    ),
  );
  ok(
    await as('senior')(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { code } }`, {
      input: { code: '3999', name: 'Saldos iniciales — transitoria', type: 'EQUITY' },
    }),
  );
}, 180_000);
afterAll(() => t?.close());

describe('open credits in the opening balance import', () => {
  it('a dry run with 7 faulty credits reports every problem at once (and both control accounts off by the credits), and the real run refuses the same list and writes nothing', async () => {
    const before = await counts();
    const good = openCredits();
    const bad = [
      { ...good[0], partyCode: 'V-GAMMA' }, // a vendor named on a customer's advance
      { ...good[1], rate: undefined }, // EUR without a rate
      { ...good[2], openAmount: '301.00' }, // open above the original
      { ...good[3], date: OPENING }, // not before the opening date
      { ...good[0], number: 'F-201' }, // the number of an open invoice of the same file
      { ...good[0], number: 'ANT-10', openAmount: '0.00' }, // nothing open
      { ...good[1], number: 'NC-6', currency: 'EURO' }, // not ISO 4217
    ];
    const input = { ...goodInput(), openCredits: bad };
    const dry = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: { ...input, dryRun: true } }),
    ).importOpeningBalances;
    expect(dry).toMatchObject({ dryRun: true, import: null, openItemCount: 3, openCreditCount: 7 });
    expect(dry.problems.map((p) => `${p.code} ${p.field}`).sort()).toEqual(
      [
        'UNKNOWN_PARTY openCredits[0].partyCode',
        'BAD_RATE openCredits[1].rate',
        'OPEN_EXCEEDS_ORIGINAL openCredits[2].openAmount',
        'BAD_DATE openCredits[3].date',
        'DUPLICATE_NUMBER openCredits[4].number',
        'BAD_AMOUNT openCredits[5].openAmount',
        'BAD_CURRENCY openCredits[6].currency',
        // No credit is without problems: the receivable and payable are off by all of them.
        'CONTROL_ACCOUNT_MISMATCH trialBalance',
        'CONTROL_ACCOUNT_MISMATCH trialBalance',
      ].sort(),
    );
    expect(dry.problems.find((p) => p.field === 'openCredits[4].number')).toMatchObject({
      index: 4,
      message: 'openCredits[4].number: F-201 is already openItems[0]',
    });
    expect(await counts()).toEqual(before);

    const real = await as('senior')(IMPORT, { input });
    expect(codes(real)).toEqual(['OPENING_BALANCES_INVALID']);
    expect(real.errors?.[0]?.extensions?.problems).toEqual(dry.problems);
    expect(await counts()).toEqual(before);
  });

  it('a receivable of 5,600.00 (the invoices, credits forgotten) is CONTROL_ACCOUNT_MISMATCH naming the 1,000.00 of credits; the right file has no problem', async () => {
    const forgot = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, {
        input: { ...goodInput(), trialBalance: trialBalance('5600.00'), dryRun: true },
      }),
    ).importOpeningBalances;
    const mismatch = forgot.problems.filter((p) => p.code === 'CONTROL_ACCOUNT_MISMATCH');
    expect(mismatch.map((p) => p.message)).toEqual([
      'trialBalance: the receivable (1201) is 5600.00 but the open sales invoices (5600.00) less the open credits (1000.00) come to 4600.00 in base currency',
    ]);

    const dry = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, {
        input: { ...goodInput(), dryRun: true },
      }),
    ).importOpeningBalances;
    expect(dry).toMatchObject({
      problems: [],
      totalDebit: '24600.00',
      receivable: '5600.00',
      customerCredits: '1000.00',
      payable: '2000.00',
      vendorCredits: '500.00',
      openCreditCount: 4,
    });
  });

  it('refuses a junior (no GL.Post) before anything', async () => {
    expect(codes(await as('junior')(IMPORT, { input: { ...goodInput(), dryRun: true } }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('imports customer credits of 1,000.00 (PAB 500.00 advance, EUR 400.00 note at 1.25) and vendor credits of 500.00: the agings equal 1201 (4,600.00) and 2101 (1,500.00) at the opening, per party and currency', async () => {
    const r = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: goodInput() }),
    ).importOpeningBalances;
    expect(r).toMatchObject({
      dryRun: false,
      problems: [],
      customerCredits: '1000.00',
      vendorCredits: '500.00',
    });
    const credits = new Map(r.import!.openCredits.map((d) => [d.number, d]));
    expect([...credits.keys()].sort()).toEqual(['ANT-9', 'NC-5', 'V-GAMMA-ND-3', 'V-GAMMA-P-12']);
    expect(r.import!.openItems.map((d) => d.number).sort()).toEqual(['F-201', 'F-202', 'V-GAMMA-A-77']);
    expect(credits.get('ANT-9')).toMatchObject({
      kind: 'CUSTOMER_RECEIPT',
      total: '500.00',
      originalTotal: '800.00',
      openCredit: '500.00',
      dueDate: null,
    });
    expect(lines(credits.get('ANT-9')!)).toEqual([
      ['1201', '0.00', '500.00'],
      ['3999', '500.00', '0.00'],
    ]);
    expect(credits.get('NC-5')).toMatchObject({
      kind: 'CREDIT_NOTE',
      currency: 'EUR',
      exchangeRate: '1.25',
      baseTotal: '500.00',
      openCredit: '400.00',
    });
    expect(credits.get('V-GAMMA-P-12')).toMatchObject({ kind: 'VENDOR_PAYMENT', reference: 'P-12' });
    expect(lines(credits.get('V-GAMMA-P-12')!)).toEqual([
      ['2101', '300.00', '0.00'],
      ['3999', '0.00', '300.00'],
    ]);
    expect(credits.get('V-GAMMA-ND-3')).toMatchObject({ kind: 'DEBIT_NOTE', openCredit: '200.00' });

    const b = await books(OPENING);
    const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n));
    expect(nonZero(b.balance)).toEqual(
      new Map([
        ['1110', 2000000n],
        ['1201', 460000n],
        ['2101', -150000n],
        ['3101', -1000000n],
        ['3201', -1310000n],
      ]),
    );
    expect(b.ar).toBe(300000n + 260000n - 50000n - 50000n);
    expect(b.ar).toBe(b.balance.get('1201'));
    expect(b.ap).toBe(200000n - 30000n - 20000n);
    expect(b.ap).toBe(-(b.balance.get('2101') ?? 0n));
    expect(b.arRow('C-ALFA')).toEqual(['PAB', '2500.00', '2500.00']);
    expect(b.arRow('C-BETA')).toEqual(['EUR', '1600.00', '2100.00']);
    expect(b.apRow('V-GAMMA')).toEqual(['PAB', '1500.00', '1500.00']);

    // The party statement states the credit as what it did to the balance: EUR 2,000.00 − 400.00.
    const st = ok(
      await as('senior')<{
        partyStatement: {
          currencies: { currency: string; closingBalance: string; baseClosingBalance: string }[];
        };
      }>(
        `query ($p: ID!, $d: Date!) { partyStatement(partyId: $p, from: $d, to: $d) {
          currencies { currency closingBalance baseClosingBalance } } }`,
        { p: party.BETA, d: OPENING },
      ),
    ).partyStatement;
    expect(st.currencies).toEqual([
      { currency: 'EUR', closingBalance: '1600.00', baseClosingBalance: '2100.00' },
    ]);

    const [event] = await t.tenantSql<{ after: Record<string, unknown> }>(
      SLUG,
      `SELECT after FROM audit_events WHERE action = 'opening_balances.imported'`,
    );
    expect(event?.after).toMatchObject({ openItems: 3, openCredits: 4, customerCredits: '1000.00' });
  });

  it.skipIf(!oracle)(
    'hledger recomputes the imported trial balance (1201 at 4,600.00) from the exported journal',
    async () => {
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
      expect(hledger.get('1201')).toBe(460000n);
      expect(hledger.get('2101')).toBe(-150000n);
    },
  );

  it('the PAB 500.00 advance pays 200.00 of imported F-201 and 300.00 of a later 300.00 invoice; the aging still equals 1201', async () => {
    const { doc } = await theImport();
    const advance = doc('ANT-9');
    const first = ok(
      await as('senior')<{ applyCustomerCredit: Doc }>(APPLY('applyCustomerCredit'), {
        input: { creditId: advance.id, invoiceId: doc('F-201').id, amount: '200.00', date: `${year}-07-05` },
      }),
    ).applyCustomerCredit;
    expect(lines(first)).toEqual([
      ['1201', '200.00', '0.00'],
      ['1201', '0.00', '200.00'],
    ]);
    const draft = ok(
      await as('senior')<{ createSalesInvoice: { id: string } }>(
        'mutation ($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
        {
          input: {
            partyId: party.ALFA,
            documentDate: `${year}-07-06`,
            lines: [{ accountCode: '4101', quantity: '1', unitPrice: '300.00', taxCode: 'EXENTO' }],
          },
        },
      ),
    ).createSalesInvoice;
    const later = ok(
      await as('senior')<{ approveSalesInvoice: Doc }>(
        `mutation ($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`,
        { id: draft.id },
      ),
    ).approveSalesInvoice;
    ok(
      await as('senior')(APPLY('applyCustomerCredit'), {
        input: { creditId: advance.id, invoiceId: later.id, amount: '300.00', date: `${year}-07-06` },
      }),
    );
    expect((await document(advance.id)).openCredit).toBe('0.00');
    expect((await document(later.id)).openBalance).toBe('0.00');
    expect((await document(doc('F-201').id)).openBalance).toBe('2800.00');
    const over = await as('senior')(APPLY('applyCustomerCredit'), {
      input: { creditId: advance.id, invoiceId: doc('F-201').id, amount: '0.01', date: `${year}-07-07` },
    });
    expect(codes(over)).toEqual(['OVER_ALLOCATION']);
    const b = await books(`${year}-07-06`);
    // 4,600.00 + 300.00 invoiced − 500.00 applied to invoices + 500.00 of credit used = 4,900.00.
    expect(b.balance.get('1201')).toBe(460000n + 30000n);
    expect(b.ar).toBe(b.balance.get('1201'));
    expect(b.arRow('C-ALFA')).toEqual(['PAB', '2800.00', '2800.00']);
  });

  it('on a Separated client the EUR 400.00 note (at 1.25: PAB 500.00) settles EUR 400.00 of imported F-202 (at 1.30: PAB 520.00), realising a PAB 20.00 loss on 7202', async () => {
    ok(
      await t.as('admin')(
        `mutation { updateClientSettings(tenant: "${SLUG}", set: { fxVarianceMode: SEPARATED }) { slug } }`,
      ),
    );
    const { doc } = await theImport();
    const app = ok(
      await as('senior')<{ applyCustomerCredit: Doc }>(APPLY('applyCustomerCredit'), {
        input: {
          creditId: doc('NC-5').id,
          invoiceId: doc('F-202').id,
          amount: '400.00',
          date: `${year}-07-08`,
        },
      }),
    ).applyCustomerCredit;
    expect(lines(app).sort()).toEqual(
      [
        ['1201', '500.00', '0.00'],
        ['1201', '0.00', '520.00'],
        ['7202', '20.00', '0.00'],
      ].sort(),
    );
    // The application's realised difference, as a receipt's: a loss is negative.
    expect(app.realizedFx).toBe('-20.00');
    expect((await document(doc('F-202').id)).openBalance).toBe('1600.00');
    const b = await books(`${year}-07-08`);
    expect(b.balance.get('7202')).toBe(2000n);
    expect(b.ar).toBe(b.balance.get('1201'));
    // EUR 1,600.00 left of F-202 at 1.30.
    expect(b.arRow('C-BETA')).toEqual(['EUR', '1600.00', '2080.00']);
  });

  it('the vendor refunds the PAB 300.00 advance and the PAB 200.00 debit note pays part of imported bill A-77; the aging still equals 2101 (1,800.00)', async () => {
    const { doc } = await theImport();
    const draft = ok(
      await as('senior')<{ createVendorRefund: { id: string } }>(
        'mutation ($input: PaymentDraftInput!) { createVendorRefund(input: $input) { id } }',
        {
          input: {
            partyId: party.GAMMA,
            documentDate: `${year}-07-09`,
            amount: '300.00',
            allocations: [{ invoiceId: doc('P-12').id, amount: '300.00' }],
          },
        },
      ),
    ).createVendorRefund;
    const refund = ok(
      await as('senior')<{ postPayment: Doc }>(`mutation ($id: ID!) { postPayment(id: $id) { ${DOC} } }`, {
        id: draft.id,
      }),
    ).postPayment;
    expect(lines(refund)).toEqual([
      ['1110', '300.00', '0.00'],
      ['2101', '0.00', '300.00'],
    ]);
    ok(
      await as('senior')(APPLY('applyVendorCredit'), {
        input: {
          creditId: doc('ND-3').id,
          invoiceId: doc('A-77').id,
          amount: '200.00',
          date: `${year}-07-09`,
        },
      }),
    );
    expect((await document(doc('P-12').id)).openCredit).toBe('0.00');
    expect((await document(doc('A-77').id)).openBalance).toBe('1800.00');
    const b = await books(`${year}-07-09`);
    expect(b.balance.get('2101')).toBe(-180000n);
    expect(b.ap).toBe(180000n);
    expect(b.apRow('V-GAMMA')).toEqual(['PAB', '1800.00', '1800.00']);
  });

  it('voiding the import is refused (DOCUMENT_HAS_SETTLEMENTS) while its credits are applied or refunded; once those are voided it voids the credits too and 1201, 2101 and 3999 are back to what the later invoice left', async () => {
    const imp = await theImport();
    const reason = 'The previous system double-counted the advances';
    const before = await counts();
    const refused = await as('senior')(VOID, { id: imp.id, reason });
    expect(codes(refused)).toEqual(['DOCUMENT_HAS_SETTLEMENTS']);
    const settledBy = refused.errors?.[0]?.extensions?.settledBy as string[];
    expect(settledBy.filter((s) => /\((ANT-9|NC-5|V-GAMMA-P-12|V-GAMMA-ND-3)\)$/.test(s))).toHaveLength(5);
    expect(await counts()).toEqual(before);

    const uses = await t.tenantSql<{ id: string }>(
      SLUG,
      `SELECT id FROM documents WHERE kind IN ('CUSTOMER_CREDIT_APPLICATION', 'VENDOR_CREDIT_APPLICATION', 'VENDOR_REFUND') ORDER BY number`,
    );
    expect(uses).toHaveLength(5);
    for (const { id } of uses)
      ok(
        await as('senior')(
          'mutation ($id: ID!, $reason: String!, $d: Date) { voidPayment(id: $id, reason: $reason, voidDate: $d) { id } }',
          { id, reason, d: `${year}-07-10` },
        ),
      );
    ok(await as('senior')(VOID, { id: imp.id, reason }));
    for (const ref of ['ANT-9', 'NC-5', 'P-12', 'ND-3'])
      expect((await document(imp.doc(ref).id)).voided).toBe(true);
    const b = await books(`${year}-07-31`);
    // Only the later PAB 300.00 invoice is left on the receivable; the applications' FX is reversed.
    expect(b.balance.get('1201')).toBe(30000n);
    expect(b.ar).toBe(30000n);
    expect(b.balance.get('2101') ?? 0n).toBe(0n);
    expect(b.ap).toBe(0n);
    expect(b.balance.get('3999') ?? 0n).toBe(0n);
    expect(b.balance.get('7202') ?? 0n).toBe(0n);
  });

  it('a re-import numbers its credits after the voided ones (ANT-9/2); the PAB 500.00 advance voided on its own leaves 500.00 on 3999 with the aging still equal to 1201, and the import is then voided without it', async () => {
    const again = ok(
      await as('senior')<{ importOpeningBalances: Result }>(IMPORT, { input: goodInput() }),
    ).importOpeningBalances;
    expect(again.import?.openCredits.map((d) => [d.number, d.reference]).sort()).toEqual([
      ['ANT-9/2', 'ANT-9'],
      ['NC-5/2', 'NC-5'],
      ['V-GAMMA-ND-3/2', 'ND-3'],
      ['V-GAMMA-P-12/2', 'P-12'],
    ]);
    const advance = again.import?.openCredits.find((d) => d.number === 'ANT-9/2') as Doc;
    const reason = 'The advance had been refunded in the previous system';
    ok(
      await as('senior')(
        'mutation ($id: ID!, $reason: String!, $d: Date) { voidPayment(id: $id, reason: $reason, voidDate: $d) { id } }',
        { id: advance.id, reason, d: OPENING },
      ),
    );
    const b = await books(OPENING);
    // 4,600.00 at the opening (the later invoice is dated July 6th) + the 500.00 advance voided.
    expect(b.balance.get('1201')).toBe(460000n + 50000n);
    expect(b.ar).toBe(b.balance.get('1201'));
    expect(b.balance.get('3999')).toBe(-50000n);
    ok(await as('senior')(VOID, { id: again.import?.id, reason }));
    const after = await books(`${year}-07-31`);
    expect(after.balance.get('1201')).toBe(30000n);
    expect(after.ar).toBe(30000n);
    expect(after.balance.get('3999') ?? 0n).toBe(0n);
    expect(after.ap).toBe(0n);
  });
});
