import { TEST_LEGAL_DETAILS } from '@cifra/testing';
import { expect } from 'vitest';
import { codes } from './client.ts';
import type { TestStack } from './stack.ts';

/**
 * Books with a bit of everything, through the gateway as the firm's people would make them: a
 * posting and its void, a customer, an invoice approved and another voided, an overridden
 * exchange rate, and January closed (started, submitted, approved by another person).
 */
export async function richBooks(t: TestStack, slug: string): Promise<void> {
  const senior = t.as('senior', slug);
  const ok = <T>(r: { data?: T | null; errors?: unknown }) => {
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data as T;
  };
  const post = (date: string, memo: string, amount: string) =>
    senior<{ postJournalEntry: { id: string } }>(
      'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
      {
        input: {
          postingDate: date,
          memo,
          lines: [
            { accountCode: '1110', debit: amount },
            { accountCode: '4101', credit: amount },
          ],
        },
      },
    ).then(ok);
  await post('2026-01-15', 'January sale', '250.00');
  const wrong = await post('2026-02-03', 'Posted twice by mistake', '99.99');
  ok(
    await senior(
      'mutation($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id } }',
      { id: wrong.postJournalEntry.id, reason: 'Posted twice by mistake, reversed in full' },
    ),
  );
  // Sales documents need the client's legal details first (LEGAL_DETAILS_REQUIRED).
  ok(
    await senior('mutation($input: LegalDetailsInput!) { updateLegalDetails(input: $input) { complete } }', {
      input: { ...TEST_LEGAL_DETAILS, legalName: slug },
    }),
  );
  const party = ok(
    await senior<{ createParty: { id: string } }>(
      'mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }',
      { input: { kind: 'CUSTOMER', code: 'BK-C1', name: 'Restaurante Centro' } },
    ),
  ).createParty.id;
  const invoice = async () =>
    ok(
      await senior<{ createSalesInvoice: { id: string } }>(
        'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
        {
          input: {
            partyId: party,
            documentDate: '2026-02-10',
            lines: [{ accountCode: '4101', quantity: '4', unitPrice: '12.50', taxCode: 'ITBMS7' }],
          },
        },
      ),
    ).createSalesInvoice.id;
  const approve = (id: string) =>
    t.as('senior', slug)('mutation($id: ID!) { approveSalesInvoice(id: $id) { id } }', { id }).then(ok);
  const first = await invoice();
  await approve(first);
  const second = await invoice();
  await approve(second);
  ok(
    await senior(
      'mutation($id: ID!, $reason: String!) { voidSalesInvoice(id: $id, reason: $reason) { id } }',
      {
        id: second,
        reason: 'Issued to the wrong customer, voided',
      },
    ),
  );
  ok(
    await senior(
      'mutation($c: String!, $d: Date!, $r: Decimal!, $why: String!) { overrideExchangeRate(currency: $c, date: $d, rate: $r, reason: $why) { id } }',
      { c: 'EUR', d: '2026-02-10', r: '1.0875', why: 'Rate agreed with the bank for the import' },
    ),
  );
  const periods = ok(
    await senior<{ periods: { id: string; month: number }[] }>('{ periods(fiscalYear: 2026) { id month } }'),
  ).periods;
  const jan = periods.find((p) => p.month === 1);
  const started = ok(
    await t.as('junior', slug)<{ startPeriodClose: { id: string } }>(
      'mutation($id: ID!) { startPeriodClose(periodId: $id) { id } }',
      { id: jan?.id },
    ),
  ).startPeriodClose.id;
  expect(
    codes(
      await t.as('junior', slug)('mutation($id: ID!) { submitPeriodClose(closeId: $id) { id } }', {
        id: started,
      }),
    ),
  ).toEqual([]);
  expect(
    codes(await senior('mutation($id: ID!) { approvePeriodClose(closeId: $id) { id } }', { id: started })),
  ).toEqual([]);
}
