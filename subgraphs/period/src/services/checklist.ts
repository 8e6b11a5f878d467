import { tenant } from '@cifra/db';
import { and, between, eq, isNull, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { bankAccountsReconciledCheck } from './bank-reconciled.check.ts';
import { RECURRING_CHECKS } from './checklist-recurring.ts';
import { type PostingPeriodRow, periodLabel, type TenantTx } from './store.ts';

/** Every check's code: the schema's CloseCheckCode enum (test/schema/closed-sets.test.ts holds them equal). */
export const CLOSE_CHECK_CODES = [
  'TRIAL_BALANCE_BALANCES',
  'EARLIER_PERIODS_LOCKED',
  'NO_DRAFT_JOURNAL_ENTRIES',
  'NO_UNPOSTED_DOCUMENTS',
  'FX_DOCUMENTS_HAVE_RATES',
  'SUBLEDGERS_AGREE_WITH_CONTROL_ACCOUNTS',
  // Recurring and reversing entries (checklist-recurring.ts).
  'RECURRING_ENTRIES_MADE',
  'REVERSALS_POSTED',
  'BANK_ACCOUNTS_RECONCILED',
] as const;
export type CloseCheckCode = (typeof CLOSE_CHECK_CODES)[number];

/**
 * A stored item's code as the enum: checklists are stored as JSON (on the close, in the board's read
 * model), so a code no check has would be a bug, not input.
 */
export function closeCheckCode(code: string): CloseCheckCode {
  if ((CLOSE_CHECK_CODES as readonly string[]).includes(code)) return code as CloseCheckCode;
  throw new Error(`checklist item ${code} is not a CloseCheckCode`);
}

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
  /** OK only because there was nothing to check (no bank account, say). */
  vacuous?: boolean;
}

export interface CheckContext {
  period: PostingPeriodRow;
  baseCurrency: string;
}

type CheckOutcome = Pick<ChecklistItem, 'status' | 'detail' | 'count' | 'vacuous'>;

/**
 * An independent check: reads the books, writes nothing. Add a check by adding an entry here; each
 * one runs in the caller's transaction and knows only the period it checks.
 */
