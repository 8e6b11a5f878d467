import { control } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthYearLabel } from '../../packages/console/src/stages.ts';
import { clientToday, provisionedYear } from '../support/books-year.ts';
import { type Nodes, nodes } from '../support/client.ts';
import {
  expectAccessible,
  headerLinks,
  launchChromium,
  openPage as openPageIn,
  shoot,
  signInAs as signInAt,
  WAIT,
} from '../support/console-browser.ts';
import { clientFacts, documentsOf } from '../support/console-workspace.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The firm console in a real browser: Debian's Chromium (installed by .ci/run) driven by
 * playwright-core, against the gateway serving the built console over the real stack. Each
 * screen is checked with axe-core and photographed into test/output/console/ (gitignored).
 */
const DEMO_CLIENTS = [
  'Café Boquete, S.A.',
  'Ferretería Colón, S.A.',
  'Clínica Dental Costa del Este',
  'Logística Canal, S.A.',
  'Panadería El Valle',
];

let t: TestStack;
let browser: Browser;
let origin: string;

/** The client whose invoice of today is booked on an overridden rate: a row of the stale rates. */
const STALE_CLIENT = { slug: 'ferreteria-colon', name: 'Ferretería Colón, S.A.' };

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
  // A EUR invoice of today on a rate a person overrode: the exceptions inbox must list it.
  const { today } = await clientFacts(t, STALE_CLIENT.slug);
  const override = await t.as(
    'senior',
    STALE_CLIENT.slug,
  )(
    `mutation { overrideExchangeRate(currency: "EUR", date: "${today}", rate: "1.09", reason: "Bank rate agreed for today's shipment") { id } }`,
  );
  expect(override.errors).toBeUndefined();
  const docs = documentsOf(t, STALE_CLIENT.slug);
  const customer = await docs.party('CUSTOMER', 'STALE-EUR', 'Stale GmbH', 'EUR');
  await docs.invoice('SALES', {
    partyId: customer,
    documentDate: today,
    lines: [{ accountCode: '4101', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

// The demo firm's people work in Panama, as its clients do: the board opens on their year, which
// from 19:00 on 31 December is not UTC's.
const openPage = () => openPageIn(browser, { timezoneId: 'America/Panama' });
const signInAs = (page: Parameters<typeof signInAt>[0], email: string) => signInAt(page, origin, email);

describe('the firm console in Chromium', () => {
  it('signs the senior in, shows the five clients on the board and the exceptions inbox', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${origin}/`);
    const people = page.getByRole('list', { name: 'People of the firm' }).getByRole('button');
    await expect.poll(() => people.count(), WAIT).toBe(5);
    // The page names its icon inline, and it draws under the page's own policy: a browser asks for
    // no /favicon.ico (which would be a 404).
    const icon = await page.evaluate<{ href: string; drawn: boolean }>(`new Promise((done) => {
      const href = document.querySelector('link[rel=icon]')?.getAttribute('href') ?? '';
      const img = new Image();
      img.onload = () => done({ href, drawn: img.naturalWidth > 0 });
      img.onerror = () => done({ href, drawn: false });
      img.src = href;
    })`);
    expect(icon.href).toMatch(/^data:image\/svg\+xml,/);
    expect(icon.drawn).toBe(true);
    await expectAccessible(page, 'sign-in');
    await shoot(page, '01-sign-in');

    // The board's quarters as the console asks for them (counted to the end of the test).
    const quarters: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && r.postData()?.includes('"operationName":"ConsoleBoardQuarter"'))
        quarters.push(r.postData() ?? '');
    });
    await signInAs(page, 'senior@demo.firm');
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toContain('Sergio Senior');
    // The token is in this tab's session storage, never in localStorage.
    // (Expressions run in the page, written as text: this package's types have no DOM.)
    const stored = await page.evaluate<{ session: string[]; local: number }>(
      '({ session: Object.keys(window.sessionStorage), local: window.localStorage.length })',
    );
    expect(stored).toEqual({ session: ['cifra.console.session'], local: 0 });

    const year = provisionedYear();
    await page.getByRole('heading', { name: `Close board ${year}` }).waitFor();
    const rows = page.locator('table.board tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(5);
    // Each quarter is shown as it arrives: the board is whole once the table says so.
    await page.locator('table.board[data-complete="true"]').waitFor(WAIT);
    expect((await page.locator('table.board tbody th').allTextContents()).sort()).toEqual(
      [...DEMO_CLIENTS].sort(),
    );
    // The board is read once, a request a quarter: a console built with React's development build
    // (StrictMode running each effect twice) read it twice.
    expect(quarters).toHaveLength(4);
    // Every row has twelve months, each showing its stage in words (not by colour alone).
    const cells = await page.locator('table.board tbody tr').first().locator('td').allTextContents();
    expect(cells).toHaveLength(12);
    for (const c of cells) expect(c.trim()).not.toBe('');
    // The counts per stage add up to every client-month shown.
    const counts = await page
      .getByRole('list', { name: 'Client-months per stage' })
      .locator('strong')
      .allTextContents();
    expect(counts.reduce((sum, n) => sum + Number(n), 0)).toBe(5 * 12);
    await expectAccessible(page, 'close board');
    await shoot(page, '02-close-board');

    // Search narrows the rows; the keyboard reaches the search field.
    await page.getByRole('searchbox', { name: 'Search clients' }).fill('boquete');
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    await page.getByRole('searchbox', { name: 'Search clients' }).fill('');
    await expect.poll(() => rows.count(), WAIT).toBe(5);

    // The stage filter, by keyboard only: open, choose "Month closed" (no demo month is closed yet).
    await page.getByRole('button', { name: /Stage/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'Month closed' }).waitFor();
    await expectAccessible(page, 'close board, stage menu open');
    await page.getByRole('option', { name: 'Month closed' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('No client matches these filters.').waitFor();
    await page.getByRole('button', { name: /Stage/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'Any stage' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count(), WAIT).toBe(5);

    // Overdue months (from the exceptions inbox) are marked; the filter keeps their clients only.
    const late = await t.as('senior')<{
      closeExceptions: { kind: string; year: number | null; client: { name: string } }[];
    }>('{ closeExceptions { kind year client { name } } }');
    const lateThisYear = (late.data?.closeExceptions ?? []).filter(
      (x) => (x.kind === 'MONTH_OPEN_OVERDUE' || x.kind === 'APPROVAL_OVERDUE') && x.year === year,
    );
    await expect.poll(() => page.locator('table.board td.overdue').count(), WAIT).toBe(lateThisYear.length);
    const overdueOnly = page.getByRole('checkbox', { name: 'Overdue only' });
    await overdueOnly.focus();
    await page.keyboard.press('Space');
    expect(await overdueOnly.isChecked()).toBe(true);
    await expect.poll(() => rows.count(), WAIT).toBe(new Set(lateThisYear.map((x) => x.client.name)).size);
    await page.keyboard.press('Space');
    await expect.poll(() => rows.count(), WAIT).toBe(5);

    // A cell opens that client's month (by keyboard), with what the API says of it; Escape closes it.
    const march = await t.as('senior')<{
      closeBoard: { clientsConnection: Nodes<{ client: { slug: string }; periodState: string | null }> };
    }>(
      `{ closeBoard(year: ${year}, month: 3) { clientsConnection { edges { node { client { slug } periodState } } } } }`,
    );
    const marchState = nodes(march.data?.closeBoard.clientsConnection).find(
      (c) => c.client.slug === 'cafe-boquete',
    )?.periodState;
    expect(marchState).toBeTruthy();
    const cell = page.getByRole('button', { name: new RegExp(`^Café Boquete, S\\.A\\., March ${year}: `) });
    await cell.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Café Boquete, S.A. — March ${year}` });
    await dialog.waitFor();
    await dialog.getByText('Month-end close').waitFor();
    expect(await dialog.locator('dt:has-text("Posting state") + dd').textContent()).toBe(marchState);
    await expectAccessible(page, "a client's month");
    await shoot(page, '03-month-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await cell.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // On a tablet the page itself does not scroll sideways (the board scrolls in its own box).
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    // The header's screen links on a row of their own below the brand and the person, none broken.
    expect(await headerLinks(page)).toEqual({ links: 5, rows: 1, broken: 0 });
    await expectAccessible(page, 'close board on a tablet');
    await shoot(page, '04-close-board-tablet');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The exceptions inbox, reached with the keyboard from the navigation.
    await page.getByRole('link', { name: 'Exceptions' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Exceptions' }).waitFor();
    const api = await t.as('senior')<{ closeExceptions: { client: { name: string } }[] }>(
      '{ closeExceptions { client { name } } }',
    );
    const expected = api.data?.closeExceptions ?? [];
    if (expected.length === 0) {
      await page.getByText('Nothing needs attention.').waitFor();
    } else {
      const listed = page.locator('table.exceptions tbody tr');
      await expect.poll(() => listed.count(), WAIT).toBe(expected.length);
      expect(new Set(await page.locator('table.exceptions tbody th').allTextContents())).toEqual(
        new Set(expected.map((x) => x.client.name)),
      );
    }
    // Stale rates of the last 90 days, per client, as the API reports them.
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const now = new Date();
    const stale = await t.as('senior')<{
      staleRateUsage: { clients: { clientName: string; entryCount: number | null }[] };
    }>(
      'query ($from: Date!, $to: Date!) { staleRateUsage(from: $from, to: $to) { clients { clientName entryCount } } }',
      { from: day(new Date(now.getTime() - 90 * 86_400_000)), to: day(now) },
    );
    expect(stale.errors).toBeUndefined();
    const staleClients = (stale.data?.staleRateUsage.clients ?? []).filter((c) => (c.entryCount ?? 0) > 0);
    // At least the invoice on today's overridden rate (made above), and the table lists the same.
    expect(staleClients.map((c) => c.clientName)).toContain(STALE_CLIENT.name);
    await expect
      .poll(() => page.locator('table.stale-rates tbody th').allTextContents(), WAIT)
      .toEqual(staleClients.map((c) => c.clientName));
    expect(page.url()).toBe(`${origin}/exceptions`);
    await expectAccessible(page, 'exceptions');
    await shoot(page, '05-exceptions');

    // A month open too long links to that month's close in the client's workspace (the demo has
    // such months: docs/demo.md), where it is worked on.
    const months = await t.as('senior')<{
      closeExceptions: { kind: string; client: { slug: string }; year: number; month: number }[];
    }>('{ closeExceptions { kind client { slug } year month } }');
    const open = months.data?.closeExceptions.find((x) => x.kind === 'MONTH_OPEN_OVERDUE');
    expect(open).toBeDefined();
    const fix = page
      .locator('table.exceptions tbody tr[data-kind="MONTH_OPEN_OVERDUE"]')
      .first()
      .getByRole('link', { name: 'Its month close' });
    expect(await fix.getAttribute('href')).toBe(
      `/clients/${open?.client.slug}/close?year=${open?.year}&month=${open?.month}`,
    );
    await fix.click();
    await page
      .getByRole('heading', { name: `Month-end close, ${monthYearLabel(open?.year ?? 0, open?.month ?? 0)}` })
      .waitFor(WAIT);
    await page.goBack();
    await page.getByRole('heading', { name: 'Exceptions' }).waitFor(WAIT);

    // A reload keeps the session (this tab's storage); signing out ends it.
    await page.reload();
    await page.getByRole('heading', { name: 'Exceptions' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to cifraHQ' }).waitFor();
    expect(await page.evaluate<number>('window.sessionStorage.length')).toBe(0);

    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('shows the ClientReadOnly user only what they may see, refusals in words with their code', async () => {
    const { page, problems } = await openPage();
    await signInAs(page, 'client@demo.firm');
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toContain('Carlos Client');
    // The firm's board is not theirs: they land on their one client's workspace instead
    // (console-workspace.e2e.test.ts tests it), with no link to a firm screen.
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe('/clients/cafe-boquete/trial-balance');
    expect(
      await page
        .getByRole('navigation', { name: 'Screens', exact: true })
        .getByRole('link')
        .allTextContents(),
    ).toEqual(['Clients']);
    await page.getByTestId('trial-balance').waitFor(WAIT);
    expect(await page.locator('table.board').count()).toBe(0);
    for (const name of DEMO_CLIENTS.slice(1)) expect(await page.getByText(name).count()).toBe(0);
    await expectAccessible(page, 'client lands on their client');
    await shoot(page, '06-client-lands-on-their-client');

    // A firm screen typed by address: refused in words with its code, nothing shown of it.
    await page.goto(`${origin}/exceptions`);
    const refused = page.getByRole('alert').filter({ hasText: 'The exceptions could not be loaded' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('FORBIDDEN');
    expect(await page.locator('table.exceptions').count()).toBe(0);
    await expectAccessible(page, 'exceptions refused');
    await shoot(page, '07-client-exceptions');

    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
  // Last: it takes a client's database away for the rest of this file.
  it('shows a client whose database is down as unavailable, with the reason, while the others answer', async () => {
    const db = t.stack.control.db;
    const [down] = await db.select().from(control.tenants).where(eq(control.tenants.slug, 'clinica-costa'));
    // Move the client to a server that is not there (a closed port), as if its server had died.
    const [dead] = await db
      .insert(control.dbServers)
      .values({
        name: 'dead',
        adminUrl: 'postgres://nobody:nothing@127.0.0.1:1/postgres',
        acceptsNewTenants: false,
      })
      .returning();
    await db.update(control.tenants).set({ serverId: dead!.id }).where(eq(control.tenants.id, down!.id));
    t.stack.registry.forget(down!.id);
    // The board reads the firm's read model: the client is read again on demand, as a firm would
    // (the worker's sweep would find it within a minute).
    const refreshed = await t.as('senior')<{ refreshCloseBoardClient: { availability: string } }>(
      `mutation { refreshCloseBoardClient(client: "clinica-costa", year: ${provisionedYear()}, month: 1) { availability } }`,
    );
    expect(refreshed.data?.refreshCloseBoardClient.availability).toBe('UNAVAILABLE');

    const { page, problems } = await openPage();
    await signInAs(page, 'senior@demo.firm');
    const rows = page.locator('table.board tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(5);
    const clinic = page.locator('tr[data-client="clinica-costa"] td');
    await expect.poll(() => clinic.allTextContents(), WAIT).toEqual(Array(12).fill('Unavail.'));
    expect(await page.locator('tr:not([data-client="clinica-costa"]) td.stage-UNAVAILABLE').count()).toBe(0);
    const year = provisionedYear();
    await page
      .getByRole('button', { name: new RegExp(`^Clínica Dental Costa del Este, January ${year}: `) })
      .click();
    const dialog = page.getByRole('dialog', { name: `Clínica Dental Costa del Este — January ${year}` });
    await dialog.waitFor();
    await expect
      .poll(() => dialog.locator('dt:has-text("Stage") + dd').textContent(), WAIT)
      .toContain('Client unavailable (CONNECTION_REFUSED');
    await expectAccessible(page, 'an unavailable client on the board');
    await shoot(page, '08-unavailable-client');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Exceptions' }).click();
    const unavailable = page.locator('table.exceptions tbody tr[data-kind="CLIENT_UNAVAILABLE"]');
    await expect
      .poll(() => unavailable.locator('th').allTextContents(), WAIT)
      .toEqual(['Clínica Dental Costa del Este']);
    await expectAccessible(page, 'exceptions with an unavailable client');
    await shoot(page, '09-unavailable-exceptions');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('pages the board through more clients than one request brings, each once', async () => {
    // 60 more clients of the firm (on the dead server: unavailable, so nothing is provisioned):
    // 65 in all, more than the board's page of 50, named to sort among the demo clients.
    const db = t.stack.control.db;
    const [demo] = await db.select().from(control.tenants).where(eq(control.tenants.slug, 'cafe-boquete'));
    const [dead] = await db.select().from(control.dbServers).where(eq(control.dbServers.name, 'dead'));
    await db.insert(control.tenants).values(
      Array.from({ length: 60 }, (_, i) => ({
        firmId: demo!.firmId,
        slug: `paged-${String(i).padStart(2, '0')}`,
        name: `${String.fromCharCode(65 + (i % 26))} paged client ${String(i).padStart(2, '0')}`,
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: dead!.id,
        databaseName: `paged_${i}`,
        status: 'ACTIVE' as const,
      })),
    );
    const { page, problems } = await openPage();
    await signInAs(page, 'senior@demo.firm');
    const rows = page.locator('table.board tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(65);
    const slugs = await Promise.all(
      (await rows.all()).map(async (r) => String(await r.getAttribute('data-client'))),
    );
    expect(new Set(slugs).size).toBe(65);
    expect(slugs.filter((s) => s.startsWith('paged-'))).toHaveLength(60);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("marks a month whose bank accounts are not reconciled: Ferretería's 1110 bound with no statement", async () => {
    const [year, month] = clientToday().split('-').map(Number) as [number, number];
    const bind = await t.as(
      'senior',
      'ferreteria-colon',
    )('mutation { bindBankAccount(input: { accountCode: "1110" }) { currency } }');
    expect(bind.errors).toBeUndefined();
    // The board's read model has the change once the line is CURRENT again (the worker projects it).
    const line = async () => {
      const r = await t.as('senior')<{
        closeBoard: {
          clientsConnection: Nodes<{
            client: { slug: string };
            freshness: string;
            banksReconciled: boolean | null;
          }>;
        };
      }>(
        `{ closeBoard(year: ${year}, month: ${month}) { clientsConnection(first: 100) { edges { node { client { slug } freshness banksReconciled } } } } }`,
      );
      return nodes(r.data?.closeBoard.clientsConnection).find((c) => c.client.slug === 'ferreteria-colon');
    };
    await expect.poll(async () => JSON.stringify(await line()), WAIT).toContain('"freshness":"CURRENT"');
    expect((await line())?.banksReconciled).toBe(false);
    const { page, problems } = await openPage();
    await signInAs(page, 'senior@demo.firm');
    const when = monthYearLabel(year, month);
    const ferreteria = page.getByRole('button', {
      name: new RegExp(`^Ferretería Colón, S\\.A\\., ${when}: `),
    });
    await ferreteria.waitFor();
    expect(await ferreteria.getAttribute('aria-label')).toMatch(/, bank accounts not reconciled$/);
    expect(await ferreteria.locator('.bank-mark').count()).toBe(1);
    const cafe = page.getByRole('button', { name: new RegExp(`^Café Boquete, S\\.A\\., ${when}: `) });
    expect(await cafe.getAttribute('aria-label')).not.toContain('bank');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
