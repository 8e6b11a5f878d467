import { randomUUID } from 'node:crypto';
import { inTransaction, pg, type TenantDb, tenantDb } from '@cifra/db';
import { asAtInstant } from '@cifra/domain';
import { balancesAsOf, type PostedEntry, type PostingLine, postEntry } from '@cifra/engine';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  lockPeriod,
  reopenPeriod,
  startPeriodClose,
  submitPeriodClose,
} from '../src/services/index.ts';
import { periodsAsAt } from '../src/services/periods-as-at.service.ts';
import { actorFor, type Books, openBooks, ownerQuery, periodId, waitFor, YEARS_ENDED } from './support.ts';

// Issue 12 §5: a period transition is ordered with the postings it admits. Every entry of the
// month is either posted before the transition (stamped earlier than the transition's recorded
// time) or refused with PERIOD_LOCKED; postings that start while the transition waits queue
// behind it (no starvation); and periods(asAt), trialBalance(asOf, asAt) and the audit trail
// agree at every instant. Orderings only: the test waits for lock states in pg_locks, never for
// a duration.

const JAN_END = '2026-01-31';
let books: Books;
let wide: pg.Pool;
let db: TenantDb;
let cash: string;

beforeAll(async () => {
  books = await openBooks([2026]);
  // More connections than the fixture's pool, so that many postings reach the database at once.
  wide = new pg.Pool({ connectionString: books.db.appUrl, max: 20 });
  wide.on('error', () => undefined);
  db = tenantDb(wide);
  cash = books.accounts.get('1110')!;
});
afterAll(async () => {
  await wide.end().catch(() => undefined);
  await books.close();
});

type Kind = 'MANUAL' | 'SALES_INVOICE';
type Outcome = { entry: PostedEntry } | { code: string };

function request(kind: Kind, day: number) {
  const line = (code: string, amountMinor: bigint): PostingLine => ({
    accountId: books.accounts.get(code)!,
    amountMinor,
    originalCurrency: 'PAB',
    originalAmountMinor: amountMinor,
  });
  return {
    kind,
    postingDate: `2026-01-${String(day).padStart(2, '0')}`,
    memo: 'close ordering',
    lines: [line('6201', 100n), line('1110', -100n)],
  };
}

/** One posting in its own transaction; `hold` keeps the transaction open (and its gate held). */
async function postOne(kind: Kind, i: number, hold?: { posted: () => void; release: Promise<void> }) {
  const actor = { userId: randomUUID(), email: `poster-${i}@test.firm` };
  try {
    const entry = await inTransaction(db, actor, async (tx) => {
      const e = await postEntry(tx, actor, request(kind, (i % 28) + 1));
      if (hold) {
        hold.posted();
        await hold.release;
      }
      return e;
    });
    return { entry } as Outcome;
  } catch (err) {
    return { code: (err as { code?: string }).code ?? `THREW:${(err as Error).message}` } as Outcome;
  }
}

