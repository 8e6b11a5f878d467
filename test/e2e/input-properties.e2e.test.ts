import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedCodes } from '../fuzz/oracle.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Property: whatever a client sends in the input scalars and the posting and document inputs, the
 * answer is data or a documented refusal — never an internal error (the test client throws on one)
 * and never an undocumented code. fast-check prints the seed and the shrunk input of a failure.
 */
let t: TestStack;
let partyId: string;
const documented = documentedCodes();
beforeAll(async () => {
  t = await startTestStack();
  const party = await t.as(
    'senior',
    'cafe-boquete',
  )<{ createParty: { id: string } }>(
    'mutation { createParty(input: { kind: CUSTOMER, code: "PROP", name: "Propiedades S.A." }) { id } }',
  );
  partyId = party.data?.createParty.id as string;
});
afterAll(() => t?.close());

/** Text a client might send: anything Unicode, NULs, lone surrogates, very long. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', 'a\u0000b', 'x\ud800', '\udfffy', 'x'.repeat(1_001), '1110', '4101'),
);
/** Money and decimals as clients get them wrong: exponents, signs, too many digits, numbers. */
const decimal = fc.oneof(
  fc.constantFrom(
    '1.00',
    '0',
    '-5.00',
    '1e3',
    '1.001',
    '.5',
    '9999999999999.99',
    '1'.padEnd(31, '0'),
    'NaN',
    '',
  ),
  fc
    .integer({ min: -1_000_000, max: 1_000_000 })
    .map((n) => `${n}.${String(Math.abs(n) % 100).padStart(2, '0')}`),
  fc.double().map(String),
);
const date = fc.oneof(
  fc.constantFrom('0000-01-01', '2026-02-30', '2026-13-01', '99999-01-01', 'today', '', '1899-12-31'),
  fc
    .date({ min: new Date('1800-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
);
const line = fc.record(
  {
    accountCode: fc.oneof(fc.constantFrom('1110', '4101', '2201', '6501'), text),
    debit: decimal,
    credit: decimal,
    memo: text,
  },
  { requiredKeys: ['accountCode'] },
);
const entry = fc.record(
  { postingDate: date, memo: text, idempotencyKey: text, lines: fc.array(line, { maxLength: 4 }) },
  { requiredKeys: ['postingDate', 'lines'] },
);
const documentLine = fc.record(
  {
    description: text,
    accountCode: fc.constantFrom('4101', '4102', 'nope'),
    quantity: decimal,
    unitPrice: decimal,
    taxCode: fc.constantFrom('ITBMS7', 'EXENTO', 'X'),
  },
  { requiredKeys: ['quantity'] },
);

function judged(r: GqlResult<unknown>): void {
  for (const code of codes(r)) expect(documented.has(String(code)), `undocumented code ${code}`).toBe(true);
}

describe('random input never reaches an internal error', () => {
  it('postJournalEntry', async () => {
    await fc.assert(
      fc.asyncProperty(entry, async (input) => {
        judged(
          await t.as('senior', 'cafe-boquete')(
            'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
            { input },
          ),
        );
      }),
      { numRuns: 80 },
    );
  });

  it('createSalesInvoice', async () => {
    await fc.assert(
      fc.asyncProperty(
        date,
        text,
        fc.array(documentLine, { maxLength: 3 }),
        async (documentDate, memo, lines) => {
          judged(
            await t.as('senior', 'cafe-boquete')(
              'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
              {
                input: { partyId, documentDate, memo, lines },
              },
            ),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the scalars, each on its own', async () => {
    await fc.assert(
      fc.asyncProperty(date, fc.oneof(date, text), decimal, async (asOf, asAt, rate) => {
        judged(
          await t.as('senior', 'cafe-boquete')(
            'query($d: Date!, $at: DateTime) { trialBalance(asOf: $d, asAt: $at) { totalDebit } }',
            { d: asOf, at: asAt },
          ),
        );
        judged(
          await t.as('senior', 'cafe-boquete')(
            'mutation($r: Decimal!, $d: Date!) { overrideExchangeRate(currency: "EUR", date: $d, rate: $r, reason: "a property-based test of the rate input") { rate } }',
            { r: rate, d: asOf },
          ),
        );
      }),
      { numRuns: 40 },
    );
  });
});
