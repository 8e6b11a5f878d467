import { type PeriodState, PeriodStates } from '@cifra/domain';
import { Permissions as P, ROLE_PERMISSIONS, type RoleCluster, RoleClusters } from '@cifra/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPeriod, type PeriodActor, reopenPeriod } from '../src/services/index.ts';
import {
  actorFor,
  type Books,
  expectCode,
  footprint,
  forceState,
  openBooks,
  ownerQuery,
  periodId,
} from './support.ts';

/**
 * The whole period-state matrix through the services: every (from, to) pair, for both operations
 * that move a period directly, as every role. The expected outcome is written out here, from the
 * issue's wording, independently of the state machine's own table.
 */

const FORWARD_LOCKS = new Set([
  'UNLOCKED>LOCK_SALES',
  'UNLOCKED>LOCK_PURCHASING',
  'LOCK_SALES>LOCK_SALES_AND_PURCHASING',
  'LOCK_PURCHASING>LOCK_SALES_AND_PURCHASING',
]);
const BACK_MOVES = new Set([
  'LOCK_SALES>UNLOCKED',
  'LOCK_PURCHASING>UNLOCKED',
  'LOCK_SALES_AND_PURCHASING>LOCK_SALES',
  'LOCK_SALES_AND_PURCHASING>LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING>UNLOCKED',
  'LOCKED>LOCK_SALES_AND_PURCHASING',
  'LOCKED>LOCK_SALES',
  'LOCKED>LOCK_PURCHASING',
  'LOCKED>UNLOCKED',
]);

/** What the product must answer, as the issue states it. */
function expected(op: 'lock' | 'reopen', from: PeriodState, to: PeriodState): string {
  const pair = `${from}>${to}`;
  if (op === 'lock' && FORWARD_LOCKS.has(pair)) return 'OK';
  if (op === 'reopen' && BACK_MOVES.has(pair)) return 'OK';
  if (from === to) return 'INVALID_TRANSITION';
  if (from === 'CLOSED') return 'YEAR_CLOSED'; // only the year-end reversal leaves CLOSED
  if (to === 'CLOSED') return 'YEAR_CLOSE_REQUIRED'; // only the year-end close reaches CLOSED
  if (to === 'LOCKED') return 'CLOSE_REQUIRED'; // only an approved close reaches LOCKED
  return 'INVALID_TRANSITION'; // a skipped step, or a forward/back move through the wrong door
}

const needs = { lock: P.Period.Lock, reopen: P.PostingPeriod.ReverseClose } as const;
const REASON = 'Vendor bill for the month arrived after the lock';

let books: Books;
let december: string;
const actors = {} as Record<RoleCluster, PeriodActor>;

beforeAll(async () => {
  books = await openBooks([2026]);
  december = await periodId(books, 2026, 12);
  for (const role of RoleClusters) actors[role] = actorFor(role);
});
afterAll(() => books.close());

const groups = RoleClusters.flatMap((role) => (['lock', 'reopen'] as const).map((op) => ({ role, op })));

