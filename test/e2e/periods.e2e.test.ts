import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import {
  BOOKS_YEAR,
  createEmptyDatabase,
  makeTestDir,
  TEST_APP_PASSWORD,
  type TestDatabase,
} from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBooksYears } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/**
 * The per-client period machine through the gateway, with the demo firm's real tokens: a
 * representative set of allowed and refused transitions per role, the month-end close with four
 * eyes, and the guided year-end close with DRAFT_STALE and its four-eyes reversal.
 */

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const FY = BOOKS_YEAR;
const REASON = 'Correcting a misposted supplier invoice';

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-e2e-periods-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  await openBooksYears(stack.control.db, stack.registry);
  for (const who of ['admin', 'senior', 'junior', 'reviewer', 'client']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string, tenant: string) => gql(stack.gatewayUrl, token[who], tenant);

async function ownerQuery<T>(slug: string, text: string, params: unknown[] = []): Promise<T[]> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return withClient(
    withDatabase(db.adminUrl, t!.databaseName),
    async (c) => (await c.query(text, params)).rows as T[],
  );
}

async function periodIds(slug: string, fy = FY): Promise<string[]> {
  const r = await as('senior', slug)<{ periods: { id: string; month: number }[] }>(
    'query P($fy: Int!) { periods(fiscalYear: $fy) { id month } }',
    { fy },
  );
  return r.data!.periods.sort((a, b) => a.month - b.month).map((p) => p.id);
}

const LOCK = 'mutation L($id: ID!, $s: PeriodState!) { lockPeriod(periodId: $id, state: $s) { id state } }';
const REOPEN =
  'mutation R($id: ID!, $s: PeriodState!, $r: String!) { reopenPeriod(periodId: $id, state: $s, reason: $r) { id state } }';
const START =
  'mutation S($id: ID!) { startPeriodClose(periodId: $id) { id status checklist { code checkCode status blocking } } }';
const SUBMIT = 'mutation S($id: ID!) { submitPeriodClose(closeId: $id) { id status submittedByEmail } }';
const APPROVE =
  'mutation A($id: ID!) { approvePeriodClose(closeId: $id) { id status approvedByEmail period { state } } }';
const REJECT =
  'mutation J($id: ID!, $r: String!) { rejectPeriodClose(closeId: $id, reason: $r) { id status rejectionReason } }';
const STATUS = `query S($y: Int!, $m: Int!) { periodCloseStatus(year: $y, month: $m) {
  periodState fiscalYearState stage close { status } lastTransition { action fromState toState byEmail reason }
  openChecklistItems { code } } }`;

/** Chain checkpoints the control plane holds for a client, taken at approved month closes. */
async function closeCheckpoints(slug: string): Promise<number> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  const rows = await withClient(db.adminUrl, (c) =>
    c.query(
      `SELECT count(*)::int AS n FROM audit_chain_checkpoints WHERE tenant_id = $1 AND reason = 'month close approved'`,
      [t!.id],
    ),
  );
  return rows.rows[0].n as number;
}

async function closeMonth(slug: string, periodId: string) {
  const checkpoints = await closeCheckpoints(slug);
  const s = await as('junior', slug)<{ startPeriodClose: { id: string } }>(START, { id: periodId });
  const id = s.data!.startPeriodClose.id;
  await as('junior', slug)(SUBMIT, { id });
  const a = await as('senior', slug)<{ approvePeriodClose: { status: string } }>(APPROVE, { id });
  expect(a.data?.approvePeriodClose.status).toBe('APPROVED');
  // Every approved close checkpoints the client's audit chain head outside its database.
  expect(await closeCheckpoints(slug)).toBe(checkpoints + 1);
}

