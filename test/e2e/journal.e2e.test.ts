import { BOOKS_YEAR } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const CLIENT = 'cafe-boquete';
const YEAR = BOOKS_YEAR;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const DRAFT_FIELDS = `id status postingDate memo autoReverse balanced totalDebit totalCredit createdByEmail
  lines { lineNumber account { code } debit credit } entry { id number }`;
const CREATE = `mutation ($input: JournalEntryDraftInput!) { createJournalEntryDraft(input: $input) { ${DRAFT_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: JournalEntryDraftInput!) { updateJournalEntryDraft(id: $id, input: $input) { ${DRAFT_FIELDS} } }`;
const DISCARD = `mutation ($id: ID!) { discardJournalEntryDraft(id: $id) { id status } }`;
const APPROVE = `mutation ($id: ID!) { approveJournalEntry(id: $id) { id number postingDate autoReverse voided } }`;
const VOID = `mutation ($id: ID!, $reason: String!, $postingDate: Date) {
  voidJournalEntry(id: $id, reason: $reason, postingDate: $postingDate) {
    id number voided void { reason reversal { id number postingDate sourceKind reverses { id }
      lines { account { code } debit credit } } }
  }
}`;
const POST = `mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const REASON = 'Duplicated the supplier bill by mistake';

const draftInput = (over: Record<string, unknown> = {}, amount = '80.00') => ({
  input: {
    postingDate: `${YEAR}-03-15`,
    memo: 'Accrued electricity for March',
    lines: [
      { accountCode: '6101', debit: amount },
      { accountCode: '1110', credit: amount },
    ],
    ...over,
  },
});

async function count(table: string): Promise<number> {
  const [row] = await t.tenantSql<{ n: number }>(CLIENT, `SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? -1;
}

type Voided = {
  id: string;
  number: string;
  voided: boolean;
  void: { reason: string; reversal: { id: string; postingDate: string } };
};
type Draft = { id: string; status: string; balanced: boolean; entry: { number: string } | null };

