import { pg, tenantDb } from '@cifra/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument, voidDocument } from '../src/documents/index.ts';
import { importOpeningBalances, voidOpeningBalances } from '../src/opening/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { codeOf, openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let wide: pg.Pool;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  wide = new pg.Pool({ connectionString: t.database.appUrl, max: 8 });
  books = { ...(await t.books()), db: tenantDb(wide) };
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'OV1', name: 'Opening Hotel' })).id;
});
afterAll(async () => {
  await wide.end();
  await t.close();
});

const reason = 'Wrong trial balance file from the previous accountant';

/** Opening balances on 1 July with one open invoice, F-<round>, of 100.00 for the customer. */
async function importWithOneItem(round: number): Promise<{ importId: string; itemId: string }> {
  const outcome = await importOpeningBalances(books, {
    openingDate: '2026-07-01',
    clearingAccountCode: '3101',
    trialBalance: [
      { accountCode: '1201', debit: '100.00' },
      { accountCode: '3101', credit: '100.00' },
    ],
    openItems: [
      {
        kind: 'SALES_INVOICE',
        partyId: customer,
        number: `F-${round}`,
        date: '2026-06-10',
        originalAmount: '100.00',
        openAmount: '100.00',
      },
    ],
  });
  const imported = outcome.imported;
  if (!imported) throw new Error('the opening balances were not imported');
  const { rows } = await t.admin.query<{ id: string }>(
    'SELECT id FROM documents WHERE opening_import_id = $1',
    [imported.id],
  );
  return { importId: imported.id, itemId: rows[0]!.id };
}

describe('voiding opening balances while a receipt settles one of their items', () => {
  it('lets one of the two through, never both: no live receipt on a voided item', async () => {
    for (let round = 1; round <= 6; round++) {
      const { importId, itemId } = await importWithOneItem(round);
      const receipt = await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: '2026-07-10',
        amount: '100.00',
        allocations: [{ invoiceId: itemId, amount: '100.00' }],
      });
      const [voided, posted] = await Promise.allSettled([
        voidOpeningBalances(books, importId, reason),
        postDocument(books, receipt.id, 'PAYMENT'),
      ]);
      // Whichever came first, the other is told why: the receipt finds its invoice voided, or the
      // void finds the item settled. Never both: a live receipt on a voided item.
      if (voided.status === 'fulfilled') {
        expect(posted.status === 'rejected' && codeOf(posted.reason)).toBe('BAD_USER_INPUT');
      } else {
        expect(codeOf(voided.reason)).toBe('DOCUMENT_HAS_SETTLEMENTS');
        expect(posted.status).toBe('fulfilled');
        await voidDocument(books, receipt.id, 'PAYMENT', reason);
        await voidOpeningBalances(books, importId, reason);
      }
    }
  });
});
