import { createHash } from 'node:crypto';
import {
  Constraints,
  inTransaction,
  isUniqueViolation,
  recordAuditEvent,
  type TenantDb,
  tenant,
} from '@cifra/db';
import {
  checkPeriodMove,
  DomainError,
  formatMoney,
  type IsoDate,
  requireReason,
  type Settings,
  yearStateAfter,
} from '@cifra/domain';
import { type Company, loadCompany, type PostingLine, postEntry } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { type PeriodActor, requirePermission, requireUser } from './actor.ts';
import { ensureFiscalYear } from './fiscal-year.service.ts';
import {
  type FiscalYearRow,
  fiscalYearRow,
  type PostingPeriodRow,
  periodLabel,
  recordTransition,
  refuse,
  setPeriodState,
  type TenantTx,
  yearPeriodsForUpdate,
} from './store.ts';

export type FxVarianceMode = Settings['fxVarianceMode'];
export type YearEndCloseRow = typeof tenant.yearEndCloses.$inferSelect;
export type YearEndCloseLineRow = typeof tenant.yearEndCloseLines.$inferSelect;
export type YearEndReversalRow = typeof tenant.yearEndCloseReversals.$inferSelect;

export interface YearEndCloseDraft {
  close: YearEndCloseRow;
  lines: (YearEndCloseLineRow & { accountCode: string; accountName: string })[];
  /** Whether the books changed since preparation (approval would be refused with DRAFT_STALE). */
  stale: boolean;
}

/* ------------------------------------------------------------------ fingerprint */

/**
 * A SHA-256 over everything the closing entry depends on: every GL line of every entry of the year
 * (id, number, date, kind, reversal link, auto-reverse flag, account, amounts), every entry anywhere
 * that reverses one of them, the states of the year's periods, the account role bindings and the
 * FX policy. Any posting, reversal, reopening, rebinding or policy change changes it.
 */
export async function fingerprintYear(
  tx: TenantTx,
  fiscalYear: number,
  fxVarianceMode: FxVarianceMode,
): Promise<string> {
  const lines = await tx.execute(sql`
    SELECT count(*)::int AS n, coalesce(encode(sha256(convert_to(string_agg(
      concat_ws(':', e.id, e.number, e.posting_date, e.source_kind, e.reverses_entry_id, e.auto_reverse,
                l.line_number, l.account_id, l.amount_minor, l.original_currency, l.original_amount_minor),
      '|' ORDER BY e.number, l.line_number), 'UTF8')), 'hex'), '') AS digest
    FROM journal_entries e JOIN gl_lines l ON l.entry_id = e.id
    WHERE e.fiscal_year = ${fiscalYear}`);
  const reversals = await tx.execute(sql`
    SELECT coalesce(string_agg(r.id || '>' || r.reverses_entry_id, ',' ORDER BY r.id), '') AS ids
    FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
    WHERE o.fiscal_year = ${fiscalYear}`);
  const periods = await tx
    .select({ n: tenant.postingPeriods.periodNumber, state: tenant.postingPeriods.state })
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.fiscalYear, fiscalYear))
    .orderBy(asc(tenant.postingPeriods.periodNumber));
  const bindings = await tx
    .select()
    .from(tenant.accountRoleBindings)
    .orderBy(asc(tenant.accountRoleBindings.role));
  const payload = JSON.stringify({
    fiscalYear,
    lines: lines.rows[0],
    reversals: reversals.rows[0],
    periods,
    bindings,
    fxVarianceMode,
  });
  return createHash('sha256').update(payload).digest('hex');
}

/* ------------------------------------------------------------------ building the draft */

interface DraftLine {
  group: 'CLOSING' | 'ACCRUAL_REVERSAL';
  reversesEntryId: string | null;
  postingDate: IsoDate;
  accountId: string;
  amountMinor: bigint;
  originalCurrency: string;
  originalAmountMinor: bigint;
  explanation: string;
}

interface AccountBalance {
  accountId: string;
  code: string;
  name: string;
  type: 'INCOME' | 'EXPENSE';
  balanceMinor: bigint;
}

async function roleAccounts(tx: TenantTx): Promise<Map<string, { id: string; code: string; name: string }>> {
  const rows = await tx
    .select({
      role: tenant.accountRoleBindings.role,
      id: tenant.accounts.id,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
    })
    .from(tenant.accountRoleBindings)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.accountRoleBindings.accountId));
  return new Map(rows.map((r) => [r.role, { id: r.id, code: r.code, name: r.name }]));
}

