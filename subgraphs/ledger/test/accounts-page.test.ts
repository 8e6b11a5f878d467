import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listAccounts,
  MAX_ACCOUNT_LIST,
  MAX_ACCOUNT_PAGE,
  pageAccounts,
} from '../src/services/accounts-page.service.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

/** The chart paged (`accountsConnection`) and bounded (`accounts(first, after, search)`), at 1,200 accounts. */
let t: TestBooks;
let seeded: number;
beforeAll(async () => {
  t = await openTestBooks();
  seeded = await t.count('accounts');
  // A chart of thousands, as accountants will grow it (#18): owner-inserted, behind the API's back.
  await t.admin.query(
    `INSERT INTO accounts (code, name, type)
     SELECT '9' || lpad(n::text, 5, '0'), 'Expense line ' || n, 'EXPENSE' FROM generate_series(1, 1200) n`,
  );
});
afterAll(() => t.close());

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return [(err as DomainError).code, (err as DomainError).details.field];
};

describe('accountsConnection', () => {
  it('pages the whole chart by code, each account once', async () => {
    const codes: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await pageAccounts(t.db, { first: MAX_ACCOUNT_PAGE, after });
      codes.push(...page.edges.map((e) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(codes).toHaveLength(seeded + 1_200);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort());
  });

  it('keeps its place while accounts are added, and searches code and name', async () => {
    const first = await pageAccounts(t.db, { first: 10, search: 'expense line' });
    await t.admin.query(
      `INSERT INTO accounts (code, name, type) VALUES ('900000', 'Expense line zero', 'EXPENSE')`,
    );
    const next = await pageAccounts(t.db, {
      first: 10,
      search: 'EXPENSE LINE',
      after: first.pageInfo.endCursor,
    });
    expect(next.edges.map((e) => e.node.code)).not.toContain('900000');
    expect(next.edges[0]!.node.code > first.edges.at(-1)!.node.code).toBe(true);
    expect((await pageAccounts(t.db, { search: '%' })).edges).toEqual([]);
    expect((await pageAccounts(t.db, { search: 'no such account' })).pageInfo).toMatchObject({
      hasNextPage: false,
      endCursor: null,
    });
  });

  it('refuses a page over the maximum and a cursor it did not return', async () => {
    expect(await refusal(pageAccounts(t.db, { first: MAX_ACCOUNT_PAGE + 1 }))).toEqual([
      'BAD_USER_INPUT',
      'first',
    ]);
    const party = Buffer.from(JSON.stringify(['party', 'CUSTOMER', 'C1'])).toString('base64url');
    for (const after of ['nope', party]) {
      expect(await refusal(pageAccounts(t.db, { after }))).toEqual(['BAD_USER_INPUT', 'after']);
    }
  });
});

describe('accounts, the plain list', () => {
  it('answers at most 1,000 when first is left out, and reads on after the last code', async () => {
    const head = await listAccounts(t.db, {});
    expect(head).toHaveLength(MAX_ACCOUNT_LIST);
    const rest = await listAccounts(t.db, { after: head.at(-1)!.code });
    expect(head.length + rest.length).toBe(seeded + 1_201);
    expect(rest[0]!.code > head.at(-1)!.code).toBe(true);
    expect(await listAccounts(t.db, { first: 3, search: 'expense LINE 1200' })).toHaveLength(1);
    expect(await refusal(listAccounts(t.db, { first: MAX_ACCOUNT_LIST + 1 }))).toEqual([
      'BAD_USER_INPUT',
      'first',
    ]);
  });
});
