import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCredit, type DocumentRow, type Family, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import {
  as,
  callsInOneGroup,
  chainIntact,
  closeSettlementBooks,
  grouped,
  groups,
  invoice,
  money,
  note,
  openOf,
  openSettlementBooks,
  outcome,
  postedOf,
  t,
} from './settlement-books.ts';
import { plug, textsSentDuring } from './test-books.ts';

// The documents lane under load (src/documents/post-each.ts): what a group asks of the control plane
// once for all its postings, and random mixes of notes and receipts racing on a few invoices, however
// they group.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

describe('the control plane, asked once a group', () => {
  it('reads the client settings and a currency minor units once for a group of 8 receipts, not once a posting', async () => {
    t.settings.receiptToleranceMinor = 5;
    try {
      const invoices: DocumentRow[] = [];
      for (let i = 0; i < 8; i++) invoices.push(await invoice('30'));
      const drafts: DocumentRow[] = [];
      for (const inv of invoices)
        drafts.push(await money('CUSTOMER_RECEIPT', '32.10', [{ invoice: inv, amount: '32.10' }]));
      // Each posting with books of its own, as each request has: each counts what it is asked.
      const asked = { settings: 0, minorUnits: 0 };
      // How many statements had been sent when the settings were asked.
      let askedAt = -1;
      const { texts } = await textsSentDuring(async (sent) => {
        const own = (i: number): Books => ({
          ...as(grouped, 780 + i),
          settings: () => {
            asked.settings++;
            askedAt = sent.length;
            return grouped.settings();
          },
          minorUnits: (currency, field) => {
            asked.minorUnits++;
            return grouped.minorUnits(currency, field);
          },
        });
        const held = await plug(groups, drafts.length);
        const calls = drafts.map((d, i) => outcome(postDocument(own(i), d.id, 'PAYMENT')));
        await held.done;
        expect((await Promise.all(calls)).map((r) => r.value?.status)).toEqual(drafts.map(() => 'POSTED'));
      });
      expect(asked).toEqual({ settings: 1, minorUnits: 1 });
      // Asked before the group's read of its drafts was sent, so that the two overlap.
      const draftsRead = texts.findIndex((q) => q.includes('cifra_lock_documents('));
      expect(draftsRead).toBeGreaterThan(0);
      expect(askedAt).toBeLessThanOrEqual(draftsRead);
    } finally {
      delete t.settings.receiptToleranceMinor;
    }
  });
});

