import { inTransaction, recordAuditEvent, type TenantDb, tenant } from '@cifra/db';
import { DomainError, fiscalYearPeriods, yearStateAfter } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { asc, eq, max, min } from 'drizzle-orm';
import { type PeriodActor, requirePermission } from './actor.ts';
import { type FiscalYearRow, fiscalYearRow, holdFiscalYears, type TenantTx } from './store.ts';

/**
 * Create fiscal year `year` with its twelve UNLOCKED periods, inside the caller's transaction, if it
 * does not exist yet. Years are contiguous: only the year after the last one (or before the first)
 * can be created. Returns the year and whether it was created. The caller holds the years
 * (`holdFiscalYears`): what it reads here stays so until it commits.
 */
export async function ensureFiscalYear(
  tx: TenantTx,
  actor: PeriodActor,
  year: number,
): Promise<{ year: FiscalYearRow; created: boolean }> {
  const [existing] = await tx.select().from(tenant.fiscalYears).where(eq(tenant.fiscalYears.year, year));
  if (existing) return { year: existing, created: false };
  const [span] = await tx
    .select({ first: min(tenant.fiscalYears.year), last: max(tenant.fiscalYears.year) })
    .from(tenant.fiscalYears);
  if (span?.last != null && year !== span.last + 1 && year !== (span.first ?? year) - 1) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `Fiscal years are contiguous: the books hold ${span.first}–${span.last}, so the next year to open is ${span.last + 1}`,
      { fiscalYear: year, first: span.first, last: span.last },
    );
  }
  if (span?.first != null && year === span.first - 1) await refuseBeforeClosedYear(tx, year, span.first);
  const company = await loadCompany(tx);
  const periods = fiscalYearPeriods(year, company.fiscalYearStartMonth);
  const [row] = await tx
    .insert(tenant.fiscalYears)
    .values({ year, startDate: periods[0]!.startDate, endDate: periods[11]!.endDate })
    .returning();
  await tx.insert(tenant.postingPeriods).values(periods);
  await tx
    .insert(tenant.numberSequences)
    .values({ documentType: 'JE', fiscalYear: year, prefix: 'JE' })
    .onConflictDoNothing();
  await recordAuditEvent(tx, actor, {
    action: 'fiscal_year.opened',
    entityType: 'FiscalYear',
    entityId: String(year),
    after: { year, state: 'OPEN', startDate: row!.startDate, endDate: row!.endDate, periods: 12 },
  });
  return { year: row!, created: true };
}

/**
 * A year before the first may be opened only while the first is OPEN: postings in it would change
 * the balances a CLOSED or AUDITED year closed with (its balance sheet, its closing entry), and a
 * year is closed only once the year before it is not OPEN (periods.md, YEAR_NOT_READY).
 */
async function refuseBeforeClosedYear(tx: TenantTx, year: number, first: number): Promise<void> {
  const [next] = await tx
    .select({ state: tenant.fiscalYears.state })
    .from(tenant.fiscalYears)
    .where(eq(tenant.fiscalYears.year, first));
  if (!next || next.state === 'OPEN') return;
  const code = next.state === 'AUDITED' ? 'YEAR_AUDITED' : 'YEAR_CLOSED';
  const why = next.state === 'AUDITED' ? 'audited and final' : 'closed (reverse its year-end close first)';
  throw new DomainError(
    code,
    `Fiscal ${first} is ${why}: fiscal ${year} before it cannot be opened, for its postings would change the balances ${first} closed with`,
    { fiscalYear: year, closedYear: first, state: next.state },
  );
}

/**
 * `openFiscalYear(year)` (`Year.Open`): the twelve periods of a new year, UNLOCKED, so January can be
 * posted before December is closed. Idempotent: an existing year is returned unchanged.
 */
export async function openFiscalYear(
  db: TenantDb,
  actor: PeriodActor,
  args: { year: number },
): Promise<FiscalYearRow> {
  requirePermission(actor, P.Year.Open);
  if (!Number.isInteger(args.year) || args.year < 1900 || args.year > 9999) {
    throw new DomainError('BAD_USER_INPUT', `${args.year} is not a fiscal year`, { field: 'year' });
  }
  return inTransaction(db, actor, async (tx) => {
    await holdFiscalYears(tx);
    return (await ensureFiscalYear(tx, actor, args.year)).year;
  });
}

/**
 * `markYearAudited(fiscalYear)` (`Year.Audit`, the external reviewer's sign-off): CLOSED → AUDITED.
 * Final: an audited year can no longer be reopened.
 */
export async function markYearAudited(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number },
): Promise<FiscalYearRow> {
  requirePermission(actor, P.Year.Audit);
  return inTransaction(db, actor, async (tx) => {
    await holdFiscalYears(tx);
    const year = await fiscalYearRow(tx, args.fiscalYear, true);
    const next = yearStateAfter(year.state, 'MARK_AUDITED');
    if (typeof next !== 'string')
      throw new DomainError(next.code, next.message, { fiscalYear: year.year, state: year.state });
    const [updated] = await tx
      .update(tenant.fiscalYears)
      .set({ state: next })
      .where(eq(tenant.fiscalYears.year, year.year))
      .returning();
    await recordAuditEvent(tx, actor, {
      action: 'fiscal_year.audited',
      entityType: 'FiscalYear',
      entityId: String(year.year),
      before: { year: year.year, state: year.state },
      after: { year: year.year, state: next },
    });
    return updated!;
  });
}

/** The fiscal years of the client, oldest first. */
export async function fiscalYears(db: TenantDb): Promise<FiscalYearRow[]> {
  return db.select().from(tenant.fiscalYears).orderBy(asc(tenant.fiscalYears.year));
}
