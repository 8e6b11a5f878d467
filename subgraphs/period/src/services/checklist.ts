import { tenant } from '@cifra/db';
import { and, between, eq, isNull, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type PostingPeriodRow, periodLabel, type TenantTx } from './store.ts';

/** One item of a month-end close checklist, as stored on the close and shown on the board. */
export interface ChecklistItem {
  code: string;
  label: string;
  /** OK, or OPEN (needs work before the month can close). */
  status: 'OK' | 'OPEN';
  /** Whether an OPEN item stops submission and approval of the close. */
  blocking: boolean;
  detail: string;
  count: number;
}

export interface CheckContext {
  period: PostingPeriodRow;
  baseCurrency: string;
}

type CheckOutcome = Pick<ChecklistItem, 'status' | 'detail' | 'count'>;

/**
 * An independent check: reads the books, writes nothing. Add a check by adding an entry here; each
 * one runs in the caller's transaction and knows only the period it checks.
 */
export interface CloseCheck {
  code: string;
  label: string;
  blocking: boolean;
  run(tx: TenantTx, ctx: CheckContext): Promise<CheckOutcome>;
}

const ok = (detail: string): CheckOutcome => ({ status: 'OK', detail, count: 0 });
const open = (count: number, detail: string): CheckOutcome => ({ status: 'OPEN', detail, count });

async function count(tx: TenantTx, table: PgTable, where: SQL | undefined): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table).where(where);
  return row?.n ?? 0;
}

export const CLOSE_CHECKS: readonly CloseCheck[] = [
  {
    code: 'TRIAL_BALANCE_BALANCES',
    label: 'The trial balance balances',
    blocking: true,
    async run(tx, { period }) {
      const [row] = await tx
        .select({
          cumulative: sql<string>`coalesce(sum(${tenant.glLines.amountMinor}), 0)`,
          inPeriod: sql<string>`coalesce(sum(${tenant.glLines.amountMinor}) FILTER (WHERE ${tenant.glLines.postingDate} >= ${period.startDate}), 0)`,
        })
        .from(tenant.glLines)
        .where(lte(tenant.glLines.postingDate, period.endDate));
      const off = BigInt(row?.cumulative ?? '0');
      const offInPeriod = BigInt(row?.inPeriod ?? '0');
      if (off === 0n && offInPeriod === 0n) {
        return ok(`Debits equal credits up to ${period.endDate} and within ${periodLabel(period)}`);
      }
      return open(1, `Debits and credits differ by ${off} minor units up to ${period.endDate}`);
    },
  },
  {
    code: 'EARLIER_PERIODS_LOCKED',
    label: 'Every earlier month of the fiscal year is closed',
    // Informational here; approval itself refuses with EARLIER_PERIOD_NOT_LOCKED.
    blocking: false,
    async run(tx, { period }) {
      const rows = await tx
        .select({ year: tenant.postingPeriods.year, month: tenant.postingPeriods.month })
        .from(tenant.postingPeriods)
        .where(
          and(
            eq(tenant.postingPeriods.fiscalYear, period.fiscalYear),
            lt(tenant.postingPeriods.periodNumber, period.periodNumber),
            ne(tenant.postingPeriods.state, 'LOCKED'),
            ne(tenant.postingPeriods.state, 'CLOSED'),
          ),
        );
      if (rows.length === 0) return ok('All earlier months of the fiscal year are LOCKED');
      return open(rows.length, `Still open: ${rows.map(periodLabel).join(', ')}`);
    },
  },
  {
    code: 'NO_DRAFT_JOURNAL_ENTRIES',
    label: 'No draft journal entries dated in the period',
    blocking: true,
    async run(tx, { period }) {
      const d = tenant.journalDrafts;
      const n = await count(
        tx,
        d,
        and(eq(d.status, 'DRAFT'), between(d.postingDate, period.startDate, period.endDate)),
      );
      return n === 0
        ? ok('No journal entry draft waits to be posted in the period')
        : open(n, `${n} journal entry draft(s) dated in the period are neither posted nor discarded`);
    },
  },
  {
    code: 'NO_UNPOSTED_DOCUMENTS',
    label: 'No draft or unposted documents dated in the period',
    blocking: true,
    async run(tx, { period }) {
      const d = tenant.documents;
      const n = await count(
        tx,
        d,
        and(eq(d.status, 'DRAFT'), between(d.postingDate, period.startDate, period.endDate)),
      );
      return n === 0
        ? ok('Every document dated in the period is posted or discarded')
        : open(n, `${n} document(s) dated in the period are still drafts`);
    },
  },
  {
    code: 'FX_DOCUMENTS_HAVE_RATES',
    label: 'Every foreign-currency document has an exchange rate',
    blocking: true,
    async run(tx, { period, baseCurrency }) {
      const d = tenant.documents;
      const n = await count(
        tx,
        d,
        and(
          ne(d.status, 'DISCARDED'),
          ne(d.currency, baseCurrency),
          isNull(d.exchangeRate),
          between(d.postingDate, period.startDate, period.endDate),
        ),
      );
      return n === 0
        ? ok(`Every document in a currency other than ${baseCurrency} has its rate`)
        : open(n, `${n} foreign-currency document(s) dated in the period have no exchange rate`);
    },
  },
];

/** Run every check for a period, in order. */
export async function computeChecklist(tx: TenantTx, ctx: CheckContext): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  for (const check of CLOSE_CHECKS) {
    const outcome = await check.run(tx, ctx);
    items.push({ code: check.code, label: check.label, blocking: check.blocking, ...outcome });
  }
  return items;
}

export const blockingOpenItems = (items: readonly ChecklistItem[]) =>
  items.filter((i) => i.status === 'OPEN' && i.blocking);