describe('maker-checker journal entries', () => {
  it('lets a junior draft an entry that posts nothing until a senior approves it', async () => {
    const entriesBefore = await count('journal_entries');
    const created = await t.as('junior', CLIENT)<{
      createJournalEntryDraft: Draft & Record<string, unknown>;
    }>(CREATE, draftInput({ autoReverse: true }));
    expect(created.errors).toBeUndefined();
    const draft = created.data!.createJournalEntryDraft;
    expect(draft).toMatchObject({
      status: 'DRAFT',
      autoReverse: true,
      balanced: true,
      totalDebit: '80.00',
      totalCredit: '80.00',
      createdByEmail: 'junior@demo.firm',
      entry: null,
    });
    expect(await count('journal_entries')).toBe(entriesBefore);

    const approved = await t.as('senior', CLIENT)<{ approveJournalEntry: Record<string, unknown> }>(APPROVE, {
      id: draft.id,
    });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveJournalEntry).toMatchObject({
      postingDate: `${YEAR}-03-15`,
      autoReverse: true,
      voided: false,
    });
    expect(approved.data!.approveJournalEntry.number).toMatch(new RegExp(`^JE-${YEAR}-\\d{6}$`));
    expect(await count('journal_entries')).toBe(entriesBefore + 1);

    const again = await t.as('senior', CLIENT)(APPROVE, { id: draft.id });
    expect(codes(again)).toEqual(['NOT_EDITABLE']);
    const edit = await t.as('junior', CLIENT)(UPDATE, { id: draft.id, ...draftInput() });
    expect(codes(edit)).toEqual(['NOT_EDITABLE']);
  });

  it('keeps junior from posting or approving, and the author from approving their own draft', async () => {
    expect(codes(await t.as('junior', CLIENT)(POST, draftInput()))).toEqual(['FORBIDDEN']);
    const mine = await t.as('senior', CLIENT)<{ createJournalEntryDraft: Draft }>(CREATE, draftInput());
    const id = mine.data!.createJournalEntryDraft.id;
    expect(codes(await t.as('junior', CLIENT)(APPROVE, { id }))).toEqual(['FORBIDDEN']);
    const entriesBefore = await count('journal_entries');
    expect(codes(await t.as('senior', CLIENT)(APPROVE, { id }))).toEqual(['SELF_APPROVAL']);
    expect(await count('journal_entries')).toBe(entriesBefore);
    expect(codes(await t.as('client', CLIENT)(CREATE, draftInput()))).toEqual(['FORBIDDEN']);
  });

  it('keeps a checker who changed someone else’s draft from approving it: maker-checker holds for every writer', async () => {
    const made = await t.as('junior', CLIENT)<{ createJournalEntryDraft: Draft }>(CREATE, draftInput());
    const id = made.data!.createJournalEntryDraft.id;
    // The senior rewrites the junior's draft, then tries to approve what they wrote themselves.
    const edited = await t.as('senior', CLIENT)(UPDATE, { id, ...draftInput({}, '777.00') });
    expect(edited.errors).toBeUndefined();
    const entriesBefore = await count('journal_entries');
    const refused = await t.as('senior', CLIENT)(APPROVE, { id });
    expect(codes(refused)).toEqual(['SELF_APPROVAL']);
    expect(refused.errors![0]!.message).toContain('you changed this one');
    expect(await count('journal_entries')).toBe(entriesBefore);
    // Another checker, who wrote none of it, approves the lines as the senior left them.
    const approved = await t.as('admin', CLIENT)<{ approveJournalEntry: { number: string } }>(APPROVE, {
      id,
    });
    expect(approved.errors).toBeUndefined();
    expect(await count('journal_entries')).toBe(entriesBefore + 1);
  });

  it('edits and discards drafts, and refuses an unbalanced draft at approval without burning a number', async () => {
    const created = await t.as('junior', CLIENT)<{ createJournalEntryDraft: Draft }>(CREATE, {
      input: {
        postingDate: `${YEAR}-03-20`,
        lines: [
          { accountCode: '6101', debit: '10.00' },
          { accountCode: '1110', credit: '9.99' },
        ],
      },
    });
    const id = created.data!.createJournalEntryDraft.id;
    expect(created.data!.createJournalEntryDraft.balanced).toBe(false);
    const entriesBefore = await count('journal_entries');
    expect(codes(await t.as('senior', CLIENT)(APPROVE, { id }))).toEqual(['UNBALANCED_ENTRY']);
    expect(await count('journal_entries')).toBe(entriesBefore);
    const [draftRow] = await t.tenantSql<{ status: string }>(
      CLIENT,
      'SELECT status FROM journal_drafts WHERE id = $1',
      [id],
    );
    expect(draftRow?.status).toBe('DRAFT');

    const fixed = await t.as('junior', CLIENT)<{ updateJournalEntryDraft: Draft }>(UPDATE, {
      id,
      ...draftInput({}, '10.00'),
    });
    expect(fixed.data!.updateJournalEntryDraft.balanced).toBe(true);

    // The refused approval took no number: the next two postings are consecutive.
    const posted = await t.as('senior', CLIENT)<{ approveJournalEntry: { number: string } }>(APPROVE, { id });
    const next = await t.as('senior', CLIENT)<{ postJournalEntry: { number: string } }>(POST, draftInput());
    const seq = (n: string) => Number(n.split('-')[2]);
    expect(seq(next.data!.postJournalEntry.number)).toBe(seq(posted.data!.approveJournalEntry.number) + 1);

    const other = await t.as('junior', CLIENT)<{ createJournalEntryDraft: Draft }>(CREATE, draftInput());
    const discarded = await t.as('junior', CLIENT)(DISCARD, { id: other.data!.createJournalEntryDraft.id });
    expect(discarded.data).toEqual({
      discardJournalEntryDraft: { id: other.data!.createJournalEntryDraft.id, status: 'DISCARDED' },
    });
    expect(
      codes(await t.as('senior', CLIENT)(APPROVE, { id: other.data!.createJournalEntryDraft.id })),
    ).toEqual(['NOT_EDITABLE']);
  });

  it('refuses bad input in a draft and writes nothing', async () => {
    const before = await count('journal_drafts');
    for (const amount of ['1e3', '0.001', '-5.00']) {
      const r = await t.as('junior', CLIENT)(CREATE, draftInput({}, amount));
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    }
    const unknown = await t.as('junior', CLIENT)(CREATE, {
      input: {
        postingDate: `${YEAR}-03-15`,
        lines: [
          { accountCode: '9999', debit: '1.00' },
          { accountCode: '1110', credit: '1.00' },
        ],
      },
    });
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(await count('journal_drafts')).toBe(before);
  });
});

