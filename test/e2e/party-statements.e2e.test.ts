import { pdfText, unzipEntries } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Customer and vendor statements (issue 19 §4) through the gateway with real tokens: the figures of
 * `partyStatement` worked out by hand and again from the API's documents in BigInt cents, held to
 * the party's row of arAging / apAging at the statement's end (after voids and FX documents), the
 * PDF of `renderPartyStatement` read back with pdftotext and the archive's entries listed.
 */
let t: TestStack;
const TENANT = 'cafe-boquete';
const OTHER = 'ferreteria-colon';

beforeAll(async () => {
  t = await startTestStack();
  const brand = await t.as('admin')(
    `mutation($set: SettingsInput!) { updateClientSettings(tenant: "${TENANT}", set: $set) { slug } }`,
    { set: { displayName: 'Tostadores de Boquete', brandColor: '#8B4513' } },
  );
  expect(brand.errors, JSON.stringify(brand.errors)).toBeUndefined();
});

afterAll(async () => {
  await t?.close();
});

const as = (who: 'senior' | 'client' = 'senior', tenant = TENANT) => t.as(who, tenant);
const cents = (money: string) => BigInt(money.replace('.', ''));
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

type Doc = { id: string; number: string; total: string; baseTotal: string | null };
const DOC = 'id number total baseTotal';

async function ok<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await as()<T>(query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
}

async function party(kind: 'CUSTOMER' | 'VENDOR', code: string, name: string, extra = {}): Promise<string> {
  const d = await ok<{ createParty: { id: string } }>(
    `mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`,
    { input: { kind, code, name, ...extra } },
  );
  return d.createParty.id;
}

const line = (amount: string, accountCode = '4101') => ({
  accountCode,
  description: `Línea ${amount}`,
  quantity: '1',
  unitPrice: amount,
  taxCode: 'EXENTO',
});

async function posted(create: string, post: string, input: Record<string, unknown>): Promise<Doc> {
  const d = await ok<Record<string, Doc>>(
    `mutation($input: ${create === 'createCustomerReceipt' || create === 'createVendorPayment' ? 'PaymentDraftInput' : 'InvoiceDraftInput'}!) { ${create}(input: $input) { id } }`,
    {
      input,
    },
  );
  const id = (Object.values(d)[0] as Doc).id;
  const p = await ok<Record<string, Doc>>(`mutation($id: ID!) { ${post}(id: $id) { ${DOC} } }`, { id });
  return Object.values(p)[0] as Doc;
}
const salesInvoice = (input: Record<string, unknown>) =>
  posted('createSalesInvoice', 'approveSalesInvoice', input);
const creditNote = (input: Record<string, unknown>) =>
  posted('createCreditNote', 'approveSalesInvoice', input);
const receipt = (input: Record<string, unknown>) => posted('createCustomerReceipt', 'postPayment', input);
const bill = (input: Record<string, unknown>) =>
  posted('createPurchaseInvoice', 'postPurchaseInvoice', input);
const debitNote = (input: Record<string, unknown>) => posted('createDebitNote', 'postPurchaseInvoice', input);
const payment = (input: Record<string, unknown>) => posted('createVendorPayment', 'postPayment', input);

const BUCKETS = 'current days1To30 days31To60 days61To90 over90 total';
const STATEMENT = `query($partyId: ID!, $from: Date!, $to: Date!) {
  partyStatement(partyId: $partyId, from: $from, to: $to) {
    party { code } from to baseCurrency
    currencies { currency openingBalance totalDebit totalCredit closingBalance baseOpeningBalance baseClosingBalance
      aging { ${BUCKETS} } baseAging { ${BUCKETS} }
      lines { date number kind isVoid document { id number } entry { number } documentDate dueDate debit credit balance baseAmount baseBalance } } } }`;
