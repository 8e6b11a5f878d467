import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartLabel } from '../../packages/console/src/screens/board-chart-words.ts';
import { BOOKS_PROBLEMS } from '../../packages/console/src/screens/workspace/verify-words.ts';
import type { CellStage } from '../../packages/console/src/stages.ts';
import { CELL_STAGES } from '../../packages/console/src/stages.ts';
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
  startConsoleStack,
} from '../support/console-workspace.ts';

/**
 * The console's actions beyond reading (docs/console.md): a posted document rendered as a PDF and
 * a period's PDFs exported as a zip, both fetched through the signed link the page shows; a
 * client archived, unarchived, and a sandbox deleted by a firm admin with a reason and the slug
 * typed to confirm; the books checked against the audit chain, in words; the close board's counts
 * as a stacked bar. Each offered only to whom the API allows it, each refusal shown with its code.
 */
let c: ConsoleStack;
const SLUG = 'cafe-boquete';
const SANDBOX = 'arena-acciones';
let client: ClientFacts;
let invoice: string;
let invoiceNumber: string;

beforeAll(async () => {
  c = await startConsoleStack();
  client = await clientFacts(c.t, SLUG);
  const docs = documentsOf(c.t, SLUG);
  const party = await docs.party('CUSTOMER', 'PDF-1', 'Hotel Bambito', client.baseCurrency);
  invoice = await docs.invoice('SALES', {
    partyId: party,
    documentDate: client.today,
    lines: [
      {
        accountCode: '4101',
        description: 'Café molido',
        quantity: '3',
        unitPrice: '12.50',
        taxCode: 'ITBMS7',
      },
    ],
  });
  const d = ok(
    await c.t.as('senior', SLUG)<{ document: { number: string } }>(
      'query ($id: ID!) { document(id: $id) { number } }',
      {
        id: invoice,
      },
    ),
  );
  invoiceNumber = d.document.number;
  ok(
    await c.t.as('admin')(
      `mutation { provisionTenant(input: { slug: "${SANDBOX}", name: "Arena Acciones", sandbox: true }) { slug } }`,
    ),
  );
}, 300_000);

afterAll(() => c?.close());

/** The signed link the page shows, fetched as the browser would: no header. */
async function fetchShownLink(page: Page): Promise<{ status: number; type: string | null; head: string }> {
  const link = page.getByTestId('signed-file-link');
  await link.waitFor(WAIT);
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/exports\//);
  const res = await fetch(href!);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    head: new TextDecoder('latin1').decode(bytes.slice(0, 5)),
  };
}

/** The text of each button in the page's main region. */
const buttons = async (page: Page) =>
  (await page.getByRole('main').getByRole('button').allTextContents()).filter((b) => b !== '▾');