/** A posting that stays in flight (gate held) until released. */
function blocker(kind: Kind) {
  let posted!: () => void;
  let release!: () => void;
  const isPosted = new Promise<void>((r) => {
    posted = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  const outcome = postOne(kind, 0, { posted, release: released });
  return { outcome, isPosted, release };
}

async function gateKey(startDate: string): Promise<number> {
  const [row] = await ownerQuery<{ k: number }>(books, 'SELECT cifra_period_gate_key($1::date) AS k', [
    startDate,
  ]);
  return row!.k;
}

/** Requests waiting at a period's gate in a given mode (ExclusiveLock: transitions; ShareLock: postings). */
async function waitingAtGate(key: number, mode: 'ExclusiveLock' | 'ShareLock'): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    books,
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND mode = $2 AND objsubid = 2
        AND classid = cifra_period_gate_namespace()::oid AND objid = $1::oid`,
    [key, mode],
  );
  return row!.n;
}

/**
 * The transition's recorded time, as its three records carry it: the period_transitions row, the
 * audit event and the period's history version. They must be one instant.
 */
async function recordedTime(period: string, action: string, auditAction: string, toState: string) {
  const [row] = await ownerQuery<{ t: string; a: string; h: string; same: boolean }>(
    books,
    `SELECT t.occurred_at::text AS t, a.occurred_at::text AS a, h.valid_from::text AS h,
            (t.occurred_at = a.occurred_at AND a.occurred_at = h.valid_from) AS same
       FROM (SELECT occurred_at FROM period_transitions WHERE period_id = $1 AND action = $2
              ORDER BY id DESC LIMIT 1) t,
            (SELECT occurred_at FROM audit_events WHERE action = $3 AND after->>'periodId' = $1::text
              ORDER BY chain_seq DESC LIMIT 1) a,
            (SELECT valid_from FROM posting_periods_history WHERE hist_entity_id = $1::text AND state = $4::period_state
              ORDER BY hist_id DESC LIMIT 1) h`,
    [period, action, auditAction, toState],
  );
  expect(row, `records of ${action}`).toBeDefined();
  expect(row!.same, `${action}: transition row ${row!.t}, audit ${row!.a}, history ${row!.h}`).toBe(true);
  return row!.t;
}

/** Every admitted entry is stamped before the transition; every other posting was refused PERIOD_LOCKED. */
async function expectOrdered(outcomes: Outcome[], period: string, transitionAt: string) {
  const posted = outcomes.flatMap((o) => ('entry' in o ? [o.entry.id] : []));
  const refused = outcomes.flatMap((o) => ('code' in o ? [o.code] : []));
  expect(refused.filter((c) => c !== 'PERIOD_LOCKED')).toEqual([]);
  const [row] = await ownerQuery<{ n: number; late: number }>(
    books,
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE actual_posting_date >= $3::timestamptz)::int AS late
       FROM journal_entries WHERE id = ANY ($1::uuid[]) AND period_id = $2`,
    [posted, period, transitionAt],
  );
  expect(row!.n).toBe(posted.length);
  expect(row!.late, 'entries stamped at or after the transition they preceded').toBe(0);
  // Nothing else got into the month after the transition either.
  const [after] = await ownerQuery<{ n: number }>(
    books,
    `SELECT count(*)::int AS n FROM journal_entries WHERE period_id = $1 AND actual_posting_date >= $2::timestamptz`,
    [period, transitionAt],
  );
  expect(after!.n).toBe(0);
}

/**
 * The month's evidence tells one story:
 *  - each entry's posting event in the audit trail carries the entry's actual_posting_date, and the
 *    period's history version valid at that instant (to the microsecond) accepts the entry's kind;
 *  - at every instant around the month's entries and its history (millisecond instants, as the API
 *    takes them, each its last microsecond included), the month's state in periods(asAt) is the
 *    state of the last audit event about it, trialBalance(asOf, asAt) holds exactly the entries
 *    stamped by then, and once the month is
 *    LOCKED its trial balance is final.
 */
async function expectAgreement(period: string) {
  const mismatched = await ownerQuery(
    books,
    `SELECT e.number, e.source_kind, e.actual_posting_date::text, a.occurred_at::text AS event_at, h.state
       FROM journal_entries e
       LEFT JOIN audit_events a ON a.action = 'journal_entry.posted' AND a.entity_id = e.id::text
       LEFT JOIN posting_periods_history h ON h.hist_entity_id = e.period_id::text
             AND h.valid_from <= e.actual_posting_date AND (h.valid_to IS NULL OR h.valid_to > e.actual_posting_date)
      WHERE e.period_id = $1
        AND (a.occurred_at IS DISTINCT FROM e.actual_posting_date OR h.state IS NULL
             OR NOT cifra_period_accepts(h.state, e.source_kind))`,
    [period],
  );
  expect(mismatched, 'entries whose audit event or period state disagrees with their stamp').toEqual([]);

  const stamps = await ownerQuery<{ ms: string }>(
    books,
    `SELECT DISTINCT x.ms::text AS ms FROM (
       SELECT floor(extract(epoch FROM actual_posting_date) * 1000) AS ms FROM journal_entries WHERE period_id = $1::uuid
       UNION SELECT ceil(extract(epoch FROM actual_posting_date) * 1000) FROM journal_entries WHERE period_id = $1::uuid
       UNION SELECT floor(extract(epoch FROM valid_from) * 1000) FROM posting_periods_history WHERE hist_entity_id = $1::text
       UNION SELECT ceil(extract(epoch FROM valid_from) * 1000) FROM posting_periods_history WHERE hist_entity_id = $1::text
     ) x ORDER BY 1`,
    [period],
  );
  const final = (await balancesAsOf(db, JAN_END)).find((b) => b.accountId === cash)?.balanceMinor ?? 0n;
  const seen = new Set<string>();
  for (const { ms } of stamps) {
    const t = new Date(Number(ms));
    const state = (await periodsAsAt(db, 2026, t)).find((p) => p.id === period)?.state;
    const [audit] = await ownerQuery<{ state: string | null; known: number }>(
      books,
      `SELECT (SELECT after->>'state' FROM audit_events
                WHERE after->>'periodId' = $1::text AND occurred_at <= $2::timestamptz
                ORDER BY occurred_at DESC, chain_seq DESC LIMIT 1) AS state,
              (SELECT count(*)::int FROM journal_entries
                WHERE period_id = $1::uuid AND actual_posting_date <= $2::timestamptz) AS known`,
      // The instant as the API takes it: to the millisecond, its last microsecond included.
      [period, asAtInstant(t)],
    );
    if (state === undefined) {
      // Before the period existed (the instant just before its first version): no entry either.
      expect(audit!.known).toBe(0);
      continue;
    }
    expect(state, `periods(asAt ${t.toISOString()}) against the audit trail`).toBe(
      audit!.state ?? 'UNLOCKED',
    );
    const balance =
      (await balancesAsOf(db, JAN_END, { asAt: t })).find((b) => b.accountId === cash)?.balanceMinor ?? 0n;
    expect(balance, `trialBalance(asAt ${t.toISOString()})`).toBe(-100n * BigInt(audit!.known));
    if (state === 'LOCKED') expect(balance, `the LOCKED month at ${t.toISOString()} is final`).toBe(final);
    seen.add(state);
  }
  return seen;
}

