import { control } from '@cifra/db';
import { createProviders, refreshClient } from '@cifra/subgraph-fx';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecbXml, startFakeProvider } from '../../subgraphs/fx/test/support.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Translation at entry, FX provenance and realized FX through the gateway with real tokens, on the
 * demo Panama client (base PAB). EUR rates of June 2026: 1.10 (the 1st), 1.15 (the 15th), 1.05 (the
 * 22nd); the senior overrides the 10th at 1.12.
 */
let s: TestStack;
const SLUG = 'cafe-boquete';
const as = (who: 'senior' | 'junior' | 'client') => s.as(who, SLUG);

const FX =
  'fx { exchangeRateId rate rateDate source fetchedAt isOverride overrideByEmail overrideReason isFallback }';
const DOC = `id number currency exchangeRate total baseTotal realizedFx ${FX}
  allocations { amount baseAmount realizedFx invoice { number } }
  entry { lines { account { code } debit credit originalCurrency originalAmount ${FX} } }`;
const CREATE_INVOICE = `mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id exchangeRate fx { source } } }`;
const APPROVE = `mutation($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`;
const CREATE_RECEIPT = `mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`;
const POST_PAYMENT = `mutation($id: ID!) { postPayment(id: $id) { ${DOC} } }`;
const VOID_PAYMENT = `mutation($id: ID!, $reason: String!) { voidPayment(id: $id, reason: $reason) { id voided void { reversal { lines { account { code } debit credit ${FX} } } } } }`;

type Fx = {
  exchangeRateId: string;
  rate: string;
  rateDate: string;
  source: string;
  isOverride: boolean;
  overrideByEmail: string | null;
  isFallback: boolean;
} | null;
type Line = {
  account: { code: string };
  debit: string;
  credit: string;
  originalCurrency: string;
  originalAmount: string;
  fx: Fx;
};
type Doc = {
  id: string;
  number: string;
  currency: string;
  exchangeRate: string | null;
  total: string;
  baseTotal: string;
  realizedFx: string | null;
  fx: Fx;
  allocations: { amount: string; baseAmount: string | null; realizedFx: string | null }[];
  entry: { lines: Line[] };
};

const customers: Record<string, string> = {};

async function invoice(partyId: string, documentDate: string, amount: string, extra = {}): Promise<Doc> {
  const draft = await as('senior')<{ createSalesInvoice: { id: string } }>(CREATE_INVOICE, {
    input: {
      partyId,
      documentDate,
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' }],
      ...extra,
    },
  });
  expect(draft.errors).toBeUndefined();
  const posted = await as('senior')<{ approveSalesInvoice: Doc }>(APPROVE, {
    id: draft.data!.createSalesInvoice.id,
  });
  expect(posted.errors).toBeUndefined();
  return posted.data!.approveSalesInvoice;
}

async function receive(inv: Doc, partyId: string, documentDate: string, amount: string): Promise<Doc> {
  const draft = await as('senior')<{ createCustomerReceipt: { id: string } }>(CREATE_RECEIPT, {
    input: { partyId, documentDate, amount, allocations: [{ invoiceId: inv.id, amount }] },
  });
  expect(draft.errors).toBeUndefined();
  const posted = await as('senior')<{ postPayment: Doc }>(POST_PAYMENT, {
    id: draft.data!.createCustomerReceipt.id,
  });
  expect(posted.errors).toBeUndefined();
  return posted.data!.postPayment;
}

const lines = (d: Doc) =>
  d.entry.lines.map((l) => [l.account.code, l.debit, l.credit, l.originalCurrency, l.originalAmount]);

