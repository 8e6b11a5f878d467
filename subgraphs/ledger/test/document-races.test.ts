import { pg, tenantDb } from '@cifra/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCredit,
  createDraft,
  type DocumentRow,
  type InvoiceDraftInput,
  postDocument,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { codeOf, openTestBooks, settle, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let wide: pg.Pool;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  wide = new pg.Pool({ connectionString: t.database.appUrl, max: 16 });
  books = { ...(await t.books()), db: tenantDb(wide) };
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'R1', name: 'Race Hotel' })).id;
});
afterAll(async () => {
  await wide.end();
  await t.close();
});

const invoice = (): InvoiceDraftInput => ({
  partyId: customer,
  documentDate: '2026-03-10',
  lines: [{ description: 'Room', accountCode: '4101', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
});
const receipt = (invoiceId: string) =>
  createDraft(books, 'CUSTOMER_RECEIPT', {
    partyId: customer,
    documentDate: '2026-03-20',
    amount: '100.00',
    allocations: [{ invoiceId, amount: '100.00' }],
  });
const postedInvoice = async () =>
  postDocument(books, (await createDraft(books, 'SALES_INVOICE', invoice())).id, 'SALES');
const statusOf = async (id: string) =>
  (await t.admin.query<{ status: string }>('SELECT status FROM documents WHERE id = $1', [id])).rows[0]
    ?.status;

// Many requests on one document at once, through a pool wide enough that they meet inside the
// database: one wins, and every other is told exactly why, as it would be one after the other.
describe('a document under concurrent requests', () => {
  it('is posted once when 16 post its draft at once, each answered with the posted document', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', invoice());
    const { values, errors } = await settle(
      Array.from({ length: 16 }, () => postDocument(books, draft.id, 'SALES')),
    );
    expect(errors.map(codeOf)).toEqual([]);
    expect(new Set(values.map((d) => d.number)).size).toBe(1);
    expect(values[0]?.status).toBe('POSTED');
    expect(await t.count('journal_entries', `source_id = '${draft.id}'`)).toBe(1);
  });

  it('is voided once when 16 void it at once: ALREADY_VOIDED for the other 15, one reversal', async () => {
    const inv = await postedInvoice();
    const { values, errors } = await settle(
      Array.from({ length: 16 }, () => voidDocument(books, inv.id, 'SALES', 'Issued to the wrong hotel')),
    );
    expect(values).toHaveLength(1);
    expect(errors.map(codeOf)).toEqual(Array(15).fill('ALREADY_VOIDED'));
    expect(await t.count('voids', `document_id = '${inv.id}'`)).toBe(1);
    expect(await t.count('journal_entries', `reverses_entry_id = '${inv.entryId}'`)).toBe(1);
  });

  it('is settled by one of 8 receipts for its whole amount posted at once: OVER_ALLOCATION for 7', async () => {
    const inv = await postedInvoice();
    const drafts: DocumentRow[] = [];
    for (let i = 0; i < 8; i++) drafts.push(await receipt(inv.id));
    const { values, errors } = await settle(drafts.map((d) => postDocument(books, d.id, 'PAYMENT')));
    expect(values).toHaveLength(1);
    expect(errors.map(codeOf)).toEqual(Array(7).fill('OVER_ALLOCATION'));
    expect(await t.count('allocations', `invoice_id = '${inv.id}'`)).toBe(1);
    const statuses = await Promise.all(drafts.map((d) => statusOf(d.id)));
    expect(statuses.filter((s) => s === 'POSTED')).toHaveLength(1);
  });

  it('is never both voided and settled when a void and a receipt race', async () => {
    for (let round = 0; round < 6; round++) {
      const inv = await postedInvoice();
      const r = await receipt(inv.id);
      const [voided, paid] = await Promise.allSettled([
        voidDocument(books, inv.id, 'SALES', 'Issued to the wrong hotel'),
        postDocument(books, r.id, 'PAYMENT'),
      ]);
      // Exactly one wins; the other is refused as it would be after the winner.
      expect([voided.status, paid.status].sort()).toEqual(['fulfilled', 'rejected']);
      if (voided.status === 'fulfilled') {
        expect(paid.status === 'rejected' && codeOf(paid.reason)).toBe('BAD_USER_INPUT');
        expect(await statusOf(r.id)).toBe('DRAFT');
        expect(await t.count('allocations', `invoice_id = '${inv.id}'`)).toBe(0);
      } else {
        expect(codeOf(voided.reason)).toBe('DOCUMENT_HAS_SETTLEMENTS');
        expect(await statusOf(inv.id)).toBe('POSTED');
        expect(await t.count('voids', `document_id = '${inv.id}'`)).toBe(0);
      }
    }
  });

  it('answers each of receipts, a note, voids and a credit application on the same invoices exactly, grouped as they meet', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b, c] = [await postedInvoice(), await postedInvoice(), await postedInvoice()];
      const credit = await postDocument(
        books,
        (
          await createDraft(books, 'CUSTOMER_RECEIPT', {
            partyId: customer,
            documentDate: '2026-03-15',
            amount: '50.00',
            allocations: [],
          })
        ).id,
        'PAYMENT',
      );
      const split = await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: '2026-03-20',
        amount: '100.00',
        allocations: [
          { invoiceId: a.id, amount: '60.00' },
          { invoiceId: b.id, amount: '40.00' },
        ],
      });
      const rest = await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: '2026-03-20',
        amount: '60.00',
        allocations: [{ invoiceId: b.id, amount: '60.00' }],
      });
      const note = await createDraft(books, 'CREDIT_NOTE', {
        ...invoice(),
        documentDate: '2026-03-20',
        appliesToId: c.id,
      });
      const outcomes = await Promise.allSettled([
        postDocument(books, split.id, 'PAYMENT'),
        postDocument(books, rest.id, 'PAYMENT'),
        postDocument(books, note.id, 'SALES'),
        voidDocument(books, a.id, 'SALES', 'Issued to the wrong hotel'),
        voidDocument(books, c.id, 'SALES', 'Issued to the wrong hotel'),
        applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', {
          creditId: credit.id,
          invoiceId: b.id,
          amount: '30.00',
          date: '2026-03-20',
        }),
        // The same credit again, on the same invoice: 55.00 of a credit of 50.00 asked at once.
        applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', {
          creditId: credit.id,
          invoiceId: b.id,
          amount: '25.00',
          date: '2026-03-20',
        }),
      ]);
      // Each is posted or refused for a reason of the books, never a deadlock or a failure.
      const allowed = ['BAD_USER_INPUT', 'OVER_ALLOCATION', 'DOCUMENT_HAS_SETTLEMENTS'];
      for (const o of outcomes) if (o.status === 'rejected') expect(allowed).toContain(codeOf(o.reason));
      // No invoice is both voided and settled, and none is settled beyond its total.
      const { rows } = await t.admin.query(
        `SELECT i.id, EXISTS (SELECT 1 FROM voids v WHERE v.document_id = i.id) AS voided,
                coalesce((SELECT sum(al.amount_minor) FROM allocations al WHERE al.invoice_id = i.id
                  AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = al.source_document_id)), 0)::int AS settled
           FROM documents i WHERE i.id = ANY ($1::uuid[])`,
        [[a.id, b.id, c.id]],
      );
      for (const r of rows) {
        expect(r.settled).toBeLessThanOrEqual(10000);
        if (r.voided) expect(r.settled).toBe(0);
      }
      // The credit is never used beyond what it holds: both applications cannot post.
      const { rows: used } = await t.admin.query(
        `SELECT coalesce(sum(amount_minor), 0)::int AS used FROM allocations WHERE invoice_id = $1`,
        [credit.id],
      );
      expect(used[0].used).toBeLessThanOrEqual(5000);
      expect(outcomes.slice(5).filter((o) => o.status === 'fulfilled').length).toBeLessThanOrEqual(1);
      // A void and what it raced: exactly one of them won.
      const [splitDone, , noteDone, voidA, voidC] = outcomes.map((o) => o.status === 'fulfilled');
      expect(voidA).toBe(!splitDone);
      expect(voidC).toBe(!noteDone);
    }
  });
});