async function incomeStatementBalances(tx: TenantTx, fiscalYear: number): Promise<AccountBalance[]> {
  const balance = sql<string>`sum(${tenant.glLines.amountMinor})`;
  const rows = await tx
    .select({
      accountId: tenant.accounts.id,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
      type: tenant.accounts.type,
      balance,
    })
    .from(tenant.glLines)
    .innerJoin(tenant.journalEntries, eq(tenant.journalEntries.id, tenant.glLines.entryId))
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.glLines.accountId))
    .where(
      and(
        eq(tenant.journalEntries.fiscalYear, fiscalYear),
        inArray(tenant.accounts.type, ['INCOME', 'EXPENSE']),
      ),
    )
    .groupBy(tenant.accounts.id)
    .having(ne(balance, sql`0`))
    .orderBy(asc(tenant.accounts.code));
  return rows.map(({ balance: b, ...r }) => ({
    ...r,
    type: r.type as 'INCOME' | 'EXPENSE',
    balanceMinor: BigInt(b),
  }));
}

/**
 * Bank fees still on the FxVarianceBankFees account for the year: receipts and payments posted
 * before bank fees had their own role (migration 0021) put the fee there, on a line the documents
 * service writes with the memo 'Bank fee' (a void mirrors it, memo included). They are fees, not
 * exchange differences, so the Separated close leaves them out of what it reclassifies as FX.
 */
async function bankFeesOnFxVariance(tx: TenantTx, fiscalYear: number, accountId: string): Promise<bigint> {
  const rows = await tx.execute(sql`
    SELECT coalesce(sum(l.amount_minor), 0)::text AS fees
      FROM gl_lines l
      JOIN journal_entries e ON e.id = l.entry_id
      LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
     WHERE e.fiscal_year = ${fiscalYear}
       AND l.account_id = ${accountId}
       AND l.memo = 'Bank fee'
       AND (e.source_kind IN ('CUSTOMER_RECEIPT', 'VENDOR_PAYMENT')
            OR o.source_kind IN ('CUSTOMER_RECEIPT', 'VENDOR_PAYMENT'))`);
  return BigInt((rows.rows[0] as { fees: string }).fees);
}

/** Entries of the year flagged to auto-reverse and not reversed yet, with their lines. */
async function pendingAccruals(tx: TenantTx, fiscalYear: number) {
  const reversed = tx
    .select({ id: tenant.journalEntries.reversesEntryId })
    .from(tenant.journalEntries)
    .where(sql`${tenant.journalEntries.reversesEntryId} IS NOT NULL`);
  const entries = await tx
    .select()
    .from(tenant.journalEntries)
    .where(
      and(
        eq(tenant.journalEntries.fiscalYear, fiscalYear),
        eq(tenant.journalEntries.autoReverse, true),
        sql`${tenant.journalEntries.id} NOT IN (${reversed})`,
      ),
    )
    .orderBy(asc(tenant.journalEntries.number));
  if (entries.length === 0) return [];
  const lines = await tx
    .select({
      entryId: tenant.glLines.entryId,
      lineNumber: tenant.glLines.lineNumber,
      accountId: tenant.glLines.accountId,
      amountMinor: tenant.glLines.amountMinor,
      originalCurrency: tenant.glLines.originalCurrency,
      originalAmountMinor: tenant.glLines.originalAmountMinor,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
    })
    .from(tenant.glLines)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.glLines.accountId))
    .where(
      inArray(
        tenant.glLines.entryId,
        entries.map((e) => e.id),
      ),
    )
    .orderBy(asc(tenant.glLines.entryId), asc(tenant.glLines.lineNumber));
  return entries.map((e) => ({ entry: e, lines: lines.filter((l) => l.entryId === e.id) }));
}

const side = (minor: bigint) => (minor > 0n ? 'debit' : 'credit');
const abs = (minor: bigint) => (minor < 0n ? -minor : minor);

