import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
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
 * The console's party statement, ITBMS return and opening balances screens (docs/console.md), in
 * Chromium against the API's own answers: a customer's statement reached from the aging and by the
 * party search, its PDF and every customer's zip fetched through the signed links; the month's
 * return figure by figure, its CSV the API's, its PDF, and a client of another region refused
 * TAX_RETURN_NOT_AVAILABLE; opening balances pasted with mistakes (every problem of the API's dry
 * run on its CSV line), uploaded right, posted and voided with a counted reason. The client's
 * read-only user sees only what they may. axe on every state.
 */
let c: ConsoleStack;
const SLUG = 'cafe-boquete';
const OTHER_REGION = 'ferreteria-colon';
const OPENING_SLUG = 'mudanza-consola';
const year = provisionedYear();
const OPENING = `${year}-07-01`;
let client: ClientFacts;
let customer: string;

const senior = (slug = SLUG) => c.t.as('senior', slug);

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const docs = documentsOf(c.t, SLUG);
  customer = await docs.party('CUSTOMER', 'ST-1', 'Hotel Panamonte', client.baseCurrency);
  const invoice = await docs.invoice('SALES', {
    partyId: customer,
    documentDate: client.today,
    lines: [
      {
        accountCode: '4101',
        description: 'Café molido',
        quantity: '4',
        unitPrice: '12.50',
        taxCode: 'ITBMS7',
      },
    ],
  });
  await docs.payment('RECEIPT', {
    partyId: customer,
    documentDate: client.today,
    amount: '20.00',
    allocations: [{ invoiceId: invoice, amount: '20.00' }],
  });
  // A client of another region: the ITBMS return is Panama's.
  await c.t.tenantSql(OTHER_REGION, `UPDATE company SET region = 'CR'`);
  // An empty client for the opening balances, with the parties and the clearing account they name.
  ok(
    await c.t.as('admin')(
      `mutation { provisionTenant(input: { slug: "${OPENING_SLUG}", name: "Mudanza Consola, S.A." }) { slug } }`,
    ),
  );
  for (const [kind, code] of [
    ['CUSTOMER', 'C-ALFA'],
    ['VENDOR', 'V-GAMMA'],
  ] as const)
    ok(
      await senior(OPENING_SLUG)(`mutation ($i: CreatePartyInput!) { createParty(input: $i) { id } }`, {
        i: { kind, code, name: `${code} S.A.`, currency: 'PAB' },
      }),
    );
  ok(
    await senior(OPENING_SLUG)(`mutation ($i: CreateAccountInput!) { createAccount(input: $i) { code } }`, {
      i: { code: '3999', name: 'Saldos iniciales — transitoria', type: 'EQUITY' },
    }),
  );
}, 300_000);

afterAll(() => c?.close());

/** The signed link the page shows in `testId`, fetched as the browser would: no header. */
async function fetchShownLink(page: Page, testId: string): Promise<{ status: number; head: string }> {
  const link = page.getByTestId(testId).getByTestId('signed-file-link');
  await link.waitFor(WAIT);
  const res = await fetch((await link.getAttribute('href'))!);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, head: new TextDecoder('latin1').decode(bytes.slice(0, 5)) };
}

const nav = (page: Page) =>
  page.getByRole('navigation', { name: 'Client pages' }).getByRole('link').allTextContents();

type StatementApi = {
  partyStatement: {
    currencies: {
      currency: string;
      openingBalance: string;
      closingBalance: string;
      totalDebit: string;
      totalCredit: string;
      lines: { date: string; number: string; debit: string; credit: string; balance: string }[];
      aging: Record<'current' | 'days1To30' | 'days31To60' | 'days61To90' | 'over90' | 'total', string>;
    }[];
  };
};
const STATEMENT = `query ($p: ID!, $from: Date!, $to: Date!) { partyStatement(partyId: $p, from: $from, to: $to) {
  currencies { currency openingBalance closingBalance totalDebit totalCredit
    lines { date number debit credit balance }
    aging { current days1To30 days31To60 days61To90 over90 total } } } }`;

