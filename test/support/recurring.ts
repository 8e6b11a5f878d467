import { BOOKS_YEAR } from '@cifra/testing';
import { expect } from 'vitest';
import type { TestStack } from './stack.ts';

/**
 * What the recurring entries' and the scheduled reversals' end-to-end tests share (issue 18 §7):
 * the year and dates they post on, their operations, and the books' figures read back through the
 * gateway. Independent figures are BigInt cents computed here, not read back from the API.
 */
export const YEAR = BOOKS_YEAR;
const pad = (n: number) => String(n).padStart(2, '0');
export const d = (month: number, day: number) => `${YEAR}-${pad(month)}-${pad(day)}`;
/** The last day of a month of YEAR, computed here rather than by the code under test. */
export const lastDay = (month: number) => d(month, new Date(Date.UTC(YEAR, month, 0)).getUTCDate());
export const cents = (money: string) => BigInt(money.replace('.', ''));

export const TEMPLATE_FIELDS = `id name memo frequency dayOfMonth startDate endDate autoReverse active totalDebit createdByEmail
  lines { lineNumber account { code } debit credit }
  runs { occurrenceDate status refusalCode refusalMessage draft { id postingDate totalDebit createdByEmail } entry { id number postingDate } }`;
export const CREATE = `mutation ($input: RecurringEntryTemplateInput!) { createRecurringEntryTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
export const UPDATE = `mutation ($id: ID!, $input: RecurringEntryTemplateInput!) { updateRecurringEntryTemplate(id: $id, input: $input) { ${TEMPLATE_FIELDS} } }`;
export const END = 'mutation ($id: ID!) { endRecurringEntryTemplate(id: $id) { id active } }';
export const TEMPLATE = `query ($id: ID!) { recurringEntryTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`;
export const RUN = `mutation ($asOf: Date) { runRecurringEntries(asOf: $asOf) { asOf
  made { occurrenceDate status draft { id postingDate } entry { id number postingDate totalDebit } }
  refused { occurrenceDate status refusalCode refusalMessage } } }`;
export const POST = `mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number autoReverse reverseOn } }`;
export const DUE = `mutation ($asOf: Date) { postDueReversals(asOf: $asOf) { asOf
  posted { id number postingDate sourceKind reverses { id } lines { account { code } debit credit } }
  refused { entry { id number } reverseOn code message } } }`;
export const PENDING = `query ($asOf: Date) { pendingReversals(asOf: $asOf) { entry { id number } reverseOn } }`;
export const ENTRY = `query ($id: ID!) { journalEntry(id: $id) { id voided reverseOn reversedBy { id number postingDate } } }`;
export const VOID = `mutation ($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id voided } }`;
export const APPROVE = 'mutation ($id: ID!) { approveJournalEntry(id: $id) { id number postingDate } }';
export const CHECKLIST = `query ($y: Int!, $m: Int!) { periodCloseStatus(year: $y, month: $m) {
  periodState openChecklistItems { checkCode blocking detail count } } }`;
export const PERIODS = `query { periods(fiscalYear: ${YEAR}) { id month state } }`;
export const TB = 'query ($asOf: Date!) { trialBalance(asOf: $asOf) { rows { accountCode debit credit } } }';

export type Run = {
  occurrenceDate: string;
  status: string;
  refusalCode?: string | null;
  refusalMessage?: string | null;
};
export type Template = {
  id: string;
  totalDebit: string;
  createdByEmail: string;
  runs: (Run & {
    draft: { id: string; postingDate: string; totalDebit: string; createdByEmail: string } | null;
  })[];
};
export type Made = {
  made: (Run & { entry: { number: string; postingDate: string; totalDebit: string } | null })[];
  refused: Run[];
};
export type Posted = {
  id: string;
  number: string;
  postingDate: string;
  sourceKind: string;
  reverses: { id: string };
};

export const rent = (over: Record<string, unknown> = {}) => ({
  input: {
    name: 'Office rent',
    memo: 'Monthly office rent',
    frequency: 'MONTHLY',
    dayOfMonth: 31,
    startDate: d(1, 1),
    endDate: d(6, 30),
    lines: [
      { accountCode: '6201', debit: '1500.00' },
      { accountCode: '1110', credit: '1500.00' },
    ],
    ...over,
  },
});

/**
 * The books' figures and the close, read or driven through the gateway on the stack `stack`
 * returns (started by the test file's beforeAll).
 */
export function booksOf(stack: () => TestStack) {
  async function count(slug: string, table: string): Promise<number> {
    const [row] = await stack().tenantSql<{ n: number }>(slug, `SELECT count(*)::int AS n FROM ${table}`);
    return row?.n ?? -1;
  }

  async function checklist(slug: string, month: number) {
    const r = await stack().as('senior', slug)<{
      periodCloseStatus: {
        openChecklistItems: { checkCode: string; detail: string; count: number; blocking: boolean }[];
      };
    }>(CHECKLIST, { y: YEAR, m: month });
    expect(r.errors).toBeUndefined();
    return r.data!.periodCloseStatus.openChecklistItems;
  }

  async function closeMonth(slug: string, month: number) {
    const p = await stack().as('senior', slug)<{ periods: { id: string; month: number }[] }>(PERIODS);
    const id = p.data!.periods.find((x) => x.month === month)!.id;
    const s = await stack().as('junior', slug)<{ startPeriodClose: { id: string } }>(
      'mutation ($id: ID!) { startPeriodClose(periodId: $id) { id } }',
      { id },
    );
    expect(s.errors).toBeUndefined();
    const closeId = s.data!.startPeriodClose.id;
    await stack().as('junior', slug)('mutation ($id: ID!) { submitPeriodClose(closeId: $id) { id } }', {
      id: closeId,
    });
    const a = await stack().as('senior', slug)<{ approvePeriodClose: { status: string } }>(
      'mutation ($id: ID!) { approvePeriodClose(closeId: $id) { status } }',
      { id: closeId },
    );
    expect(a.errors).toBeUndefined();
    return id;
  }

  /** An account's balance at the end of a day, debit positive, in cents. */
  async function balance(slug: string, code: string, asOf: string): Promise<bigint> {
    const r = await stack().as('senior', slug)<{
      trialBalance: { rows: { accountCode: string; debit: string; credit: string }[] };
    }>(TB, { asOf });
    const row = r.data!.trialBalance.rows.find((x) => x.accountCode === code);
    return row ? cents(row.debit) - cents(row.credit) : 0n;
  }
  return { count, checklist, closeMonth, balance };
}
