import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvePeriodClose, startPeriodClose, submitPeriodClose } from '../src/services/index.ts';
import { actorFor, type Books, footprint, forceState, openBooks, periodId, refusal } from './support.ts';

// A month is LOCKED once it has ended on the client's own clock (America/Panama here, UTC−5): at
// 03:00 UTC on 1 December it is still 30 November there, and a sale of that day can still be posted.

const junior = actorFor('Junior', 'junior@month-not-ended.test');
const senior = actorFor('Senior', 'senior@month-not-ended.test');
const LAST_EVENING = new Date('2026-12-01T03:00:00Z');
const NEXT_MORNING = new Date('2026-12-01T05:00:00Z');
let books: Books;

beforeAll(async () => {
  books = await openBooks([2026]);
  await forceState(books, {
    periods: Array.from({ length: 10 }, (_, i) => ({
      fiscalYear: 2026,
      month: i + 1,
      state: 'LOCKED' as const,
    })),
  });
});
afterAll(() => books.close());

async function submitted(month: number): Promise<string> {
  const close = await startPeriodClose(books.app, junior, { periodId: await periodId(books, 2026, month) });
  await submitPeriodClose(books.app, junior, { closeId: close.id });
  return close.id;
}

describe('a month-end close before the month has ended', () => {
  it('is prepared and submitted, but not approved on the month’s last evening: PERIOD_NOT_ENDED, nothing written', async () => {
    const closeId = await submitted(11);
    const before = await footprint(books);
    const err = await refusal(approvePeriodClose(books.app, senior, { closeId, now: LAST_EVENING }));
    expect(err.code).toBe('PERIOD_NOT_ENDED');
    expect(err.message).toBe(
      '2026-11 ends on 2026-11-30: its close can be approved from 2026-12-01 (today is 2026-11-30 in America/Panama)',
    );
    expect(err.details).toEqual({
      closeId,
      closeStatus: 'PENDING_APPROVAL',
      period: '2026-11',
      endDate: '2026-11-30',
      today: '2026-11-30',
      timezone: 'America/Panama',
    });
    expect(await footprint(books)).toEqual(before);

    const approved = await approvePeriodClose(books.app, senior, { closeId, now: NEXT_MORNING });
    expect(approved.status).toBe('APPROVED');
    expect(
      String((await footprint(books)).states)
        .split(',')
        .slice(10),
    ).toEqual(['LOCKED', 'UNLOCKED']);
  });

  it('is not approved for a month still to come, whoever approves it', async () => {
    const closeId = await submitted(12);
    const before = await footprint(books);
    for (const approver of [senior, junior]) {
      const err = await refusal(approvePeriodClose(books.app, approver, { closeId, now: NEXT_MORNING }));
      // The junior may not approve at all: the permission is checked before anything is read.
      expect(err.code).toBe(approver === senior ? 'PERIOD_NOT_ENDED' : 'FORBIDDEN');
    }
    expect(await footprint(books)).toEqual(before);
  });
});