function buildClosingLines(
  balances: AccountBalance[],
  roles: Map<string, { id: string; code: string; name: string }>,
  company: Company,
  fiscalYear: number,
  closingDate: IsoDate,
  mode: FxVarianceMode,
  legacyBankFeesMinor = 0n,
): { lines: DraftLine[]; netIncomeMinor: bigint } {
  const money = (m: bigint) => `${formatMoney(abs(m), company.baseMinorUnits)} ${company.baseCurrency}`;
  const re = roles.get('RetainedEarnings')!;
  const base = {
    group: 'CLOSING' as const,
    reversesEntryId: null,
    postingDate: closingDate,
    originalCurrency: company.baseCurrency,
  };
  const line = (accountId: string, amountMinor: bigint, explanation: string): DraftLine => ({
    ...base,
    accountId,
    amountMinor,
    originalAmountMinor: amountMinor,
    explanation,
  });
  const lines: DraftLine[] = [];
  const balanceOf = new Map(balances.map((b) => [b.accountId, b]));
  const fxVariance = roles.get('FxVarianceBankFees');
  const gain = roles.get('RealizedFxGain');
  const loss = roles.get('RealizedFxLoss');
  const bankFees = roles.get('BankFees');
  // Separated FX policy: the exchange differences left on FxVarianceBankFees (posted while the
  // client was in Simple mode) are first reclassified to realized FX gain (credit residual) or loss
  // (debit residual); those accounts then close as usual. Bank fees are never FX: the BankFees
  // account is closed as an expense, and fees posted to FxVarianceBankFees before that role
  // existed stay on it and close as an expense too (`legacyBankFeesMinor`).
  const extra = new Map<string, bigint>();
  const feesLeft = new Map<string, bigint>();
  if (mode === 'SEPARATED' && fxVariance) {
    const onAccount = balanceOf.get(fxVariance.id);
    const fx = (onAccount?.balanceMinor ?? 0n) - legacyBankFeesMinor;
    if (onAccount && legacyBankFeesMinor !== 0n) feesLeft.set(fxVariance.id, legacyBankFeesMinor);
    const residual = onAccount && fx !== 0n ? { ...onAccount, balanceMinor: fx } : undefined;
    if (residual) {
      const target = residual.balanceMinor > 0n ? loss : gain;
      if (!target) {
        throw new DomainError(
          'YEAR_NOT_READY',
          `The Separated FX policy needs accounts bound to RealizedFxGain and RealizedFxLoss`,
          { fiscalYear },
        );
      }
      const kind = residual.balanceMinor > 0n ? 'loss' : 'gain';
      lines.push(
        line(
          fxVariance.id,
          -residual.balanceMinor,
          `Reclassifies the residual FX variance of ${money(residual.balanceMinor)} (${side(residual.balanceMinor)} balance) on ${fxVariance.code} ${fxVariance.name} to realized FX ${kind}, as the client's Separated FX policy requires`,
        ),
        line(
          target.id,
          residual.balanceMinor,
          `Receives the residual FX variance of ${money(residual.balanceMinor)} reclassified from ${fxVariance.code} as realized FX ${kind}`,
        ),
      );
      extra.set(target.id, residual.balanceMinor);
    }
  }
  const toClose: { accountId: string; code: string; name: string; type: string; balanceMinor: bigint }[] = [];
  for (const b of balances) {
    if (mode === 'SEPARATED' && fxVariance && b.accountId === fxVariance.id) {
      // Its FX was reclassified above; what is left is bank fees, closed as an expense.
      const fees = feesLeft.get(b.accountId) ?? 0n;
      if (fees !== 0n) toClose.push({ ...b, balanceMinor: fees });
      continue;
    }
    toClose.push({ ...b, balanceMinor: b.balanceMinor + (extra.get(b.accountId) ?? 0n) });
    extra.delete(b.accountId);
  }
  for (const [accountId, amount] of extra) {
    const acc = accountId === gain?.id ? gain : loss!;
    toClose.push({
      accountId,
      code: acc.code,
      name: acc.name,
      type: accountId === gain?.id ? 'INCOME' : 'EXPENSE',
      balanceMinor: amount,
    });
  }
  toClose.sort((a, b) => a.code.localeCompare(b.code));
  let total = 0n;
  for (const b of toClose) {
    if (b.balanceMinor === 0n) continue;
    total += b.balanceMinor;
    const what =
      fxVariance && b.accountId === fxVariance.id
        ? mode === 'SEPARATED'
          ? 'bank fees posted before they had their own account (closed as an expense, never as FX)'
          : `FX variance and bank fees (closed as an expense under the client's Simple FX policy)`
        : b.accountId === bankFees?.id
          ? 'bank fees (closed as an expense in either FX policy, never reclassified as FX)'
          : b.accountId === gain?.id
            ? 'realized FX gain'
            : b.accountId === loss?.id
              ? 'realized FX loss'
              : b.type === 'INCOME'
                ? 'income'
                : 'expense';
    lines.push(
      line(
        b.accountId,
        -b.balanceMinor,
        `Closes the year's ${what} on ${b.code} ${b.name} (${side(b.balanceMinor)} balance of ${money(b.balanceMinor)}) into retained earnings`,
      ),
    );
  }
  const netIncomeMinor = -total;
  if (total !== 0n) {
    lines.push(
      line(
        re.id,
        total,
        netIncomeMinor > 0n
          ? `Adds the net income of ${money(netIncomeMinor)} for fiscal ${fiscalYear} to retained earnings (${re.code} ${re.name})`
          : `Charges the net loss of ${money(netIncomeMinor)} for fiscal ${fiscalYear} to retained earnings (${re.code} ${re.name})`,
      ),
    );
  }
  return { lines, netIncomeMinor };
}