describe('the period state matrix, through the services', () => {
  // 5 roles × 2 operations × 6 × 6 (from, to) = 360 cases, one test per (role, operation).
  it.each(groups)(
    '$role: $op answers all 36 (from, to) pairs as the issue says, writing only on success',
    async ({ role, op }) => {
      const mismatches: string[] = [];
      for (const from of PeriodStates) {
        for (const to of PeriodStates) {
          await forceState(books, { periods: [{ fiscalYear: 2026, month: 12, state: from }] });
          const before = await footprint(books);
          const allowed = ROLE_PERMISSIONS[role].includes(needs[op]);
          const want = allowed ? expected(op, from, to) : 'FORBIDDEN';
          const call =
            op === 'lock'
              ? lockPeriod(books.app, actors[role], { periodId: december, state: to })
              : reopenPeriod(books.app, actors[role], { periodId: december, state: to, reason: REASON });
          const got = await expectCode(call);
          const after = await footprint(books);
          const states = (after.states as string).split(',');
          if (got !== want) mismatches.push(`${op} ${from}→${to}: expected ${want}, got ${got}`);
          if (got === 'OK') {
            if (states[11] !== to) mismatches.push(`${op} ${from}→${to}: state is ${states[11]}`);
            if ((after.transitions as number) !== (before.transitions as number) + 1)
              mismatches.push(`${op} ${from}→${to}: no transition row`);
            if ((after.audit as number) !== (before.audit as number) + 1)
              mismatches.push(`${op} ${from}→${to}: not exactly one audit event`);
          } else if (JSON.stringify(after) !== JSON.stringify(before)) {
            mismatches.push(`${op} ${from}→${to}: refused but wrote something`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('records the user, before/after states and the reason of a reverse move in the audit trail', async () => {
    await forceState(books, { periods: [{ fiscalYear: 2026, month: 12, state: 'LOCK_SALES' }] });
    await reopenPeriod(books.app, actors.Senior, { periodId: december, state: 'UNLOCKED', reason: REASON });
    const [event] = await ownerQuery<Record<string, unknown>>(
      books,
      'SELECT actor_id, actor_email, action, before, after, reason FROM audit_events WHERE entity_id = $1 ORDER BY id DESC LIMIT 1',
      [december],
    );
    expect(event).toMatchObject({
      actor_id: actors.Senior.userId,
      actor_email: actors.Senior.email,
      action: 'period.reopened',
      before: { state: 'LOCK_SALES', period: '2026-12' },
      after: { state: 'UNLOCKED', period: '2026-12' },
      reason: REASON,
    });
  });

  it('refuses a reverse move with a reason shorter than 20 characters, writing nothing', async () => {
    await forceState(books, { periods: [{ fiscalYear: 2026, month: 12, state: 'LOCK_SALES' }] });
    const before = await footprint(books);
    expect(
      await expectCode(
        reopenPeriod(books.app, actors.Senior, { periodId: december, state: 'UNLOCKED', reason: 'oops' }),
      ),
    ).toBe('REASON_TOO_SHORT');
    expect(await footprint(books)).toEqual(before);
  });

  it('refuses to reopen a LOCKED month while a later month stays LOCKED', async () => {
    await forceState(books, {
      periods: [
        { fiscalYear: 2026, month: 3, state: 'LOCKED' },
        { fiscalYear: 2026, month: 4, state: 'LOCKED' },
      ],
    });
    const march = await periodId(books, 2026, 3);
    const before = await footprint(books);
    const got = await expectCode(
      reopenPeriod(books.app, actors.Senior, { periodId: march, state: 'UNLOCKED', reason: REASON }),
    );
    expect(got).toBe('LATER_PERIOD_LOCKED');
    expect(await footprint(books)).toEqual(before);
    await forceState(books, {
      periods: [
        { fiscalYear: 2026, month: 3, state: 'UNLOCKED' },
        { fiscalYear: 2026, month: 4, state: 'UNLOCKED' },
      ],
    });
  });

  it('refuses any move of a period of an AUDITED year', async () => {
    await forceState(books, {
      periods: [{ fiscalYear: 2026, month: 12, state: 'CLOSED' }],
      years: [{ year: 2026, state: 'AUDITED' }],
    });
    expect(
      await expectCode(
        reopenPeriod(books.app, actors.Senior, { periodId: december, state: 'LOCKED', reason: REASON }),
      ),
    ).toBe('YEAR_AUDITED');
    await forceState(books, {
      periods: [{ fiscalYear: 2026, month: 12, state: 'UNLOCKED' }],
      years: [{ year: 2026, state: 'OPEN' }],
    });
  });
});

describe('the database enforces the same graph', () => {
  it('refuses a skipped step written straight into posting_periods, even by the owner', async () => {
    await forceState(books, { periods: [{ fiscalYear: 2026, month: 12, state: 'UNLOCKED' }] });
    await expect(
      ownerQuery(books, "UPDATE posting_periods SET state = 'CLOSED' WHERE id = $1", [december]),
    ).rejects.toThrow(/cannot move from UNLOCKED to CLOSED/);
  });

  it('refuses to reopen an AUDITED fiscal year', async () => {
    await forceState(books, { years: [{ year: 2026, state: 'AUDITED' }] });
    await expect(
      ownerQuery(books, "UPDATE fiscal_years SET state = 'OPEN' WHERE year = 2026"),
    ).rejects.toThrow(/cannot move from AUDITED to OPEN/);
    await forceState(books, { years: [{ year: 2026, state: 'OPEN' }] });
  });
});
