import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareYearEndClose, yearEndCloseDraft } from '../src/services/index.ts';
import { actorFor, type Books, expectCode, forceState, openBooks, YEARS_ENDED } from './support.ts';

// yearEndCloseDraft with neither a year nor a draft shows the client's current fiscal year: the one
// holding its today in its own time zone (America/Panama here, UTC−5), not the UTC calendar year.

const senior = actorFor('Senior', 'senior@default-year.test');
const SIMPLE = { fxVarianceMode: 'SIMPLE' as const };
let books: Books;
let draftId: string;

beforeAll(async () => {
  books = await openBooks([2026]);
  await forceState(books, {
    periods: Array.from({ length: 12 }, (_, i) => ({
      fiscalYear: 2026,
      month: i + 1,
      state: 'LOCKED' as const,
    })),
  });
  draftId = (await prepareYearEndClose(books.app, senior, { now: YEARS_ENDED, fiscalYear: 2026, ...SIMPLE }))
    .close.id;
});
afterAll(() => books.close());

describe('the year-end close shown without a year', () => {
  it("is the client's fiscal year on its own clock: 03:00 UTC on 1 January is still 31 December in Panama", async () => {
    const draft = await yearEndCloseDraft(books.app, senior, {
      now: new Date('2027-01-01T03:00:00Z'),
      ...SIMPLE,
    });
    expect([draft.close.id, draft.close.fiscalYear]).toEqual([draftId, 2026]);
  });

  it('moves on at the client’s midnight: 2027 has none prepared', async () => {
    expect(
      await expectCode(
        yearEndCloseDraft(books.app, senior, { now: new Date('2027-01-01T05:00:00Z'), ...SIMPLE }),
      ),
    ).toBe('NOT_FOUND');
  });
});
