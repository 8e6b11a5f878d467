import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  approveYearEndClose,
  approveYearEndCloseReversal,
  markYearAudited,
  openFiscalYear,
  prepareYearEndClose,
  reopenPeriod,
  requestYearEndCloseReversal,
  startPeriodClose,
  submitPeriodClose,
  yearEndCloseDraft,
} from '../src/services/index.ts';
import {
  actorFor,
  type Books,
  expectCode,
  footprint,
  openBooks,
  ownerQuery,
  periodId,
  post,
  YEARS_ENDED,
} from './support.ts';

/**
 * The guided year-end close on a realistic year of a Panamanian client that also buys in euros:
 * monthly sales with ITBMS, rent, a euro-denominated consultancy bill settled with an FX loss and
 * bank fees, a realized FX gain, and a December accrual flagged to auto-reverse.
 */

const REASON = 'Auditor found an unrecorded December vendor bill';
let books: Books;
const junior = actorFor('Junior', 'junior@test.firm');
const senior = actorFor('Senior', 'senior@test.firm');
const senior2 = actorFor('Senior', 'senior2@test.firm');
const admin = actorFor('FirmAdmin', 'admin@test.firm');
const reviewer = actorFor('ExternalReviewer', 'reviewer@test.firm');
let accrualId: string;

const EUR = (minor: bigint) => ({ currency: 'EUR', amountMinor: minor });

async function bookTheYear(b: Books) {
  for (let m = 1; m <= 12; m++) {
    const d = `2026-${String(m).padStart(2, '0')}-15`;
    await post(
      b,
      d,
      [
        ['1110', 1_070_000n],
        ['4101', -1_000_000n],
        ['2201', -70_000n],
      ],
      { kind: 'SALES_INVOICE', memo: `Sales ${m}` },
    );
    await post(
      b,
      d,
      [
        ['6201', 150_000n],
        ['1110', -150_000n],
      ],
      { memo: `Rent ${m}` },
    );
  }
  // Consultancy billed in EUR 1,000.00 at 1.10, paid at 1.12: FX variance 20.00 PAB, bank fee 5.00.
  await post(
    b,
    '2026-03-10',
    [
      ['6301', 110_000n, EUR(100_000n)],
      ['2101', -110_000n, EUR(-100_000n)],
    ],
    {
      kind: 'PURCHASE_INVOICE',
      memo: 'Consultoría Madrid SL',
    },
  );
  await post(
    b,
    '2026-04-10',
    [
      ['2101', 110_000n, EUR(100_000n)],
      ['6502', 2_500n],
      ['1110', -112_500n],
    ],
    {
      // A vendor payment: a manual line on the payable would have to name the vendor.
      kind: 'VENDOR_PAYMENT',
      memo: 'Payment Consultoría Madrid SL',
    },
  );
  // A realized FX gain on a customer receipt in EUR.
  await post(
    b,
    '2026-06-20',
    [
      ['1110', 3_000n],
      ['7102', -3_000n],
    ],
    { memo: 'FX gain on receipt' },
  );
  // December utilities accrued, to reverse on 1 January.
  const accrual = await post(
    b,
    '2026-12-31',
    [
      ['6202', 30_000n],
      ['2401', -30_000n],
    ],
    {
      memo: 'December utilities accrual',
      autoReverse: true,
    },
  );
  return accrual.id;
}

async function closeAllMonths(b: Books, months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
  for (const m of months) {
    const close = await startPeriodClose(b.app, junior, { periodId: await periodId(b, 2026, m) });
    await submitPeriodClose(b.app, junior, { closeId: close.id });
    await approvePeriodClose(b.app, senior, { now: YEARS_ENDED, closeId: close.id });
  }
}

async function balances(b: Books, fiscalYear: number) {
  const rows = await ownerQuery<{ code: string; balance: string }>(
    b,
    `SELECT a.code, sum(l.amount_minor)::text AS balance FROM gl_lines l
       JOIN journal_entries e ON e.id = l.entry_id JOIN accounts a ON a.id = l.account_id
      WHERE e.fiscal_year = $1 GROUP BY a.code HAVING sum(l.amount_minor) <> 0 ORDER BY a.code`,
    [fiscalYear],
  );
  return Object.fromEntries(rows.map((r) => [r.code, BigInt(r.balance)]));
}

