import { control } from '@cifra/db';
import { runRecurringForClient } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import {
  APPROVE,
  booksOf,
  CREATE,
  cents,
  d,
  END,
  lastDay,
  type Made,
  POST,
  RUN,
  rent,
  TEMPLATE,
  type Template,
  UPDATE,
  YEAR,
} from '../support/recurring.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Issue 18 §7 through the gateway with real tokens: recurring journal templates (drafts, or posts
 * when the client's setting says so, once per occurrence), the month-end checklist items that show
 * what is missing, and the worker's job (called as a function against the real databases, no
 * timing). Scheduled reversals of accruals: scheduled-reversals.e2e.test.ts.
 */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 120_000);
afterAll(() => t?.close());
const { count, checklist, closeMonth, balance } = booksOf(() => t);

describe('recurring journal templates', () => {
  const slug = 'cafe-boquete';

  it('refuses bad templates with stable codes and writes nothing; junior may not write one', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ dayOfMonth: 0 }, 'BAD_USER_INPUT'],
      [{ dayOfMonth: 32 }, 'BAD_USER_INPUT'],
      [{ endDate: d(1, 1), startDate: d(2, 1) }, 'BAD_USER_INPUT'],
      [{ startDate: `${YEAR}-02-30` }, 'BAD_USER_INPUT'],
      [{ name: '' }, 'BAD_USER_INPUT'],
      [
        {
          lines: [
            { accountCode: '6201', debit: '1500.00' },
            { accountCode: '1110', credit: '1499.99' },
          ],
        },
        'UNBALANCED_ENTRY',
      ],
      [
        {
          lines: [
            { accountCode: '6201', debit: '1500.00' },
            { accountCode: '9999', credit: '1500.00' },
          ],
        },
        'BAD_USER_INPUT',
      ],
    ];
    for (const [over, code] of bad)
      expect(codes(await t.as('senior', slug)(CREATE, rent(over)))).toEqual([code]);
    // Before the day the books start (the first posting period's, 1 January): it could never post.
    const early = await t.as('senior', slug)(CREATE, rent({ startDate: `${YEAR - 1}-12-31` }));
    expect(early.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'startDate',
      booksStart: d(1, 1),
    });
    expect(codes(await t.as('junior', slug)(CREATE, rent()))).toEqual(['FORBIDDEN']);
    expect(await count(slug, 'recurring_templates')).toBe(0);
    expect(await count(slug, 'recurring_template_lines')).toBe(0);
  });

  it('makes rent of 1,500.00 on day 31 as three drafts for January to March (4,500.00), once however often it runs', async () => {
    const created = await t.as('senior', slug)<{ createRecurringEntryTemplate: Template }>(CREATE, rent());
    expect(created.errors).toBeUndefined();
    const template = created.data!.createRecurringEntryTemplate;
    expect(template).toMatchObject({ totalDebit: '1500.00', createdByEmail: 'senior@demo.firm', runs: [] });

    const first = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(3) });
    expect(first.errors).toBeUndefined();
    expect(first.data!.runRecurringEntries.made.map((r) => [r.occurrenceDate, r.status])).toEqual([
      [lastDay(1), 'DRAFTED'],
      [lastDay(2), 'DRAFTED'],
      [lastDay(3), 'DRAFTED'],
    ]);
    const again = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(3) });
    expect(again.data!.runRecurringEntries).toMatchObject({ made: [], refused: [] });

    const read = await t.as('reviewer', slug)<{ recurringEntryTemplate: Template }>(TEMPLATE, {
      id: template.id,
    });
    const drafts = read.data!.recurringEntryTemplate.runs.map((r) => r.draft!);
    expect(drafts.map((x) => x.postingDate)).toEqual([lastDay(3), lastDay(2), lastDay(1)]);
    expect(drafts.reduce((s, x) => s + cents(x.totalDebit), 0n)).toBe(3n * 150_000n);
    // The template's author is the drafts' maker: someone else approves them.
    expect(drafts.every((x) => x.createdByEmail === 'senior@demo.firm')).toBe(true);
    expect(await count(slug, 'journal_drafts')).toBe(3);
  });

  it("refuses a run as of a day after the books' last (9999-12-31 among them), naming it, writing nothing", async () => {
    // The client's last year is the one it was provisioned in (books-year.ts), its last day after today.
    const lastBooksDay = `${provisionedYear()}-12-31`;
    const footprint = async () =>
      (await count(slug, 'recurring_runs')) +
      (await count(slug, 'journal_drafts')) +
      (await count(slug, 'audit_events'));
    const before = await footprint();
    for (const asOf of [`${provisionedYear() + 1}-01-01`, '9999-12-31']) {
      const r = await t.as('senior', slug)(RUN, { asOf });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions).toMatchObject({ field: 'asOf', value: asOf, lastDay: lastBooksDay });
    }
    expect(await footprint()).toBe(before);
  });

  it('lets two runs at once make April once: the unique key per template and date decides', async () => {
    const [a, b] = await Promise.all([
      t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(4) }),
      t.as('admin', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(4) }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const made = [...a.data!.runRecurringEntries.made, ...b.data!.runRecurringEntries.made];
    expect(made.map((r) => r.occurrenceDate)).toEqual([lastDay(4)]);
    expect(await count(slug, 'journal_drafts')).toBe(4);
    const dup = await t
      .tenantSql(
        slug,
        `INSERT INTO recurring_runs (template_id, occurrence_date, status)
         SELECT template_id, occurrence_date, 'DRAFTED' FROM recurring_runs LIMIT 1`,
      )
      .catch((e: Error) => e);
    expect(String(dup)).toMatch(/recurring_runs_once/);
  });

  it('keeps maker-checker on the drafts made: the author may not approve, someone else may', async () => {
    const [draft] = await t.tenantSql<{ id: string }>(
      slug,
      `SELECT id FROM journal_drafts WHERE posting_date = $1`,
      [lastDay(1)],
    );
    expect(codes(await t.as('senior', slug)(APPROVE, { id: draft!.id }))).toEqual(['SELF_APPROVAL']);
    const ok = await t.as('admin', slug)<{ approveJournalEntry: { postingDate: string } }>(APPROVE, {
      id: draft!.id,
    });
    expect(ok.data!.approveJournalEntry.postingDate).toBe(lastDay(1));
  });

  it('applies an update to later occurrences only, and makes nothing once the template has ended', async () => {
    const [row] = await t.tenantSql<{ id: string }>(slug, 'SELECT id FROM recurring_templates');
    const id = row!.id;
    const changed = rent({
      lines: [
        { accountCode: '6201', debit: '1650.00' },
        { accountCode: '1110', credit: '1650.00' },
      ],
    });
    const u = await t.as('senior', slug)<{ updateRecurringEntryTemplate: Template }>(UPDATE, {
      id,
      ...changed,
    });
    expect(u.data!.updateRecurringEntryTemplate.totalDebit).toBe('1650.00');
    await t.as('senior', slug)(RUN, { asOf: lastDay(5) });
    const read = await t.as('senior', slug)<{ recurringEntryTemplate: Template }>(TEMPLATE, { id });
    const totals = read.data!.recurringEntryTemplate.runs.map((r) => [r.occurrenceDate, r.draft!.totalDebit]);
    expect(totals).toEqual([
      [lastDay(5), '1650.00'],
      [lastDay(4), '1500.00'],
      [lastDay(3), '1500.00'],
      [lastDay(2), '1500.00'],
      [lastDay(1), '1500.00'],
    ]);
    expect(
      (await t.as('senior', slug)<{ endRecurringEntryTemplate: { active: boolean } }>(END, { id })).data,
    ).toEqual({ endRecurringEntryTemplate: { id, active: false } });
    const after = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(6) });
    expect(after.data!.runRecurringEntries.made).toEqual([]);
    expect(codes(await t.as('senior', slug)(UPDATE, { id, ...rent() }))).toEqual(['NOT_EDITABLE']);
    const [audit] = await t.tenantSql<{ n: number }>(
      slug,
      `SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1
        AND action IN ('recurring_template.created', 'recurring_template.updated', 'recurring_template.ended', 'recurring_entry.made')`,
      [id],
    );
    expect(audit!.n).toBe(3 + 5);
  });
});

