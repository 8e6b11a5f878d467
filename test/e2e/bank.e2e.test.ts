import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANCO_GENERAL_CSV, bankFixture, provisionBankClient } from '../support/bank-e2e.ts';
import { provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Bank statements and reconciliation through the gateway with real tokens, on a client provisioned
 * for the test (clean books): the three fixture files (a CSV, an OFX and a camt.053 written for
 * these tests, dated in the current year) imported in turn, refusals that write nothing,
 * suggestions accepted in bulk, entries created by rule, the void guard, and a race.
 */
let t: TestStack;
const CLIENT = 'banco-e2e';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const fixture = (name: string) => bankFixture(name, YEAR);

const CSV_MAPPING = BANCO_GENERAL_CSV;

const STATEMENT = `id sequence format bankStatementId periodStart periodEnd openingBalance closingBalance currency lineCount unmatchedCount reconciled
  lines { edges { node { id lineNumber date amount description reference counterparty matched } } }`;
const IMPORT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { ${STATEMENT} } }`;
const POST = `mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const RECONCILIATION = `query ($asOf: Date!) { bankReconciliation(accountCode: "1110", asOf: $asOf) {
  bookBalance statementBalance unmatchedStatementTotal unmatchedBookTotal difference reconciled
  unmatchedStatementLines { edges { node { id amount description } } }
  unmatchedBookLines { edges { node { id amount entryNumber entry { id } } } } } }`;
const MATCH = `mutation ($input: MatchBankLinesInput!) { matchBankLines(input: $input) { id kind amount active statementLines { id } bookLines { id } } }`;

type Line = {
  id: string;
  lineNumber: number;
  date: string;
  amount: string;
  description: string;
  reference: string;
  counterparty: string;
};
type Statement = {
  id: string;
  lineCount: number;
  openingBalance: string;
  closingBalance: string;
  lines: { edges: { node: Line }[] };
};
type Recon = {
  bookBalance: string;
  statementBalance: string | null;
  difference: string | null;
  reconciled: boolean;
  unmatchedStatementLines: { edges: { node: { id: string; amount: string; description: string } }[] };
  unmatchedBookLines: {
    edges: { node: { id: string; amount: string; entryNumber: string; entry: { id: string } } }[];
  };
};

const senior = () => t.as('senior', CLIENT);
const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data as T;
};
const count = async (table: string) =>
  Number((await t.tenantSql<{ n: number }>(CLIENT, `SELECT count(*)::int AS n FROM ${table}`))[0]?.n);
const footprint = async () => ({
  statements: await count('bank_statements'),
  lines: await count('bank_statement_lines'),
  matches: await count('bank_matches'),
  entries: await count('journal_entries'),
});

async function post(date: string, memo: string, debit: string, credit: string, amount: string) {
  return ok(
    await senior()<{ postJournalEntry: { id: string; number: string } }>(POST, {
      input: {
        postingDate: `${YEAR}-${date}`,
        memo,
        lines: [
          { accountCode: debit, debit: amount },
          { accountCode: credit, credit: amount },
        ],
      },
    }),
  ).postJournalEntry;
}

const importFile = (format: string, name: string, extra: Record<string, unknown> = {}) =>
  senior()<{ importBankStatement: Statement }>(IMPORT, {
    input: { accountCode: '1110', format, fileContent: fixture(name), ...extra },
  });

const reconciliation = async (asOf: string) =>
  ok(await senior()<{ bankReconciliation: Recon }>(RECONCILIATION, { asOf: `${YEAR}-${asOf}` }))
    .bankReconciliation;

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco E2E, S.A.');
  // The books before the first statement: the bank's opening balance of 10,000.00.
  await post('02-28', 'Aporte de capital', '1110', '3101', '10000.00');
});

afterAll(async () => {
  await t?.close();
});

