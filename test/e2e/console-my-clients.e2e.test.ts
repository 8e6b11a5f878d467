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
import { assignClientRole } from '../support/walls.ts';

/**
 * "My clients": a client is the person's own when they hold a role on that client alone
 * (`Tenant.assignedRole`). Through the API with real tokens, then on the close board in Chromium.
 */
let t: TestStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

type Listed = { slug: string; name: string; role: string; assignedRole: string | null }[];
const listed = async (who: 'senior' | 'junior' | 'client') => {
  const r = await t.as(who)<{ tenants: Listed; me: { tenants: Listed } }>(
    '{ tenants { slug name role assignedRole } me { tenants { slug name role assignedRole } } }',
  );
  expect(r.errors).toBeUndefined();
  // Both lists say the same.
  expect(r.data!.me.tenants).toEqual(r.data!.tenants);
  return r.data!.tenants;
};

const assign = (email: string, tenant: string, role: string, reason?: string) =>
  assignClientRole(t, email, tenant, role, reason);

describe('my clients', () => {
  it('marks the clients where the person holds a role of their own, through the API', async () => {
    const before = await listed('senior');
    expect(before).toHaveLength(5);
    expect(before.every((c) => c.assignedRole === null && c.role === 'SENIOR')).toBe(true);
    // The ClientReadOnly user's one client is assigned to them (their only role is that one).
    expect((await listed('client')).map((c) => c.assignedRole)).toEqual(['CLIENT_READ_ONLY']);

    const [a, b, walled] = before.map((c) => c.slug);
    await assign('senior@demo.firm', a!, 'SENIOR');
    await assign('senior@demo.firm', b!, 'FIRM_ADMIN');
    // A wall is an assignment too, but the walled client is not listed at all: never "mine".
    await assign('senior@demo.firm', walled!, 'NO_ACCESS', 'Conflict of interest with a relative');
    const after = await listed('senior');
    expect(after.map((c) => [c.slug, c.role, c.assignedRole])).toEqual(
      before
        .filter((c) => c.slug !== walled)
        .map((c) =>
          c.slug === a
            ? [a, 'SENIOR', 'SENIOR']
            : c.slug === b
              ? [b, 'FIRM_ADMIN', 'FIRM_ADMIN']
              : [c.slug, 'SENIOR', null],
        ),
    );
    // Someone else's assignments are not theirs.
    expect((await listed('junior')).every((c) => c.assignedRole === null)).toBe(true);
  });

  it('filters the close board to my clients, by keyboard', async () => {
    const mine = (await listed('senior')).filter((c) => c.assignedRole);
    expect(mine).toHaveLength(2);
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    const rows = page.locator('table.board tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(4);
    const only = page.getByRole('checkbox', { name: 'My clients only (2)' });
    await expect.poll(() => only.isEnabled(), WAIT).toBe(true);
    await only.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => rows.count(), WAIT).toBe(2);
    expect((await page.locator('table.board tbody th').allTextContents()).sort()).toEqual(
      mine.map((c) => c.name).sort(),
    );
    await expectAccessible(page, 'close board, my clients');
    await shoot(page, '30-my-clients');
    await page.keyboard.press('Space');
    await expect.poll(() => rows.count(), WAIT).toBe(4);
    expect(problems).toEqual([]);
    await page.context().close();

    // Someone with no client of their own is told why the board is empty.
    const junior = await openPage(browser);
    await signInAs(junior.page, origin, 'junior@demo.firm');
    const none = junior.page.getByRole('checkbox', { name: 'My clients only (0)' });
    await expect.poll(() => none.isEnabled(), WAIT).toBe(true);
    await none.focus();
    await junior.page.keyboard.press('Space');
    await junior.page.getByText('No client is assigned to you').waitFor(WAIT);
    expect(await junior.page.locator('table.board').count()).toBe(0);
    await expectAccessible(junior.page, 'close board, no client of my own');
    expect(junior.problems).toEqual([]);
    await junior.page.context().close();
  }, 120_000);
});