/* ------------------------------------------------------------------ readiness */

function refuseIfYearNotOpen(year: FiscalYearRow): void {
  const next = yearStateAfter(year.state, 'YEAR_END_CLOSE');
  if (typeof next !== 'string')
    throw new DomainError(next.code, next.message, { fiscalYear: year.year, state: year.state });
}

async function refuseIfNotReady(
  tx: TenantTx,
  year: FiscalYearRow,
  periods: PostingPeriodRow[],
): Promise<void> {
  const [previous] = await tx
    .select()
    .from(tenant.fiscalYears)
    .where(eq(tenant.fiscalYears.year, year.year - 1));
  if (previous && previous.state === 'OPEN') {
    throw new DomainError('YEAR_NOT_READY', `Close fiscal ${previous.year} first: years close in order`, {
      fiscalYear: year.year,
      openEarlierYear: previous.year,
    });
  }
  const open = periods.filter((p) => p.state !== 'LOCKED');
  if (open.length > 0 || periods.length !== 12) {
    throw new DomainError(
      'YEAR_NOT_READY',
      `Every month of fiscal ${year.year} must be LOCKED (its month-end close approved) before the year-end close; not yet: ${open.map((p) => `${periodLabel(p)} (${p.state})`).join(', ')}`,
      { fiscalYear: year.year, notLocked: open.map(periodLabel) },
    );
  }
}

const nextDay = (date: IsoDate): IsoDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/* ------------------------------------------------------------------ step 1: prepare */

/**
 * Step 1 (`Period.PrepareClose`): build the closing entry as a draft, with a plain-language
 * explanation per line, and fingerprint the year's books. Nothing posts. A new preparation
 * supersedes an earlier draft of the same year.
 */
export async function prepareYearEndClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number; fxVarianceMode: FxVarianceMode },
): Promise<YearEndCloseDraft> {
  requirePermission(actor, P.Period.PrepareClose);
  const closeId = await inTransaction(db, actor, async (tx) => {
    const periods = await yearPeriodsForUpdate(tx, args.fiscalYear);
    const year = await fiscalYearRow(tx, args.fiscalYear, true);
    refuseIfYearNotOpen(year);
    await refuseIfNotReady(tx, year, periods);
    const company = await loadCompany(tx);
    const roles = await roleAccounts(tx);
    if (!roles.get('RetainedEarnings')) {
      throw new DomainError('YEAR_NOT_READY', 'No account is bound to the RetainedEarnings role', {
        fiscalYear: year.year,
      });
    }
    const closingDate = year.endDate;
    const balances = await incomeStatementBalances(tx, year.year);
    const fxVariance = roles.get('FxVarianceBankFees');
    const legacyFees =
      args.fxVarianceMode === 'SEPARATED' && fxVariance
        ? await bankFeesOnFxVariance(tx, year.year, fxVariance.id)
        : 0n;
    const { lines: closing, netIncomeMinor } = buildClosingLines(
      balances,
      roles,
      company,
      year.year,
      closingDate,
      args.fxVarianceMode,
      legacyFees,
    );
    const firstOfNext = nextDay(closingDate);
    const accruals = await pendingAccruals(tx, year.year);
    const reversing: DraftLine[] = accruals.flatMap(({ entry, lines }) =>
      lines.map((l) => ({
        group: 'ACCRUAL_REVERSAL' as const,
        reversesEntryId: entry.id,
        postingDate: firstOfNext,
        accountId: l.accountId,
        amountMinor: -l.amountMinor,
        originalCurrency: l.originalCurrency,
        originalAmountMinor: -l.originalAmountMinor,
        explanation: `Reverses line ${l.lineNumber} of accrual ${entry.number}${entry.memo ? ` (“${entry.memo}”)` : ''} on ${l.code} ${l.name} on the first day of fiscal ${year.year + 1}, because it was flagged to auto-reverse`,
      })),
    );
    const fingerprint = await fingerprintYear(tx, year.year, args.fxVarianceMode);
    await tx
      .update(tenant.yearEndCloses)
      .set({ status: 'SUPERSEDED', updatedAt: new Date() })
      .where(and(eq(tenant.yearEndCloses.fiscalYear, year.year), eq(tenant.yearEndCloses.status, 'DRAFT')));
    const [close] = await tx
      .insert(tenant.yearEndCloses)
      .values({
        fiscalYear: year.year,
        fingerprint,
        fxVarianceMode: args.fxVarianceMode,
        closingDate,
        retainedEarningsAccountId: roles.get('RetainedEarnings')!.id,
        netIncomeMinor,
        preparedBy: actor.userId,
        preparedByEmail: actor.email,
      })
      .returning();
    const all = [...closing, ...reversing];
    if (all.length > 0) {
      await tx
        .insert(tenant.yearEndCloseLines)
        .values(all.map((l, i) => ({ ...l, closeId: close!.id, lineNumber: i + 1 })));
    }
    await recordAuditEvent(tx, actor, {
      action: 'year_end_close.prepared',
      entityType: 'YearEndClose',
      entityId: close!.id,
      after: {
        fiscalYear: year.year,
        fingerprint,
        fxVarianceMode: args.fxVarianceMode,
        closingLines: closing.length,
        accrualsReversed: accruals.map((a) => a.entry.number),
        netIncomeMinor,
      },
    });
    return close!.id;
  });
  return yearEndCloseDraft(db, actor, { draftId: closeId, fxVarianceMode: args.fxVarianceMode });
}

