import { type Actor, type pg, translateDbError } from '@cifra/db';
import { booksYears } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { createParty } from '../src/services/parties.service.ts';
import type { PostJournalEntryInput } from '../src/services/post-journal-entry.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { actor, type GroupOptions, openTestBooks, plug, type TestBooks } from './test-books.ts';

// Group commit (docs/architecture/posting.md, "Group commit"): concurrent single postings of one
// client share one transaction; each keeps its own checks, refusal, number, author and audit event.
// Exact groups are built without timing: a "plug" posting holds the group in flight until the
// postings under test are all queued behind it, so they form the next group together.

let t: TestBooks;
beforeAll(async () => {
  t = await openTestBooks();
});
afterAll(() => t.close());

const author = (i: number): Actor => ({
  userId: `22222222-2222-4222-8222-${String(i).padStart(12, '0')}`,
  email: `poster${i}@test.invalid`,
  requestId: `grp-${i}`,
});

const entry = (key: string | null, over: Partial<PostJournalEntryInput> = {}): PostJournalEntryInput => ({
  postingDate: '2026-06-15',
  memo: `group ${key}`,
  idempotencyKey: key,
  lines: [
    { accountCode: '1110', debit: '10.00' },
    { accountCode: '4101', credit: '10.00' },
  ],
  ...over,
});

const codeOf = (err: unknown) => translateDbError(err)?.code ?? `untranslated: ${String(err)}`;

async function outcome<T>(p: Promise<T>): Promise<{ value?: T; code?: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { code: codeOf(err) };
  }
}

const jeNumbers = async () =>
  (
    await t.admin.query<{ n: number }>(
      `SELECT split_part(number, '-', 3)::int AS n FROM journal_entries WHERE fiscal_year = 2026 ORDER BY 1`,
    )
  ).rows.map((r) => r.n);

const gapless = (ns: number[]) => ns.every((n, i) => n === i + 1);

