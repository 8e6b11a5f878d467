import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeriodClose } from '../src/services/index.ts';
import { actorFor, type Books, openBooks, ownerQuery, periodId } from './support.ts';

// One live close per month, whoever asks at the same moment: one request starts it, the others
// are told CLOSE_IN_PROGRESS (the period row lock or, behind it, period_closes_one_live).

let books: Books;
beforeAll(async () => {
  books = await openBooks([2026]);
});
afterAll(() => books.close());

describe('starting one month-end close from many requests at once', () => {
  it('starts it once and answers CLOSE_IN_PROGRESS to the others', async () => {
    const aug = await periodId(books, 2026, 8);
    const results = await Promise.allSettled(
      ['Junior', 'Senior', 'Junior', 'Senior', 'FirmAdmin', 'Senior'].map((role) =>
        startPeriodClose(books.app, actorFor(role as 'Junior'), { periodId: aug }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : []))).toEqual(
      Array(5).fill('CLOSE_IN_PROGRESS'),
    );
    const [row] = await ownerQuery<{ n: number }>(
      books,
      'SELECT count(*)::int AS n FROM period_closes WHERE period_id = $1',
      [aug],
    );
    expect(row?.n).toBe(1);
  });
});
