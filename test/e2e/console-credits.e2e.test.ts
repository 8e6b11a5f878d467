import type { Page } from 'playwright-core';
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
 * Issue 15's screens for issue 18's API (docs/console.md): a receipt's open credit applied to an
 * open invoice and refunded, a sales invoice written off as a bad debt and the write-off voided,
 * the recurring templates (written, edited, refused, run, ended) and an accrual's reversal on its
 * entry's page. Every figure is read back from the API afterwards and checked against an
 * accountant's own sum in BigInt cents; the roles the API refuses are offered nothing.
 */
let c: ConsoleStack;
const SLUG = 'cafe-boquete';
let client: ClientFacts;
let customer: string;
let invoiceA: string;
let invoiceB: string;
let receipt: string;

/** Cents of a PAB decimal string, exact. */
const cents = (s: string) => {
  const [w, f = ''] = s.replace('-', '').split('.');
  const n = BigInt(w! + f.padEnd(2, '0'));
  return s.startsWith('-') ? -n : n;
};
const api = () => c.t.as('senior', SLUG);

async function doc(id: string) {
  return ok(
    await api()<{
      document: { number: string; openBalance: string | null; openCredit: string | null; voided: boolean };
    }>('query ($id: ID!) { document(id: $id) { number openBalance openCredit voided } }', { id }),
  ).document;
}

/** The customer's AR aging total in the base currency (open invoices less credit on account). */
async function agingOf(): Promise<bigint> {
  const d = ok(
    await api()<{ arAging: { rows: { party: { id: string } | null; base: { total: string } }[] } }>(
      `query ($d: Date!) { arAging(asOf: $d) { rows { party { id } base { total } } } }`,
      { d: client.today },
    ),
  );
  const row = d.arAging.rows.find((r) => r.party?.id === customer);
  return row ? cents(row.base.total) : 0n;
}

const mainButtons = async (page: Page) =>
  (await page.getByRole('main').getByRole('button').allTextContents()).filter((b) => b !== '▾');

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const docs = documentsOf(c.t, SLUG);
  customer = await docs.party('CUSTOMER', 'CRED-1', 'Hostal Los Quetzales', client.baseCurrency);
  const sale = (amount: string) => ({
    partyId: customer,
    documentDate: client.today,
    lines: [
      { accountCode: '4102', description: 'Café', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' },
    ],
  });
  invoiceA = await docs.invoice('SALES', sale('321.00'));
  invoiceB = await docs.invoice('SALES', sale('214.00'));
  receipt = await docs.payment('RECEIPT', {
    partyId: customer,
    documentDate: client.today,
    amount: '500.00',
    allocations: [],
  });
}, 300_000);

afterAll(() => c?.close());