/** How many transactions committed these entries (each entry's created_at is its transaction's start). */
async function transactionsOf(ids: readonly string[]): Promise<number> {
  const { rows } = await t.admin.query(
    'SELECT count(DISTINCT created_at)::int AS n FROM journal_entries WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return rows[0].n;
}

async function chainIntact(): Promise<void> {
  const { rows } = await t.admin.query('SELECT problem FROM cifra_verify_audit_chain()');
  expect(rows[0].problem).toBeNull();
}

describe('32 concurrent postings in one group', () => {
  it('posts the good ones gapless in commit order, refuses each bad one alone, answers retries', async () => {
    const { db, groups } = t.grouped();
    const company = (await t.books()).company;
    const earlier = await postJournalEntry(db, company, actor, entry('earlier'));
    const before = await jeNumbers();

    const valid = Array.from({ length: 20 }, (_, i) => i);
    const calls: { kind: string; p: Promise<unknown> }[] = [];
    const post = (kind: string, i: number, input: PostJournalEntryInput) =>
      calls.push({ kind, p: postJournalEntry(db, company, author(i), input) });
    let changed!: () => void;
    const held = await plug(
      groups,
      32,
      new Promise<void>((resolve) => {
        changed = resolve;
      }),
    );
    for (const i of valid) post('valid', i, entry(`g-${i}`, { memo: `valid ${i}` }));
    post('dup', 20, entry('dup'));
    post('dup', 21, entry('dup'));
    post('retry-earlier', 22, entry('earlier'));
    post('reuse-earlier', 23, entry('earlier', { memo: 'another payload' }));
    for (const i of [24, 25, 26]) {
      post('unbalanced', i, {
        ...entry(`u-${i}`),
        lines: [
          { accountCode: '1110', debit: '10.00' },
          { accountCode: '4101', credit: '9.99' },
        ],
      });
    }
    post('no-period', 27, entry('np-27', { postingDate: '2031-01-15' }));
    // An accrual reversing past the fiscal year after the books' last, a day too far.
    const farReversal = `${(booksYears().at(-1) as number) + 2}-01-01`;
    post('far-reversal', 28, entry('fr-28', { autoReverse: true, reverseOn: farReversal }));
    post('locked', 29, entry('locked', { postingDate: '2026-11-20' }));
    post('unkeyed', 30, entry(null, { memo: 'no key' }));
    // Passes the service's checks, then the database refuses it (its account becomes a control
    // account while it waits in the queue): the common statements fail and every posting of the
    // group runs alone in its savepoint — only this one is refused.
    post('control', 31, {
      ...entry('control'),
      lines: [
        { accountCode: '2401', debit: '10.00' },
        { accountCode: '1110', credit: '10.00' },
      ],
    });
    // Refused before it queues (unknown account): never part of a group, never a number.
    const early = outcome(
      postJournalEntry(db, company, author(99), {
        ...entry('early'),
        lines: [
          { accountCode: '9999', debit: '1.00' },
          { accountCode: '1110', credit: '1.00' },
        ],
      }),
    );

    await t.admin.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 11`);
    await groups.whenWaiting(32);
    await t.admin.query(
      `UPDATE account_role_bindings SET account_id = (SELECT id FROM accounts WHERE code = '2401') WHERE role = 'SalesTaxPayable'`,
    );
    const outboxBefore = await t.count('close_board_changes');
    // Only now may the plug's group commit and theirs start: they must see the change.
    changed();
    try {
      await held.done;
      const results = await Promise.all(calls.map(async (c) => ({ kind: c.kind, ...(await outcome(c.p)) })));
      expect((await early).code).toBe('BAD_USER_INPUT');

      const byKind = (k: string) => results.filter((r) => r.kind === k);
      const codes = (k: string) => byKind(k).map((r) => r.code);
      expect(codes('unbalanced')).toEqual(['UNBALANCED_ENTRY', 'UNBALANCED_ENTRY', 'UNBALANCED_ENTRY']);
      expect(codes('no-period')).toEqual(['PERIOD_NOT_FOUND']);
      expect(codes('far-reversal')).toEqual(['BAD_USER_INPUT']);
      expect(codes('locked')).toEqual(['PERIOD_LOCKED']);
      expect(codes('reuse-earlier')).toEqual(['IDEMPOTENCY_KEY_REUSED']);
      expect(codes('control')).toEqual(['CONTROL_ACCOUNT_REQUIRES_DOCUMENT']);
      for (const k of ['valid', 'dup', 'retry-earlier', 'unkeyed'])
        expect(codes(k).every((c) => c === undefined)).toBe(true);

      type Entry = { id: string; number: string; postedBy: string };
      const entryOf = (r: (typeof results)[number]) => r.value as Entry;
      const [dupA, dupB] = byKind('dup').map(entryOf);
      expect(dupA?.id).toBe(dupB?.id);
      expect(entryOf(byKind('retry-earlier')[0] as (typeof results)[number]).id).toBe(earlier.id);

      // 20 valid + 1 dup + 1 unkeyed: numbers continue without a gap, all in one transaction.
      const fresh = [...byKind('valid'), byKind('dup')[0], byKind('unkeyed')[0]].map((r) =>
        entryOf(r as (typeof results)[number]),
      );
      const after = await jeNumbers();
      expect(after.length).toBe(before.length + 22);
      expect(gapless(after)).toBe(true);
      // One transaction: they share its start (created_at is now()) and its one close-board outbox row.
      expect(await transactionsOf(fresh.map((e) => e.id))).toBe(1);
      expect(await t.count('close_board_changes')).toBe(outboxBefore + 1);

      // Each entry is its author's: posted_by, the audit event, and the number row's version.
      for (const [i, r] of byKind('valid').entries()) {
        expect(entryOf(r).postedBy).toBe(author(i).userId);
      }
      const { rows: events } = await t.admin.query(
        `SELECT e.request_id, e.actor_id::text, j.number FROM audit_events e JOIN journal_entries j ON j.id::text = e.entity_id
          WHERE e.action = 'journal_entry.posted' AND e.request_id LIKE 'grp-%' ORDER BY e.chain_seq`,
      );
      // Of the two postings sharing the key 'dup', whichever ran first posted it.
      const dupAuthor = events.map((e) => e.request_id).find((r) => r === 'grp-20' || r === 'grp-21');
      expect(events.map((e) => e.request_id).sort()).toEqual(
        [...valid.map((i) => `grp-${i}`), dupAuthor, 'grp-30'].sort(),
      );
      for (const e of events) expect(e.actor_id).toBe(author(Number(e.request_id.slice(4))).userId);
      // Commit order: the audit chain records them in number order.
      expect(events.map((e) => e.number)).toEqual([...events.map((e) => e.number)].sort());
      const { rows: versions } = await t.admin.query(
        `SELECT hist_request_id, next_value FROM number_sequences_history
          WHERE document_type = 'JE' AND hist_request_id LIKE 'grp-%' ORDER BY next_value`,
      );
      expect(versions.map((v) => v.hist_request_id)).toEqual(events.map((e) => e.request_id));
      expect(versions.map((v) => v.next_value - 1)).toEqual(
        events.map((e) => Number(e.number.split('-')[2])),
      );
      await chainIntact();
    } finally {
      await t.admin.query(
        `UPDATE account_role_bindings SET account_id = (SELECT id FROM accounts WHERE code = '2201') WHERE role = 'SalesTaxPayable'`,
      );
      await t.admin.query(`UPDATE posting_periods SET state = 'UNLOCKED' WHERE year = 2026 AND month = 11`);
    }
  });

  it('posts a group of good postings together in one transaction, numbered without a gap', async () => {
    const { db, groups } = t.grouped();
    const company = (await t.books()).company;
    const before = await jeNumbers();
    const held = await plug(groups, 16);
    const calls = Array.from({ length: 16 }, (_, i) =>
      postJournalEntry(db, company, author(100 + i), entry(`lane-${i}`, { memo: `lane ${i}` })),
    );
    await held.done;
    const posted = await Promise.all(calls);
    const after = await jeNumbers();
    expect(after.length).toBe(before.length + 16);
    expect(gapless(after)).toBe(true);
    expect(await transactionsOf(posted.map((e) => e.id))).toBe(1);
    await chainIntact();
  });

  it('gives the postings asked in one turn one group: the first of them does not go alone', async () => {
    const sizes: number[] = [];
    const { db } = t.grouped({ onGroup: (size) => sizes.push(size) });
    const company = (await t.books()).company;
    // Callers answered together come back together: each round's twelve are asked in one turn,
    // read their accounts by one shared statement, and join the queue in one turn.
    for (const round of [0, 1]) {
      const posted = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          postJournalEntry(db, company, author(200 + i), entry(`turn-${round}-${i}`)),
        ),
      );
      expect(await transactionsOf(posted.map((e) => e.id))).toBe(1);
    }
    expect(sizes).toEqual([12, 12]);
    expect(gapless(await jeNumbers())).toBe(true);
  });
});

describe('documents in one group', () => {
  it('posts each invoice with its own gapless number, refuses the one in a locked period alone', async () => {
    const { db, groups } = t.grouped();
    const books = { ...(await t.books()), db };
    const customer = (await createParty(books, { kind: 'CUSTOMER', code: 'G1', name: 'Group Hotel' })).id;
    const draft = (date: string) =>
      createDraft(books, 'SALES_INVOICE', {
        partyId: customer,
        documentDate: date,
        lines: [
          { description: 'Servicio', accountCode: '4102', quantity: '1', unitPrice: '50', taxCode: 'EXENTO' },
        ],
      });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await draft(`2026-07-${String(10 + i).padStart(2, '0')}`)).id);
    const locked = await draft('2026-08-20');
    await t.admin.query(`UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 8`);
    try {
      const held = await plug(groups, 10);
      const calls = [...ids, ids[0] as string, locked.id].map((id, i) =>
        outcome(postDocument({ ...books, actor: author(300 + i) }, id, 'SALES')),
      );
      await held.done;
      const results = await Promise.all(calls);
      expect(results.map((r) => r.code)).toEqual([...Array(9).fill(undefined), 'PERIOD_LOCKED']);
      const posted = results
        .slice(0, 9)
        .map((r) => r.value as { id: string; number: string; entryId: string });
      // Posting the first invoice twice in one group answers it once posted, with one number.
      expect(posted[8]).toMatchObject({ id: posted[0]?.id, number: posted[0]?.number });
      const { rows } = await t.admin.query<{ n: number }>(
        `SELECT split_part(number, '-', 3)::int AS n FROM documents
          WHERE kind = 'SALES_INVOICE' AND status = 'POSTED' ORDER BY 1`,
      );
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.length).toBeGreaterThanOrEqual(8);
      expect(gapless(await jeNumbers())).toBe(true);
      expect(await transactionsOf(posted.slice(0, 8).map((d) => d.entryId))).toBe(1);
      expect(await t.count('documents', `id = '${locked.id}' AND status = 'DRAFT' AND number IS NULL`)).toBe(
        1,
      );
      await chainIntact();
    } finally {
      await t.admin.query(`UPDATE posting_periods SET state = 'UNLOCKED' WHERE year = 2026 AND month = 8`);
    }
  });
});

/** A `beforeCommit` that terminates the first group of `size` on its own connection, right before its COMMIT. */
function terminateFirstGroupOf(size: number): NonNullable<GroupOptions['beforeCommit']> {
  let armed = true;
  return async (tx, groupSize) => {
    if (!armed || groupSize !== size) return;
    armed = false;
    const { rows } = await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
    await t.admin.query('SELECT pg_terminate_backend($1, 30000)', [rows[0]?.pid]);
  };
}

describe('a group whose commit fails', () => {
  it('fails every posting of the group with TENANT_UNAVAILABLE and writes nothing; the retry posts each once', async () => {
    const { db, groups } = t.grouped({ beforeCommit: terminateFirstGroupOf(8) });
    const company = (await t.books()).company;
    const count = async () => ({
      entries: await t.count('journal_entries'),
      events: await t.count('audit_events'),
      lines: await t.count('gl_lines'),
      next: Number(
        (await t.admin.query(`SELECT next_value FROM number_sequences WHERE document_type = 'JE'`)).rows[0]
          ?.next_value ?? 1,
      ),
    });
    const before = await count();
    const held = await plug(groups, 8);
    const inputs = Array.from({ length: 8 }, (_, i) => entry(`lost-${i}`, { memo: `lost ${i}` }));
    const calls = inputs.map((input, i) => postJournalEntry(db, company, author(200 + i), input));
    await held.done;
    const results = await Promise.all(calls.map(outcome));
    expect(results.map((r) => r.code)).toEqual(Array(8).fill('TENANT_UNAVAILABLE'));
    expect(await count()).toEqual(before);

    const retried = await Promise.all(
      inputs.map((input, i) => postJournalEntry(db, company, author(200 + i), input)),
    );
    expect(new Set(retried.map((e) => e.id)).size).toBe(8);
    const after = await count();
    expect(after.entries).toBe(before.entries + 8);
    expect(after.next).toBe(before.next + 8);
    expect(gapless(await jeNumbers())).toBe(true);
    await chainIntact();
  });
});

describe('groups queued behind each other', () => {
  const inputsOf = (tag: string) =>
    Array.from({ length: 16 }, (_, i) => entry(`${tag}-${i}`, { memo: `${tag} ${i}` }));

  it('keep one connection between them: the next group commits while the rest of the pool is taken', async () => {
    // Two connections. While the first of two queued groups runs, the test takes the other one and
    // queues a statement on the pool that waits for a lock the test holds: a group that gave its
    // connection back to the pool would hand it to that statement and wait for ever.
    const locker = await t.admin.connect();
    await locker.query('SELECT pg_advisory_lock(4217)');
    let taken: { other: pg.PoolClient; waiting: Promise<unknown> } | undefined;
    const { db, groups, pool } = t.grouped({
      max: 2,
      maxSize: 8,
      beforeCommit: async (_tx, size) => {
        if (taken || size !== 8) return;
        const other = await pool.connect();
        taken = { other, waiting: pool.query('SELECT pg_advisory_lock(4217)') };
      },
    });
    const company = (await t.books()).company;
    const held = await plug(groups, 16);
    const calls = inputsOf('kept').map((input, i) => postJournalEntry(db, company, author(300 + i), input));
    await held.done;
    const posted = await Promise.all(calls);
    // Reaching here is the proof: a second group that asked the pool would wait behind the blocked
    // statement for ever (the test would time out).
    expect(await transactionsOf(posted.map((e) => e.id))).toBe(2);
    await locker.query('SELECT pg_advisory_unlock(4217)');
    locker.release();
    await taken?.waiting;
    taken?.other.release();
    expect(gapless(await jeNumbers())).toBe(true);
    await chainIntact();
  });

  it('commit on their postings’ own handles when the pool cannot give the connection to keep', async () => {
    const { db, groups, pool } = t.grouped({ maxSize: 8 });
    const company = (await t.books()).company;
    let release = () => {};
    const held = await plug(groups, 16, new Promise<void>((resolve) => (release = resolve)));
    const calls = inputsOf('unkept').map((input, i) => postJournalEntry(db, company, author(500 + i), input));
    await groups.whenWaiting(16);
    // The next ask of the pool is the drain's, for the connection to keep: refuse it, once.
    const connect = pool.connect.bind(pool);
    let refused = 0;
    pool.connect = (() => {
      pool.connect = connect;
      refused++;
      return Promise.reject(new Error('no connection now'));
    }) as typeof pool.connect;
    release();
    await held.done;
    const posted = await Promise.all(calls);
    expect(refused).toBe(1);
    expect(await transactionsOf(posted.map((e) => e.id))).toBe(2);
    expect(gapless(await jeNumbers())).toBe(true);
    await chainIntact();
  });

  it('drop the connection a group lost: that group fails alone, the next commits on a fresh one', async () => {
    const { db, groups } = t.grouped({ maxSize: 8, beforeCommit: terminateFirstGroupOf(8) });
    const company = (await t.books()).company;
    const entriesBefore = await t.count('journal_entries');
    const held = await plug(groups, 16);
    const calls = inputsOf('dropped').map((input, i) =>
      postJournalEntry(db, company, author(400 + i), input),
    );
    await held.done;
    const results = await Promise.all(calls.map(outcome));
    // Which eight made the first group is the order they finished their reads in, not call order.
    expect(results.filter((r) => r.code === 'TENANT_UNAVAILABLE')).toHaveLength(8);
    expect(results.filter((r) => r.value?.number)).toHaveLength(8);
    expect(await t.count('journal_entries')).toBe(entriesBefore + 8);
    expect(gapless(await jeNumbers())).toBe(true);
    await chainIntact();
  });
});

describe('random mixes of concurrent postings (fast-check)', () => {
  type Kind = 'valid' | 'unbalanced' | 'noPeriod' | 'retryOld' | 'reuseOld' | 'dupPair' | 'unkeyed';
  const kinds: Kind[] = ['valid', 'unbalanced', 'noPeriod', 'retryOld', 'reuseOld', 'dupPair', 'unkeyed'];

  it('keeps every posting’s own outcome, gapless numbers and the audit chain, however they group', async () => {
    const { db } = t.grouped();
    const company = (await t.books()).company;
    const old = entry('prop-old', { memo: 'the old one' });
    const first = await postJournalEntry(db, company, actor, old);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 40 }), async (mix) => {
        run++;
        const before = await t.count('journal_entries');
        const calls = mix.flatMap((kind, i): { kind: Kind; p: Promise<unknown> }[] => {
          const key = `prop-${run}-${i}`;
          const a = author(1000 + i);
          switch (kind) {
            case 'valid':
              return [{ kind, p: postJournalEntry(db, company, a, entry(key)) }];
            case 'unkeyed':
              return [{ kind, p: postJournalEntry(db, company, a, entry(null)) }];
            case 'unbalanced':
              return [
                {
                  kind,
                  p: postJournalEntry(db, company, a, {
                    ...entry(key),
                    lines: [
                      { accountCode: '1110', debit: '1.00' },
                      { accountCode: '4101', credit: '2.00' },
                    ],
                  }),
                },
              ];
            case 'noPeriod':
              return [
                { kind, p: postJournalEntry(db, company, a, entry(key, { postingDate: '2030-02-01' })) },
              ];
            case 'retryOld':
              return [{ kind, p: postJournalEntry(db, company, a, old) }];
            case 'reuseOld':
              return [{ kind, p: postJournalEntry(db, company, a, { ...old, memo: `changed ${i}` }) }];
            default: // dupPair
              return [
                { kind, p: postJournalEntry(db, company, a, entry(key)) },
                { kind, p: postJournalEntry(db, company, author(2000 + i), entry(key)) },
              ];
          }
        });
        const results = await Promise.all(
          calls.map(async (c) => ({ kind: c.kind, ...(await outcome(c.p)) })),
        );
        const expected: Record<Kind, string | undefined> = {
          valid: undefined,
          unkeyed: undefined,
          dupPair: undefined,
          retryOld: undefined,
          unbalanced: 'UNBALANCED_ENTRY',
          noPeriod: 'PERIOD_NOT_FOUND',
          reuseOld: 'IDEMPOTENCY_KEY_REUSED',
        };
        for (const r of results) expect(r.code).toBe(expected[r.kind]);
        for (const r of results.filter((x) => x.kind === 'retryOld')) {
          expect((r.value as { id: string }).id).toBe(first.id);
        }
        const fresh = mix.filter((k) => k === 'valid' || k === 'unkeyed' || k === 'dupPair').length;
        expect(await t.count('journal_entries')).toBe(before + fresh);
        expect(gapless(await jeNumbers())).toBe(true);
      }),
      { numRuns: 12 },
    );
    await chainIntact();
  });
});