type Buckets = Record<'current' | 'days1To30' | 'days31To60' | 'days61To90' | 'over90' | 'total', string>;
type Line = {
  date: string;
  number: string;
  kind: string | null;
  isVoid: boolean;
  document: { id: string } | null;
  entry: { number: string };
  debit: string;
  credit: string;
  balance: string;
  baseAmount: string;
  baseBalance: string;
  dueDate: string | null;
};
type Currency = {
  currency: string;
  openingBalance: string;
  totalDebit: string;
  totalCredit: string;
  closingBalance: string;
  baseOpeningBalance: string;
  baseClosingBalance: string;
  aging: Buckets;
  baseAging: Buckets;
  lines: Line[];
};
type Statement = {
  party: { code: string };
  from: string;
  to: string;
  baseCurrency: string;
  currencies: Currency[];
};

async function statement(partyId: string, from: string, to: string): Promise<Statement> {
  return (await ok<{ partyStatement: Statement }>(STATEMENT, { partyId, from, to })).partyStatement;
}

/** The party's rows of the aging report at `asOf`, by currency. */
async function agingRows(kind: 'ar' | 'ap', code: string, asOf: string) {
  const field = kind === 'ar' ? 'arAging' : 'apAging';
  const d = await ok<
    Record<string, { rows: { party: { code: string }; currency: string; amounts: Buckets; base: Buckets }[] }>
  >(
    `query($asOf: Date!) { ${field}(asOf: $asOf) { rows { party { code } currency amounts { ${BUCKETS} } base { ${BUCKETS} } } } }`,
    { asOf },
  );
  return (d[field]?.rows ?? []).filter((r) => r.party.code === code);
}

/** Every currency of the statement agrees with the aging report at its end, in currency and base. */
async function expectAgingAgrees(s: Statement, kind: 'ar' | 'ap') {
  const rows = await agingRows(kind, s.party.code, s.to);
  const open = s.currencies.filter((c) => c.aging.total !== '0.00' || c.closingBalance !== '0.00');
  expect(open.map((c) => c.currency).sort()).toEqual(rows.map((r) => r.currency).sort());
  for (const row of rows) {
    const c = s.currencies.find((x) => x.currency === row.currency) as Currency;
    expect(c.aging).toEqual(row.amounts);
    expect(c.baseAging).toEqual(row.base);
    // The statement's own balance is the aging's total: the subledger and the aging are one.
    expect(c.closingBalance).toBe(row.amounts.total);
    expect(c.baseClosingBalance).toBe(row.base.total);
  }
}

