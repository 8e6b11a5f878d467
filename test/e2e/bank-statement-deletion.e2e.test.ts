import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BANCO_GENERAL_CSV,
  bankClient,
  bankFixture,
  CREATE,
  IMPORT,
  ok,
  provisionBankClient,
  type Statement,
} from '../support/bank-e2e.ts';
import { provisionedYear } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Deleting a wrongly imported statement (issue 19 §1 leftover) through the gateway with real
 * tokens, on a client provisioned for the test: only the latest statement and none of its lines
 * matched, audited, refusals writing nothing, the same file imported again afterwards, and a
 * match racing the deletion.
 */
let t: TestStack;
const CLIENT = 'banco-extractos-e2e';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const { senior, footprint, reconciliation } = bankClient(() => t, CLIENT, YEAR);
const fixture = (name: string) => bankFixture(name, YEAR);
const REASON = 'Imported against the wrong bank account by mistake';

const CSV_MAPPING = BANCO_GENERAL_CSV;
const DELETE = `mutation ($id: ID!, $reason: String!) { deleteBankStatement(statementId: $id, reason: $reason) {
  id deletedAt deleteReason } }`;
const MATCH = `mutation ($input: MatchBankLinesInput!) { matchBankLines(input: $input) { id } }`;

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco Extractos E2E, S.A.');
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

