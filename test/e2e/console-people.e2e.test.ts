import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Nodes, nodes } from '../support/client.ts';
import {
  expectAccessible,
  fitsTheWindow,
  headerLinks,
  launchChromium,
  openPage,
  shoot,
  signInAs,
  WAIT,
} from '../support/console-browser.ts';
import { clientFacts, documentsOf } from '../support/console-workspace.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * People and roles in Chromium, as the FirmAdmin: the members as the API lists them, a member
 * added, a client role given, refused for a short reason and then revoked with one, a wall put
 * up, one's own access refused, a member removed; a Junior is refused the screen.
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

interface ApiMember {
  userId: string;
  email: string;
  displayName: string;
  firmRole: string | null;
  clientRoles: { role: string; tenant: { slug: string; name: string } }[];
}

const members = async () => {
  const r = await t.as('admin')<{ firmMembersConnection: Nodes<ApiMember> }>(
    '{ firmMembersConnection(first: 100) { edges { node { userId email displayName firmRole clientRoles { role tenant { slug name } } } } } }',
  );
  expect(r.errors).toBeUndefined();
  return nodes(r.data!.firmMembersConnection);
};
const member = async (email: string) => (await members()).find((m) => m.email === email);
const memberActive = async (email: string) => {
  const r = await t.as('admin')<{ firmMembersConnection: Nodes<{ active: boolean }> }>(
    'query($s: String) { firmMembersConnection(search: $s) { edges { node { active } } } }',
    { s: email },
  );
  return nodes(r.data?.firmMembersConnection)[0]?.active;
};

/** Choose an option of a React Aria select by keyboard. */
async function choose(page: Page, scope: Page | Locator, select: RegExp, option: RegExp): Promise<void> {
  const button = scope.getByRole('button', { name: select });
  await expect.poll(() => button.isEnabled(), WAIT).toBe(true);
  await button.focus();
  await page.keyboard.press('Enter');
  const o = page.getByRole('option', { name: option });
  await o.waitFor(WAIT);
  await o.focus();
  await page.keyboard.press('Enter');
  await o.waitFor({ state: 'detached', ...WAIT });
}

/** Pick a client in the dialog's search box: type part of its name, choose the option by keyboard. */
async function pickClient(page: Page, scope: Locator, typed: string, option: RegExp): Promise<void> {
  const box = scope.getByRole('combobox', { name: 'Client' });
  await box.fill(typed);
  const o = page.getByRole('option', { name: option });
  await o.waitFor(WAIT);
  await expect.poll(() => page.getByRole('option').count(), WAIT).toBe(1);
  await box.press('ArrowDown');
  await box.press('Enter');
  await o.waitFor({ state: 'detached', ...WAIT });
}

const NEW = { email: 'nadia@demo.firm', name: 'Nadia Nueva' };
const LONG_REASON = 'Engagement on this client ended in March';
const CLIENT = 'cafe-boquete';

