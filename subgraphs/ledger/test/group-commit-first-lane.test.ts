import type { Actor, PostingLane } from '@cifra/db';
import {
  type EachOutcome,
  type EntryAhead,
  type PostedEntry,
  type PostingRequest,
  postEntriesEach,
  postEntry,
  sendEntriesEach,
} from '@cifra/engine';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestBooks, plug, type TestBooks } from './test-books.ts';

// The first lane of a group posts without a savepoint and leaves its deferred checks to COMMIT
// (docs/architecture/posting.md, "Group commit"). When it fails — in the lane, or at COMMIT — the
// whole group is rolled back and run again, each posting in its own savepoint: every posting is
// still posted exactly once, by its own work, numbered without a gap, and nothing of the failed
// try remains. The lanes here wrap the real journal lane and then misbehave once.

let t: TestBooks;
let accounts: { cash: string; sales: string };

beforeAll(async () => {
  t = await openTestBooks();
  const { rows } = await t.admin.query<{ code: string; id: string }>(
    `SELECT code, id FROM accounts WHERE code IN ('1110', '4101')`,
  );
  const id = (code: string) => rows.find((r) => r.code === code)?.id as string;
  accounts = { cash: id('1110'), sales: id('4101') };
});
afterAll(() => t.close());

const author = (i: number): Actor => ({
  userId: `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`,
  email: `lane${i}@test.invalid`,
  requestId: `lane-${i}`,
});

const request = (key: string, cents: bigint): PostingRequest => ({
  kind: 'MANUAL',
  postingDate: '2026-07-10',
  memo: key,
  idempotencyKey: key,
  lines: [
    { accountId: accounts.cash, amountMinor: cents, originalCurrency: 'PAB', originalAmountMinor: cents },
    { accountId: accounts.sales, amountMinor: -cents, originalCurrency: 'PAB', originalAmountMinor: -cents },
  ],
});

/** Posts `n` postings through `lane` as one group (a plug holds the group before them in flight). */
async function postThrough(
  lane: PostingLane<PostingRequest>,
  prefix: string,
  n: number,
): Promise<PostedEntry[]> {
  const { groups } = t.grouped({ max: 4 });
  const held = await plug(groups, n);
  const calls = Array.from({ length: n }, (_, i) => {
    const req = request(`${prefix}-${i}`, BigInt(100 + i));
    return groups.run(author(i + 1), (tx) => postEntry(tx, author(i + 1), req), { lane, request: req });
  });
  await held.done;
  return Promise.all(calls);
}

async function expectPostedOnce(entries: readonly PostedEntry[], prefix: string, n: number): Promise<void> {
  expect(entries.map((e) => e.memo)).toEqual(Array.from({ length: n }, (_, i) => `${prefix}-${i}`));
  const { rows } = await t.admin.query<{ memo: string; lines: number; total: string; by: string }>(
    `SELECT j.memo, count(l.*)::int AS lines, sum(greatest(l.amount_minor, 0))::text AS total,
            (SELECT a.actor_email FROM audit_events a WHERE a.entity_id = j.id::text) AS by
       FROM journal_entries j LEFT JOIN gl_lines l ON l.entry_id = j.id
      WHERE j.memo LIKE $1 OR j.memo = 'stray' GROUP BY j.id ORDER BY j.number`,
    [`${prefix}-%`],
  );
  expect(rows).toEqual(
    Array.from({ length: n }, (_, i) => ({
      memo: `${prefix}-${i}`,
      lines: 2,
      total: String(100n + BigInt(i)),
      by: `lane${i + 1}@test.invalid`,
    })),
  );
  const numbers = await t.admin.query<{ n: number }>(
    `SELECT split_part(number, '-', 3)::int AS n FROM journal_entries WHERE fiscal_year = 2026 ORDER BY 1`,
  );
  expect(numbers.rows.map((r) => r.n)).toEqual(numbers.rows.map((_, i) => i + 1));
  const chain = await t.admin.query('SELECT problem FROM cifra_verify_audit_chain()');
  expect(chain.rows[0].problem).toBeNull();
}

