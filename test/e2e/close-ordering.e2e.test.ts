import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Issue 12 §5 through the gateway with real tokens: 200 postJournalEntry into January against
 * approvePeriodClose. Every posting is either earlier than the approval's recorded time or refused
 * with PERIOD_LOCKED; postings sent after the approval began waiting are all refused; and
 * periods(asAt) and trialBalance(asOf, asAt) agree just before and just after the approval.
 * Orderings only: the test waits for the approval to queue at the period's gate (pg_locks).
 */

let t: TestStack;
const slug = 'panaderia-valle';

beforeAll(async () => {
  t = await startTestStack();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const POST = `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const START = 'mutation S($id: ID!) { startPeriodClose(periodId: $id) { id status } }';
const SUBMIT = 'mutation S($id: ID!) { submitPeriodClose(closeId: $id) { id status } }';
const APPROVE = 'mutation A($id: ID!) { approvePeriodClose(closeId: $id) { id status } }';
const PERIODS = 'query P($asAt: DateTime) { periods(fiscalYear: 2026, asAt: $asAt) { id month state } }';
const TB =
  'query T($asAt: DateTime) { trialBalance(asOf: "2026-01-31", asAt: $asAt) { totalDebit rows { accountCode debit credit } } }';

type Posted = { id: string } | { code: string };

async function postOne(i: number): Promise<Posted> {
  const r = await t.as('senior', slug)<{ postJournalEntry: { id: string } }>(POST, {
    input: {
      postingDate: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
      memo: `close ordering ${i}`,
      lines: [
        { accountCode: '1110', debit: '1.00' },
        { accountCode: '4101', credit: '1.00' },
      ],
    },
  });
  if (r.data?.postJournalEntry) return { id: r.data.postJournalEntry.id };
  return { code: String(codes(r)[0]) };
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  // A guard against a hang, not a timing assertion.
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('approvePeriodClose against 200 postJournalEntry through the gateway', () => {
  it('orders every posting with the approval and the evidence agrees', async () => {
    const periods = await t.as('senior', slug)<{ periods: { id: string; month: number; state: string }[] }>(
      PERIODS,
      {},
    );
    const jan = periods.data!.periods.find((p) => p.month === 1)!;
    expect(jan.state).toBe('UNLOCKED');
    const started = await t.as('junior', slug)<{ startPeriodClose: { id: string } }>(START, { id: jan.id });
    const closeId = started.data!.startPeriodClose.id;
    expect(codes(await t.as('junior', slug)(SUBMIT, { id: closeId }))).toEqual([]);

    const early = Array.from({ length: 100 }, (_, i) => postOne(i));
    await Promise.race(early);
    let settled = false;
    const approval = t
      .as('senior', slug)<{ approvePeriodClose: { status: string } }>(APPROVE, { id: closeId })
      .finally(() => {
        settled = true;
      });
    await waitFor('the approval to queue at January’s gate (or to be done)', async () => {
      if (settled) return true;
      const [row] = await t.tenantSql<{ n: number }>(
        slug,
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND mode = 'ExclusiveLock' AND objsubid = 2
            AND classid = cifra_period_gate_namespace()::oid AND objid = cifra_period_gate_key('2026-01-01')::oid`,
      );
      return row!.n === 1;
    });
    const late = Array.from({ length: 100 }, (_, i) => postOne(100 + i));

    const approved = await approval;
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approvePeriodClose.status).toBe('APPROVED');
    const lateOutcomes = await Promise.all(late);
    expect(lateOutcomes.map((o) => ('code' in o ? o.code : 'POSTED'))).toEqual(
      Array(100).fill('PERIOD_LOCKED'),
    );
    const earlyOutcomes = await Promise.all(early);
    expect(earlyOutcomes.filter((o) => 'code' in o && o.code !== 'PERIOD_LOCKED')).toEqual([]);
    const posted = earlyOutcomes.flatMap((o) => ('id' in o ? [o.id] : []));
    expect(posted.length).toBeGreaterThan(0);

    // The approval's recorded time, as its audit event, its history version and its transition
    // row carry it (one instant), and every admitted entry before it.
    const [rec] = await t.tenantSql<{ at: string; same: boolean; ms: string; late: number; known: number }>(
      slug,
      `SELECT t.occurred_at::text AS at,
              (t.occurred_at = a.occurred_at AND a.occurred_at = h.valid_from) AS same,
              floor(extract(epoch FROM t.occurred_at) * 1000)::text AS ms,
              (SELECT count(*)::int FROM journal_entries WHERE id = ANY ($2::uuid[])
                 AND actual_posting_date >= t.occurred_at) AS late,
              (SELECT count(*)::int FROM journal_entries WHERE id = ANY ($2::uuid[])) AS known
         FROM (SELECT occurred_at FROM period_transitions WHERE period_id = $1::uuid AND action = 'APPROVE_CLOSE'
                ORDER BY id DESC LIMIT 1) t,
              (SELECT occurred_at FROM audit_events WHERE action = 'period_close.approved'
                ORDER BY chain_seq DESC LIMIT 1) a,
              (SELECT valid_from FROM posting_periods_history WHERE hist_entity_id = $1::text AND state = 'LOCKED'
                ORDER BY hist_id DESC LIMIT 1) h`,
      [jan.id, posted],
    );
    expect(rec!.same).toBe(true);
    expect(rec!.known).toBe(posted.length);
    expect(rec!.late).toBe(0);

    // Just after the approval (the next millisecond): LOCKED, and the trial balance known then is
    // the final one. Just before (the millisecond it falls in, floored): not yet LOCKED.
    const after = new Date(Number(rec!.ms) + 1).toISOString();
    const before = new Date(Number(rec!.ms) - 1).toISOString();
    const stateAt = async (asAt: string) =>
      (
        await t.as('senior', slug)<{ periods: { month: number; state: string }[] }>(PERIODS, { asAt })
      ).data!.periods.find((p) => p.month === 1)!.state;
    expect(await stateAt(after)).toBe('LOCKED');
    expect(await stateAt(before)).toBe('UNLOCKED');
    const tb = async (asAt?: string) =>
      JSON.stringify(
        (await t.as('senior', slug)<{ trialBalance: unknown }>(TB, asAt ? { asAt } : {})).data!.trialBalance,
      );
    expect(await tb(after)).toBe(await tb());
  }, 300_000);
});
