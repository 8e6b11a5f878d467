import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  fitsTheWindow,
  openPage,
  shoot,
  signInAs,
  WAIT,
} from '../support/console-browser.ts';
import {
  type ClientFacts,
  type ConsoleStack,
  clientFacts,
  documentsOf,
  ok,
  shown,
  startConsoleStack,
  tableCells,
} from '../support/console-workspace.ts';

/**
 * AR/AP aging at another revaluation day and the documents behind each row, in Chromium through
 * the gateway: the booked and revalued totals, the revaluation's difference and rate, and a
 * party's open invoices (each opening its document) as `arAging(asOf, revalueAt)` answers them.
 */
let c: ConsoleStack;
const SLUG = 'panaderia-valle';
let client: ClientFacts;
let overdue: string;
let invoiceIds: string[];
/** The day the foreign invoices are revalued at, and the rate forced for it. */
let revalueAt: string;
const REVALUE_RATE = '1.25';

const senior = () => c.t.as('senior', SLUG);

type Buckets = { total: string };
type Report = {
  totalBase: Buckets;
  revaluedTotalBase: Buckets | null;
  revaluation: { difference: string; rates: { currency: string; rate: string }[] } | null;
  rows: {
    currency: string;
    party: { code: string } | null;
    base: Buckets;
    revaluedBase: Buckets | null;
    invoiceCount: number;
    invoices: {
      daysPastDue: number;
      openBalance: string;
      baseOpenBalance: string;
      revaluedBaseOpenBalance: string | null;
      document: { id: string; number: string } | null;
    }[];
  }[];
};
const aging = async (revalue: string | null) =>
  ok(
    await senior()<{ arAging: Report }>(
      `query ($d: Date!, $r: Date) { arAging(asOf: $d, revalueAt: $r) {
        totalBase { total } revaluedTotalBase { total } revaluation { difference rates { currency rate } }
        rows { currency party { code } base { total } revaluedBase { total }
          invoiceCount invoices(first: 25) { daysPastDue openBalance baseOpenBalance revaluedBaseOpenBalance document { id number } } } } }`,
      { d: client.today, r: revalue },
    ),
  ).arAging;

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const years = ok(
    await senior()<{ fiscalYearsConnection: { edges: { node: { startDate: string; endDate: string } }[] } }>(
      '{ fiscalYearsConnection { edges { node { startDate endDate } } } }',
    ),
  );
  const yearStart = years.fiscalYearsConnection.edges
    .map((e) => e.node)
    .find((y) => y.startDate <= client.today && client.today <= y.endDate)!.startDate;
  // Forty days ago, or the year's first day if the year is younger: in an open month of this year.
  const fortyDaysAgo = new Date(Date.parse(`${client.today}T00:00:00Z`) - 40 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  // The later of two ISO dates (strings: Math.max would not compare them).
  overdue = [fortyDaysAgo, yearStart].sort()[1]!;
  revalueAt = client.today;

  const docs = documentsOf(c.t, SLUG);
  const eur = await docs.party('CUSTOMER', 'AG-EUR', 'Bäckerei Sonnenschein', 'EUR');
  invoiceIds = [
    await docs.invoice('SALES', {
      partyId: eur,
      documentDate: overdue,
      dueDate: overdue,
      exchangeRate: '1.1',
      lines: [{ accountCode: '4101', quantity: '10', unitPrice: '120.40', taxCode: 'EXENTO' }],
    }),
    await docs.invoice('SALES', {
      partyId: eur,
      documentDate: client.today,
      exchangeRate: '1.15',
      lines: [{ accountCode: '4101', quantity: '2', unitPrice: '99.99', taxCode: 'EXENTO' }],
    }),
  ];
  const local = await docs.party('CUSTOMER', 'AG-LOC', 'Supermercado El Valle', client.baseCurrency);
  await docs.invoice('SALES', {
    partyId: local,
    documentDate: client.today,
    lines: [{ accountCode: '4101', quantity: '1', unitPrice: '310', taxCode: 'EXENTO' }],
  });
  // The revaluation day's EUR rate, forced by a person (it wins over any rate fetched for that day).
  ok(
    await senior()(
      'mutation ($c: String!, $d: Date!, $r: Decimal!, $why: String!) { overrideExchangeRate(currency: $c, date: $d, rate: $r, reason: $why) { rate } }',
      { c: 'EUR', d: revalueAt, r: REVALUE_RATE, why: 'Year-end valuation rate agreed with the auditor' },
    ),
  );
}, 240_000);

afterAll(() => c?.close());