/* ------------------------------------------------------------------ step 2: review */

/**
 * Step 2 (`Period.Read`): the draft, line by line with its explanations, and whether the books
 * changed since it was prepared. By id, or the latest draft or approved close of a fiscal year.
 */
export async function yearEndCloseDraft(
  db: TenantDb,
  actor: PeriodActor,
  args: ({ draftId: string } | { fiscalYear: number }) & { fxVarianceMode?: FxVarianceMode },
): Promise<YearEndCloseDraft> {
  requirePermission(actor, P.Period.Read);
  return db.transaction(
    async (tx) => {
      const where =
        'draftId' in args
          ? eq(tenant.yearEndCloses.id, args.draftId)
          : and(
              eq(tenant.yearEndCloses.fiscalYear, args.fiscalYear),
              ne(tenant.yearEndCloses.status, 'SUPERSEDED'),
            );
      const [close] = await tx
        .select()
        .from(tenant.yearEndCloses)
        .where(where)
        .orderBy(desc(tenant.yearEndCloses.preparedAt))
        .limit(1);
      if (!close) {
        throw new DomainError(
          'NOT_FOUND',
          'draftId' in args
            ? `No year-end close ${args.draftId}`
            : `No year-end close has been prepared for fiscal ${args.fiscalYear}`,
          args,
        );
      }
      const lines = await tx
        .select({
          line: tenant.yearEndCloseLines,
          accountCode: tenant.accounts.code,
          accountName: tenant.accounts.name,
        })
        .from(tenant.yearEndCloseLines)
        .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.yearEndCloseLines.accountId))
        .where(eq(tenant.yearEndCloseLines.closeId, close.id))
        .orderBy(asc(tenant.yearEndCloseLines.lineNumber));
      const mode = (args.fxVarianceMode ?? close.fxVarianceMode) as FxVarianceMode;
      const stale =
        close.status === 'SUPERSEDED' ||
        (close.status === 'DRAFT' &&
          (await fingerprintYear(tx, close.fiscalYear, mode)) !== close.fingerprint);
      return {
        close,
        lines: lines.map((l) => ({ ...l.line, accountCode: l.accountCode, accountName: l.accountName })),
        stale,
      };
    },
    { accessMode: 'read only', isolationLevel: 'repeatable read' },
  );
}

/* ------------------------------------------------------------------ step 3: approve */

export interface YearEndCloseResult {
  close: YearEndCloseRow;
  closingEntryId: string | null;
  accrualReversalEntryIds: string[];
  nextYear: FiscalYearRow;
}

