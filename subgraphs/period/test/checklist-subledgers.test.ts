import { randomUUID } from 'node:crypto';
import { inTransaction } from '@cifra/db';
import { postEntry } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeriodClose } from '../src/services/index.ts';
import { actorFor, type Books, openBooks, ownerQuery, periodId } from './support.ts';

/**
 * The month-end checklist item "Receivable and payable subledgers agree with their control
 * accounts": the receivable's balance against arAging's total (open invoices plus manual lines
 * naming a customer), the payable's against apAging's, to the minor unit.
 */
let books: Books;
const junior = actorFor('Junior');

type Item = { code: string; status: string; blocking: boolean; detail: string };
const item = async (month: number) => {
  const close = await startPeriodClose(books.app, junior, { periodId: await periodId(books, 2026, month) });
  return (close.checklist as Item[]).find((i) => i.code === 'SUBLEDGERS_AGREE_WITH_CONTROL_ACCOUNTS');
};

async function sale(date: string, partyId: string | null) {
  const actor = { userId: randomUUID(), email: 'poster@test.firm' };
  const line = (code: string, amountMinor: bigint, party: string | null = null) => ({
    accountId: books.accounts.get(code)!,
    amountMinor,
    originalCurrency: 'PAB',
    originalAmountMinor: amountMinor,
    partyId: party,
  });
  return inTransaction(books.app, actor, (tx) =>
    postEntry(tx, actor, {
      kind: 'SALES_INVOICE',
      postingDate: date,
      memo: 'sale without a document',
      lines: [line('1201', 10_700n, partyId), line('4101', -10_000n), line('2201', -700n)],
    }),
  );
}

beforeAll(async () => {
  books = await openBooks([2026]);
  const [customer] = await ownerQuery<{ id: string }>(
    books,
    `INSERT INTO parties (kind, code, name, currency) VALUES ('CUSTOMER', 'C1', 'Hotel', 'PAB') RETURNING id`,
  );
  // February: PAB 107.00 on the receivable naming the customer (in the aging).
  await sale('2026-02-10', customer!.id);
  // March: PAB 107.00 on the receivable naming nobody (in no aging).
  await sale('2026-03-10', null);
});
afterAll(() => books.close());

describe('checklist: subledgers agree with their control accounts', () => {
  it('is OK for February: the PAB 107.00 on 1201 names its customer, so arAging is 107.00 too', async () => {
    expect(await item(2)).toMatchObject({
      status: 'OK',
      blocking: false,
      detail: expect.stringContaining('to the minor unit'),
    });
  });

  it('is OPEN for March: 1201 holds PAB 214.00, arAging 107.00 — a difference of 10700 minor units', async () => {
    const open = await item(3);
    expect(open).toMatchObject({ status: 'OPEN', blocking: false });
    expect(open?.detail).toContain(
      'the receivable account holds 21400 minor units, the aging 10700 (difference 10700)',
    );
  });
});