describe("a group's periods and keys, held while its documents are checked", () => {
  const holds = (texts: readonly string[]) =>
    texts.flatMap((q, i) => (q.includes('cifra_held_posting_books') ? [i] : []));
  const at = (texts: readonly string[], part: string) => texts.findIndex((q) => q.includes(part));
  /** What the group sent between its drafts' read and its entries' call. */
  const between = (texts: readonly string[]) =>
    texts.slice(at(texts, 'cifra_draft_allocations_of(') + 1, at(texts, 'cifra_post_entries_as'));
  const entry = (i: number) =>
    postJournalEntry(grouped.db, grouped.company, as(grouped, 790 + i).actor, {
      postingDate: '2026-05-21',
      memo: `held ahead ${i}`,
      lines: [
        { accountCode: '1110', debit: '1.00' },
        { accountCode: '4101', credit: '1.00' },
      ],
    });

  it('are asked once, ahead of the lock of what the receipts settle, in its round trip', async () => {
    const invoices = [await invoice('40'), await invoice('40')];
    const receipts = [
      await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: invoices[0] as DocumentRow, amount: '10.00' }]),
      await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: invoices[1] as DocumentRow, amount: '10.00' }]),
    ];
    const { texts, result } = await textsSentDuring(() =>
      callsInOneGroup<unknown>(3, (i) =>
        i < 2 ? postDocument(as(grouped, 780 + i), (receipts[i] as DocumentRow).id, 'PAYMENT') : entry(i),
      ),
    );
    expect(result.map((r) => r.code ?? 'POSTED')).toEqual(['POSTED', 'POSTED', 'POSTED']);
    // One hold, after the drafts' read, carried by the round trip that locks the invoices they
    // settle, ahead of the lock: the gates are held first, as a lone posting holds them.
    const [hold, ...more] = holds(texts);
    expect(more).toEqual([]);
    expect(hold).toBeGreaterThan(at(texts, 'cifra_draft_allocations_of('));
    expect(hold).toBe(at(texts, 'cifra_live_allocations('));
    const carrier = texts[hold as number] as string;
    expect(carrier.indexOf('cifra_held_posting_books')).toBeLessThan(carrier.indexOf('cifra_lock_documents'));
    expect(hold).toBeLessThan(at(texts, 'cifra_post_entries_as'));
    // Nothing else between the drafts' read and the entries.
    expect(between(texts)).toEqual([carrier]);
    expect(await openOf(invoices)).toEqual(['3280', '3280']);
    await chainIntact();
  });

  it("are asked once with a credit application's, whose reads ride with the receipt's lock", async () => {
    const [open, other] = [await invoice('40'), await invoice('40')];
    const credit = await postDocument(grouped, (await money('CUSTOMER_RECEIPT', '20.00', [])).id, 'PAYMENT');
    const receipt = await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: other, amount: '10.00' }]);
    const { texts, result } = await textsSentDuring(() =>
      callsInOneGroup<unknown>(3, (i) =>
        i === 0
          ? postDocument(as(grouped, 785), receipt.id, 'PAYMENT')
          : i === 1
            ? applyCredit(as(grouped, 786), 'CUSTOMER_CREDIT_APPLICATION', {
                creditId: credit.id,
                invoiceId: open.id,
                amount: '5.00',
                date: '2026-05-22',
              })
            : entry(i),
      ),
    );
    expect(result.map((r) => r.code ?? 'POSTED')).toEqual(['POSTED', 'POSTED', 'POSTED']);
    // The application's id is drawn before anything is read: its date and key are held with the
    // others, in one statement, ahead of the application's lock and the receipt's, in one round trip.
    const [hold, ...more] = holds(texts);
    expect(more).toEqual([]);
    const carrier = (texts[hold as number] as string).split(';\n');
    const lockOf = (id: string) =>
      carrier.findIndex((q) => q.includes('cifra_lock_documents') && q.includes(id));
    const held = carrier.findIndex((q) => q.includes('cifra_held_posting_books'));
    expect([lockOf(credit.id), lockOf(open.id), lockOf(other.id)].every((k) => k > held)).toBe(true);
    const [application] = postedOf(result as { value?: DocumentRow }[]).filter(
      (d) => d.kind === 'CUSTOMER_CREDIT_APPLICATION',
    );
    expect(carrier[held]).toContain(`document:${application?.id}`);
    expect(between(texts)).toEqual([texts[hold as number]]);
    expect(await openOf([open, other])).toEqual(['3780', '3280']);
    await chainIntact();
  });
});