function groupLines(lines: YearEndCloseLineRow[]) {
  const groups = new Map<string, YearEndCloseLineRow[]>();
  for (const l of lines) {
    const key = l.group === 'CLOSING' ? 'CLOSING' : l.reversesEntryId!;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return groups;
}

const toPosting = (l: YearEndCloseLineRow): PostingLine => ({
  accountId: l.accountId,
  amountMinor: l.amountMinor,
  originalCurrency: l.originalCurrency,
  originalAmountMinor: l.originalAmountMinor,
  memo: l.explanation.slice(0, 500),
});

/**
 * Step 3 (`Year.Close`), in one transaction: posts exactly the approved draft (the closing entry,
 * kind YEAR_END_CLOSE, into the last period, which is LOCKED; each accrual reversal, kind REVERSAL,
 * on the first day of the next year), moves the twelve periods to CLOSED and the year to CLOSED, and
 * creates the next year's twelve UNLOCKED periods if they are missing. Refused with DRAFT_STALE,
 * writing nothing, if the books changed since preparation.
 */
export async function approveYearEndClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { draftId: string; fxVarianceMode: FxVarianceMode },
): Promise<YearEndCloseResult> {
  requirePermission(actor, P.Year.Close);
  requireUser(actor);
  try {
    return await inTransaction(db, actor, async (tx) => {
      const [found] = await tx
        .select()
        .from(tenant.yearEndCloses)
        .where(eq(tenant.yearEndCloses.id, args.draftId));
      if (!found)
        throw new DomainError('NOT_FOUND', `No year-end close draft ${args.draftId}`, {
          draftId: args.draftId,
        });
      const periods = await yearPeriodsForUpdate(tx, found.fiscalYear);
      const year = await fiscalYearRow(tx, found.fiscalYear, true);
      const [draft] = await tx
        .select()
        .from(tenant.yearEndCloses)
        .where(eq(tenant.yearEndCloses.id, args.draftId))
        .for('update');
      const details = { draftId: draft!.id, fiscalYear: year.year, status: draft!.status };
      if (draft!.status === 'SUPERSEDED') {
        throw new DomainError(
          'DRAFT_STALE',
          'A newer preparation replaced this draft: review and approve that one',
          details,
        );
      }
      if (draft!.status !== 'DRAFT') {
        throw new DomainError(
          'INVALID_TRANSITION',
          `This year-end close is already ${draft!.status}`,
          details,
        );
      }
      refuseIfYearNotOpen(year);
      const now = await fingerprintYear(tx, year.year, args.fxVarianceMode);
      if (now !== draft!.fingerprint) {
        throw new DomainError(
          'DRAFT_STALE',
          `The books of fiscal ${year.year} changed since this draft was prepared (a posting, reversal, reopened month, account role or FX policy): prepare the year-end close again`,
          details,
        );
      }
      await refuseIfNotReady(tx, year, periods);
      const lines = await tx
        .select()
        .from(tenant.yearEndCloseLines)
        .where(eq(tenant.yearEndCloseLines.closeId, draft!.id))
        .orderBy(asc(tenant.yearEndCloseLines.lineNumber));
      const next = await ensureFiscalYear(tx, actor, year.year + 1);
      const groups = groupLines(lines);
      const accrualReversalEntryIds: string[] = [];
      for (const [key, group] of groups) {
        if (key === 'CLOSING') continue;
        const entry = await postEntry(tx, actor, {
          kind: 'REVERSAL',
          postingDate: group[0]!.postingDate,
          memo: `Auto-reversal of an accrual of fiscal ${year.year} (year-end close)`,
          sourceId: draft!.id,
          reversesEntryId: key,
          lines: group.map(toPosting),
        });
        accrualReversalEntryIds.push(entry.id);
      }
      let closingEntryId: string | null = null;
      const closing = groups.get('CLOSING');
      if (closing && closing.length > 0) {
        const entry = await postEntry(tx, actor, {
          kind: 'YEAR_END_CLOSE',
          postingDate: draft!.closingDate,
          memo: `Year-end close of fiscal ${year.year}: income and expenses closed into retained earnings`,
          sourceId: draft!.id,
          lines: closing.map(toPosting),
        });
        closingEntryId = entry.id;
      }
      for (const period of periods) {
        const refusal = checkPeriodMove('YEAR_END_CLOSE', period.state, 'CLOSED');
        if (refusal) refuse(refusal, { period: periodLabel(period) });
        await setPeriodState(tx, period.id, 'CLOSED');
        await recordTransition(tx, actor, {
          action: 'YEAR_END_CLOSE',
          period,
          toState: 'CLOSED',
          details: { yearEndCloseId: draft!.id },
        });
      }
      await tx
        .update(tenant.fiscalYears)
        .set({ state: 'CLOSED' })
        .where(eq(tenant.fiscalYears.year, year.year));
      const [approved] = await tx
        .update(tenant.yearEndCloses)
        .set({
          status: 'APPROVED',
          approvedBy: actor.userId,
          approvedByEmail: actor.email,
          approvedAt: new Date(),
          closingEntryId,
          updatedAt: new Date(),
        })
        .where(eq(tenant.yearEndCloses.id, draft!.id))
        .returning();
      await recordAuditEvent(tx, actor, {
        action: 'fiscal_year.closed',
        entityType: 'FiscalYear',
        entityId: String(year.year),
        before: { year: year.year, state: year.state },
        after: {
          year: year.year,
          state: 'CLOSED',
          yearEndCloseId: draft!.id,
          fingerprint: draft!.fingerprint,
          closingEntryId,
          accrualReversalEntryIds,
          nextYearCreated: next.created,
        },
      });
      return { close: approved!, closingEntryId, accrualReversalEntryIds, nextYear: next.year };
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.yearEndCloseOneApproved)) {
      throw new DomainError('INVALID_TRANSITION', 'This fiscal year already has an approved year-end close', {
        draftId: args.draftId,
      });
    }
    throw err;
  }
}