describe('recurring entries posted directly when the client says so', () => {
  const slug = 'ferreteria-colon';

  it('posts municipal tax of 300.00 quarterly on the 15th from January: three entries by 15 July (900.00)', async () => {
    const set = await t.as('admin')(
      `mutation { updateClientSettings(tenant: "${slug}", set: { recurringEntriesAutoPost: true }) { slug } }`,
    );
    expect(set.errors).toBeUndefined();
    const before = await balance(slug, '6401', lastDay(12));
    const created = await t.as('senior', slug)<{ createRecurringEntryTemplate: Template }>(CREATE, {
      input: {
        name: 'Municipal tax',
        frequency: 'QUARTERLY',
        dayOfMonth: 15,
        startDate: d(1, 15),
        lines: [
          { accountCode: '6401', debit: '300.00' },
          { accountCode: '1110', credit: '300.00' },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const run = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: d(7, 15) });
    expect(run.errors).toBeUndefined();
    const made = run.data!.runRecurringEntries.made;
    expect(made.map((r) => [r.status, r.entry!.postingDate])).toEqual([
      ['POSTED', d(1, 15)],
      ['POSTED', d(4, 15)],
      ['POSTED', d(7, 15)],
    ]);
    expect(await balance(slug, '6401', lastDay(12))).toBe(before + 3n * 30_000n);
    expect(await count(slug, 'journal_drafts')).toBe(0);
    const again = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: d(10, 14) });
    expect(again.data!.runRecurringEntries.made).toEqual([]);
  });
});