export interface CloseCheck {
  code: CloseCheckCode;
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

const BOOK_CHECKS: readonly CloseCheck[] = [
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
  {
    code: 'SUBLEDGERS_AGREE_WITH_CONTROL_ACCOUNTS',
    label: 'Receivable and payable subledgers agree with their control accounts',
    // Informational: a difference comes from lines posted before control accounts required a
    // party (migration 0021); it is corrected by voiding them, which a locked month would stop.
    blocking: false,
    async run(tx, { period }) {
      const off: string[] = [];
      for (const [role, kind, sign, noun] of [
        ['DefaultAR', 'SALES_INVOICE', 1n, 'receivable'],
        ['DefaultAP', 'PURCHASE_INVOICE', -1n, 'payable'],
      ] as const) {
        const { control, subledger } = await subledgerAgainstControl(tx, role, kind, period.endDate);
        const diff = control * sign - subledger;
        if (diff !== 0n) {
          off.push(
            `the ${noun} account holds ${control * sign} minor units, the aging ${subledger} (difference ${diff})`,
          );
        }
      }
      return off.length === 0
        ? ok(`arAging and apAging equal their control accounts to the minor unit at ${period.endDate}`)
        : open(off.length, `At ${period.endDate} ${off.join('; ')}`);
    },
  },
  bankAccountsReconciledCheck,
];

export const CLOSE_CHECKS: readonly CloseCheck[] = [...BOOK_CHECKS, ...RECURRING_CHECKS];

/**
 * The control account's balance at the end of `asOf`, and the total of its aging computed as
 * `arAging`/`apAging` do (aging/aging.ts in the ledger subgraph): live invoices' base totals less
 * the base their live settlements cleared, plus the manual lines that name a party on the account,
 * less the credits left on account.
 * Both positive when owed (payables are credits on the account: the caller flips the sign).
 */
async function subledgerAgainstControl(
  tx: TenantTx,
  role: 'DefaultAR' | 'DefaultAP',
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: string,
): Promise<{ control: bigint; subledger: bigint }> {
  const sign = role === 'DefaultAR' ? 1 : -1;
  // Credits left on account (documents.md, Credits): unapplied receipts and payments, notes beyond
  // or without their invoice, less what live refunds and applications used of them.
  const creditKinds =
    role === 'DefaultAR' ? sql`'CUSTOMER_RECEIPT', 'CREDIT_NOTE'` : sql`'VENDOR_PAYMENT', 'DEBIT_NOTE'`;
  const { rows } = await tx.execute<{
    control: string;
    invoices: string;
    manual: string;
    credits: string;
  }>(sql`
    WITH voided AS (
      SELECT v.document_id FROM voids v JOIN journal_entries r ON r.id = v.reversal_entry_id
       WHERE v.document_id IS NOT NULL AND r.posting_date <= ${asOf}
    ), live AS (
      SELECT d.id, coalesce(d.base_total_minor, d.total_minor) AS base_total
        FROM documents d
       WHERE d.kind = ${kind} AND d.status = 'POSTED' AND d.posting_date <= ${asOf}
         AND d.id NOT IN (SELECT document_id FROM voided)
    ), credits AS (
      SELECT d.id, d.credit_base_minor FROM documents d
       WHERE d.kind::text IN (${creditKinds}) AND d.status = 'POSTED' AND d.credit_minor > 0
         AND d.posting_date <= ${asOf} AND d.id NOT IN (SELECT document_id FROM voided)
    ), account AS (
      SELECT account_id FROM account_role_bindings WHERE role = ${role}
    )
    SELECT
      (SELECT coalesce(sum(l.amount_minor), 0) FROM gl_lines l
        WHERE l.account_id IN (SELECT account_id FROM account) AND l.posting_date <= ${asOf})::text AS control,
      (SELECT coalesce(sum(i.base_total), 0) - coalesce((
         SELECT sum(coalesce(a.base_amount_minor, a.amount_minor))
           FROM allocations a JOIN documents s ON s.id = a.source_document_id
          WHERE a.invoice_id IN (SELECT id FROM live) AND s.posting_date <= ${asOf}
            AND s.id NOT IN (SELECT document_id FROM voided)), 0)
         FROM live i)::text AS invoices,
      (SELECT coalesce(sum(c.credit_base_minor), 0) - coalesce((
         SELECT sum(a.base_amount_minor)
           FROM allocations a JOIN documents s ON s.id = a.source_document_id
          WHERE a.invoice_id IN (SELECT id FROM credits) AND s.posting_date <= ${asOf}
            AND s.id NOT IN (SELECT document_id FROM voided)), 0)
         FROM credits c)::text AS credits,
      (SELECT coalesce(sum(l.amount_minor), 0) * ${sign} FROM gl_lines l
        WHERE l.account_id IN (SELECT account_id FROM account) AND l.posting_date <= ${asOf}
          AND l.party_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.entry_id = l.entry_id)
          AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.reversal_entry_id = l.entry_id AND v.document_id IS NOT NULL)
      )::text AS manual`);
  const row = rows[0] as { control: string; invoices: string; manual: string; credits: string };
  return {
    control: BigInt(row.control),
    subledger: BigInt(row.invoices) + BigInt(row.manual) - BigInt(row.credits),
  };
}

/** Run every check for a period, in order. */
export async function computeChecklist(tx: TenantTx, ctx: CheckContext): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  for (const check of CLOSE_CHECKS) {
    const outcome = await check.run(tx, ctx);
    items.push({ code: check.code, label: check.label, blocking: check.blocking, ...outcome });
  }
  return items;
}

/**
 * The close board's bank column from a computed checklist: null when the bank item was not computed
 * or had no bank account to check, else whether it is OK.
 */
export function banksReconciledOf(items: readonly ChecklistItem[]): boolean | null {
  const bank = items.find((i) => i.code === 'BANK_ACCOUNTS_RECONCILED');
  if (!bank || bank.vacuous) return null;
  return bank.status === 'OK';
}

export const blockingOpenItems = (items: readonly ChecklistItem[]) =>
  items.filter((i) => i.status === 'OPEN' && i.blocking);
