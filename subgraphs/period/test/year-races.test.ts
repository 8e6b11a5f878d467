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
  waitFor,
  YEARS_ENDED,
} from './support.ts';

// Years close in order and reopen in order (periods.md): two transitions of neighbouring years
// started at once must end as they would one after the other. Each race is staged, not timed: the
// database's owner holds the company row (ACCESS EXCLUSIVE) so that the first transition stops
// where it next reads it (after its checks, before it writes a year); the second is started once
// the first waits, and the hold is let go once the second waits too (at the years' lock, or, were
// it not taken, at the company row after its own checks).

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

/** Lock requests waiting in the client's database. */
async function waiting(b: Books): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    b,
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND a.datname = current_database()`,
  );
  return row!.n;
}

function track(p: Promise<unknown>) {
  const t = { done: false, outcome: expectCode(p) };
  void t.outcome.then(() => {
    t.done = true;
  });
  return t;
}

/** Runs `first`, then `second` once `first` waits, then lets both go; their codes ('OK' or a refusal). */
async function race(b: Books, first: () => Promise<unknown>, second: () => Promise<unknown>) {
  const hold = await b.owner.connect();
  try {
    await hold.query('BEGIN');
    await hold.query('LOCK TABLE company IN ACCESS EXCLUSIVE MODE');
    const one = track(first());
    await waitFor('the first to wait', async () => one.done || (await waiting(b)) === 1);
    const two = track(second());
    await waitFor('the second to wait', async () => two.done || (await waiting(b)) === 2);
    await hold.query('COMMIT');
    return [await one.outcome, await two.outcome];
  } finally {
    hold.release();
  }
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
  return (await prepareYearEndClose(b.app, senior, { now: YEARS_ENDED, fiscalYear, ...SIMPLE })).close.id;
}

describe('closing a year while the year before it is opened', () => {
  it('approved first: the year before is then refused YEAR_CLOSED, and stays unopened', async () => {
    const b = await books([2026]);
    await bookYears(b, [2026]);
    const draftId = await readyToClose(b, 2026);
    const outcomes = await race(
      b,
      () => approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId, ...SIMPLE }),
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

  it('opened first: the close is then refused YEAR_NOT_READY, and writes nothing', async () => {
    const b = await books([2026]);
    await bookYears(b, [2026]);
    const draftId = await readyToClose(b, 2026);
    const outcomes = await race(
      b,
      () => openFiscalYear(b.app, senior, { year: 2025 }),
      () => approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId, ...SIMPLE }),
    );
    expect(outcomes).toEqual(['OK', 'YEAR_NOT_READY']);
    const f = await footprint(b);
    expect(f.years).toBe('2025:OPEN,2026:OPEN');
    expect(f.year_closes).toBe(`${draftId}:DRAFT`);
  });
});

describe('closing a year while the year before it is reopened', () => {
  it('approved first: the reversal is then refused YEAR_CLOSED and stays PENDING', async () => {
    const b = await books([2025, 2026]);
    await bookYears(b, [2025, 2026]);
    const first = await readyToClose(b, 2025);
    await approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId: first, ...SIMPLE });
    const draftId = await readyToClose(b, 2026);
    const request = await requestYearEndCloseReversal(b.app, senior, { fiscalYear: 2025, reason: REASON });
    const outcomes = await race(
      b,
      () => approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId, ...SIMPLE }),
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
    await approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId: first, ...SIMPLE });
    const draftId = await readyToClose(b, 2026);
    const request = await requestYearEndCloseReversal(b.app, senior, { fiscalYear: 2025, reason: REASON });
    const outcomes = await race(
      b,
      () => approveYearEndCloseReversal(b.app, admin, { requestId: request.id }),
      () => approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId, ...SIMPLE }),
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
      const approve = () => approveYearEndClose(b.app, admin, { now: YEARS_ENDED, draftId, ...SIMPLE });
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
