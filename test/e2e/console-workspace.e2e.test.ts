import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../packages/console/src/money.ts';
import { todayIn } from '../../packages/console/src/screens/workspace/format.ts';
import {
  expectAccessible,
  fitsTheWindow,
  launchChromium,
  openPage,
  shoot,
  signInAs,
  WAIT,
} from '../support/console-browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A client's workspace in Chromium through the gateway, with real tokens: the switcher (the API
 * searches), the statements, and the drill-down trial balance → general ledger (paged) → entry
 * (lines, original currency, FX provenance) → its audit events and history; every amount the
 * page shows is compared, as a string, with the API's own answer formatted by the console's
 * formatMoney in the browser's locale.
 */
let t: TestStack;
let browser: Browser;
let origin: string;

const SLUG = 'cafe-boquete';
const OTHER = 'ferreteria-colon';
const LOCALE = 'en-US';
let today: string;
let currency: string;
let yearStart: string;
let tenant: { name: string; whiteLabel: { displayName: string; brandColor: string | null } };
/** The expense account the test posts 60 lines to (two pages of the ledger) and its counterpart. */
let busy: string;
let counter: string;
/** The EUR invoice's entry: its id and its receivable account. */
let eurEntry: { id: string; number: string; arCode: string };

const senior = (slug = SLUG) => t.as('senior', slug);
const fmt = (amount: string, cur = currency) => formatMoney(amount, cur, LOCALE);
const blankZero = (amount: string) => (/^-?0*(\.0*)?$/.test(amount) ? '' : fmt(amount));

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');

  const info = await senior()<{
    tenant: typeof tenant & { baseCurrency: string; timezone: string };
    accounts: { code: string; type: string }[];
  }>(
    '{ tenant { name baseCurrency timezone whiteLabel { displayName brandColor } } accounts { code type } }',
  );
  expect(info.errors).toBeUndefined();
  tenant = info.data!.tenant;
  currency = info.data!.tenant.baseCurrency;
  today = todayIn(info.data!.tenant.timezone);
  const years = await senior()<{
    fiscalYearsConnection: { edges: { node: { startDate: string; endDate: string } }[] };
  }>('{ fiscalYearsConnection { edges { node { startDate endDate } } } }');
  yearStart = years
    .data!.fiscalYearsConnection.edges.map((e) => e.node)
    .find((y) => y.startDate <= today && today <= y.endDate)!.startDate;
  const expenses = info.data!.accounts.filter((a) => a.type === 'EXPENSE').map((a) => a.code);
  [busy, counter] = [expenses[0]!, expenses[1]!];

  // 60 lines on one expense account today: more than one page (50) of its ledger.
  const many = await senior()(
    'mutation ($i: [PostJournalEntryInput!]!) { postJournalEntries(input: $i) { id } }',
    {
      i: Array.from({ length: 60 }, (_, n) => ({
        postingDate: today,
        memo: `Reclasificación ${n + 1}`,
        lines: [
          { accountCode: busy, debit: `${n + 1}.25` },
          { accountCode: counter, credit: `${n + 1}.25` },
        ],
      })),
    },
  );
  expect(many.errors, JSON.stringify(many.errors)).toBeUndefined();

  // A EUR invoice at a rate typed on it: its entry's lines carry an original currency and FX provenance.
  const party = await senior()<{ createParty: { id: string } }>(
    'mutation ($i: CreatePartyInput!) { createParty(input: $i) { id } }',
    { i: { kind: 'CUSTOMER', code: 'WS-EUR', name: 'Kaffeehaus GmbH', currency: 'EUR' } },
  );
  expect(party.errors, JSON.stringify(party.errors)).toBeUndefined();
  const draft = await senior()<{ createSalesInvoice: { id: string } }>(
    'mutation ($i: InvoiceDraftInput!) { createSalesInvoice(input: $i) { id } }',
    {
      i: {
        partyId: party.data!.createParty.id,
        documentDate: today,
        exchangeRate: '1.1',
        lines: [{ accountCode: '4101', quantity: '3', unitPrice: '333.33', taxCode: 'EXENTO' }],
      },
    },
  );
  expect(draft.errors, JSON.stringify(draft.errors)).toBeUndefined();
  const posted = await senior()<{
    approveSalesInvoice: {
      entry: { id: string; number: string; lines: { debit: string; account: { code: string } }[] };
    };
  }>(
    'mutation ($id: ID!) { approveSalesInvoice(id: $id) { entry { id number lines { debit account { code } } } } }',
    {
      id: draft.data!.createSalesInvoice.id,
    },
  );
  expect(posted.errors, JSON.stringify(posted.errors)).toBeUndefined();
  const entry = posted.data!.approveSalesInvoice.entry;
  eurEntry = {
    id: entry.id,
    number: entry.number,
    arCode: entry.lines.find((l) => l.debit !== '0.00')!.account.code,
  };
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The text of each cell of the table's body rows (th and td alike). */
const tableCells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    // (The tests' TypeScript has no DOM types: the rows as this function reads them.)
    .evaluateAll((rows: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }[]) =>
      rows.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())),
    );