beforeAll(async () => {
  books = await openBooks([2026]);
  accrualId = await bookTheYear(books);
});
afterAll(() => books.close());

describe('guided year-end close', () => {
  it('refuses to prepare while a month is not LOCKED, writing nothing', async () => {
    await closeAllMonths(books, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const before = await footprint(books);
    const err = await prepareYearEndClose(books.app, junior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    }).catch((e) => e);
    expect(err.code).toBe('YEAR_NOT_READY');
    expect(err.message).toMatch(/2026-12/);
    expect(await footprint(books)).toEqual(before);
    await closeAllMonths(books, [12]);
  });

  it('refuses to prepare while the month its accruals are reversed in is locked, writing nothing', async () => {
    // The next year opened ahead, its January locked (as a superuser would, past the transition rules).
    await openFiscalYear(books.app, senior, { year: 2027 });
    const lockJanuary = (state: string) =>
      books.owner.query(
        `BEGIN; SET LOCAL session_replication_role = replica;
         UPDATE posting_periods SET state = '${state}' WHERE year = 2027 AND month = 1; COMMIT`,
      );
    await lockJanuary('LOCKED');
    const before = await footprint(books);
    const err = await prepareYearEndClose(books.app, junior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'PERIOD_LOCKED', details: { period: '2027-01', state: 'LOCKED' } });
    expect(await footprint(books)).toEqual(before);
    await lockJanuary('UNLOCKED');
  });

  it('prepares a draft that closes income and expenses into retained earnings, explained line by line, posting nothing', async () => {
    const before = await footprint(books);
    const draft = await prepareYearEndClose(books.app, junior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    });
    expect(draft.stale).toBe(false);
    expect(draft.close).toMatchObject({ status: 'DRAFT', fiscalYear: 2026, closingDate: '2026-12-31' });
    // Income 120,000.00 + FX gain 30.00 − rent 18,000.00 − consultancy 1,100.00 − FX/fees 25.00 − utilities 300.00.
    expect(draft.close.netIncomeMinor).toBe(12_000_000n + 3_000n - 1_800_000n - 110_000n - 2_500n - 30_000n);
    const closing = draft.lines.filter((l) => l.group === 'CLOSING');
    expect(closing.reduce((s, l) => s + l.amountMinor, 0n)).toBe(0n);
    const byCode = Object.fromEntries(closing.map((l) => [l.accountCode, l]));
    expect(byCode['4101']).toMatchObject({ amountMinor: 12_000_000n, postingDate: '2026-12-31' });
    expect(byCode['4101']!.explanation).toMatch(
      /Closes the year's income on 4101 .*credit balance of 120,?000\.00 PAB/,
    );
    expect(byCode['6502']!.explanation).toMatch(/Simple FX policy/);
    expect(byCode['3201']!.amountMinor).toBe(-draft.close.netIncomeMinor);
    expect(byCode['3201']!.explanation).toMatch(/net income of .* for fiscal 2026 to retained earnings/);
    const accrual = draft.lines.filter((l) => l.group === 'ACCRUAL_REVERSAL');
    expect(accrual.map((l) => [l.accountCode, l.amountMinor, l.postingDate, l.reversesEntryId])).toEqual([
      ['6202', -30_000n, '2027-01-01', accrualId],
      ['2401', 30_000n, '2027-01-01', accrualId],
    ]);
    expect(accrual[0]!.explanation).toMatch(/auto-reverse/);
    const after = await footprint(books);
    expect(after.entries).toBe(before.entries);
    expect(after.states).toBe(before.states);
    const reviewed = await yearEndCloseDraft(books.app, reviewer, { fiscalYear: 2026 });
    expect(reviewed.close.id).toBe(draft.close.id);
    expect(reviewed.lines).toHaveLength(draft.lines.length);
  });

  it('refuses approval with DRAFT_STALE after any change to the year, writing nothing', async () => {
    const draft = await yearEndCloseDraft(books.app, senior, { fiscalYear: 2026 });
    // A changed FX policy is a change.
    let before = await footprint(books);
    expect(
      await expectCode(
        approveYearEndClose(books.app, senior, {
          now: YEARS_ENDED,
          draftId: draft.close.id,
          fxVarianceMode: 'SEPARATED',
        }),
      ),
    ).toBe('DRAFT_STALE');
    expect(await footprint(books)).toEqual(before);
    // So is a posting: reopen December, post a late bill, close December again.
    const dec = await periodId(books, 2026, 12);
    await reopenPeriod(books.app, senior, { periodId: dec, state: 'UNLOCKED', reason: REASON });
    await post(
      books,
      '2026-12-20',
      [
        ['6302', 20_000n],
        ['2101', -20_000n],
      ],
      { kind: 'PURCHASE_INVOICE', memo: 'Late repair bill' },
    );
    await closeAllMonths(books, [12]);
    expect((await yearEndCloseDraft(books.app, senior, { draftId: draft.close.id })).stale).toBe(true);
    before = await footprint(books);
    const err = await approveYearEndClose(books.app, senior, {
      now: YEARS_ENDED,
      draftId: draft.close.id,
      fxVarianceMode: 'SIMPLE',
    }).catch((e) => e);
    expect(err.code).toBe('DRAFT_STALE');
    expect(await footprint(books)).toEqual(before);
    // A fresh preparation supersedes the old draft, which stays refused.
    await prepareYearEndClose(books.app, junior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    });
    expect(
      await expectCode(
        approveYearEndClose(books.app, senior, {
          now: YEARS_ENDED,
          draftId: draft.close.id,
          fxVarianceMode: 'SIMPLE',
        }),
      ),
    ).toBe('DRAFT_STALE');
  });

  it('approves in one transaction: posts exactly the draft, closes the twelve periods and the year, opens the next', async () => {
    const draft = await yearEndCloseDraft(books.app, senior, { fiscalYear: 2026 });
    expect(draft.stale).toBe(false);
    expect(
      await expectCode(
        approveYearEndClose(books.app, junior, {
          now: YEARS_ENDED,
          draftId: draft.close.id,
          fxVarianceMode: 'SIMPLE',
        }),
      ),
    ).toBe('FORBIDDEN');
    const result = await approveYearEndClose(books.app, senior, {
      now: YEARS_ENDED,
      draftId: draft.close.id,
      fxVarianceMode: 'SIMPLE',
    });
    expect(result.close.status).toBe('APPROVED');
    const posted = await ownerQuery<{ account_id: string; amount_minor: string; posting_date: string }>(
      books,
      'SELECT account_id, amount_minor::text, posting_date FROM gl_lines WHERE entry_id = $1 ORDER BY line_number',
      [result.closingEntryId],
    );
    const expected = draft.lines.filter((l) => l.group === 'CLOSING');
    expect(posted.map((l) => [l.account_id, BigInt(l.amount_minor), l.posting_date])).toEqual(
      expected.map((l) => [l.accountId, l.amountMinor, '2026-12-31']),
    );
    const [entry] = await ownerQuery<{ source_kind: string; period: number }>(
      books,
      `SELECT e.source_kind, p.period_number AS period FROM journal_entries e JOIN posting_periods p ON p.id = e.period_id WHERE e.id = $1`,
      [result.closingEntryId],
    );
    expect(entry).toEqual({ source_kind: 'YEAR_END_CLOSE', period: 12 });
    // Every income and expense account of 2026 is now zero; retained earnings holds the result.
    const b = await balances(books, 2026);
    const pl = Object.keys(b).filter((code) => /^[4-7]/.test(code));
    expect(pl).toEqual([]);
    expect(b['3201']).toBe(-draft.close.netIncomeMinor);
    // The accrual is reversed on the first day of 2027.
    const [rev] = await ownerQuery<{ posting_date: string; source_kind: string; fiscal_year: number }>(
      books,
      'SELECT posting_date, source_kind, fiscal_year FROM journal_entries WHERE reverses_entry_id = $1',
      [accrualId],
    );
    expect(rev).toEqual({ posting_date: '2027-01-01', source_kind: 'REVERSAL', fiscal_year: 2027 });
    const f = await footprint(books);
    expect(f.states).toBe([...Array(12).fill('CLOSED'), ...Array(12).fill('UNLOCKED')].join(','));
    expect(f.years).toBe('2026:CLOSED,2027:OPEN');
    // Twelve period transitions and one year event, besides the postings.
    const events = await ownerQuery<{ action: string; n: number }>(
      books,
      `SELECT action, count(*)::int AS n FROM audit_events WHERE action IN ('period.year_end_closed', 'fiscal_year.closed', 'fiscal_year.opened') GROUP BY action ORDER BY action`,
    );
    expect(events).toEqual([
      { action: 'fiscal_year.closed', n: 1 },
      { action: 'fiscal_year.opened', n: 1 },
      { action: 'period.year_end_closed', n: 12 },
    ]);
  });

  it('refuses postings and reopenings in the CLOSED year', async () => {
    expect(
      await expectCode(
        post(books, '2026-06-30', [
          ['6201', 100n],
          ['1110', -100n],
        ]),
      ),
    ).toBe('PERIOD_LOCKED');
    const jun = await periodId(books, 2026, 6);
    expect(
      await expectCode(reopenPeriod(books.app, senior, { periodId: jun, state: 'LOCKED', reason: REASON })),
    ).toBe('YEAR_CLOSED');
    expect(await expectCode(openFiscalYear(books.app, senior, { year: 2029 }))).toBe('INVALID_TRANSITION');
    // Nor a year before it: its postings would change the balances 2026 closed with.
    const before = await footprint(books);
    expect(await expectCode(openFiscalYear(books.app, senior, { year: 2025 }))).toBe('YEAR_CLOSED');
    expect(await footprint(books)).toEqual(before);
  });

  it('reverses the year-end close only with a reason and a second person', async () => {
    expect(
      await expectCode(
        requestYearEndCloseReversal(books.app, senior, { fiscalYear: 2026, reason: 'mistake' }),
      ),
    ).toBe('REASON_TOO_SHORT');
    expect(
      await expectCode(requestYearEndCloseReversal(books.app, junior, { fiscalYear: 2026, reason: REASON })),
    ).toBe('FORBIDDEN');
    // Four requests at once: one is pending, the others meet the one-pending constraint (CONFLICT).
    const raced = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        requestYearEndCloseReversal(books.app, senior, { fiscalYear: 2026, reason: REASON }),
      ),
    );
    const pending = raced.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(pending).toHaveLength(1);
    expect(raced.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : []))).toEqual(
      Array(3).fill('CONFLICT'),
    );
    const request = pending[0]!;
    expect(request.status).toBe('PENDING');
    // And a second request while one is pending, on its own.
    expect(
      await expectCode(requestYearEndCloseReversal(books.app, senior, { fiscalYear: 2026, reason: REASON })),
    ).toBe('CONFLICT');
    expect(
      (
        await ownerQuery<{ n: number }>(
          books,
          "SELECT count(*)::int AS n FROM year_end_close_reversals WHERE status = 'PENDING'",
        )
      )[0]?.n,
    ).toBe(1);
    expect(await footprint(books)).toMatchObject({ years: '2026:CLOSED,2027:OPEN' });
    const before = await footprint(books);
    expect(await expectCode(approveYearEndCloseReversal(books.app, senior, { requestId: request.id }))).toBe(
      'SAME_PERSON',
    );
    expect(
      await expectCode(approveYearEndCloseReversal(books.app, reviewer, { requestId: request.id })),
    ).toBe('FORBIDDEN');
    expect(await footprint(books)).toEqual(before);

    const approved = await approveYearEndCloseReversal(books.app, senior2, { requestId: request.id });
    expect(approved).toMatchObject({
      status: 'APPROVED',
      approvedBy: senior2.userId,
      requestedBy: senior.userId,
    });
    const f = await footprint(books);
    expect(f.states).toBe([...Array(12).fill('LOCKED'), ...Array(12).fill('UNLOCKED')].join(','));
    expect(f.years).toBe('2026:OPEN,2027:OPEN');
    const [rev] = await ownerQuery<{ source_kind: string; posting_date: string }>(
      books,
      'SELECT r.source_kind, r.posting_date FROM journal_entries r JOIN year_end_closes c ON c.closing_entry_id = r.reverses_entry_id WHERE c.fiscal_year = 2026',
    );
    expect(rev).toEqual({ source_kind: 'YEAR_END_CLOSE', posting_date: '2026-12-31' });
    // The income statement of 2026 is back; retained earnings back to nothing.
    const b = await balances(books, 2026);
    expect(b['4101']).toBe(-12_000_000n);
    expect(b['3201']).toBeUndefined();
    const [event] = await ownerQuery<{ reason: string; actor_email: string }>(
      books,
      `SELECT reason, actor_email FROM audit_events WHERE action = 'fiscal_year.year_end_close_reversed'`,
    );
    expect(event).toEqual({ reason: REASON, actor_email: senior2.email });
  });

  it('closes again without repeating the accrual reversal, then the reviewer signs the year off for good', async () => {
    const draft = await prepareYearEndClose(books.app, admin, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    });
    expect(draft.lines.filter((l) => l.group === 'ACCRUAL_REVERSAL')).toEqual([]);
    await approveYearEndClose(books.app, admin, {
      now: YEARS_ENDED,
      draftId: draft.close.id,
      fxVarianceMode: 'SIMPLE',
    });
    expect(await expectCode(markYearAudited(books.app, senior, { fiscalYear: 2026 }))).toBe('FORBIDDEN');
    expect(await expectCode(markYearAudited(books.app, reviewer, { fiscalYear: 2027 }))).toBe(
      'YEAR_NOT_READY',
    );
    const audited = await markYearAudited(books.app, reviewer, { fiscalYear: 2026 });
    expect(audited.state).toBe('AUDITED');
    const before = await footprint(books);
    expect(
      await expectCode(requestYearEndCloseReversal(books.app, senior, { fiscalYear: 2026, reason: REASON })),
    ).toBe('YEAR_AUDITED');
    const dec = await periodId(books, 2026, 12);
    expect(
      await expectCode(reopenPeriod(books.app, admin, { periodId: dec, state: 'LOCKED', reason: REASON })),
    ).toBe('YEAR_AUDITED');
    expect(await expectCode(markYearAudited(books.app, reviewer, { fiscalYear: 2026 }))).toBe('YEAR_AUDITED');
    expect(await expectCode(openFiscalYear(books.app, admin, { year: 2025 }))).toBe('YEAR_AUDITED');
    expect(await footprint(books)).toEqual(before);
  });
});

