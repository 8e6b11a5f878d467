import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS_PAGE } from '../../packages/console/src/screens/workspace/document-labels.ts';
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
 * A client's documents in Chromium through the gateway: the list paged with the API's cursors and
 * narrowed by its filters (kind, status, party, dates), a document's detail — header, lines and
 * taxes, totals in its currency and the base equivalent, what settles it and what it settles —
 * and its journal entry opened in the entry drill-down. Every row and amount is compared with
 * the API's own answer.
 */
let c: ConsoleStack;
const SLUG = 'cafe-boquete';
let client: ClientFacts;
let eurInvoice: string;
let receipt: string;
let bill: string;
let draft: string;
let customer: string;

const senior = () => c.t.as('senior', SLUG);

interface Row {
  id: string;
  number: string | null;
  kind: string;
  total: string;
  currency: string;
}
/** A page of `documents` as the API answers it. */
async function apiPage(filter: Record<string, unknown>, after: string | null = null) {
  const d = ok(
    await senior()<{
      documents: { edges: { node: Row }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    }>(
      `query ($f: DocumentFilter, $n: Int!, $a: String) { documents(filter: $f, first: $n, after: $a) {
        edges { node { id number kind total currency } } pageInfo { hasNextPage endCursor } } }`,
      { f: filter, n: DOCUMENTS_PAGE, a: after },
    ),
  );
  return d.documents;
}

/** The ids of the documents the page lists, in order. */
const listed = (page: Page) =>
  page
    .getByTestId('documents')
    .locator('tbody tr')
    .evaluateAll((rows: { getAttribute(n: string): string | null }[]) =>
      rows.map((r) => r.getAttribute('data-document')),
    );

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const docs = documentsOf(c.t, SLUG);
  const accounts = ok(
    await senior()<{ accounts: { code: string; type: string }[] }>('{ accounts { code type } }'),
  );
  const expense = accounts.accounts.find((a) => a.type === 'EXPENSE')!.code;
  const today = client.today;

  // A EUR invoice at a typed rate, one taxed line and one exempt, partly received at another rate.
  customer = await docs.party('CUSTOMER', 'DOC-EUR', 'Rösterei Müller AG', 'EUR');
  eurInvoice = await docs.invoice('SALES', {
    partyId: customer,
    documentDate: today,
    exchangeRate: '1.1',
    reference: 'PO-7781',
    lines: [
      {
        accountCode: '4101',
        description: 'Café de altura, 12 sacos',
        quantity: '12',
        unitPrice: '215.50',
        taxCode: 'ITBMS7',
      },
      { accountCode: '4101', description: 'Flete', quantity: '1', unitPrice: '80', taxCode: 'EXENTO' },
    ],
  });
  receipt = await docs.payment('RECEIPT', {
    partyId: customer,
    documentDate: today,
    exchangeRate: '1.2',
    amount: '1000.00',
    allocations: [{ invoiceId: eurInvoice, amount: '1000.00' }],
  });
  // A vendor's bill in the base currency, and a sales invoice left as a draft.
  const vendor = await docs.party('VENDOR', 'DOC-VEN', 'Sacos del Istmo S.A.', client.baseCurrency);
  bill = await docs.invoice('PURCHASE', {
    partyId: vendor,
    documentDate: today,
    lines: [
      {
        accountCode: expense,
        description: 'Sacos de yute',
        quantity: '40',
        unitPrice: '2.35',
        taxCode: 'ITBMS7',
      },
    ],
  });
  const local = await docs.party('CUSTOMER', 'DOC-LOC', 'Hotel Bambito', client.baseCurrency);
  draft = await docs.invoice(
    'SALES',
    {
      partyId: local,
      documentDate: today,
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
    },
    { draft: true },
  );
  // Enough posted invoices for more than one page of the list.
  for (let n = 1; n <= DOCUMENTS_PAGE + 5; n++)
    await docs.invoice('SALES', {
      partyId: local,
      documentDate: today,
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: `${n}.10`, taxCode: 'EXENTO' }],
    });
}, 300_000);

afterAll(() => c?.close());

