import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { GqlResult } from './client.ts';
import type { TestStack } from './stack.ts';

/**
 * What the bank e2e tests share: their client (provisioned by each file), the fixture files and
 * their CSV mapping, the statement's fields as they read them, the reconciliation, and a client's
 * footprint (what a refusal must leave unchanged).
 */
export const LINES = `lines { edges { node { id date amount description matched suggestedAccount { code } } } }`;
export const STATEMENT = `id sequence periodStart openingBalance closingBalance currency deletedAt deleteReason ${LINES}`;
export const IMPORT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { ${STATEMENT} } }`;
export const CREATE = `mutation ($input: CreateEntryFromBankLineInput!) { createEntryFromBankLine(input: $input) {
  kind amount bookLines { amount entry { id } } } }`;
const RECON = `query ($code: String!, $asOf: Date!) { bankReconciliation(accountCode: $code, asOf: $asOf) {
  currency bookBalance statementBalance unmatchedStatementTotal unmatchedBookTotal difference reconciled
  unmatchedBookLines { edges { node { id amount } } } } }`;

export type Line = {
  id: string;
  date: string;
  amount: string;
  description: string;
  matched: boolean;
  suggestedAccount: { code: string } | null;
};
export type Statement = {
  id: string;
  sequence: number;
  openingBalance: string;
  closingBalance: string;
  currency: string;
  deletedAt: string | null;
  lines: { edges: { node: Line }[] };
};
export type Recon = {
  currency: string;
  bookBalance: string;
  statementBalance: string | null;
  unmatchedStatementTotal: string;
  unmatchedBookTotal: string;
  difference: string | null;
  reconciled: boolean;
  unmatchedBookLines: { edges: { node: { id: string; amount: string } }[] };
};

export const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data as T;
};

/** The senior's calls on `client`, its row counts, footprint and reconciliation (`t` once started). */
export function bankClient(t: () => TestStack, client: string, year: number) {
  const senior = () => t().as('senior', client);
  const count = async (table: string, where = 'true') =>
    Number(
      (
        await t().tenantSql<{ n: number }>(client, `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)
      )[0]?.n,
    );
  const footprint = async () => ({
    liveStatements: await count('bank_statements', 'deleted_at IS NULL'),
    matches: await count('bank_matches'),
    entries: await count('journal_entries'),
    rates: await count('exchange_rates'),
    audit: await count('audit_events'),
  });
  const reconciliation = async (code: string, asOf: string) =>
    ok(await senior()<{ bankReconciliation: Recon }>(RECON, { code, asOf: `${year}-${asOf}` }))
      .bankReconciliation;
  return { senior, count, footprint, reconciliation };
}

/** A file of `test/e2e/fixtures/bank`, its dates moved from 2026 to `year` (the client's). */
export const bankFixture = (name: string, year: number): string =>
  readFileSync(new URL(`../e2e/fixtures/bank/${name}`, import.meta.url), 'utf8').replaceAll(
    '2026',
    String(year),
  );

/** The mapping of the fixtures' Banco General CSV: semicolons, a decimal comma, a balance column. */
export const BANCO_GENERAL_CSV = {
  delimiter: ';',
  dateColumn: 'Fecha',
  dateFormat: 'DD_MM_YYYY',
  decimalSeparator: 'COMMA',
  debitColumn: 'Débito',
  creditColumn: 'Crédito',
  descriptionColumn: 'Descripción',
  referenceColumn: 'Referencia',
  counterpartyColumn: 'Beneficiario',
  balanceColumn: 'Saldo',
};

/** A client of the test's own, provisioned by the firm admin (today's fiscal year only). */
export async function provisionBankClient(t: TestStack, slug: string, name: string): Promise<void> {
  ok(
    await t.as('admin')(
      `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }`,
      { input: { slug, name } },
    ),
  );
}
