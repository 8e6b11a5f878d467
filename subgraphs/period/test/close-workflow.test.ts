import { randomUUID } from 'node:crypto';
import { type CloseStatus, type PeriodState, PeriodStates } from '@cifra/domain';
import { Permissions as P, ROLE_PERMISSIONS, type RoleCluster, RoleClusters } from '@cifra/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  type PeriodActor,
  periodCloseStatus,
  rejectPeriodClose,
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
  ownerQuery,
  periodId,
  YEARS_ENDED,
} from './support.ts';

const REASON = 'Bank reconciliation does not match the statement';

let books: Books;
const actors = {} as Record<RoleCluster, PeriodActor>;
let otherSenior: PeriodActor;

beforeAll(async () => {
  books = await openBooks([2026]);
  for (const role of RoleClusters) actors[role] = actorFor(role);
  otherSenior = actorFor('Senior', 'other-senior@test.firm');
});
afterAll(() => books.close());

async function resetMonth(month: number, state: PeriodState = 'UNLOCKED') {
  await ownerQuery(books, 'DELETE FROM period_closes WHERE period_id = $1', [
    await periodId(books, 2026, month),
  ]).catch(() => undefined);
  await forceState(books, { periods: [{ fiscalYear: 2026, month, state }] });
}

describe('month-end close: Open → Draft → PendingApproval → Closed', () => {
  it('runs the whole workflow: the junior prepares, the senior approves, the month is LOCKED', async () => {
    const jan = await periodId(books, 2026, 1);
    const start = await footprint(books);
    const draft = await startPeriodClose(books.app, actors.Junior, { periodId: jan });
    expect(draft.status).toBe('DRAFT');
    expect((draft.checklist as { code: string }[]).map((i) => i.code)).toContain('TRIAL_BALANCE_BALANCES');
    let row = await periodCloseStatus(books.app, actors.ClientReadOnly, { year: 2026, month: 1 });
    expect(row.stage).toBe('DRAFT');

    const pending = await submitPeriodClose(books.app, actors.Junior, { closeId: draft.id });
    expect(pending.status).toBe('PENDING_APPROVAL');
    row = await periodCloseStatus(books.app, actors.Senior, { year: 2026, month: 1 });
    expect(row.stage).toBe('PENDING_APPROVAL');
    expect(row.lastTransition).toMatchObject({ action: 'SUBMIT_CLOSE', actorEmail: actors.Junior.email });

    const approved = await approvePeriodClose(books.app, actors.Senior, {
      now: YEARS_ENDED,
      closeId: draft.id,
    });
    expect(approved).toMatchObject({
      status: 'APPROVED',
      approvedBy: actors.Senior.userId,
      submittedBy: actors.Junior.userId,
    });
    row = await periodCloseStatus(books.app, actors.Senior, { year: 2026, month: 1 });
    expect(row).toMatchObject({
      periodState: 'LOCKED',
      stage: 'CLOSED',
      closeStatus: 'APPROVED',
      openChecklistItems: [],
    });
    expect(row.lastTransition).toMatchObject({
      action: 'APPROVE_CLOSE',
      fromState: 'UNLOCKED',
      toState: 'LOCKED',
    });

    const end = await footprint(books);
    expect((end.audit as number) - (start.audit as number)).toBe(3);
    expect((end.transitions as number) - (start.transitions as number)).toBe(3);
    const actions = await ownerQuery<{ action: string }>(
      books,
      'SELECT action FROM audit_events ORDER BY id DESC LIMIT 3',
    );
    expect(actions.map((a) => a.action).reverse()).toEqual([
      'period_close.started',
      'period_close.submitted',
      'period_close.approved',
    ]);
  });

  it('refuses approval by the person who submitted (SAME_PERSON), writing nothing', async () => {
    await resetMonth(2);
    const feb = await periodId(books, 2026, 2);
    const close = await startPeriodClose(books.app, actors.Senior, { periodId: feb });
    await submitPeriodClose(books.app, actors.Senior, { closeId: close.id });
    const before = await footprint(books);
    expect(
      await expectCode(approvePeriodClose(books.app, actors.Senior, { now: YEARS_ENDED, closeId: close.id })),
    ).toBe('SAME_PERSON');
    expect(await footprint(books)).toEqual(before);
    await approvePeriodClose(books.app, otherSenior, { now: YEARS_ENDED, closeId: close.id });
    expect((await periodCloseStatus(books.app, actors.Senior, { year: 2026, month: 2 })).periodState).toBe(
      'LOCKED',
    );
  });

  it('refuses to approve a month while an earlier month is not LOCKED', async () => {
    await resetMonth(4);
    await resetMonth(3);
    const apr = await periodId(books, 2026, 4);
    const close = await startPeriodClose(books.app, actors.Junior, { periodId: apr });
    await submitPeriodClose(books.app, actors.Junior, { closeId: close.id });
    const before = await footprint(books);
    const err = await approvePeriodClose(books.app, actors.Senior, {
      now: YEARS_ENDED,
      closeId: close.id,
    }).catch((e) => e);
    expect(err.code).toBe('EARLIER_PERIOD_NOT_LOCKED');
    expect(err.message).toMatch(/2026-03/);
    expect(await footprint(books)).toEqual(before);
  });

  it('rejects back to DRAFT with a reason, then takes a new submission', async () => {
    await resetMonth(5);
    const may = await periodId(books, 2026, 5);
    const close = await startPeriodClose(books.app, actors.Junior, { periodId: may });
    await submitPeriodClose(books.app, actors.Junior, { closeId: close.id });
    expect(
      await expectCode(rejectPeriodClose(books.app, actors.Senior, { closeId: close.id, reason: 'no' })),
    ).toBe('REASON_TOO_SHORT');
    const rejected = await rejectPeriodClose(books.app, actors.Senior, { closeId: close.id, reason: REASON });
    expect(rejected).toMatchObject({
      status: 'DRAFT',
      rejectionReason: REASON,
      rejectedBy: actors.Senior.userId,
    });
    const [event] = await ownerQuery<{ reason: string; action: string }>(
      books,
      'SELECT action, reason FROM audit_events ORDER BY id DESC LIMIT 1',
    );
    expect(event).toEqual({ action: 'period_close.rejected', reason: REASON });
    expect((await submitPeriodClose(books.app, actors.Junior, { closeId: close.id })).status).toBe(
      'PENDING_APPROVAL',
    );
  });

  it('reopening a LOCKED month retires its approved close; a new close starts from DRAFT', async () => {
    await resetMonth(12);
    const dec = await periodId(books, 2026, 12);
    // Months 1..11 LOCKED so December can be approved.
    await forceState(books, {
      periods: Array.from({ length: 11 }, (_, i) => ({
        fiscalYear: 2026,
        month: i + 1,
        state: 'LOCKED' as const,
      })),
    });
    const close = await startPeriodClose(books.app, actors.Junior, { periodId: dec });
    await submitPeriodClose(books.app, actors.Junior, { closeId: close.id });
    await approvePeriodClose(books.app, actors.Senior, { now: YEARS_ENDED, closeId: close.id });
    await reopenPeriod(books.app, actors.Senior, {
      periodId: dec,
      state: 'LOCK_SALES_AND_PURCHASING',
      reason: REASON,
    });
    const row = await periodCloseStatus(books.app, actors.Senior, { year: 2026, month: 12 });
    expect(row).toMatchObject({ periodState: 'LOCK_SALES_AND_PURCHASING', stage: 'OPEN', close: null });
    const [old] = await ownerQuery<{ status: string }>(
      books,
      'SELECT status FROM period_closes WHERE id = $1',
      [close.id],
    );
    expect(old!.status).toBe('REOPENED');
    expect((await startPeriodClose(books.app, actors.Junior, { periodId: dec })).status).toBe('DRAFT');
    await forceState(books, {
      periods: Array.from({ length: 11 }, (_, i) => ({
        fiscalYear: 2026,
        month: i + 1,
        state: 'UNLOCKED' as const,
      })),
    });
  });
});

