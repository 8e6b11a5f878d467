import { describe, expect, it } from 'vitest';
import {
  CLOSE_EDGES,
  CloseStatuses,
  checkPeriodMove,
  closeStatusAfter,
  deriveCloseStage,
  FiscalYearStates,
  PERIOD_EDGES,
  PeriodStates,
  yearStateAfter,
} from '../src/index.ts';

describe('the period state machine', () => {
  it('lets each operation through exactly its own edges', () => {
    for (const from of PeriodStates) {
      for (const to of PeriodStates) {
        const edge = PERIOD_EDGES.find((e) => e.from === from && e.to === to);
        for (const op of [
          'LOCK',
          'APPROVE_CLOSE',
          'YEAR_END_CLOSE',
          'REOPEN',
          'REVERSE_YEAR_END_CLOSE',
        ] as const) {
          expect(checkPeriodMove(op, from, to) === null, `${op} ${from}→${to}`).toBe(edge?.move === op);
        }
      }
    }
  });

  it('has no edge that skips a step', () => {
    const pairs = PERIOD_EDGES.map((e) => `${e.from}>${e.to}`);
    expect(pairs).not.toContain('UNLOCKED>LOCK_SALES_AND_PURCHASING');
    expect(pairs.filter((p) => p.endsWith('>CLOSED'))).toEqual(['LOCKED>CLOSED']);
    expect(pairs.filter((p) => p.startsWith('CLOSED>'))).toEqual(['CLOSED>LOCKED']);
  });

  it('moves the close workflow only along its four edges', () => {
    for (const from of CloseStatuses) {
      for (const action of ['SUBMIT', 'APPROVE', 'REJECT', 'REOPEN'] as const) {
        const edge = CLOSE_EDGES.find((e) => e.from === from && e.action === action);
        const next = closeStatusAfter(from, action);
        expect(next).toEqual(edge ? edge.to : expect.objectContaining({ code: 'INVALID_TRANSITION' }));
      }
    }
  });

  it('never moves an AUDITED year', () => {
    for (const move of ['YEAR_END_CLOSE', 'MARK_AUDITED', 'REVERSE_YEAR_END_CLOSE'] as const) {
      expect(yearStateAfter('AUDITED', move)).toMatchObject({ code: 'YEAR_AUDITED' });
    }
    expect(yearStateAfter('OPEN', 'MARK_AUDITED')).toMatchObject({ code: 'YEAR_NOT_READY' });
    expect(yearStateAfter('CLOSED', 'REVERSE_YEAR_END_CLOSE')).toBe('OPEN');
    expect(FiscalYearStates).toHaveLength(3);
  });

  it.each([
    ['UNLOCKED', null, 'OPEN', 'OPEN'],
    ['LOCK_SALES', 'DRAFT', 'OPEN', 'DRAFT'],
    ['LOCK_SALES_AND_PURCHASING', 'PENDING_APPROVAL', 'OPEN', 'PENDING_APPROVAL'],
    ['LOCKED', 'APPROVED', 'OPEN', 'CLOSED'],
    ['CLOSED', 'APPROVED', 'CLOSED', 'YEAR_CLOSED'],
    ['CLOSED', 'APPROVED', 'AUDITED', 'YEAR_AUDITED'],
    ['UNLOCKED', 'REOPENED', 'OPEN', 'OPEN'],
  ] as const)(
    'derives the board stage of %s / close %s / year %s as %s',
    (periodState, closeStatus, yearState, stage) => {
      expect(deriveCloseStage({ periodState, closeStatus, yearState })).toBe(stage);
    },
  );
});
