import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AxeResults, RunOptions } from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The firm console's browser tests' shared means: Debian's Chromium (installed by .ci/run) driven
 * by playwright-core, axe-core on every screen, screenshots into test/output/console/ (gitignored).
 */
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../output/console/', import.meta.url));

/** How long a screen may take to show what the API answered (a bound, not a measurement). */
export const WAIT = { timeout: 30_000 };

export async function launchChromium(): Promise<Browser> {
  // No skipping: CI installs Chromium with apt, and a machine without it fails here, saying so.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This network is closed: without the background-networking flags Chromium stalls on start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (its own storage) on a 1280 px wide screen, recording what goes wrong; in
 * the machine's time zone unless `timezoneId` names the person's.
 */
export async function openPage(
  browser: Browser,
  options: { timezoneId?: string } = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // A Content-Security-Policy violation is reported as a console error: the console must cause none.
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`console: ${msg.text()} at ${JSON.stringify(msg.location())}`);
    }
  });
  // A file of the console's own that is not there (a missing icon, chunk or style): none may be.
  page.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (res.status() === 404 && !/^\/(graphql|exports|auth)(\/|$)/.test(pathname)) {
      problems.push(`not found: ${pathname}`);
    }
  });
  return { page, problems };
}

/** WCAG 2.1 A/AA; passes are counted, not listed (`resultTypes`). */
const WCAG_21_AA: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
};
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page as it is: no serious or critical violation of WCAG 2.1 A/AA. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // axe-core goes into the page once per load and stays through the console's own navigations.
  // (@axe-core/playwright put its 580 kB in again for every check: most of each check's time.) The
  // console has no frames, so axe.run in the page itself checks everything.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate((options) => {
    const g = globalThis as unknown as { axe: { run(c: unknown, o: RunOptions): Promise<AxeResults> } };
    return g.axe.run((globalThis as unknown as { document: unknown }).document, options);
  }, WCAG_21_AA);
  expect(page.frames(), `${screen} has no frames for axe to miss`).toHaveLength(1);
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${screen}`).toEqual([]);
  expect(result.passes.length, `axe ran its rules on ${screen}`).toBeGreaterThan(0);
}

export const shoot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });

/** Sign in with the local issuer's list of people, as the demo user with that email. */
export async function signInAs(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Sign in to cifraHQ' }).waitFor();
  await page.getByRole('button', { name: new RegExp(email.replace('.', '\\.')) }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** The page is no wider than the window: only tables scroll sideways, in their own boxes. */
export const fitsTheWindow = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/**
 * How the header's screen links lie: how many rows they take, and how many break their own label
 * over two lines (its text's line boxes at more than one height).
 */
export const headerLinks = (page: Page) =>
  page.locator('.app-nav .nav-link').evaluateAll((links) => {
    type Range = { selectNodeContents(n: unknown): void; getClientRects(): ArrayLike<{ top: number }> };
    const doc = (globalThis as unknown as { document: { createRange(): Range } }).document;
    const lines = (l: unknown) => {
      const range = doc.createRange();
      range.selectNodeContents(l);
      return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
    };
    const rows = new Set(links.map((l) => Math.round(l.getBoundingClientRect().top)));
    return { links: links.length, rows: rows.size, broken: links.filter((l) => lines(l) > 1).length };
  });