describe('party statement', () => {
  it('shows ST-1’s statement (invoice 50.00 + 3.50 ITBMS, 20.00 received → 33.50 open) as the API states it, from the aging and by search; its PDF and the customers’ zip', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');

    // From the aging's row to the statement, the party and the range in the address.
    await page.goto(`${c.origin}/clients/${SLUG}/aging`);
    await page.getByRole('link', { name: /^Statement of ST-1 Hotel Panamonte/ }).click();
    await page.getByTestId('statement-PAB-lines').waitFor(WAIT);
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/clients/${SLUG}/statement`);
    expect(url.searchParams.get('party')).toBe(customer);
    const from = url.searchParams.get('from')!;
    const to = url.searchParams.get('to')!;
    expect(to).toBe(client.today);

    const api = ok(await senior()<StatementApi>(STATEMENT, { p: customer, from, to }));
    const [pab] = api.partyStatement.currencies;
    expect(api.partyStatement.currencies.map((x) => x.currency)).toEqual(['PAB']);
    // Independent figures, BigInt cents: 50.00 + 3.50 ITBMS − 20.00 = 33.50 owed, all not yet due.
    const cents = (m: string) => BigInt(m.replace('.', ''));
    expect(cents(pab!.closingBalance)).toBe(5000n + 350n - 2000n);
    expect(cents(pab!.aging.current)).toBe(3350n);
    const fmt = (m: string) => shown(m, 'PAB');
    expect(await page.getByTestId('statement-PAB-opening').textContent()).toBe(fmt(pab!.openingBalance));
    expect(await page.getByTestId('statement-PAB-closing').textContent()).toBe(fmt(pab!.closingBalance));
    const rows = await tableCells(page, 'statement-PAB-lines');
    expect(rows[0]!.slice(1)).toEqual(['Balance brought forward', '', '', fmt(pab!.openingBalance)]);
    expect(rows.slice(1).map((r) => [r[1], r[4], r[5], r[6]])).toEqual(
      pab!.lines.map((l) => [
        l.number,
        cents(l.debit) === 0n ? '' : fmt(l.debit),
        cents(l.credit) === 0n ? '' : fmt(l.credit),
        fmt(l.balance),
      ]),
    );
    expect(pab!.lines).toHaveLength(2);
    const aging = await tableCells(page, 'statement-PAB-aging');
    expect(aging[0]).toEqual([
      'PAB',
      ...(['current', 'days1To30', 'days31To60', 'days61To90', 'over90', 'total'] as const).map((k) =>
        fmt(pab!.aging[k]),
      ),
    ]);
    await expectAccessible(page, 'party statement');
    await shoot(page, '90-workspace-party-statement');

    // Its PDF, by keyboard; the link is fetched without a header.
    await page.getByTestId('statement-pdf').getByRole('button', { name: 'Render PDF' }).focus();
    await page.keyboard.press('Enter');
    expect(await fetchShownLink(page, 'statement-pdf')).toEqual({ status: 200, head: '%PDF-' });

    // Every customer's statement as one zip, its count the API's.
    await page.getByRole('button', { name: 'Export statements' }).click();
    expect((await fetchShownLink(page, 'export-statements')).head.slice(0, 2)).toBe('PK');
    const zip = ok(
      await senior()<{ exportPartyStatementsArchive: { partyCount: number } }>(
        `mutation { exportPartyStatementsArchive(kind: CUSTOMER, from: "${from}", to: "${to}") { partyCount } }`,
      ),
    );
    expect(await page.getByTestId('export-statements').getByTestId('signed-file').textContent()).toContain(
      `The zip of ${zip.exportPartyStatementsArchive.partyCount} customer statement`,
    );
    await expectAccessible(page, 'party statement with its links');

    // No party: said; then the party searched by the API and picked by keyboard.
    await page.goto(`${c.origin}/clients/${SLUG}/statement?from=${from}&to=${to}`);
    await page.getByTestId('statement-empty').waitFor(WAIT);
    await expectAccessible(page, 'party statement, no party');
    await page.getByRole('combobox', { name: 'Party' }).fill('panamonte');
    await page.getByRole('option', { name: /ST-1/ }).waitFor(WAIT);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('statement-PAB-closing').waitFor(WAIT);
    expect(await page.getByTestId('statement-PAB-closing').textContent()).toBe(fmt(pab!.closingBalance));

    // A range backwards is said, not sent.
    await page.goto(
      `${c.origin}/clients/${SLUG}/statement?party=${customer}&from=${to}&to=${year - 1}-01-01`,
    );
    await page.getByText('The last day is before the first').waitFor(WAIT);
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

type Figure =
  | 'exemptSales'
  | 'outputTax'
  | 'inputTax'
  | 'creditBroughtForward'
  | 'netPayable'
  | 'creditCarriedForward'
  | 'glOutputTax'
  | 'glInputTax';
type ItbmsApi = {
  itbmsReturn: { [k in Figure]: string } & {
    sales: { ratePercent: string; base: string; tax: string }[];
    reconciles: boolean;
    csv: string;
  };
};
const ITBMS = `query ($y: Int!, $m: Int!) { itbmsReturn(year: $y, month: $m) {
  sales { ratePercent base tax } purchases { ratePercent base tax }
  exemptSales outputTax inputTax creditBroughtForward netPayable creditCarriedForward glOutputTax glInputTax
  reconciles csv } }`;

/** A row of the return's table by its key: [label, base, tax]. */
const itbmsRow = async (page: Page, key: string) =>
  (
    await page
      .locator(`[data-testid="itbms-sections"] tr[data-row="${key}"]`)
      .locator('th, td')
      .allTextContents()
  ).map((s) => s.trim());

describe('ITBMS return', () => {
  it('shows this month’s return figure by figure as the API computes it, reconciled (green), its CSV the API’s and its PDF', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/itbms-return`);
    await page.getByTestId('itbms-sections').waitFor(WAIT);
    const [y, m] = client.today.split('-').map(Number) as [number, number];
    const r = ok(await senior()<ItbmsApi>(ITBMS, { y, m })).itbmsReturn;
    const fmt = (a: string) => shown(a, client.baseCurrency);
    for (const line of r.sales)
      expect(await itbmsRow(page, `sales-${line.ratePercent}`)).toEqual([
        `Taxable at ${line.ratePercent} %`,
        fmt(line.base),
        fmt(line.tax),
      ]);
    // The invoice above: 50.00 at 7 % is in the month's sales.
    const seven = r.sales.find((l) => l.ratePercent === '7')!;
    expect(BigInt(seven.base.replace('.', ''))).toBeGreaterThanOrEqual(5000n);
    expect(await itbmsRow(page, 'sales-exempt')).toEqual(['Exempt (0 %)', fmt(r.exemptSales), '']);
    expect((await itbmsRow(page, 'output-tax'))[2]).toBe(fmt(r.outputTax));
    expect((await itbmsRow(page, 'input-tax'))[2]).toBe(fmt(r.inputTax));
    expect((await itbmsRow(page, 'brought-forward'))[2]).toBe(fmt(r.creditBroughtForward));
    expect((await itbmsRow(page, 'net-payable'))[2]).toBe(fmt(r.netPayable));
    expect((await itbmsRow(page, 'carried-forward'))[2]).toBe(fmt(r.creditCarriedForward));
    // The check against the GL, in words and colour.
    expect(r.reconciles).toBe(true);
    const check = page.getByTestId('itbms-reconciles');
    expect(await check.getAttribute('data-reconciles')).toBe('true');
    expect(await check.getAttribute('class')).toContain('notice-ok');
    expect(await check.textContent()).toContain('Reconciles with the general ledger.');
    expect(await check.textContent()).toContain(`the sales-tax account moved ${fmt(r.glOutputTax)}.`);
    // The CSV is the API's, byte for byte.
    await page.getByTestId('itbms-csv').getByRole('button', { name: 'Download CSV' }).click();
    const csvLink = page.getByTestId('itbms-csv').getByTestId('signed-file-link');
    await csvLink.waitFor(WAIT);
    const csv = await fetch((await csvLink.getAttribute('href'))!);
    expect([csv.status, csv.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'text/csv']);
    expect(csv.headers.get('content-disposition')).toContain(
      `${SLUG}-itbms-${y}-${String(m).padStart(2, '0')}.csv`,
    );
    expect(await csv.text()).toBe(r.csv);
    await expectAccessible(page, 'ITBMS return');
    await shoot(page, '91-workspace-itbms-return');
    // Its PDF.
    await page.getByTestId('itbms-pdf').getByRole('button', { name: 'Render PDF' }).click();
    expect(await fetchShownLink(page, 'itbms-pdf')).toEqual({ status: 200, head: '%PDF-' });
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);

    // A client of another region: the API's refusal, in words with its code.
    await page.goto(`${c.origin}/clients/${OTHER_REGION}/itbms-return`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain('TAX_RETURN_NOT_AVAILABLE');
    expect(await refusal.textContent()).toContain("this client's region is CR");
    const api = await senior(OTHER_REGION)(`{ itbmsReturn(year: ${y}, month: ${m}) { netPayable } }`);
    expect(api.errors?.[0]?.extensions?.code).toBe('TAX_RETURN_NOT_AVAILABLE');
    await expectAccessible(page, 'ITBMS return refused');
    await shoot(page, '92-workspace-itbms-refused');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('ITBMS return that does not reconcile', () => {
  it('shows it red with each difference: a 3.50 tax line doubled behind the API → output tax 3.50 short of the GL', async () => {
    const slug = 'clinica-costa';
    const facts = await clientFacts(c.t, slug);
    const docs = documentsOf(c.t, slug);
    const party = await docs.party('CUSTOMER', 'RED-1', 'Hotel Rojo', facts.baseCurrency);
    const invoice = await docs.invoice('SALES', {
      partyId: party,
      documentDate: facts.today,
      lines: [
        {
          accountCode: '4101',
          description: 'Consulta',
          quantity: '1',
          unitPrice: '50.00',
          taxCode: 'ITBMS7',
        },
      ],
    });
    const [y, m] = facts.today.split('-').map(Number) as [number, number];
    const before = ok(await senior(slug)<ItbmsApi>(ITBMS, { y, m })).itbmsReturn;
    // A superuser doubles the invoice's tax line on the sales-tax account, triggers off.
    await c.t.tenantSql(
      slug,
      `SET session_replication_role = replica;
       UPDATE gl_lines SET amount_minor = amount_minor * 2
        WHERE entry_id = (SELECT entry_id FROM documents WHERE id = $1)
          AND account_id IN (SELECT account_id FROM account_role_bindings WHERE role = 'SalesTaxPayable')`.replace(
        '$1',
        `'${invoice}'`,
      ),
    );
    const r = ok(await senior(slug)<ItbmsApi>(ITBMS, { y, m })).itbmsReturn;
    expect(r.reconciles).toBe(false);
    expect(r.outputTax).toBe(before.outputTax);
    // Independent: the GL moved 3.50 more than the return's output tax (BigInt cents).
    const cents = (a: string) => BigInt(a.replace('-', '').replace('.', '')) * (a.startsWith('-') ? -1n : 1n);
    expect(cents(r.glOutputTax) - cents(r.outputTax)).toBe(350n);

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${slug}/itbms-return`);
    const check = page.getByTestId('itbms-reconciles');
    await check.waitFor(WAIT);
    expect(await check.getAttribute('data-reconciles')).toBe('false');
    expect(await check.getAttribute('class')).toContain('notice-error');
    const fmt = (a: string) => shown(a, facts.baseCurrency);
    expect(await check.textContent()).toContain('Does not reconcile with the general ledger.');
    expect(await check.textContent()).toContain(
      `Output tax ${fmt(r.outputTax)}; the sales-tax account moved ${fmt(r.glOutputTax)}: a difference of ${fmt('-3.50')}.`,
    );
    await expectAccessible(page, 'ITBMS return not reconciled');
    await shoot(page, '95-workspace-itbms-not-reconciled');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

const FAULTY = [
  `opening,${OPENING},3999`,
  'account,1110,1000.00,',
  'account,9999,,500.00',
  'account,3101,,400.00',
  `item,SALES_INVOICE,C-NOPE,F-1,${year}-06-10,,,100.00,150.00`,
].join('\n');
const GOOD = [
  '# Mudanza: balances at June 30th',
  `opening,${OPENING},3999,Opening balances`,
  'account,1110,25000.00,',
  'account,1201,3000.00,',
  'account,2101,,1200.00',
  'account,3101,,26800.00',
  `item,SALES_INVOICE,C-ALFA,F-101,${year}-05-10,${year}-06-09,,5000.00,3000.00`,
  `item,PURCHASE_INVOICE,V-GAMMA,A-77,${year}-06-15,${year}-07-15,,1200.00,1200.00`,
].join('\n');
/** The faulty CSV as the API's input, written out by hand. */
const FAULTY_INPUT = {
  openingDate: OPENING,
  clearingAccountCode: '3999',
  trialBalance: [
    { accountCode: '1110', debit: '1000.00' },
    { accountCode: '9999', credit: '500.00' },
    { accountCode: '3101', credit: '400.00' },
  ],
  openItems: [
    {
      kind: 'SALES_INVOICE',
      partyCode: 'C-NOPE',
      number: 'F-1',
      date: `${year}-06-10`,
      originalAmount: '100.00',
      openAmount: '150.00',
    },
  ],
};
type Imports = {
  openingBalanceImports: {
    id: string;
    voided: boolean;
    voidReason: string | null;
    entry: { number: string };
  }[];
};
const IMPORTS = '{ openingBalanceImports { id voided voidReason entry { number } } }';

describe('opening balances', () => {
  it('lists every problem of the API’s dry run on its CSV line, posts a 28,000.00 trial balance with 2 open items, refuses a 9-character void reason and voids with a real one', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${OPENING_SLUG}/opening-balances`);
    await page
      .getByTestId('opening-imports')
      .getByText('No opening balances have been imported')
      .waitFor(WAIT);
    await expectAccessible(page, 'opening balances, empty');

    // Pasted with mistakes: the table is the API's dry run of the same input, each on its line.
    await page.getByLabel('Opening balances (CSV or JSON)').fill(FAULTY);
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByTestId('opening-problems').waitFor(WAIT);
    const dry = ok(
      await senior(OPENING_SLUG)<{
        importOpeningBalances: {
          problems: { index: number | null; field: string; code: string; message: string }[];
        };
      }>(
        'mutation ($i: OpeningBalancesInput!) { importOpeningBalances(input: $i) { problems { index field code message } } }',
        { i: { ...FAULTY_INPUT, dryRun: true } },
      ),
    ).importOpeningBalances.problems;
    const codes = dry.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['UNKNOWN_ACCOUNT', 'UNBALANCED', 'UNKNOWN_PARTY']));
    // CSV lines: the trial balance's rows are lines 2–4, the item line 5.
    const lineOf = (p: (typeof dry)[number]) =>
      p.index === null ? 'the whole import' : `line ${(p.field.startsWith('openItems') ? 5 : 2) + p.index}`;
    expect(await tableCells(page, 'opening-problems')).toEqual(
      dry.map((p) => [lineOf(p), p.field, p.code, p.message]),
    );
    expect(await page.getByRole('button', { name: 'Post the opening balances' }).isDisabled()).toBe(true);
    expect(await c.t.tenantSql(OPENING_SLUG, 'SELECT 1 FROM opening_imports')).toEqual([]);
    await expectAccessible(page, 'opening balances, problems');
    await shoot(page, '93-workspace-opening-problems');

    // Uploaded right: no problem, the API's totals; then posted.
    await page.getByLabel('Upload a file (CSV or JSON)').setInputFiles({
      name: 'opening.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(GOOD),
    });
    await expect.poll(() => page.getByLabel('Opening balances (CSV or JSON)').inputValue(), WAIT).toBe(GOOD);
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByTestId('opening-no-problem').waitFor(WAIT);
    const totals = await page.getByTestId('opening-totals').locator('dd').allTextContents();
    expect(totals).toEqual([
      shown('28000.00', 'PAB'),
      shown('28000.00', 'PAB'),
      shown('3000.00', 'PAB'),
      shown('1200.00', 'PAB'),
      '2',
    ]);
    await page.getByRole('button', { name: 'Post the opening balances' }).click();
    await page.getByTestId('opening-posted').waitFor(WAIT);
    const posted = ok(await senior(OPENING_SLUG)<Imports>(IMPORTS)).openingBalanceImports;
    expect(posted).toHaveLength(1);
    expect(posted[0]!.voided).toBe(false);
    expect(await page.getByTestId('opening-posted').textContent()).toContain(
      `entry ${posted[0]!.entry.number} and 2 open items`,
    );
    await page.getByTestId('opening-import-state').getByText('Live').waitFor(WAIT);
    await expectAccessible(page, 'opening balances, posted');

    // Void: 9 characters are counted and refused by the API, nothing voided; then a real reason.
    const reason = page.getByLabel('Reason');
    await reason.fill('too short');
    await page.getByText('9 of at least 20 characters').waitFor(WAIT);
    await page.getByRole('button', { name: 'Void the opening balances' }).click();
    await page.getByTestId('opening-void').getByRole('alert').getByText('REASON_TOO_SHORT').waitFor(WAIT);
    expect(ok(await senior(OPENING_SLUG)<Imports>(IMPORTS)).openingBalanceImports[0]!.voided).toBe(false);
    await expectAccessible(page, 'opening balances, void refused');
    const why = 'Imported with the wrong clearing account, redo';
    await reason.fill(why);
    await page.getByRole('button', { name: 'Void the opening balances' }).click();
    await page
      .getByTestId('opening-import-state')
      .getByText(/^Voided/)
      .waitFor(WAIT);
    const voided = ok(await senior(OPENING_SLUG)<Imports>(IMPORTS)).openingBalanceImports[0]!;
    expect([voided.voided, voided.voidReason]).toEqual([true, why]);
    expect(await page.getByTestId('opening-import-state').textContent()).toContain(`“${why}”`);
    await expectAccessible(page, 'opening balances, voided');
    await shoot(page, '94-workspace-opening-voided');
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe('the client read-only user', () => {
  it('reads the statement and the return with their PDFs, and is offered no export and no opening balances', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'client@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/statement?party=${customer}`);
    await page.getByTestId('statement-PAB-closing').waitFor(WAIT);
    const links = await nav(page);
    expect(links).toEqual(expect.arrayContaining(['Party statement', 'ITBMS return']));
    expect(links).not.toContain('Opening balances');
    expect(await page.getByTestId('export-statements').count()).toBe(0);
    expect(await page.getByRole('main').getByRole('button', { name: 'Render PDF' }).count()).toBe(1);
    await expectAccessible(page, 'party statement, read-only');

    await page.goto(`${c.origin}/clients/${SLUG}/itbms-return`);
    await page.getByTestId('itbms-sections').waitFor(WAIT);
    expect(await page.getByTestId('itbms-reconciles').getAttribute('data-reconciles')).toBe('true');

    // Typed by hand: the screen says who imports, and offers nothing.
    await page.goto(`${c.origin}/clients/${SLUG}/opening-balances`);
    await page.getByTestId('opening-not-allowed').waitFor(WAIT);
    expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await expectAccessible(page, 'opening balances, read-only');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});
