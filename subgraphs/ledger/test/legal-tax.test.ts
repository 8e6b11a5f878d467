import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { updateLegalDetails } from '../src/legal/index.ts';
import type { Books } from '../src/services/books.ts';
import { createItem, updateItem } from '../src/services/items.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import { createTaxCode, deactivateTaxCode, updateTaxCode } from '../src/tax-codes/index.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
});
afterAll(() => t.close());

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
};

const invoice = (taxCode: string, date: string) =>
  createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: date,
    lines: [{ accountCode: '4101', quantity: '1', unitPrice: '100', taxCode }],
  });

describe('legal details', () => {
  it('refuses a RUC whose DV is wrong, keeps every version, and LEGAL_DETAILS_REQUIRED without them', async () => {
    const bad = await refusal(
      updateLegalDetails(books, {
        legalName: 'Test SA',
        ruc: '2588017-1-831938',
        dv: '21',
        rucKind: 'LEGAL',
        address: 'Calle 50',
        taxRegime: 'General',
      }),
    );
    expect(bad.details).toMatchObject({ field: 'dv' });
    const saved = await updateLegalDetails(books, {
      legalName: 'Test SA',
      ruc: '2588017-1-831938',
      dv: '20',
      rucKind: 'LEGAL',
      address: 'Calle 50',
      taxRegime: 'General',
    });
    expect(saved).toMatchObject({ ruc: '2588017-1-831938', dv: '20' });
    expect(await t.count('company_history')).toBeGreaterThanOrEqual(2);
    const draft = await invoice('ITBMS7', '2026-03-02');
    await t.admin.query('UPDATE company SET ruc = NULL');
    const before = await t.count('journal_entries');
    expect((await refusal(postDocument(books, draft.id, 'SALES'))).code).toBe('LEGAL_DETAILS_REQUIRED');
    expect(await t.count('journal_entries')).toBe(before);
  });
});

describe('tax codes', () => {
  it('ITBMS10 and ITBMS15 are provisioned; a new rate from a date taxes 100.00 at 7.00 before and 8.00 after', async () => {
    await t.admin.query("UPDATE company SET ruc = '2588017-1-831938'");
    expect((await invoice('ITBMS10', '2026-03-02')).taxMinor).toBe(1000n);
    expect((await invoice('ITBMS15', '2026-03-02')).taxMinor).toBe(1500n);
    const code = await createTaxCode(books, { code: 'ITBMS-X', name: 'Tasa X', ratePercent: '7' });
    expect(code.code).toBe('ITBMS-X');
    expect(
      (await refusal(createTaxCode(books, { code: 'ITBMS-X', name: 'Otra', ratePercent: '7' }))).code,
    ).toBe('CONFLICT');
    await invoice('ITBMS-X', '2026-05-10');
    expect(
      (await refusal(updateTaxCode(books, 'ITBMS-X', { ratePercent: '8', effectiveFrom: '2026-05-01' })))
        .code,
    ).toBe('TAX_RATE_DATE_IN_USE');
    await updateTaxCode(books, 'ITBMS-X', { ratePercent: '8', effectiveFrom: '2026-06-01' });
    expect((await invoice('ITBMS-X', '2026-05-31')).taxMinor).toBe(700n);
    expect((await invoice('ITBMS-X', '2026-06-01')).taxMinor).toBe(800n);
    await deactivateTaxCode(books, 'ITBMS-X');
    expect((await refusal(invoice('ITBMS-X', '2026-06-02'))).code).toBe('BAD_USER_INPUT');
  });

  it('is one code whatever the case it is typed in: kept upper-case, found as typed at creation', async () => {
    const code = await createTaxCode(books, { code: 'prbx', name: 'Prueba', ratePercent: '7' });
    expect(code.code).toBe('PRBX');
    expect((await refusal(createTaxCode(books, { code: 'Prbx', name: 'Otra', ratePercent: '7' }))).code).toBe(
      'CONFLICT',
    );
    const draft = await invoice('prbx', '2026-11-25');
    expect(draft.taxMinor).toBe(700n);
    const { rows } = await t.admin.query('SELECT tax_code FROM document_lines WHERE document_id = $1', [
      draft.id,
    ]);
    expect(rows).toEqual([{ tax_code: 'PRBX' }]);
    const item = await createItem(books, {
      code: 'PRB-1',
      name: 'Prueba',
      incomeAccountCode: '4101',
      taxCode: ' prbx ',
    });
    expect(item.taxCode).toBe('PRBX');
    expect((await updateItem(books, item.id, { taxCode: 'Prbx' })).taxCode).toBe('PRBX');
    expect(
      (await updateTaxCode(books, 'prbx', { ratePercent: '10', effectiveFrom: '2026-12-01' })).ratePercent,
    ).toBe('10.000');
    expect((await updateTaxCode(books, ' Prbx', { name: 'Prueba diez' })).name).toBe('Prueba diez');
    expect((await invoice('PrBx', '2026-12-01')).taxMinor).toBe(1000n);
    expect((await deactivateTaxCode(books, 'prbx')).active).toBe(false);
    expect((await refusal(updateTaxCode(books, 'prbz', { name: 'Nada' }))).code).toBe('NOT_FOUND');
  });
});