describe('period transitions through the gateway', () => {
  const slug = 'ferreteria-colon';

  it('answers lock and reopen moves per role with the stable codes', async () => {
    const ids = await periodIds(slug);
    const cases: [who: string, query: string, vars: Record<string, unknown>, want: string][] = [
      ['junior', LOCK, { id: ids[9], s: 'LOCK_SALES' }, 'FORBIDDEN'],
      ['reviewer', LOCK, { id: ids[9], s: 'LOCK_SALES' }, 'FORBIDDEN'],
      ['client', LOCK, { id: ids[9], s: 'LOCK_SALES' }, 'FORBIDDEN'],
      ['senior', LOCK, { id: ids[9], s: 'LOCK_SALES_AND_PURCHASING' }, 'INVALID_TRANSITION'],
      ['senior', LOCK, { id: ids[9], s: 'LOCKED' }, 'CLOSE_REQUIRED'],
      ['senior', LOCK, { id: ids[9], s: 'CLOSED' }, 'YEAR_CLOSE_REQUIRED'],
      ['senior', LOCK, { id: ids[9], s: 'LOCK_SALES' }, 'OK'],
      ['admin', LOCK, { id: ids[9], s: 'LOCK_SALES_AND_PURCHASING' }, 'OK'],
      ['senior', LOCK, { id: ids[9], s: 'LOCK_PURCHASING' }, 'INVALID_TRANSITION'],
      ['junior', REOPEN, { id: ids[9], s: 'UNLOCKED', r: REASON }, 'FORBIDDEN'],
      ['senior', REOPEN, { id: ids[9], s: 'UNLOCKED', r: 'too short' }, 'REASON_TOO_SHORT'],
      ['senior', REOPEN, { id: ids[9], s: 'LOCKED', r: REASON }, 'CLOSE_REQUIRED'],
      ['senior', REOPEN, { id: ids[9], s: 'LOCK_PURCHASING', r: REASON }, 'OK'],
      ['senior', LOCK, { id: 'not-a-uuid', s: 'LOCK_SALES' }, 'BAD_USER_INPUT'],
    ];
    const got: string[] = [];
    for (const [who, query, vars] of cases) {
      const r = await as(who, slug)(query, vars);
      got.push(codes(r)[0] ?? 'OK');
    }
    expect(got).toEqual(cases.map((c) => c[3]));
    const [event] = await ownerQuery<{
      action: string;
      actor_email: string;
      reason: string;
      before: unknown;
      after: unknown;
    }>(
      slug,
      `SELECT action, actor_email, reason, before, after FROM audit_events WHERE action = 'period.reopened' ORDER BY id DESC LIMIT 1`,
    );
    expect(event).toMatchObject({
      action: 'period.reopened',
      actor_email: 'senior@demo.firm',
      reason: REASON,
      before: { state: 'LOCK_SALES_AND_PURCHASING' },
      after: { state: 'LOCK_PURCHASING' },
    });
  });

  it('runs the month-end close with four eyes and the earlier-month rule', async () => {
    const ids = await periodIds(slug);
    // January: junior prepares, the junior and the reviewer may not approve, the senior does.
    const s = await as('junior', slug)<{
      startPeriodClose: { id: string; checklist: { code: string; checkCode: string }[] };
    }>(START, {
      id: ids[0],
    });
    expect(s.data?.startPeriodClose.checklist.map((c) => c.code)).toContain('NO_UNPOSTED_DOCUMENTS');
    // The typed code is the same check as the deprecated text, item by item.
    for (const c of s.data?.startPeriodClose.checklist ?? []) expect(c.checkCode).toBe(c.code);
    const id = s.data!.startPeriodClose.id;
    expect(codes(await as('junior', slug)(APPROVE, { id }))).toEqual(['FORBIDDEN']);
    await as('junior', slug)(SUBMIT, { id });
    expect(codes(await as('reviewer', slug)(APPROVE, { id }))).toEqual(['FORBIDDEN']);
    expect(codes(await as('senior', slug)(REJECT, { id, r: 'short' }))).toEqual(['REASON_TOO_SHORT']);
    const rejected = await as('senior', slug)<{ rejectPeriodClose: { status: string } }>(REJECT, {
      id,
      r: REASON,
    });
    expect(rejected.data?.rejectPeriodClose.status).toBe('DRAFT');
    await as('junior', slug)(SUBMIT, { id });
    const ok = await as('senior', slug)<{
      approvePeriodClose: { approvedByEmail: string; period: { state: string } };
    }>(APPROVE, { id });
    expect(ok.data?.approvePeriodClose).toMatchObject({
      approvedByEmail: 'senior@demo.firm',
      period: { state: 'LOCKED' },
    });
    const st = await as('client', 'cafe-boquete')<{ periodCloseStatus: { stage: string } }>(STATUS, {
      y: FY,
      m: 1,
    });
    expect(st.data?.periodCloseStatus.stage).toBe('OPEN');
    const row = await as('reviewer', slug)<{ periodCloseStatus: Record<string, unknown> }>(STATUS, {
      y: FY,
      m: 1,
    });
    expect(row.data?.periodCloseStatus).toMatchObject({
      periodState: 'LOCKED',
      stage: 'CLOSED',
      close: { status: 'APPROVED' },
      lastTransition: {
        action: 'APPROVE_CLOSE',
        fromState: 'UNLOCKED',
        toState: 'LOCKED',
        byEmail: 'senior@demo.firm',
      },
      openChecklistItems: [],
    });

    // February: the senior submits; the same senior may not approve, the admin may.
    const f = await as('senior', slug)<{ startPeriodClose: { id: string } }>(START, { id: ids[1] });
    await as('senior', slug)(SUBMIT, { id: f.data!.startPeriodClose.id });
    expect(codes(await as('senior', slug)(APPROVE, { id: f.data!.startPeriodClose.id }))).toEqual([
      'SAME_PERSON',
    ]);
    const byAdmin = await as('admin', slug)<{ approvePeriodClose: { status: string } }>(APPROVE, {
      id: f.data!.startPeriodClose.id,
    });
    expect(byAdmin.data?.approvePeriodClose.status).toBe('APPROVED');

    // April before March: refused.
    const a = await as('junior', slug)<{ startPeriodClose: { id: string } }>(START, { id: ids[3] });
    await as('junior', slug)(SUBMIT, { id: a.data!.startPeriodClose.id });
    const refused = await as('senior', slug)(APPROVE, { id: a.data!.startPeriodClose.id });
    expect(codes(refused)).toEqual(['EARLIER_PERIOD_NOT_LOCKED']);
    expect(refused.errors?.[0]?.message).toMatch(/2026-03/);
  });
});

