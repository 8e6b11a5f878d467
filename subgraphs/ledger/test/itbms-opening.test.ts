import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { importOpeningBalances, voidOpeningBalances } from '../src/opening/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { itbmsReturn } from '../src/tax-return/index.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

// The tax balances an opening balance import brings are the previous system's, declared there
// (docs/architecture/opening-balances.md): the ITBMS return counts neither them nor their void.

let t: TestBooks;
let books: Books;
let customer: string;
let importId: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  const dgi = (
    await createParty(books, { kind: 'VENDOR', code: 'DGI', name: 'Dirección General de Ingresos' })
  ).id;
  // 300.00 of ITBMS owed and 40.00 of credit, as the previous system closed June.
  const outcome = await importOpeningBalances(books, {
    openingDate: '2026-07-01',
    trialBalance: [
      { accountCode: '2201', credit: '300.00', partyId: dgi },
      { accountCode: '1401', debit: '40.00', partyId: dgi },
      { accountCode: '3101', debit: '260.00' },
    ],
  });
  importId = outcome.imported?.id as string;
});
afterAll(() => t.close());

const figures = async (month: number) => {
  const r = await itbmsReturn(books, 2026, month);
  return {
    journalOutputTax: r.journalOutputTaxMinor,
    journalInputTax: r.journalInputTaxMinor,
    outputTax: r.outputTaxMinor,
    inputTax: r.inputTaxMinor,
    netPayable: r.payableMinor,
    glOutputTax: r.glOutputTaxMinor,
    glInputTax: r.glInputTaxMinor,
    reconciles: r.reconciles,
  };
};

const NOTHING = {
  journalOutputTax: 0n,
  journalInputTax: 0n,
  outputTax: 0n,
  inputTax: 0n,
  netPayable: 0n,
  glOutputTax: 0n,
  glInputTax: 0n,
  reconciles: true,
};

describe('the ITBMS return and opening balances', () => {
  it("leaves the import's tax balances out of the opening month: no July activity, nothing to pay", async () => {
    expect(importId).toBeTruthy();
    expect(await figures(7)).toEqual(NOTHING);
  });

  it("counts the month's own sales beside them: 100.00 at 7 % is 7.00 payable, and reconciles", async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-07-20',
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: '100.00', taxCode: 'ITBMS7' }],
    });
    await postDocument(books, draft.id, 'SALES');
    expect(await figures(7)).toEqual({ ...NOTHING, outputTax: 700n, netPayable: 700n, glOutputTax: 700n });
  });

  it("leaves the import's void out of the month it is dated in", async () => {
    await voidOpeningBalances(books, importId, 'Imported from the wrong closing figures', '2026-08-03');
    expect(await figures(8)).toEqual(NOTHING);
    expect((await figures(7)).netPayable).toBe(700n);
  });
});
