import { describe, expect, it } from 'vitest';
import { parseCamt053Statement } from '../src/bank/formats/camt053.ts';
import type { CsvMapping } from '../src/bank/formats/csv.ts';
import { parseOfxStatement } from '../src/bank/formats/ofx.ts';
import { readStatement } from '../src/bank/formats/read.ts';
import type { ImportInput } from '../src/bank/import.ts';
import { csv, csvMapping } from './bank-fixtures.ts';

/** What a refusal names: its code and where, or the value when there is none. */
const outcome = <T>(read: () => T) => {
  try {
    return read();
  } catch (e) {
    const err = e as { code?: string; message?: string; details?: Record<string, unknown> };
    return { code: err.code, field: err.details?.field, line: err.details?.line, message: err.message };
  }
};

const trn = (fitId: string, amount: string, extra = '') =>
  `<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20261105<TRNAMT>${amount}<FITID>${fitId}${extra}<NAME>X</STMTTRN>`;
const ofx = (trns: string[], closing = '100.00') => `OFXHEADER:100
DATA:OFXSGML

<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>PAB
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
${trns.join('\n')}
</BANKTRANLIST><LEDGERBAL><BALAMT>${closing}<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

describe('an OFX statement', () => {
  it('refuses two transactions with one FITID, naming both', () => {
    const refused = outcome(() =>
      parseOfxStatement(ofx([trn('A1', '10.00'), trn('B2', '5.00'), trn('A1', '10.00')]), 2),
    );
    expect(refused).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', field: 'STMTTRN[3].FITID' });
    expect((refused as { message: string }).message).toContain('STMTTRN[1] and STMTTRN[3]');
    const read = parseOfxStatement(ofx([trn('A1', '10.00'), trn('a1', '10.00')]), 2);
    expect(read.lines.map((l) => l.amountMinor)).toEqual([1000n, 1000n]); // FITIDs are case-sensitive
  });

  it('refuses a transaction without a FITID, or with an empty one, naming it', () => {
    const missing = ofx([trn('B2', '5.00'), trn('A1', '10.00').replace('<FITID>A1', '')]);
    // OFX 2 (XML), where an element may be empty.
    const xml = (fitId: string) => `<?xml version="1.0"?><OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>
      <CURDEF>PAB</CURDEF><BANKTRANLIST><DTSTART>20261101</DTSTART><DTEND>20261130</DTEND>
      <STMTTRN><TRNTYPE>OTHER</TRNTYPE><DTPOSTED>20261105</DTPOSTED><TRNAMT>5.00</TRNAMT><FITID>B2</FITID></STMTTRN>
      <STMTTRN><TRNTYPE>OTHER</TRNTYPE><DTPOSTED>20261105</DTPOSTED><TRNAMT>10.00</TRNAMT>${fitId}</STMTTRN>
      </BANKTRANLIST><LEDGERBAL><BALAMT>100.00</BALAMT><DTASOF>20261130</DTASOF></LEDGERBAL>
      </STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    expect(parseOfxStatement(xml('<FITID>A1</FITID>'), 2).lines).toHaveLength(2);
    // OFX 1 (SGML), a FITID element left empty: in the middle of the file and in its last transaction.
    const sgmlEmpty = ofx([trn('B2', '5.00'), trn('', '10.00'), trn('C3', '1.00')]);
    const sgmlEmptyLast = ofx([trn('B2', '5.00'), trn('', '10.00')]);
    // Any other leaf left empty is read as empty: the memo falls back to the name.
    const emptyMemo = parseOfxStatement(ofx([trn('B2', '5.00', '<MEMO>\n')]), 2);
    expect(emptyMemo.lines[0]).toMatchObject({ amountMinor: 500n, description: 'X', reference: 'B2' });
    for (const nameless of [
      missing,
      sgmlEmpty,
      sgmlEmptyLast,
      xml(''),
      xml('<FITID></FITID>'),
      xml('<FITID> </FITID>'),
      xml('<FITID/>'),
    ]) {
      const refused = outcome(() => parseOfxStatement(nameless, 2));
      expect(refused).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', field: 'STMTTRN[2].FITID' });
      expect((refused as { message: string }).message).toContain('STMTTRN[2] has no FITID');
    }
  });

  it('refuses a transaction stated in another currency than CURDEF, and a zero one', () => {
    const eur = trn('A1', '10.00', '<CURRENCY><CURRATE>1.1<CURSYM>EUR</CURRENCY>');
    expect(outcome(() => parseOfxStatement(ofx([eur]), 2))).toMatchObject({
      code: 'STATEMENT_FORMAT_INVALID',
      field: 'STMTTRN[1].CURRENCY',
    });
    const pab = trn('A1', '10.00', '<CURRENCY><CURRATE>1<CURSYM>PAB</CURRENCY>');
    expect(parseOfxStatement(ofx([pab]), 2).lines).toHaveLength(1);
    for (const zero of ['0.00', '-0', '-0.00']) {
      expect(
        outcome(() => parseOfxStatement(ofx([trn('A1', zero)]), 2)),
        zero,
      ).toMatchObject({
        code: 'STATEMENT_FORMAT_INVALID',
        field: 'STMTTRN[1].TRNAMT',
      });
    }
  });
});