describe('a period transition against 200 postings in flight', () => {
  it('lockPeriod waits only for postings already in flight; later ones queue and are refused', async () => {
    const jan = await periodId(books, 2026, 1);
    const key = await gateKey('2026-01-01');
    const senior = actorFor('Senior');

    const first = blocker('SALES_INVOICE');
    await first.isPosted;
    const lock = lockPeriod(db, senior, { periodId: jan, state: 'LOCK_SALES' }).then(
      () => 'OK',
      (err) => (err as { code?: string }).code ?? String(err),
    );
    await waitFor(
      'the lock to queue at the gate',
      async () => (await waitingAtGate(key, 'ExclusiveLock')) === 1,
    );

    // Started after the lock began waiting: they must queue behind it, not pass it.
    const later = Array.from({ length: 200 }, (_, i) => postOne('SALES_INVOICE', i + 1));
    await waitFor(
      'postings to queue behind the lock',
      async () => (await waitingAtGate(key, 'ShareLock')) >= 10,
    );
    first.release();

    expect(await lock).toBe('OK');
    const outcomes = [await first.outcome, ...(await Promise.all(later))];
    expect('entry' in outcomes[0]!).toBe(true);
    expect(outcomes.slice(1).map((o) => ('code' in o ? o.code : 'POSTED'))).toEqual(
      Array(200).fill('PERIOD_LOCKED'),
    );

    const at = await recordedTime(jan, 'LOCK', 'period.locked', 'LOCK_SALES');
    await expectOrdered(outcomes, jan, at);

    // Manual entries still go into a LOCK_SALES month, after the lock's time.
    const manual = await postOne('MANUAL', 999);
    expect('entry' in manual).toBe(true);
    const [m] = await ownerQuery<{ after: boolean }>(
      books,
      'SELECT actual_posting_date > $2::timestamptz AS after FROM journal_entries WHERE id = $1',
      ['entry' in manual ? manual.entry.id : null, at],
    );
    expect(m!.after).toBe(true);

    // Reopening waits for a posting in flight too, and what it admits is stamped after it.
    const reason = 'Sales invoices for January arrived late from the branch';
    const held = blocker('MANUAL');
    await held.isPosted;
    const reopen = reopenPeriod(db, senior, { periodId: jan, state: 'UNLOCKED', reason }).then(() => 'OK');
    await waitFor(
      'the reopening to queue at the gate',
      async () => (await waitingAtGate(key, 'ExclusiveLock')) === 1,
    );
    const sale = postOne('SALES_INVOICE', 1000);
    await waitFor(
      'a sale to queue behind the reopening',
      async () => (await waitingAtGate(key, 'ShareLock')) === 1,
    );
    held.release();
    expect(await reopen).toBe('OK');
    const reopenedAt = await recordedTime(jan, 'REOPEN', 'period.reopened', 'UNLOCKED');
    const [heldOutcome, saleOutcome] = [await held.outcome, await sale];
    expect('entry' in heldOutcome && 'entry' in saleOutcome).toBe(true);
    const [r] = await ownerQuery<{ before: boolean; after: boolean }>(
      books,
      `SELECT (SELECT actual_posting_date < $3::timestamptz FROM journal_entries WHERE id = $1) AS before,
              (SELECT actual_posting_date > $3::timestamptz FROM journal_entries WHERE id = $2) AS after`,
      [
        'entry' in heldOutcome ? heldOutcome.entry.id : null,
        'entry' in saleOutcome ? saleOutcome.entry.id : null,
        reopenedAt,
      ],
    );
    expect(r).toEqual({ before: true, after: true });

    expect([...(await expectAgreement(jan))].sort()).toEqual(['LOCK_SALES', 'UNLOCKED']);
  }, 300_000);
});

