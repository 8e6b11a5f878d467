import type {
  ConsoleRecurringTemplateFragment,
  ConsoleRecurringTemplateLinesFragment,
  RecurrenceFrequency,
  RecurringEntryTemplateInput,
  RecurringRunStatus,
} from '../../__generated__/graphql.ts';
import { amountProblem } from './credit-words.ts';

/** The recurring templates screen's words and the form's conversions (no DOM: unit-tested). */

export const FREQUENCY_LABELS: Record<RecurrenceFrequency, string> = {
  MONTHLY: 'Monthly',
  QUARTERLY: 'Quarterly',
  YEARLY: 'Yearly',
};

export const RUN_LABELS: Record<RecurringRunStatus, string> = {
  DRAFTED: 'Made as a draft to approve',
  POSTED: 'Posted',
  REFUSED: 'Refused by the books',
};

/** "Monthly on day 31 (a shorter month: its last day)". */
export function scheduleLabel(t: { frequency: RecurrenceFrequency; dayOfMonth: number }): string {
  return `${FREQUENCY_LABELS[t.frequency]} on day ${t.dayOfMonth}${t.dayOfMonth > 28 ? ' (a shorter month: its last day)' : ''}`;
}

/**
 * What a template makes: the client's setting recurringEntriesAutoPost when the caller may read it
 * (Tenant.Manage), else what its last occurrence became, else that the setting decides.
 */
export function makesLabel(autoPost: boolean | null, lastRun: RecurringRunStatus | null): string {
  if (autoPost !== null) return autoPost ? 'Posted entries' : 'Drafts to approve';
  if (lastRun === 'POSTED') return 'Posted entries (its last run)';
  if (lastRun === 'DRAFTED') return 'Drafts to approve (its last run)';
  return 'Drafts or posted entries, as the client’s setting says';
}

export interface LineForm {
  accountCode: string;
  debit: string;
  credit: string;
  memo: string;
}

export interface TemplateForm {
  name: string;
  memo: string;
  frequency: RecurrenceFrequency;
  dayOfMonth: string;
  startDate: string;
  endDate: string;
  autoReverse: boolean;
  lines: LineForm[];
}

export const emptyLine = (): LineForm => ({ accountCode: '', debit: '', credit: '', memo: '' });

export function blankTemplate(today: string): TemplateForm {
  return {
    name: '',
    memo: '',
    frequency: 'MONTHLY',
    dayOfMonth: String(Number(today.slice(8, 10))),
    startDate: today,
    endDate: '',
    autoReverse: false,
    lines: [emptyLine(), emptyLine()],
  };
}

const blankZero = (s: string) => (/^0*(\.0*)?$/.test(s) ? '' : s);

/** A template as the form edits it (amounts as the API wrote them; the zero side left blank). */
export function formOf(
  t: ConsoleRecurringTemplateFragment & Pick<ConsoleRecurringTemplateLinesFragment, 'lines'>,
): TemplateForm {
  return {
    name: t.name,
    memo: t.memo === t.name ? '' : t.memo,
    frequency: t.frequency,
    dayOfMonth: String(t.dayOfMonth),
    startDate: t.startDate,
    endDate: t.endDate ?? '',
    autoReverse: t.autoReverse,
    lines: t.lines.map((l) => ({
      accountCode: l.account?.code ?? '',
      debit: blankZero(l.debit),
      credit: blankZero(l.credit),
      memo: l.memo,
    })),
  };
}

/** What the form would send, or the first thing to fix in words (the API checks again). */
export function inputOf(
  f: TemplateForm,
  currency: string,
): { input: RecurringEntryTemplateInput } | { problem: string } {
  if (!f.name.trim()) return { problem: 'Give the template a name.' };
  if (!/^\d{1,2}$/.test(f.dayOfMonth) || Number(f.dayOfMonth) < 1 || Number(f.dayOfMonth) > 31)
    return { problem: 'The day of the month is a whole number from 1 to 31.' };
  const lines = f.lines.filter((l) => l.accountCode.trim() || l.debit.trim() || l.credit.trim());
  if (lines.length < 2) return { problem: 'An entry needs at least two lines.' };
  for (const [i, l] of lines.entries()) {
    if (!l.accountCode.trim()) return { problem: `Line ${i + 1}: which account?` };
    const amounts = [l.debit.trim(), l.credit.trim()].filter(Boolean);
    if (amounts.length !== 1) return { problem: `Line ${i + 1}: a debit or a credit, not both nor neither.` };
    const p = amountProblem(amounts[0]!, currency);
    if (p) return { problem: `Line ${i + 1}: ${p}` };
  }
  return {
    input: {
      name: f.name.trim(),
      memo: f.memo.trim() || null,
      frequency: f.frequency,
      dayOfMonth: Number(f.dayOfMonth),
      startDate: f.startDate,
      endDate: f.endDate || null,
      autoReverse: f.autoReverse,
      lines: lines.map((l) => ({
        accountCode: l.accountCode.trim(),
        debit: l.debit.trim() || null,
        credit: l.credit.trim() || null,
        memo: l.memo.trim() || null,
      })),
    },
  };
}