describe('AR/AP aging', () => {
  it('gives a row’s documents a bounded number at a time, and says how many there are (API)', async () => {
    const q = `query ($d: Date!, $n: Int) { arAging(asOf: $d) { rows { party { code } invoiceCount invoices(first: $n) { dueDate } } } }`;
    type Rows = {
      arAging: { rows: { party: { code: string } | null; invoiceCount: number; invoices: unknown[] }[] };
    };
    const one = ok(await senior()<Rows>(q, { d: client.today, n: 1 })).arAging.rows.find(
      (r) => r.party?.code === 'AG-EUR',
    )!;
    expect([one.invoiceCount, one.invoices.length]).toEqual([2, 1]);
    const all = ok(await senior()<Rows>(q, { d: client.today, n: null })).arAging.rows.find(
      (r) => r.party?.code === 'AG-EUR',
    )!;
    expect(all.invoices).toHaveLength(2);
    for (const n of [-1]) {
      const r = await senior()<Rows>(q, { d: client.today, n });
      expect(r.errors?.[0]?.extensions?.code, String(n)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.field).toBe('first');
    }
  });

  it('revalues at another day and shows the documents behind each row, as the API answers', async () => {
    const booked = await aging(null);
    const revalued = await aging(revalueAt);
    expect(revalued.revaluation!.rates.find((r) => r.currency === 'EUR')?.rate).toMatch(/^1\.25/);

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/aging`);
    await page.getByTestId('aging-ar-table').waitFor(WAIT);
    expect(await page.getByTestId('aging-ar-total').textContent()).toBe(
      shown(booked.totalBase.total, client.baseCurrency),
    );
    expect(await page.getByTestId('aging-ar-revalued-total').count()).toBe(0);

    // Another revaluation day: the booked total stays, the revalued one and the difference are the API's.
    await page.getByLabel('Revalue foreign documents at').fill(revalueAt);
    await page.getByTestId('aging-ar-revalued-total').waitFor(WAIT);
    expect(new URL(page.url()).searchParams.get('revalue')).toBe(revalueAt);
    expect(await page.getByTestId('aging-ar-total').textContent()).toBe(
      shown(revalued.totalBase.total, client.baseCurrency),
    );
    expect(await page.getByTestId('aging-ar-revalued-total').textContent()).toBe(
      shown(revalued.revaluedTotalBase!.total, client.baseCurrency),
    );
    expect(await page.getByTestId('aging-ar-difference').textContent()).toBe(
      shown(revalued.revaluation!.difference, client.baseCurrency),
    );
    expect(await page.getByTestId('aging-ar-revaluation').textContent()).toContain(
      `1 EUR = ${revalued.revaluation!.rates[0]!.rate}`,
    );
    const rows = await tableCells(page, 'aging-ar-table');
    const eurRow = revalued.rows.find((r) => r.party?.code === 'AG-EUR')!;
    const shownEur = rows.find((r) => r[0]!.startsWith('AG-EUR'))!;
    expect(shownEur.slice(-2)).toEqual([
      shown(eurRow.base.total, client.baseCurrency),
      shown(eurRow.revaluedBase!.total, client.baseCurrency),
    ]);

    // The party's open documents, by keyboard: the API's invoices of the row, each a link.
    const toggle = page.getByRole('button', { name: /^Show the 2 open documents of AG-EUR/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('aging-ar-invoices').waitFor(WAIT);
    expect(
      await page
        .getByRole('button', { name: /^Hide the 2 open documents of AG-EUR/ })
        .getAttribute('aria-expanded'),
    ).toBe('true');
    const invoices = await tableCells(page, 'aging-ar-invoices');
    expect(invoices.map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual(
      eurRow.invoices.map((i) => [
        i.document!.number,
        String(i.daysPastDue),
        shown(i.openBalance, 'EUR'),
        shown(i.baseOpenBalance, client.baseCurrency),
        shown(i.revaluedBaseOpenBalance!, client.baseCurrency),
      ]),
    );
    expect(eurRow.invoices.map((i) => i.document!.id).sort()).toEqual([...invoiceIds].sort());
    expect(Math.max(...eurRow.invoices.map((i) => i.daysPastDue))).toBeGreaterThan(0);
    await expectAccessible(page, 'aging, revalued, a party’s documents');
    await shoot(page, '64-workspace-aging-revalued');

    // A document of the row opens its detail.
    const first = eurRow.invoices[0]!.document!;
    await page.getByTestId('aging-ar-invoices').getByRole('link', { name: first.number }).click();
    await page.getByTestId('document-lines').waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/clients/${SLUG}/documents/${encodeURIComponent(first.id)}`);

    // Back; booked values only again; a revaluation day that is no date is ignored.
    await page.goBack();
    await page.getByTestId('aging-ar-revalued-total').waitFor(WAIT);
    await page.getByRole('button', { name: 'Booked values only' }).click();
    await expect.poll(() => page.getByTestId('aging-ar-revalued-total').count(), WAIT).toBe(0);
    await page.goto(`${c.origin}/clients/${SLUG}/aging?revalue=2026-02-31`);
    await page.getByTestId('aging-ar-table').waitFor(WAIT);
    expect(await page.getByTestId('aging-ar-revalued-total').count()).toBe(0);
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});