describe('documents as PDFs', () => {
  it('renders a posted document and exports a period, each link fetched: a PDF and a zip', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${invoice}`);
    await page.getByTestId('document-lines').waitFor(WAIT);
    const render = page.getByRole('button', { name: 'Render PDF' });
    await render.focus();
    await page.keyboard.press('Enter');
    const pdf = await fetchShownLink(page);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toMatch(/application\/pdf/);
    expect(pdf.head).toBe('%PDF-');
    expect(await page.getByTestId('signed-file-link').textContent()).toBe(
      `Download ${SLUG}-${invoiceNumber}.pdf`,
    );
    // The link is focused: Enter fetches it.
    expect(await page.evaluate('document.activeElement?.dataset?.testid')).toBe('signed-file-link');
    // The API recorded it.
    const events = ok(
      await c.t.as(
        'senior',
        SLUG,
      )<{ auditEvents: { edges: { node: { action: string; entityId: string } }[] } }>(
        '{ auditEvents(first: 5, filter: { action: "document.rendered" }) { edges { node { action entityId } } } }',
      ),
    );
    expect(events.auditEvents.edges.map((e) => e.node.entityId)).toContain(invoice);
    await expectAccessible(page, 'document with its PDF link');
    await shoot(page, '80-document-pdf');

    // A period's PDFs: the list's own dates, the zip's count the API's.
    await page.goto(`${c.origin}/clients/${SLUG}/documents?from=${client.today}&to=${client.today}`);
    const form = page.getByTestId('export-archive');
    await form.waitFor(WAIT);
    await form.getByRole('button', { name: 'Export PDFs' }).click();
    const zip = await fetchShownLink(page);
    expect(zip.status).toBe(200);
    expect(zip.head.slice(0, 2)).toBe('PK');
    const api = ok(
      await c.t.as(
        'senior',
        SLUG,
      )<{ exportDocumentsArchive: { documentCount: number } }>(
        `mutation { exportDocumentsArchive(from: "${client.today}", to: "${client.today}") { documentCount } }`,
      ),
    );
    expect(api.exportDocumentsArchive.documentCount).toBeGreaterThan(0);
    expect(await page.getByTestId('signed-file').textContent()).toContain(
      `The zip of ${api.exportDocumentsArchive.documentCount} document`,
    );
    await expectAccessible(page, 'documents with the zip link');
    await shoot(page, '81-documents-export');

    // More than 366 days: the API's refusal, in words with its code.
    const year = Number(client.today.slice(0, 4));
    await page.goto(`${c.origin}/clients/${SLUG}/documents?from=${year - 2}-01-01&to=${client.today}`);
    await form.getByRole('button', { name: 'Export PDFs' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The PDFs could not be exported' });
    await refusal.waitFor(WAIT);
    expect(await refusal.locator('code').allTextContents()).toEqual(['BAD_USER_INPUT']);
    expect(await page.getByTestId('signed-file').count()).toBe(0);
    await expectAccessible(page, 'export refused');
    await page.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('offers the client read-only user the PDF (GL.Read) but no export, no admin, no books check', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'client@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/documents/${invoice}`);
    await page.getByTestId('document-lines').waitFor(WAIT);
    expect(await buttons(page)).toEqual(['Render PDF']);
    await page.getByRole('button', { name: 'Render PDF' }).click();
    expect((await fetchShownLink(page)).head).toBe('%PDF-');
    const nav = await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link')
      .allTextContents();
    expect(nav).not.toContain('Client admin');
    expect(nav).not.toContain('Books check');
    expect(nav).not.toContain('Audit trail');

    await page.goto(`${c.origin}/clients/${SLUG}/documents`);
    await page.getByTestId('documents').waitFor(WAIT);
    expect(await page.getByTestId('export-archive').count()).toBe(0);
    expect(await page.getByText('Export PDFs').count()).toBe(0);

    // Typed by hand: the admin page and the books check offer nothing (the API would refuse both).
    await page.goto(`${c.origin}/clients/${SLUG}/admin`);
    await page.getByTestId('admin-not-allowed').waitFor(WAIT);
    expect(await buttons(page)).toEqual([]);
    await page.goto(`${c.origin}/clients/${SLUG}/verify-books`);
    await page.getByTestId('books-check-not-offered').waitFor(WAIT);
    expect(await buttons(page)).toEqual([]);
    await expectAccessible(page, 'books check not offered');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('archiving a client and deleting a sandbox', () => {
  const tenantState = async (slug: string) =>
    ok(
      await c.t.as('admin')<{
        tenantsConnection: { edges: { node: { slug: string; archived: boolean } }[] };
      }>(
        `{ tenantsConnection(first: 5, search: "${slug}", includeSandboxes: true, includeArchived: true) {
          edges { node { slug archived } } } }`,
      ),
    ).tenantsConnection.edges.map((e) => e.node);

  it('is offered to a firm admin only, and refuses a short reason with its code', async () => {
    const senior = await openPage(c.browser);
    await signInAs(senior.page, c.origin, 'senior@demo.firm');
    await senior.page.goto(`${c.origin}/clients/${SANDBOX}/trial-balance`);
    await senior.page.getByTestId('client-name').waitFor(WAIT);
    const seniorNav = await senior.page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link')
      .allTextContents();
    expect(seniorNav).not.toContain('Client admin');
    expect(seniorNav).toContain('Books check');
    await senior.page.goto(`${c.origin}/clients/${SANDBOX}/admin`);
    await senior.page.getByTestId('admin-not-allowed').waitFor(WAIT);
    expect(await buttons(senior.page)).toEqual([]);
    await senior.page.context().close();

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    // A live client: archive, never delete.
    await page.goto(`${c.origin}/clients/${SLUG}/trial-balance`);
    await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link', { name: 'Client admin' })
      .click();
    await page.getByTestId('admin-state').waitFor(WAIT);
    expect(await buttons(page)).toEqual(['Archive client']);
    expect(await page.getByTestId('delete-sandbox').count()).toBe(0);

    await page.goto(`${c.origin}/clients/${SANDBOX}/admin`);
    await page.getByTestId('admin-state').waitFor(WAIT);
    expect(await buttons(page)).toEqual(['Archive client', 'Delete sandbox']);
    await page.getByRole('textbox', { name: 'Reason' }).fill('too short');
    await page.getByRole('button', { name: 'Archive client' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The client was not changed' });
    await refusal.waitFor(WAIT);
    expect(await refusal.locator('code').allTextContents()).toEqual(['REASON_TOO_SHORT']);
    expect(await tenantState(SANDBOX)).toEqual([{ slug: SANDBOX, archived: false }]);
    await expectAccessible(page, 'client admin, refused');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('archives and unarchives (by keyboard), then deletes the sandbox once its slug is typed', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(`${c.origin}/clients/${SANDBOX}/admin`);
    await page.getByTestId('admin-state').waitFor(WAIT);
    const reason = page.getByRole('textbox', { name: 'Reason' });
    await reason.fill('The trial of the new chart ended');
    await page.getByRole('button', { name: 'Archive client' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('admin-outcome').filter({ hasText: 'Archived' }).waitFor(WAIT);
    expect(await tenantState(SANDBOX)).toEqual([{ slug: SANDBOX, archived: true }]);
    await page.locator('.workspace-head .badge-archived').waitFor(WAIT);
    expect(await page.getByTestId('admin-state').textContent()).toContain('Archived since');
    await expectAccessible(page, 'client archived');
    await shoot(page, '82-client-archived');

    await reason.fill('Archived by mistake, the trial goes on');
    await page.getByRole('button', { name: 'Unarchive' }).click();
    await page.getByTestId('admin-outcome').filter({ hasText: 'Unarchived' }).waitFor(WAIT);
    expect(await tenantState(SANDBOX)).toEqual([{ slug: SANDBOX, archived: false }]);

    // Deleting: refused by the page until the slug is typed.
    const remove = page.getByRole('button', { name: 'Delete sandbox' });
    expect(await remove.isDisabled()).toBe(true);
    await reason.fill('The sandbox trial is over for good');
    const confirm = page.getByRole('textbox', { name: `Type ${SANDBOX} to confirm` });
    await confirm.fill('arena');
    expect(await remove.isDisabled()).toBe(true);
    await confirm.fill(SANDBOX);
    // Enabled once the page has drawn the typed slug: waited for, not read at once.
    await page.getByRole('button', { name: 'Delete sandbox', disabled: false }).waitFor(WAIT);
    expect(await remove.isDisabled()).toBe(false);
    await expectAccessible(page, 'sandbox deletion confirmed');
    await shoot(page, '83-sandbox-delete');
    await remove.click();
    await page
      .getByTestId('admin-outcome')
      .filter({ hasText: `The sandbox ${SANDBOX} is deleted` })
      .waitFor(WAIT);
    expect(await tenantState(SANDBOX)).toEqual([]);
    // The firm's trail has the reason.
    const trail = ok(
      await c.t.as('admin')<{ firmAuditEvents: { edges: { node: { reason: string | null } }[] } }>(
        '{ firmAuditEvents(first: 1, filter: { action: "tenant.sandbox_deleted" }) { edges { node { reason } } } }',
      ),
    );
    expect(trail.firmAuditEvents.edges[0]?.node.reason).toBe('The sandbox trial is over for good');
    await page.getByRole('link', { name: 'Back to your clients' }).click();
    await page.getByRole('heading', { name: 'Your clients' }).waitFor(WAIT);
    expect(await page.locator('.client-list li').count()).toBeGreaterThan(0);
    expect(await page.locator('.client-list').getByText(SANDBOX).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});

describe('the close board’s chart', () => {
  it('draws the counts per stage as a stacked bar whose text says every count', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.locator('table.board[data-complete="true"]').waitFor(WAIT);
    const chart = page.getByTestId('board-chart');
    await chart.waitFor(WAIT);
    // The counts listed beside it, as the page shows them.
    const listed = await page.locator('ul.stage-counts li').allTextContents();
    const counts = new Map<CellStage, number>();
    for (const text of listed) {
      const [label, n] = text.split(': ');
      const stage = CELL_STAGES.find((s) => s.label === label)!.stage;
      counts.set(stage, Number(n));
    }
    expect(counts.size).toBeGreaterThan(0);
    const year = Number(new URL(page.url()).searchParams.get('year')) || new Date().getUTCFullYear();
    expect(await chart.getAttribute('aria-label')).toBe(chartLabel(counts, year));
    expect(await chart.getAttribute('role')).toBe('img');
    // One bar segment per stage shown.
    await expect.poll(() => chart.locator('.recharts-bar-rectangle').count(), WAIT).toBe(counts.size);
    await expectAccessible(page, 'board with its chart');
    await shoot(page, '84-board-chart');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('the year-end close’s reversal requests, paged', () => {
  it('shows the API’s pages of 25, older and newer by its cursors', async () => {
    const years = ok(
      await c.t.as(
        'admin',
        SLUG,
      )<{
        fiscalYearsConnection: { edges: { node: { year: number; startDate: string; endDate: string } }[] };
      }>('{ fiscalYearsConnection(first: 10) { edges { node { year startDate endDate } } } }'),
    );
    const year = years.fiscalYearsConnection.edges
      .map((e) => e.node)
      .find((y) => y.startDate <= client.today && client.today <= y.endDate)!.year;
    // More requests than one page holds, written straight into the client's database (a year has a
    // handful; making 27 through the API would close and reopen the year 27 times).
    await c.t.tenantSql(
      SLUG,
      `SET session_replication_role = replica;
       INSERT INTO year_end_close_reversals (fiscal_year, year_end_close_id, status, reason, requested_by,
         requested_by_email, requested_at, approved_by, approved_by_email, approved_at)
       SELECT ${Number(year)}, gen_random_uuid(), 'APPROVED', 'Paging test request number ' || n, gen_random_uuid(),
         'senior@demo.firm', now() - n * interval '1 hour', gen_random_uuid(), 'admin@demo.firm',
         now() - n * interval '1 hour' + interval '1 minute'
       FROM generate_series(1, 27) AS n`,
    );
    const Q = `query ($y: Int!, $a: String) { yearEndCloseReversalsConnection(fiscalYear: $y, first: 25, after: $a) {
      edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    type P = {
      yearEndCloseReversalsConnection: {
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = ok(await c.t.as('admin', SLUG)<P>(Q, { y: year, a: null })).yearEndCloseReversalsConnection;
    const second = ok(
      await c.t.as('admin', SLUG)<P>(Q, { y: year, a: first.pageInfo.endCursor }),
    ).yearEndCloseReversalsConnection;
    expect(first.edges).toHaveLength(25);
    expect(second.edges).toHaveLength(2);

    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/year-end?year=${year}`);
    const rows = () =>
      page
        .getByTestId('reversals')
        .locator('tbody tr')
        .evaluateAll((trs: { getAttribute(n: string): string | null }[]) =>
          trs.map((r) => r.getAttribute('data-request')),
        );
    await page.getByTestId('reversals').waitFor(WAIT);
    expect(await rows()).toEqual(first.edges.map((e) => e.node.id));
    const pager = page.getByTestId('reversals-pager');
    expect(await pager.getByText('Requests 1–25, newest first').count()).toBe(1);
    await pager.getByRole('button', { name: 'Older requests' }).click();
    await expect.poll(rows, WAIT).toEqual(second.edges.map((e) => e.node.id));
    expect(await pager.getByText('Requests 26–27, newest first').count()).toBe(1);
    expect(await pager.getByRole('button', { name: 'Older requests' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'reversal requests, page 2');
    await pager.getByRole('button', { name: 'Newer requests' }).click();
    await expect.poll(rows, WAIT).toEqual(first.edges.map((e) => e.node.id));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('the books check', () => {
  it('says the books match, then names an entry changed behind the application’s back', async () => {
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/trial-balance`);
    await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link', { name: 'Books check' })
      .click();
    const run = page.getByRole('button', { name: 'Check the books' });
    await run.focus();
    await page.keyboard.press('Enter');
    const verdict = page.getByTestId('books-verdict');
    await verdict.waitFor(WAIT);
    const VERIFY = '{ verifyBooks { ok checked firstMismatch { entryId number problem } } }';
    type V = {
      verifyBooks: {
        ok: boolean;
        checked: number;
        firstMismatch: { number: string; problem: 'CHANGED' } | null;
      };
    };
    const api = ok(await c.t.as('admin', SLUG)<V>(VERIFY)).verifyBooks;
    expect(api.ok).toBe(true);
    expect(await verdict.textContent()).toBe(
      `The books match the audit trail: ${api.checked} entries checked, each as it was posted.`,
    );
    await expectAccessible(page, 'books check passed');
    await shoot(page, '85-books-check');

    // A superuser multiplies a line's amount by 100, triggers off.
    const [entry] = await c.t.tenantSql<{ id: string; number: string }>(
      SLUG,
      'SELECT id, number FROM journal_entries ORDER BY posting_date, number LIMIT 1',
    );
    await c.t.tenantSql(
      SLUG,
      `SET session_replication_role = replica; UPDATE gl_lines SET amount_minor = amount_minor * 100 WHERE entry_id = '${entry!.id}' AND line_number = 1`,
    );
    const broken = ok(await c.t.as('admin', SLUG)<V>(VERIFY)).verifyBooks;
    expect(broken.firstMismatch).toMatchObject({ number: entry!.number, problem: 'CHANGED' });
    await page.getByRole('button', { name: 'Check the books again' }).click();
    await verdict.filter({ hasText: 'do not match' }).waitFor(WAIT);
    const entries = page.getByTestId('books-entries');
    expect(await entries.textContent()).toBe(
      `The first entry that does not match, in posting-date order: ${entry!.number} — ${BOOKS_PROBLEMS.CHANGED} CHANGED`,
    );
    await entries.getByRole('link', { name: entry!.number }).click();
    await page.waitForURL(`**/clients/${SLUG}/entries/${entry!.id}`);
    await page.goBack();
    await expectAccessible(page, 'books check failed');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
