import { describe, expect, it } from 'vitest';
import { blankTemplate, formOf, inputOf, makesLabel, scheduleLabel } from './recurring-words.ts';

describe('the recurring templates screen’s words and form', () => {
  it('says the schedule and what a template makes', () => {
    expect(scheduleLabel({ frequency: 'MONTHLY', dayOfMonth: 1 })).toBe('Monthly on day 1');
    expect(scheduleLabel({ frequency: 'QUARTERLY', dayOfMonth: 31 })).toMatch(/its last day/);
    expect(makesLabel(true, 'DRAFTED')).toBe('Posted entries');
    expect(makesLabel(false, null)).toBe('Drafts to approve');
    expect(makesLabel(null, 'POSTED')).toMatch(/^Posted entries/);
    expect(makesLabel(null, null)).toMatch(/setting/);
  });

  it('sends a 1,000.00 rent template as typed and says what to fix before', () => {
    const f = blankTemplate('2026-11-23');
    expect(f.dayOfMonth).toBe('23');
    expect(inputOf(f, 'PAB')).toEqual({ problem: 'Give the template a name.' });
    f.name = ' Office rent ';
    f.lines = [
      { accountCode: '6301', debit: '1000.00', credit: '', memo: '' },
      { accountCode: '1110', debit: '', credit: '1000.00', memo: 'Rent' },
      { accountCode: '', debit: '', credit: '', memo: '' },
    ];
    expect(inputOf(f, 'PAB')).toEqual({
      input: {
        name: 'Office rent',
        memo: null,
        frequency: 'MONTHLY',
        dayOfMonth: 23,
        startDate: '2026-11-23',
        endDate: null,
        autoReverse: false,
        lines: [
          { accountCode: '6301', debit: '1000.00', credit: null, memo: null },
          { accountCode: '1110', debit: null, credit: '1000.00', memo: 'Rent' },
        ],
      },
    });
    expect(inputOf({ ...f, dayOfMonth: '32' }, 'PAB')).toHaveProperty('problem');
    const both = { ...f, lines: [{ ...f.lines[0]!, credit: '1.00' }, f.lines[1]!] };
    expect(inputOf(both, 'PAB')).toEqual({ problem: 'Line 1: a debit or a credit, not both nor neither.' });
    const tooFine = { ...f, lines: [{ ...f.lines[0]!, debit: '1000.001' }, f.lines[1]!] };
    expect(inputOf(tooFine, 'PAB')).toEqual({ problem: 'Line 1: PAB has 2 decimals: “1000.001” has more.' });
  });

  it('reads a template back into the form, the zero side blank', () => {
    const f = formOf({
      __typename: 'RecurringEntryTemplate',
      id: 't',
      name: 'Rent',
      memo: 'Rent',
      frequency: 'YEARLY',
      dayOfMonth: 5,
      startDate: '2026-01-05',
      endDate: null,
      autoReverse: true,
      active: true,
      totalDebit: '10.00',
      nextOccurrence: null,
      createdByEmail: null,
      runs: [],
      lines: [
        {
          __typename: 'JournalDraftLine',
          lineNumber: 1,
          debit: '10.00',
          credit: '0.00',
          memo: '',
          account: { __typename: 'Account', id: 'a', code: '6301', name: 'x' },
        },
        {
          __typename: 'JournalDraftLine',
          lineNumber: 2,
          debit: '0.00',
          credit: '10.00',
          memo: '',
          account: { __typename: 'Account', id: 'b', code: '1110', name: 'y' },
        },
      ],
    });
    expect(f.memo).toBe('');
    expect(f.lines.map((l) => [l.accountCode, l.debit, l.credit])).toEqual([
      ['6301', '10.00', ''],
      ['1110', '', '10.00'],
    ]);
  });
});
