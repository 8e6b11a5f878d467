import { pg, type TenantDb, tenantDb } from '@cifra/db';
import { postDueReversals } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, type InvoiceDraftInput } from '../src/documents/index.ts';
import { setNumberingPrefix } from '../src/numbering/set-prefix.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { voidJournalEntry } from '../src/services/void-journal-entry.service.ts';
import { actor, codeOf, openTestBooks, refusal, settle, type TestBooks } from './test-books.ts';

// Every unique-violation fallback of the ledger reached for real: many requests at once on one
// key or one entry, through a pool wide enough that they meet inside the database.

let t: TestBooks;
let books: Books;
let wide: pg.Pool;
let db: TenantDb;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  wide = new pg.Pool({ connectionString: t.database.appUrl, max: 16 });
  db = tenantDb(wide);
  books = { ...(await t.books()), db };
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'R1', name: 'Race Hotel' })).id;
});
afterAll(async () => {
  await wide.end();
  await t.close();
});

const entry = (key: string, over: Record<string, unknown> = {}) => ({
  postingDate: '2026-04-15',
  memo: `race ${key}`,
  idempotencyKey: key,
  lines: [
    { accountCode: '1110', debit: '125.50' },
    { accountCode: '4101', credit: '125.50' },
  ],
  ...over,
});

describe('one idempotency key, many requests at once', () => {
  it('answers 32 concurrent postJournalEntry calls with the first entry, posted once', async () => {
    const before = await t.count('journal_entries');
    const { values, errors } = await settle(
      Array.from({ length: 32 }, () => postJournalEntry(db, books.company, actor, entry('single-32'))),
    );
    expect(errors.map(codeOf)).toEqual([]);
    expect(new Set(values.map((e) => e.id)).size).toBe(1);
    expect(await t.count('journal_entries', "idempotency_key = 'single-32'")).toBe(1);
    expect(await t.count('journal_entries')).toBe(before + 1);
  });

  it('answers 8 concurrent identical bulk imports with the first entries, posted once', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => entry(`bulk-${i}`));
    const before = await t.count('journal_entries');
    const { values, errors } = await settle(
      Array.from({ length: 8 }, () => postJournalEntries(db, books.company, actor, batch)),
    );
    expect(errors.map(codeOf)).toEqual([]);
    const first = values[0]?.map((e) => e.id);
    expect(first).toHaveLength(5);
    for (const v of values) expect(v.map((e) => e.id)).toEqual(first);
    expect(await t.count('journal_entries')).toBe(before + 5);
  });
});