describe('guided year-end close through the gateway', () => {
  const slug = 'panaderia-valle';
  /** A fiscal year that has ended, as a year-end close needs. */
  const YE = FY - 1;
  /** The client's fiscal years, oldest first: FY (books-year.ts) to the year of today. */
  const yearsOf = async () =>
    nodes(
      (
        await as(
          'senior',
          slug,
        )<{
          fiscalYearsConnection: Nodes<{ year: number; state: string; endDate: string }>;
        }>('{ fiscalYearsConnection { edges { node { year state endDate } } } }')
      ).data!.fiscalYearsConnection,
    );
  const PREPARE = `mutation P($fy: Int!) { prepareYearEndClose(fiscalYear: $fy) { id status stale netIncome currency
    lines { lineNumber kind accountCode debit credit explanation } } }`;
  const APPROVE_YEC =
    'mutation A($id: ID!) { approveYearEndClose(draftId: $id) { id status closingEntryId } }';
  const POST = `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`;
  const entry = (date: string, lines: unknown[], memo = 'e2e') => ({
    input: { postingDate: date, memo, lines },
  });

  it('refuses to close a year that has not ended, on the client’s clock, writing nothing', async () => {
    const years = await yearsOf();
    expect(years[0]!.year).toBe(FY);
    // The client's last year is the one it is in: not ended.
    const current = years.at(-1)!;
    // Its end is what the close waits for whatever else is done, so it is the reason given first.
    const refused = await as('junior', slug)(PREPARE, { fy: current.year });
    expect(codes(refused)).toEqual(['YEAR_NOT_READY']);
    expect(refused.errors![0]!.message).toContain(`Fiscal ${current.year} ends on ${current.endDate}`);
    expect(refused.errors![0]!.extensions).toMatchObject({
      fiscalYear: current.year,
      endDate: current.endDate,
    });
    expect(await ownerQuery(slug, 'SELECT id FROM year_end_closes')).toEqual([]);
  });

  it('prepares, refuses a stale draft, approves, reverses with four eyes, and is signed off', async () => {
    const open = (await yearsOf()).map((y) => ({ year: y.year, state: y.state }));
    // A year that has ended: the one before the client's first, opened for it.
    const opened = await as('senior', slug)<{ openFiscalYear: { year: number; state: string } }>(
      'mutation O($y: Int!) { openFiscalYear(year: $y) { year state } }',
      { y: YE },
    );
    expect(opened.data?.openFiscalYear).toEqual({ year: YE, state: 'OPEN' });
    const ids = await periodIds(slug, YE);
    for (const [date, amount] of [
      ['2025-02-10', '5000.00'],
      ['2025-07-10', '7000.00'],
    ] as const) {
      const r = await as('senior', slug)(
        POST,
        entry(date, [
          { accountCode: '1110', debit: amount },
          { accountCode: '4101', credit: amount },
        ]),
      );
      expect(r.errors).toBeUndefined();
    }
    await as('senior', slug)(
      POST,
      entry('2025-03-01', [
        { accountCode: '6201', debit: '1200.00' },
        { accountCode: '1110', credit: '1200.00' },
      ]),
    );
    const early = await as('junior', slug)(PREPARE, { fy: YE });
    expect(codes(early)).toEqual(['YEAR_NOT_READY']);
    for (const id of ids) await closeMonth(slug, id);

    const prepared = await as('junior', slug)<{
      prepareYearEndClose: {
        id: string;
        netIncome: string;
        lines: { accountCode: string; debit: string; credit: string; explanation: string }[];
      };
    }>(PREPARE, { fy: YE });
    expect(prepared.errors).toBeUndefined();
    const draft = prepared.data!.prepareYearEndClose;
    const re = draft.lines.find((l) => l.accountCode === '3201')!;
    expect(re.explanation).toMatch(/retained earnings/);
    expect(Number(re.credit) - Number(re.debit)).toBeCloseTo(Number(draft.netIncome), 2);
    expect(draft.lines.find((l) => l.accountCode === '4101')).toMatchObject({ debit: expect.any(String) });

    // A late posting after preparation makes the draft stale: approval refused, nothing written.
    await as('senior', slug)(REOPEN, { id: ids[11], s: 'UNLOCKED', r: REASON });
    await as('senior', slug)(
      POST,
      entry('2025-12-15', [
        { accountCode: '6202', debit: '80.00' },
        { accountCode: '1110', credit: '80.00' },
      ]),
    );
    await closeMonth(slug, ids[11]!);
    const before = await ownerQuery<{ n: number }>(slug, 'SELECT count(*)::int AS n FROM journal_entries');
    const stale = await as('senior', slug)(APPROVE_YEC, { id: draft.id });
    expect(codes(stale)).toEqual(['DRAFT_STALE']);
    expect(await ownerQuery(slug, 'SELECT count(*)::int AS n FROM journal_entries')).toEqual(before);

    const fresh = await as('junior', slug)<{ prepareYearEndClose: { id: string } }>(PREPARE, { fy: YE });
    const freshId = fresh.data!.prepareYearEndClose.id;
    expect(codes(await as('junior', slug)(APPROVE_YEC, { id: freshId }))).toEqual(['FORBIDDEN']);
    const approved = await as('senior', slug)<{
      approveYearEndClose: { status: string; closingEntryId: string };
    }>(APPROVE_YEC, { id: freshId });
    expect(approved.data?.approveYearEndClose.status).toBe('APPROVED');
    // The year closed, the years after it as they were: FY and any after it OPEN.
    expect(open[0]).toEqual({ year: FY, state: 'OPEN' });
    expect((await yearsOf()).map((y) => ({ year: y.year, state: y.state }))).toEqual([
      { year: YE, state: 'CLOSED' },
      ...open,
    ]);
    const dec = await as('senior', slug)<{ periodCloseStatus: { stage: string; periodState: string } }>(
      STATUS,
      { y: YE, m: 12 },
    );
    expect(dec.data?.periodCloseStatus).toMatchObject({ stage: 'YEAR_CLOSED', periodState: 'CLOSED' });
    expect(codes(await as('senior', slug)(REOPEN, { id: ids[5], s: 'LOCKED', r: REASON }))).toEqual([
      'YEAR_CLOSED',
    ]);

    // Reversal: requested by the senior, refused to the same senior, approved by the admin.
    const REQ =
      'mutation R($fy: Int!, $r: String!) { requestYearEndCloseReversal(fiscalYear: $fy, reason: $r) { id status } }';
    const OK_REV =
      'mutation A($id: ID!) { approveYearEndCloseReversal(requestId: $id) { status approvedByEmail reversalEntryId } }';
    expect(codes(await as('senior', slug)(REQ, { fy: YE, r: 'oops' }))).toEqual(['REASON_TOO_SHORT']);
    const req = await as('senior', slug)<{ requestYearEndCloseReversal: { id: string } }>(REQ, {
      fy: YE,
      r: REASON,
    });
    const reqId = req.data!.requestYearEndCloseReversal.id;
    expect(codes(await as('senior', slug)(OK_REV, { id: reqId }))).toEqual(['SAME_PERSON']);
    expect(codes(await as('junior', slug)(OK_REV, { id: reqId }))).toEqual(['FORBIDDEN']);
    const rev = await as('admin', slug)<{
      approveYearEndCloseReversal: { status: string; approvedByEmail: string };
    }>(OK_REV, { id: reqId });
    expect(rev.data?.approveYearEndCloseReversal).toMatchObject({
      status: 'APPROVED',
      approvedByEmail: 'admin@demo.firm',
    });
    // The requests, paged (yearEndCloseReversalsConnection); a cursor of one year is refused for another.
    type Reversals = {
      yearEndCloseReversalsConnection: {
        edges: { cursor: string; node: { id: string; status: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const REVERSALS =
      'query L($fy: Int!, $n: Int, $a: String) { yearEndCloseReversalsConnection(fiscalYear: $fy, first: $n, after: $a) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }';
    const none = await as('junior', slug)<Reversals>(REVERSALS, { fy: YE, n: 0 });
    expect(none.data?.yearEndCloseReversalsConnection).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, endCursor: null },
    });
    const one = await as('junior', slug)<Reversals>(REVERSALS, { fy: YE, n: 1 });
    expect(one.data?.yearEndCloseReversalsConnection.edges.map((e) => e.node)).toEqual([
      { id: reqId, status: 'APPROVED' },
    ]);
    expect(one.data?.yearEndCloseReversalsConnection.pageInfo.hasNextPage).toBe(false);
    const cursor = one.data!.yearEndCloseReversalsConnection.pageInfo.endCursor;
    const past = await as('junior', slug)<Reversals>(REVERSALS, { fy: YE, a: cursor });
    expect(past.data?.yearEndCloseReversalsConnection.edges).toEqual([]);
    expect(codes(await as('junior', slug)(REVERSALS, { fy: YE + 1, a: cursor }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await as('junior', slug)(REVERSALS, { fy: YE, n: 501 }))).toEqual(['BAD_USER_INPUT']);
    const after = await as(
      'senior',
      slug,
    )<{ periods: { state: string }[] }>('query { periods(fiscalYear: 2025) { state } }');
    expect(new Set(after.data?.periods.map((p) => p.state))).toEqual(new Set(['LOCKED']));

    // Close again, then the external reviewer signs the year off; it can no longer be reversed.
    const again = await as('junior', slug)<{ prepareYearEndClose: { id: string } }>(PREPARE, { fy: YE });
    await as('senior', slug)(APPROVE_YEC, { id: again.data!.prepareYearEndClose.id });
    const AUDIT = 'mutation M($fy: Int!) { markYearAudited(fiscalYear: $fy) { year state } }';
    expect(codes(await as('senior', slug)(AUDIT, { fy: YE }))).toEqual(['FORBIDDEN']);
    const audited = await as('reviewer', slug)<{ markYearAudited: { state: string } }>(AUDIT, { fy: YE });
    expect(audited.data?.markYearAudited.state).toBe('AUDITED');
    expect(codes(await as('senior', slug)(REQ, { fy: YE, r: REASON }))).toEqual(['YEAR_AUDITED']);
    const stage = await as('senior', slug)<{ periodCloseStatus: { stage: string } }>(STATUS, { y: YE, m: 6 });
    expect(stage.data?.periodCloseStatus.stage).toBe('YEAR_AUDITED');
  });
});
