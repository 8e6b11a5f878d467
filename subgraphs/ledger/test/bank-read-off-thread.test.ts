import { DomainError } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import type { CsvMapping } from '../src/bank/formats/csv.ts';
import { readStatement, type StatementFile } from '../src/bank/formats/read.ts';
import { MAX_WAITING, readStatementOffThread, statementsRead } from '../src/bank/formats/read-off-thread.ts';
import { MAX_STATEMENT_FILE_CHARS } from '../src/bank/formats/statement.ts';
import { csv, csvMapping } from './bank-fixtures.ts';

// A statement file is read in a worker thread (src/bank/formats/read-off-thread.ts), off the
// subgraph's event loop, where a file of 2,000,000 characters of tiny elements held every other
// request of every client for up to 0.7 s. What it answers and refuses must be readStatement's own.

const trn = (fitId: string, amount: string) =>
  `<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20261105<TRNAMT>${amount}<FITID>${fitId}<NAME>X</STMTTRN>`;
const ofx = `OFXHEADER:100
DATA:OFXSGML

<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>PAB
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
${trn('A1', '10.00')}
${trn('A2', '-5.00')}
</BANKTRANLIST><LEDGERBAL><BALAMT>105.00<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
const camt = `<?xml version="1.0"?>
<Document><BkToCstmrStmt><Stmt><Id>S-1</Id>
<FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-30T23:59:59</ToDtTm></FrToDt>
<Acct><Ccy>PAB</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="PAB">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="PAB">85.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
<Ntry><Amt Ccy="PAB">15.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-11-05</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>`;

/** Both ways: the value read, or the refusal's class, code, message and details. */
async function bothWays(file: StatementFile, mapping: CsvMapping | null = null) {
  const settle = async (read: () => unknown) => {
    try {
      return { value: await read() };
    } catch (e) {
      const err = e as DomainError;
      return {
        domain: err instanceof DomainError,
        code: err.code,
        message: err.message,
        details: err.details,
      };
    }
  };
  return {
    here: await settle(() => readStatement(file, mapping, 2)),
    offThread: await settle(() => readStatementOffThread(file, mapping, 2)),
  };
}

describe('a statement file read off the event loop', () => {
  it('is read in the worker as readStatement reads it, in every format', async () => {
    const before = statementsRead();
    const files: [StatementFile, CsvMapping | null][] = [
      [{ format: 'OFX', fileContent: ofx }, null],
      [{ format: 'CAMT053', fileContent: camt, closingBalance: '85' }, null],
      [{ format: 'CSV', fileContent: csv, openingBalance: '100', closingBalance: '105.00' }, csvMapping],
    ];
    for (const [file, mapping] of files) {
      const { here, offThread } = await bothWays(file, mapping);
      expect(here.value, file.format).toBeDefined();
      expect(offThread, file.format).toEqual(here);
    }
    expect(statementsRead() - before).toBe(3);
  });

  it('refuses in the worker what readStatement refuses, with the same DomainError, several at once', async () => {
    const before = statementsRead();
    const hostile = (unit: string, head: string) =>
      head + unit.repeat(Math.floor((MAX_STATEMENT_FILE_CHARS - head.length) / unit.length));
    const refused: StatementFile[] = [
      // Nothing but tiny elements, to the size allowed: the slowest files to read.
      { format: 'OFX', fileContent: hostile('<A>', 'OFXHEADER:100\nDATA:OFXSGML\n<OFX>') },
      { format: 'CAMT053', fileContent: hostile('<a/>', '<?xml version="1.0"?><Document>') },
      // Balances and a period given beside the file that are not its own.
      { format: 'OFX', fileContent: ofx, closingBalance: '150.00' },
      { format: 'OFX', fileContent: ofx, periodStart: '2026-10-01' },
      { format: 'CSV', fileContent: csv },
      // Two faults: the reader's own order says which is named (the missing mapping).
      { format: 'CSV', fileContent: '' },
    ];
    const answers = await Promise.all(refused.map((file) => bothWays(file)));
    for (const [k, { here, offThread }] of answers.entries()) {
      expect(here, refused[k]?.format).toMatchObject({ domain: true });
      expect(offThread, refused[k]?.format).toEqual(here);
    }
    expect(answers.map((a) => a.offThread.code)).toEqual([
      'STATEMENT_FORMAT_INVALID',
      'STATEMENT_FORMAT_INVALID',
      'STATEMENT_UNBALANCED',
      'BAD_USER_INPUT',
      'STATEMENT_FORMAT_INVALID',
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(answers.at(-1)?.offThread.details).toMatchObject({ field: 'input.csvMapping' });
    expect(statementsRead() - before).toBe(refused.length);
  });

  it('keeps at most MAX_WAITING files waiting for the worker, and refuses one more as unavailable for now', async () => {
    const before = statementsRead();
    const many = 2 * MAX_WAITING + 8;
    // All asked in one turn of the event loop: none can have finished before the last is asked.
    const answers = await Promise.all(
      Array.from({ length: many }, () => bothWays({ format: 'OFX', fileContent: ofx })),
    );
    const refused = answers.filter((a) => a.offThread.code === 'SERVICE_UNAVAILABLE');
    const read = answers.filter((a) => 'value' in a.offThread);
    expect(refused.length + read.length).toBe(many);
    // One file being read and MAX_WAITING waiting (one more waiting while the thread starts).
    expect(read.length).toBeGreaterThanOrEqual(MAX_WAITING);
    expect(read.length).toBeLessThanOrEqual(MAX_WAITING + 1);
    for (const a of read) expect(a.offThread).toEqual(a.here);
    expect(refused[0]?.offThread).toMatchObject({ domain: true, details: { retryAfterSeconds: 1 } });
    expect(statementsRead() - before).toBe(read.length);
    // Once they are read, the next is taken again.
    expect((await bothWays({ format: 'OFX', fileContent: ofx })).offThread).toHaveProperty('value');
  });

  it('refuses a file over the bound before it is copied to the worker', async () => {
    const before = statementsRead();
    const { offThread } = await bothWays({
      format: 'OFX',
      fileContent: 'x'.repeat(MAX_STATEMENT_FILE_CHARS + 1),
    });
    expect(offThread).toMatchObject({ domain: true, code: 'STATEMENT_FORMAT_INVALID' });
    expect(offThread.message).toContain('larger than');
    expect(statementsRead()).toBe(before);
  });
});
