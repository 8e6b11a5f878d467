import { control } from '@cifra/db';
import { BOOKS_YEAR } from '@cifra/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

// Retries and double clicks through the gateway with real tokens: the database settles each race
// and the answer names it (the first result, or a stable code), never INTERNAL_SERVER_ERROR.

const CLIENT = 'cafe-boquete';
const YEAR = BOOKS_YEAR;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const POST = `mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const VOID = `mutation ($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id voided } }`;

const entry = (key: string, amount = '42.10') => ({
  input: {
    postingDate: `${YEAR}-03-20`,
    memo: `Race ${key}`,
    idempotencyKey: key,
    lines: [
      { accountCode: '6101', debit: amount },
      { accountCode: '1110', credit: amount },
    ],
  },
});

async function entriesWithKey(key: string): Promise<number> {
  const [row] = await t.tenantSql<{ n: number }>(
    CLIENT,
    'SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1',
    [key],
  );
  return row?.n ?? -1;
}

type Posted = { postJournalEntry: { id: string; number: string } };

describe('one idempotency key sent 32 times at once', () => {
  it('answers every request with the first entry, posted once', async () => {
    const key = `e2e-race-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 32 }, () => t.as('senior', CLIENT)<Posted>(POST, entry(key))),
    );
    expect(answers.flatMap((a) => codes(a))).toEqual([]);
    expect(new Set(answers.map((a) => a.data?.postJournalEntry.id)).size).toBe(1);
    expect(await entriesWithKey(key)).toBe(1);

    const reused = await t.as('senior', CLIENT)(POST, entry(key, '99.00'));
    expect(codes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(reused.errors?.[0]?.extensions?.firstRequestAt).toEqual(expect.any(String));
    expect(await entriesWithKey(key)).toBe(1);
  });
});

describe('one entry voided 16 times at once', () => {
  it('voids it once and answers ALREADY_VOIDED to the others', async () => {
    const posted = await t.as('senior', CLIENT)<Posted>(POST, entry(`e2e-void-${Date.now()}`));
    expect(posted.errors).toBeUndefined();
    const id = posted.data!.postJournalEntry.id;
    const answers = await Promise.all(
      Array.from({ length: 16 }, () =>
        t.as('senior', CLIENT)(VOID, { id, reason: 'Posted twice by a double click' }),
      ),
    );
    const failures = answers.flatMap((a) => codes(a));
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
    expect(failures).toEqual(Array(15).fill('ALREADY_VOIDED'));
    const [row] = await t.tenantSql<{ n: number }>(
      CLIENT,
      'SELECT count(*)::int AS n FROM voids WHERE entry_id = $1',
      [id],
    );
    expect(row?.n).toBe(1);
  });
});

describe('one slug provisioned 8 times at once', () => {
  const PROVISION = `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug status } }`;

  it('makes one client and answers TENANT_EXISTS to the others, never null without an error', async () => {
    const slug = 'race-onboarding';
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.as('admin')<{ provisionTenant: { slug: string; status: string } | null }>(PROVISION, {
          input: { slug, name: `Race Onboarding ${i}` },
        }),
      ),
    );
    const made = answers.filter((a) => !a.errors);
    expect(made.map((a) => a.data?.provisionTenant)).toEqual([{ slug, status: 'ACTIVE' }]);
    expect(answers.filter((a) => a.errors).flatMap((a) => codes(a))).toEqual(Array(7).fill('TENANT_EXISTS'));
    const db = t.stack.control.db;
    expect(await db.select().from(control.tenants).where(eq(control.tenants.slug, slug))).toHaveLength(1);
    const events = await db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.action, 'tenant.provisioned'),
          sql`${control.controlAuditEvents.after}->>'slug' = ${slug}`,
        ),
      );
    expect(events).toHaveLength(1);
  });
});