describe('an idempotency key is bound to its payload', () => {
  it('answers the same payload, however spelled, with the first entry', async () => {
    const first = await postJournalEntry(db, books.company, actor, entry('spelled'));
    const again = await postJournalEntry(db, books.company, actor, {
      lines: [
        { accountCode: '1110', debit: '125.5' },
        { accountCode: '4101', credit: '125.5' },
      ],
      idempotencyKey: 'spelled',
      memo: 'race spelled',
      postingDate: '2026-04-15',
    });
    expect(again.id).toBe(first.id);
  });

  it.each([
    [
      'another amount',
      {
        lines: [
          { accountCode: '1110', debit: '1.00' },
          { accountCode: '4101', credit: '1.00' },
        ],
      },
    ],
    ['another date', { postingDate: '2026-04-16' }],
    ['another memo', { memo: 'something else' }],
  ])('refuses the key with %s, naming the first request, writing nothing', async (_name, over) => {
    const first = await postJournalEntry(db, books.company, actor, entry(`bound-${_name}`));
    const before = await t.count('journal_entries');
    const err = await refusal(postJournalEntry(db, books.company, actor, entry(`bound-${_name}`, over)));
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(err.details).toMatchObject({
      field: 'idempotencyKey',
      firstRequestAt: first.createdAt.toISOString(),
      entryId: first.id,
    });
    expect(err.message).toContain(first.createdAt.toISOString());
    expect(await t.count('journal_entries')).toBe(before);
  });

  it('refuses a reused key inside a bulk import, naming the entry, writing nothing', async () => {
    await postJournalEntry(db, books.company, actor, entry('bulk-bound'));
    const before = await t.count('journal_entries');
    const err = await refusal(
      postJournalEntries(db, books.company, actor, [
        entry('bulk-new'),
        entry('bulk-bound', { memo: 'changed' }),
      ]),
    );
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(err.details).toMatchObject({ index: 1, field: 'input[1].idempotencyKey' });
    expect(await t.count('journal_entries')).toBe(before);
  });

  it('compares an entry keyed before hashes were stored on the stored entry itself', async () => {
    const first = await postJournalEntry(db, books.company, actor, entry('legacy'));
    // As the owner, make the row look like one written before migration 0018.
    await t.admin.query('ALTER TABLE journal_entries DISABLE TRIGGER USER');
    await t.admin.query(
      "UPDATE journal_entries SET idempotency_hash = NULL WHERE idempotency_key = 'legacy'",
    );
    await t.admin.query('ALTER TABLE journal_entries ENABLE TRIGGER USER');
    expect(await t.count('journal_entries', "idempotency_key = 'legacy' AND idempotency_hash IS NULL")).toBe(
      1,
    );
    expect((await postJournalEntry(db, books.company, actor, entry('legacy'))).id).toBe(first.id);
    const err = await refusal(postJournalEntry(db, books.company, actor, entry('legacy', { memo: 'other' })));
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('concurrent voids of one entry', () => {
  it('give one success and ALREADY_VOIDED for the other 15, with one reversal', async () => {
    const target = await postJournalEntry(db, books.company, actor, entry('to-void'));
    const { values, errors } = await settle(
      Array.from({ length: 16 }, () =>
        voidJournalEntry(db, actor, { id: target.id, reason: 'Posted twice by mistake, voiding' }),
      ),
    );
    expect(values).toHaveLength(1);
    expect(errors.map(codeOf)).toEqual(Array(15).fill('ALREADY_VOIDED'));
    expect(await t.count('voids', `entry_id = '${target.id}'`)).toBe(1);
    expect(await t.count('journal_entries', `reverses_entry_id = '${target.id}'`)).toBe(1);
  });
});

describe("a void racing the accrual's scheduled reversal", () => {
  it('leaves one reversal, and a refused void is told ALREADY_REVERSED', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const accrual = await postJournalEntry(
        db,
        books.company,
        actor,
        entry(`accrual-${round}`, { autoReverse: true, reverseOn: '2026-05-01' }),
      );
      const [voided, run] = await Promise.allSettled([
        voidJournalEntry(db, actor, { id: accrual.id, reason: 'Accrued twice by mistake' }),
        postDueReversals(db, actor, '2026-05-31'),
      ]);
      expect(run.status === 'fulfilled' && run.value.refused).toEqual([]);
      const scheduled =
        run.status === 'fulfilled' ? run.value.posted.filter((e) => e.reversesEntryId === accrual.id) : [];
      expect(await t.count('journal_entries', `reverses_entry_id = '${accrual.id}'`)).toBe(1);
      if (voided.status === 'fulfilled') {
        expect(scheduled).toEqual([]);
        expect(await t.count('voids', `entry_id = '${accrual.id}'`)).toBe(1);
        outcomes.add('voided');
      } else {
        expect(codeOf(voided.reason)).toBe('ALREADY_REVERSED');
        expect(scheduled).toHaveLength(1);
        expect(await t.count('voids', `entry_id = '${accrual.id}'`)).toBe(0);
        outcomes.add('reversed as scheduled');
      }
    }
    console.log(`void against scheduled reversal: ${[...outcomes].join(', ')}`);
  });
});

describe('document drafts under an idempotency key', () => {
  const invoice = (over: Partial<InvoiceDraftInput> = {}): InvoiceDraftInput => ({
    partyId: customer,
    documentDate: '2026-04-10',
    idempotencyKey: 'draft-key',
    lines: [{ description: 'Room', accountCode: '4101', quantity: '2', unitPrice: '80', taxCode: 'EXENTO' }],
    ...over,
  });

  it('answer 8 concurrent identical requests with one draft', async () => {
    const before = await t.count('documents');
    const { values, errors } = await settle(
      Array.from({ length: 8 }, () => createDraft(books, 'SALES_INVOICE', invoice())),
    );
    expect(errors.map(codeOf)).toEqual([]);
    expect(new Set(values.map((d) => d.id)).size).toBe(1);
    expect(await t.count('documents')).toBe(before + 1);
  });

  it('refuse the key with another payload or another kind', async () => {
    const [first] = (
      await t.admin.query("SELECT id, created_at FROM documents WHERE idempotency_key = 'draft-key'")
    ).rows;
    const before = await t.count('documents');
    const err = await refusal(
      createDraft(
        books,
        'SALES_INVOICE',
        invoice({ lines: [{ accountCode: '4101', quantity: '3', unitPrice: '80' }] }),
      ),
    );
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(err.details).toMatchObject({
      documentId: first.id,
      firstRequestAt: first.created_at.toISOString(),
    });
    expect((await refusal(createDraft(books, 'CREDIT_NOTE', invoice()))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.count('documents')).toBe(before);
  });
});

describe('numbering prefixes', () => {
  it('refuses a prefix another document kind uses, when it is set', async () => {
    const err = await refusal(setNumberingPrefix(books, 'CREDIT_NOTE', 'inv'));
    expect(err.code).toBe('NUMBERING_PREFIX_TAKEN');
    expect(err.details).toMatchObject({ field: 'prefix', documentKind: 'SALES_INVOICE' });
    expect(
      (await t.admin.query("SELECT prefix FROM numbering_prefixes WHERE document_type = 'CREDIT_NOTE'")).rows,
    ).toEqual([{ prefix: 'CN' }]);
    // Setting a kind's own prefix again is no conflict.
    expect(await setNumberingPrefix(books, 'SALES_INVOICE', 'INV')).toEqual({
      documentKind: 'SALES_INVOICE',
      prefix: 'INV',
    });
  });

  it('lets one of two kinds claiming one prefix at once have it', async () => {
    const { values, errors } = await settle([
      setNumberingPrefix(books, 'DEBIT_NOTE', 'NOTE'),
      setNumberingPrefix(books, 'CREDIT_NOTE', 'NOTE'),
    ]);
    expect(values).toHaveLength(1);
    expect(errors.map(codeOf)).toEqual(['NUMBERING_PREFIX_TAKEN']);
    expect(await t.count('numbering_prefixes', "prefix = 'NOTE'")).toBe(1);
  });
});