beforeAll(async () => {
  s = await startTestStack();
  for (const [date, rate] of [
    ['2026-06-01', '1.10'],
    ['2026-06-15', '1.15'],
    ['2026-06-22', '1.05'],
  ])
    await s.tenantSql(
      SLUG,
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       VALUES ($1, 'EUR', 'PAB', $2, 'ECB', 'ECB test file')`,
      [date, rate],
    );
  for (const [code, currency] of [
    ['FX-EUR', 'EUR'],
    ['FX-USD', 'USD'],
  ] as const) {
    const r = await as('senior')<{ createParty: { id: string } }>(
      `mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`,
      { input: { kind: 'CUSTOMER', code, name: `${currency} customer`, currency } },
    );
    expect(r.errors).toBeUndefined();
    customers[currency] = r.data!.createParty.id;
  }
});
afterAll(() => s?.close());

describe('FX on documents through the gateway (PAB client)', () => {
  it('books a USD 1,200.00 invoice as PAB 1,200.00 at the peg; its lines keep USD 1,200.00 and cite the PEG rate', async () => {
    const doc = await invoice(customers.USD as string, '2026-06-05', '1200');
    expect(doc).toMatchObject({ currency: 'USD', total: '1200.00', baseTotal: '1200.00', exchangeRate: '1' });
    expect(lines(doc)).toEqual([
      ['1201', '1200.00', '0.00', 'USD', '1200.00'],
      ['4102', '0.00', '1200.00', 'USD', '1200.00'],
    ]);
    for (const l of doc.entry.lines)
      expect(l.fx).toMatchObject({ source: 'PEG', rate: '1', isFallback: false, isOverride: false });
    expect(doc.fx?.exchangeRateId).toBe(doc.entry.lines[0]?.fx?.exchangeRateId);
  });

  it('Simple mode: EUR 1,000.00 invoiced at 1.10 (PAB 1,100.00), received at 1.15 (PAB 1,150.00) posts a PAB 50.00 gain to 6502', async () => {
    const inv = await invoice(customers.EUR as string, '2026-06-01', '1000');
    expect(inv).toMatchObject({
      exchangeRate: '1.1',
      baseTotal: '1100.00',
      fx: { source: 'ECB', rateDate: '2026-06-01' },
    });
    const receipt = await receive(inv, customers.EUR as string, '2026-06-15', '1000.00');
    expect(lines(receipt)).toEqual([
      ['1110', '1150.00', '0.00', 'EUR', '1000.00'],
      ['1201', '0.00', '1100.00', 'EUR', '1000.00'],
      ['6502', '0.00', '50.00', 'PAB', '50.00'],
    ]);
    expect(receipt.entry.lines.map((l) => l.fx?.rateDate ?? null)).toEqual([
      '2026-06-15',
      '2026-06-01',
      null,
    ]);
    expect(receipt).toMatchObject({
      realizedFx: '50.00',
      allocations: [{ baseAmount: '1100.00', realizedFx: '50.00' }],
    });

    // Voiding the receipt reverses the gain with the rest, citing the same rates.
    const voided = await as('senior')<{
      voidPayment: { voided: boolean; void: { reversal: { lines: Line[] } } };
    }>(VOID_PAYMENT, { id: receipt.id, reason: 'The transfer was returned by the bank' });
    expect(voided.errors).toBeUndefined();
    expect(
      voided.data!.voidPayment.void.reversal.lines.map((l) => [
        l.account.code,
        l.debit,
        l.credit,
        l.fx?.rateDate ?? null,
      ]),
    ).toEqual([
      ['1110', '0.00', '1150.00', '2026-06-15'],
      ['1201', '1100.00', '0.00', '2026-06-01'],
      ['6502', '50.00', '0.00', null],
    ]);
  });

  it('the firm sets Separated: EUR 1,000.00 invoiced at 1.10 (PAB 1,100.00), received at 1.05 (PAB 1,050.00) posts a PAB 50.00 loss to 7202; a client override back to Simple posts it to 6502', async () => {
    const firm = await s.as('admin')(
      `mutation { updateFirmSettings(set: { fxVarianceMode: SEPARATED }) { fxVarianceMode } }`,
    );
    expect(firm.errors).toBeUndefined();
    try {
      const inv = await invoice(customers.EUR as string, '2026-06-01', '1000');
      const receipt = await receive(inv, customers.EUR as string, '2026-06-22', '1000.00');
      expect(lines(receipt)).toEqual([
        ['1110', '1050.00', '0.00', 'EUR', '1000.00'],
        ['1201', '0.00', '1100.00', 'EUR', '1000.00'],
        ['7202', '50.00', '0.00', 'PAB', '50.00'],
      ]);
      expect(receipt.realizedFx).toBe('-50.00');

      const client = await s.as('admin')(
        `mutation { updateClientSettings(tenant: "${SLUG}", set: { fxVarianceMode: SIMPLE }) { slug } }`,
      );
      expect(client.errors).toBeUndefined();
      const inv2 = await invoice(customers.EUR as string, '2026-06-01', '1000');
      const receipt2 = await receive(inv2, customers.EUR as string, '2026-06-22', '1000.00');
      expect(lines(receipt2)[2]).toEqual(['6502', '50.00', '0.00', 'PAB', '50.00']);
    } finally {
      await s.as('admin')(`mutation { updateFirmSettings(clear: [FX_VARIANCE_MODE]) { fxVarianceMode } }`);
      await s.as('admin')(
        `mutation { updateClientSettings(tenant: "${SLUG}", clear: [FX_VARIANCE_MODE]) { slug } }`,
      );
    }
  });

  it('marks a EUR 100.00 invoice of 2026-06-03 translated at the rate of 2026-06-01 (PAB 110.00) as a fallback', async () => {
    const doc = await invoice(customers.EUR as string, '2026-06-03', '100');
    expect(doc).toMatchObject({ baseTotal: '110.00', fx: { rateDate: '2026-06-01', isFallback: true } });
    for (const l of doc.entry.lines) expect(l.fx).toMatchObject({ rateDate: '2026-06-01', isFallback: true });
  });

  it('a senior override of 1.12 for 2026-06-10 translates a EUR 100.00 invoice of that day at PAB 112.00, and every line says override and by whom', async () => {
    const o = await as('senior')(
      `mutation { overrideExchangeRate(currency: "EUR", date: "2026-06-10", rate: "1.12", reason: "Rate agreed with the bank for the June shipment") { id } }`,
    );
    expect(o.errors).toBeUndefined();
    const doc = await invoice(customers.EUR as string, '2026-06-10', '100');
    expect(doc.baseTotal).toBe('112.00');
    for (const l of doc.entry.lines)
      expect(l.fx).toMatchObject({
        source: 'OVERRIDE',
        rate: '1.12',
        isOverride: true,
        overrideByEmail: 'senior@demo.firm',
        isFallback: false,
      });
  });

  it('refuses a EUR invoice of 2026-05-20, before any EUR rate, with RATE_NOT_AVAILABLE and writes nothing', async () => {
    const before = await s.tenantSql<{ n: number }>(SLUG, 'SELECT count(*)::int AS n FROM documents');
    const r = await as('senior')(CREATE_INVOICE, {
      input: {
        partyId: customers.EUR,
        documentDate: '2026-05-20',
        lines: [{ accountCode: '4102', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
      },
    });
    expect(codes(r)).toEqual(['RATE_NOT_AVAILABLE']);
    expect(await s.tenantSql(SLUG, 'SELECT count(*)::int AS n FROM documents')).toEqual(before);
  });

  it('a provider outage on 2026-07-02: the refresh fails visibly and a EUR 100.00 invoice of that day is translated at the last known ECB rate of 2026-07-01 (PAB 108.00), marked fallback', async () => {
    const http = await startFakeProvider();
    try {
      const [tenant] = await s.stack.control.db
        .select()
        .from(control.tenants)
        .where(eq(control.tenants.slug, SLUG));
      const deps = (day: string) => ({
        control: s.stack.control.db,
        registry: s.stack.registry,
        providers: createProviders({ ecbUrl: http.url('/eurofxref-daily.xml') }),
        now: () => new Date(`${day}T16:00:00Z`),
      });
      http.set('/eurofxref-daily.xml', { body: ecbXml({ '2026-07-01': { USD: '1.08' } }) });
      await refreshClient(deps('2026-07-01'), tenant!.id);
      http.fail('/eurofxref-daily.xml');
      await expect(refreshClient(deps('2026-07-02'), tenant!.id)).rejects.toThrow();
      const status = await as('client')<{
        fxRefreshStatus: { lastError: string | null; lastRateDate: string };
      }>('{ fxRefreshStatus { lastError lastRateDate } }');
      expect(status.data?.fxRefreshStatus.lastError).toBeTruthy();
      expect(status.data?.fxRefreshStatus.lastRateDate).toBe('2026-07-01');

      const doc = await invoice(customers.EUR as string, '2026-07-02', '100');
      expect(doc).toMatchObject({
        baseTotal: '108.00',
        fx: { source: 'ECB', rate: '1.08', rateDate: '2026-07-01', isFallback: true },
      });
      for (const l of doc.entry.lines)
        expect(l.fx).toMatchObject({ rateDate: '2026-07-01', isFallback: true });
    } finally {
      await http.close();
    }
  });
});