describe('deleting a wrongly imported statement', () => {
  let march: Statement;
  let april: Statement;
  const importFile = (format: string, name: string, extra: Record<string, unknown> = {}) =>
    senior()<{ importBankStatement: Statement }>(IMPORT, {
      input: { accountCode: '1110', format, fileContent: fixture(name), ...extra },
    });

  it('imports March and April on the PAB account', async () => {
    march = ok(
      await importFile('CSV', 'banco-general-2026-03.csv', {
        csvMapping: CSV_MAPPING,
        periodStart: `${YEAR}-03-01`,
        periodEnd: `${YEAR}-03-31`,
      }),
    ).importBankStatement;
    april = ok(await importFile('OFX', 'banco-general-2026-04.ofx')).importBankStatement;
    expect([march.sequence, april.sequence, april.openingBalance]).toEqual([1, 2, '10525.75']);
  });

  it('refuses, writing nothing: not the latest, a short reason, a user without GL.Post, a line matched', async () => {
    const before = await footprint();
    const notLatest = await senior()(DELETE, { id: march.id, reason: REASON });
    expect(codes(notLatest)).toEqual(['STATEMENT_NOT_LATEST']);
    expect(notLatest.errors?.[0]?.extensions).toMatchObject({ latestStatementId: april.id });
    expect(codes(await senior()(DELETE, { id: april.id, reason: 'wrong file' }))).toEqual([
      'REASON_TOO_SHORT',
    ]);
    expect(codes(await t.as('junior', CLIENT)(DELETE, { id: april.id, reason: REASON }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await senior()(DELETE, { id: 'not-an-id', reason: REASON }))).toEqual(['NOT_FOUND']);
    // On the PAB account an entry from a line takes no rate but 1.
    const fee = march.lines.edges.find((e) => e.node.amount === '-12.50')!.node;
    expect(
      codes(
        await senior()(CREATE, {
          input: { statementLineId: fee.id, accountCode: '6501', exchangeRate: '1.5' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await footprint()).toEqual(before);

    // April's 500.00 receipt matched to its entry: the statement cannot go until it is unmatched.
    const entry = ok(
      await senior()<{ postJournalEntry: { id: string } }>(
        `mutation ($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`,
        {
          input: {
            postingDate: `${YEAR}-04-03`,
            memo: 'Hospedaje vendido',
            lines: [
              { accountCode: '1110', debit: '500.00' },
              { accountCode: '4102', credit: '500.00' },
            ],
          },
        },
      ),
    ).postJournalEntry;
    const [gl] = await t.tenantSql<{ id: string }>(
      CLIENT,
      `SELECT l.id::text AS id FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = $1 AND a.code = '1110'`,
      [entry.id],
    );
    const receipt = april.lines.edges.find((e) => e.node.amount === '500.00')!.node;
    const match = ok(
      await senior()<{ matchBankLines: { id: string } }>(MATCH, {
        input: { statementLineIds: [receipt.id], bookLineIds: [gl!.id] },
      }),
    ).matchBankLines;
    const matched = await footprint();
    const refused = await senior()(DELETE, { id: april.id, reason: REASON });
    expect(codes(refused)).toEqual(['STATEMENT_MATCHED']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ matchedLines: 1 });
    expect(await footprint()).toEqual(matched);
    ok(
      await senior()(
        `mutation ($id: ID!, $reason: String!) { unmatchBankLines(matchId: $id, reason: $reason) { active } }`,
        { id: match.id, reason: 'The statement itself is being deleted and imported again' },
      ),
    );
  });

  it('deletes April with its reason, audited; the reconciliation falls back to March', async () => {
    const before = await footprint();
    const deleted = ok(
      await senior()<{ deleteBankStatement: { id: string; deletedAt: string | null; deleteReason: string } }>(
        DELETE,
        { id: april.id, reason: REASON },
      ),
    ).deleteBankStatement;
    expect(deleted.deletedAt).not.toBeNull();
    expect(deleted.deleteReason).toBe(REASON);
    expect(await footprint()).toEqual({
      ...before,
      liveStatements: before.liveStatements - 1,
      audit: before.audit + 1,
    });
    const [event] = await t.tenantSql<{ action: string; reason: string }>(
      CLIENT,
      `SELECT action, reason FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at DESC LIMIT 1`,
      [april.id],
    );
    expect(event).toEqual({ action: 'bank_statement.deleted', reason: REASON });
    const listed = ok(
      await senior()<{ bankAccount: { statements: { edges: { node: { id: string } }[] } } }>(
        `{ bankAccount(accountCode: "1110") { statements { edges { node { id } } } } }`,
      ),
    ).bankAccount.statements.edges.map((e) => e.node.id);
    expect(listed).toEqual([march.id]);
    // March's closing balance stands on 30 April: April's lines are no longer the bank's.
    expect((await reconciliation('1110', '04-30')).statementBalance).toBe('10525.75');
    expect(codes(await senior()(DELETE, { id: april.id, reason: REASON }))).toEqual(['CONFLICT']);
    // A deleted statement's lines are matched no more.
    const receipt = april.lines.edges.find((e) => e.node.amount === '500.00')!.node;
    const book = (await reconciliation('1110', '04-30')).unmatchedBookLines.edges[0]!.node;
    expect(
      codes(await senior()(MATCH, { input: { statementLineIds: [receipt.id], bookLineIds: [book.id] } })),
    ).toEqual(['NOT_FOUND']);
  });

  it('imports the same April file again: not a duplicate, second in the chain again', async () => {
    const again = ok(await importFile('OFX', 'banco-general-2026-04.ofx')).importBankStatement;
    expect(again.id).not.toBe(april.id);
    expect(again).toMatchObject({ sequence: 2, openingBalance: '10525.75', closingBalance: '10800.75' });
    expect(codes(await importFile('OFX', 'banco-general-2026-04.ofx'))).toEqual(['STATEMENT_DUPLICATE']);
    expect((await reconciliation('1110', '04-30')).statementBalance).toBe('10800.75');
    april = again;
  });

  it('of a match of its line and its deletion at once, exactly one wins and the other is refused', async () => {
    const receipt = april.lines.edges.find((e) => e.node.amount === '500.00')!.node;
    const book = (await reconciliation('1110', '04-30')).unmatchedBookLines.edges[0]!.node;
    expect(book.amount).toBe('500.00');
    const [match, deletion] = await Promise.all([
      senior()(MATCH, { input: { statementLineIds: [receipt.id], bookLineIds: [book.id] } }),
      senior()(DELETE, { id: april.id, reason: REASON }),
    ]);
    const [live] = await t.tenantSql<{ deleted: boolean; matched: number }>(
      CLIENT,
      `SELECT s.deleted_at IS NOT NULL AS deleted,
         (SELECT count(*)::int FROM bank_match_items i WHERE i.statement_line_id = $2 AND i.active) AS matched
       FROM bank_statements s WHERE s.id = $1`,
      [april.id, receipt.id],
    );
    if (match.errors) {
      expect(codes(match)).toEqual(['NOT_FOUND']);
      expect(deletion.errors).toBeUndefined();
      expect(live).toEqual({ deleted: true, matched: 0 });
    } else {
      expect(codes(deletion)).toEqual(['STATEMENT_MATCHED']);
      expect(live).toEqual({ deleted: false, matched: 1 });
    }
  });
});
