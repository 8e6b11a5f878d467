import { BOOKS_YEAR } from '@cifra/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIn } from '../../packages/console/src/screens/workspace/format.ts';
import { stageInfo } from '../../packages/console/src/stages.ts';
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
 * The month's close in a client's workspace, in Chromium through the gateway: a lock step, start,
 * submit, no Approve offered on one's own close and the four-eyes rule explained, the approval by a second
 * person, and the month moved back with a reason counted as it is typed — each step checked
 * against the API's own `periodCloseStatus`.
 */
let t: TestStack;
let browser: Browser;
let origin: string;
const SLUG = 'panaderia-valle';
// January of the tests' year: no earlier month of its fiscal year to close first, and over
// whatever the day the test runs (books-year.ts).
const year = BOOKS_YEAR;
const MONTH = 1;
/** The client's current year on its own clock, whose December has not ended. */
let currentYear: number;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
  const r = await t.as('senior', SLUG)<{ tenant: { timezone: string } }>('{ tenant { timezone } }');
  currentYear = Number(todayIn(r.data!.tenant.timezone).slice(0, 4));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

type Status = { stage: string; periodState: string; close: { status: string } | null };
const status = async (): Promise<Status> => {
  const r = await t.as('senior', SLUG)<{ periodCloseStatus: Status }>(
    'query ($y: Int!, $m: Int!) { periodCloseStatus(year: $y, month: $m) { stage periodState close { status } } }',
    { y: year, m: MONTH },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.periodCloseStatus;
};

const openClose = async (page: Page) => {
  await page.goto(`${origin}/clients/${SLUG}/close?year=${year}&month=${MONTH}`);
  await page.getByTestId('close-facts').waitFor(WAIT);
};
/** The screen shows what the API says. */
const shows = async (page: Page, s: Status) => {
  const shown = async () => [
    await page.getByTestId('close-period-state').textContent(),
    await page.getByTestId('close-stage').textContent(),
  ];
  await expect.poll(shown, WAIT).toEqual([s.periodState, stageInfo(s.stage as never).label]);
};

describe('the month close in a client workspace', () => {
  it('locks, starts, submits, refuses one’s own approval in words, approves as a second person, and moves back with a reason', async () => {
    const before = await status();
    expect(before.periodState).toBe('UNLOCKED');
    expect(before.close).toBeNull();

    const senior = await openPage(browser);
    const page = senior.page;
    await signInAs(page, origin, 'senior@demo.firm');
    // From the close board: a cell's month opens in the client's workspace.
    const name = (await t.as('senior', SLUG)<{ tenant: { name: string } }>('{ tenant { name } }')).data!
      .tenant.name;
    await page.goto(`${origin}/?year=${year}`);
    await page.getByRole('button', { name: new RegExp(`^${name}, January ${year}:`) }).click();
    await page
      .getByRole('dialog')
      .getByRole('link', { name: "Work on this month in the client's workspace" })
      .click();
    await expect
      .poll(() => page.url(), WAIT)
      .toBe(`${origin}/clients/${SLUG}/close?year=${year}&month=${MONTH}`);
    await page.getByTestId('close-facts').waitFor(WAIT);
    await shows(page, before);
    await expectAccessible(page, 'month close, open');

    await page.getByRole('button', { name: 'Lock: LOCK_SALES' }).click();
    await page.getByTestId('close-outcome').filter({ hasText: 'Locked: LOCK_SALES' }).waitFor(WAIT);
    expect((await status()).periodState).toBe('LOCK_SALES');
    await shows(page, await status());

    await page.getByRole('button', { name: 'Start the close' }).click();
    await page.getByTestId('close-outcome').filter({ hasText: 'Close started' }).waitFor(WAIT);
    expect((await status()).close?.status).toBe('DRAFT');

    const submit = page.getByRole('button', { name: 'Submit for approval' });
    await submit.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('close-outcome').filter({ hasText: 'Submitted for approval' }).waitFor(WAIT);
    // The keyboard's place is the outcome, not the top of the page (the Submit button is gone).
    await expect
      .poll(() => page.evaluate<string>('document.activeElement?.textContent ?? ""'), WAIT)
      .toContain('Submitted for approval');
    const pending = await status();
    expect(pending.close?.status).toBe('PENDING_APPROVAL');
    await shows(page, pending);
    await page.getByTestId('four-eyes').waitFor(WAIT);

    // One's own close: no Approve to press (the API would refuse it SAME_PERSON), the rule in words.
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await page.getByTestId('four-eyes').textContent()).toContain('someone else must approve');
    expect((await status()).close?.status).toBe('PENDING_APPROVAL');
    await expectAccessible(page, 'month close, waiting for another approver');
    await shoot(page, '50-workspace-close-four-eyes');
    expect(senior.problems).toEqual([]);
    await page.context().close();

    // A second person approves: the month is locked.
    const admin = await openPage(browser);
    const a = admin.page;
    await signInAs(a, origin, 'admin@demo.firm');
    await openClose(a);
    expect(await a.getByTestId('four-eyes').count()).toBe(0);
    await a.getByRole('button', { name: 'Approve' }).click();
    await a.getByTestId('close-outcome').filter({ hasText: 'Approved' }).waitFor(WAIT);
    const closed = await status();
    expect(closed.periodState).toBe('LOCKED');
    await shows(a, closed);

    // Moving it back: the reason counted as it is typed; a short one refused by the API, nothing moved.
    const reason = a.getByRole('textbox', { name: 'Reason' });
    await reason.fill('Too short');
    await a.getByText('9 of at least 20 characters').waitFor(WAIT);
    await a.getByRole('button', { name: /^Move back to UNLOCKED$/ }).click();
    await expect
      .poll(async () => (await a.getByTestId('close-refusal').textContent()) ?? '', WAIT)
      .toContain('REASON_TOO_SHORT');
    expect((await status()).periodState).toBe('LOCKED');
    await reason.fill('Bank statement arrived late for January');
    await a.getByText('39 of at least 20 characters').waitFor(WAIT);
    await expectAccessible(a, 'month close, reopening');
    await shoot(a, '51-workspace-close-reopen');
    await a.getByRole('button', { name: /^Move back to UNLOCKED$/ }).click();
    await a.getByTestId('close-outcome').filter({ hasText: 'Moved back to UNLOCKED' }).waitFor(WAIT);
    const reopened = await status();
    expect(reopened.periodState).toBe('UNLOCKED');
    await shows(a, reopened);
    await a.setViewportSize({ width: 820, height: 1100 });
    expect(await fitsTheWindow(a)).toBe(true);
    expect(admin.problems).toEqual([]);
    await a.context().close();
  }, 240_000);

  it('offers each person only the steps their role may take', async () => {
    // A Junior prepares but neither locks nor approves; the client's own user only reads.
    const junior = await openPage(browser);
    await signInAs(junior.page, origin, 'junior@demo.firm');
    await openClose(junior.page);
    const buttons = async (p: Page) =>
      (await p.getByRole('main').getByRole('button').allTextContents()).filter((b) => b !== '▾'); // the switcher's own
    expect(await buttons(junior.page)).toEqual(['Start the close']);
    await junior.page.context().close();

    const client = await openPage(browser);
    await signInAs(client.page, origin, 'client@demo.firm');
    await client.page.goto(`${origin}/clients/cafe-boquete/close?year=${year}&month=${MONTH}`);
    await client.page.getByTestId('close-facts').waitFor(WAIT);
    expect(await buttons(client.page)).toEqual([]);
    expect(await client.page.getByRole('textbox', { name: 'Reason' }).count()).toBe(0);
    await expectAccessible(client.page, 'month close, client read-only');
    expect(client.problems).toEqual([]);
    await client.page.context().close();
  }, 120_000);

  it('offers no Approve for a month that has not ended, and says from which day; the API refuses it', async () => {
    // December of the client's current year has not ended on its clock, whatever today is.
    const periods = await t.as('senior', SLUG)<{ periods: { id: string; month: number }[] }>(
      'query ($y: Int!) { periods(fiscalYear: $y) { id month } }',
      { y: currentYear },
    );
    const december = periods.data!.periods.find((p) => p.month === 12)!.id;
    const started = await t.as('junior', SLUG)<{ startPeriodClose: { id: string } }>(
      'mutation ($p: ID!) { startPeriodClose(periodId: $p) { id } }',
      { p: december },
    );
    expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
    const closeId = started.data!.startPeriodClose.id;
    const submitted = await t.as('junior', SLUG)(
      'mutation ($c: ID!) { submitPeriodClose(closeId: $c) { id } }',
      {
        c: closeId,
      },
    );
    expect(submitted.errors, JSON.stringify(submitted.errors)).toBeUndefined();

    const admin = await openPage(browser);
    await signInAs(admin.page, origin, 'admin@demo.firm');
    await admin.page.goto(`${origin}/clients/${SLUG}/close?year=${currentYear}&month=12`);
    const notice = admin.page.getByTestId('month-not-ended');
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toContain('its close can be approved from');
    expect(await admin.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await expectAccessible(admin.page, 'month close, a month not ended');
    expect(admin.problems).toEqual([]);
    await admin.page.context().close();

    const refused = await t.as('admin', SLUG)(
      'mutation ($c: ID!) { approvePeriodClose(closeId: $c) { id } }',
      {
        c: closeId,
      },
    );
    expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.endDate])).toEqual([
      ['PERIOD_NOT_ENDED', `${currentYear}-12-31`],
    ]);
  }, 120_000);
});
