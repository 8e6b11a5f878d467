import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCredit, createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import {
  as,
  chainIntact,
  closeSettlementBooks,
  grouped,
  invoice,
  money,
  note,
  openOf,
  openSettlementBooks,
  outcome,
  t,
} from './settlement-books.ts';

// The books' lane under load (src/services/books-lane.ts): random mixes of credit applications,
// write-offs, receipts, credit notes, manual entries and the posting of an invoice that others use,
// racing on a few invoices and two credits, all asked at once and grouped however they meet — every
// kind read and checked in its own pass, written together, what one pass posts or settles claimed
// against the later ones.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

// Invoices #0–#2 are posted beforehand; #3 is a draft that a `post` step posts, so that an
// application or write-off of it is posted only once the group has posted it (else refused).
type Step =
  | { kind: 'apply'; credit: number; invoice: number; amount: string }
  | { kind: 'writeOff'; invoice: number; amount: string | null }
  | { kind: 'receipt'; invoice: number }
  | { kind: 'note'; invoice: number }
  | { kind: 'post' }
  | { kind: 'entry' };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('apply' as const),
    credit: fc.nat(1),
    invoice: fc.nat(3),
    amount: fc.constantFrom('5.00', '10.00', '20.00'),
  }),
  fc.record({
    kind: fc.constant('writeOff' as const),
    invoice: fc.nat(3),
    amount: fc.constantFrom(null, '5.00'),
  }),
  fc.record({ kind: fc.constant('receipt' as const), invoice: fc.nat(2) }),
  fc.record({ kind: fc.constant('note' as const), invoice: fc.nat(2) }),
  fc.record({ kind: fc.constant('post' as const) }),
  fc.record({ kind: fc.constant('entry' as const) }),
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

describe('random mixes of concurrent postings of every kind (fast-check)', () => {
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
          await createDraft(grouped, 'SALES_INVOICE', {
            partyId: party,
            documentDate: '2026-05-04',
            lines: [{ accountCode: '4101', quantity: '1', unitPrice: '30', taxCode: 'ITBMS7' }],
          }),
        ];
        const credits: DocumentRow[] = [];
        for (let k = 0; k < 2; k++) {
          const draft = await money('CUSTOMER_RECEIPT', '20.00', [], { partyId: party });
          credits.push(await postDocument(grouped, draft.id, 'PAYMENT'));
        }
        // Receipts of 10.00 and credit notes of 5.35 (5.00 and its tax) on invoices #0–#2, drafted beforehand.
        const drafts = new Map<number, string>();
        for (const [i, s] of mix.entries()) {
          if (s.kind !== 'receipt' && s.kind !== 'note') continue;
          const target = invoices[s.invoice] as DocumentRow;
          const draft =
            s.kind === 'note'
              ? await note('5', target, party)
              : await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: target, amount: '10.00' }], {
                  partyId: party,
                });
          drafts.set(i, draft.id);
        }
        const results = await Promise.all(
          mix.map((s, i) => {
            const books = as(grouped, 1200 + i);
            if (s.kind === 'receipt' || s.kind === 'note')
              return outcome(
                postDocument(books, drafts.get(i) as string, s.kind === 'note' ? 'SALES' : 'PAYMENT'),
              );
            if (s.kind === 'post')
              return outcome(postDocument(books, (invoices[3] as DocumentRow).id, 'SALES'));
            if (s.kind === 'entry') {
              return outcome(
                postJournalEntry(books.db, books.company, books.actor, {
                  postingDate: '2026-05-20',
                  memo: `mix ${run}`,
                  lines: [
                    { accountCode: '1110', debit: '1.00' },
                    { accountCode: '4101', credit: '1.00' },
                  ],
                }),
              );
            }
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
        // Every answer is a posted document or entry or an over-allocation; an application or
        // write-off of #3 is refused as such only when it ran before #3 was posted.
        const posted3 = (await t.admin.query(`SELECT status FROM documents WHERE id = $1`, [invoices[3]?.id]))
          .rows[0].status;
        expect(posted3).toBe(mix.some((s) => s.kind === 'post') ? 'POSTED' : 'DRAFT');
        for (const [i, r] of results.entries()) {
          const s = mix[i] as Step;
          const onDraft = 'invoice' in s && s.invoice === 3;
          // A manual entry's answer is its entry (no status): posted.
          const answer = r.code ?? (s.kind === 'entry' ? 'POSTED' : (r.value as DocumentRow).status);
          expect(answer).toMatch(
            onDraft ? /^(POSTED|OVER_ALLOCATION|BAD_USER_INPUT)$/ : /^(POSTED|OVER_ALLOCATION)$/,
          );
          if (onDraft && answer === 'POSTED') expect(posted3).toBe('POSTED');
        }
        // The credits: the two receipts' and what the notes left on account.
        const notes = mix.flatMap((s, i) =>
          s.kind === 'note' && results[i]?.value ? [results[i].value] : [],
        );
        const { open, left, receivable } = await figures(
          party,
          posted3 === 'POSTED' ? invoices : invoices.slice(0, 3),
          [...credits, ...(notes as DocumentRow[])],
        );
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
        const made = mix.filter(
          (s, i) => (s.kind === 'apply' || s.kind === 'writeOff') && results[i]?.value,
        ).length;
        expect(rows[0]).toEqual({ posted: made, drafts: 0 });
      }),
      { numRuns: 10 },
    );
    for (const kind of [
      'CUSTOMER_CREDIT_APPLICATION',
      'BAD_DEBT_WRITE_OFF',
      'CUSTOMER_RECEIPT',
      'CREDIT_NOTE',
      'SALES_INVOICE',
    ]) {
      const { rows } = await t.admin.query(
        `SELECT split_part(number, '-', 3)::int AS n FROM documents WHERE kind = $1 AND number IS NOT NULL ORDER BY 1`,
        [kind],
      );
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
    }
    await chainIntact();
  });
});
