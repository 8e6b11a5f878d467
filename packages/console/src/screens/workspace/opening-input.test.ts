import { describe, expect, it } from 'vitest';
import { difference } from './format.ts';
import { csvCells, problemLine, readOpeningInput } from './opening-input.ts';

describe('opening balances as pasted', () => {
  it('reads a CSV of 1 opening row, 3 accounts and 1 open item into the API input, amounts as typed', () => {
    const r = readOpeningInput(
      [
        '# exported 30 June',
        'row,cells…',
        'opening,2026-07-01,3999,"Saldos, iniciales"',
        'account,1110,25000.00,',
        'account,2201,,350.00,party-1',
        '',
        'account,3101,,24650.00',
        'item,SALES_INVOICE,C-ALFA,F-101,2026-05-10,,EUR,3500.00,3500.00,1.30',
      ].join('\r\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.read.input).toEqual({
      openingDate: '2026-07-01',
      clearingAccountCode: '3999',
      memo: 'Saldos, iniciales',
      trialBalance: [
        { accountCode: '1110', debit: '25000.00' },
        { accountCode: '2201', credit: '350.00', partyId: 'party-1' },
        { accountCode: '3101', credit: '24650.00' },
      ],
      openItems: [
        {
          kind: 'SALES_INVOICE',
          partyCode: 'C-ALFA',
          number: 'F-101',
          date: '2026-05-10',
          currency: 'EUR',
          originalAmount: '3500.00',
          openAmount: '3500.00',
          rate: '1.30',
        },
      ],
    });
    // The API's problems are placed on the CSV's own lines.
    expect(problemLine(r.read, { index: 2, field: 'trialBalance[2].accountCode' })).toBe('line 7');
    expect(problemLine(r.read, { index: 0, field: 'openItems[0].rate' })).toBe('line 8');
    expect(problemLine(r.read, { index: null, field: 'trialBalance' })).toBe('the whole import');
  });

  it('reads the API input as JSON, dropping a dryRun typed in it (the buttons decide)', () => {
    const r = readOpeningInput(
      '{"openingDate":"2026-07-01","dryRun":false,"trialBalance":[{"accountCode":"1110","debit":"1.00"}]}',
    );
    expect(r.ok && r.read.input).toEqual({
      openingDate: '2026-07-01',
      trialBalance: [{ accountCode: '1110', debit: '1.00' }],
    });
    if (r.ok)
      expect(problemLine(r.read, { index: 0, field: 'trialBalance[0].debit' })).toBe('trialBalance[0]');
  });

  it('refuses what it cannot read, by line, and sends nothing', () => {
    const r = readOpeningInput('opening,2026-07-01\nacount,1110,1.00\nopening,2026-08-01\naccount,1,2,3,4,5');
    expect(r).toEqual({
      ok: false,
      problems: [
        { line: 2, message: 'A row starts with opening, account or item, not “acount”.' },
        { line: 3, message: 'The opening row is given twice.' },
        {
          line: 4,
          message: 'An account row has at most 4 cells after its name (accountCode, debit, credit, partyId).',
        },
      ],
    });
    expect(readOpeningInput('account,1110,1.00').ok).toBe(false);
    expect(readOpeningInput('  ').ok).toBe(false);
    expect(readOpeningInput('{"trialBalance": 3}').ok).toBe(false);
    expect(readOpeningInput('{nope').ok).toBe(false);
  });

  it('splits quoted cells with commas and doubled quotes', () => {
    expect(csvCells('a, "b, c" ,"say ""hi"""')).toEqual(['a', 'b, c', 'say "hi"']);
  });
});

describe('the ITBMS return’s difference with the GL, exact', () => {
  it('70.00 − 63.00 = 7.00; 0.10 − -0.20 = 0.30; 5 − 5.00 = 0.00', () => {
    expect(difference('70.00', '63.00')).toBe('7.00');
    expect(difference('0.10', '-0.20')).toBe('0.30');
    expect(difference('5', '5.00')).toBe('0.00');
  });
});