describe('a closed month refuses the occurrence, and the checklist shows it', () => {
  const slug = 'clinica-costa';

  it('refuses January 31 with PERIOD_LOCKED, makes February 28, and retries January once it reopens', async () => {
    const january = await closeMonth(slug, 1);
    const created = await t.as('senior', slug)<{ createRecurringEntryTemplate: Template }>(
      CREATE,
      rent({ endDate: null }),
    );
    const id = created.data!.createRecurringEntryTemplate.id;
    const run = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(2) });
    expect(run.data!.runRecurringEntries.refused).toMatchObject([
      { occurrenceDate: lastDay(1), status: 'REFUSED', refusalCode: 'PERIOD_LOCKED' },
    ]);
    expect(run.data!.runRecurringEntries.made.map((r) => r.occurrenceDate)).toEqual([lastDay(2)]);
    const read = await t.as('senior', slug)<{ recurringEntryTemplate: Template }>(TEMPLATE, { id });
    expect(read.data!.recurringEntryTemplate.runs.map((r) => [r.occurrenceDate, r.status])).toEqual([
      [lastDay(2), 'DRAFTED'],
      [lastDay(1), 'REFUSED'],
    ]);

    const reopened = await t.as('senior', slug)(
      'mutation ($id: ID!, $r: String!) { reopenPeriod(periodId: $id, state: UNLOCKED, reason: $r) { state } }',
      { id: january, r: 'The January rent was never booked' },
    );
    expect(reopened.errors).toBeUndefined();
    const open = (await checklist(slug, 1)).find((i) => i.checkCode === 'RECURRING_ENTRIES_MADE');
    expect(open).toMatchObject({ blocking: true, count: 1 });
    expect(open!.detail).toMatch(new RegExp(`Office rent" of ${lastDay(1)} \\(refused: PERIOD_LOCKED`));

    const retry = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: lastDay(2) });
    expect(retry.data!.runRecurringEntries.made.map((r) => [r.occurrenceDate, r.status])).toEqual([
      [lastDay(1), 'DRAFTED'],
    ]);
    expect((await checklist(slug, 1)).map((i) => i.checkCode)).not.toContain('RECURRING_ENTRIES_MADE');
    // March is not made yet: its checklist says so before the worker has run.
    expect((await checklist(slug, 3)).find((i) => i.checkCode === 'RECURRING_ENTRIES_MADE')?.count).toBe(1);
  });
});
describe('the worker job', () => {
  const slug = 'panaderia-valle';

  it('posts due reversals and makes due drafts for one client as of its own today, idempotently', async () => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, slug));
    const accrual = await t.as('senior', slug)<{ postJournalEntry: { id: string } }>(POST, {
      input: {
        postingDate: lastDay(2),
        autoReverse: true,
        lines: [
          { accountCode: '6202', debit: '65.00' },
          { accountCode: '2401', credit: '65.00' },
        ],
      },
    });
    await t.as('senior', slug)(CREATE, rent({ startDate: d(3, 1), endDate: d(4, 30), dayOfMonth: 10 }));
    const deps = {
      control: t.stack.control.db,
      registry: t.stack.registry,
      log: pino({ level: 'silent' }),
      // Midday of 20 April in Panama (UTC−5): the client's today is 20 April.
      clock: () => new Date(`${d(4, 20)}T17:00:00Z`),
    };
    const changeSeq = async () =>
      (
        await t.stack.control.db
          .select({ n: control.clientCloseProjections.changeSeq })
          .from(control.clientCloseProjections)
          .where(eq(control.clientCloseProjections.tenantId, tenant!.id))
      )[0]?.n ?? 0;
    const seqBefore = await changeSeq();
    const run = await runRecurringForClient(deps, tenant!.id);
    // Announced to the close board's read model, as a mutation's change is.
    expect(await changeSeq()).toBeGreaterThan(seqBefore);
    expect(run.reversals.posted.map((e) => [e.postingDate, e.reversesEntryId])).toEqual([
      [d(3, 1), accrual.data!.postJournalEntry.id],
    ]);
    expect(run.recurring.made.map((m) => [m.occurrenceDate, m.status])).toEqual([
      [d(3, 10), 'DRAFTED'],
      [d(4, 10), 'DRAFTED'],
    ]);
    const again = await runRecurringForClient(deps, tenant!.id);
    expect([again.reversals.posted, again.recurring.made, again.recurring.refused]).toEqual([[], [], []]);
  });
});