describe('voiding a posted entry', () => {
  async function postOne(date = `${YEAR}-04-10`) {
    const r = await t.as('senior', CLIENT)<{ postJournalEntry: { id: string; number: string } }>(
      POST,
      draftInput({ postingDate: date }, '42.50'),
    );
    expect(r.errors).toBeUndefined();
    return r.data!.postJournalEntry;
  }

  it('posts a linked reversal, keeps the original, and refuses a second void', async () => {
    const original = await postOne();
    const short = await t.as('senior', CLIENT)(VOID, { id: original.id, reason: 'typo' });
    expect(codes(short)).toEqual(['REASON_TOO_SHORT']);
    expect(await count(`voids`)).toBe(0);

    const r = await t.as('senior', CLIENT)<{ voidJournalEntry: Voided }>(VOID, {
      id: original.id,
      reason: REASON,
    });
    expect(r.errors).toBeUndefined();
    const voided = r.data!.voidJournalEntry;
    expect(voided).toMatchObject({ id: original.id, number: original.number, voided: true });
    expect(voided.void.reason).toBe(REASON);
    expect(voided.void.reversal).toMatchObject({
      postingDate: `${YEAR}-04-10`,
      sourceKind: 'REVERSAL',
      reverses: { id: original.id },
      lines: [
        { account: { code: '6101' }, debit: '0.00', credit: '42.50' },
        { account: { code: '1110' }, debit: '42.50', credit: '0.00' },
      ],
    });
    const [audit] = await t.tenantSql<{ reason: string }>(
      CLIENT,
      `SELECT reason FROM audit_events WHERE action = 'journal_entry.voided' AND entity_id = $1`,
      [original.id],
    );
    expect(audit?.reason).toBe(REASON);

    expect(codes(await t.as('senior', CLIENT)(VOID, { id: original.id, reason: REASON }))).toEqual([
      'ALREADY_VOIDED',
    ]);
    expect(
      codes(await t.as('senior', CLIENT)(VOID, { id: voided.void.reversal.id, reason: REASON })),
    ).toEqual(['CANNOT_VOID']);
    expect(codes(await t.as('junior', CLIENT)(VOID, { id: original.id, reason: REASON }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('dates the reversal in an open period when the original period is locked', async () => {
    const original = await postOne(`${YEAR}-05-12`);
    await t.tenantSql(CLIENT, `UPDATE posting_periods SET state = 'LOCKED' WHERE year = $1 AND month = 5`, [
      YEAR,
    ]);
    const entriesBefore = await count('journal_entries');
    const refused = await t.as('senior', CLIENT)(VOID, { id: original.id, reason: REASON });
    expect(codes(refused)).toEqual(['PERIOD_LOCKED']);
    expect(await count('journal_entries')).toBe(entriesBefore);
    expect(await count('voids')).toBe(1);

    const r = await t.as('senior', CLIENT)<{ voidJournalEntry: Voided }>(VOID, {
      id: original.id,
      reason: REASON,
      postingDate: `${YEAR}-06-01`,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.voidJournalEntry.void.reversal.postingDate).toBe(`${YEAR}-06-01`);
  });

  it('leaves the trial balance as if the voided entry had never been posted', async () => {
    const TB = `query ($asOf: Date!) { trialBalance(asOf: $asOf) { rows { accountCode debit credit } } }`;
    const asOf = `${YEAR}-12-31`;
    const before = await t.as('senior', CLIENT)(TB, { asOf });
    const original = await postOne(`${YEAR}-04-11`);
    await t.as('senior', CLIENT)(VOID, { id: original.id, reason: REASON });
    const after = await t.as('senior', CLIENT)(TB, { asOf });
    expect(after.data).toEqual(before.data);
  });
});

describe('the list of journal entries', () => {
  const LIST = `query ($filter: JournalEntryFilter, $first: Int, $after: String) {
    journalEntries(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id number postingDate memo sourceKind voided lines { account { code } } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }`;
  type Page = {
    journalEntries: {
      edges: { node: { id: string; number: string; memo: string; sourceKind: string; voided: boolean } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
  const post = async (day: number, memo: string) => {
    const r = await t.as('senior', CLIENT)<{ postJournalEntry: { id: string } }>(POST, {
      input: {
        postingDate: `${YEAR}-08-${String(day).padStart(2, '0')}`,
        memo,
        lines: [
          { accountCode: '6101', debit: '12.00' },
          { accountCode: '1110', credit: '12.00' },
        ],
      },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.postJournalEntry.id;
  };

  it('pages, filters and refuses bad bounds through the gateway, for anyone who reads the books', async () => {
    const ids = [
      await post(3, 'Listing probe A'),
      await post(4, 'Listing probe B'),
      await post(5, 'Listing probe C'),
    ];
    await t.as('senior', CLIENT)(VOID, { id: ids[0], reason: REASON });
    const filter = { search: 'listing probe', from: `${YEAR}-08-01`, to: `${YEAR}-08-31` };

    // ClientReadOnly reads the books (GL.Read): two pages of two, newest first.
    const page1 = await t.as('client', CLIENT)<Page>(LIST, { filter, first: 2 });
    expect(page1.errors).toBeUndefined();
    const c1 = page1.data!.journalEntries;
    expect(c1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(c1.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.as('client', CLIENT)<Page>(LIST, {
      filter,
      first: 2,
      after: c1.pageInfo.endCursor,
    });
    expect(page2.data!.journalEntries.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(page2.data!.journalEntries.edges[0]!.node.voided).toBe(true);

    const voided = await t.as('senior', CLIENT)<Page>(LIST, { filter: { ...filter, status: 'VOIDED' } });
    expect(voided.data!.journalEntries.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    const manual = await t.as('senior', CLIENT)<Page>(LIST, {
      filter: { ...filter, status: 'POSTED', sourceKind: 'MANUAL', accountCode: '6101' },
    });
    expect(manual.data!.journalEntries.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);

    // Another client's list never shows these entries.
    const other = await t.as('senior', 'ferreteria-colon')<Page>(LIST, { filter });
    expect(other.errors).toBeUndefined();
    expect(other.data!.journalEntries.edges).toEqual([]);

    expect(codes(await t.as('senior', CLIENT)(LIST, { first: 201 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.as('senior', CLIENT)(LIST, { after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
  });
});
