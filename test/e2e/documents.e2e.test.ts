import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBooksYears } from '../support/books-year.ts';
import { codes, gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/** Parties, items and documents through the gateway with real tokens, as a client would. */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const TENANT = 'cafe-boquete';

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-docs-e2e-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  await openBooksYears(stack.control.db, stack.registry);
  for (const who of ['senior', 'junior', 'client']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string, tenant = TENANT) => gql(stack.gatewayUrl, token[who], tenant);

/** A query as the owner, straight in the client's own database (to prove what was written). */
async function inBooks<T = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
  slug = TENANT,
): Promise<T[]> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return withClient(
    withDatabase(db.adminUrl, t!.databaseName),
    async (c) => (await c.query(sql, params)).rows as T[],
  );
}
const count = async (table: string, where = 'true') =>
  Number((await inBooks<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0]?.n);

const CREATE_PARTY = `mutation($input: CreatePartyInput!) { createParty(input: $input) { id kind code name currency paymentTermsDays active } }`;
const CREATE_ITEM = `mutation($input: CreateItemInput!) { createItem(input: $input) { id code unitPrice incomeAccount { code } taxCode { code ratePercent } } }`;

describe('parties and items', () => {
  it('creates a customer and an item, then finds them with filters', async () => {
    const party = await as('junior')<{
      createParty: { id: string; currency: string; paymentTermsDays: number };
    }>(CREATE_PARTY, {
      input: { kind: 'CUSTOMER', code: 'E2E-C1', name: 'Supermercado Valle', taxId: '155-1-2026' },
    });
    expect(party.errors).toBeUndefined();
    expect(party.data?.createParty).toMatchObject({ currency: 'PAB', paymentTermsDays: 30 });
    const item = await as('senior')<{ createItem: Record<string, unknown> }>(CREATE_ITEM, {
      input: {
        code: 'PAN-1',
        name: 'Pan de molde',
        unitPrice: '2.35',
        incomeAccountCode: '4101',
        taxCode: 'ITBMS7',
      },
    });
    expect(item.errors).toBeUndefined();
    expect(item.data?.createItem).toMatchObject({
      unitPrice: '2.35',
      incomeAccount: { code: '4101' },
      taxCode: { code: 'ITBMS7', ratePercent: '7' },
    });
    type Codes = { edges: { node: { code: string } }[]; pageInfo: { hasNextPage: boolean } };
    const found = await as('client')<{ parties: Codes; items: Codes }>(
      `{ parties(filter: { kind: CUSTOMER, search: "valle" }) { edges { node { code } } pageInfo { hasNextPage } }
         items(filter: { search: "molde" }) { edges { node { code } } pageInfo { hasNextPage } } }`,
    );
    // The client's own read-only user sees its customers but cannot change them.
    expect(found.data).toEqual({
      parties: { edges: [{ node: { code: 'E2E-C1' } }], pageInfo: { hasNextPage: false } },
      items: { edges: [{ node: { code: 'PAN-1' } }], pageInfo: { hasNextPage: false } },
    });
    expect(codes(await as('client')('{ parties(first: 501) { edges { cursor } } }'))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await as('client')('{ items(after: "nope") { edges { cursor } } }'))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('refuses a read-only user, a duplicate code and an unknown currency, writing nothing', async () => {
    const before = await count('parties');
    const ro = await as('client')(CREATE_PARTY, { input: { kind: 'VENDOR', code: 'V9', name: 'x' } });
    expect(codes(ro)).toEqual(['FORBIDDEN']);
    const dup = await as('senior')(CREATE_PARTY, { input: { kind: 'CUSTOMER', code: 'E2E-C1', name: 'x' } });
    expect(codes(dup)).toEqual(['CONFLICT']);
    const cur = await as('senior')(CREATE_PARTY, {
      input: { kind: 'VENDOR', code: 'V9', name: 'x', currency: 'ABC' },
    });
    expect(codes(cur)).toEqual(['BAD_USER_INPUT']);
    const price = await as('senior')(CREATE_ITEM, { input: { code: 'X', name: 'x', unitPrice: '1e3' } });
    expect(codes(price)).toEqual(['BAD_USER_INPUT']);
    expect(await count('parties')).toBe(before);
    expect(await count('items', "code = 'X'")).toBe(0);
  });
});

const DOC = `id kind status number currency exchangeRate subtotal tax total baseTotal openBalance settlementStatus voided
  party { code } lines { lineNumber quantity unitPrice amount tax taxCode { code } account { code } }
  allocations { invoice { number } amount }
  entry { number sourceKind lines { account { code } debit credit originalCurrency originalAmount party { code } } document { number } }`;
const CREATE_INVOICE = `mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { ${DOC} } }`;
const CREATE_BILL = `mutation($input: InvoiceDraftInput!) { createPurchaseInvoice(input: $input) { ${DOC} } }`;
const CREATE_RECEIPT = `mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { ${DOC} } }`;
const APPROVE = `mutation($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`;
const POST_BILL = `mutation($id: ID!) { postPurchaseInvoice(id: $id) { ${DOC} } }`;
const POST_PAYMENT = `mutation($id: ID!) { postPayment(id: $id) { ${DOC} } }`;
const UPDATE = `mutation($id: ID!, $input: InvoiceDraftInput!) { updateInvoiceDraft(id: $id, input: $input) { id } }`;
const VOID = `mutation($id: ID!, $reason: String!, $date: Date) { voidSalesInvoice(id: $id, reason: $reason, voidDate: $date) { ${DOC} } }`;
const VOID_PAYMENT = `mutation($id: ID!, $reason: String!, $date: Date) { voidPayment(id: $id, reason: $reason, voidDate: $date) { id voided } }`;

type Doc = {
  id: string;
  number: string | null;
  status: string;
  total: string;
  openBalance: string | null;
  settlementStatus: string | null;
  entry: { number: string; sourceKind: string; lines: Record<string, unknown>[] } | null;
  [k: string]: unknown;
};

const footprint = async () => ({
  documents: await count('documents'),
  posted: await count('documents', "status = 'POSTED'"),
  entries: await count('journal_entries'),
  gl: await count('gl_lines'),
  allocations: await count('allocations'),
  voids: await count('voids'),
  sequences: await inBooks(
    'SELECT document_type, fiscal_year, next_value FROM number_sequences ORDER BY 1, 2',
  ),
});

describe('documents through the gateway', () => {
  const party: Record<string, string> = {};
  const line = (over: Record<string, unknown> = {}) => ({
    accountCode: '4101',
    quantity: '4',
    unitPrice: '12.50',
    taxCode: 'ITBMS7',
    ...over,
  });
  const draftInvoice = async (who: string, input: Record<string, unknown>) => {
    const r = await as(who)<{ createSalesInvoice: Doc }>(CREATE_INVOICE, {
      input: { partyId: party.C, documentDate: '2026-06-10', lines: [line()], ...input },
    });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!.createSalesInvoice;
  };

  beforeAll(async () => {
    for (const [key, input] of Object.entries({
      C: { kind: 'CUSTOMER', code: 'DOC-C', name: 'Restaurante Centro' },
      USD: { kind: 'CUSTOMER', code: 'DOC-USD', name: 'Cruise Line Inc', currency: 'USD' },
      EUR: { kind: 'CUSTOMER', code: 'DOC-EUR', name: 'Rösterei GmbH', currency: 'EUR', paymentTermsDays: 0 },
      V: { kind: 'VENDOR', code: 'DOC-V', name: 'Molinos SA' },
    })) {
      const r = await as('senior')<{ createParty: { id: string } }>(CREATE_PARTY, { input });
      party[key] = r.data!.createParty.id;
    }
  });

  it('lets a junior draft a sales invoice but not approve it; the senior approves it into the GL', async () => {
    const draft = await draftInvoice('junior', {});
    expect(draft).toMatchObject({
      status: 'DRAFT',
      number: null,
      subtotal: '50.00',
      tax: '3.50',
      total: '53.50',
      entry: null,
    });
    const before = await footprint();
    const refused = await as('junior')(APPROVE, { id: draft.id });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(await footprint()).toEqual(before);
    const approved = await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, { id: draft.id });
    expect(approved.errors).toBeUndefined();
    const doc = approved.data!.approveSalesInvoice;
    expect(doc).toMatchObject({
      status: 'POSTED',
      number: 'INV-2026-000001',
      openBalance: '53.50',
      settlementStatus: 'OPEN',
    });
    expect(doc.entry).toMatchObject({ sourceKind: 'SALES_INVOICE', document: { number: 'INV-2026-000001' } });
    expect(doc.entry?.lines).toEqual([
      {
        account: { code: '1201' },
        debit: '53.50',
        credit: '0.00',
        originalCurrency: 'PAB',
        originalAmount: '53.50',
        party: { code: 'DOC-C' },
      },
      {
        account: { code: '4101' },
        debit: '0.00',
        credit: '50.00',
        originalCurrency: 'PAB',
        originalAmount: '50.00',
        party: null,
      },
      {
        account: { code: '2201' },
        debit: '0.00',
        credit: '3.50',
        originalCurrency: 'PAB',
        originalAmount: '3.50',
        party: null,
      },
    ]);
    const edit = await as('senior')(UPDATE, {
      id: draft.id,
      input: { partyId: party.C, documentDate: '2026-06-10', lines: [line()] },
    });
    expect(codes(edit)).toEqual(['NOT_EDITABLE']);
    const after = await footprint();
    expect([after.posted, after.entries, after.gl]).toEqual([
      before.posted + 1,
      before.entries + 1,
      before.gl + 3,
    ]);
  });

  it('refuses bad quantities, bad money strings and unknown references, writing nothing', async () => {
    const before = await footprint();
    const cases: [string, Record<string, unknown>][] = [
      [CREATE_INVOICE, { partyId: party.C, documentDate: '2026-06-10', lines: [line({ quantity: '-1' })] }],
      [CREATE_INVOICE, { partyId: party.C, documentDate: '2026-06-10', lines: [line({ unitPrice: '1e3' })] }],
      [CREATE_INVOICE, { partyId: party.C, documentDate: '2026-06-10', lines: [line({ taxCode: 'IVA16' })] }],
      [CREATE_INVOICE, { partyId: party.C, documentDate: '2026-06-10', lines: [line({ itemCode: 'NOPE' })] }],
      [CREATE_INVOICE, { partyId: party.V, documentDate: '2026-06-10', lines: [line()] }],
      [CREATE_RECEIPT, { partyId: party.C, documentDate: '2026-06-10', amount: '1e3', allocations: [] }],
      [
        CREATE_RECEIPT,
        {
          partyId: party.C,
          documentDate: '2026-06-10',
          amount: '0.001',
          allocations: [{ invoiceId: party.C, amount: '0.001' }],
        },
      ],
    ];
    for (const [query, input] of cases) {
      const r = await as('senior')(query, { input });
      expect(codes(r), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
    }
    expect(codes(await as('senior')(APPROVE, { id: 'not-a-uuid' }))).toEqual(['BAD_USER_INPUT']);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a sales invoice into LOCK_SALES without burning its number while a bill still posts', async () => {
    await inBooks(`UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 7`);
    const draft = await draftInvoice('senior', { documentDate: '2026-07-15' });
    const before = await footprint();
    const r = await as('senior')(APPROVE, { id: draft.id });
    expect(codes(r)).toEqual(['PERIOD_LOCKED']);
    expect(r.errors?.[0]?.extensions).toMatchObject({ period: '2026-07', state: 'LOCK_SALES' });
    expect(await footprint()).toEqual(before);
    const bill = await as('junior')<{ createPurchaseInvoice: Doc }>(CREATE_BILL, {
      input: { partyId: party.V, documentDate: '2026-07-15', lines: [line({ accountCode: '5101' })] },
    });
    const posted = await as('junior')<{ postPurchaseInvoice: Doc }>(POST_BILL, {
      id: bill.data!.createPurchaseInvoice.id,
    });
    expect(posted.errors).toBeUndefined();
    expect(posted.data?.postPurchaseInvoice).toMatchObject({
      number: 'BILL-2026-000001',
      settlementStatus: 'OPEN',
    });
    const moved = await as('senior')(UPDATE, {
      id: draft.id,
      input: { partyId: party.C, documentDate: '2026-06-20', lines: [line()] },
    });
    expect(moved.errors).toBeUndefined();
    const next = await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, { id: draft.id });
    expect(next.data?.approveSalesInvoice.number).toBe('INV-2026-000002');
  });

  it('settles partially, refuses over-allocation, then voids the receipt and the invoice once', async () => {
    const inv = (
      await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, { id: (await draftInvoice('senior', {})).id })
    ).data!.approveSalesInvoice;
    const receipt = (amount: string) =>
      as('junior')<{ createCustomerReceipt: Doc }>(CREATE_RECEIPT, {
        input: {
          partyId: party.C,
          documentDate: '2026-06-25',
          amount,
          bankFee: '0.50',
          allocations: [{ invoiceId: inv.id, amount }],
        },
      });
    const before = await footprint();
    expect(codes(await receipt('60.00'))).toEqual(['OVER_ALLOCATION']);
    expect(await footprint()).toEqual(before);
    const draft = (await receipt('20.00')).data!.createCustomerReceipt;
    expect(codes(await as('junior')(POST_PAYMENT, { id: draft.id }))).toEqual(['FORBIDDEN']);
    const posted = (await as('senior')<{ postPayment: Doc }>(POST_PAYMENT, { id: draft.id })).data!
      .postPayment;
    expect(posted).toMatchObject({
      number: 'RCPT-2026-000001',
      allocations: [{ invoice: { number: inv.number }, amount: '20.00' }],
    });
    expect(posted.entry?.lines.map((l) => [(l.account as { code: string }).code, l.debit, l.credit])).toEqual(
      [
        ['1110', '19.50', '0.00'],
        ['6501', '0.50', '0.00'],
        ['1201', '0.00', '20.00'],
      ],
    );
    const now = await as('senior')<{ document: Doc }>(`query($id: ID!) { document(id: $id) { ${DOC} } }`, {
      id: inv.id,
    });
    expect(now.data?.document).toMatchObject({ openBalance: '33.50', settlementStatus: 'PARTIALLY_PAID' });

    const reason = 'Wrong customer: re-invoiced to the hotel';
    const blocked = await as('senior')(VOID, { id: inv.id, reason, date: '2026-06-30' });
    expect(codes(blocked)).toEqual(['DOCUMENT_HAS_SETTLEMENTS']);
    expect(
      (
        await as('senior')<{ voidPayment: { voided: boolean } }>(VOID_PAYMENT, {
          id: posted.id,
          reason,
          date: '2026-06-30',
        })
      ).data,
    ).toEqual({ voidPayment: { id: posted.id, voided: true } });
    const voided = await as('senior')<{ voidSalesInvoice: Doc }>(VOID, {
      id: inv.id,
      reason,
      date: '2026-06-30',
    });
    expect(voided.errors).toBeUndefined();
    expect(voided.data?.voidSalesInvoice).toMatchObject({
      status: 'POSTED',
      voided: true,
      settlementStatus: 'VOIDED',
      openBalance: '0.00',
    });
    const afterVoid = await footprint();
    expect(codes(await as('senior')(VOID, { id: inv.id, reason, date: '2026-06-30' }))).toEqual([
      'ALREADY_VOIDED',
    ]);
    expect(await footprint()).toEqual(afterVoid);
  });

  it('books a USD invoice at its rate and a EUR invoice whose rounding lands on the Rounding account', async () => {
    const usd = await draftInvoice('senior', { partyId: party.USD, exchangeRate: '1', lines: [line()] });
    const usdDoc = (await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, { id: usd.id })).data!
      .approveSalesInvoice;
    expect(usdDoc).toMatchObject({ currency: 'USD', total: '53.50', baseTotal: '53.50' });
    expect(usdDoc.entry?.lines[0]).toMatchObject({
      debit: '53.50',
      originalCurrency: 'USD',
      originalAmount: '53.50',
    });

    const eur = await draftInvoice('senior', {
      partyId: party.EUR,
      exchangeRate: '1.0835',
      lines: [1, 2, 3]
        .map(() => line({ quantity: '1', unitPrice: '0.33', taxCode: 'EXENTO' }))
        .concat([line({ accountCode: '4102', quantity: '1', unitPrice: '0.07', taxCode: 'EXENTO' })]),
    });
    expect(
      codes(
        await as('senior')(CREATE_INVOICE, {
          input: { partyId: party.EUR, documentDate: '2026-06-10', lines: [line()] },
        }),
      ),
      // No EUR rate is known and none was given: nothing to translate at.
    ).toEqual(['RATE_NOT_AVAILABLE']);
    const eurDoc = (await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, { id: eur.id })).data!
      .approveSalesInvoice;
    expect(eurDoc).toMatchObject({
      currency: 'EUR',
      exchangeRate: '1.0835',
      total: '1.06',
      baseTotal: '1.15',
    });
    expect(
      eurDoc.entry?.lines.map((l) => [
        (l.account as { code: string }).code,
        l.debit,
        l.credit,
        l.originalCurrency,
        l.originalAmount,
      ]),
    ).toEqual([
      ['1201', '1.15', '0.00', 'EUR', '1.06'],
      ['4101', '0.00', '0.36', 'EUR', '0.33'],
      ['4101', '0.00', '0.36', 'EUR', '0.33'],
      ['4101', '0.00', '0.36', 'EUR', '0.33'],
      ['4102', '0.00', '0.08', 'EUR', '0.07'],
      ['7203', '0.01', '0.00', 'PAB', '0.01'],
    ]);
  });

  it('ages open receivables per customer and currency', async () => {
    const r = await as('client')<{ arAging: Record<string, unknown> & { rows: Record<string, unknown>[] } }>(
      `{ arAging(asOf: "2026-08-15") { asOf baseCurrency totalBase { total }
         rows { party { code } currency amounts { current days1To30 days31To60 days61To90 over90 total } base { total }
                invoices { document { number } daysPastDue openBalance } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const eur = r.data?.arAging.rows.find((row) => (row.party as { code: string }).code === 'DOC-EUR');
    // Due on 2026-06-10 (no terms): 66 days past due on 2026-08-15.
    expect(eur).toMatchObject({
      currency: 'EUR',
      amounts: {
        current: '0.00',
        days1To30: '0.00',
        days31To60: '0.00',
        days61To90: '1.06',
        over90: '0.00',
        total: '1.06',
      },
      base: { total: '1.15' },
    });
    const pab = r.data?.arAging.rows.find((row) => (row.party as { code: string }).code === 'DOC-C');
    // INV-1 (due 07-10, 36 days) and INV-2 (document date 06-20, due 07-20, 26 days) are open; INV-3 was voided.
    expect(pab).toMatchObject({
      currency: 'PAB',
      amounts: { days1To30: '53.50', days31To60: '53.50', total: '107.00' },
    });
  });

  it('keeps the receivable a control account: a party-less manual line and an invoice line on 1201 are refused; a line naming the customer posts and the aging still equals 1201', async () => {
    const POST = `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
    const before = await count('journal_entries');
    const bare = await as('senior')(POST, {
      input: {
        postingDate: '2026-08-10',
        memo: 'Cobro sin cliente',
        lines: [
          { accountCode: '1110', debit: '30.00' },
          { accountCode: '1201', credit: '30.00' },
        ],
      },
    });
    expect(codes(bare)).toEqual(['CONTROL_ACCOUNT_REQUIRES_DOCUMENT']);
    const onLine = await as('senior')(CREATE_INVOICE, {
      input: { partyId: party.C, documentDate: '2026-08-10', lines: [line({ accountCode: '1201' })] },
    });
    expect(codes(onLine)).toEqual(['CONTROL_ACCOUNT_NOT_ALLOWED']);
    expect(await count('journal_entries')).toBe(before);

    const named = await as('senior')<{ postJournalEntry: { number: string } }>(POST, {
      input: {
        postingDate: '2026-08-10',
        memo: 'Cargo por cheque devuelto',
        lines: [
          { accountCode: '1201', debit: '10.00', partyId: party.C },
          { accountCode: '7101', credit: '10.00' },
        ],
      },
    });
    expect(named.errors).toBeUndefined();
    const r = await as('senior')<{
      arAging: {
        totalBase: { total: string };
        rows: { party: { code: string }; invoices: { entry: { number: string } | null }[] }[];
      };
      trialBalance: { rows: { accountCode: string; debit: string; credit: string }[] };
    }>(
      `{ arAging(asOf: "2026-08-31") { totalBase { total } rows { party { code } invoices { entry { number } } } }
         trialBalance(asOf: "2026-08-31") { rows { accountCode debit credit } } }`,
    );
    expect(r.errors).toBeUndefined();
    const ar = r.data!.trialBalance.rows.find((x) => x.accountCode === '1201')!;
    expect(r.data!.arAging.totalBase.total).toBe(ar.debit);
    const row = r.data!.arAging.rows.find((x) => x.party.code === 'DOC-C');
    expect(row?.invoices.map((i) => i.entry?.number)).toContain(named.data!.postJournalEntry.number);
  });
});
