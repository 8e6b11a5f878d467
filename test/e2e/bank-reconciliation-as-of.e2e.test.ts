import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT, ok, provisionBankClient, type Statement } from '../support/bank-e2e.ts';
import { provisionedYear } from '../support/books-year.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A reconciliation for a past date stays as it was once its outstanding items clear on a later
 * statement: a match counts on `asOf` only when every line of it, on both sides, is dated by then.
 * Through the gateway with real tokens, on a client provisioned for the test: 1113's cheque of
 * 30 October, outstanding on the October statement, is matched to November's line, and October's
 * reconciliation, statement and checklist item do not move; on 1114 a bank fee of 31 October the
 * books post on 1 November is October's unmatched statement line, not a difference.
 */
let t: TestStack;
const CLIENT = 'banco-a-la-fecha';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const OCTOBER_END = `${YEAR}-10-31`;

const RECONCILIATION = `query ($code: String!, $asOf: Date!) { bankReconciliation(accountCode: $code, asOf: $asOf) {
  difference reconciled unmatchedStatementLines { edges { node { id amount } } }
  unmatchedBookLines { edges { node { id amount } } } } }`;
const STATUS = `query ($year: Int!) { periodCloseStatus(year: $year, month: 10) {
  banksReconciled openChecklistItems { checkCode detail } } }`;
const STATEMENTS = `query ($code: String!) { bankAccount(accountCode: $code) {
  statements { edges { node { periodStart reconciled } } } } }`;

type Recon = {
  difference: string | null;
  reconciled: boolean;
  unmatchedStatementLines: { edges: { node: { id: string; amount: string } }[] };
  unmatchedBookLines: { edges: { node: { id: string; amount: string } }[] };
};

const senior = () => t.as('senior', CLIENT);

async function reconciliation(code: string, asOf: string) {
  const r = ok(
    await senior()<{ bankReconciliation: Recon }>(RECONCILIATION, { code, asOf }),
  ).bankReconciliation;
  return {
    difference: r.difference,
    reconciled: r.reconciled,
    statementLines: r.unmatchedStatementLines.edges.map((e) => e.node),
    bookLines: r.unmatchedBookLines.edges.map((e) => e.node),
  };
}

async function statementsReconciled(code: string) {
  const r = ok(
    await senior()<{
      bankAccount: { statements: { edges: { node: { periodStart: string; reconciled: boolean } }[] } };
    }>(STATEMENTS, { code }),
  );
  return r.bankAccount.statements.edges.map((e) => e.node.reconciled);
}

async function octoberBankItem() {
  const s = ok(
    await senior()<{
      periodCloseStatus: {
        banksReconciled: boolean | null;
        openChecklistItems: { checkCode: string; detail: string }[];
      };
    }>(STATUS, { year: YEAR }),
  ).periodCloseStatus;
  return s.openChecklistItems.find((i) => i.checkCode === 'BANK_ACCOUNTS_RECONCILED')?.detail;
}

async function post(date: string, debit: string, credit: string, amount: string) {
  ok(
    await senior()(`mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`, {
      input: {
        postingDate: `${YEAR}-${date}`,
        memo: `Movimiento del ${date}`,
        lines: [
          { accountCode: debit, debit: amount },
          { accountCode: credit, credit: amount },
        ],
      },
    }),
  );
}

async function bankAccount(code: string) {
  ok(
    await senior()(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }`, {
      input: { code, name: `Banco ${code}`, type: 'ASSET' },
    }),
  );
  ok(
    await senior()(
      `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
      {
        input: { accountCode: code },
      },
    ),
  );
}

/** A one-line statement of October or November, from `opening` to `closing`; its line's id. */
async function statement(code: string, month: '10' | '11', line: string, opening: string, closing: string) {
  const [day, amount] = line.split(' ');
  const last = month === '10' ? '31' : '30';
  const imported = ok(
    await senior()<{ importBankStatement: Statement }>(IMPORT, {
      input: {
        accountCode: code,
        format: 'CSV',
        fileContent: `date,desc,amount\n${YEAR}-${month}-${day},Movimiento,${amount}\n`,
        csvMapping: {
          dateColumn: 'date',
          dateFormat: 'YYYY_MM_DD',
          amountColumn: 'amount',
          descriptionColumn: 'desc',
        },
        openingBalance: opening,
        closingBalance: closing,
        periodStart: `${YEAR}-${month}-01`,
        periodEnd: `${YEAR}-${month}-${last}`,
      },
    }),
  ).importBankStatement;
  return imported.lines.edges[0]!.node.id;
}

async function match(statementLineId: string, bookLineId: string) {
  ok(
    await senior()(`mutation ($input: MatchBankLinesInput!) { matchBankLines(input: $input) { id } }`, {
      input: { statementLineIds: [statementLineId], bookLineIds: [bookLineId] },
    }),
  );
}

/** The GL line of `code` for `amount`, unmatched as of the far future. */
async function bookLine(code: string, amount: string) {
  const r = await reconciliation(code, '9999-12-31');
  return r.bookLines.find((l) => l.amount === amount)!.id;
}

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco a la Fecha, S.A.');
  await bankAccount('1113');
  await bankAccount('1114');
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('a reconciliation on a past date, after its outstanding items clear later', () => {
  let cheque = '';
  let novemberLine = '';

  it('has 1113 reconciled on 31 October with the cheque of the 30th outstanding', async () => {
    await post('10-05', '1113', '3101', '100.00');
    await post('10-30', '6201', '1113', '30.00');
    const october = await statement('1113', '10', '05 100.00', '0.00', '100.00');
    novemberLine = await statement('1113', '11', '02 -30.00', '100.00', '70.00');
    cheque = await bookLine('1113', '-30.00');
    await match(october, await bookLine('1113', '100.00'));
    expect(await reconciliation('1113', OCTOBER_END)).toEqual({
      difference: '0.00',
      reconciled: true,
      statementLines: [],
      bookLines: [{ id: cheque, amount: '-30.00' }],
    });
  });

  it('still has the cheque outstanding on 31 October once it clears in November', async () => {
    await match(novemberLine, cheque);
    expect(await reconciliation('1113', OCTOBER_END)).toEqual({
      difference: '0.00',
      reconciled: true,
      statementLines: [],
      bookLines: [{ id: cheque, amount: '-30.00' }],
    });
    expect(await reconciliation('1113', `${YEAR}-11-30`)).toMatchObject({
      difference: '0.00',
      reconciled: true,
      bookLines: [],
    });
    expect(await statementsReconciled('1113')).toEqual([true, true]);
    expect(await octoberBankItem()).toBeUndefined();
  });

  it("has 1114's fee of 31 October, posted by the books on 1 November, unmatched on 31 October", async () => {
    const fee = await statement('1114', '10', '31 -5.00', '0.00', '-5.00');
    await post('11-01', '6201', '1114', '5.00');
    await match(fee, await bookLine('1114', '-5.00'));
    expect(await reconciliation('1114', OCTOBER_END)).toEqual({
      difference: '0.00',
      reconciled: false,
      statementLines: [{ id: fee, amount: '-5.00' }],
      bookLines: [],
    });
    expect(await statementsReconciled('1114')).toEqual([false]);
    const item = await octoberBankItem();
    expect(item).toContain('1114 Banco 1114 (1 statement line(s) unmatched)');
    expect(item).not.toContain('1113');
  });
});
