import { BOOKS_YEAR } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, openPage, shoot, signInAs, WAIT } from '../support/console-browser.ts';
import { type ConsoleStack, ok, startConsoleStack } from '../support/console-workspace.ts';

/**
 * Rejecting a submitted month close in a client's workspace, in Chromium through the gateway: the
 * reason's 20 characters counted as it is typed, a short one refused by the API with its code and
 * the rule in words (nothing changed), a good one sending the close back to DRAFT with its reason
 * shown; a reject raced by someone else's approval refused and the page brought up to date; and
 * no reject offered to a role that may not approve. Each step checked against `periodCloseStatus`.
 */
let c: ConsoleStack;
const SLUG = 'ferreteria-colon';
// A month of the tests' year: over whatever the day the test runs (books-year.ts).
const year = BOOKS_YEAR;
const MONTH = 1;

type Status = {
  stage: string;
  period: { id: string };
  close: {
    id: string;
    status: string;
    rejectionReason: string | null;
    rejectedByEmail: string | null;
  } | null;
};
const status = async (): Promise<Status> =>
  ok(
    await c.t.as('senior', SLUG)<{ periodCloseStatus: Status }>(
      `query ($y: Int!, $m: Int!) { periodCloseStatus(year: $y, month: $m) {
        stage period { id } close { id status rejectionReason rejectedByEmail } } }`,
      { y: year, m: MONTH },
    ),
  ).periodCloseStatus;

/** The junior prepares January's close and submits it (start once, submit each time). */
async function submitAsJunior(): Promise<string> {
  const junior = c.t.as('junior', SLUG);
  const s = await status();
  let closeId = s.close?.id;
  if (!closeId)
    closeId = ok(
      await junior<{ startPeriodClose: { id: string } }>(
        'mutation ($p: ID!) { startPeriodClose(periodId: $p) { id } }',
        { p: s.period.id },
      ),
    ).startPeriodClose.id;
  ok(await junior('mutation ($c: ID!) { submitPeriodClose(closeId: $c) { id } }', { c: closeId }));
  expect((await status()).close?.status).toBe('PENDING_APPROVAL');
  return closeId;
}

const closePage = (slug = SLUG) => `${c.origin}/clients/${slug}/close?year=${year}&month=${MONTH}`;

beforeAll(async () => {
  c = await startConsoleStack();
}, 240_000);

afterAll(() => c?.close());

describe('rejecting a submitted month close', () => {
  it('counts the reason as it is typed, shows the API’s refusal of a short one, and sends the close back', async () => {
    await submitAsJunior();
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'senior@demo.firm');
    await page.goto(closePage());
    const form = page.getByTestId('reject-close');
    await form.waitFor(WAIT);
    const reason = page.getByRole('textbox', { name: 'What must change' });

    await reason.fill('Too short');
    await form.getByText('9 of at least 20 characters').waitFor(WAIT);
    await page.getByRole('button', { name: 'Reject the close' }).click();
    const refusal = page.getByTestId('close-refusal');
    await expect.poll(async () => (await refusal.textContent()) ?? '', WAIT).toContain('REASON_TOO_SHORT');
    expect(await refusal.textContent()).toContain('needs at least 20 characters');
    expect((await status()).close?.status).toBe('PENDING_APPROVAL');

    const words = 'Accrual for the January rent is missing';
    await reason.fill(words);
    await form.getByText(`${words.length} of at least 20 characters`).waitFor(WAIT);
    await expectAccessible(page, 'month close, rejecting');
    await shoot(page, '63-workspace-close-reject');
    await reason.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // the Reject button, by keyboard
    await page.getByTestId('close-outcome').filter({ hasText: 'Sent back to its preparer' }).waitFor(WAIT);
    const after = await status();
    expect(after.close).toMatchObject({
      status: 'DRAFT',
      rejectionReason: words,
      rejectedByEmail: 'senior@demo.firm',
    });
    // The page shows where the close stands now, and the reason it was sent back with.
    await expect
      .poll(() => page.getByTestId('close-facts').textContent(), WAIT)
      .toContain(`sent back by senior@demo.firm`);
    expect(await page.getByTestId('close-facts').textContent()).toContain(`“${words}”`);
    expect(await page.getByTestId('reject-close').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('refuses a reject raced by someone else’s approval, and shows the close as it now is', async () => {
    await submitAsJunior();
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'admin@demo.firm');
    await page.goto(closePage());
    await page.getByTestId('reject-close').waitFor(WAIT);
    // Meanwhile the senior approves it.
    const closeId = (await status()).close!.id;
    ok(
      await c.t.as('senior', SLUG)('mutation ($c: ID!) { approvePeriodClose(closeId: $c) { id } }', {
        c: closeId,
      }),
    );
    await page
      .getByRole('textbox', { name: 'What must change' })
      .fill('The bank reconciliation is not attached');
    await page.getByRole('button', { name: 'Reject the close' }).click();
    const refusal = page.getByTestId('close-refusal');
    await expect.poll(async () => (await refusal.textContent()) ?? '', WAIT).toContain('INVALID_TRANSITION');
    expect(await refusal.textContent()).toContain('someone else acted on it meanwhile');
    expect((await status()).close?.status).toBe('APPROVED');
    await expect.poll(() => page.getByTestId('reject-close').count(), WAIT).toBe(0);
    await expectAccessible(page, 'month close, reject refused');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('is not offered to whom may not approve', async () => {
    // February: submitted by the senior, seen by the junior (who prepares but does not approve).
    const s = ok(
      await c.t.as('senior', SLUG)<{ periodCloseStatus: { period: { id: string } } }>(
        'query ($y: Int!) { periodCloseStatus(year: $y, month: 2) { period { id } } }',
        { y: year },
      ),
    ).periodCloseStatus;
    const started = ok(
      await c.t.as('senior', SLUG)<{ startPeriodClose: { id: string } }>(
        'mutation ($p: ID!) { startPeriodClose(periodId: $p) { id } }',
        { p: s.period.id },
      ),
    ).startPeriodClose;
    ok(
      await c.t.as('senior', SLUG)('mutation ($c: ID!) { submitPeriodClose(closeId: $c) { id } }', {
        c: started.id,
      }),
    );
    const { page, problems } = await openPage(c.browser);
    await signInAs(page, c.origin, 'junior@demo.firm');
    await page.goto(`${c.origin}/clients/${SLUG}/close?year=${year}&month=2`);
    await page.getByTestId('close-facts').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('close-stage').textContent(), WAIT).toBe('Waiting for approval');
    expect(await page.getByTestId('reject-close').count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'What must change' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
