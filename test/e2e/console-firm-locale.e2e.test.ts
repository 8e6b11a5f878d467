import { readConsoleManifest } from '@cifra/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { expectAccessible, openPage, shoot, signInAs, WAIT } from '../support/console-browser.ts';
import {
  type ClientFacts,
  type ConsoleStack,
  clientFacts,
  documentsOf,
  ok,
  startConsoleStack,
} from '../support/console-workspace.ts';

/**
 * The firm's locale in Chromium (issue 15 §5): a FirmAdmin sets de-DE through the API, and the
 * console shows a document's amounts and dates, and the close board's months, as `Intl` itself
 * formats the API's strings in de-DE (grouping "." and decimals ","), times in the client's zone.
 * The expected figures come from Intl directly, never from the console's own formatMoney.
 */
let c: ConsoleStack;
const SLUG = 'cafe-boquete';
const LOCALE = 'de-DE';
let client: ClientFacts;
let invoice: string;

type Doc = { number: string; total: string; currency: string; documentDate: string; postedAt: string };

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const set = await c.t.as('admin')('mutation { updateFirmLocale(locale: "de-de") { locale } }');
  expect(ok(set)).toEqual({ updateFirmLocale: { locale: LOCALE } });
  const docs = documentsOf(c.t, SLUG);
  const customer = await docs.party('CUSTOMER', 'LOC-DE', 'Kaffeehaus Berlin GmbH', client.baseCurrency);
  // 3 × 4,111.52 = 12,334.56: a thousands group and two decimals to tell the locales apart.
  invoice = await docs.invoice('SALES', {
    partyId: customer,
    documentDate: client.today,
    lines: [{ accountCode: '4101', quantity: '3', unitPrice: '4111.52', taxCode: 'EXENTO' }],
  });
}, 300_000);

afterAll(() => c?.close());

/** What Intl.NumberFormat itself makes of the API's decimal string (exact: a string, not a float). */
const intlMoney = (amount: string, currency: string, locale = LOCALE) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as unknown as number);