const camt = (bals: string, amount = '15.00') => `<?xml version="1.0"?>
<Document><BkToCstmrStmt><Stmt><Id>S-1</Id>
<FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-30T23:59:59</ToDtTm></FrToDt>
<Acct><Ccy>PAB</Ccy></Acct>${bals}
<Ntry><Amt Ccy="PAB">${amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-11-05</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
const bal = (code: string, amount: string) =>
  `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="PAB">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>`;

describe('a camt.053 statement', () => {
  it('reads CdtDbtInd as the sign and refuses a signed amount it would read twice over', () => {
    const ok = parseCamt053Statement(camt(bal('OPBD', '100.00') + bal('CLBD', '85.00')), 2);
    expect(ok.lines.map((l) => l.amountMinor)).toEqual([-1500n]);
    for (const signed of ['-15.00', '+15.00']) {
      expect(
        outcome(() => parseCamt053Statement(camt(bal('OPBD', '100.00') + bal('CLBD', '85.00'), signed), 2)),
      ).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', field: 'Ntry[1].Amt' });
    }
  });

  it('refuses two balances of one type, and reads OPBD beside PRCD', () => {
    const twice = camt(bal('OPBD', '100.00') + bal('CLBD', '85.00') + bal('CLBD', '185.00'));
    expect(outcome(() => parseCamt053Statement(twice, 2))).toMatchObject({
      code: 'STATEMENT_FORMAT_INVALID',
      field: 'Bal[CLBD]',
    });
    const both = camt(bal('PRCD', '100.00') + bal('OPBD', '100.00') + bal('CLBD', '85.00'));
    expect(parseCamt053Statement(both, 2).openingMinor).toBe(10000n);
    const prcdAlone = camt(bal('PRCD', '100.00') + bal('CLBD', '85.00'));
    expect(parseCamt053Statement(prcdAlone, 2).openingMinor).toBe(10000n);
  });

  it('refuses an opening OPBD that is not the previous closing PRCD it states', () => {
    const apart = camt(bal('PRCD', '90.00') + bal('OPBD', '100.00') + bal('CLBD', '85.00'));
    const refused = outcome(() => parseCamt053Statement(apart, 2));
    expect(refused).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', field: 'Bal[PRCD]' });
    expect((refused as { message: string }).message).toContain('OPBD 100.00');
    expect((refused as { message: string }).message).toContain('PRCD 90.00');
  });
});

/** An import of a two-line OFX statement of 2026-11-01 – 2026-11-30, `over` changed. */
const input = (over: Partial<ImportInput>): ImportInput => ({
  accountCode: '1110',
  format: 'OFX',
  fileContent: ofx([trn('A1', '10.00'), trn('A2', '-5.00')], '105.00'),
  ...over,
});

describe('an opening or closing balance given beside the file', () => {
  const camtFile = camt(bal('OPBD', '100.00') + bal('CLBD', '85.00'));

  it("is checked against the file's own, in every format, and refused when it differs", () => {
    const cases: [ImportInput, CsvMapping | null, string][] = [
      [input({ closingBalance: '150.00' }), null, 'input.closingBalance'],
      [input({ openingBalance: '0.00' }), null, 'input.openingBalance'],
      [
        input({ format: 'CSV', fileContent: csv, closingBalance: '150.00' }),
        csvMapping,
        'input.closingBalance',
      ],
      [
        input({ format: 'CSV', fileContent: csv, openingBalance: '150.00', closingBalance: '155.00' }),
        csvMapping,
        'input.openingBalance',
      ],
      [
        input({ format: 'CAMT053', fileContent: camtFile, closingBalance: '100.00' }),
        null,
        'input.closingBalance',
      ],
    ];
    for (const [given, mapping, field] of cases) {
      expect(
        outcome(() => readStatement(given, mapping, 2)),
        `${given.format} ${field}`,
      ).toMatchObject({
        code: 'STATEMENT_UNBALANCED',
        field,
      });
    }
  });

  it('passes when it is the statement’s own', () => {
    const read = readStatement(input({ openingBalance: '100.00', closingBalance: '105.00' }), null, 2);
    expect([read.openingMinor, read.closingMinor]).toEqual([10000n, 10500n]);
    const fromCsv = readStatement(
      input({ format: 'CSV', fileContent: csv, openingBalance: '100', closingBalance: '105.00' }),
      csvMapping,
      2,
    );
    expect([fromCsv.openingMinor, fromCsv.closingMinor]).toEqual([10000n, 10500n]);
    const fromCamt = readStatement(
      input({ format: 'CAMT053', fileContent: camtFile, closingBalance: '85' }),
      null,
      2,
    );
    expect(fromCamt.closingMinor).toBe(8500n);
  });
});

describe('a first or last day given beside an OFX or camt.053 file', () => {
  // Both files state 2026-11-01 – 2026-11-30 (OFX's DTSTART/DTEND, camt.053's FrToDt).
  const camtInput = (over: Partial<ImportInput>) =>
    input({ format: 'CAMT053', fileContent: camt(bal('OPBD', '100.00') + bal('CLBD', '85.00')), ...over });

  it('is refused when it is not the file’s own, naming it, the day given and the file’s', () => {
    for (const [given, field, day, own] of [
      [input({ periodStart: '2026-10-01' }), 'input.periodStart', '2026-10-01', '2026-11-01'],
      [input({ periodEnd: '2026-11-29' }), 'input.periodEnd', '2026-11-29', '2026-11-30'],
      [camtInput({ periodStart: '2026-11-02' }), 'input.periodStart', '2026-11-02', '2026-11-01'],
      [camtInput({ periodEnd: '2026-12-31' }), 'input.periodEnd', '2026-12-31', '2026-11-30'],
    ] as const) {
      const refused = outcome(() => readStatement(given, null, 2));
      expect(refused, `${given.format} ${field}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect((refused as { message: string }).message).toContain(`${day}, is not the statement's own ${own}`);
    }
  });

  it('passes when it is the file’s own', () => {
    const own = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
    for (const given of [input(own), camtInput(own)]) {
      expect(readStatement(given, null, 2)).toMatchObject(own);
    }
  });
});
