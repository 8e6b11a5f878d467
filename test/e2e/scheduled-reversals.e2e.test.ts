import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import {
  APPROVE,
  booksOf,
  DUE,
  d,
  ENTRY,
  lastDay,
  PENDING,
  POST,
  type Posted,
  VOID,
} from '../support/recurring.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Issue 18 §7 through the gateway with real tokens: accruals reversed on the first day of the next
 * month or a chosen day — refusals writing nothing, the reversal's date kept through approval, a
 * voided or already reversed accrual, a reversal into a fiscal year not opened — with the balances
 * checked against figures computed here. Recurring templates: recurring.e2e.test.ts.
 */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 120_000);
afterAll(() => t?.close());
const { count, checklist, balance } = booksOf(() => t);

describe('accruals reversed on the first day of the next month, or a chosen day', () => {
  const slug = 'logistica-canal';
  const accrue = (date: string, amount: string, over: Record<string, unknown> = {}) => ({
    input: {
      postingDate: date,
      memo: 'Accrued electricity',
      autoReverse: true,
      lines: [
        { accountCode: '6202', debit: amount },
        { accountCode: '2401', credit: amount },
      ],
      ...over,
    },
  });
  let march: { id: string; number: string };
  let chosen: { id: string; number: string };

  it('refuses a reversal date not after the entry, or beside autoReverse false, writing nothing', async () => {
    const before = await count(slug, 'journal_entries');
    for (const over of [
      { reverseOn: lastDay(3) },
      { reverseOn: d(3, 1) },
      { reverseOn: d(4, 15), autoReverse: false },
    ]) {
      expect(codes(await t.as('senior', slug)(POST, accrue(lastDay(3), '80.00', over)))).toEqual([
        'BAD_USER_INPUT',
      ]);
    }
    expect(await count(slug, 'journal_entries')).toBe(before);
  });

  it('reverses an 80.00 accrual of 31 March on 1 April and a 120.00 one on its chosen 15 April: 2401 back to where it was by 30 April', async () => {
    const before = await balance(slug, '2401', lastDay(4));
    const a = await t.as('senior', slug)<{
      postJournalEntry: { id: string; number: string; reverseOn: string };
    }>(POST, accrue(lastDay(3), '80.00'));
    expect(a.data!.postJournalEntry.reverseOn).toBe(d(4, 1));
    march = a.data!.postJournalEntry;
    const b = await t.as('senior', slug)<{
      postJournalEntry: { id: string; number: string; reverseOn: string };
    }>(POST, accrue(lastDay(3), '120.00', { reverseOn: d(4, 15) }));
    expect(b.data!.postJournalEntry.reverseOn).toBe(d(4, 15));
    chosen = b.data!.postJournalEntry;
    expect(await balance(slug, '2401', lastDay(3))).toBe(before - 8_000n - 12_000n);

    // The month's checklist shows both reversals due in April and not posted.
    const due = (await checklist(slug, 4)).find((i) => i.checkCode === 'REVERSALS_POSTED');
    expect(due).toMatchObject({ blocking: true, count: 2 });
    const pending = await t.as('reviewer', slug)<{
      pendingReversals: { entry: { id: string }; reverseOn: string }[];
    }>(PENDING, { asOf: d(4, 10) });
    expect(pending.data!.pendingReversals).toEqual([
      { entry: { id: march.id, number: march.number }, reverseOn: d(4, 1) },
    ]);

    expect(codes(await t.as('junior', slug)(DUE, { asOf: d(4, 10) }))).toEqual(['FORBIDDEN']);
    const first = await t.as('senior', slug)<{
      postDueReversals: { posted: (Posted & { lines: unknown[] })[] };
    }>(DUE, {
      asOf: d(4, 10),
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.postDueReversals.posted).toMatchObject([
      {
        postingDate: d(4, 1),
        sourceKind: 'REVERSAL',
        reverses: { id: march.id },
        lines: [
          { account: { code: '6202' }, debit: '0.00', credit: '80.00' },
          { account: { code: '2401' }, debit: '80.00', credit: '0.00' },
        ],
      },
    ]);
    expect(await balance(slug, '2401', d(4, 10))).toBe(before - 12_000n);
    const again = await t.as('senior', slug)<{ postDueReversals: { posted: unknown[] } }>(DUE, {
      asOf: d(4, 10),
    });
    expect(again.data!.postDueReversals.posted).toEqual([]);

    const second = await t.as('senior', slug)<{ postDueReversals: { posted: Posted[] } }>(DUE, {
      asOf: lastDay(4),
    });
    expect(second.data!.postDueReversals.posted.map((p) => [p.postingDate, p.reverses.id])).toEqual([
      [d(4, 15), chosen.id],
    ]);
    expect(await balance(slug, '2401', lastDay(4))).toBe(before);
    expect((await checklist(slug, 4)).map((i) => i.checkCode)).not.toContain('REVERSALS_POSTED');
    const entry = await t.as('senior', slug)<{ journalEntry: { reversedBy: { postingDate: string } } }>(
      ENTRY,
      {
        id: march.id,
      },
    );
    expect(entry.data!.journalEntry).toMatchObject({
      voided: false,
      reverseOn: d(4, 1),
      reversedBy: { postingDate: d(4, 1) },
    });
  });

  it('keeps the chosen reversal date of a draft through approval', async () => {
    const draft = await t.as('junior', slug)<{ createJournalEntryDraft: { id: string; reverseOn: string } }>(
      'mutation ($input: JournalEntryDraftInput!) { createJournalEntryDraft(input: $input) { id reverseOn } }',
      accrue(d(5, 20), '30.00', { reverseOn: d(6, 10) }),
    );
    expect(draft.data!.createJournalEntryDraft.reverseOn).toBe(d(6, 10));
    const approved = await t.as('senior', slug)<{ approveJournalEntry: { id: string } }>(APPROVE, {
      id: draft.data!.createJournalEntryDraft.id,
    });
    const entry = await t.as('senior', slug)<{ journalEntry: { reverseOn: string } }>(ENTRY, {
      id: approved.data!.approveJournalEntry.id,
    });
    expect(entry.data!.journalEntry.reverseOn).toBe(d(6, 10));
    const due = await t.as('senior', slug)<{ postDueReversals: { posted: Posted[] } }>(DUE, {
      asOf: d(6, 10),
    });
    expect(due.data!.postDueReversals.posted.map((p) => [p.postingDate, p.reverses.id])).toEqual([
      [d(6, 10), approved.data!.approveJournalEntry.id],
    ]);
  });

  it('refuses to void an accrual already reversed (ALREADY_REVERSED), writing nothing', async () => {
    const before = await count(slug, 'journal_entries');
    const r = await t.as('senior', slug)(VOID, {
      id: march.id,
      reason: 'The March electricity accrual was wrong',
    });
    expect(codes(r)).toEqual(['ALREADY_REVERSED']);
    expect(await count(slug, 'journal_entries')).toBe(before);
  });

  it('does not reverse an accrual voided before its reversal date: the void is its one reversal', async () => {
    const may = await t.as('senior', slug)<{ postJournalEntry: { id: string } }>(
      POST,
      accrue(lastDay(5), '50.00'),
    );
    const id = may.data!.postJournalEntry.id;
    const v = await t.as('senior', slug)(VOID, { id, reason: 'Posted the May accrual twice by mistake' });
    expect(v.errors).toBeUndefined();
    const due = await t.as('senior', slug)<{ postDueReversals: { posted: unknown[] } }>(DUE, {
      asOf: lastDay(6),
    });
    expect(due.data!.postDueReversals.posted).toEqual([]);
    const [n] = await t.tenantSql<{ n: number }>(
      slug,
      'SELECT count(*)::int AS n FROM journal_entries WHERE reverses_entry_id = $1',
      [id],
    );
    expect(n!.n).toBe(1);
  });

  it("refuses, as the accrual posts, a reversal date past the fiscal year after the books' last", async () => {
    // The client's last year is the one it was provisioned in (books-year.ts), January to December:
    // a reversal may wait for the year after it to be opened, not for one after that.
    const after = provisionedYear() + 1;
    const DRAFT =
      'mutation ($input: JournalEntryDraftInput!) { createJournalEntryDraft(input: $input) { id } }';
    const BULK = 'mutation ($input: [PostJournalEntryInput!]!) { postJournalEntries(input: $input) { id } }';
    const footprint = async () =>
      (await count(slug, 'journal_entries')) +
      (await count(slug, 'journal_drafts')) +
      (await count(slug, 'audit_events'));
    const before = await footprint();
    for (const reverseOn of [`${after + 1}-01-01`, '9999-12-31']) {
      const one = await t.as('senior', slug)(POST, accrue(d(5, 31), '15.00', { reverseOn }));
      expect(codes(one)).toEqual(['BAD_USER_INPUT']);
      expect(one.errors?.[0]?.extensions).toMatchObject({
        field: 'reverseOn',
        value: reverseOn,
        lastReversalDay: `${after}-12-31`,
      });
      const bulk = await t.as('senior', slug)(BULK, {
        input: [accrue(d(5, 31), '15.00').input, accrue(d(5, 31), '15.00', { reverseOn }).input],
      });
      expect(bulk.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        index: 1,
        field: 'input[1].reverseOn',
      });
      const draft = await t.as('junior', slug)(DRAFT, accrue(d(5, 31), '15.00', { reverseOn }));
      expect(draft.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reverseOn' });
    }
    expect(await footprint()).toBe(before);
    // Its last day is still taken: the reversal waits, pending, for that year to be opened.
    const last = await t.as('senior', slug)<{ postJournalEntry: { id: string; reverseOn: string } }>(
      POST,
      accrue(d(5, 31), '15.00', { reverseOn: `${after}-12-31` }),
    );
    expect(last.data!.postJournalEntry.reverseOn).toBe(`${after}-12-31`);
    await t.as('senior', slug)(VOID, {
      id: last.data!.postJournalEntry.id,
      reason: 'A test of the last day',
    });
  });

  it('refuses a 31 December reversal into a fiscal year not opened, and keeps it pending', async () => {
    // The client's last year is the one it was provisioned in (books-year.ts): none after it is open.
    const last = provisionedYear();
    const dec = await t.as('senior', slug)<{ postJournalEntry: { id: string } }>(
      POST,
      accrue(`${last}-12-31`, '40.00'),
    );
    const id = dec.data!.postJournalEntry.id;
    const r = await t.as('senior', slug)<{
      postDueReversals: { refused: { entry: { id: string }; reverseOn: string; code: string }[] };
    }>(DUE, { asOf: `${last + 1}-01-01` });
    expect(r.data!.postDueReversals.refused).toMatchObject([
      { entry: { id }, reverseOn: `${last + 1}-01-01`, code: 'PERIOD_NOT_FOUND' },
    ]);
    const pending = await t.as('senior', slug)<{ pendingReversals: { entry: { id: string } }[] }>(PENDING, {
      asOf: `${last + 1}-01-31`,
    });
    expect(pending.data!.pendingReversals.map((p) => p.entry.id)).toEqual([id]);
  });
});