describe('Separated FX policy', () => {
  let fx: Books;
  beforeAll(async () => {
    fx = await openBooks([2026]);
    await bookTheYear(fx);
    for (const m of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
      const close = await startPeriodClose(fx.app, junior, { periodId: await periodId(fx, 2026, m) });
      await submitPeriodClose(fx.app, junior, { closeId: close.id });
      await approvePeriodClose(fx.app, senior, { now: YEARS_ENDED, closeId: close.id });
    }
  });
  afterAll(() => fx.close());

  it('reclassifies the residual FX variance to realized FX loss before closing it', async () => {
    const draft = await prepareYearEndClose(fx.app, senior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SEPARATED',
    });
    const lines = draft.lines.filter((l) => l.group === 'CLOSING').map((l) => [l.accountCode, l.amountMinor]);
    expect(lines.slice(0, 2)).toEqual([
      ['6502', -2_500n],
      ['7202', 2_500n],
    ]);
    expect(lines).toContainEqual(['7202', -2_500n]);
    expect(lines).toContainEqual(['7102', 3_000n]);
    expect(lines.filter(([code]) => code === '6502')).toHaveLength(1);
    expect(draft.lines[0]!.explanation).toMatch(/Separated FX policy/);
    const result = await approveYearEndClose(fx.app, senior, {
      now: YEARS_ENDED,
      draftId: draft.close.id,
      fxVarianceMode: 'SEPARATED',
    });
    expect(result.close.status).toBe('APPROVED');
    expect(Object.keys(await balances(fx, 2026)).filter((c) => /^[4-7]/.test(c))).toEqual([]);
  });
});