describe('a close approval against 200 postings in flight', () => {
  it('approves after the postings in flight, refuses the later ones, and the evidence agrees', async () => {
    // January again: the test above left it UNLOCKED, with its history.
    const jan = await periodId(books, 2026, 1);
    const key = await gateKey('2026-01-01');
    const junior = actorFor('Junior');
    const senior = actorFor('Senior');
    const close = await startPeriodClose(db, junior, { periodId: jan });
    await submitPeriodClose(db, junior, { closeId: close.id });

    // 100 postings, and the approval once the first of them has committed: it waits at the gate
    // for those still in flight.
    const early = Array.from({ length: 100 }, (_, i) => postOne('MANUAL', 2000 + i));
    await Promise.race(early);
    let settled = false;
    const approval = approvePeriodClose(books.app, senior, { now: YEARS_ENDED, closeId: close.id })
      .then(
        () => 'OK',
        (err) => (err as { code?: string }).code ?? String(err),
      )
      .finally(() => {
        settled = true;
      });
    await waitFor(
      'the approval to queue at the gate (or to be done)',
      async () => settled || (await waitingAtGate(key, 'ExclusiveLock')) === 1,
    );
    // 100 more after the approval began waiting: they queue behind it and meet a LOCKED month.
    const late = Array.from({ length: 100 }, (_, i) => postOne('MANUAL', 3000 + i));

    expect(await approval).toBe('OK');
    const lateOutcomes = await Promise.all(late);
    expect(lateOutcomes.map((o) => ('code' in o ? o.code : 'POSTED'))).toEqual(
      Array(100).fill('PERIOD_LOCKED'),
    );
    const outcomes = [...(await Promise.all(early)), ...lateOutcomes];
    expect(outcomes.filter((o) => 'entry' in o).length).toBeGreaterThan(0);

    const at = await recordedTime(jan, 'APPROVE_CLOSE', 'period_close.approved', 'LOCKED');
    await expectOrdered(outcomes, jan, at);
    const [approved] = await ownerQuery<{ same: boolean }>(
      books,
      'SELECT approved_at = $2::timestamptz AS same FROM period_closes WHERE id = $1',
      [close.id, at],
    );
    expect(approved!.same, 'the close is approved at the transition time').toBe(true);

    expect(await expectAgreement(jan)).toContain('LOCKED');
  }, 300_000);
});

describe('the recorded time is the database’s', () => {
  it('ignores a mark the writer forges outside its own transaction', async () => {
    const actor = { userId: randomUUID(), email: 'forger@test.firm' };
    const [past, future] = await inTransaction(db, actor, async (tx) => {
      await tx.execute(sql`SELECT set_config('cifra.recorded_at', '2000-01-01T00:00:00Z', true)`);
      const a = await tx.execute<{ ok: boolean }>(sql`SELECT cifra_now() = now() AS ok`);
      await tx.execute(sql`SELECT set_config('cifra.recorded_at', '2999-01-01T00:00:00Z', true)`);
      const b = await tx.execute<{ ok: boolean }>(sql`SELECT cifra_now() = now() AS ok`);
      return [a.rows[0]?.ok, b.rows[0]?.ok];
    });
    expect([past, future]).toEqual([true, true]);
  });
});
