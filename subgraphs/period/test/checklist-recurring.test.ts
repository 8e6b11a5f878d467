import { randomUUID } from 'node:crypto';
import { inTransaction } from '@cifra/db';
import { postEntry } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeriodClose } from '../src/services/index.ts';
import { actorFor, type Books, openBooks, ownerQuery, periodId } from './support.ts';

/**
 * The month-end checklist item "Every recurring entry of the period is made" counts no occurrence
 * dated before the books start (here the opening balances of 1 April 2026): the recurring run does
 * not try those dates, so a month before the opening balances is not held open by them — while a
 * month after it still shows the occurrence not made yet (docs/architecture/periods.md).
 */
let books: Books;
const junior = actorFor('Junior');

type Item = { code: string; status: string; blocking: boolean; detail: string; count: number };
const item = async (month: number) => {
  const close = await startPeriodClose(books.app, junior, { periodId: await periodId(books, 2026, month) });
  return (close.checklist as Item[]).find((i) => i.code === 'RECURRING_ENTRIES_MADE');
};

beforeAll(async () => {
  books = await openBooks([2026]);
  const actor = { userId: randomUUID(), email: 'importer@test.firm' };
  // The opening balances' entry on 1 April, and the live import naming it.
  const line = (code: string, amountMinor: bigint) => ({
    accountId: books.accounts.get(code)!,
    amountMinor,
    originalCurrency: 'PAB',
    originalAmountMinor: amountMinor,
  });
  const opening = await inTransaction(books.app, actor, (tx) =>
    postEntry(tx, actor, {
      kind: 'MANUAL',
      postingDate: '2026-04-01',
      memo: 'Opening balances',
      lines: [line('1110', 50_000n), line('3101', -50_000n)],
    }),
  );
  await ownerQuery(books, `INSERT INTO opening_imports (opening_date, entry_id) VALUES ('2026-04-01', $1)`, [
    opening.id,
  ]);
  // Rent on the 28th since January, written before the import, as its first run left it: March refused.
  const [rent] = await ownerQuery<{ id: string }>(
    books,
    `INSERT INTO recurring_templates (name, frequency, day_of_month, start_date, created_by)
     VALUES ('Rent', 'MONTHLY', 28, '2026-01-01', $1) RETURNING id`,
    [actor.userId],
  );
  await ownerQuery(
    books,
    `INSERT INTO recurring_template_lines (template_id, line_number, account_id, amount_minor)
     VALUES ($1, 1, $2, 1000), ($1, 2, $3, -1000)`,
    [rent!.id, books.accounts.get('6201'), books.accounts.get('2401')],
  );
  await ownerQuery(
    books,
    `INSERT INTO recurring_runs (template_id, occurrence_date, status, refusal_code, refusal_message)
     VALUES ($1, '2026-03-28', 'REFUSED', 'BEFORE_OPENING_BALANCES', 'before the opening balances')`,
    [rent!.id],
  );
});
afterAll(() => books.close());

describe('checklist: every recurring entry of the period is made', () => {
  it('is OK for February and March, before the books start: their dates are not the run’s to make', async () => {
    expect(await item(2)).toMatchObject({ status: 'OK', count: 0 });
    expect(await item(3)).toMatchObject({ status: 'OK', count: 0 });
  });

  it('is OPEN for April, after the books start: its 28th is not made yet', async () => {
    const open = await item(4);
    expect(open).toMatchObject({ status: 'OPEN', blocking: true, count: 1 });
    expect(open?.detail).toContain('"Rent" of 2026-04-28 (not made yet)');
  });
});