describe('the first lane of a group, without a savepoint', () => {
  it('fails in the lane after writing: the group runs again, each posting once by its own work', async () => {
    let calls = 0;
    const lane: PostingLane<PostingRequest> = {
      async postEach(tx, postings) {
        calls++;
        await postEntriesEach(tx, postings);
        throw new Error('a refusal nobody foresaw');
      },
    };
    const entries = await postThrough(lane, 'lane-throws', 6);
    expect(calls).toBe(1);
    await expectPostedOnce(entries, 'lane-throws', 6);
  });

  it('leaves a deferred refusal to COMMIT: the group runs again, each posting in its savepoint', async () => {
    let armed = true;
    const lane: PostingLane<PostingRequest> = {
      async postEach(tx, postings) {
        const got = await postEntriesEach(tx, postings);
        if (armed) {
          armed = false;
          // An entry without lines: journal_entries_have_lines refuses it at COMMIT (deferred).
          await tx.execute(sql`INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date,
              source_kind, memo, posted_by)
            SELECT 'STRAY-1', 2026, id, '2026-07-10', 'MANUAL', 'stray', gen_random_uuid()
              FROM posting_periods WHERE year = 2026 AND month = 7`);
        }
        return got;
      },
    };
    const entries = await postThrough(lane, 'lane-commit', 5);
    expect(armed).toBe(false);
    await expectPostedOnce(entries, 'lane-commit', 5);
  });
});

describe('a lane that sends its entries (sendEntriesEach)', () => {
  it('knows each entry while the database still writes them: the one it posts or answers a retry with, none for a refusal', async () => {
    const first = await t
      .grouped({ max: 4 })
      .groups.run(author(40), (tx) => postEntry(tx, author(40), request('ahead-retry', 140n)));
    // The journal's number row held by another session: the entries' call waits on it.
    const holder = await t.admin.connect();
    await holder.query('BEGIN');
    await holder.query(
      `SELECT 1 FROM number_sequences WHERE document_type = 'JE' AND fiscal_year = 2026 FOR UPDATE`,
    );
    let sent!: (ahead: (EntryAhead | undefined)[]) => void;
    const whenSent = new Promise<(EntryAhead | undefined)[]>((resolve) => {
      sent = resolve;
    });
    let outcomes: EachOutcome[] | undefined;
    const lane: PostingLane<PostingRequest> = {
      async postEach(tx, postings) {
        const call = await sendEntriesEach(tx, postings);
        sent([...call.ahead]);
        outcomes = await call.written;
        return outcomes;
      },
    };
    const unbalanced: PostingRequest = {
      ...request('ahead-unbalanced', 150n),
      lines: request('ahead-unbalanced', 150n).lines.map((l, k) =>
        k === 0 ? { ...l, amountMinor: 151n } : l,
      ),
    };
    const requests = [
      request('ahead-0', 100n),
      unbalanced,
      request('ahead-retry', 140n),
      request('ahead-3', 103n),
    ];
    const { groups } = t.grouped({ max: 4 });
    const held = await plug(groups, requests.length);
    const calls = requests.map((req, i) =>
      groups.run(author(41 + i), (tx) => postEntry(tx, author(41 + i), req), { lane, request: req }),
    );
    const settled = Promise.allSettled(calls);
    try {
      const ahead = await whenSent;
      // Answered while the call waits on the number row (had it waited for the call, it would wait
      // for this session's COMMIT, below): the call not answered yet.
      expect(outcomes).toBeUndefined();
      expect(ahead[1]).toBeUndefined();
      expect(ahead[2]?.id).toBe(first.id);
      await holder.query('COMMIT');
      await held.done;
      const got = await settled;
      expect(got.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const posted = got.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
      // What was known ahead is what was written.
      expect(ahead.map((e) => e && { id: e.id, fiscalYear: e.fiscalYear })).toEqual(
        posted.map((e) => e && { id: e.id, fiscalYear: e.fiscalYear }),
      );
      expect(outcomes?.map((o) => o?.ok)).toEqual([true, false, true, true]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });
});
