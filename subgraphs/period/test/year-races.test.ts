import { afterEach, describe, expect, it } from 'vitest';
import {
  approveYearEndClose,
  approveYearEndCloseReversal,
  openFiscalYear,
  prepareYearEndClose,
  requestYearEndCloseReversal,
} from '../src/services/index.ts';
import {
  actorFor,
  type Books,
  expectCode,
  footprint,
  forceState,
  openBooks,
  ownerQuery,
  post,
  race,
} from './support.ts';

// Years close in order and reopen in order (periods.md): two transitions of neighbouring years
// started at once must end as they would one after the other. Each race is staged by `race`
// (support.ts), not timed: the first transition stops after its checks, before it writes a year.

const senior = actorFor('Senior', 'senior@years.test');
const admin = actorFor('FirmAdmin', 'admin@years.test');
const SIMPLE = { fxVarianceMode: 'SIMPLE' as const };
const REASON = 'The auditors asked for an adjustment to the year';
const opened: Books[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

async function books(years: number[]): Promise<Books> {
  const b = await openBooks(years);
  opened.push(b);
  return b;
}

/** Some income and expense in each year, so that closing posts an entry. */
async function bookYears(b: Books, years: number[]) {
  for (const y of years) {
    await post(b, `${y}-06-15`, [
      ['1110', 100_000n],
      ['4101', -100_000n],
    ]);
    await post(b, `${y}-06-20`, [
      ['6201', 15_000n],
      ['1110', -15_000n],
    ]);
  }
}

const allMonths = (fiscalYear: number, state: 'LOCKED') =>
  Array.from({ length: 12 }, (_, i) => ({ fiscalYear, month: i + 1, state }));

/** The year's twelve months LOCKED (as approved closes leave them) and its year-end close prepared. */
async function readyToClose(b: Books, fiscalYear: number): Promise<string> {
  await forceState(b, { periods: allMonths(fiscalYear, 'LOCKED') });
  return (await prepareYearEndClose(b.app, senior, { fiscalYear, ...SIMPLE })).close.id;
}

describe('closing a year while the year before it is opened', () => {
  it('approved first: the year before is then refused YEAR_CLOSED, and stays unopened', async () => {
    const b = await books([2026]);
    await bookYears(b, [2026]);
    const draftId = await readyToClose(b, 2026);
    const outcomes = await race(
      b,
      () => approveYearEndClose(b.app, admin, { draftId, ...SIMPLE }),
      () => openFiscalYear(b.app, senior, { year: 2025 }),
    );
    expect(outcomes).toEqual(['OK', 'YEAR_CLOSED']);
    expect((await footprint(b)).years).toBe('2026:CLOSED,2027:OPEN');
    expect(
      await expectCode(
        post(b, '2025-12-31', [
          ['1110', 25_000n],
          ['4101', -25_000n],
        ]),
      ),
    ).toBe('PERIOD_NOT_FOUND');
  });

  it('cannot be opened first: a year ready to close has its months LOCKED, and none opens before them', async () => {
    const b = await books([2026]);
    await bookYears(b, [2026]);
    const draftId = await readyToClose(b, 2026);
    expect(await expectCode(openFiscalYear(b.app, senior, { year: 2025 }))).toBe('LATER_PERIOD_LOCKED');
    expect(await expectCode(approveYearEndClose(b.app, admin, { draftId, ...SIMPLE }))).toBe('OK');
    expect((await footprint(b)).years).toBe('2026:CLOSED,2027:OPEN');
  });
});

describe('closing a year while the year before it is reopened', () => {
  it('approved first: the reversal is then refused YEAR_CLOSED and stays PENDING', async () => {
    const b = await books([2025, 2026]);
    await bookYears(b, [2025, 2026]);
    const first = await readyToClose(b, 2025);
    await approveYearEndClose(b.app, admin, { draftId: first, ...SIMPLE });
    const draftId = await readyToClose(b, 2026);
    const request = await requestYearEndCloseReversal(b.app, senior, { fiscalYear: 2025, reason: REASON });
    const outcomes = await race(
      b,
      () => approveYearEndClose(b.app, admin, { draftId, ...SIMPLE }),
      () => approveYearEndCloseReversal(b.app, admin, { requestId: request.id }),
    );
    expect(outcomes).toEqual(['OK', 'YEAR_CLOSED']);
    const f = await footprint(b);
    expect(f.years).toBe('2025:CLOSED,2026:CLOSED,2027:OPEN');
    expect(f.reversals).toBe(`${request.id}:PENDING`);
  });

  it('reopened first: the close is then refused YEAR_NOT_READY', async () => {
    const b = await books([2025, 2026]);
    await bookYears(b, [2025, 2026]);
    const first = await readyToClose(b, 2025);
    await approveYearEndClose(b.app, admin, { draftId: first, ...SIMPLE });
    const draftId = await readyToClose(b, 2026);
    const request = await requestYearEndCloseReversal(b.app, senior, { fiscalYear: 2025, reason: REASON });
    const outcomes = await race(
      b,
      () => approveYearEndCloseReversal(b.app, admin, { requestId: request.id }),
      () => approveYearEndClose(b.app, admin, { draftId, ...SIMPLE }),
    );
    expect(outcomes).toEqual(['OK', 'YEAR_NOT_READY']);
    expect((await footprint(b)).years).toBe('2025:OPEN,2026:OPEN');
  });
});

describe('closing a year while the next year is opened', () => {
  for (const order of ['approved first', 'opened first'] as const) {
    it(`${order}: both succeed, the next year opened once`, async () => {
      const b = await books([2026]);
      await bookYears(b, [2026]);
      const draftId = await readyToClose(b, 2026);
      const approve = () => approveYearEndClose(b.app, admin, { draftId, ...SIMPLE });
      const open = () => openFiscalYear(b.app, senior, { year: 2027 });
      const outcomes = await (order === 'approved first' ? race(b, approve, open) : race(b, open, approve));
      expect(outcomes).toEqual(['OK', 'OK']);
      const f = await footprint(b);
      expect(f.years).toBe('2026:CLOSED,2027:OPEN');
      const [n] = await ownerQuery<{ n: number }>(
        b,
        'SELECT count(*)::int AS n FROM posting_periods WHERE fiscal_year = 2027',
      );
      expect(n!.n).toBe(12);
    });
  }
});