describe('random mixes of concurrent notes and receipts on a few invoices (fast-check)', () => {
  type Draft =
    | { kind: 'receipt'; amounts: [number, string][]; onAccount: boolean }
    | { kind: 'note'; invoice: number | null; price: string }
    | { kind: 'twice'; invoice: number };
  const draft: fc.Arbitrary<Draft> = fc.oneof(
    fc.record({
      kind: fc.constant('receipt' as const),
      amounts: fc.uniqueArray(fc.tuple(fc.nat(2), fc.constantFrom('5.00', '10.00', '20.00', '32.10')), {
        minLength: 0,
        maxLength: 2,
        selector: ([invoice]) => invoice,
      }),
      onAccount: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('note' as const),
      invoice: fc.option(fc.nat(2), { nil: null }),
      price: fc.constantFrom('1', '10', '50'),
    }),
    fc.record({ kind: fc.constant('twice' as const), invoice: fc.nat(2) }),
  );

  it('never settles an invoice beyond its total and answers each posting exactly, however they group', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 16 }), async (mix) => {
        run++;
        const party = (await createParty(grouped, { kind: 'CUSTOMER', code: `P${run}`, name: `Mix ${run}` }))
          .id;
        const invoices = [
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
        ];
        const drafts: { id: string; family: Family; twice: boolean }[] = [];
        for (const d of mix) {
          if (d.kind === 'note') {
            const n = await note(d.price, d.invoice === null ? undefined : invoices[d.invoice], party);
            drafts.push({ id: n.id, family: 'SALES', twice: false });
            continue;
          }
          const amounts = d.kind === 'twice' ? ([[d.invoice, '10.00']] as [number, string][]) : d.amounts;
          const allocated = amounts.reduce((sum, [, a]) => sum + Math.round(Number(a) * 100), 0);
          const extra = d.kind === 'receipt' && d.onAccount ? 250 : 0;
          const r = await money(
            'CUSTOMER_RECEIPT',
            ((allocated + extra || 100) / 100).toFixed(2),
            amounts.map(([k, amount]) => ({ invoice: invoices[k] as DocumentRow, amount })),
            { partyId: party },
          );
          drafts.push({ id: r.id, family: 'PAYMENT', twice: d.kind === 'twice' });
        }
        const calls = drafts.flatMap((d, i) => {
          const ask = () => outcome(postDocument(as(grouped, 900 + i), d.id, d.family));
          return d.twice ? [ask(), ask()] : [ask()];
        });
        const results = await Promise.all(calls);
        // Every answer is a posted document or an over-allocation, never anything else.
        for (const r of results) expect(r.code ?? r.value?.status).toMatch(/^(POSTED|OVER_ALLOCATION)$/);
        // A draft asked twice is answered twice alike.
        let k = 0;
        for (const d of drafts) {
          const first = results[k++];
          if (d.twice) expect(results[k++]).toEqual(first);
        }
        const { rows } = await t.admin.query(
          `SELECT d.id, d.status, d.total_minor::text AS total, d.credit_minor::text AS credit,
                  coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.source_document_id = d.id), 0)::text AS allocated,
                  (SELECT count(*) FROM journal_entries e WHERE e.source_id = d.id)::int AS entries
             FROM documents d WHERE d.id = ANY ($1::uuid[])`,
          [drafts.map((d) => d.id)],
        );
        for (const r of rows) {
          if (r.status === 'POSTED') {
            // What a document does not allocate is its credit on account.
            expect(BigInt(r.total)).toBe(BigInt(r.credit) + BigInt(r.allocated));
            expect(r.entries).toBe(1);
          } else {
            expect([r.status, r.allocated, r.entries]).toEqual(['DRAFT', '0', 0]);
          }
        }
        // No invoice settled beyond its total; the party's receivable is what stays open less its credits.
        for (const open of await openOf(invoices)) expect(BigInt(open)).toBeGreaterThanOrEqual(0n);
        const { rows: ar } = await t.admin.query(
          `SELECT coalesce(sum(l.amount_minor), 0)::text AS ar FROM gl_lines l
             JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = 'DefaultAR'
            WHERE l.party_id = $1`,
          [party],
        );
        const { rows: credit } = await t.admin.query(
          `SELECT coalesce(sum(credit_minor), 0)::text AS c FROM documents WHERE party_id = $1 AND status = 'POSTED'`,
          [party],
        );
        const open = (await openOf(invoices)).reduce((sum, o) => sum + BigInt(o), 0n);
        expect(BigInt(ar[0].ar)).toBe(open - BigInt(credit[0].c));
      }),
      { numRuns: 10 },
    );
    for (const kind of ['CUSTOMER_RECEIPT', 'CREDIT_NOTE', 'SALES_INVOICE']) {
      const { rows } = await t.admin.query(
        `SELECT split_part(number, '-', 3)::int AS n FROM documents WHERE kind = $1 AND number IS NOT NULL ORDER BY 1`,
        [kind],
      );
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
    }
    await chainIntact();
  });
});