/** Pick a client in the switcher by keyboard: type, arrow to the option, Enter. */
async function switchTo(page: Page, search: string, name: string) {
  const box = page.getByRole('combobox', { name: /client/i });
  await box.focus();
  await box.fill(search);
  const option = page.getByRole('option', { name: new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  await option.waitFor(WAIT);
  // The API searched: the only client listed is the one matching.
  await expect.poll(() => page.getByRole('option').count(), WAIT).toBe(1);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

describe('a client workspace', () => {
  it('the switcher asks the API to search, and hostile text is only text', async () => {
    const r = await t.as('senior')<{ tenantsConnection: { edges: { node: { slug: string } }[] } }>(
      'query ($s: String) { tenantsConnection(first: 20, search: $s) { edges { node { slug } } } }',
      { s: 'boq' },
    );
    expect(r.data!.tenantsConnection.edges.map((e) => e.node.slug)).toEqual([SLUG]);
    for (const s of ['%', '_', "'; drop table tenants; --", '\\']) {
      const h = await t.as('senior')<{ tenantsConnection: { edges: unknown[] } }>(
        'query ($s: String) { tenantsConnection(first: 20, search: $s) { edges { cursor } } }',
        { s },
      );
      expect(h.errors, s).toBeUndefined();
      expect(h.data!.tenantsConnection.edges, s).toEqual([]);
    }
  });

  it('drills from the trial balance to an entry, every amount as the API gives it', async () => {
    const { page, problems } = await openPage(browser);
    expect(await page.evaluate<string>('navigator.language')).toBe(LOCALE);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients', exact: true }).waitFor(WAIT);
    await expectAccessible(page, 'clients');
    await switchTo(page, 'boq', tenant.name);

    // The client's white-label name and colour on its workspace.
    await expect
      .poll(() => page.getByTestId('client-name').textContent(), WAIT)
      .toBe(tenant.whiteLabel.displayName);
    expect(await page.locator('.workspace-head').getAttribute('data-brand')).toBe(
      tenant.whiteLabel.brandColor ?? '',
    );
    expect(new URL(page.url()).pathname).toBe(`/clients/${SLUG}/trial-balance`);

    // The trial balance, row by row against the API.
    const tb = await senior()<{
      trialBalance: {
        totalDebit: string;
        totalCredit: string;
        rows: {
          accountCode: string;
          accountName: string;
          accountType: string;
          debit: string;
          credit: string;
        }[];
      };
    }>(
      'query ($d: Date!) { trialBalance(asOf: $d) { totalDebit totalCredit rows { accountCode accountName accountType debit credit } } }',
      { d: today },
    );
    const rows = tb.data!.trialBalance.rows;
    expect(rows.length).toBeGreaterThan(3);
    await page.getByTestId('trial-balance').waitFor(WAIT);
    expect(await tableCells(page, 'trial-balance')).toEqual(
      rows.map((r) => [
        `${r.accountCode} ${r.accountName}`,
        r.accountType,
        blankZero(r.debit),
        blankZero(r.credit),
      ]),
    );
    expect(await page.getByTestId('tb-total-debit').textContent()).toBe(
      fmt(tb.data!.trialBalance.totalDebit),
    );
    expect(await page.getByTestId('tb-total-credit').textContent()).toBe(
      fmt(tb.data!.trialBalance.totalCredit),
    );
    await expectAccessible(page, 'trial balance');
    await shoot(page, '40-workspace-trial-balance');

    // Account → its general ledger, two pages of it.
    const gl = async (code: string, after: string | null) =>
      (
        await senior()<{
          generalLedger: {
            closingBalance: string;
            edges: {
              node: {
                entryNumber: string;
                lineNumber: number;
                debit: string;
                credit: string;
                runningBalance: string;
              };
            }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }>(
          'query ($c: String!, $f: Date!, $t: Date!, $a: String) { generalLedger(accountCode: $c, from: $f, to: $t, first: 50, after: $a) { closingBalance edges { node { entryNumber lineNumber debit credit runningBalance } } pageInfo { hasNextPage endCursor } } }',
          { c: code, f: yearStart, t: today, a: after },
        )
      ).data!.generalLedger;
    const glRows = (p: Awaited<ReturnType<typeof gl>>) =>
      p.edges.map(({ node: l }) => [
        l.entryNumber,
        blankZero(l.debit),
        blankZero(l.credit),
        fmt(l.runningBalance),
      ]);
    const shownGl = async () =>
      (await tableCells(page, 'general-ledger')).map((c) => [
        c[1]!.replace(/ line \d+$/, ''),
        c[4],
        c[5],
        c[6],
      ]);

    const row = page.locator(`[data-testid="trial-balance"] tr[data-account="${busy}"]`);
    await row.getByRole('link').click();
    await page.getByTestId('general-ledger').waitFor(WAIT);
    const first = await gl(busy, null);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(await shownGl()).toEqual(glRows(first));
    expect(await page.getByTestId('gl-closing').textContent()).toBe(fmt(first.closingBalance));
    await expectAccessible(page, 'general ledger');
    await shoot(page, '41-workspace-general-ledger');
    const next = page.getByRole('button', { name: 'Next page' });
    await next.focus();
    await page.keyboard.press('Enter');
    const second = await gl(busy, first.pageInfo.endCursor);
    await expect.poll(shownGl, WAIT).toEqual(glRows(second));
    expect(second.edges.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(shownGl, WAIT).toEqual(glRows(first));

    // Back to the trial balance; the receivable account's ledger → the EUR invoice's entry.
    await page.getByRole('link', { name: '← Trial balance' }).click();
    await page
      .locator(`[data-testid="trial-balance"] tr[data-account="${eurEntry.arCode}"]`)
      .getByRole('link')
      .click();
    await page.getByTestId('general-ledger').waitFor(WAIT);
    await page.getByTestId('general-ledger').getByRole('link', { name: eurEntry.number }).click();
    await page.getByRole('heading', { name: `Journal entry ${eurEntry.number}` }).waitFor(WAIT);

    const je = await senior()<{
      journalEntry: {
        totalDebit: string;
        lines: {
          lineNumber: number;
          debit: string;
          credit: string;
          originalCurrency: string;
          originalAmount: string;
          account: { code: string; name: string };
          party: { name: string } | null;
          fx: { rate: string; source: string; isOverride: boolean } | null;
        }[];
        auditEvents: { edges: { node: { action: string } }[] };
      };
      historyConnection: { edges: { node: { operation: string } }[] };
    }>(
      'query ($id: ID!) { journalEntry(id: $id) { totalDebit lines { lineNumber debit credit originalCurrency originalAmount account { code name } party { name } fx { rate source isOverride } } auditEvents { edges { node { action } } } } historyConnection(entityType: "JournalEntry", entityId: $id) { edges { node { operation } } } }',
      { id: eurEntry.id },
    );
    expect(je.errors, JSON.stringify(je.errors)).toBeUndefined();
    const lines = je.data!.journalEntry.lines;
    expect(lines.some((l) => l.originalCurrency === 'EUR' && l.fx?.source === 'DOCUMENT')).toBe(true);
    await page.getByTestId('entry-lines').waitFor(WAIT);
    const shownLines = await tableCells(page, 'entry-lines');
    expect(shownLines.map((c) => c.slice(0, 5))).toEqual(
      lines.map((l) => [
        String(l.lineNumber),
        `${l.account.code} ${l.account.name}${l.party ? ` · ${l.party.name}` : ''}`,
        blankZero(l.debit),
        blankZero(l.credit),
        formatMoney(l.originalAmount, l.originalCurrency, LOCALE),
      ]),
    );
    for (const [i, l] of lines.entries()) {
      const fx = shownLines[i]![5]!;
      if (l.fx) {
        expect(fx).toContain(`1 EUR = ${l.fx.rate} ${currency}`);
        expect(fx).toContain('DOCUMENT');
        expect(fx).toContain(l.fx.isOverride ? 'overridden by' : '');
      } else expect(fx).toBe(`none (${l.originalCurrency}, the base currency)`);
    }
    // The entry's audit events and history, as many as the API has.
    const events = je.data!.journalEntry.auditEvents.edges;
    expect(events.length).toBeGreaterThan(0);
    await page.getByTestId('entry-audit').waitFor(WAIT);
    expect((await tableCells(page, 'entry-audit')).map((c) => c[1])).toEqual(
      events.map((e) => e.node.action),
    );
    const versions = je.data!.historyConnection.edges;
    if (versions.length > 0) {
      expect((await tableCells(page, 'entry-history')).map((c) => c[0])).toEqual(
        versions.map((v) => v.node.operation),
      );
    } else {
      await page.getByText('No version of this entry is recorded.').waitFor(WAIT);
    }
    await expectAccessible(page, 'journal entry');
    await shoot(page, '42-workspace-entry');

    // A tablet: the page never scrolls sideways (tables scroll in their own boxes).
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    await expectAccessible(page, 'journal entry, tablet');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('shows the statements in the client’s currency and keeps the page’s place on switching client', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.goto(`${origin}/clients/${SLUG}/income-statement?date=${today}`);
    await page.getByTestId('income-statement').waitFor(WAIT);
    const is = await senior()<{ incomeStatement: { netIncome: string; income: { total: string } } }>(
      'query ($f: Date!, $t: Date!) { incomeStatement(from: $f, to: $t) { netIncome income { total } } }',
      { f: yearStart, t: today },
    );
    await expect
      .poll(() => page.getByTestId('net-income').textContent(), WAIT)
      .toBe(fmt(is.data!.incomeStatement.netIncome));
    await expectAccessible(page, 'income statement');
    await shoot(page, '43-workspace-income-statement');
    // A first day after the last: said so, the day asked kept in its field, no statement drawn.
    const later = `${Number(today.slice(0, 4)) + 1}-01-01`;
    await page.goto(`${origin}/clients/${SLUG}/income-statement?date=${today}&from=${later}`);
    await page.getByTestId('is-backwards').waitFor(WAIT);
    expect(await page.getByLabel('From').inputValue()).toBe(later);
    expect(await page.getByTestId('income-statement').count()).toBe(0);
    await page.goto(`${origin}/clients/${SLUG}/income-statement?date=${today}`);
    await page.getByTestId('income-statement').waitFor(WAIT);

    await page.getByRole('link', { name: 'Balance sheet' }).click();
    await page.getByTestId('balance-sheet').waitFor(WAIT);
    const bs = await senior()<{
      balanceSheet: {
        totalLiabilitiesAndEquity: string;
        assets: { total: string };
        equity: {
          total: string;
          rows: { accountCode: string | null; accountName: string; amount: string }[];
        };
      };
    }>(
      'query ($d: Date!) { balanceSheet(asOf: $d) { totalLiabilitiesAndEquity assets { total } equity { total rows { accountCode accountName amount } } } }',
      { d: today },
    );
    const total = page.getByTestId('balance-sheet').locator('tfoot td');
    await expect
      .poll(() => total.textContent(), WAIT)
      .toBe(fmt(bs.data!.balanceSheet.totalLiabilitiesAndEquity));
    expect(await page.locator('[data-section="Assets"] tr.section-total td').textContent()).toBe(
      fmt(bs.data!.balanceSheet.assets.total),
    );
    // Equity row by row as the API has it — current earnings once, its own line — then its total.
    const equity = bs.data!.balanceSheet.equity;
    expect(
      await page
        .locator('[data-section="Equity"] tr:not(.section-head)')
        .evaluateAll((rows: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }[]) =>
          rows.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())),
        ),
    ).toEqual([
      ...equity.rows.map((r) => [
        r.accountCode ? `${r.accountCode} ${r.accountName}` : r.accountName,
        fmt(r.amount),
      ]),
      ['Total equity', fmt(equity.total)],
    ]);
    await expectAccessible(page, 'balance sheet');
    await shoot(page, '44-workspace-balance-sheet');

    // AR/AP aging: the EUR invoice is open and not yet due; the totals and the chart's words as the API's.
    await page.getByRole('link', { name: 'AR/AP aging' }).click();
    await page.getByTestId('aging-ar-table').waitFor(WAIT);
    const aging = await senior()<{
      arAging: {
        totalBase: { total: string; current: string };
        rows: { currency: string; amounts: { current: string } }[];
      };
      apAging: { rows: unknown[]; totalBase: { total: string } };
    }>(
      'query ($d: Date!) { arAging(asOf: $d) { totalBase { total current } rows { currency amounts { current } } } apAging(asOf: $d) { rows { __typename } totalBase { total } } }',
      { d: today },
    );
    const ar = aging.data!.arAging;
    expect(await page.getByTestId('aging-ar-total').textContent()).toBe(fmt(ar.totalBase.total));
    const eurRow = ar.rows.find((r) => r.currency === 'EUR')!;
    const shownAging = await tableCells(page, 'aging-ar-table');
    expect(shownAging.find((c) => c[1] === 'EUR')![2]).toBe(
      formatMoney(eurRow.amounts.current, 'EUR', LOCALE),
    );
    const chart = page.getByTestId('aging-ar').getByRole('img');
    expect(await chart.getAttribute('aria-label')).toContain(`Not yet due: ${fmt(ar.totalBase.current)}`);
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    if (aging.data!.apAging.rows.length === 0)
      expect(await page.getByTestId('aging-ap').textContent()).toContain('Nothing open.');
    await expectAccessible(page, 'aging');
    await shoot(page, '47-workspace-aging');
    await page.goBack();
    await page.getByTestId('balance-sheet').waitFor(WAIT);

    // Another date, then another client: the same statement, the same date.
    const earlier = `${today.slice(0, 8)}01`;
    await page.getByLabel('As of').fill(earlier);
    await expect.poll(() => new URL(page.url()).searchParams.get('date'), WAIT).toBe(earlier);
    const other = await t.as(
      'senior',
      OTHER,
    )<{ tenant: { name: string; whiteLabel: { displayName: string } } }>(
      '{ tenant { name whiteLabel { displayName } } }',
    );
    await switchTo(page, 'ferre', other.data!.tenant.name);
    await expect
      .poll(() => page.getByTestId('client-name').textContent(), WAIT)
      .toBe(other.data!.tenant.whiteLabel.displayName);
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/clients/${OTHER}/balance-sheet`);
    expect(url.searchParams.get('date')).toBe(earlier);
    const obs = await t.as('senior', OTHER)<{ balanceSheet: { totalLiabilitiesAndEquity: string } }>(
      'query ($d: Date!) { balanceSheet(asOf: $d) { totalLiabilitiesAndEquity } }',
      { d: earlier },
    );
    await expect
      .poll(() => total.textContent(), WAIT)
      .toBe(fmt(obs.data!.balanceSheet.totalLiabilitiesAndEquity));

    // From an entry (one client's only), switching goes to the other client's trial balance.
    await page.goto(`${origin}/clients/${SLUG}/entries/${eurEntry.id}?date=${today}`);
    await page.getByRole('heading', { name: `Journal entry ${eurEntry.number}` }).waitFor(WAIT);
    await switchTo(page, 'ferre', other.data!.tenant.name);
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/clients/${OTHER}/trial-balance`);
    await page.getByTestId('trial-balance').waitFor(WAIT);
    // The other client's ledger does not know the first one's entry.
    await page.goto(`${origin}/clients/${OTHER}/entries/${eurEntry.id}`);
    await page.getByText('This client has no posted entry with this id.').waitFor(WAIT);

    // A client one may not open, or that does not exist: refused in words, with its code.
    await page.goto(`${origin}/clients/no-such-client/trial-balance`);
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    // The gateway refuses it before GraphQL runs (403), with a GraphQL error: its code is shown.
    expect(await alert.textContent()).toMatch(
      /^The client no-such-client could not be opened[A-Z][A-Z_]+ \S/,
    );
    expect(await alert.textContent()).not.toContain('HTTP_403');
    await expectAccessible(page, 'a client refused');

    await page.setViewportSize({ width: 820, height: 1100 });
    await page.goto(`${origin}/clients/${SLUG}/trial-balance?date=${today}`);
    await page.getByTestId('trial-balance').waitFor(WAIT);
    expect(await fitsTheWindow(page)).toBe(true);
    await expectAccessible(page, 'trial balance, tablet');
    await shoot(page, '45-workspace-tablet');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('wraps a memo with no spaces within the page, at a desk and on a tablet', async () => {
    const memo = `Transfer ref ${'M'.repeat(300)}`;
    const posted = await senior()<{ postJournalEntry: { id: string } }>(
      'mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { id } }',
      {
        i: {
          postingDate: today,
          memo,
          lines: [
            { accountCode: '6302', debit: '1.00' },
            { accountCode: '1110', credit: '1.00' },
          ],
        },
      },
    );
    expect(posted.errors).toBeUndefined();
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.goto(`${origin}/clients/${SLUG}/entries/${posted.data!.postJournalEntry.id}`);
    await page.getByText(memo).waitFor(WAIT);
    for (const width of [1280, 820]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await fitsTheWindow(page), `${width} px`).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('lands an external reviewer, who has no firm dashboard, on the clients, offering no board', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'reviewer@demo.firm');
    await page.getByRole('heading', { name: 'Clients', exact: true }).waitFor(WAIT);
    const screens = await page
      .getByRole('navigation', { name: 'Screens', exact: true })
      .getByRole('link')
      .allTextContents();
    expect(screens).toContain('Clients');
    for (const board of ['Close board', 'Exceptions', 'Batch close']) expect(screens).not.toContain(board);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('lands a ClientReadOnly user on their one client, with nothing to click they may not do', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'client@demo.firm');
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/clients/${SLUG}/trial-balance`);
    await page.getByTestId('trial-balance').waitFor(WAIT);
    // Their screens: the client's, nothing of the firm's; no switcher (they have one client).
    expect(
      await page
        .getByRole('navigation', { name: 'Screens', exact: true })
        .getByRole('link')
        .allTextContents(),
    ).toEqual(['Clients']);
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'client read-only: trial balance');
    await shoot(page, '46-workspace-client-read-only');

    // The drill-down works to the entry; the audit trail (Audit.Read) is not offered, nor refused.
    await page
      .locator(`[data-testid="trial-balance"] tr[data-account="${eurEntry.arCode}"]`)
      .getByRole('link')
      .click();
    await page.getByTestId('general-ledger').getByRole('link', { name: eurEntry.number }).click();
    await page.getByTestId('entry-lines').waitFor(WAIT);
    expect(await page.getByTestId('entry-audit').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await expectAccessible(page, 'client read-only: entry');
    // Their one client at the firm's address too: "/" is their client.
    await page.goto(`${origin}/`);
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/clients/${SLUG}/trial-balance`);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});