describe('partyStatement', () => {
  const id: Record<string, string> = {};
  const doc: Record<string, Doc> = {};
  let manualEntry = '';

  beforeAll(async () => {
    id.C = await party('CUSTOMER', 'STM-C', 'Ñandú Café, S.A.', { taxId: '155-9-2026' });
    id.EUR = await party('CUSTOMER', 'STM-EUR', 'Rösterei GmbH', { currency: 'EUR' });
    id.V = await party('VENDOR', 'STM-V', 'Sacos del Istmo, S.A.');
    id.IDLE = await party('CUSTOMER', 'STM-IDLE', 'Sin Movimiento, S.A.');
    // STM-C, PAB, 30-day terms: D before the range, A with tax, B, the credit note on B, C voided.
    doc.D = await salesInvoice({ partyId: id.C, documentDate: '2026-02-01', lines: [line('40.00')] });
    doc.A = await salesInvoice({
      partyId: id.C,
      documentDate: '2026-03-10',
      lines: [{ ...line('100.00'), taxCode: 'ITBMS7' }],
    });
    doc.B = await salesInvoice({ partyId: id.C, documentDate: '2026-04-05', lines: [line('200.00')] });
    doc.R1 = await receipt({
      partyId: id.C,
      documentDate: '2026-04-20',
      amount: '107.00',
      allocations: [{ invoiceId: doc.A.id, amount: '107.00' }],
    });
    doc.CN = await creditNote({
      partyId: id.C,
      appliesToId: doc.B.id,
      documentDate: '2026-05-02',
      lines: [line('50.00')],
    });
    doc.C = await salesInvoice({ partyId: id.C, documentDate: '2026-05-10', lines: [line('300.00')] });
    await ok(
      `mutation($id: ID!) { voidSalesInvoice(id: $id, reason: "Factura emitida dos veces", voidDate: "2026-05-15") { id } }`,
      {
        id: doc.C.id,
      },
    );
    // A manual line on the receivable naming the customer: part of the subledger and of the aging.
    const je = await ok<{ postJournalEntry: { number: string } }>(
      `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { number } }`,
      {
        input: {
          postingDate: '2026-05-20',
          memo: 'Cargo por cheque devuelto',
          lines: [
            { accountCode: '1201', debit: '10.00', partyId: id.C },
            { accountCode: '4101', credit: '10.00' },
          ],
        },
      },
    );
    manualEntry = je.postJournalEntry.number;

    // STM-EUR: E1 at 1.10, 400 EUR received at 1.20 (realized FX elsewhere), E2 at 1.15.
    doc.E1 = await salesInvoice({
      partyId: id.EUR,
      documentDate: '2026-04-10',
      exchangeRate: '1.10',
      lines: [line('1000.00')],
    });
    doc.ER = await receipt({
      partyId: id.EUR,
      documentDate: '2026-05-10',
      currency: 'EUR',
      exchangeRate: '1.20',
      amount: '400.00',
      allocations: [{ invoiceId: doc.E1.id, amount: '400.00' }],
    });
    // …and one invoice in PAB: a second currency, stated on its own.
    doc.EP = await salesInvoice({
      partyId: id.EUR,
      currency: 'PAB',
      documentDate: '2026-05-15',
      lines: [line('25.00')],
    });
    doc.E2 = await salesInvoice({
      partyId: id.EUR,
      documentDate: '2026-05-12',
      exchangeRate: '1.15',
      lines: [line('333.33')],
    });

    // STM-V: a bill, a payment, a debit note on the bill, and a payment voided five days later.
    doc.VB = await bill({ partyId: id.V, documentDate: '2026-04-08', lines: [line('500.00', '5101')] });
    doc.VP = await payment({
      partyId: id.V,
      documentDate: '2026-04-30',
      amount: '200.00',
      allocations: [{ invoiceId: doc.VB.id, amount: '200.00' }],
    });
    doc.VD = await debitNote({
      partyId: id.V,
      appliesToId: doc.VB.id,
      documentDate: '2026-05-05',
      lines: [line('50.00', '5101')],
    });
    doc.VP2 = await payment({
      partyId: id.V,
      documentDate: '2026-05-20',
      amount: '100.00',
      allocations: [{ invoiceId: doc.VB.id, amount: '100.00' }],
    });
    await ok(
      `mutation($id: ID!) { voidPayment(id: $id, reason: "Cheque rechazado por el banco", voidDate: "2026-05-25") { id } }`,
      {
        id: doc.VP2.id,
      },
    );
  });

  it('states a customer for April–May 2026: opening 147.00, debits 510.00, credits 457.00, closing 200.00, aging 160.00 at 1–30 days and 40.00 at 61–90', async () => {
    const s = await statement(id.C as string, '2026-04-01', '2026-05-31');
    expect(s.party.code).toBe('STM-C');
    expect(s.currencies.map((c) => c.currency)).toEqual(['PAB']);
    const c = s.currencies[0] as Currency;
    expect(c.openingBalance).toBe('147.00');
    expect(c.lines.map((l) => [l.date, l.number, l.kind, l.isVoid, l.debit, l.credit, l.balance])).toEqual([
      ['2026-04-05', doc.B?.number, 'SALES_INVOICE', false, '200.00', '0.00', '347.00'],
      ['2026-04-20', doc.R1?.number, 'CUSTOMER_RECEIPT', false, '0.00', '107.00', '240.00'],
      ['2026-05-02', doc.CN?.number, 'CREDIT_NOTE', false, '0.00', '50.00', '190.00'],
      ['2026-05-10', doc.C?.number, 'SALES_INVOICE', false, '300.00', '0.00', '490.00'],
      ['2026-05-15', doc.C?.number, 'SALES_INVOICE', true, '0.00', '300.00', '190.00'],
      ['2026-05-20', manualEntry, null, false, '10.00', '0.00', '200.00'],
    ]);
    expect(c.lines.map((l) => l.dueDate)).toEqual(['2026-05-05', null, null, '2026-06-09', null, null]);
    expect(c.lines[5]?.document).toBeNull();
    expect(c.lines[5]?.entry.number).toBe(manualEntry);
    expect([c.totalDebit, c.totalCredit, c.closingBalance]).toEqual(['510.00', '457.00', '200.00']);
    // D (due 2026-03-03, 89 days) is 61–90; what is left of B (due 2026-05-05) and the manual line are 1–30.
    expect(c.aging).toEqual({
      current: '0.00',
      days1To30: '160.00',
      days31To60: '0.00',
      days61To90: '40.00',
      over90: '0.00',
      total: '200.00',
    });
    expect([c.baseOpeningBalance, c.baseClosingBalance]).toEqual(['147.00', '200.00']);
  });

  it('agrees with independent BigInt cents of the API’s own document totals, and with arAging at the end', async () => {
    const d = (k: string) => cents((doc[k] as Doc).total);
    const opening = d('D') + d('A');
    const debits = d('B') + d('C') + 1000n;
    const credits = d('R1') + d('CN') + d('C');
    const s = await statement(id.C as string, '2026-04-01', '2026-05-31');
    const c = s.currencies[0] as Currency;
    expect(cents(c.openingBalance)).toBe(opening);
    expect(cents(c.totalDebit)).toBe(debits);
    expect(cents(c.totalCredit)).toBe(credits);
    expect(cents(c.closingBalance)).toBe(opening + debits - credits);
    // Each running balance is the one before plus the line.
    let running = opening;
    for (const l of c.lines) {
      running += cents(l.debit) - cents(l.credit);
      expect(cents(l.balance)).toBe(running);
    }
    await expectAgingAgrees(s, 'ar');
    // Before the void (C open, the manual line not yet posted) and at the range's first day too.
    await expectAgingAgrees(await statement(id.C as string, '2026-04-01', '2026-05-12'), 'ar');
    await expectAgingAgrees(await statement(id.C as string, '2026-03-01', '2026-03-31'), 'ar');
    // An invoice brought forward and voided within the range: in the opening, reversed by the void's line.
    const late = await statement(id.C as string, '2026-05-12', '2026-05-31');
    const lc = late.currencies[0] as Currency;
    expect(cents(lc.openingBalance)).toBe(opening + d('B') - d('R1') - d('CN') + d('C'));
    expect(lc.lines.map((l) => [l.number, l.isVoid, l.debit, l.credit, l.balance])).toEqual([
      [doc.C?.number, true, '0.00', '300.00', '190.00'],
      [manualEntry, false, '10.00', '0.00', '200.00'],
    ]);
    await expectAgingAgrees(late, 'ar');
  });

  it('states a EUR customer in EUR with PAB equivalents: 1000.00 at 1.10, 400.00 received at 1.20, 333.33 at 1.15 → EUR 933.33, PAB 1043.33, as arAging; its PAB invoice of 25.00 on its own', async () => {
    const s = await statement(id.EUR as string, '2026-04-01', '2026-05-31');
    expect(s.baseCurrency).toBe('PAB');
    expect(s.currencies.map((c) => c.currency)).toEqual(['EUR', 'PAB']);
    const pab = s.currencies[1] as Currency;
    expect(pab.lines.map((l) => [l.number, l.debit, l.balance, l.baseBalance])).toEqual([
      [doc.EP?.number, '25.00', '25.00', '25.00'],
    ]);
    const c = s.currencies[0] as Currency;
    expect(c.lines.map((l) => [l.number, l.debit, l.credit, l.balance, l.baseAmount, l.baseBalance])).toEqual(
      [
        [doc.E1?.number, '1000.00', '0.00', '1000.00', '1100.00', '1100.00'],
        // The receipt clears the invoice's receivable at the invoice's rate (440.00); the gain is not the customer's.
        [doc.ER?.number, '0.00', '400.00', '600.00', '-440.00', '660.00'],
        [doc.E2?.number, '333.33', '0.00', '933.33', '383.33', '1043.33'],
      ],
    );
    // BigInt: 333.33 × 1.15 = 383.3295 → 383.33 (half away from zero); 1100.00 − 440.00 + 383.33.
    expect(cents(c.baseClosingBalance)).toBe(110000n - 44000n + 38333n);
    expect(cents(doc.E2?.baseTotal ?? '')).toBe(38333n);
    expect([c.closingBalance, c.baseClosingBalance]).toEqual(['933.33', '1043.33']);
    await expectAgingAgrees(s, 'ar');
  });

  it('states a vendor for April–May 2026: bill 500.00, paid 200.00, debit note 50.00, a payment of 100.00 voided → owed 250.00, as apAging', async () => {
    const s = await statement(id.V as string, '2026-04-01', '2026-05-31');
    const c = s.currencies[0] as Currency;
    expect(c.openingBalance).toBe('0.00');
    expect(c.lines.map((l) => [l.number, l.kind, l.isVoid, l.debit, l.credit, l.balance])).toEqual([
      [doc.VB?.number, 'PURCHASE_INVOICE', false, '0.00', '500.00', '500.00'],
      [doc.VP?.number, 'VENDOR_PAYMENT', false, '200.00', '0.00', '300.00'],
      [doc.VD?.number, 'DEBIT_NOTE', false, '50.00', '0.00', '250.00'],
      [doc.VP2?.number, 'VENDOR_PAYMENT', false, '100.00', '0.00', '150.00'],
      [doc.VP2?.number, 'VENDOR_PAYMENT', true, '0.00', '100.00', '250.00'],
    ]);
    expect([c.totalDebit, c.totalCredit, c.closingBalance]).toEqual(['350.00', '600.00', '250.00']);
    await expectAgingAgrees(s, 'ap');
    // Between the payment and its void the aging saw it, and so does the statement.
    const mid = await statement(id.V as string, '2026-05-01', '2026-05-22');
    expect(mid.currencies[0]?.openingBalance).toBe('300.00');
    expect(mid.currencies[0]?.closingBalance).toBe('150.00');
    await expectAgingAgrees(mid, 'ap');
  });

  it('states a party with nothing in its books as no currencies at all', async () => {
    const s = await statement(id.IDLE as string, '2026-04-01', '2026-05-31');
    expect(s.currencies).toEqual([]);
  });

  it('refuses an unknown party or another client’s (NOT_FOUND), a bad id, a range backwards or over 366 days (BAD_USER_INPUT naming it)', async () => {
    const q = (v: Record<string, unknown>, tenant = TENANT) => as('senior', tenant)(STATEMENT, v);
    const range = { from: '2026-04-01', to: '2026-05-31' };
    expect(codes(await q({ partyId: '00000000-0000-4000-8000-000000000000', ...range }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await q({ partyId: id.C, ...range }, OTHER))).toEqual(['NOT_FOUND']);
    expect(codes(await q({ partyId: 'STM-C', ...range }))).toEqual(['BAD_USER_INPUT']);
    const backwards = await q({ partyId: id.C, from: '2026-05-31', to: '2026-04-01' });
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
    expect(backwards.errors?.[0]?.message).toMatch(/^from: /);
    const long = await q({ partyId: id.C, from: '2025-05-30', to: '2026-05-31' });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors?.[0]?.message).toMatch(/^to: /);
    expect(codes(await q({ partyId: id.C, from: '2025-05-31', to: '2026-05-31' }))).toEqual([]);
  });

  const RENDER = `mutation($partyId: ID!, $from: Date!, $to: Date!) {
    renderPartyStatement(partyId: $partyId, from: $from, to: $to) { url expiresAt fileName party { code } } }`;

  it('renders the customer’s statement as a PDF: white label, legal details, party, period, every line with its balance, totals and aging', async () => {
    const r = await ok<{ renderPartyStatement: { url: string; fileName: string; party: { code: string } } }>(
      RENDER,
      {
        partyId: id.C,
        from: '2026-04-01',
        to: '2026-05-31',
      },
    );
    const link = r.renderPartyStatement;
    expect(link.party.code).toBe('STM-C');
    expect(link.fileName).toBe(`${TENANT}-statement-STM-C-2026-04-01-2026-05-31.pdf`);
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    const legal = (
      await ok<{ legalDetails: { legalName: string; ruc: string; dv: string } }>(
        '{ legalDetails { legalName ruc dv } }',
        {},
      )
    ).legalDetails;
    expect(text).toContain('Tostadores de Boquete');
    expect(text).toContain(legal.legalName);
    expect(text).toContain(`RUC ${legal.ruc} DV ${legal.dv}`);
    expect(text).toContain('ESTADO DE CUENTA / STATEMENT');
    expect(text).toContain('Período / Period: 2026-04-01 – 2026-05-31');
    expect(text).toContain('Ñandú Café, S.A.');
    expect(text).toContain('RUC / Tax id: 155-9-2026');
    expect(text).toContain('Moneda / Currency: PAB');
    expect(text).toMatch(/Saldo anterior \/ Opening balance\s+147\.00/);
    const s = await statement(id.C as string, '2026-04-01', '2026-05-31');
    for (const l of s.currencies[0]?.lines ?? []) {
      const amount = l.debit !== '0.00' ? l.debit : l.credit;
      expect(text).toMatch(
        new RegExp(`${l.date}\\s+${re(l.number)}\\s+[^\\n]*?${re(amount)}\\s+${re(l.balance)}`),
      );
    }
    expect(text).toMatch(
      new RegExp(`2026-05-15\\s+${re(doc.C?.number ?? '')}\\s+Anulación / Void\\s+300\\.00\\s+190\\.00`),
    );
    expect(text).toMatch(/Totales \/ Totals\s+510\.00\s+457\.00/);
    expect(text).toMatch(/Closing balance at 2026-05-31\s+PAB 200\.00/);
    expect(text).toMatch(/PAB\s+0\.00\s+160\.00\s+0\.00\s+40\.00\s+0\.00\s+200\.00/);
  });

  it('renders a EUR statement with its PAB equivalent, and refuses what partyStatement refuses', async () => {
    const r = await ok<{ renderPartyStatement: { url: string } }>(RENDER, {
      partyId: id.EUR,
      from: '2026-04-01',
      to: '2026-05-31',
    });
    const text = pdfText(Buffer.from(await (await fetch(r.renderPartyStatement.url)).arrayBuffer()));
    expect(text).toContain('Moneda / Currency: EUR');
    expect(text).toMatch(/Closing balance at 2026-05-31\s+EUR 933\.33/);
    expect(text).toContain('Equivalente / Equivalent PAB 1,043.33');
    // The PAB invoice in its own table, after the EUR one.
    expect(text).toMatch(
      /Moneda \/ Currency: EUR[\s\S]*Moneda \/ Currency: PAB[\s\S]*Closing balance at 2026-05-31\s+PAB 25\.00/,
    );
    const refuse = (v: Record<string, unknown>) => as()(RENDER, v);
    expect(
      codes(
        await refuse({
          partyId: '00000000-0000-4000-8000-000000000000',
          from: '2026-04-01',
          to: '2026-05-31',
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(codes(await refuse({ partyId: id.C, from: '2026-05-31', to: '2026-04-01' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  const ARCHIVE = `mutation($kind: PartyKind!, $from: Date!, $to: Date!) {
    exportPartyStatementsArchive(kind: $kind, from: $from, to: $to) { url fileName kind from to partyCount } }`;

  it('zips one statement per customer with activity or a balance, named by code, none for an idle one; refuses a user without GL.Export', async () => {
    const r = await ok<{
      exportPartyStatementsArchive: { url: string; fileName: string; partyCount: number };
    }>(ARCHIVE, {
      kind: 'CUSTOMER',
      from: '2026-04-01',
      to: '2026-05-31',
    });
    const archive = r.exportPartyStatementsArchive;
    expect(archive.fileName).toBe(`${TENANT}-statements-customer-2026-04-01-2026-05-31.zip`);
    const res = await fetch(archive.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = await unzipEntries(Buffer.from(await res.arrayBuffer()));
    const names = [...files.keys()];
    expect(names.length).toBe(archive.partyCount);
    expect(names).toEqual(expect.arrayContaining(['STM-C.pdf', 'STM-EUR.pdf']));
    expect(names).not.toContain('STM-IDLE.pdf');
    expect(names).not.toContain('STM-V.pdf');
    expect(pdfText(files.get('STM-C.pdf') as Buffer)).toMatch(/Closing balance at 2026-05-31\s+PAB 200\.00/);
    expect(pdfText(files.get('STM-EUR.pdf') as Buffer)).toContain('Rösterei GmbH');

    const vendors = await ok<{ exportPartyStatementsArchive: { url: string } }>(ARCHIVE, {
      kind: 'VENDOR',
      from: '2026-04-01',
      to: '2026-05-31',
    });
    const vendorFiles = await unzipEntries(
      Buffer.from(await (await fetch(vendors.exportPartyStatementsArchive.url)).arrayBuffer()),
    );
    expect([...vendorFiles.keys()]).toContain('STM-V.pdf');
    expect([...vendorFiles.keys()]).not.toContain('STM-C.pdf');
    expect(pdfText(vendorFiles.get('STM-V.pdf') as Buffer)).toMatch(
      /Closing balance at 2026-05-31\s+PAB 250\.00/,
    );

    expect(
      codes(await as('client')(ARCHIVE, { kind: 'CUSTOMER', from: '2026-04-01', to: '2026-05-31' })),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await as()(ARCHIVE, { kind: 'CUSTOMER', from: '2025-01-01', to: '2026-05-31' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  // Credits (s11-credits): a receipt's unapplied part is a negative line of the aging; the statement's
  // own aging query must count it too, and name a refund in its PDF.
  it('states a customer with a credit: invoice 300.00, receipt 500.00 (200.00 on account), invoice 150.00, 100.00 of the credit applied, 60.00 refunded → 10.00, as arAging', async () => {
    const cr = await party('CUSTOMER', 'STM-CR', 'Crédito a Favor, S.A.');
    const i1 = await salesInvoice({ partyId: cr, documentDate: '2026-04-01', lines: [line('300.00')] });
    const rc = await receipt({
      partyId: cr,
      documentDate: '2026-04-10',
      amount: '500.00',
      allocations: [{ invoiceId: i1.id, amount: '300.00' }],
    });
    const i2 = await salesInvoice({ partyId: cr, documentDate: '2026-05-01', lines: [line('150.00')] });
    await ok(`mutation($input: ApplyCreditInput!) { applyCustomerCredit(input: $input) { id } }`, {
      input: { creditId: rc.id, invoiceId: i2.id, amount: '100.00', date: '2026-05-05' },
    });
    const draft = await ok<{ createCustomerRefund: { id: string } }>(
      `mutation($input: PaymentDraftInput!) { createCustomerRefund(input: $input) { id } }`,
      {
        input: {
          partyId: cr,
          documentDate: '2026-05-10',
          amount: '60.00',
          allocations: [{ invoiceId: rc.id, amount: '60.00' }],
        },
      },
    );
    await ok(`mutation($id: ID!) { postPayment(id: $id) { id } }`, { id: draft.createCustomerRefund.id });

    const st = await statement(cr, '2026-04-01', '2026-05-31');
    const c = st.currencies[0] as Currency;
    // The application moves nothing on the receivable as a whole (credit and invoice net out).
    expect(c.lines.map((l) => [l.kind, l.debit, l.credit, l.balance])).toEqual([
      ['SALES_INVOICE', '300.00', '0.00', '300.00'],
      ['CUSTOMER_RECEIPT', '0.00', '500.00', '-200.00'],
      ['SALES_INVOICE', '150.00', '0.00', '-50.00'],
      ['CUSTOMER_REFUND', '60.00', '0.00', '10.00'],
    ]);
    // Open: invoice 2's 50.00, less the 40.00 of credit left.
    expect(c.aging.total).toBe('10.00');
    await expectAgingAgrees(st, 'ar');
    // Before the refund and the application the credit was 200.00 and the second invoice not issued.
    const early = await statement(cr, '2026-04-01', '2026-04-30');
    expect(early.currencies[0]?.aging.total).toBe('-200.00');
    await expectAgingAgrees(early, 'ar');

    const r = await ok<{ renderPartyStatement: { url: string } }>(RENDER, {
      partyId: cr,
      from: '2026-04-01',
      to: '2026-05-31',
    });
    const text = pdfText(Buffer.from(await (await fetch(r.renderPartyStatement.url)).arrayBuffer()));
    expect(text).toContain('Reembolso / Refund');
  });
});
