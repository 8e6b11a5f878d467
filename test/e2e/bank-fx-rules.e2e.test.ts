import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bankClient,
  CREATE,
  IMPORT,
  type Line,
  ok,
  provisionBankClient,
  type Statement,
} from '../support/bank-e2e.ts';
import { provisionedYear } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Issue 19 §1–§2 leftovers through the gateway with real tokens, on a client provisioned for the
 * test (base PAB): entries created from the lines of a EUR bank account (translated at the line's
 * date's rate, or a rate given, and reconciled in EUR), a USD account at the peg, and a matching
 * rule deactivated and reactivated. Statement deletion: bank-statement-deletion.e2e.test.ts.
 */
let t: TestStack;
const CLIENT = 'banco-fx-e2e';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const { senior, count, footprint, reconciliation } = bankClient(() => t, CLIENT, YEAR);
/** The EUR account's June statement: a transfer in, a fee, interest; no running balance. */
const EUR_CSV = [
  'Date,Description,Amount',
  `${YEAR}-06-01,Transferencia desde casa matriz,1000.00`,
  `${YEAR}-06-15,Comisión de mantenimiento,-12.50`,
  `${YEAR}-06-30,Intereses del mes,3.25`,
].join('\n');
const EUR_MAPPING = {
  delimiter: ',',
  dateColumn: 'Date',
  dateFormat: 'YYYY_MM_DD',
  amountColumn: 'Amount',
  descriptionColumn: 'Description',
};

const ENTRY = `query ($id: ID!) { journalEntry(id: $id) { lines { account { code } debit credit originalCurrency
  originalAmount fx { source rate rateDate isOverride isFallback } } } }`;
const RULES = `{ bankAccount(accountCode: "1115") { rules { id pattern active account { code } } } }`;

type JournalLine = {
  account: { code: string };
  debit: string;
  credit: string;
  originalCurrency: string;
  originalAmount: string;
  fx: { source: string; rate: string; rateDate: string; isOverride: boolean; isFallback: boolean } | null;
};
type Created = {
  createEntryFromBankLine: {
    kind: string;
    amount: string;
    bookLines: { amount: string; entry: { id: string } }[];
  };
};

/** The GL lines of the entry a created match names. */
const entryLinesOf = async (created: Created['createEntryFromBankLine']) =>
  ok(
    await senior()<{ journalEntry: { lines: JournalLine[] } }>(ENTRY, {
      id: created.bookLines[0]!.entry.id,
    }),
  ).journalEntry.lines;

/** Base cents of `cents` at `rate` (a decimal string), rounded half away from zero: the accountant's own sum. */
function atRate(cents: bigint, rate: string): bigint {
  const [whole, fraction = ''] = rate.split('.');
  const units = BigInt(whole! + fraction);
  const scale = 10n ** BigInt(fraction.length);
  const n = cents * units;
  const q = (n < 0n ? -n : n) / scale;
  const rounded = ((n < 0n ? -n : n) % scale) * 2n >= scale ? q + 1n : q;
  return n < 0n ? -rounded : rounded;
}
const cents = (money: string) => BigInt(money.replace('.', ''));

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco Correcciones E2E, S.A.');
  ok(
    await senior()(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { code } }`, {
      input: { code: '1115', name: 'Banco europeo — cuenta en euros', type: 'ASSET' },
    }),
  );
  const bind = `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`;
  expect(ok(await senior()(bind, { input: { accountCode: '1115', currency: 'EUR' } }))).toEqual({
    bindBankAccount: { currency: 'EUR' },
  });
  const override = `mutation ($d: Date!, $r: Decimal!) { overrideExchangeRate(currency: "EUR", date: $d, rate: $r,
    reason: "Rate agreed with the bank for the test month") { id } }`;
  ok(await senior()(override, { d: `${YEAR}-06-15`, r: '1.12' }));
  ok(await senior()(override, { d: `${YEAR}-06-30`, r: '1.1235' }));
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('entries from the lines of a foreign-currency bank account', () => {
  let lines: Line[] = [];

  it('imports the EUR statement and reconciles it in EUR before anything is booked', async () => {
    const s = ok(
      await senior()<{ importBankStatement: Statement }>(IMPORT, {
        input: {
          accountCode: '1115',
          format: 'CSV',
          fileContent: EUR_CSV,
          csvMapping: EUR_MAPPING,
          openingBalance: '0.00',
          closingBalance: '990.75',
          periodStart: `${YEAR}-06-01`,
          periodEnd: `${YEAR}-06-30`,
        },
      }),
    ).importBankStatement;
    expect(s).toMatchObject({ currency: 'EUR', openingBalance: '0.00', closingBalance: '990.75' });
    lines = s.lines.edges.map((e) => e.node);
    expect(await reconciliation('1115', '06-30')).toMatchObject({
      currency: 'EUR',
      bookBalance: '0.00',
      statementBalance: '990.75',
      unmatchedStatementTotal: '990.75',
      difference: '0.00',
      reconciled: false,
    });
  });

  it('refuses a line dated before any EUR rate (RATE_NOT_AVAILABLE), and a rate that is no decimal, writing nothing', async () => {
    const before = await footprint();
    const transfer = lines[0]!;
    expect(
      codes(await senior()(CREATE, { input: { statementLineId: transfer.id, accountCode: '3101' } })),
    ).toEqual(['RATE_NOT_AVAILABLE']);
    expect(
      codes(
        await senior()(CREATE, {
          input: { statementLineId: transfer.id, accountCode: '3101', exchangeRate: 'abc' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await footprint()).toEqual(before);
  });

  it('posts the 1,000.00 EUR transfer at the rate given, 1.0950: 1,095.00 PAB, the typed rate recorded as its provenance', async () => {
    const made = ok(
      await senior()<Created>(CREATE, {
        input: { statementLineId: lines[0]!.id, accountCode: '3101', exchangeRate: '1.0950' },
      }),
    ).createEntryFromBankLine;
    expect(made).toMatchObject({ kind: 'CREATED', amount: '1000.00', bookLines: [{ amount: '1000.00' }] });
    const entryLines = await entryLinesOf(made);
    expect(
      entryLines.map((l) => [l.account.code, l.debit, l.credit, l.originalCurrency, l.originalAmount]),
    ).toEqual([
      ['1115', '1095.00', '0.00', 'EUR', '1000.00'],
      ['3101', '0.00', '1095.00', 'EUR', '1000.00'],
    ]);
    expect(entryLines[0]!.fx).toEqual({
      source: 'DOCUMENT',
      rate: '1.095',
      rateDate: `${YEAR}-06-01`,
      isOverride: true,
      isFallback: false,
    });
  });

  it('posts the 12.50 EUR fee by rule at the rate of 15 June, 1.12: 14.00 PAB; the interest at 1.1235: 3.65 PAB', async () => {
    ok(
      await senior()(`mutation ($input: CreateBankRuleInput!) { createBankRule(input: $input) { id } }`, {
        input: { pattern: 'comisión', accountCode: '6501' },
      }),
    );
    const fee = ok(
      await senior()<Created>(CREATE, { input: { statementLineId: lines[1]!.id } }),
    ).createEntryFromBankLine;
    const feeLines = await entryLinesOf(fee);
    expect(feeLines.map((l) => [l.account.code, l.debit, l.credit, l.originalAmount])).toEqual([
      ['1115', '0.00', '14.00', '12.50'],
      ['6501', '14.00', '0.00', '12.50'],
    ]);
    expect(feeLines[1]!.fx).toMatchObject({
      source: 'OVERRIDE',
      rateDate: `${YEAR}-06-15`,
      isOverride: true,
    });
    const interest = ok(
      await senior()<Created>(CREATE, { input: { statementLineId: lines[2]!.id, accountCode: '7101' } }),
    ).createEntryFromBankLine;
    // 3.25 × 1.1235 = 3.651375: 3.65, rounded half away from zero.
    expect((await entryLinesOf(interest))[0]).toMatchObject({ debit: '3.65', originalAmount: '3.25' });
    expect(atRate(325n, '1.1235')).toBe(365n);
  });

  it('reconciles the EUR account in EUR (990.75 on both sides) while its base balance is 1,084.65 PAB', async () => {
    expect(await reconciliation('1115', '06-30')).toMatchObject({
      currency: 'EUR',
      bookBalance: '990.75',
      statementBalance: '990.75',
      unmatchedStatementTotal: '0.00',
      unmatchedBookTotal: '0.00',
      difference: '0.00',
      reconciled: true,
    });
    const [base] = await t.tenantSql<{ total: string; original: string }>(
      CLIENT,
      `SELECT sum(l.amount_minor)::text AS total, sum(l.original_amount_minor)::text AS original
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE a.code = '1115'`,
    );
    const expected =
      atRate(cents('1000.00'), '1.0950') + atRate(cents('-12.50'), '1.12') + atRate(cents('3.25'), '1.1235');
    expect(expected).toBe(108465n);
    expect(BigInt(base!.total)).toBe(expected);
    expect(BigInt(base!.original)).toBe(99075n);
    const statement = ok(
      await senior()<{ bankAccount: { statements: { edges: { node: { reconciled: boolean } }[] } } }>(
        `{ bankAccount(accountCode: "1115") { statements { edges { node { reconciled } } } } }`,
      ),
    );
    expect(statement.bankAccount.statements.edges.map((e) => e.node.reconciled)).toEqual([true]);
  });

  it('posts a 250.00 USD fee on a USD account at the peg (1 PAB): 250.00 PAB citing the PEG row, refusing any other rate', async () => {
    ok(
      await senior()(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { code } }`, {
        input: { code: '1116', name: 'Banco internacional — cuenta en dólares', type: 'ASSET' },
      }),
    );
    ok(
      await senior()(
        `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
        {
          input: { accountCode: '1116', currency: 'USD' },
        },
      ),
    );
    const usd = ok(
      await senior()<{ importBankStatement: Statement }>(IMPORT, {
        input: {
          accountCode: '1116',
          format: 'CSV',
          fileContent: [
            'Date,Description,Amount',
            `${YEAR}-06-10,Cargo por transferencia SWIFT,-250.00`,
          ].join('\n'),
          csvMapping: EUR_MAPPING,
          openingBalance: '1000.00',
          closingBalance: '750.00',
        },
      }),
    ).importBankStatement;
    const line = usd.lines.edges[0]!.node;
    const before = await count('journal_entries');
    expect(
      codes(
        await senior()(CREATE, {
          input: { statementLineId: line.id, accountCode: '6501', exchangeRate: '1.05' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await count('journal_entries')).toBe(before);
    const made = ok(
      await senior()<Created>(CREATE, { input: { statementLineId: line.id, accountCode: '6501' } }),
    ).createEntryFromBankLine;
    const lines = await entryLinesOf(made);
    expect(
      lines.map((l) => [l.account.code, l.debit, l.credit, l.originalCurrency, l.originalAmount]),
    ).toEqual([
      ['1116', '0.00', '250.00', 'USD', '250.00'],
      ['6501', '250.00', '0.00', 'USD', '250.00'],
    ]);
    expect(lines[0]!.fx).toMatchObject({ source: 'PEG', rate: '1', isOverride: false });
  });
});

describe('deactivating a matching rule', () => {
  let feeLine: Line;
  let ruleId: string;

  it('lists the rule as active and suggests its account for a fitting line', async () => {
    const s = ok(
      await senior()<{ importBankStatement: Statement }>(IMPORT, {
        input: {
          accountCode: '1115',
          format: 'CSV',
          fileContent: ['Date,Description,Amount', `${YEAR}-07-03,Comisión por transferencia,-8.00`].join(
            '\n',
          ),
          openingBalance: '990.75',
          closingBalance: '982.75',
          periodStart: `${YEAR}-07-01`,
          periodEnd: `${YEAR}-07-31`,
        },
      }),
    ).importBankStatement;
    feeLine = s.lines.edges[0]!.node;
    expect(feeLine.suggestedAccount).toEqual({ code: '6501' });
    const rules = ok(await senior()<{ bankAccount: { rules: { id: string; active: boolean }[] } }>(RULES))
      .bankAccount.rules;
    expect(rules).toEqual([
      { id: expect.any(String), pattern: 'comisión', active: true, account: { code: '6501' } },
    ]);
    ruleId = rules[0]!.id;
  });

  it('deactivates it (audited, GL.Post): no suggestion, no entry by rule; listed inactive', async () => {
    const DEACTIVATE = `mutation ($id: ID!) { deactivateBankRule(ruleId: $id) { id active } }`;
    expect(codes(await t.as('junior', CLIENT)(DEACTIVATE, { id: ruleId }))).toEqual(['FORBIDDEN']);
    const before = await count('audit_events', `action = 'bank_rule.deactivated'`);
    expect(ok(await senior()(DEACTIVATE, { id: ruleId }))).toEqual({
      deactivateBankRule: { id: ruleId, active: false },
    });
    expect(await count('audit_events', `action = 'bank_rule.deactivated'`)).toBe(before + 1);
    expect(codes(await senior()(DEACTIVATE, { id: ruleId }))).toEqual(['CONFLICT']);
    const suggested = ok(
      await senior()<{ bankReconciliation: { unmatchedStatementLines: { edges: { node: Line }[] } } }>(
        `{ bankReconciliation(accountCode: "1115", asOf: "${YEAR}-07-31") {
          unmatchedStatementLines { edges { node { id suggestedAccount { code } } } } } }`,
      ),
    ).bankReconciliation.unmatchedStatementLines.edges.map((e) => e.node);
    expect(suggested).toEqual([{ id: feeLine.id, suggestedAccount: null }]);
    const entries = await count('journal_entries');
    expect(codes(await senior()(CREATE, { input: { statementLineId: feeLine.id } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await count('journal_entries')).toBe(entries);
    const rules = ok(await senior()<{ bankAccount: { rules: { active: boolean }[] } }>(RULES)).bankAccount
      .rules;
    expect(rules.map((r) => r.active)).toEqual([false]);
    const activeOnly = ok(
      await senior()<{ bankAccount: { rules: unknown[] } }>(
        `{ bankAccount(accountCode: "1115") { rules(activeOnly: true) { id } } }`,
      ),
    ).bankAccount.rules;
    expect(activeOnly).toEqual([]);
  });

  it('reactivates it: the 8.00 EUR fee of 3 July goes to 6501 by rule again, at the 30 June rate standing in (1.1235): 8.99 PAB', async () => {
    expect(
      ok(
        await senior()(`mutation ($id: ID!) { reactivateBankRule(ruleId: $id) { active } }`, { id: ruleId }),
      ),
    ).toEqual({ reactivateBankRule: { active: true } });
    const fee = ok(
      await senior()<Created>(CREATE, { input: { statementLineId: feeLine.id } }),
    ).createEntryFromBankLine;
    const feeLines = await entryLinesOf(fee);
    expect(feeLines[1]).toMatchObject({ account: { code: '6501' }, debit: '8.99', originalAmount: '8.00' });
    expect(feeLines[1]!.fx).toMatchObject({ rate: '1.1235', rateDate: `${YEAR}-06-30`, isFallback: true });
    expect(atRate(800n, '1.1235')).toBe(899n);
  });
});