/** The close-status matrix: every status × action × role, with the outcome spelled out. */
const ACTION_OK: Record<'submit' | 'approve' | 'reject', CloseStatus> = {
  submit: 'DRAFT',
  approve: 'PENDING_APPROVAL',
  reject: 'PENDING_APPROVAL',
};
const ACTION_PERMISSION = {
  submit: P.Period.PrepareClose,
  approve: P.Period.Close,
  reject: P.Period.Close,
} as const;
const STATUSES: CloseStatus[] = ['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'REOPENED'];

describe('the close-status matrix, through the services', () => {
  it.each(RoleClusters)(
    '%s: answers every (action, status) as the workflow says, writing only on success',
    async (role) => {
      const jan = await periodId(books, 2026, 1);
      const mismatches: string[] = [];
      for (const action of ['submit', 'approve', 'reject'] as const) {
        for (const status of STATUSES) {
          await ownerQuery(books, 'DELETE FROM period_closes WHERE period_id = $1', [jan]);
          await forceState(books, {
            periods: [{ fiscalYear: 2026, month: 1, state: status === 'APPROVED' ? 'LOCKED' : 'UNLOCKED' }],
          });
          const [close] = await ownerQuery<{ id: string }>(
            books,
            `INSERT INTO period_closes (period_id, status, submitted_by, approved_by) VALUES ($1, $2, $3, $4) RETURNING id`,
            [
              jan,
              status,
              status === 'DRAFT' ? null : randomUUID(),
              ['APPROVED', 'REOPENED'].includes(status) ? randomUUID() : null,
            ],
          );
          const before = await footprint(books);
          const actor = actors[role];
          const call =
            action === 'submit'
              ? submitPeriodClose(books.app, actor, { closeId: close!.id })
              : action === 'approve'
                ? approvePeriodClose(books.app, actor, { now: YEARS_ENDED, closeId: close!.id })
                : rejectPeriodClose(books.app, actor, { closeId: close!.id, reason: REASON });
          const got = await expectCode(call);
          const want = !ROLE_PERMISSIONS[role].includes(ACTION_PERMISSION[action])
            ? 'FORBIDDEN'
            : ACTION_OK[action] === status
              ? 'OK'
              : 'INVALID_TRANSITION';
          if (got !== want) mismatches.push(`${role} ${action} ${status}: expected ${want}, got ${got}`);
          const after = await footprint(books);
          if (got === 'OK' && (after.audit as number) !== (before.audit as number) + 1)
            mismatches.push(`${role} ${action} ${status}: not exactly one audit event`);
          if (got !== 'OK' && JSON.stringify(after) !== JSON.stringify(before))
            mismatches.push(`${role} ${action} ${status}: refused but wrote something`);
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('starts a close from every open state and refuses from LOCKED, CLOSED, or with a live close', async () => {
    const jun = await periodId(books, 2026, 6);
    const results: Record<string, string> = {};
    for (const state of PeriodStates) {
      await resetMonth(6, state);
      results[state] = await expectCode(startPeriodClose(books.app, actors.Junior, { periodId: jun }));
    }
    expect(results).toEqual({
      UNLOCKED: 'OK',
      LOCK_SALES: 'OK',
      LOCK_PURCHASING: 'OK',
      LOCK_SALES_AND_PURCHASING: 'OK',
      LOCKED: 'INVALID_TRANSITION',
      CLOSED: 'YEAR_CLOSED',
    });
    await resetMonth(6);
    await startPeriodClose(books.app, actors.Junior, { periodId: jun });
    const before = await footprint(books);
    expect(await expectCode(startPeriodClose(books.app, actors.Senior, { periodId: jun }))).toBe(
      'CLOSE_IN_PROGRESS',
    );
    expect(await expectCode(startPeriodClose(books.app, actors.ExternalReviewer, { periodId: jun }))).toBe(
      'FORBIDDEN',
    );
    expect(await footprint(books)).toEqual(before);
  });
});