describe('bank accounts and statements', () => {
  it('binds the bank account (Account.Manage), refusing a read-only user and an income account', async () => {
    const bind = `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency account { code } } }`;
    expect(codes(await t.as('junior', CLIENT)(bind, { input: { accountCode: '1110' } }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await senior()(bind, { input: { accountCode: '4101' } }))).toEqual(['BAD_USER_INPUT']);
    expect(ok(await senior()(bind, { input: { accountCode: '1110' } }))).toEqual({
      bindBankAccount: { currency: 'PAB', account: { code: '1110' } },
    });
    const notBank = await importFile('OFX', 'banco-general-2026-04.ofx', { accountCode: '1101' });
    expect(codes(notBank)).toEqual(['NOT_A_BANK_ACCOUNT']);
  });

  it('imports the March CSV with its mapping: balances from the running balance column, exact decimals', async () => {
    const r = ok(
      await importFile('CSV', 'banco-general-2026-03.csv', {
        csvMapping: CSV_MAPPING,
        periodStart: `${YEAR}-03-01`,
        periodEnd: `${YEAR}-03-31`,
      }),
    ).importBankStatement;
    expect(r).toMatchObject({
      sequence: 1,
      format: 'CSV',
      periodStart: `${YEAR}-03-01`,
      periodEnd: `${YEAR}-03-31`,
      openingBalance: '10000.00',
      closingBalance: '10525.75',
      currency: 'PAB',
      lineCount: 4,
      unmatchedCount: 4,
      reconciled: false,
    });
    expect(r.lines.edges.map((e) => [e.node.date, e.node.amount, e.node.reference])).toEqual([
      [`${YEAR}-03-05`, '1070.00', 'REC-0001'],
      [`${YEAR}-03-10`, '-535.00', 'CHK-1001'],
      [`${YEAR}-03-15`, '-12.50', 'FEE-0315'],
      [`${YEAR}-03-31`, '3.25', 'INT-0331'],
    ]);
  });

  it('refuses the same statement twice, and a statement that does not follow, writing nothing', async () => {
    const before = await footprint();
    // The mapping is saved: the second import needs none.
    const again = await importFile('CSV', 'banco-general-2026-03.csv', {
      periodStart: `${YEAR}-03-01`,
      periodEnd: `${YEAR}-03-31`,
    });
    expect(codes(again)).toEqual(['STATEMENT_DUPLICATE']);
    const gap = await importFile('CAMT053', 'banco-general-2026-05.camt053.xml');
    expect(codes(gap)).toEqual(['STATEMENT_GAP']);
    expect(gap.errors?.[0]?.extensions).toMatchObject({
      previousClosingBalance: '10525.75',
      openingBalance: '10800.75',
    });
    expect(await footprint()).toEqual(before);
  });

  it('imports April from OFX 1 (SGML) and May from camt.053, skipping the pending entry', async () => {
    const april = ok(await importFile('OFX', 'banco-general-2026-04.ofx')).importBankStatement;
    expect(april).toMatchObject({
      sequence: 2,
      openingBalance: '10525.75',
      closingBalance: '10800.75',
      lineCount: 2,
    });
    expect(april.lines.edges[0]?.node).toMatchObject({
      amount: '500.00',
      counterparty: 'Hotel Boquete & Spa',
    });
    const may = ok(await importFile('CAMT053', 'banco-general-2026-05.camt053.xml')).importBankStatement;
    expect(may).toMatchObject({
      sequence: 3,
      bankStatementId: 'STMT-2026-05-0001'.replace('2026', String(YEAR)),
      openingBalance: '10800.75',
      closingBalance: '11985.75',
      lineCount: 2,
    });
    expect(may.lines.edges.map((e) => [e.node.amount, e.node.reference, e.node.counterparty])).toEqual([
      ['1200.00', `INV-${YEAR}-0042`, 'Restaurante El Sabor'],
      ['-15.00', `BG${YEAR}053100002`, ''],
    ]);
    expect(codes(await importFile('CAMT053', 'banco-general-2026-05.camt053.xml'))).toEqual([
      'STATEMENT_DUPLICATE',
    ]);
  });

  it('refuses hostile files with a stable code, writing nothing', async () => {
    const before = await footprint();
    const csv = (rows: string[]) =>
      ['Fecha;Descripción;Referencia;Beneficiario;Débito;Crédito;Saldo', ...rows].join('\n');
    const attempt = (format: string, fileContent: string, extra: Record<string, unknown> = {}) =>
      senior()(IMPORT, { input: { accountCode: '1110', format, fileContent, ...extra } });
    // Too many decimals, a date that does not exist, a year out of range, a running balance that lies.
    expect(codes(await attempt('CSV', csv([`01/06/${YEAR};x;;;1,001;;11.984,749`])))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(codes(await attempt('CSV', csv([`31/02/${YEAR};x;;;1,00;;11.984,75`])))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(codes(await attempt('CSV', csv(['01/06/0999;x;;;1,00;;11.984,75'])))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(
      codes(
        await attempt('CSV', csv([`01/06/${YEAR};x;;;1,00;;11.984,75`, `02/06/${YEAR};x;;;1,00;;11.900,00`])),
      ),
    ).toEqual(['STATEMENT_FORMAT_INVALID']);
    // A column the mapping names twice in the header: never the last one read silently.
    const creditTwice = await attempt(
      'CSV',
      `Fecha;Descripción;Referencia;Beneficiario;Débito;Crédito;Crédito;Saldo\n01/06/${YEAR};x;;;;1,00;5,00;11.990,75`,
    );
    expect(codes(creditTwice)).toEqual(['STATEMENT_FORMAT_INVALID']);
    expect(creditTwice.errors?.[0]?.message).toContain('"Crédito"');
    expect(creditTwice.errors?.[0]?.extensions).toMatchObject({ field: 'creditColumn' });
    // Balances given by hand that the lines do not reach.
    const noBalance = { ...CSV_MAPPING, balanceColumn: null };
    expect(
      codes(
        await attempt('CSV', csv([`01/06/${YEAR};x;;;1,00;;`]), {
          csvMapping: noBalance,
          openingBalance: '11985.75',
          closingBalance: '11985.00',
        }),
      ),
    ).toEqual(['STATEMENT_UNBALANCED']);
    // An amount the mapping's decimal comma cannot read (not guessed as 1.250,00), and one with two signs.
    expect(codes(await attempt('CSV', csv([`01/06/${YEAR};x;;;12.50;;11.972,25`])))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(codes(await attempt('CSV', csv([`01/06/${YEAR};x;;;;(-5,00);11.980,75`])))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    // Each amount within the books' 13 digits, the balance between them not: never stored.
    const huge = '9.999.999.999.999,99';
    expect(
      codes(
        await attempt(
          'CSV',
          csv([
            `01/06/${YEAR};x;;;;${huge};`,
            `02/06/${YEAR};x;;;;${huge};`,
            `03/06/${YEAR};x;;;${huge};;`,
            `04/06/${YEAR};x;;;${huge};;`,
          ]),
          { csvMapping: noBalance, openingBalance: '11985.75', closingBalance: '11985.75' },
        ),
      ),
    ).toEqual(['STATEMENT_FORMAT_INVALID']);
    // XML with a DTD (entity expansion), not XML at all, and a file past the size bound.
    const bomb = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Document>&b;</Document>`;
    expect(codes(await attempt('CAMT053', bomb))).toEqual(['STATEMENT_FORMAT_INVALID']);
    expect(codes(await attempt('CAMT053', '<Document><BkToCstmrStmt><Stmt>'))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(codes(await attempt('OFX', 'OFXHEADER:100\n\nnot ofx'))).toEqual(['STATEMENT_FORMAT_INVALID']);
    expect(codes(await attempt('OFX', 'x'.repeat(2_000_001)))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await attempt('OFX', `<OFX>${' '.repeat(1_999_990)}`))).toEqual([
      'STATEMENT_FORMAT_INVALID',
    ]);
    expect(await footprint()).toEqual(before);
  });
});

describe('reconciliation', () => {
  let cheque: { id: string; number: string };

  it('suggests matches by amount, date, reference and party, and accepts them in bulk', async () => {
    await post('03-04', 'Depósito REC-0001 Supermercado Valle', '1110', '4101', '1070.00');
    cheque = await post('03-09', 'Cheque 1001 a Distribuidora Chiriquí', '6201', '1110', '535.00');
    await post('04-03', 'Hospedaje vendido, transferencia ACH', '1110', '4102', '500.00');
    await post('04-19', 'Pago a Café Volcán, cheque 1002', '6302', '1110', '225.00');
    await post('05-02', `Cobro INV-${YEAR}-0042`, '1110', '4101', '1200.00');
    const suggestions = ok(
      await senior()<{
        bankMatchSuggestions: {
          edges: {
            node: {
              score: number;
              reasons: string[];
              statementLine: Line;
              bookLine: { id: string; amount: string };
            };
          }[];
        };
      }>(
        `{ bankMatchSuggestions(accountCode: "1110") { edges { node { score reasons
            statementLine { id amount reference } bookLine { id amount } } } } }`,
      ),
    ).bankMatchSuggestions.edges.map((e) => e.node);
    expect(suggestions.map((s) => s.statementLine.amount).sort()).toEqual(
      ['-225.00', '-535.00', '1070.00', '1200.00', '500.00'].sort(),
    );
    for (const s of suggestions) expect(s.bookLine.amount).toBe(s.statementLine.amount);
    expect(suggestions.find((s) => s.statementLine.amount === '1200.00')?.reasons).toEqual([
      'AMOUNT',
      'SAME_DATE',
      'REFERENCE',
    ]);
    // The 10,000.00 opening entry is before the first statement: never suggested.
    const accepted = ok(
      await senior()<{ acceptBankMatches: { kind: string; amount: string }[] }>(
        `mutation ($m: [BankMatchPairInput!]!) { acceptBankMatches(matches: $m) { kind amount } }`,
        { m: suggestions.map((s) => ({ statementLineId: s.statementLine.id, bookLineId: s.bookLine.id })) },
      ),
    ).acceptBankMatches;
    expect(accepted).toHaveLength(5);
    expect(new Set(accepted.map((a) => a.kind))).toEqual(new Set(['SUGGESTED']));
    const r = await reconciliation('05-31');
    expect(r.unmatchedBookLines.edges).toEqual([]);
    expect(r.unmatchedStatementLines.edges.map((e) => e.node.amount)).toEqual(['-12.50', '3.25', '-15.00']);
    expect(r).toMatchObject({
      bookBalance: '12010.00',
      statementBalance: '11985.75',
      difference: '0.00',
      reconciled: false,
    });
  });

  it('creates the entries the books lack from saved rules (or a chosen account) and reconciles', async () => {
    const rule = `mutation ($input: CreateBankRuleInput!) { createBankRule(input: $input) { pattern account { code } bankAccountCode } }`;
    expect(ok(await senior()(rule, { input: { pattern: 'Comisión', accountCode: '6501' } }))).toEqual({
      createBankRule: { pattern: 'Comisión', account: { code: '6501' }, bankAccountCode: null },
    });
    const create = `mutation ($input: CreateEntryFromBankLineInput!) { createEntryFromBankLine(input: $input) {
      kind amount bookLines { amount entry { number lines { account { code } debit credit } } } } }`;
    const open = (await reconciliation('05-31')).unmatchedStatementLines.edges.map((e) => e.node);
    const interest = open.find((l) => l.amount === '3.25')!;
    // No rule fits "Intereses ganados": the account must be chosen.
    expect(codes(await senior()(create, { input: { statementLineId: interest.id } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const made = ok(
      await senior()<{
        createEntryFromBankLine: { kind: string; amount: string; bookLines: { amount: string }[] };
      }>(create, {
        input: { statementLineId: interest.id, accountCode: '7101' },
      }),
    ).createEntryFromBankLine;
    expect(made).toMatchObject({ kind: 'CREATED', amount: '3.25', bookLines: [{ amount: '3.25' }] });
    for (const fee of open.filter((l) => l.amount !== '3.25')) {
      const r = ok(
        await senior()<{ createEntryFromBankLine: { amount: string } }>(create, {
          input: { statementLineId: fee.id },
        }),
      );
      expect(r.createEntryFromBankLine.amount).toBe(fee.amount);
    }
    const fees = await t.tenantSql<{ total: string }>(
      CLIENT,
      `SELECT sum(l.amount_minor)::text AS total FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE a.code = '6501'`,
    );
    expect(fees[0]?.total).toBe('2750'); // 12.50 + 15.00, by the "Comisión" rule
    const r = await reconciliation('05-31');
    expect(r).toMatchObject({
      bookBalance: '11985.75',
      statementBalance: '11985.75',
      difference: '0.00',
      reconciled: true,
    });
    const statements = ok(
      await senior()<{
        bankAccount: { statements: { edges: { node: { reconciled: boolean; unmatchedCount: number } }[] } };
      }>(
        `{ bankAccount(accountCode: "1110") { statements { edges { node { reconciled unmatchedCount } } } } }`,
      ),
    ).bankAccount.statements.edges.map((e) => e.node);
    expect(statements).toEqual([
      { reconciled: true, unmatchedCount: 0 },
      { reconciled: true, unmatchedCount: 0 },
      { reconciled: true, unmatchedCount: 0 },
    ]);
  });

  it('refuses to void a reconciled entry until it is unmatched with a reason', async () => {
    const VOID = `mutation ($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id voided } }`;
    const reason = 'Cheque 1001 was recorded against the wrong supplier';
    const before = await footprint();
    expect(codes(await senior()(VOID, { id: cheque.id, reason }))).toEqual(['BANK_RECONCILED']);
    expect(await footprint()).toEqual(before);
    const [match] = await t.tenantSql<{ match_id: string }>(
      CLIENT,
      `SELECT i.match_id FROM bank_match_items i JOIN gl_lines l ON l.id = i.gl_line_id
       WHERE l.entry_id = $1 AND i.active`,
      [cheque.id],
    );
    const UNMATCH = `mutation ($id: ID!, $reason: String!) { unmatchBankLines(matchId: $id, reason: $reason) { active unmatchReason } }`;
    expect(codes(await senior()(UNMATCH, { id: match!.match_id, reason: 'wrong' }))).toEqual([
      'REASON_TOO_SHORT',
    ]);
    expect(ok(await senior()(UNMATCH, { id: match!.match_id, reason }))).toEqual({
      unmatchBankLines: { active: false, unmatchReason: reason },
    });
    expect(codes(await senior()(UNMATCH, { id: match!.match_id, reason }))).toEqual(['CONFLICT']);
    expect(ok(await senior()(VOID, { id: cheque.id, reason }))).toMatchObject({
      voidJournalEntry: { voided: true },
    });
    const r = await reconciliation('05-31');
    // The voided cheque and its reversal leave the book side; the bank's cheque is unmatched again.
    expect(r.unmatchedBookLines.edges).toEqual([]);
    expect(r.unmatchedStatementLines.edges.map((e) => e.node.amount)).toEqual(['-535.00']);
    expect(r).toMatchObject({ bookBalance: '12520.75', difference: '0.00', reconciled: false });
  });

  it('matches one statement line to two GL lines; of four people doing it at once one wins', async () => {
    await post('03-10', 'Cheque 1001, parte alquiler', '6201', '1110', '300.00');
    await post('03-10', 'Cheque 1001, parte reparaciones', '6302', '1110', '235.01');
    const r = await reconciliation('05-31');
    const line = r.unmatchedStatementLines.edges[0]!.node;
    const book = r.unmatchedBookLines.edges.map((e) => e.node);
    expect(book.map((b) => b.amount).sort()).toEqual(['-235.01', '-300.00']);
    const differ = await senior()(MATCH, {
      input: { statementLineIds: [line.id], bookLineIds: book.map((b) => b.id) },
    });
    expect(codes(differ)).toEqual(['BANK_MATCH_AMOUNTS_DIFFER']);
    expect(differ.errors?.[0]?.extensions).toMatchObject({ difference: '0.01' });
    await post('03-10', 'Corrección cheque 1001', '1110', '6302', '0.01');
    const all = (await reconciliation('05-31')).unmatchedBookLines.edges.map((e) => e.node.id);
    expect(all).toHaveLength(3);
    const before = await count('bank_match_items');
    const tries = await Promise.all(
      [1, 2, 3, 4].map(() => senior()(MATCH, { input: { statementLineIds: [line.id], bookLineIds: all } })),
    );
    const won = tries.filter((x) => !x.errors);
    expect(won).toHaveLength(1);
    expect(tries.filter((x) => x.errors).map(codes)).toEqual([
      ['BANK_LINE_ALREADY_MATCHED'],
      ['BANK_LINE_ALREADY_MATCHED'],
      ['BANK_LINE_ALREADY_MATCHED'],
    ]);
    expect(await count('bank_match_items')).toBe(before + 4);
    expect(await reconciliation('05-31')).toMatchObject({ difference: '0.00', reconciled: true });
  });

  it('lets a read-only user read but not match', async () => {
    const reader = t.as('client', CLIENT);
    const read = await reader(`{ bankAccounts { currency account { code } } }`);
    // The demo's client user reads only its own client: here it is not a member.
    expect(codes(read)).toEqual(['FORBIDDEN']);
    const junior = t.as('junior', CLIENT);
    expect(ok(await junior(`{ bankAccounts { currency account { code } } }`))).toEqual({
      bankAccounts: [{ currency: 'PAB', account: { code: '1110' } }],
    });
    expect(codes(await junior(MATCH, { input: { statementLineIds: ['x'], bookLineIds: ['1'] } }))).toEqual([
      'FORBIDDEN',
    ]);
  });
});
