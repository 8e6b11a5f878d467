import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { formatMoney } from '../../packages/console/src/money.ts';
import { todayIn } from '../../packages/console/src/screens/workspace/format.ts';
import type { GqlResult } from './client.ts';
import { launchChromium } from './console-browser.ts';
import { startTestStack, type TestStack } from './stack.ts';

/**
 * Set-up shared by the browser tests of a client's workspace (test/e2e/console-workspace-*.e2e.test.ts):
 * the stack with the console and Chromium, a client's facts as the API gives them, documents made
 * and posted through the API as a person would, and reading tables off the page.
 */

/** The firm's locale until a FirmAdmin sets one (the console formats amounts and dates in the firm's). */
export const LOCALE = 'en-US';

export interface ConsoleStack {
  t: TestStack;
  browser: Browser;
  /** The gateway's origin: the console at `/`. */
  origin: string;
  close(): Promise<void>;
}

/** `demoHistory`: the two fiscal years `pnpm start` seeds (docs/demo.md), not three weeks of sales. */
export async function startConsoleStack(options: { demoHistory?: boolean } = {}): Promise<ConsoleStack> {
  const browser = await launchChromium();
  const t = await startTestStack({ console: true, ...options });
  return {
    t,
    browser,
    origin: t.stack.gatewayUrl.replace(/\/graphql$/, ''),
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** The answer's data, failing the test with the errors when there are any. */
export function ok<T>(r: GqlResult<T>): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
}

export interface ClientFacts {
  name: string;
  baseCurrency: string;
  timezone: string;
  /** Today in the client's time zone (YYYY-MM-DD). */
  today: string;
}

export async function clientFacts(t: TestStack, slug: string): Promise<ClientFacts> {
  const d = ok(
    await t.as(
      'senior',
      slug,
    )<{ tenant: Omit<ClientFacts, 'today'> }>('{ tenant { name baseCurrency timezone } }'),
  );
  return { ...d.tenant, today: todayIn(d.tenant.timezone) };
}

/** An amount as the console shows it in the firm's default locale. */
export const shown = (amount: string, currency: string) => formatMoney(amount, currency, LOCALE);

/** The text of each cell of the table's body rows (th and td alike). */
export const tableCells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    // (The tests' TypeScript has no DOM types: the rows as this function reads them.)
    .evaluateAll((rows: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }[]) =>
      rows.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())),
    );

/** Documents made through the API as the senior of one client. */
export function documentsOf(t: TestStack, slug: string) {
  const as = t.as('senior', slug);
  return {
    async party(kind: 'CUSTOMER' | 'VENDOR', code: string, name: string, currency: string): Promise<string> {
      const d = ok(
        await as<{ createParty: { id: string } }>(
          'mutation ($i: CreatePartyInput!) { createParty(input: $i) { id } }',
          { i: { kind, code, name, currency } },
        ),
      );
      return d.createParty.id;
    },
    /** A sales or purchase invoice (or note), posted unless `draft`. */
    async invoice(
      kind: 'SALES' | 'PURCHASE' | 'CREDIT_NOTE',
      input: Record<string, unknown>,
      opts: { draft?: boolean } = {},
    ): Promise<string> {
      const create = {
        SALES: 'createSalesInvoice',
        PURCHASE: 'createPurchaseInvoice',
        CREDIT_NOTE: 'createCreditNote',
      }[kind];
      const made = ok(
        await as<Record<string, { id: string }>>(
          `mutation ($i: InvoiceDraftInput!) { ${create}(input: $i) { id } }`,
          { i: input },
        ),
      );
      const id = made[create]!.id;
      if (opts.draft) return id;
      const post = kind === 'PURCHASE' ? 'postPurchaseInvoice' : 'approveSalesInvoice';
      ok(await as(`mutation ($id: ID!) { ${post}(id: $id) { id } }`, { id }));
      return id;
    },
    /** A customer receipt or vendor payment, posted. */
    async payment(kind: 'RECEIPT' | 'PAYMENT', input: Record<string, unknown>): Promise<string> {
      const create = kind === 'RECEIPT' ? 'createCustomerReceipt' : 'createVendorPayment';
      const made = ok(
        await as<Record<string, { id: string }>>(
          `mutation ($i: PaymentDraftInput!) { ${create}(input: $i) { id } }`,
          { i: input },
        ),
      );
      const id = made[create]!.id;
      ok(await as('mutation ($id: ID!) { postPayment(id: $id) { id } }', { id }));
      return id;
    },
  };
}
