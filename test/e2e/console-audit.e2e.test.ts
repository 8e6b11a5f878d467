import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfDayIn } from '../../packages/console/src/screens/audit/filters.ts';
import { nextDay, todayIn } from '../../packages/console/src/screens/workspace/format.ts';
import { codes, type Nodes, nodes } from '../support/client.ts';
import {
  expectAccessible,
  fitsTheWindow,
  launchChromium,
  openPage,
  shoot,
  signInAs,
  WAIT,
} from '../support/console-browser.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The audit trail screens in Chromium through the gateway: a client's trail against the API's
 * `auditEvents` (pages, every filter, hostile text), an event's detail, the chain verified and then
 * found broken where a superuser edited an event; the firm's own trail for who may read it, and
 * `me.mayReadFirmAudit` per role.
 */
let t: TestStack;
let browser: Browser;
let origin: string;
const SLUG = 'cafe-boquete';
let zone: string;

interface ApiEvent {
  id: string;
  chainSeq: string;
  action: string;
  actorEmail: string | null;
  hash: string;
}
const EVENT_FIELDS = 'id chainSeq action actorEmail hash';

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
  zone = (await t.as('senior', SLUG)<{ tenant: { timezone: string } }>('{ tenant { timezone } }')).data!
    .tenant.timezone;
  // Enough events for a second page, and some of today: entries posted by the senior.
  const today = todayIn(zone);
  for (let i = 0; i < 14; i++) {
    const r = await t.as('senior', SLUG)(
      `mutation ($k: String!, $d: Date!) { postJournalEntry(input: { postingDate: $d, memo: "Audit screen test", idempotencyKey: $k,
        lines: [{ accountCode: "1110", debit: "1.00" }, { accountCode: "4101", credit: "1.00" }] }) { id } }`,
      { k: `audit-screen-${i}`, d: today },
    );
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function apiEvents(filter: Record<string, unknown> = {}, first = 25, after?: string | null) {
  const r = await t.as('senior', SLUG)<{
    auditEvents: Nodes<ApiEvent> & { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  }>(
    `query ($f: AuditEventFilter, $n: Int!, $a: String) { auditEvents(filter: $f, first: $n, after: $a) {
      edges { node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
    { f: filter, n: first, a: after ?? null },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return { events: nodes(r.data!.auditEvents), pageInfo: r.data!.auditEvents.pageInfo };
}

const shownSeqs = (page: Page) =>
  page
    .locator('[data-testid=audit-events] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')));

/** The table shows exactly these events, in this order (waiting for the request to land). */
const showsEvents = async (page: Page, events: ApiEvent[]) => {
  if (events.length === 0) {
    await expect.poll(() => page.getByTestId('events-shown').textContent(), WAIT).toBe('No event matches.');
    expect(await page.locator('[data-testid=audit-events]').count()).toBe(0);
    return;
  }
  await expect.poll(() => shownSeqs(page), WAIT).toEqual(events.map((e) => e.chainSeq));
};

async function filterBy(page: Page, fields: Record<string, string>) {
  const form = page.getByRole('form', { name: 'Filter the trail' });
  await form.getByRole('button', { name: 'Clear' }).click();
  for (const [label, value] of Object.entries(fields))
    await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Apply filters' }).click();
}

describe("a client's audit trail", () => {
  it('shows the API’s events page by page, filtered as the API filters them, each in detail', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.goto(`${origin}/clients/${SLUG}`);
    await page
      .getByRole('navigation', { name: 'Client pages' })
      .getByRole('link', { name: 'Audit trail' })
      .click();
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/clients/${SLUG}/audit`);

    const first = await apiEvents();
    expect(first.pageInfo.hasNextPage).toBe(true);
    await showsEvents(page, first.events);
    expect(await page.getByTestId('events-shown').textContent()).toBe('Events 1–25 (newest first)');
    await expectAccessible(page, 'client audit trail');
    await shoot(page, '60-audit-trail');

    // Next: the API's second page after the first's cursor; Previous comes back.
    await page.getByRole('button', { name: 'Next' }).click();
    const second = await apiEvents({}, 25, first.pageInfo.endCursor);
    await showsEvents(page, second.events);
    expect(await page.getByTestId('events-shown').textContent()).toMatch(/^Events 26–/);
    await page.getByRole('button', { name: 'Previous' }).click();
    await showsEvents(page, first.events);

    // Each filter as the API applies it.
    await filterBy(page, { Action: 'journal_entry.' });
    const posted = await apiEvents({ action: 'journal_entry.' });
    expect(posted.events.length).toBeGreaterThan(0);
    expect(posted.events.every((e) => e.action.startsWith('journal_entry.'))).toBe(true);
    await showsEvents(page, posted.events);

    await filterBy(page, { Who: 'SENIOR@demo.firm', Action: 'journal_entry.posted' });
    const bySenior = await apiEvents({ actor: 'SENIOR@demo.firm', action: 'journal_entry.posted' });
    expect(bySenior.events.length).toBeGreaterThanOrEqual(14);
    await showsEvents(page, bySenior.events);
    // The filters are in the page's address: a reload (or a shared link) shows the trail filtered
    // alike, the form showing them; after Clear, Back returns to the filter.
    expect(new URL(page.url()).searchParams.get('actor')).toBe('SENIOR@demo.firm');
    await page.reload();
    await showsEvents(page, bySenior.events);
    const form = page.getByRole('form', { name: 'Filter the trail' });
    expect(await form.getByLabel('Who', { exact: true }).inputValue()).toBe('SENIOR@demo.firm');
    await form.getByRole('button', { name: 'Clear' }).click();
    await showsEvents(page, first.events);
    await page.goBack();
    await showsEvents(page, bySenior.events);
    expect(await form.getByLabel('Action', { exact: true }).inputValue()).toBe('journal_entry.posted');

    const one = bySenior.events[3]!;
    const entity = await t.as('senior', SLUG)<{
      auditEvents: Nodes<{ entityType: string; entityId: string }>;
    }>(
      `query ($f: AuditEventFilter) { auditEvents(filter: $f, first: 1) { edges { node { entityType entityId } } } }`,
      { f: { actor: 'senior@demo.firm', action: 'journal_entry.posted' } },
    );
    const target = nodes(entity.data!.auditEvents)[0]!;
    await filterBy(page, { 'Entity type': target.entityType, 'Entity id': target.entityId });
    await showsEvents(
      page,
      (await apiEvents({ entityType: target.entityType, entityId: target.entityId })).events,
    );

    // Days are the client's whole days: today's events, and none the day after.
    const today = todayIn(zone);
    await filterBy(page, { From: today, To: today });
    const todays = await apiEvents({
      from: startOfDayIn(today, zone),
      to: startOfDayIn(nextDay(today), zone),
    });
    expect(todays.events.length).toBeGreaterThanOrEqual(14);
    await showsEvents(page, todays.events);
    await filterBy(page, { From: nextDay(today) });
    await showsEvents(page, []);
    // A range backwards is said, not sent.
    await filterBy(page, { From: today, To: '2000-01-01' });
    await expect
      .poll(() => page.getByRole('form', { name: 'Filter the trail' }).getByRole('alert').textContent(), WAIT)
      .toBe('The first day comes after the last.');

    // Hostile text is only text: no match, no error.
    for (const hostile of ["%' OR 1=1 --", '_', '\\', 'journal_entry%']) {
      await filterBy(page, { Who: hostile, Action: hostile });
      await showsEvents(page, []);
      expect(await page.locator('.notice-error').count()).toBe(0);
    }

    // An event's detail: what the API recorded, its hash and a link to its entry.
    await filterBy(page, { Who: 'senior@demo.firm', Action: 'journal_entry.posted' });
    await showsEvents(page, bySenior.events);
    await page.getByRole('button', { name: `Details of event ${one.chainSeq}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor(WAIT);
    const detail = await dialog.getByTestId('event-detail').textContent();
    expect(detail).toContain(one.hash);
    expect(detail).toContain('senior@demo.firm');
    await expectAccessible(page, 'audit event detail');
    await shoot(page, '61-audit-event');
    await dialog.getByRole('link', { name: 'Open it' }).click();
    await expect
      .poll(() => new URL(page.url()).pathname, WAIT)
      .toMatch(new RegExp(`^/clients/${SLUG}/entries/`));

    // A tablet: the page never scrolls sideways.
    await page.goto(`${origin}/clients/${SLUG}/audit`);
    await page.setViewportSize({ width: 820, height: 1180 });
    await showsEvents(page, first.events);
    expect(await fitsTheWindow(page)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('verifies the chain, and names where and why it breaks once an event was edited behind the application', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'reviewer@demo.firm');
    await page.goto(`${origin}/clients/${SLUG}/audit`);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const status = page.getByTestId('chain-status');
    await status.waitFor(WAIT);
    const api = await t.as(
      'reviewer',
      SLUG,
    )<{ verifyAuditChain: { ok: boolean; checked: number; headSeq: string; headHash: string } }>(
      '{ verifyAuditChain { ok checked headSeq headHash } }',
    );
    expect(api.data!.verifyAuditChain.ok).toBe(true);
    expect(await status.getAttribute('data-ok')).toBe('true');
    const text = await status.textContent();
    expect(text).toContain('The chain verifies.');
    expect(text).toContain(`All ${api.data!.verifyAuditChain.checked} events`);
    expect(text).toContain(`event #${api.data!.verifyAuditChain.headSeq}`);
    expect(text).toContain(api.data!.verifyAuditChain.headHash);
    await expectAccessible(page, 'chain verified');

    // A superuser rewrites an event's reason behind the application's back.
    await t.tenantSql(SLUG, 'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    const [edited] = await t
      .tenantSql<{ chain_seq: string; action: string }>(
        SLUG,
        `UPDATE audit_events SET reason = 'rewritten afterwards by hand'
         WHERE chain_seq = (SELECT max(chain_seq) - 3 FROM audit_events) RETURNING chain_seq::text, action`,
      )
      .finally(() => t.tenantSql(SLUG, 'ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only'));
    expect(edited).toBeDefined();
    await page.getByRole('button', { name: 'Verify again' }).click();
    await expect.poll(() => status.getAttribute('data-ok'), WAIT).toBe('false');
    const broken = await status.textContent();
    expect(broken).toContain(`The chain is broken at event #${edited!.chain_seq}`);
    expect(broken).toContain(edited!.action);
    expect(broken).toContain('its content no longer matches its hash: it was changed after it was recorded');
    expect(broken).toContain('HASH_MISMATCH');
    await expectAccessible(page, 'chain broken');
    await shoot(page, '62-audit-chain-broken');
    await status.getByRole('button', { name: 'Show that event' }).click();
    await expect
      .poll(() => page.getByRole('dialog').getByRole('heading').first().textContent(), WAIT)
      .toContain(`Event #${edited!.chain_seq}`);
    expect(problems).toEqual([]);
  });

  it('is neither offered nor shown to who may not read the trail', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'junior@demo.firm');
    await page.goto(`${origin}/clients/${SLUG}`);
    const nav = page.getByRole('navigation', { name: 'Client pages' });
    await nav.getByRole('link', { name: 'Trial balance' }).waitFor(WAIT);
    expect(await nav.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await page.goto(`${origin}/clients/${SLUG}/audit`);
    const alert = page.getByRole('alert').filter({ hasText: 'The audit trail could not be loaded' });
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('FORBIDDEN');
    expect(await page.locator('[data-testid=audit-events]').count()).toBe(0);
    // Nothing to act on in a refused trail: no chain to verify, no filters to set.
    expect(await page.getByRole('button', { name: 'Verify the chain' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Apply filters' }).count()).toBe(0);
    await expectAccessible(page, 'audit trail refused');
    expect(problems).toEqual([]);
  });
});

describe("the firm's audit trail", () => {
  const mayRead: Record<DemoUser, boolean> = {
    admin: true,
    reviewer: true,
    senior: false,
    junior: false,
    client: false,
  };

  const ALL = ['FIRM_ADMIN', 'SENIOR', 'JUNIOR', 'EXTERNAL_REVIEWER', 'CLIENT_READ_ONLY', 'NO_ACCESS'];
  const GRANTS: Record<DemoUser, { mayDeactivatePeople: boolean; grantableRoles: string[] }> = {
    admin: { mayDeactivatePeople: true, grantableRoles: ALL },
    senior: {
      mayDeactivatePeople: false,
      grantableRoles: ['SENIOR', 'JUNIOR', 'CLIENT_READ_ONLY', 'NO_ACCESS'],
    },
    junior: { mayDeactivatePeople: false, grantableRoles: [] },
    reviewer: { mayDeactivatePeople: false, grantableRoles: [] },
    client: { mayDeactivatePeople: false, grantableRoles: [] },
  };

  it('me.mayReadFirmAudit says who holds Audit.ReadFirm, and firmAuditEvents agrees; me says who may deactivate and grant what', async () => {
    for (const [who, expected] of Object.entries(mayRead) as [DemoUser, boolean][]) {
      const me = await t.as(who)<{ me: { mayReadFirmAudit: boolean } }>('{ me { mayReadFirmAudit } }');
      expect(me.data?.me.mayReadFirmAudit, who).toBe(expected);
      const trail = await t.as(who)('{ firmAuditEvents(first: 1) { edges { node { id } } } }');
      // The people screen's actions, as the API offers them (issue 15: a Senior was offered Deactivate).
      const people = await t.as(who)<{ me: { mayDeactivatePeople: boolean; grantableRoles: string[] } }>(
        '{ me { mayDeactivatePeople grantableRoles } }',
      );
      expect(people.data?.me, who).toEqual(GRANTS[who]);
      expect(codes(trail).includes('FORBIDDEN'), who).toBe(!expected);
    }
  });

  it('shows the firm’s events, filtered by client, and verifies the control plane’s chain', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'admin@demo.firm');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Firm audit' }).click();
    await page.getByRole('heading', { name: 'Firm audit trail' }).waitFor(WAIT);
    const firm = async (filter: Record<string, unknown>) => {
      const r = await t.as('admin')<{ firmAuditEvents: Nodes<ApiEvent> }>(
        `query ($f: FirmAuditEventFilter) { firmAuditEvents(filter: $f, first: 25) { edges { node { ${EVENT_FIELDS} } } } }`,
        { f: filter },
      );
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return nodes(r.data!.firmAuditEvents);
    };
    const all = await firm({});
    expect(all.length).toBeGreaterThan(0);
    await showsEvents(page, all);
    await expectAccessible(page, 'firm audit trail');
    await shoot(page, '63-firm-audit-trail');

    await filterBy(page, { Client: SLUG });
    const ofClient = await firm({ tenant: SLUG });
    expect(ofClient.length).toBeGreaterThan(0);
    expect(ofClient.length).toBeLessThan(all.length);
    await showsEvents(page, ofClient);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const status = page.getByTestId('chain-status');
    await status.waitFor(WAIT);
    const api = await t.as('admin')<{ verifyFirmAuditChain: { ok: boolean; headSeq: string } }>(
      '{ verifyFirmAuditChain { ok headSeq } }',
    );
    expect(api.data!.verifyFirmAuditChain.ok).toBe(true);
    expect(await status.textContent()).toContain('The chain verifies.');
    await expectAccessible(page, 'firm chain verified');
    expect(problems).toEqual([]);
  });

  it('is not offered to a Senior, and typed by hand shows the API’s refusal', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('link', { name: 'Close board' }).waitFor(WAIT);
    expect(await nav.getByRole('link', { name: 'Firm audit' }).count()).toBe(0);
    await page.goto(`${origin}/audit`);
    const alert = page.getByRole('alert').filter({ hasText: "The firm's audit trail could not be loaded" });
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('FORBIDDEN');
    expect(await page.getByRole('button', { name: 'Verify the chain' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Apply filters' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