describe("the firm's locale in the console", () => {
  it('a document of 12334.56 shows as 12.334,56 in de-DE, its dates and posting time too; the board its months', async () => {
    const doc = ok(
      await c.t.as('senior', SLUG)<{ document: Doc }>(
        'query ($id: ID!) { document(id: $id) { number total currency documentDate postedAt } }',
        { id: invoice },
      ),
    ).document;
    expect(doc.total).toMatch(/^12334\.560*$/);
    const expected = intlMoney(doc.total, doc.currency);
    expect(expected).toContain('12.334,56');
    expect(expected).not.toBe(intlMoney(doc.total, doc.currency, 'en-US'));

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    // The console names its build's manifest version on every request (docs/console.md).
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql'));
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${invoice}`);
    expect((await sent).headers()['apollographql-client-version']).toBe(readConsoleManifest().version);
    await page.getByTestId('document-lines').waitFor(WAIT);
    expect(await page.getByTestId('document-total').textContent()).toBe(expected);
    // The unit price too (a plain decimal, no currency): 4111.52 as de-DE writes it.
    const price = page.getByTestId('document-lines').locator('td[data-amount="4111.52"]').first();
    expect(await price.textContent()).toBe(
      new Intl.NumberFormat(LOCALE).format('4111.52' as Intl.StringNumericLiteral),
    );
    expect(await price.textContent()).toBe('4.111,52');

    const day = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${doc.documentDate}T00:00:00Z`),
    );
    const posted = new Intl.DateTimeFormat(LOCALE, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
      timeZone: client.timezone,
      timeZoneName: 'short',
    }).format(new Date(doc.postedAt));
    const facts = (await page.getByTestId('document-facts').textContent()) ?? '';
    expect(facts).toContain(`dated ${day}`);
    expect(await page.getByTestId('document-status').textContent()).toContain(posted);
    await expectAccessible(page, 'document, firm locale de-DE');
    await shoot(page, '90-firm-locale-document');

    // The documents list: the same total in the row.
    await page.goto(`${c.origin}/clients/${SLUG}/documents`);
    await page.getByTestId('documents').waitFor(WAIT);
    await page.getByTestId('documents').getByText(expected, { exact: true }).first().waitFor(WAIT);

    // The close board's month headers: de-DE's short month names.
    await page.goto(`${c.origin}/`);
    const months = Array.from({ length: 12 }, (_, i) =>
      new Intl.DateTimeFormat(LOCALE, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, i, 1)),
    );
    expect(months[2]).not.toBe('Mar');
    const headers = page.locator('table.board thead th');
    await headers.nth(12).waitFor(WAIT);
    expect((await headers.allTextContents()).slice(1)).toEqual(months);
    await expectAccessible(page, 'close board, firm locale de-DE');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('a bad locale is refused UNSUPPORTED_LOCALE and the console keeps the firm’s', async () => {
    const r = await c.t.as('admin')('mutation { updateFirmLocale(locale: "de_DE") { locale } }');
    expect(codes(r)).toEqual(['UNSUPPORTED_LOCALE']);
    const me = ok(await c.t.as('senior')<{ me: { firm: { locale: string } } }>('{ me { firm { locale } } }'));
    expect(me.me.firm.locale).toBe(LOCALE);
  });

  it('a FirmAdmin sets the locale on People and roles: es-PA previewed and saved, xx_YY refused in words; a Senior is offered no such form', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(`${c.origin}/people`);
    const input = page.getByTestId('firm-locale-input');
    await input.waitFor(WAIT);
    expect(await input.inputValue()).toBe(LOCALE);
    // th-TH's own calendar is Buddhist: the preview's day is in the Gregorian year the screens show.
    await input.fill('th-TH');
    const preview = page.getByTestId('firm-locale-preview');
    await expect.poll(() => preview.textContent(), WAIT).toContain('2026');
    expect(await preview.textContent()).not.toContain('2569');
    await input.fill('es-PA');
    const sample = `${intlMoney('1234567.89', 'PAB', 'es-PA')} · ${new Intl.DateTimeFormat('es-PA', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    }).format(new Date(Date.UTC(2026, 2, 31)))}`;
    expect(await page.getByTestId('firm-locale-preview').textContent()).toBe(
      `Amounts and dates as: ${sample}`,
    );
    await page.getByRole('button', { name: 'Save locale' }).click();
    await page
      .getByRole('button', { name: 'Save locale' })
      .and(page.locator('[data-disabled]'))
      .waitFor(WAIT);
    // The field shows the locale saved, never the firm's old one while `me` is read again.
    expect(await input.inputValue()).toBe('es-PA');
    const me = ok(await c.t.as('senior')<{ me: { firm: { locale: string } } }>('{ me { firm { locale } } }'));
    expect(me.me.firm.locale).toBe('es-PA');

    await input.fill('xx_YY');
    expect(await page.getByTestId('firm-locale-preview').textContent()).toBe(
      'Not a locale this browser can format in',
    );
    await page.getByRole('button', { name: 'Save locale' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain('UNSUPPORTED_LOCALE');
    await expectAccessible(page, 'people, firm locale form');
    expect(problems).toEqual([]);
    await page.context().close();

    const senior = await openPage(c.browser);
    await signInAs(senior.page, c.origin, 'senior@demo.firm');
    await senior.page.goto(`${c.origin}/people`);
    await senior.page.getByRole('heading', { name: 'People and roles' }).waitFor(WAIT);
    // The members are drawn (the form would sit below them), and no locale form with them.
    await senior.page.locator('table.members tbody tr').first().waitFor(WAIT);
    expect(await senior.page.getByTestId('firm-locale-input').count()).toBe(0);
    await senior.page.context().close();
    await c.t.as('admin')(`mutation { updateFirmLocale(locale: "${LOCALE}") { locale } }`);
  }, 240_000);
});
