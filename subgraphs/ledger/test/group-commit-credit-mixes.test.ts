import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCredit, type DocumentRow, postDocument } from '../src/documents/index.ts';
import { createParty } from '../src/services/parties.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import {
  as,
  chainIntact,
  closeSettlementBooks,
  grouped,
  invoice,
  money,
  openOf,
  openSettlementBooks,
  outcome,
  t,
} from './settlement-books.ts';

// The credit applications' and write-offs' lanes under load (src/documents/apply-credit-each.ts,
// src/write-offs/write-offs-each.ts): random mixes of applications, write-offs and receipts racing
// on a few invoices and two credits, all asked at once and grouped however they meet.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

type Step =
  | { kind: 'apply'; credit: number; invoice: number; amount: string }
  | { kind: 'writeOff'; invoice: number; amount: string | null }
  | { kind: 'receipt'; invoice: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('apply' as const),
    credit: fc.nat(1),
    invoice: fc.nat(2),
    amount: fc.constantFrom('5.00', '10.00', '20.00'),
  }),
  fc.record({
    kind: fc.constant('writeOff' as const),
    invoice: fc.nat(2),
    amount: fc.constantFrom(null, '5.00'),
  }),
  fc.record({ kind: fc.constant('receipt' as const), invoice: fc.nat(2) }),
);

/** A party's figures: what stays open on its invoices, what is left of its credits, its receivable. */
async function figures(party: string, invoices: readonly DocumentRow[], credits: readonly DocumentRow[]) {
  const { rows: left } = await t.admin.query(
    `SELECT c.id, c.credit_minor - coalesce((SELECT sum(a.amount_minor) FROM allocations a
        WHERE a.invoice_id = c.id), 0) AS left FROM documents c WHERE c.id = ANY ($1::uuid[])`,
    [credits.map((c) => c.id)],
  );
  const { rows: ar } = await t.admin.query(
    `SELECT coalesce(sum(l.amount_minor), 0)::text AS ar FROM gl_lines l
       JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = 'DefaultAR'
      WHERE l.party_id = $1`,
    [party],
  );
  return {
    open: (await openOf(invoices)).map(BigInt),
    left: left.map((r) => BigInt(r.left)),
    receivable: BigInt(ar[0].ar),
  };
}

describe('random mixes of concurrent credit applications, write-offs and receipts (fast-check)', () => {
  it('never settles an invoice or uses a credit beyond its total, and answers each exactly, however they group', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 16 }), async (mix) => {
        run++;
        const party = (await createParty(grouped, { kind: 'CUSTOMER', code: `M${run}`, name: `Mix ${run}` }))
          .id;
        const invoices = [
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
        ];
        const credits: DocumentRow[] = [];
        for (let k = 0; k < 2; k++) {
          const draft = await money('CUSTOMER_RECEIPT', '20.00', [], { partyId: party });
          credits.push(await postDocument(grouped, draft.id, 'PAYMENT'));
        }
        const receipts = new Map<number, string>();
        for (const [i, s] of mix.entries()) {
          if (s.kind !== 'receipt') continue;
          const target = invoices[s.invoice] as DocumentRow;
          const draft = await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: target, amount: '10.00' }], {
            partyId: party,
          });
          receipts.set(i, draft.id);
        }
        const results = await Promise.all(
          mix.map((s, i) => {
            const books = as(grouped, 1200 + i);
            if (s.kind === 'receipt')
              return outcome(postDocument(books, receipts.get(i) as string, 'PAYMENT'));
            const target = (invoices[s.invoice] as DocumentRow).id;
            if (s.kind === 'writeOff') {
              return outcome(
                writeOffBadDebt(books, {
                  invoiceId: target,
                  documentDate: '2026-05-20',
                  amount: s.amount,
                  reason: 'The customer has closed; nothing will be paid',
                }),
              );
            }
            return outcome(
              applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', {
                creditId: (credits[s.credit] as DocumentRow).id,
                invoiceId: target,
                amount: s.amount,
                date: '2026-05-20',
              }),
            );
          }),
        );
        // Every answer is a posted document or an over-allocation, never anything else.
        for (const r of results) expect(r.code ?? r.value?.status).toMatch(/^(POSTED|OVER_ALLOCATION)$/);
        const { open, left, receivable } = await figures(party, invoices, credits);
        // Nothing settled beyond an invoice's total, no credit used beyond what it held.
        for (const o of open) expect(o).toBeGreaterThanOrEqual(0n);
        for (const l of left) expect(l).toBeGreaterThanOrEqual(0n);
        // The receivable is what stays open less the credits left: every posting balanced its part.
        const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
        expect(receivable).toBe(sum(open) - sum(left));
        // What was posted is exactly what the answers say: one entry each, and a refused
        // application or write-off left no document behind.
        const { rows } = await t.admin.query(
          `SELECT count(*) FILTER (WHERE status = 'POSTED')::int AS posted,
                  count(*) FILTER (WHERE status = 'DRAFT')::int AS drafts
             FROM documents WHERE party_id = $1 AND kind IN ('CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF')`,
          [party],
        );
        const made = mix.filter((s, i) => s.kind !== 'receipt' && results[i]?.value).length;
        expect(rows[0]).toEqual({ posted: made, drafts: 0 });
      }),
      { numRuns: 10 },
    );
    for (const kind of ['CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF', 'CUSTOMER_RECEIPT']) {
      const { rows } = await t.admin.query(
        `SELECT split_part(number, '-', 3)::int AS n FROM documents WHERE kind = $1 AND number IS NOT NULL ORDER BY 1`,
        [kind],
      );
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
    }
    await chainIntact();
  });
});