/* ------------------------------------------------------------------ reversal (four eyes) */

async function refuseIfNotReversible(tx: TenantTx, year: FiscalYearRow): Promise<void> {
  const next = yearStateAfter(year.state, 'REVERSE_YEAR_END_CLOSE');
  if (typeof next !== 'string')
    throw new DomainError(next.code, next.message, { fiscalYear: year.year, state: year.state });
  const [later] = await tx
    .select()
    .from(tenant.fiscalYears)
    .where(eq(tenant.fiscalYears.year, year.year + 1));
  if (later && later.state !== 'OPEN') {
    throw new DomainError(
      'YEAR_CLOSED',
      `Fiscal ${later.year} is ${later.state}: reverse its close first, years reopen in order`,
      { fiscalYear: year.year, laterYear: later.year, laterState: later.state },
    );
  }
}

/**
 * Ask to reverse an approved year-end close (`PostingPeriod.ReverseClose`, a reason of at least 20
 * characters). Nothing moves until a different person approves it.
 */
export async function requestYearEndCloseReversal(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number; reason: string },
): Promise<YearEndReversalRow> {
  requirePermission(actor, P.PostingPeriod.ReverseClose);
  const userId = requireUser(actor);
  const reason = requireReason(args.reason);
  const reasoned = { ...actor, reason };
  try {
    return await inTransaction(db, reasoned, async (tx) => {
      const year = await fiscalYearRow(tx, args.fiscalYear, true);
      await refuseIfNotReversible(tx, year);
      const [close] = await tx
        .select()
        .from(tenant.yearEndCloses)
        .where(
          and(eq(tenant.yearEndCloses.fiscalYear, year.year), eq(tenant.yearEndCloses.status, 'APPROVED')),
        );
      if (!close) {
        throw new DomainError('NOT_FOUND', `Fiscal ${year.year} has no approved year-end close to reverse`, {
          fiscalYear: year.year,
        });
      }
      const [request] = await tx
        .insert(tenant.yearEndCloseReversals)
        .values({
          fiscalYear: year.year,
          yearEndCloseId: close.id,
          reason,
          requestedBy: userId,
          requestedByEmail: actor.email,
        })
        .returning();
      await recordAuditEvent(tx, reasoned, {
        action: 'year_end_close.reversal_requested',
        entityType: 'YearEndCloseReversal',
        entityId: request!.id,
        after: { fiscalYear: year.year, yearEndCloseId: close.id, status: 'PENDING' },
        reason,
      });
      return request!;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.yearEndReversalOnePending)) {
      throw new DomainError(
        'CONFLICT',
        `A reversal of fiscal ${args.fiscalYear}'s close is already waiting for approval`,
        {
          fiscalYear: args.fiscalYear,
        },
      );
    }
    throw err;
  }
}

/**
 * Approve a reversal request (`PostingPeriod.ReverseClose`, a different person than the requester),
 * in one transaction: the twelve periods go back CLOSED → LOCKED, the closing entry is reversed by
 * an entry of kind YEAR_END_CLOSE dated the same last day (LOCKED periods accept only that kind, so
 * the periods move first), and the year returns to OPEN. Accrual reversals posted into the next year
 * stay: they belong to the next year's books and a new year-end close will not repeat them.
 */