describe('an account an active template uses', () => {
  const slug = 'panaderia-valle';

  it('is not deactivated while the template is active (ACCOUNT_HAS_OPEN_DOCUMENTS naming it); one deactivated before that rule makes the occurrence refused with BAD_USER_INPUT and no draft', async () => {
    const made = await t.as('senior', slug)<{ createRecurringEntryTemplate: { id: string } }>(CREATE, {
      input: {
        name: 'Municipal tax provision',
        frequency: 'MONTHLY',
        dayOfMonth: 5,
        startDate: d(9, 1),
        lines: [
          { accountCode: '6401', debit: '25.00' },
          { accountCode: '1110', credit: '25.00' },
        ],
      },
    });
    const template = made.data!.createRecurringEntryTemplate.id;
    const accounts = await t.as(
      'senior',
      slug,
    )<{ accounts: { id: string; code: string }[] }>('query { accounts { id code } }');
    const id = accounts.data!.accounts.find((a) => a.code === '6401')!.id;
    const off = await t.as('senior', slug)('mutation ($id: ID!) { deactivateAccount(id: $id) { active } }', {
      id,
    });
    expect(off.errors?.[0]?.extensions).toMatchObject({
      code: 'ACCOUNT_HAS_OPEN_DOCUMENTS',
      recurringTemplates: [template],
    });
    // An account deactivated before the rule existed: the run refuses the occurrence instead.
    await t.tenantSql(slug, `UPDATE accounts SET active = false WHERE code = '6401'`);
    const drafts = await count(slug, 'journal_drafts');
    const run = await t.as('senior', slug)<{ runRecurringEntries: Made }>(RUN, { asOf: d(9, 30) });
    expect(run.data!.runRecurringEntries.made).toEqual([]);
    expect(run.data!.runRecurringEntries.refused).toMatchObject([
      { occurrenceDate: d(9, 5), status: 'REFUSED', refusalCode: 'BAD_USER_INPUT' },
    ]);
    expect(run.data!.runRecurringEntries.refused[0]!.refusalMessage).toMatch(/inactive account\(s\) 6401/);
    expect(await count(slug, 'journal_drafts')).toBe(drafts);
  });

  it('keeps a vendor an active template names from being deactivated (PARTY_HAS_OPEN_ITEMS, one template) until the template is ended', async () => {
    const as = t.as('senior', slug);
    const vendor = await as<{ createParty: { id: string } }>(
      'mutation { createParty(input: { kind: VENDOR, code: "ALQ-1", name: "Inmobiliaria del Valle" }) { id } }',
    );
    const partyId = vendor.data!.createParty.id;
    const made = await as<{ createRecurringEntryTemplate: { id: string } }>(CREATE, {
      input: {
        name: 'Rent to the landlord',
        frequency: 'MONTHLY',
        dayOfMonth: 1,
        startDate: d(10, 1),
        lines: [
          { accountCode: '6201', debit: '700.00', partyId },
          { accountCode: '1110', credit: '700.00' },
        ],
      },
    });
    expect(made.errors).toBeUndefined();
    const DEACTIVATE = 'mutation ($id: ID!) { deactivateParty(id: $id) { active } }';
    const refused = await as(DEACTIVATE, { id: partyId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PARTY_HAS_OPEN_ITEMS',
      drafts: 0,
      openInvoices: 0,
      openCredits: 0,
      recurringTemplates: 1,
    });
    await as(END, { id: made.data!.createRecurringEntryTemplate.id });
    const done = await as<{ deactivateParty: { active: boolean } }>(DEACTIVATE, { id: partyId });
    expect(done.data?.deactivateParty.active).toBe(false);
  });
});