describe("a client's documents", () => {
  it('lists them a page at a time in the API’s order, and narrows them with the API’s filters', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/trial-balance`);
    await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link', { name: 'Documents' })
      .click();
    await page.getByTestId('documents').waitFor(WAIT);

    const first = await apiPage({});
    expect(first.pageInfo.hasNextPage).toBe(true);
    await expect.poll(() => listed(page), WAIT).toEqual(first.edges.map((e) => e.node.id));
    // Each row's total in its own currency, as the API gives it.
    const cells = await tableCells(page, 'documents');
    expect(cells.map((r) => r[6])).toEqual(first.edges.map((e) => shown(e.node.total, e.node.currency)));
    await expectAccessible(page, 'documents');
    await shoot(page, '60-workspace-documents');

    await page.getByRole('button', { name: 'Next page' }).click();
    const second = await apiPage({}, first.pageInfo.endCursor);
    await expect.poll(() => listed(page), WAIT).toEqual(second.edges.map((e) => e.node.id));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => listed(page), WAIT).toEqual(first.edges.map((e) => e.node.id));

    // Kind, by keyboard: the bills only.
    await page.getByLabel('Kind').focus();
    await page.getByLabel('Kind').selectOption('PURCHASE_INVOICE');
    const bills = await apiPage({ kind: 'PURCHASE_INVOICE' });
    expect(bills.edges.map((e) => e.node.id)).toContain(bill);
    await expect.poll(() => listed(page), WAIT).toEqual(bills.edges.map((e) => e.node.id));
    expect(new URL(page.url()).searchParams.get('kind')).toBe('PURCHASE_INVOICE');

    // Status: the draft, which has no number yet; a reload keeps the filters (they are in the address).
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Status').selectOption('DRAFT');
    await expect
      .poll(() => listed(page), WAIT)
      .toEqual((await apiPage({ status: 'DRAFT' })).edges.map((e) => e.node.id));
    await page.reload();
    await expect.poll(() => listed(page), WAIT).toContain(draft);
    await page.getByLabel('Status').selectOption('');

    // Party: the API searches; picking the customer lists their documents, invoice and receipt.
    const box = page.getByRole('combobox', { name: 'Party' });
    await box.fill('rösterei');
    await page.getByRole('option', { name: /DOC-EUR/ }).waitFor(WAIT);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const theirs = await apiPage({ partyId: customer });
    expect(theirs.edges.map((e) => e.node.id).sort()).toEqual([eurInvoice, receipt].sort());
    await expect.poll(() => listed(page), WAIT).toEqual(theirs.edges.map((e) => e.node.id));
    await expect
      .poll(() => page.getByTestId('party-filter-chosen').textContent(), WAIT)
      .toBe('Only DOC-EUR Rösterei Müller AG.');

    // Dates: nothing was posted before today.
    const yesterday = new Date(Date.parse(`${client.today}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    await page.keyboard.press('Escape'); // the search box's list, open again on the emptied text
    await page.getByRole('button', { name: 'Any party' }).click();
    await page.getByLabel('Posted to').fill(yesterday);
    expect((await apiPage({ to: yesterday })).edges).toEqual([]);
    await page
      .getByTestId('documents-empty')
      .filter({ hasText: 'No document matches these filters.' })
      .waitFor(WAIT);
    await expectAccessible(page, 'documents, nothing matches');
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect.poll(() => listed(page), WAIT).toEqual(first.edges.map((e) => e.node.id));

    // A party id that is not one: the API's refusal or no row, never a broken page.
    await page.goto(`${c.origin}/clients/${SLUG}/documents?party=not-an-id&kind=NOPE`);
    await expect
      .poll(
        async () =>
          (await page.getByRole('alert').count()) + (await page.getByTestId('documents-empty').count()),
        WAIT,
      )
      .toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('opens a document: header, lines and taxes, totals in both currencies, its settlements both ways and its entry', async () => {
    type Alloc = {
      amount: string;
      baseAmount: string | null;
      realizedFx: string | null;
      source: { id: string; number: string } | null;
      invoice: { id: string; number: string } | null;
    };
    type Doc = {
      number: string;
      currency: string;
      subtotal: string;
      tax: string;
      total: string;
      baseTotal: string;
      openBalance: string | null;
      lines: {
        description: string;
        quantity: string;
        amount: string;
        tax: string;
        taxCode: { code: string } | null;
      }[];
      settlements: Alloc[];
      allocations: Alloc[];
      entry: { id: string; number: string };
    };
    const DOC = `number currency subtotal tax total baseTotal openBalance
      lines { description quantity amount tax taxCode { code } }
      settlements { amount baseAmount realizedFx source { id number } invoice { id number } }
      allocations { amount baseAmount realizedFx source { id number } invoice { id number } }
      entry { id number }`;
    const get = async (id: string) =>
      ok(await senior()<{ document: Doc }>(`query ($id: ID!) { document(id: $id) { ${DOC} } }`, { id }))
        .document;
    const inv = await get(eurInvoice);
    const rec = await get(receipt);
    expect(inv.settlements).toHaveLength(1);

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents?party=${customer}`);
    await page.getByRole('link', { name: inv.number }).click();
    await page.getByTestId('document-lines').waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/clients/${SLUG}/documents/${encodeURIComponent(eurInvoice)}`);
    await page.getByRole('heading', { name: `Sales invoice ${inv.number}` }).waitFor(WAIT);

    // Lines and their taxes.
    const lines = await tableCells(page, 'document-lines');
    expect(lines.map((l) => [l[1], l[3], l[5], l[6]!.split(' ')[0], l[7]])).toEqual(
      inv.lines.map((l) => [
        l.description,
        l.quantity,
        shown(l.amount, 'EUR'),
        l.taxCode?.code ?? 'exempt',
        shown(l.tax, 'EUR'),
      ]),
    );
    // Totals in EUR and the base equivalent as posted; what is still open.
    expect(await page.getByTestId('document-total').textContent()).toBe(shown(inv.total, 'EUR'));
    expect(await page.getByTestId('document-base-total').textContent()).toBe(
      shown(inv.baseTotal, client.baseCurrency),
    );
    expect(await page.getByTestId('document-open').textContent()).toBe(shown(inv.openBalance!, 'EUR'));
    expect(await page.getByTestId('document-rate').textContent()).toContain(
      `1 EUR = 1.1 ${client.baseCurrency}`,
    );
    // Settled by the receipt: its amount, the receivable cleared and the realized difference.
    const settled = await tableCells(page, 'document-settlements');
    const s = inv.settlements[0]!;
    expect(settled).toHaveLength(1);
    expect(settled[0]![0]).toContain(s.source!.number);
    expect(settled[0]!.slice(2)).toEqual([
      shown(s.amount, 'EUR'),
      shown(s.baseAmount!, client.baseCurrency),
      shown(s.realizedFx!, client.baseCurrency),
    ]);
    await expectAccessible(page, 'document, an invoice');
    await shoot(page, '61-workspace-document-invoice');

    // The other way: the receipt settles the invoice.
    await page.getByTestId('document-settlements').getByRole('link', { name: rec.number }).click();
    await page.getByTestId('document-allocations').waitFor(WAIT);
    const settles = await tableCells(page, 'document-allocations');
    expect(settles).toHaveLength(rec.allocations.length);
    expect(settles[0]![0]).toContain(inv.number);
    expect(settles[0]![2]).toBe(shown(rec.allocations[0]!.amount, 'EUR'));
    expect(await page.getByTestId('document-base-total').textContent()).toBe(
      shown(rec.baseTotal, client.baseCurrency),
    );
    await expectAccessible(page, 'document, a receipt');
    await shoot(page, '62-workspace-document-receipt');

    // Back to the invoice, then its journal entry in the entry drill-down.
    await page.getByTestId('document-allocations').getByRole('link', { name: inv.number }).click();
    await page.getByTestId('document-entry').getByRole('link', { name: inv.entry.number }).click();
    await page.getByTestId('entry-lines').waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/clients/${SLUG}/entries/${encodeURIComponent(inv.entry.id)}`);
    await page.getByRole('heading', { name: `Journal entry ${inv.entry.number}` }).waitFor(WAIT);

    // A draft: no number, no entry yet.
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${draft}`);
    await page.getByTestId('document-entry').filter({ hasText: 'None yet' }).waitFor(WAIT);
    expect(await page.getByTestId('document-status').textContent()).toBe('Draft');
    expect(await page.locator('#doc-title').textContent()).toBe('Sales invoice (draft)');
    // A document of no one: said so, or the API's refusal with its code.
    await page.goto(`${c.origin}/clients/${SLUG}/documents/00000000-0000-0000-0000-000000000000`);
    await page
      .getByText(/no document with this id|could not be loaded/)
      .first()
      .waitFor(WAIT);
    await page.setViewportSize({ width: 820, height: 1100 });
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${eurInvoice}`);
    await page.getByTestId('document-lines').waitFor(WAIT);
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('shows the client read-only user their documents with nothing to change (only its PDF to render)', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'client@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents`);
    await page.getByTestId('documents').waitFor(WAIT);
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${eurInvoice}`);
    await page.getByTestId('document-lines').waitFor(WAIT);
    const buttons = (await page.getByRole('main').getByRole('button').allTextContents()).filter(
      (b) => b !== '▾',
    );
    // Rendering its PDF changes nothing and needs GL.Read only, which they hold.
    expect(buttons).toEqual(['Render PDF']);
    await expectAccessible(page, 'document, client read-only');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
