import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionBankClient } from '../support/bank-e2e.ts';
import { type BoardLineBase, currentBoardLine } from '../support/board.ts';
import { provisionedYear } from '../support/books-year.ts';
import type { GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The month-end checklist's "every bank account reconciled through month end" (issue 19 §2) through
 * the gateway with real tokens, on a client provisioned for the test: the item and the close
 * board's `banksReconciled` follow a bank account from unbound to statement-less, to imported with
 * a line unmatched, to reconciled when that last line is matched, and back when it is unmatched;
 * at each step the item agrees with the ledger's own `bankReconciliation` on the month's last day,
 * and the board (the control plane's read model, kept by the worker) equals the live read.
 */
let t: TestStack;
const CLIENT = 'banco-cierre';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const MARCH_END = `${YEAR}-03-31`;

const STATUS = `query ($year: Int!, $month: Int!) { periodCloseStatus(year: $year, month: $month) {
  banksReconciled openChecklistItems { checkCode status blocking detail count } } }`;
const RECONCILIATION = `query ($asOf: Date!) { bankReconciliation(accountCode: "1110", asOf: $asOf) {
  reconciled unmatchedStatementLines { edges { node { id } } } unmatchedBookLines { edges { node { id amount } } } } }`;

type Item = { checkCode: string; status: string; blocking: boolean; detail: string; count: number };
type Status = { banksReconciled: boolean | null; openChecklistItems: Item[] };
type BoardLine = BoardLineBase & {
  banksReconciled: boolean | null;
  openChecklistItems: { checkCode: string; description: string }[] | null;
};

const senior = () => t.as('senior', CLIENT);
const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data as T;
};

async function status(month = 3): Promise<Status & { bank: Item | undefined }> {
  const s = ok(
    await senior()<{ periodCloseStatus: Status }>(STATUS, { year: YEAR, month }),
  ).periodCloseStatus;
  return { ...s, bank: s.openChecklistItems.find((i) => i.checkCode === 'BANK_ACCOUNTS_RECONCILED') };
}

/** The client's board line once it shows the client's latest change (an event, not a time). */
const boardLine = (month = 3) =>
  currentBoardLine<BoardLine>(
    t.as('senior'),
    { slug: CLIENT, year: YEAR, month },
    'banksReconciled openChecklistItems { checkCode description }',
  );

async function ledgerReconciled(): Promise<{
  reconciled: boolean;
  statementLine?: string;
  bookLine?: string;
}> {
  const r = ok(
    await senior()<{
      bankReconciliation: {
        reconciled: boolean;
        unmatchedStatementLines: { edges: { node: { id: string } }[] };
        unmatchedBookLines: { edges: { node: { id: string; amount: string } }[] };
      };
    }>(RECONCILIATION, { asOf: MARCH_END }),
  ).bankReconciliation;
  return {
    reconciled: r.reconciled,
    statementLine: r.unmatchedStatementLines.edges[0]?.node.id,
    bookLine: r.unmatchedBookLines.edges.find((e) => e.node.amount === '500.00')?.node.id,
  };
}

/** The checklist, the board and the ledger's reconciliation all say `expected` for March. */
async function expectMarch(expected: boolean | null) {
  const s = await status();
  expect(s.banksReconciled).toBe(expected);
  expect(s.bank === undefined).toBe(expected !== false);
  const line = await boardLine();
  expect(line.banksReconciled).toBe(s.banksReconciled);
  expect(line.openChecklistItems?.map((i) => i.checkCode)).toEqual(
    s.openChecklistItems.map((i) => i.checkCode),
  );
  if (expected !== null) expect((await ledgerReconciled()).reconciled).toBe(expected);
  return s;
}

async function post(date: string, memo: string, debit: string, credit: string, amount: string) {
  ok(
    await senior()(`mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`, {
      input: {
        postingDate: `${YEAR}-${date}`,
        memo,
        lines: [
          { accountCode: debit, debit: amount },
          { accountCode: credit, credit: amount },
        ],
      },
    }),
  );
}

beforeAll(async () => {
  t = await startTestStack({ jobs: { processEveryMs: 250, lockLifetimeMs: 5_000 } });
  await provisionBankClient(t, CLIENT, 'Banco Cierre, S.A.');
  await post('02-27', 'Aporte de capital', '1110', '3101', '10000.00');
  await post('03-05', 'Cobro de contado', '1110', '4101', '500.00');
});

afterAll(async () => {
  await t?.close();
});

describe('checklist: every bank account reconciled through month end', () => {
  it('has nothing to say while no account is bound to the Bank role: null on the board', async () => {
    await expectMarch(null);
  });

  it('is OPEN (advisory) once 1110 is a bank account with no statement: balance 10,500.00 to reconcile', async () => {
    ok(
      await senior()(
        `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
        { input: { accountCode: '1110' } },
      ),
    );
    const s = await expectMarch(false);
    expect(s.bank).toMatchObject({ status: 'OPEN', blocking: false, count: 1 });
    expect(s.bank?.detail).toContain('1110');
    expect(s.bank?.detail).toContain('no bank statement imported');
  });

  it('stays OPEN with the March statement imported and its 500.00 line unmatched', async () => {
    const csv = `Fecha,Descripción,Importe\n05/03/${YEAR},Depósito,500.00\n`;
    ok(
      await senior()(
        `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { id } }`,
        {
          input: {
            accountCode: '1110',
            format: 'CSV',
            fileContent: csv,
            csvMapping: {
              dateColumn: 'Fecha',
              dateFormat: 'DD_MM_YYYY',
              amountColumn: 'Importe',
              descriptionColumn: 'Descripción',
            },
            openingBalance: '10000.00',
            closingBalance: '10500.00',
            periodStart: `${YEAR}-03-01`,
            periodEnd: MARCH_END,
          },
        },
      ),
    );
    const s = await expectMarch(false);
    expect(s.bank?.detail).toContain('1 statement line(s) unmatched');
  });

  it('flips to reconciled when the last line is matched, and back when it is unmatched', async () => {
    const { statementLine, bookLine } = await ledgerReconciled();
    expect(statementLine && bookLine).toBeTruthy();
    const match = ok(
      await senior()<{ matchBankLines: { id: string } }>(
        `mutation ($input: MatchBankLinesInput!) { matchBankLines(input: $input) { id } }`,
        { input: { statementLineIds: [statementLine], bookLineIds: [bookLine] } },
      ),
    ).matchBankLines;
    await expectMarch(true);
    ok(
      await senior()(
        `mutation ($id: ID!) { unmatchBankLines(matchId: $id, reason: "Matched to the wrong entry") { id } }`,
        {
          id: match.id,
        },
      ),
    );
    const s = await expectMarch(false);
    expect(s.bank?.detail).toContain('1 statement line(s) unmatched');
  });

  it('is OPEN for April: the statements end on March 31, before April 30', async () => {
    const s = await status(4);
    expect(s.banksReconciled).toBe(false);
    expect(s.bank?.detail).toContain(`its statements end on ${MARCH_END}, before ${YEAR}-04-30`);
    expect((await boardLine(4)).banksReconciled).toBe(false);
  });
});
