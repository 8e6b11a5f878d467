import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BANCO_GENERAL_CSV,
  bankClient,
  bankFixture,
  IMPORT,
  ok,
  provisionBankClient,
  type Statement,
} from '../support/bank-e2e.ts';
import { provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Statement files that would have misread money, through the gateway with real tokens, on a client
 * provisioned for the test: each refused with a stable code naming where, and nothing written (no
 * statement, no line, no audit event); then the same OFX with its true closing balance imported.
 */
let t: TestStack;
const CLIENT = 'banco-lectura-e2e';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const { senior, count } = bankClient(() => t, CLIENT, YEAR);
const fixture = (name: string) => bankFixture(name, YEAR);

/** The fixtures' mapping, for files of five columns: no reference, no counterparty. */
const CSV_MAPPING = { ...BANCO_GENERAL_CSV, referenceColumn: null, counterpartyColumn: null };
const csv = (rows: string[]) => ['Fecha;Descripción;Débito;Crédito;Saldo', ...rows].join('\n');
const attempt = (format: string, fileContent: string, extra: Record<string, unknown> = {}) =>
  senior()<{ importBankStatement: Statement }>(IMPORT, {
    input: { accountCode: '1110', format, fileContent, ...extra },
  });
const refusal = (r: GqlResult<unknown>) => ({
  codes: codes(r),
  line: r.errors?.[0]?.extensions?.line,
  field: r.errors?.[0]?.extensions?.field,
});
const written = async () => ({
  statements: await count('bank_statements'),
  lines: await count('bank_statement_lines'),
  audit: await count('audit_events', "action LIKE 'bank_statement.%'"),
});

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco Lectura E2E, S.A.');
  ok(
    await senior()(
      `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
      { input: { accountCode: '1110' } },
    ),
  );
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('statement files that would misread money', () => {
  it('refuses a CSV negative credit or debit, a row with both, a guessed space, a foreign code: nothing written', async () => {
    const before = await written();
    expect(before).toEqual({ statements: 0, lines: 0, audit: 0 });
    const file = (row: string) =>
      attempt('CSV', csv([`01/06/${YEAR};Depósito;;100,00;100,00`, row]), {
        csvMapping: CSV_MAPPING,
      });
    // Read as before, -50.00 of money in became +50.00, and the balance printed after it agreed.
    expect(refusal(await file(`02/06/${YEAR};Reverso;;-50,00;150,00`))).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: 3,
      field: 'credit',
    });
    expect(refusal(await file(`02/06/${YEAR};Reverso;(50,00);;50,00`))).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: 3,
      field: 'debit',
    });
    expect(refusal(await file(`02/06/${YEAR};Neto;50,00;20,00;70,00`))).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: 3,
      field: 'credit',
    });
    // "1 5,00" was 15.00; "5,00 EUR" was 5.00 of the account's PAB.
    expect(refusal(await file(`02/06/${YEAR};x;;1 5,00;115,00`))).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: 3,
      field: 'credit',
    });
    expect(codes(await file(`02/06/${YEAR};x;;5,00 EUR;105,00 EUR`))).toEqual(['CURRENCY_MISMATCH']);
    // "€" was read as the account's PAB: 5.00 of euros booked as balboas.
    expect(codes(await file(`02/06/${YEAR};x;;5,00 €;105,00 €`))).toEqual(['CURRENCY_MISMATCH']);
    expect(await written()).toEqual(before);
  });

  it('refuses an OFX with one FITID twice, and one whose closing balance or last day is not the one given: nothing written', async () => {
    const before = await written();
    const april = fixture('banco-general-2026-04.ofx');
    const twice = await attempt('OFX', april.replace('<FITID>202604200002', '<FITID>202604030001'));
    expect(refusal(twice)).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: undefined,
      field: 'STMTTRN[2].FITID',
    });
    expect(twice.errors?.[0]?.message).toContain('STMTTRN[1] and STMTTRN[2]');
    const stated = await attempt('OFX', april, { closingBalance: '10000.00' });
    expect(refusal(stated)).toEqual({
      codes: ['STATEMENT_UNBALANCED'],
      line: undefined,
      field: 'input.closingBalance',
    });
    expect(stated.errors?.[0]?.extensions).toMatchObject({ given: '10000.00', statement: '10800.75' });
    const may = fixture('banco-general-2026-05.camt053.xml');
    expect(codes(await attempt('CAMT053', may, { openingBalance: '10000.00' }))).toEqual([
      'STATEMENT_UNBALANCED',
    ]);
    expect(refusal(await attempt('CAMT053', may.replace('>15.00</Amt>', '>-15.00</Amt>')))).toEqual({
      codes: ['STATEMENT_FORMAT_INVALID'],
      line: undefined,
      field: 'Ntry[2].Amt',
    });
    // A last day given that is not the one the file states (BANKTRANLIST's DTEND): it was ignored.
    const [, y, m, d] = /<DTEND>(\d{4})(\d{2})(\d{2})/.exec(april) ?? [];
    const lastDay = `${y}-${m}-${d}`;
    const period = await attempt('OFX', april, { periodEnd: `${y}-${m}-15` });
    expect(refusal(period)).toEqual({ codes: ['BAD_USER_INPUT'], line: undefined, field: 'input.periodEnd' });
    expect(period.errors?.[0]?.extensions).toMatchObject({ given: `${y}-${m}-15`, statement: lastDay });
    expect(await written()).toEqual(before);
    // The same file with its own closing balance given is imported, lines and all.
    const imported = ok(
      await attempt('OFX', april, { closingBalance: '10800.75', periodEnd: lastDay }),
    ).importBankStatement;
    expect([imported.openingBalance, imported.closingBalance, imported.lines.edges.length]).toEqual([
      '10525.75',
      '10800.75',
      2,
    ]);
    expect(await written()).toEqual({ statements: 1, lines: 2, audit: 1 });
  });
});