describe('people and roles in the console', () => {
  it('lets the FirmAdmin add a member, give, revoke and wall off client roles, deactivate and reactivate, and remove them', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'admin@demo.firm');
    await page.getByRole('link', { name: 'People and roles' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'People and roles' }).waitFor();
    const rows = page.locator('table.members tbody tr');
    const api = await members();
    await expect.poll(() => rows.count(), WAIT).toBe(api.length);
    // Each person's roles as the API gives them (Carlos Client: read only on one client).
    const carlos = api.find((m) => m.email === 'client@demo.firm')!;
    expect(carlos.clientRoles).toHaveLength(1);
    const carlosRow = page.locator('tr[data-email="client@demo.firm"]');
    expect(await carlosRow.locator('[data-field="client-roles"]').textContent()).toBe(
      `${carlos.clientRoles[0]!.tenant.name}: Client, read only`,
    );
    expect(await carlosRow.locator('[data-field="firm-role"]').textContent()).toBe(
      'None (client roles only)',
    );
    expect(
      await page.locator('tr[data-email="senior@demo.firm"] [data-field="firm-role"]').textContent(),
    ).toBe('Senior');
    await expectAccessible(page, 'people');
    await shoot(page, '20-people');
    // A firm admin's six screen links fit one row of the header at 1280 px, none broken in two.
    expect(await headerLinks(page)).toEqual({ links: 6, rows: 1, broken: 0 });

    // Add a member as a Junior (the default), by keyboard.
    await page.getByRole('textbox', { name: 'Email' }).fill(NEW.email);
    await page.getByRole('textbox', { name: 'Name' }).fill(NEW.name);
    await page.getByRole('button', { name: 'Add to the firm' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(`${NEW.name} (${NEW.email}) is now a member: Junior.`).waitFor(WAIT);
    await expect.poll(() => rows.count(), WAIT).toBe(api.length + 1);
    expect(await member(NEW.email)).toMatchObject({ firmRole: 'JUNIOR', clientRoles: [] });

    // Her dialog: Senior on Café Boquete (more permissions: no reason asked).
    await page.getByRole('button', { name: `Manage ${NEW.name}` }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(NEW.name) });
    await dialog.waitFor();
    await pickClient(page, dialog, 'boquete', /^Café Boquete/);
    await choose(page, dialog, /Role on that client$/, /^Senior/);
    await dialog.getByRole('button', { name: 'Give this role' }).click();
    await dialog.getByText(`${NEW.name} is now Senior on Café Boquete, S.A.`).waitFor(WAIT);
    expect((await member(NEW.email))!.clientRoles).toEqual([
      { role: 'SENIOR', tenant: { slug: 'cafe-boquete', name: 'Café Boquete, S.A.' } },
    ]);
    await expectAccessible(page, 'a member managed');
    await shoot(page, '21-member-dialog');

    // Revoking needs a reason of 20 characters: refused, in words with its code, once; then done.
    const reason = dialog.getByRole('textbox', { name: 'Reason' });
    await reason.fill('too short');
    expect(await dialog.getByText(/^9 of at least 20 characters/).count()).toBe(1);
    const revoke = dialog.getByRole('button', { name: `Revoke ${NEW.name}'s role on Café Boquete, S.A.` });
    await revoke.click();
    const refused = dialog.getByRole('alert').filter({ hasText: 'was not revoked' });
    await refused.waitFor(WAIT);
    expect(await refused.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^REASON_TOO_SHORT /),
    ]);
    expect(await page.getByText('REASON_TOO_SHORT', { exact: true }).count()).toBe(1);
    expect((await member(NEW.email))!.clientRoles).toHaveLength(1);
    await reason.fill(LONG_REASON);
    await revoke.click();
    await dialog.getByText(/role on Café Boquete, S\.A\. is revoked/).waitFor(WAIT);
    expect(await refused.count()).toBe(0);
    expect((await member(NEW.email))!.clientRoles).toEqual([]);

    // An ethical wall on Logística Canal (fewer permissions there: the reason is sent).
    await pickClient(page, dialog, 'Logística', /^Logística Canal/);
    await choose(page, dialog, /Role on that client$/, /^No access/);
    await dialog.getByRole('button', { name: 'Give this role' }).click();
    await dialog
      .getByText(`${NEW.name} is now No access (ethical wall) on Logística Canal, S.A.`)
      .waitFor(WAIT);
    expect((await member(NEW.email))!.clientRoles).toEqual([
      { role: 'NO_ACCESS', tenant: { slug: 'logistica-canal', name: 'Logística Canal, S.A.' } },
    ]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.locator(`tr[data-email="${NEW.email}"] [data-field="walls"]`).textContent(), WAIT)
      .toBe('Logística Canal, S.A.');

    // Nobody changes their own access: the refusal is shown with its code.
    await page.getByRole('button', { name: 'Manage Ana Admin' }).click();
    const own = page.getByRole('dialog', { name: /Ana Admin/ });
    await own.waitFor();
    await own.getByRole('textbox', { name: 'Reason' }).fill(LONG_REASON);
    await choose(page, own, /New firm-wide role$/, /^Senior/);
    await own.getByRole('button', { name: 'Change firm-wide role' }).click();
    const self = own.getByRole('alert').filter({ hasText: 'The firm-wide role was not changed' });
    await self.waitFor(WAIT);
    expect(await self.textContent()).toContain('SELF_ACCESS_CHANGE');
    expect((await member('admin@demo.firm'))!.firmRole).toBe('FIRM_ADMIN');
    await expectAccessible(page, 'own access refused');
    await page.keyboard.press('Escape');

    // Deactivation: Nadia, signed in in another browser, is signed out at her next request and is
    // no longer offered at sign-in; reactivated, she signs in again.
    const other = await openPage(browser);
    await signInAs(other.page, origin, NEW.email);
    await page.getByRole('button', { name: `Manage ${NEW.name}` }).click();
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Reason' }).fill(LONG_REASON);
    await dialog.getByRole('button', { name: `Deactivate ${NEW.name}` }).click();
    await dialog.getByText(`${NEW.name} is deactivated: their next request is refused.`).waitFor(WAIT);
    expect(await memberActive(NEW.email)).toBe(false);
    await dialog.getByRole('heading', { name: 'Access: deactivated' }).waitFor(WAIT);
    await expectAccessible(page, 'a member deactivated');
    await shoot(page, '25-member-deactivated');
    await other.page.reload();
    await other.page.getByRole('heading', { name: 'Sign in to cifraHQ' }).waitFor(WAIT);
    expect(await other.page.getByRole('button', { name: new RegExp(NEW.email) }).count()).toBe(0);
    await dialog.getByRole('button', { name: `Reactivate ${NEW.name}` }).click();
    await dialog.getByText(`${NEW.name} is active again, with the same roles.`).waitFor(WAIT);
    expect(await memberActive(NEW.email)).toBe(true);
    await signInAs(other.page, origin, NEW.email);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.locator(`tr[data-email="${NEW.email}"] th`).textContent(), WAIT)
      .not.toContain('deactivated');

    // Removal, with the reason.
    await page.getByRole('button', { name: `Manage ${NEW.name}` }).click();
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Reason' }).fill(LONG_REASON);
    await dialog.getByRole('button', { name: `Remove ${NEW.name} from the firm` }).click();
    await page.locator(`tr[data-email="${NEW.email}"]`).waitFor({ state: 'detached', ...WAIT });
    expect(await member(NEW.email)).toBeUndefined();

    // On a tablet the page does not scroll sideways.
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await fitsTheWindow(page)).toBe(true);
    await expectAccessible(page, 'people on a tablet');
    await shoot(page, '22-people-tablet');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('offers People and roles to whom may manage people; a Junior, typing its address, is refused', async () => {
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.getByRole('link', { name: 'People and roles' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, origin, 'junior@demo.firm');
    // The header is drawn from `me`: once it names the Junior, the links are final.
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('junior@demo.firm');
    expect(await page.getByRole('link', { name: 'People and roles' }).count()).toBe(0);
    await page.goto(`${origin}/people`);
    const refusal = page.getByRole('alert').filter({ hasText: "The firm's people could not be loaded" });
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain('FORBIDDEN');
    expect(await page.locator('table.members').count()).toBe(0);
    await expectAccessible(page, 'people refused');
    await shoot(page, '23-people-refused');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("shows a Senior the admin's dialog with no action, and a Junior's with only the roles a Senior may grant and no deactivation", async () => {
    const me = await t.as('senior')<{ me: { grantableRoles: string[] } }>('{ me { grantableRoles } }');
    const grantable = me.data!.me.grantableRoles;
    expect(grantable).not.toContain('FIRM_ADMIN');
    const junior = (await member('junior@demo.firm'))!;
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'senior@demo.firm');
    await page.getByRole('link', { name: 'People and roles' }).click();

    await page.getByRole('button', { name: 'Manage Ana Admin' }).click();
    const admin = page.getByRole('dialog', { name: /Ana Admin/ });
    await admin.getByTestId('not-yours').waitFor(WAIT);
    expect(await admin.getByRole('button', { name: 'Change firm-wide role' }).count()).toBe(0);
    expect(await admin.getByRole('textbox', { name: 'Reason' }).count()).toBe(0);
    await expectAccessible(page, "a Senior on the admin's dialog");
    await page.keyboard.press('Escape');
    await admin.waitFor({ state: 'detached', ...WAIT });

    await page.getByRole('button', { name: `Manage ${junior.displayName}` }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(junior.displayName) });
    await dialog.getByRole('button', { name: 'Change firm-wide role' }).waitFor(WAIT);
    expect(await dialog.getByTestId('not-yours').count()).toBe(0);
    expect(await dialog.getByRole('button', { name: /^Deactivate/ }).count()).toBe(0);
    const select = dialog.getByRole('button', { name: /New firm-wide role$/ });
    await select.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('listbox').waitFor(WAIT);
    const offered = await page.getByRole('option').allTextContents();
    // Every role offered is one the API says a Senior may grant (and "no firm-wide role").
    expect(offered.some((o) => /admin/i.test(o))).toBe(false);
    expect(offered.length).toBe(grantable.filter((r) => r !== 'NO_ACCESS').length + 1);
    await page.keyboard.press('Escape');
    await expectAccessible(page, "a Senior on a Junior's dialog");
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });

    // The add form offers the same roles: none the API would refuse the Senior to give.
    const addRole = page.getByRole('button', { name: /Firm-wide role$/ });
    await addRole.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('listbox').waitFor(WAIT);
    const addable = await page.getByRole('option').allTextContents();
    expect(addable.some((o) => /admin|reviewer/i.test(o))).toBe(false);
    expect(addable.length).toBe(grantable.filter((r) => r !== 'NO_ACCESS').length + 1);
    await page.keyboard.press('Escape');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("pages the members 25 at a time, in the API's order, and searches them", async () => {
    // 30 more people than the demo's: two pages at least.
    for (let i = 0; i < 30; i++) {
      const n = String(i).padStart(2, '0');
      const r = await t.as('admin')(
        `mutation { addFirmMember(input: { email: "paged-${n}@demo.firm", displayName: "Paged ${n}", firmRole: JUNIOR }) { userId } }`,
      );
      expect(r.errors).toBeUndefined();
    }
    const api = (await members()).map((m) => m.email);
    expect(api.length).toBeGreaterThan(30);
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'admin@demo.firm');
    await page.getByRole('link', { name: 'People and roles' }).click();
    const rows = page.locator('table.members tbody tr');
    const emails = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
    await expect.poll(emails, WAIT).toEqual(api.slice(0, 25));
    const shown = page.getByTestId('members-shown');
    expect(await shown.textContent()).toBe('Members 1–25');
    const previous = page.getByRole('button', { name: 'Previous' });
    const next = page.getByRole('button', { name: 'Next' });
    expect(await previous.isDisabled()).toBe(true);
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(emails, WAIT).toEqual(api.slice(25, 50));
    expect(await shown.textContent()).toBe(
      api.length <= 50 ? `Members 26–${api.length} of ${api.length}` : 'Members 26–50',
    );
    await expectAccessible(page, 'people, second page');
    await shoot(page, '24-people-page-2');
    await previous.click();
    await expect.poll(emails, WAIT).toEqual(api.slice(0, 25));

    // The search goes to the API (name or email, any case) and starts again at the first page.
    await page.getByRole('searchbox', { name: 'Search people' }).fill('PAGED 1');
    const ten = api.filter((e) => e.startsWith('paged-1'));
    expect(ten).toHaveLength(10);
    await expect.poll(emails, WAIT).toEqual(ten);
    expect(await shown.textContent()).toBe('Members 1–10 of 10');
    expect(await next.isDisabled()).toBe(true);
    await page.getByRole('searchbox', { name: 'Search people' }).fill('nobody-like-this');
    await expect.poll(() => shown.textContent(), WAIT).toBe('Nobody matches “nobody-like-this”.');
    await expectAccessible(page, 'people, nobody found');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('forgets what the API refuses mid-session: a walled Junior sees no figures, a lowered Senior no members', async () => {
    const byEmail = async (email: string) => (await member(email))!.userId;
    // An open invoice: the client's documents and its receivables have a row each.
    const docs = documentsOf(t, CLIENT);
    const party = await docs.party('CUSTOMER', 'WALL-1', 'Cliente del Muro', 'PAB');
    const { today } = await clientFacts(t, CLIENT);
    const lines = [{ accountCode: '4101', quantity: '1', unitPrice: '100.00', taxCode: 'EXENTO' }];
    await docs.invoice('SALES', { partyId: party, documentDate: today, dueDate: today, lines });
    const { page, problems } = await openPage(browser);
    await signInAs(page, origin, 'junior@demo.firm');
    const amounts = page.locator('main [data-amount]');
    const clientPages = page.getByRole('navigation', { name: 'Client pages' });
    const go = (label: string) => clientPages.getByRole('link', { name: label, exact: true }).click();
    await page.goto(`${origin}/clients/${CLIENT}/documents`);
    await page.getByTestId('documents').waitFor(WAIT);
    await go('AR/AP aging');
    await page.getByTestId('aging-ar-table').waitFor(WAIT);
    await go('Trial balance');
    await page.getByTestId('tb-total-debit').waitFor(WAIT);

    // The network down: the screen says so and shows no figure of its last answer.
    await page.route('**/graphql', (r) => r.abort());
    await go('Documents');
    await go('Trial balance');
    await page.getByRole('alert').filter({ hasText: 'NETWORK_ERROR' }).waitFor(WAIT);
    expect(await amounts.count()).toBe(0);
    await page.unroute('**/graphql');

    // Walled off the client while on it: the next request is refused and nothing of it stays.
    const walled = await t.as('admin')(
      'mutation($u: ID!, $t: String!, $r: String) { assignClientRole(userId: $u, tenant: $t, role: NO_ACCESS, reason: $r) { userId } }',
      { u: await byEmail('junior@demo.firm'), t: CLIENT, r: LONG_REASON },
    );
    expect(walled.errors).toBeUndefined();
    await go('Documents');
    const noAccess = page.getByRole('alert').filter({ hasText: `You have no access to client ${CLIENT}` });
    await noAccess.first().waitFor(WAIT);
    expect(await noAccess.first().textContent()).toContain('FORBIDDEN');
    await expect.poll(() => clientPages.count(), WAIT).toBe(0);
    for (const gone of ['documents', 'trial-balance', 'aging-ar-table']) {
      expect(await page.getByTestId(gone).count()).toBe(0);
    }
    expect(await amounts.count()).toBe(0);
    expect(await page.getByText(/you are Junior/).count()).toBe(0);
    // Back on its trial balance by address within the tab: refused, no cached figure.
    await page.evaluate(
      `history.pushState(null, '', '/clients/${CLIENT}/trial-balance'); dispatchEvent(new PopStateEvent('popstate'))`,
    );
    await noAccess.first().waitFor(WAIT);
    expect(await amounts.count()).toBe(0);
    await expectAccessible(page, 'a walled Junior refused');
    await page.context().close();

    // A Senior on People and roles, lowered to Junior meanwhile: no member, form or link stays.
    const senior = await openPage(browser);
    await signInAs(senior.page, origin, 'senior@demo.firm');
    const header = senior.page.getByRole('navigation', { name: 'Screens' });
    await header.getByRole('link', { name: 'People and roles' }).click();
    const rows = senior.page.locator('table.members tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBeGreaterThan(0);
    const lowered = await t.as('admin')(
      'mutation($u: ID!, $r: String) { changeFirmRole(userId: $u, role: JUNIOR, reason: $r) { userId } }',
      { u: await byEmail('senior@demo.firm'), r: LONG_REASON },
    );
    expect(lowered.errors).toBeUndefined();
    await header.getByRole('link', { name: 'Close board' }).click();
    await header.getByRole('link', { name: 'People and roles' }).click();
    const refused = senior.page
      .getByRole('alert')
      .filter({ hasText: "The firm's people could not be loaded" });
    await refused.waitFor(WAIT);
    expect(await refused.textContent()).toContain('FORBIDDEN');
    await expect.poll(() => senior.page.getByTestId('signed-in-as').textContent(), WAIT).toContain('JUNIOR');
    expect(await header.getByRole('link', { name: 'People and roles' }).count()).toBe(0);
    expect(await senior.page.locator('table.members').count()).toBe(0);
    expect(await senior.page.getByRole('button', { name: /^Manage / }).count()).toBe(0);
    expect(await senior.page.getByRole('button', { name: 'Add to the firm' }).count()).toBe(0);
    await expectAccessible(senior.page, 'a lowered Senior refused');
    expect([...problems, ...senior.problems]).toEqual([]);
    await senior.page.context().close();

    // As they were, for whatever runs next.
    await t.as('admin')(
      'mutation($u: ID!, $r: String) { changeFirmRole(userId: $u, role: SENIOR, reason: $r) { userId } }',
      { u: await byEmail('senior@demo.firm'), r: LONG_REASON },
    );
    await t.as('admin')(
      'mutation($u: ID!, $t: String!, $r: String!) { revokeClientRole(userId: $u, tenant: $t, reason: $r) { userId } }',
      { u: await byEmail('junior@demo.firm'), t: CLIENT, r: LONG_REASON },
    );
  }, 180_000);
});
