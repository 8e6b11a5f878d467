import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openPage } from '../support/console-browser.ts';

/**
 * The console's browser tests lean on `expectAccessible` (axe-core put into the page once per load):
 * it must refuse a serious violation, pass a clean page, and check again after the page is replaced.
 */
let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium();
  ({ page } = await openPage(browser));
});
afterAll(() => browser?.close());

const html = (body: string) =>
  `<html lang="en"><head><title>check</title></head><body><main><h1>Check</h1>${body}</main></body></html>`;

/** The rule ids a refused check named. */
async function refusedRules(screen: string): Promise<string> {
  const err = await expectAccessible(page, screen).then(
    () => undefined,
    (e: { actual?: unknown }) => e,
  );
  expect(err, `${screen} was refused`).toBeDefined();
  return JSON.stringify(err?.actual);
}

describe('the accessibility check of the console tests', () => {
  it('refuses low contrast and an image without text, passes a clean page, on every page load', async () => {
    await page.setContent(html('<p style="color:#ccc;background:#fff">Low contrast</p>'));
    expect(await refusedRules('low contrast')).toMatch(/color-contrast/);
    await page.setContent(html('<p>Plain text</p>'));
    await expectAccessible(page, 'clean');
    // Still in the page: axe is not put in again, and still sees what changed since.
    await page.evaluate(
      'document.querySelector("main").insertAdjacentHTML("beforeend", "<img src=\\"data:,\\">")',
    );
    expect(await refusedRules('image added')).toMatch(/image-alt/);
  });
});