describe('credits in the console', () => {
  it('shows the PAB 500.00 credit, applies 250.00 of it to the 321.00 invoice (71.00 left open, 250.00 credit left, aging 35.00 unchanged), refunds 50.00 (200.00 left, aging 85.00)', async () => {
    expect(await agingOf()).toBe(32100n + 21400n - 50000n);
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');

    // The documents list shows the receipt's open credit.
    await page.goto(`${c.origin}/clients/${SLUG}/documents?party=${customer}`);
    await page.getByTestId('documents').waitFor(WAIT);
    await expect
      .poll(
        () => page.locator(`tr[data-document="${receipt}"] [data-testid="row-open-credit"]`).textContent(),
        WAIT,
      )
      .toBe(shown('500.00', client.baseCurrency));

    await page.goto(`${c.origin}/clients/${SLUG}/documents/${receipt}`);
    const credit = page.getByTestId('open-credit');
    await credit.waitFor(WAIT);
    expect(await credit.getAttribute('data-amount')).toBe('500.00');
    expect(await credit.textContent()).toContain(shown('500.00', client.baseCurrency));
    await expectAccessible(page, 'receipt with an open credit');

    // Apply credit: the party's open invoices of the credit's currency, with their open amounts.
    await page.getByRole('button', { name: 'Apply credit' }).click();
    const form = page.getByTestId('apply-credit');
    const select = form.getByLabel('Invoice to settle');
    await select.waitFor(WAIT);
    const options = await select.locator('option').allTextContents();
    const a = await doc(invoiceA);
    expect(
      options.some((o) => o.startsWith(a.number) && o.includes(shown('321.00', client.baseCurrency))),
    ).toBe(true);
    await select.selectOption(invoiceA);
    const amount = form.getByLabel(/^Amount/);
    // The smaller of the credit and the invoice's open amount is proposed.
    expect(await amount.inputValue()).toBe('321.00');
    // Checked as the API checks it: the currency's two decimals, at most what is open.
    await amount.fill('250.005');
    await expect.poll(() => form.getByTestId('amount-hint').textContent(), WAIT).toContain('2 decimals');
    expect(await form.getByRole('button', { name: /^Apply/ }).isDisabled()).toBe(true);
    await amount.fill('400.00');
    await expect.poll(() => form.getByTestId('amount-hint').textContent(), WAIT).toContain('OVER_ALLOCATION');
    await expectAccessible(page, 'apply credit, amount refused');
    await amount.fill('250.00');
    await form.getByRole('button', { name: /^Apply/ }).press('Enter');
    await page.getByTestId('action-outcome').waitFor(WAIT);
    expect(await page.getByTestId('action-outcome').textContent()).toContain(
      `Applied ${shown('250.00', client.baseCurrency)} to ${a.number}`,
    );
    // The keyboard's place is the outcome, not the top of the page (the form is gone).
    await expect
      .poll(
        () =>
          page.evaluate<boolean>(
            'document.activeElement?.firstElementChild?.getAttribute("data-testid") === "action-outcome"',
          ),
        WAIT,
      )
      .toBe(true);
    await expect.poll(() => credit.getAttribute('data-amount'), WAIT).toBe('250.00');
    await shoot(page, '90-document-credit-applied');
    await expectAccessible(page, 'credit applied');
    expect((await doc(invoiceA)).openBalance).toBe('71.00');
    expect((await doc(receipt)).openCredit).toBe('250.00');
    expect(await agingOf()).toBe(32100n - 25000n + 21400n - (50000n - 25000n));

    // Refund: at most the credit left.
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const refund = page.getByTestId('refund-credit');
    const refundAmount = refund.getByLabel(/^Amount/);
    expect(await refundAmount.inputValue()).toBe('250.00');
    await refundAmount.fill('300.00');
    await expect
      .poll(() => refund.getByTestId('amount-hint').textContent(), WAIT)
      .toContain('OVER_ALLOCATION');
    await refundAmount.fill('50.00');
    await refund.getByRole('button', { name: /^Refund/ }).click();
    await page.getByTestId('action-outcome').waitFor(WAIT);
    await expect.poll(() => credit.getAttribute('data-amount'), WAIT).toBe('200.00');
    expect((await doc(receipt)).openCredit).toBe('200.00');
    expect(await agingOf()).toBe(7100n + 21400n - 20000n);
    await expectAccessible(page, 'credit refunded');
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('writes off 100.00 of the 214.00 invoice (114.00 left open, aging -15.00) after a 9-character reason is refused REASON_TOO_SHORT, then voids it (214.00 open again)', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${invoiceB}`);
    await page.getByRole('button', { name: 'Write off as bad debt' }).click();
    const section = page.getByTestId('write-off');
    const amount = section.getByLabel(/^Amount/);
    expect(await amount.inputValue()).toBe('214.00');
    await amount.fill('100.00');
    await section.getByLabel('Reason').fill('Not paid.');
    expect(await section.getByText('9 of at least 20 characters').count()).toBe(1);
    await section
      .locator('form')
      .getByRole('button', { name: /^Write off/ })
      .click();
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('REASON_TOO_SHORT');
    expect((await doc(invoiceB)).openBalance).toBe('214.00');
    await expectAccessible(page, 'write-off refused');

    await section.getByLabel('Reason').fill('The customer closed and left no address to collect from');
    await section
      .locator('form')
      .getByRole('button', { name: /^Write off/ })
      .click();
    const outcome = page.getByTestId('action-outcome');
    await outcome.waitFor(WAIT);
    expect((await doc(invoiceB)).openBalance).toBe('114.00');
    await expect
      .poll(() => page.getByTestId('document-open').getAttribute('data-amount'), WAIT)
      .toBe('114.00');
    expect(await agingOf()).toBe(7100n + 11400n - 20000n);
    await shoot(page, '91-document-written-off');
    await expectAccessible(page, 'written off');

    // The write-off's own page: void it.
    await outcome.getByRole('link').click();
    const voidForm = page.getByTestId('void-write-off');
    await voidForm.waitFor(WAIT);
    await voidForm.getByLabel('Reason').fill('Written off by mistake: the customer paid in full');
    await voidForm.getByRole('button', { name: 'Void the write-off' }).click();
    await page.getByTestId('action-outcome').waitFor(WAIT);
    expect((await doc(invoiceB)).openBalance).toBe('214.00');
    expect(await agingOf()).toBe(7100n + 21400n - 20000n);
    await expectAccessible(page, 'write-off voided');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('a foreign credit', () => {
  it('applies a EUR 100.00 credit booked at 1.20 to a EUR 100.00 invoice booked at 1.10: the rates said beforehand, the API’s realized exchange difference shown after', async () => {
    const docs = documentsOf(c.t, SLUG);
    const eur = await docs.party('CUSTOMER', 'CRED-EUR', 'Kaffeehaus Wien', 'EUR');
    const inv = await docs.invoice('SALES', {
      partyId: eur,
      documentDate: client.today,
      currency: 'EUR',
      exchangeRate: '1.10',
      lines: [
        { accountCode: '4102', description: 'Geisha', quantity: '1', unitPrice: '100.00', taxCode: 'EXENTO' },
      ],
    });
    const pre = await docs.payment('RECEIPT', {
      partyId: eur,
      documentDate: client.today,
      currency: 'EUR',
      exchangeRate: '1.20',
      amount: '100.00',
      allocations: [],
    });
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${pre}`);
    await page.getByRole('button', { name: 'Apply credit' }).click();
    const form = page.getByTestId('apply-credit');
    await form.getByLabel('Invoice to settle').selectOption(inv);
    const note = await form.getByTestId('credit-fx').textContent();
    expect(note).toContain('1 EUR = 1.2');
    expect(note).toContain('the invoice at 1.1');
    await expectAccessible(page, 'apply a foreign credit');
    await form.getByRole('button', { name: /^Apply/ }).click();
    const outcome = page.getByTestId('action-outcome');
    await outcome.waitFor(WAIT);
    const href = await outcome.getByRole('link').getAttribute('href');
    const application = decodeURIComponent(href!.split('/').pop()!);
    const applied = ok(
      await api()<{
        document: { allocations: { amount: string; baseAmount: string; realizedFx: string }[] };
      }>('query ($id: ID!) { document(id: $id) { allocations { amount baseAmount realizedFx } } }', {
        id: application,
      }),
    ).document.allocations[0]!;
    expect(applied.amount).toBe('100.00');
    // The receivable cleared at the invoice's rate: 100.00 × 1.10, in cents.
    expect(cents(applied.baseAmount)).toBe((10000n * 110n) / 100n);
    expect(cents(applied.realizedFx)).not.toBe(0n);
    const text = (await outcome.textContent()) ?? '';
    expect(text).toContain(`${shown(applied.baseAmount, client.baseCurrency)} cleared`);
    expect(text).toContain(
      `realized exchange ${applied.realizedFx.startsWith('-') ? 'loss' : 'gain'} ${shown(applied.realizedFx.replace('-', ''), client.baseCurrency)}`,
    );
    expect((await doc(inv)).openBalance).toBe('0.00');
    expect((await doc(pre)).openCredit).toBe('0.00');
    await expectAccessible(page, 'foreign credit applied');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('a vendor credit', () => {
  it('applies 80.00 of a PAB 120.00 advance to an 80.00 bill (bill paid, 40.00 left, AP aging -40.00 unchanged) and refunds the 40.00 (nothing left, AP aging 0.00)', async () => {
    const docs = documentsOf(c.t, SLUG);
    const vendor = await docs.party('VENDOR', 'CRED-V', 'Tostadora del Barú', client.baseCurrency);
    const bill = await docs.invoice('PURCHASE', {
      partyId: vendor,
      documentDate: client.today,
      lines: [
        { accountCode: '6301', description: 'Sacos', quantity: '1', unitPrice: '80.00', taxCode: 'EXENTO' },
      ],
    });
    const advance = await docs.payment('PAYMENT', {
      partyId: vendor,
      documentDate: client.today,
      amount: '120.00',
      allocations: [],
    });
    const apAging = async () => {
      const d = ok(
        await api()<{ apAging: { rows: { party: { id: string } | null; base: { total: string } }[] } }>(
          'query ($d: Date!) { apAging(asOf: $d) { rows { party { id } base { total } } } }',
          { d: client.today },
        ),
      );
      const row = d.apAging.rows.find((r) => r.party?.id === vendor);
      return row ? cents(row.base.total) : 0n;
    };
    expect(await apAging()).toBe(8000n - 12000n);
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${advance}`);
    await page.getByRole('button', { name: 'Apply credit' }).click();
    const form = page.getByTestId('apply-credit');
    await form.getByLabel('Invoice to settle').selectOption(bill);
    expect(await form.getByLabel(/^Amount/).inputValue()).toBe('80.00');
    await form.getByRole('button', { name: /^Apply/ }).click();
    await page.getByTestId('action-outcome').waitFor(WAIT);
    const credit = page.getByTestId('open-credit');
    await expect.poll(() => credit.getAttribute('data-amount'), WAIT).toBe('40.00');
    expect((await doc(bill)).openBalance).toBe('0.00');
    expect(await apAging()).toBe(0n - 4000n);

    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page
      .getByTestId('refund-credit')
      .getByRole('button', { name: /^Refund/ })
      .click();
    await expect.poll(() => credit.getAttribute('data-amount'), WAIT).toBe('0.00');
    expect(await credit.textContent()).toContain('Nothing left on the account');
    expect((await doc(advance)).openCredit).toBe('0.00');
    expect(await apAging()).toBe(0n);
    expect(await page.getByRole('button', { name: 'Apply credit' }).count()).toBe(0);
    await expectAccessible(page, 'vendor credit used up');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('recurring templates and reversals in the console', () => {
  it('writes a PAB 1,000.00 monthly template, edits it to 1,200.00, is refused UNBALANCED_ENTRY for 10.00 against 9.00, runs it once (a second run makes nothing), ends it', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/trial-balance`);
    await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link', { name: 'Recurring entries' })
      .click();
    await page.getByRole('heading', { name: 'Recurring entries' }).waitFor(WAIT);
    await page.getByText('No recurring template yet').waitFor(WAIT);
    await expectAccessible(page, 'recurring: empty');

    const fill = async (name: string, debit: string, credit: string) => {
      const form = page.getByTestId('recurring-form');
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Line 1 account code').fill('6301');
      await form.getByLabel('Line 1 debit').fill(debit);
      await form.getByLabel('Line 2 account code').fill('1110');
      await form.getByLabel('Line 2 credit').fill(credit);
      return form;
    };
    await page.getByRole('button', { name: 'New template' }).click();
    let form = await fill('Office rent', '1000.00', '1000.00');
    expect(await form.getByTestId('template-balance').textContent()).toBe('Balanced');
    await form.getByRole('button', { name: 'Write the template' }).click();
    const table = page.getByTestId('recurring-templates');
    await table.waitFor(WAIT);
    const listed = async () =>
      ok(
        await api()<{
          recurringEntryTemplates: {
            id: string;
            name: string;
            totalDebit: string;
            active: boolean;
            nextOccurrence: string | null;
          }[];
        }>('{ recurringEntryTemplates(includeEnded: true) { id name totalDebit active nextOccurrence } }'),
      ).recurringEntryTemplates;
    const templates = await listed();
    expect(templates.map((t) => [t.name, t.totalDebit, t.active])).toEqual([
      ['Office rent', '1000.00', true],
    ]);
    const cells = await tableCells(page, 'recurring-templates');
    expect(cells[0]![0]).toBe('Office rent');
    expect(cells[0]![3]).toBe('Active');
    expect(cells[0]![5]).toBe(shown('1000.00', client.baseCurrency));
    expect(templates[0]!.nextOccurrence).toBe(client.today);
    await shoot(page, '92-recurring-templates');
    await expectAccessible(page, 'recurring: one template');

    // Edit: 1,200.00.
    await page.getByRole('button', { name: 'Edit Office rent' }).click();
    form = page.getByTestId('recurring-form');
    await form.getByLabel('Line 1 debit').fill('1200.00');
    await form.getByLabel('Line 2 credit').fill('1200.00');
    await form.getByRole('button', { name: 'Save the template' }).click();
    await page.getByTestId('action-outcome').waitFor(WAIT);
    await expect.poll(async () => (await listed())[0]!.totalDebit, WAIT).toBe('1200.00');

    // Unbalanced: the API's refusal with its code, nothing written.
    await page.getByRole('button', { name: 'New template' }).click();
    form = await fill('Unbalanced', '10.00', '9.00');
    expect(await form.getByTestId('template-balance').textContent()).toBe('Not balanced yet');
    await form.getByRole('button', { name: 'Write the template' }).click();
    await form.getByRole('alert').waitFor(WAIT);
    expect(await form.getByRole('alert').textContent()).toContain('UNBALANCED_ENTRY');
    expect((await listed()).length).toBe(1);
    await expectAccessible(page, 'recurring: refused');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Run now: today's occurrence is made once.
    const run = page.getByTestId('recurring-run');
    await run.getByRole('button', { name: 'Run now' }).click();
    const result = page.getByTestId('run-result');
    await result.waitFor(WAIT);
    expect(await result.textContent()).toContain('1 made, 0 refused');
    const runs = ok(
      await api()<{ recurringEntryTemplate: { runs: { occurrenceDate: string; status: string }[] } }>(
        'query ($id: ID!) { recurringEntryTemplate(id: $id) { runs { occurrenceDate status } } }',
        { id: templates[0]!.id },
      ),
    ).recurringEntryTemplate.runs;
    expect(runs.map((r) => r.occurrenceDate)).toEqual([client.today]);
    expect(await result.locator('li').getAttribute('data-run-status')).toBe(runs[0]!.status);
    await run.getByRole('button', { name: 'Run now' }).click();
    await expect
      .poll(() => page.getByTestId('run-result').textContent(), WAIT)
      .toContain('0 made, 0 refused');

    // End it.
    await page.getByRole('button', { name: 'End Office rent' }).click();
    await expect.poll(async () => (await listed())[0]!.active, WAIT).toBe(false);
    await expect.poll(async () => (await tableCells(page, 'recurring-templates'))[0]![3], WAIT).toBe('Ended');
    expect(await page.getByRole('button', { name: 'Edit Office rent' }).count()).toBe(0);
    await expectAccessible(page, 'recurring: ended');
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('shows an accrual posted yesterday as reversing today, posts the due reversal, and links the entry to it', async () => {
    const yesterday = new Date(Date.parse(`${client.today}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const accrual = ok(
      await api()<{ postJournalEntry: { id: string; number: string } }>(
        'mutation ($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { id number } }',
        {
          i: {
            postingDate: yesterday,
            memo: 'Accrued electricity',
            reverseOn: client.today,
            lines: [
              { accountCode: '6301', debit: '40.00' },
              { accountCode: '1110', credit: '40.00' },
            ],
          },
        },
      ),
    ).postJournalEntry;
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/entries/${accrual.id}`);
    const reversal = page.getByTestId('entry-reversal');
    await reversal.waitFor(WAIT);
    expect(await reversal.textContent()).toContain('not posted yet');

    await page.goto(`${c.origin}/clients/${SLUG}/recurring`);
    const pending = page.getByTestId('pending-reversals');
    await pending.waitFor(WAIT);
    expect(await pending.textContent()).toContain(accrual.number);
    await page.getByRole('button', { name: 'Post due reversals' }).click();
    await page.getByTestId('reversals-result').waitFor(WAIT);
    const reversedBy = ok(
      await api()<{ journalEntry: { reversedBy: { id: string; number: string } | null } }>(
        'query ($id: ID!) { journalEntry(id: $id) { reversedBy { id number } } }',
        { id: accrual.id },
      ),
    ).journalEntry.reversedBy;
    expect(reversedBy).not.toBeNull();
    expect(await page.getByTestId('reversals-result').textContent()).toContain(reversedBy!.number);
    await expectAccessible(page, 'reversals posted');

    await page.goto(`${c.origin}/clients/${SLUG}/entries/${accrual.id}`);
    await expect.poll(() => reversal.textContent(), WAIT).toContain(reversedBy!.number);
    await reversal.getByRole('link', { name: reversedBy!.number }).waitFor(WAIT);
    await shoot(page, '93-entry-reversal');
    await expectAccessible(page, 'entry with its reversal');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('who is offered what', () => {
  it('tells the firm admin what every template makes from the client’s setting (recurringEntriesAutoPost)', async () => {
    const setting = ok(
      await c.t.as(
        'admin',
        SLUG,
      )<{ tenant: { settings: { effective: { recurringEntriesAutoPost: boolean } } } }>(
        '{ tenant { settings { effective { recurringEntriesAutoPost } } } }',
      ),
    ).tenant.settings.effective.recurringEntriesAutoPost;
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/recurring`);
    await page.getByTestId('recurring-templates').waitFor(WAIT);
    await expect
      .poll(async () => (await tableCells(page, 'recurring-templates'))[0]![4], WAIT)
      .toBe(setting ? 'Posted entries' : 'Drafts to approve');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('offers the client read-only user and a Junior no credit, write-off or template action', async () => {
    for (const who of ['client@demo.firm', 'junior@demo.firm']) {
      const { page, problems } = await openPage(c.browser);
      await signInAs(page, c.origin, who);
      await page.goto(`${c.origin}/clients/${SLUG}/documents/${receipt}`);
      await page.getByTestId('open-credit').waitFor(WAIT);
      expect(await mainButtons(page), who).toEqual(['Render PDF']);
      await page.goto(`${c.origin}/clients/${SLUG}/documents/${invoiceB}`);
      await page.getByTestId('document-lines').waitFor(WAIT);
      expect(await mainButtons(page), who).toEqual(['Render PDF']);
      await expectAccessible(page, `${who}: invoice`);
      await page.goto(`${c.origin}/clients/${SLUG}/recurring`);
      // The templates as the API lists them (the test above wrote one), or its empty state.
      await page
        .getByTestId('recurring-templates')
        .or(page.getByText('No recurring template yet'))
        .waitFor(WAIT);
      expect(await mainButtons(page), who).toEqual([]);
      await expectAccessible(page, `${who}: recurring`);
      expect(problems).toEqual([]);
      await page.context().close();
    }
  }, 240_000);
});
