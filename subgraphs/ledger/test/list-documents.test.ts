import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, encodeCursor, listDocuments, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let customer: string;
let vendor: string;

const draft = (partyId: string, date: string) => ({
  partyId,
  documentDate: date,
  lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
});

/** Every document id in the order the connection must give: newest first, id as the tiebreak. */
async function expectedOrder(where = 'true'): Promise<string[]> {
  const { rows } = await t.admin.query(
    `SELECT id FROM documents WHERE ${where} ORDER BY posting_date DESC, created_at DESC, id DESC`,
  );
  return rows.map((r) => r.id);
}

async function walk(first: number, filter = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await listDocuments(t.db, { filter, first, after });
    ids.push(...page.edges.map((e) => e.node.id));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('the connection never ended');
}

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca' })).id;
  // 12 sales drafts over four posting dates, 5 vendor bills, and 6 drafts written by one statement
  // (one transaction, so one created_at: only the id tells them apart).
  for (let i = 0; i < 12; i += 1) {
    await createDraft(
      books,
      'SALES_INVOICE',
      draft(customer, `2026-03-${String(10 + (i % 4)).padStart(2, '0')}`),
    );
  }
  for (let i = 0; i < 5; i += 1) {
    const bill = await createDraft(books, 'PURCHASE_INVOICE', {
      ...draft(vendor, '2026-03-11'),
      lines: [{ accountCode: '5101', quantity: '1', unitPrice: '3', taxCode: 'EXENTO' }],
    });
    if (i < 2) await postDocument(books, bill.id, 'PURCHASING');
  }
  await t.admin.query(
    `INSERT INTO documents (kind, party_id, document_date, posting_date, currency)
     SELECT 'SALES_INVOICE', $1, '2026-03-12', '2026-03-12', 'PAB' FROM generate_series(1, 6)`,
    [customer],
  );
});
afterAll(() => t.close());

describe('documents as a Relay connection', () => {
  it('pages through 23 documents 4 at a time: newest first, id tiebreak, none skipped or repeated', async () => {
    const all = await expectedOrder();
    expect(all).toHaveLength(23);
    const walked = await walk(4);
    expect(walked).toEqual(all);
    expect(new Set(walked).size).toBe(23);
    // Dates never go up along the list.
    const first = await listDocuments(t.db, { first: 23 });
    const dates = first.edges.map((e) => e.node.postingDate);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(first.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(first.pageInfo.startCursor).toBe(first.edges[0]?.cursor);
  });

  it('keeps its place when documents are added between pages', async () => {
    const page1 = await listDocuments(t.db, { first: 5 });
    // A newer document and one dated inside the part already read: neither shifts the next page.
    await createDraft(books, 'SALES_INVOICE', draft(customer, '2026-03-20'));
    await createDraft(books, 'SALES_INVOICE', draft(customer, '2026-03-13'));
    const page2 = await listDocuments(t.db, { first: 5, after: page1.pageInfo.endCursor });
    const all = await expectedOrder();
    const at = all.indexOf(page1.edges.at(-1)?.node.id as string);
    expect(page2.edges.map((e) => e.node.id)).toEqual(all.slice(at + 1, at + 6));
  });

  it('pages through a filter: only posted purchase invoices, 1 at a time', async () => {
    const ids = await walk(1, { kind: 'PURCHASE_INVOICE', status: 'POSTED' });
    expect(ids).toEqual(await expectedOrder("kind = 'PURCHASE_INVOICE' AND status = 'POSTED'"));
    expect(ids).toHaveLength(2);
  });

  it('refuses a cursor it did not issue and a page size beyond 500, as BAD_USER_INPUT', async () => {
    for (const after of [
      'garbage',
      encodeCursor(['2026-03-10', 'yesterday', '00000000-0000-4000-8000-000000000000']),
      Buffer.from('["2026-03-10","2026-03-10T00:00:00.000000Z","x"]').toString('base64url'),
    ]) {
      const err = await listDocuments(t.db, { first: 5, after }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('BAD_USER_INPUT');
    }
    const err = await listDocuments(t.db, { first: 501 }).catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('BAD_USER_INPUT');
    // A posting-date range that ends before it starts is refused, naming `from`.
    const range = await listDocuments(t.db, { filter: { from: '2026-12-31', to: '2026-01-01' } }).catch(
      (e: unknown) => e,
    );
    expect([(range as DomainError).code, (range as DomainError).details?.field]).toEqual([
      'BAD_USER_INPUT',
      'from',
    ]);
    expect((await listDocuments(t.db, { first: 0 })).edges).toEqual([]);
  });
});