export async function approveYearEndCloseReversal(
  db: TenantDb,
  actor: PeriodActor,
  args: { requestId: string },
): Promise<YearEndReversalRow> {
  requirePermission(actor, P.PostingPeriod.ReverseClose);
  const userId = requireUser(actor);
  return inTransaction(db, actor, async (tx) => {
    const [found] = await tx
      .select()
      .from(tenant.yearEndCloseReversals)
      .where(eq(tenant.yearEndCloseReversals.id, args.requestId));
    if (!found)
      throw new DomainError('NOT_FOUND', `No reversal request ${args.requestId}`, {
        requestId: args.requestId,
      });
    const periods = await yearPeriodsForUpdate(tx, found.fiscalYear);
    const year = await fiscalYearRow(tx, found.fiscalYear, true);
    const [request] = await tx
      .select()
      .from(tenant.yearEndCloseReversals)
      .where(eq(tenant.yearEndCloseReversals.id, args.requestId))
      .for('update');
    const details = { requestId: request!.id, fiscalYear: year.year, status: request!.status };
    if (request!.status !== 'PENDING') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `This reversal request is already ${request!.status}`,
        details,
      );
    }
    if (request!.requestedBy === userId) {
      throw new DomainError(
        'SAME_PERSON',
        'A year-end close reversal must be approved by a different person than the one who requested it',
        { ...details, requestedBy: request!.requestedByEmail },
      );
    }
    await refuseIfNotReversible(tx, year);
    const reasoned = { ...actor, reason: request!.reason };
    const [close] = await tx
      .select()
      .from(tenant.yearEndCloses)
      .where(eq(tenant.yearEndCloses.id, request!.yearEndCloseId))
      .for('update');
    for (const period of periods) {
      const refusal = checkPeriodMove('REVERSE_YEAR_END_CLOSE', period.state, 'LOCKED');
      if (refusal) refuse(refusal, { period: periodLabel(period) });
      await setPeriodState(tx, period.id, 'LOCKED');
      await recordTransition(tx, reasoned, {
        action: 'REVERSE_YEAR_END_CLOSE',
        period,
        toState: 'LOCKED',
        reason: request!.reason,
        details: { requestId: request!.id, yearEndCloseId: close!.id },
      });
    }
    let reversalEntryId: string | null = null;
    if (close!.closingEntryId) {
      const original = await tx
        .select()
        .from(tenant.glLines)
        .where(eq(tenant.glLines.entryId, close!.closingEntryId))
        .orderBy(asc(tenant.glLines.lineNumber));
      const entry = await postEntry(tx, reasoned, {
        kind: 'YEAR_END_CLOSE',
        postingDate: close!.closingDate,
        memo: `Reverses the year-end close of fiscal ${year.year}: ${request!.reason}`.slice(0, 1000),
        sourceId: request!.id,
        reversesEntryId: close!.closingEntryId,
        lines: original.map((l) => ({
          accountId: l.accountId,
          amountMinor: -l.amountMinor,
          originalCurrency: l.originalCurrency,
          originalAmountMinor: -l.originalAmountMinor,
          memo: `Reverses line ${l.lineNumber} of the closing entry`,
        })),
      });
      reversalEntryId = entry.id;
    }
    await tx.update(tenant.fiscalYears).set({ state: 'OPEN' }).where(eq(tenant.fiscalYears.year, year.year));
    await tx
      .update(tenant.yearEndCloses)
      .set({ status: 'REVERSED', reversedAt: new Date(), reversalEntryId, updatedAt: new Date() })
      .where(eq(tenant.yearEndCloses.id, close!.id));
    const [approved] = await tx
      .update(tenant.yearEndCloseReversals)
      .set({
        status: 'APPROVED',
        approvedBy: userId,
        approvedByEmail: actor.email,
        approvedAt: new Date(),
        reversalEntryId,
      })
      .where(eq(tenant.yearEndCloseReversals.id, request!.id))
      .returning();
    await recordAuditEvent(tx, reasoned, {
      action: 'fiscal_year.year_end_close_reversed',
      entityType: 'FiscalYear',
      entityId: String(year.year),
      before: { year: year.year, state: year.state, yearEndCloseId: close!.id },
      after: { year: year.year, state: 'OPEN', reversalEntryId, requestedBy: request!.requestedByEmail },
      reason: request!.reason,
    });
    return approved!;
  });
}

/** Reversal requests of a fiscal year, newest first. */
export async function yearEndCloseReversals(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number },
): Promise<YearEndReversalRow[]> {
  requirePermission(actor, P.Period.Read);
  return db
    .select()
    .from(tenant.yearEndCloseReversals)
    .where(eq(tenant.yearEndCloseReversals.fiscalYear, args.fiscalYear))
    .orderBy(desc(tenant.yearEndCloseReversals.requestedAt));
}
