import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  launchChromium,
  openPage,
  shoot,
  signInAs,
  WAIT,
} from '../support/console-browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The console marks a sandbox client (docs/console.md): the close board leaves it out, and out of
 * its counts, until "Sandbox clients" is ticked, then shows its row with a Sandbox badge; its
 * workspace head says Sandbox too, and the switcher lists it.
 */
let t: TestStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
  const r = await t.as('admin')(
    'mutation { provisionTenant(input: { slug: "arena-consola", name: "Arena Consola", sandbox: true }) { slug } }',
  );
  expect(r.errors).toBeUndefined();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('a sandbox client in the console', () => {
  it('is off the board until asked for, then marked; its workspace says so', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    const rows = page.locator('table.board tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(5);
    expect(await page.locator('tr[data-client="arena-consola"]').count()).toBe(0);

    const show = page.getByRole('checkbox', { name: 'Sandbox clients (1)' });
    await expect.poll(() => show.isEnabled(), WAIT).toBe(true);
    await show.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => rows.count(), WAIT).toBe(6);
    const header = page.locator('tr[data-client="arena-consola"] th');
    expect(await header.textContent()).toBe('Arena ConsolaSandbox');
    expect(await header.locator('.badge-sandbox').count()).toBe(1);
    // A live client's row carries no badge.
    expect(await page.locator('table.board tbody .badge').count()).toBe(1);
    await expectAccessible(page, 'close board with sandboxes');
    await shoot(page, '70-board-sandbox');

    await page.goto(`${origin}/clients/arena-consola/trial-balance`);
    await expect.poll(() => page.getByTestId('client-name').textContent(), WAIT).toBe('Arena Consola');
    expect(await page.locator('.workspace-head .badge-sandbox').textContent()).toBe('Sandbox');
    await expectAccessible(page, 'sandbox workspace');
    await shoot(page, '71-workspace-sandbox');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
