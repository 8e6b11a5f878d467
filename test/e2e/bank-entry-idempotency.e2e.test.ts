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
 * `createEntryFromBankLine` with an idempotency key, through the gateway with real tokens: a retry
 * answers the first match and writes nothing, retries racing each other post one entry, and the
 * key given for another entry — or for another line the same entry would be posted from — is
 * refused. On a client provisioned for the test (base PAB).
 */
let t: TestStack;
const CLIENT = 'banco-reintentos-e2e';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const { senior, count, footprint } = bankClient(() => t, CLIENT, YEAR);
const CSV = [
  'Date,Description,Amount',
  `${YEAR}-07-03,Comisión por transferencia,-7.40`,
  `${YEAR}-07-18,Intereses ganados,2.15`,
  `${YEAR}-07-22,Cargo ACH,-0.75`,
  `${YEAR}-07-22,Cargo ACH,-0.75`,
  `${YEAR}-07-25,Cargo SWIFT,-1.25`,
  `${YEAR}-07-25,Cargo SWIFT,-1.25`,
  `${YEAR}-07-31,Cargo por chequera,-18.00`,
].join('\n');

type Created = {
  createEntryFromBankLine: { kind: string; amount: string; bookLines: { entry: { id: string } }[] };
};
let lines: Line[] = [];

beforeAll(async () => {
  t = await startTestStack();
  await provisionBankClient(t, CLIENT, 'Banco Reintentos E2E, S.A.');
  ok(
    await senior()(
      `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
      {
        input: { accountCode: '1110', currency: 'PAB' },
      },
    ),
  );
  lines = ok(
    await senior()<{ importBankStatement: Statement }>(IMPORT, {
      input: {
        accountCode: '1110',
        format: 'CSV',
        fileContent: CSV,
        csvMapping: {
          delimiter: ',',
          dateColumn: 'Date',
          dateFormat: 'YYYY_MM_DD',
          amountColumn: 'Amount',
          descriptionColumn: 'Description',
        },
        openingBalance: '0.00',
        closingBalance: '-27.25',
        periodStart: `${YEAR}-07-01`,
        periodEnd: `${YEAR}-07-31`,
      },
    }),
  ).importBankStatement.lines.edges.map((e) => e.node);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const create = (input: Record<string, unknown>) => senior()<Created>(CREATE, { input });

describe('an entry from a bank line, retried with its idempotency key', () => {
  it('answers a retry of the 7.40 fee with the first match, writing nothing more', async () => {
    const fee = lines.find((l) => l.amount === '-7.40')!;
    const input = { statementLineId: fee.id, accountCode: '6501', idempotencyKey: 'fee-0703' };
    const first = ok(await create(input)).createEntryFromBankLine;
    expect(first).toMatchObject({ kind: 'CREATED', amount: '-7.40' });
    const after = await footprint();
    const again = ok(await create(input)).createEntryFromBankLine;
    expect(again).toEqual(first);
    expect(await footprint()).toEqual(after);
  });

  it('posts one entry for eight retries of the 2.15 interest racing each other, all answered the same match', async () => {
    const interest = lines.find((l) => l.amount === '2.15')!;
    const input = { statementLineId: interest.id, accountCode: '7101', idempotencyKey: 'interest-0718' };
    const before = await count('journal_entries');
    const answers = await Promise.all(Array.from({ length: 8 }, () => create(input)));
    const entryIds = answers.map((a) => ok(a).createEntryFromBankLine.bookLines[0]!.entry.id);
    expect(new Set(entryIds).size).toBe(1);
    expect(await count('journal_entries')).toBe(before + 1);
    expect(await count('bank_matches', `kind = 'CREATED'`)).toBe(2);
  });

  it('refuses the key given for another entry (IDEMPOTENCY_KEY_REUSED) and one over 200 characters, writing nothing', async () => {
    const checkbook = lines.find((l) => l.amount === '-18.00')!;
    const before = await footprint();
    expect(
      codes(await create({ statementLineId: checkbook.id, accountCode: '6501', idempotencyKey: 'fee-0703' })),
    ).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(
      codes(
        await create({ statementLineId: checkbook.id, accountCode: '6501', idempotencyKey: 'k'.repeat(201) }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await footprint()).toEqual(before);
    // The same line without a key still posts, once.
    expect(
      ok(await create({ statementLineId: checkbook.id, accountCode: '6501' })).createEntryFromBankLine,
    ).toMatchObject({
      amount: '-18.00',
    });
  });
});

describe('one key for two identical statement lines', () => {
  const MATCH = `mutation ($input: CreateEntryFromBankLineInput!) { createEntryFromBankLine(input: $input) {
    id statementLines { id } bookLines { entry { id } } } }`;
  type Match = { id: string; statementLines: { id: string }[]; bookLines: { entry: { id: string } }[] };
  const createMatch = (statementLineId: string, idempotencyKey: string) =>
    senior()<{ createEntryFromBankLine: Match }>(MATCH, {
      input: { statementLineId, accountCode: '6501', idempotencyKey },
    });

  it("refuses the key for the second 0.75 ACH fee (IDEMPOTENCY_KEY_REUSED), never answering the first's match", async () => {
    const [a, b] = lines.filter((l) => l.amount === '-0.75').map((l) => l.id);
    const first = ok(await createMatch(a!, 'ach-fee-0722')).createEntryFromBankLine;
    expect(first.statementLines).toEqual([{ id: a }]);
    const before = await footprint();
    const refused = await createMatch(b!, 'ach-fee-0722');
    expect(codes(refused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      field: 'input.idempotencyKey',
      matchId: first.id,
    });
    expect(await footprint()).toEqual(before);
    expect(await count('bank_match_items', `statement_line_id = '${b}'`)).toBe(0);
    // The true retry still answers the first match; the second line posts under a key of its own.
    expect(ok(await createMatch(a!, 'ach-fee-0722')).createEntryFromBankLine).toEqual(first);
    const second = ok(await createMatch(b!, 'ach-fee-0722-b')).createEntryFromBankLine;
    expect(second.statementLines).toEqual([{ id: b }]);
    expect(second.bookLines[0]!.entry.id).not.toBe(first.bookLines[0]!.entry.id);
  });

  it('answers one of two identical SWIFT fees sent at once under one key and refuses the other, posting one entry', async () => {
    const [a, b] = lines.filter((l) => l.amount === '-1.25').map((l) => l.id);
    const before = await count('journal_entries');
    // Whichever commits first is the key's request; the other finds its entry and its line.
    const answers = await Promise.all([createMatch(a!, 'swift-0725'), createMatch(b!, 'swift-0725')]);
    expect(answers.map((r) => codes(r)[0] ?? 'OK').sort()).toEqual(['IDEMPOTENCY_KEY_REUSED', 'OK']);
    expect(await count('journal_entries')).toBe(before + 1);
  });
});
