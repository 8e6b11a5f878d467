import { afterEach, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  openFiscalYear,
  reopenPeriod,
  startPeriodClose,
  submitPeriodClose,
} from '../src/services/index.ts';
import {
  actorFor,
  type Books,
  expectCode,
  footprint,
  forceState,
  openBooks,
  periodId,
  post,
  race,
} from './support.ts';

// LOCKED months stay a prefix of the books, across fiscal years too (periods.md): once a month is
// LOCKED, no month before it takes a posting, so its trial balance as known is final. January is
// approved only once December of the year before is LOCKED, December does not reopen while the
// January after it is LOCKED, and no year opens before a LOCKED month. Races are staged by `race`.

const junior = actorFor('Junior', 'junior@months.test');
const senior = actorFor('Senior', 'senior@months.test');
const admin = actorFor('FirmAdmin', 'admin@months.test');
const REASON = 'A December supplier invoice arrived after the close';
const opened: Books[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

async function books(years: number[]): Promise<Books> {
  const b = await openBooks(years);
  opened.push(b);
  return b;
}

const lockedYear = (fiscalYear: number) =>
  Array.from({ length: 12 }, (_, i) => ({ fiscalYear, month: i + 1, state: 'LOCKED' as const }));

/** January 2026's close started and submitted, waiting for approval. */
async function januaryWaiting(b: Books) {
  const close = await startPeriodClose(b.app, junior, { periodId: await periodId(b, 2026, 1) });
  return submitPeriodClose(b.app, junior, { closeId: close.id });
}

const checkOf = (close: { checklist: unknown }) =>
  (close.checklist as { code: string; status: string; detail: string }[]).find(
    (i) => i.code === 'EARLIER_PERIODS_LOCKED',
  );

describe('January after a December', () => {
  it('is approved only once December of the year before is LOCKED; then December does not reopen', async () => {
    const b = await books([2025, 2026]);
    const close = await januaryWaiting(b);
    expect(checkOf(close)).toMatchObject({ status: 'OPEN', detail: expect.stringMatching(/2025-12/) });
    const before = await footprint(b);
    const err = await approvePeriodClose(b.app, senior, { closeId: close.id }).catch((e) => e);
    expect(err.code).toBe('EARLIER_PERIOD_NOT_LOCKED');
    expect(err.message).toMatch(/2025-12/);
    expect(await footprint(b)).toEqual(before);
    // So December still takes its late invoice, before January's trial balance is final.
    await post(b, '2025-12-31', [
      ['6201', 25_000n],
      ['1110', -25_000n],
    ]);

    await forceState(b, { periods: lockedYear(2025) });
    const approved = await approvePeriodClose(b.app, senior, { closeId: close.id });
    expect([approved.status, checkOf(approved)?.status]).toEqual(['APPROVED', 'OK']);
    expect(
      await expectCode(
        post(b, '2025-12-31', [
          ['6201', 25_000n],
          ['1110', -25_000n],
        ]),
      ),
    ).toBe('PERIOD_LOCKED');

    const locked = await footprint(b);
    const dec = await periodId(b, 2025, 12);
    const refused = await reopenPeriod(b.app, admin, {
      periodId: dec,
      state: 'UNLOCKED',
      reason: REASON,
    }).catch((e) => e);
    expect(refused.code).toBe('LATER_PERIOD_LOCKED');
    expect(refused.message).toMatch(/2026-01/);
    expect(await footprint(b)).toEqual(locked);
  });

  it('of the first year: approved with no year before, which then does not open', async () => {
    const b = await books([2026]);
    const close = await januaryWaiting(b);
    expect(checkOf(close)?.status).toBe('OK');
    await approvePeriodClose(b.app, senior, { closeId: close.id });
    const before = await footprint(b);
    const err = await openFiscalYear(b.app, senior, { year: 2025 }).catch((e) => e);
    expect(err.code).toBe('LATER_PERIOD_LOCKED');
    expect(err.message).toMatch(/2026-01/);
    expect(await footprint(b)).toEqual(before);
  });
});

describe('January approved while the year before moves', () => {
  it('approved first, the year before then does not open', async () => {
    const b = await books([2026]);
    const close = await januaryWaiting(b);
    const outcomes = await race(
      b,
      () => approvePeriodClose(b.app, senior, { closeId: close.id }),
      () => openFiscalYear(b.app, senior, { year: 2025 }),
    );
    expect(outcomes).toEqual(['OK', 'LATER_PERIOD_LOCKED']);
    expect((await footprint(b)).years).toBe('2026:OPEN');
  });

  it('the year before opened first, January is then refused', async () => {
    const b = await books([2026]);
    const close = await januaryWaiting(b);
    const outcomes = await race(
      b,
      () => openFiscalYear(b.app, senior, { year: 2025 }),
      () => approvePeriodClose(b.app, senior, { closeId: close.id }),
    );
    expect(outcomes).toEqual(['OK', 'EARLIER_PERIOD_NOT_LOCKED']);
    expect((await footprint(b)).closes).toBe(`${close.id}:PENDING_APPROVAL`);
  });

  it('approved first, December then does not reopen', async () => {
    const b = await books([2025, 2026]);
    await forceState(b, { periods: lockedYear(2025) });
    const close = await januaryWaiting(b);
    const dec = await periodId(b, 2025, 12);
    const outcomes = await race(
      b,
      () => approvePeriodClose(b.app, senior, { closeId: close.id }),
      () => reopenPeriod(b.app, admin, { periodId: dec, state: 'UNLOCKED', reason: REASON }),
    );
    expect(outcomes).toEqual(['OK', 'LATER_PERIOD_LOCKED']);
  });
});
