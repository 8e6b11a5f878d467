import { BOOKS_YEAR } from '@cifra/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { assignClientRole, memberId } from '../support/walls.ts';

/**
 * The console's batch close in Chromium: pick clients, a month and an action, start the batch
 * (a double click starts one), follow it to the end, retry the failed clients once their refusal
 * is fixed, and see a refusal of the whole batch in words with its code, once.
 */
let t: TestStack;
let browser: Browser;
let origin: string;

// January of the tests' year exists and is over, whatever the day the test runs (books-year.ts).
const YEAR = BOOKS_YEAR;
const MONTH = 1;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true, jobs: { processEveryMs: 250 } });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface ApiBatch {
  id: string;
  status: string;
  action: string;
  items: {
    client: { slug: string; name: string };
    status: string;
    failureCode: string | null;
    errorMessage: string | null;
  }[];
}

const recentBatches = async () => {
  const r = await t.as('senior')<{ batchOperations: ApiBatch[] }>(
    '{ batchOperations(limit: 20) { id status action items { client { slug name } status failureCode errorMessage } } }',
  );
  expect(r.errors).toBeUndefined();
  return r.data!.batchOperations;
};

const readJanuary = async () => {
  const r = await t.as('senior')<{
    closeBoard: {
      clients: { client: { slug: string; name: string }; periodId: string; periodState: string }[];
    };
  }>(
    `{ closeBoard(year: ${YEAR}, month: ${MONTH}) { clients { client { slug name } periodId periodState } } }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.closeBoard.clients;
};

/**
 * January as the API says it is now. The board reads the firm's read model, which the worker keeps
 * in the background: on a busy machine it may lag the books (a fresh stack's may be empty), so each
 * client's January is read again from its books first (refreshCloseBoardClient).
 */
const januaryBoard = async () => {
  for (const c of await readJanuary()) {
    // A client read past the fan-out's timeout (a saturated machine) is UNAVAILABLE, TIMEOUT, as the
    // board would say: read it again rather than take that for its state (a few times at most).
    for (let attempt = 1; ; attempt++) {
      const r = await t.as('senior')<{ refreshCloseBoardClient: { availability: string } }>(
        `mutation { refreshCloseBoardClient(client: "${c.client.slug}", year: ${YEAR}, month: ${MONTH}) { availability } }`,
      );
      expect(r.errors).toBeUndefined();
      if (r.data?.refreshCloseBoardClient.availability === 'AVAILABLE' || attempt === 5) break;
    }
  }
  return readJanuary();
};

/** The batch form set to January of this year, with the action chosen (by keyboard). */
async function openForm(page: Page, action: string): Promise<void> {
  await page.getByRole('link', { name: 'Batch close' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Start a batch' }).waitFor();
  await page.getByRole('button', { name: /Month/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: 'January' }).focus();
  await page.keyboard.press('Enter');
  const year = page.getByRole('textbox', { name: 'Year' });
  await year.fill(String(YEAR));
  await year.press('Tab');
  await page.getByRole('heading', { name: `Clients for January ${YEAR}` }).waitFor();
  const radio = page.getByRole('radio', { name: new RegExp(`^${action} \\(`) });
  await radio.focus();
  await page.keyboard.press('Space');
  expect(await radio.isChecked()).toBe(true);
}

/** Pick a client by keyboard: its row focused, then Space (the table's own selection keys). */
async function pickByKeyboard(page: Page, name: string): Promise<void> {
  const row = rows(page).filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await row.focus();
  await page.keyboard.press('Space');
  await expect.poll(() => row.getAttribute('aria-selected'), WAIT).toBe('true');
}

/** The header's "select all" box, clicked (in the table, the keyboard's way is Ctrl+A). */
async function selectAllShown(page: Page): Promise<void> {
  await page.locator('label:has(input[aria-label="Select all clients shown"])').click();
  await expect
    .poll(() => page.getByRole('checkbox', { name: 'Select all clients shown' }).isChecked(), WAIT)
    .toBe(true);
}

const rows = (page: Page) => page.locator('table.picker tbody tr');
const chosen = (page: Page) => page.getByTestId('batch-chosen').textContent();

describe('batch close in the console', () => {
  it('starts one batch on a double click, follows it to DONE, and retries the failed after a fix', async () => {
    const { page, problems } = await openPage(browser, { timezoneId: 'America/Panama' });
    await signInAs(page, origin, 'senior@demo.firm');
    await openForm(page, 'Lock sales');
    await expect.poll(() => rows(page).count(), WAIT).toBe(5);
    const board = await januaryBoard();
    const names = board.map((c) => c.client.name).sort((a, b) => a.localeCompare(b));
    expect(board.map((c) => `${c.client.slug} ${c.periodState}`)).toEqual(
      board.map((c) => `${c.client.slug} UNLOCKED`),
    );

    // Filter, then "select all" picks the clients shown; they stay chosen when the filter is cleared.
    const search = page.getByRole('searchbox', { name: 'Search clients' });
    await search.fill('boquete');
    await expect.poll(() => rows(page).count(), WAIT).toBe(1);
    await selectAllShown(page);
    await search.fill('');
    await expect.poll(() => rows(page).count(), WAIT).toBe(5);
    expect(await chosen(page)).toBe('1 of 5 clients chosen');
    // Two more by keyboard: a row's checkbox, then Space.
    const three = ['Café Boquete, S.A.', names.find((n) => !n.startsWith('Café'))!, names.at(-1)!];
    for (const name of three.slice(1)) await pickByKeyboard(page, name);
    await expect.poll(() => chosen(page), WAIT).toBe('3 of 5 clients chosen');
    await expectAccessible(page, 'batch form');
    await shoot(page, '10-batch-form');

    // A double click starts one batch (one idempotency key per intent, and the button disables).
    const before = (await recentBatches()).length;
    await page.getByRole('button', { name: /^Start: Lock sales for 3 clients/ }).dblclick();
    await page.waitForURL(/\/batch\?batch=/, WAIT);
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), WAIT).toBe('3 of 3 clients');
    expect(await page.locator('table.batch-items tbody tr[data-status="DONE"] th').allTextContents()).toEqual(
      expect.arrayContaining(three),
    );
    expect(await page.getByRole('progressbar', { name: 'Finished' }).getAttribute('aria-valuenow')).toBe('3');
    const after = await recentBatches();
    expect(after.length).toBe(before + 1);
    const batchId = new URL(page.url()).searchParams.get('batch');
    expect(after[0]).toMatchObject({ id: batchId, status: 'FINISHED', action: 'LOCK_SALES' });
    // Its times name the zone they are in (this browser's: Panama, five hours behind UTC).
    expect(await page.getByText(/^Started by /).textContent()).toMatch(
      /^Started by senior@demo\.firm, .+ (EST|GMT-5); finished .+ (EST|GMT-5)\.$/,
    );
    // The API agrees: those three months are locked for sales, the other two are not.
    const locked = await januaryBoard();
    for (const c of locked) {
      expect(c.periodState, c.client.name).toBe(three.includes(c.client.name) ? 'LOCK_SALES' : 'UNLOCKED');
    }
    await expectAccessible(page, 'batch finished');
    await shoot(page, '11-batch-done');

    // All five to both locks: the three locked for sales move on, the two unlocked ones are refused.
    await page.getByRole('link', { name: 'Start another batch' }).click();
    await openForm(page, 'Lock sales and purchasing');
    await expect.poll(() => rows(page).count(), WAIT).toBe(5);
    await selectAllShown(page);
    await expect.poll(() => chosen(page), WAIT).toBe('5 of 5 clients chosen');
    await page.getByRole('button', { name: /^Start: Lock sales and purchasing for 5 clients/ }).click();
    await page.waitForURL(
      (u) => u.searchParams.get('batch') !== null && u.searchParams.get('batch') !== batchId,
      WAIT,
    );
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), WAIT).toBe('5 of 5 clients');
    const second = (await recentBatches())[0]!;
    const failed = second.items.filter((i) => i.status === 'FAILED');
    expect(failed.map((i) => i.client.name).sort()).toEqual(names.filter((n) => !three.includes(n)).sort());
    // Each refusal in words with its code, as the API gives them, once per client.
    for (const item of failed) {
      const row = page.locator(`table.batch-items tbody tr[data-client="${item.client.slug}"]`);
      expect(await row.getAttribute('data-status')).toBe('FAILED');
      const why = await row.locator('td').last().textContent();
      expect(why).toBe(`${item.failureCode} ${item.errorMessage}`);
      expect(item.errorMessage?.length).toBeGreaterThan(10);
    }
    await expectAccessible(page, 'batch with failures');
    await shoot(page, '12-batch-failed');

    // On a tablet the page does not scroll sideways.
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await fitsTheWindow(page)).toBe(true);
    await expectAccessible(page, 'batch with failures on a tablet');
    await shoot(page, '13-batch-failed-tablet');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The exceptions inbox lists each failed client, linking to its batch, where the retry is.
    await page.getByRole('link', { name: 'Exceptions' }).click();
    const failedRows = page.locator('table.exceptions tbody tr[data-kind="BATCH_ITEM_FAILED"]');
    await expect
      .poll(async () => (await failedRows.locator('th').allTextContents()).sort(), WAIT)
      .toEqual(failed.map((i) => i.client.name).sort());
    await failedRows.first().getByRole('link', { name: 'Its batch (retry there)' }).click();
    await page.waitForURL((u) => u.pathname === '/batch' && u.searchParams.get('batch') === second.id, WAIT);
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), WAIT).toBe('5 of 5 clients');

    // Fix what the refusal said (lock sales first, through the API), then retry the failed two.
    for (const item of failed) {
      const period = locked.find((c) => c.client.slug === item.client.slug)!;
      const r = await t.as('senior', item.client.slug)(
        'mutation ($id: ID!) { lockPeriod(periodId: $id, state: LOCK_SALES) { id } }',
        { id: period.periodId },
      );
      expect(r.errors).toBeUndefined();
    }
    await page.getByRole('button', { name: 'Retry the 2 failed' }).click();
    await page.waitForURL((u) => u.searchParams.get('batch') !== second.id, WAIT);
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), WAIT).toBe('2 of 2 clients');
    await expect
      .poll(() => page.locator('table.batch-items tbody tr[data-status="DONE"]').count(), WAIT)
      .toBe(2);
    const retry = (await recentBatches())[0]!;
    expect(retry.action).toBe('LOCK_SALES_AND_PURCHASING');
    expect(retry.items.map((i) => i.client.slug).sort()).toEqual(failed.map((i) => i.client.slug).sort());
    for (const c of await januaryBoard()) expect(c.periodState).toBe('LOCK_SALES_AND_PURCHASING');
    // The recent batches list has the three, newest first, each linking to its batch.
    await expect
      .poll(() => page.locator('table.recent-batches tbody tr').count(), WAIT)
      .toBe((await recentBatches()).length);

    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('offers a Junior no batch, then only the client their own role allows, and shows a later refusal once', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'junior@demo.firm');
    await page.getByRole('link', { name: 'Batch close' }).click();
    // A Junior prepares closes but starts no batch: told so, no form, the firm's batches to follow.
    const notice = page.getByTestId('batch-not-yours');
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toMatch(/starts no batch/);
    expect(await page.getByRole('button', { name: /^Start:/ }).count()).toBe(0);
    await page.getByRole('heading', { name: 'Recent batches of the firm' }).waitFor(WAIT);
    await expectAccessible(page, 'batch not yours');
    await shoot(page, '14-batch-not-yours');

    // Made Senior on one client: the form, where that client alone can be picked.
    await assignClientRole(t, 'junior@demo.firm', 'cafe-boquete', 'SENIOR');
    try {
      await page.reload();
      await openForm(page, 'Lock purchasing');
      await expect.poll(() => rows(page).count(), WAIT).toBe(5);
      const notYours = page.locator('table.picker tbody tr', { hasText: 'not yours to do here' });
      expect(await notYours.count()).toBe(4);
      // Select all by keyboard (in the table, Ctrl+A) picks only the one that is theirs.
      await rows(page).first().focus();
      await page.keyboard.press('Control+a');
      await expect.poll(() => chosen(page), WAIT).toBe('1 of 5 clients chosen');
      expect(
        await rows(page)
          .filter({ has: page.getByRole('rowheader', { name: 'Café Boquete, S.A.', exact: true }) })
          .getAttribute('aria-selected'),
      ).toBe('true');

      // The role lowered again before Start: the API's refusal in words with its code, once.
      await assignClientRole(
        t,
        'junior@demo.firm',
        'cafe-boquete',
        'JUNIOR',
        'The senior review is done: back to preparing',
      );
      const before = (await recentBatches()).length;
      await page.getByRole('button', { name: /^Start: Lock purchasing for 1 client$/ }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'The batch was not started' });
      await refusal.waitFor(WAIT);
      expect(await refusal.locator('li').allTextContents()).toEqual([
        expect.stringMatching(/^FORBIDDEN .{10,}/),
      ]);
      expect(await page.getByText('FORBIDDEN', { exact: true }).count()).toBe(1);
      expect(page.url()).toBe(`${origin}/batch`);
      expect((await recentBatches()).length).toBe(before);
      await expectAccessible(page, 'batch refused');
      await shoot(page, '15-batch-refused');
    } finally {
      const r = await t.as('admin')(
        'mutation ($u: ID!, $why: String!) { revokeClientRole(userId: $u, tenant: "cafe-boquete", reason: $why) { userId } }',
        { u: await memberId(t, 'junior@demo.firm'), why: 'End of the batch test: firm-wide role again' },
      );
      expect(r.errors).toBeUndefined();
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows someone without the firm dashboard who types its address the refusal, and no form', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'reviewer@demo.firm');
    expect(await page.getByRole('link', { name: 'Batch close' }).count()).toBe(0);
    await page.goto(`${origin}/batch`);
    const refusal = page.getByRole('alert').filter({ hasText: 'The clients could not be loaded' });
    await refusal.waitFor(WAIT);
    expect(await refusal.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^FORBIDDEN .{10,}/),
    ]);
    expect(await page.getByRole('radiogroup', { name: 'Action' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Start:/ }).count()).toBe(0);
    await expectAccessible(page, 'batch without the dashboard');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
