import { BOOKS_YEAR } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Documents posted at once through the gateway with real tokens, each request with its own books:
 * the ledger posts those that meet in one posting group together (the books' lane: manual entries,
 * documents, credit applications and write-offs, docs/architecture/posting.md, "Group commit") and
 * the rest alone, and every request is answered
 * exactly either way — its own document posted, or a stable code — with numbers gapless, nothing
 * settled twice and the audit chain intact. How they group is the moment's; what they answer is not.
 */
let s: TestStack;
const SLUG = 'cafe-boquete';
// The demo's books run from 1 January of last year to today; March of this year is open (races.e2e).
const YEAR = BOOKS_YEAR;
const senior = () => s.as('senior', SLUG);
let customer: string;

type Answer<T> = { data?: T | null; errors?: unknown };
async function ok<T>(p: Promise<Answer<T>>): Promise<T> {
  const r = await p;
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

const DOC = 'id number kind status total openBalance openCredit';
type Doc = {
  id: string;
  number: string;
  kind: string;
  status: string;
  total: string;
  openBalance: string | null;
  openCredit: string | null;
};

const draftInvoice = async (n: number) =>
  (
    await ok<{ createSalesInvoice: { id: string } }>(
      senior()(`mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }`, {
        input: {
          partyId: customer,
          documentDate: `${YEAR}-03-06`,
          lines: [{ accountCode: '4102', quantity: '1', unitPrice: `${100 + n}.00`, taxCode: 'EXENTO' }],
        },
      }),
    )
  ).createSalesInvoice.id;
const draftReceipt = async (invoice: Doc, amount = invoice.total) =>
  (
    await ok<{ createCustomerReceipt: { id: string } }>(
      senior()(`mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`, {
        input: {
          partyId: customer,
          documentDate: `${YEAR}-03-08`,
          amount,
          allocations: [{ invoiceId: invoice.id, amount }],
        },
      }),
    )
  ).createCustomerReceipt.id;
const approve = (id: string) =>
  senior()<{ approveSalesInvoice: Doc }>(`mutation($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`, {
    id,
  });
const postPayment = (id: string) =>
  senior()<{ postPayment: Doc }>(`mutation($id: ID!) { postPayment(id: $id) { ${DOC} } }`, { id });

/** The serial part of each number of a kind in this fiscal year, ascending. */
async function serials(kind: string): Promise<number[]> {
  const rows = await s.tenantSql<{ n: number }>(
    SLUG,
    `SELECT split_part(number, '-', 3)::int AS n FROM documents
      WHERE kind = $1 AND split_part(number, '-', 2) = $2 ORDER BY 1`,
    [kind, String(YEAR)],
  );
  return rows.map((r) => r.n);
}

/** Numbers of each kind without a gap, whatever the groups were; the audit chain intact. */
async function expectGaplessAndChained(kinds: readonly string[]): Promise<void> {
  for (const kind of kinds) {
    const ns = await serials(kind);
    expect(ns).toEqual(ns.map((_, i) => i + 1));
  }
  const [chain] = await s.tenantSql<{ problem: string | null }>(
    SLUG,
    'SELECT problem FROM cifra_verify_audit_chain()',
  );
  expect(chain?.problem).toBeNull();
}

/** What allocations settle of each document (cents, as text), by id. */
async function settledOf(docs: readonly Doc[]): Promise<Map<string, string>> {
  const rows = await s.tenantSql<{ id: string; settled: string }>(
    SLUG,
    `SELECT i.id, coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.invoice_id = i.id), 0)::text AS settled
       FROM documents i WHERE i.id = ANY ($1::uuid[])`,
    [docs.map((d) => d.id)],
  );
  return new Map(rows.map((r) => [r.id, r.settled]));
}

beforeAll(async () => {
  s = await startTestStack();
  customer = (
    await ok<{ createParty: { id: string } }>(
      senior()(`mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`, {
        input: { kind: 'CUSTOMER', code: 'CONC-1', name: 'Concurrent Hotel' },
      }),
    )
  ).createParty.id;
});
afterAll(() => s?.close());

describe('documents posted at once through the gateway', () => {
  it('approves 12 invoices at once, then posts 16 receipts at once on them: each answered exactly', async () => {
    const drafts: string[] = [];
    for (let n = 0; n < 12; n++) drafts.push(await draftInvoice(n));
    const approved = await Promise.all(drafts.map(approve));
    expect(approved.flatMap((a) => codes(a))).toEqual([]);
    const invoices = approved.map((a) => a.data?.approveSalesInvoice as Doc);
    expect(invoices.map((d) => [d.id, d.status, d.total])).toEqual(
      drafts.map((id, n) => [id, 'POSTED', `${100 + n}.00`]),
    );

    // One receipt for each invoice in full, and four more for the first: one of its five settles it.
    const receipts: string[] = [];
    for (const inv of invoices) receipts.push(await draftReceipt(inv));
    for (let k = 0; k < 4; k++) receipts.push(await draftReceipt(invoices[0] as Doc));
    const answers = await Promise.all(receipts.map(postPayment));
    const outcome = answers.map((a) => codes(a)[0] ?? a.data?.postPayment.status);
    expect(outcome.slice(1, 12)).toEqual(Array(11).fill('POSTED'));
    const onFirst = [outcome[0], ...outcome.slice(12)];
    expect(onFirst.filter((o) => o === 'POSTED')).toHaveLength(1);
    expect(onFirst.filter((o) => o === 'OVER_ALLOCATION')).toHaveLength(4);

    // Every invoice settled once, in full; the refused receipts wrote nothing.
    const settled = await settledOf(invoices);
    expect(invoices.map((d) => settled.get(d.id))).toEqual(invoices.map((_, n) => String((100 + n) * 100)));
    const drafted = await s.tenantSql<{ n: number }>(
      SLUG,
      `SELECT count(*)::int AS n FROM documents WHERE id = ANY ($1::uuid[]) AND status = 'DRAFT'`,
      [receipts],
    );
    expect(drafted[0]?.n).toBe(4);

    await expectGaplessAndChained(['SALES_INVOICE', 'CUSTOMER_RECEIPT']);
  });

  it('applies 8 credits and writes off 8 invoices at once, a credit used twice and an invoice written off twice: each answered exactly', async () => {
    const invoices: Doc[] = [];
    for (let n = 0; n < 14; n++) {
      const posted = await approve(await draftInvoice(20 + n));
      invoices.push(posted.data?.approveSalesInvoice as Doc);
    }
    // Eight receipts of 50.00 on account: the credits.
    const credits: string[] = [];
    for (let k = 0; k < 8; k++) {
      const draft = await ok<{ createCustomerReceipt: { id: string } }>(
        senior()(`mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`, {
          input: { partyId: customer, documentDate: `${YEAR}-03-08`, amount: '50.00', allocations: [] },
        }),
      );
      credits.push((await ok(postPayment(draft.createCustomerReceipt.id))).postPayment.id);
    }
    // Credits 0–6 each on invoices 0–6 (30.00 of their 50.00), and credit 0 again on invoice 1: the
    // two uses of credit 0 cannot both fit.
    const apply = (credit: string, invoice: Doc, amount: string) =>
      senior()<{ applyCustomerCredit: Doc }>(
        `mutation($input: ApplyCreditInput!) { applyCustomerCredit(input: $input) { ${DOC} } }`,
        { input: { creditId: credit, invoiceId: invoice.id, amount, date: `${YEAR}-03-10` } },
      );
    // Write-offs of all that is open of invoices 7–13, and of invoice 13 again.
    const writeOff = (invoice: Doc) =>
      senior()<{ writeOffBadDebt: Doc }>(
        `mutation($input: BadDebtWriteOffInput!) { writeOffBadDebt(input: $input) { ${DOC} } }`,
        {
          input: {
            invoiceId: invoice.id,
            documentDate: `${YEAR}-03-10`,
            reason: 'The hotel has closed; nothing will be paid',
          },
        },
      );
    const asked = [
      ...credits.slice(0, 7).map((c, k) => apply(c, invoices[k] as Doc, '30.00')),
      apply(credits[0] as string, invoices[1] as Doc, '30.00'),
      ...invoices.slice(7).map((inv) => writeOff(inv)),
      writeOff(invoices[13] as Doc),
    ];
    const answers = (await Promise.all(asked)).map((a) => {
      const doc = a.data && (Object.values(a.data)[0] as Doc | null);
      return codes(a)[0] ?? doc?.status;
    });
    expect(answers.slice(1, 7)).toEqual(Array(6).fill('POSTED'));
    // Credit 0 twice: whichever ran first applied it, the other found 20.00 left.
    expect([answers[0], answers[7]].sort()).toEqual(['OVER_ALLOCATION', 'POSTED']);
    expect(answers.slice(8, 14)).toEqual(Array(6).fill('POSTED'));
    // Two write-offs of all of invoice 13: one writes it off, the other finds nothing open.
    expect([answers[14], answers[15]].sort()).toEqual(['OVER_ALLOCATION', 'POSTED']);

    const by = await settledOf(invoices);
    // Invoices 0–6 settled 30.00 each by credits (invoice 1 twice and invoice 0 not at all when credit
    // 0's second use won), 7–13 written off in full (totals like '127.00', in cents).
    const expected = invoices.map((d, n) => (n < 7 ? '3000' : d.total.replace('.', '')));
    if (answers[0] !== 'POSTED') expected.splice(0, 2, '0', '6000');
    expect(invoices.map((d) => by.get(d.id))).toEqual(expected);
    // No draft left by a refusal; numbers without a gap; the audit chain intact.
    const drafts = await s.tenantSql<{ n: number }>(
      SLUG,
      `SELECT count(*)::int AS n FROM documents
        WHERE kind IN ('CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF') AND status = 'DRAFT'`,
    );
    expect(drafts[0]?.n).toBe(0);
    await expectGaplessAndChained(['CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF']);
  });

  it('posts entries, invoices, receipts, applications and write-offs at once, some on the same invoices: each answered exactly', async () => {
    const posted: Doc[] = [];
    for (let n = 0; n < 4; n++)
      posted.push((await ok(approve(await draftInvoice(40 + n)))).approveSalesInvoice);
    const [p0, p1, p2, p3] = posted as [Doc, Doc, Doc, Doc];
    const credit = await ok<{ createCustomerReceipt: { id: string } }>(
      senior()(`mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`, {
        input: { partyId: customer, documentDate: `${YEAR}-03-08`, amount: '200.00', allocations: [] },
      }),
    );
    const creditId = (await ok(postPayment(credit.createCustomerReceipt.id))).postPayment.id;
    const draft = await draftInvoice(50); // approved in the same burst as an application of it
    const [r0, r2] = [await draftReceipt(p0), await draftReceipt(p2)];
    const entry = (n: number) =>
      senior()<{ postJournalEntry: { number: string } }>(
        `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { number } }`,
        {
          input: {
            postingDate: `${YEAR}-03-10`,
            memo: `burst ${n}`,
            lines: [
              { accountCode: '1110', debit: `${n + 1}.00` },
              { accountCode: '4101', credit: `${n + 1}.00` },
            ],
          },
        },
      );
    const apply = (invoiceId: string) =>
      senior()<{ applyCustomerCredit: Doc }>(
        `mutation($input: ApplyCreditInput!) { applyCustomerCredit(input: $input) { ${DOC} } }`,
        { input: { creditId, invoiceId, amount: '30.00', date: `${YEAR}-03-10` } },
      );
    const writeOff = (invoice: Doc) =>
      senior()<{ writeOffBadDebt: Doc }>(
        `mutation($input: BadDebtWriteOffInput!) { writeOffBadDebt(input: $input) { ${DOC} } }`,
        { input: { invoiceId: invoice.id, documentDate: `${YEAR}-03-10`, reason: 'The hotel has closed' } },
      );
    const asked = [
      entry(0),
      approve(draft),
      postPayment(r0), // #2 all of p0
      apply(p1.id), // #3 30.00 of p1
      writeOff(p2), // #4 all of p2 …
      postPayment(r2), // #5 … and a receipt for all of p2: one of the two
      writeOff(p3), // #6
      apply(draft), // #7 on the invoice approved in this burst: posted if it ran after, else refused
      entry(1),
      entry(2),
    ];
    const answers = (await Promise.all(asked)).map((a) => {
      const value = a.data && (Object.values(a.data)[0] as { status?: string; number?: string } | null);
      return codes(a)[0] ?? value?.status ?? (value?.number ? 'POSTED' : undefined);
    });
    expect(answers.filter((_, i) => ![4, 5, 7].includes(i))).toEqual(Array(7).fill('POSTED'));
    expect([answers[4], answers[5]].sort()).toEqual(['OVER_ALLOCATION', 'POSTED']);
    expect(answers[7]).toMatch(/^(POSTED|BAD_USER_INPUT)$/);

    // What each invoice has settled: p0 and p2 in full once, p1 30.00, p3 in full, the burst's
    // invoice 30.00 or nothing; the credit used once or twice.
    const by = await settledOf([...posted, { id: draft } as Doc, { id: creditId } as Doc]);
    const cents = (d: Doc) => d.total.replace('.', '');
    expect([p0, p1, p2, p3].map((d) => by.get(d.id))).toEqual([cents(p0), '3000', cents(p2), cents(p3)]);
    expect(by.get(draft)).toBe(answers[7] === 'POSTED' ? '3000' : '0');
    expect(by.get(creditId)).toBe(answers[7] === 'POSTED' ? '6000' : '3000');
    const drafts = await s.tenantSql<{ n: number }>(
      SLUG,
      `SELECT count(*)::int AS n FROM documents
        WHERE kind IN ('CUSTOMER_CREDIT_APPLICATION', 'BAD_DEBT_WRITE_OFF') AND status = 'DRAFT'`,
    );
    expect(drafts[0]?.n).toBe(0);
    const journal = await s.tenantSql<{ n: number }>(
      SLUG,
      `SELECT split_part(number, '-', 3)::int AS n FROM journal_entries WHERE fiscal_year = $1 ORDER BY 1`,
      [YEAR],
    );
    expect(journal.map((r) => r.n)).toEqual(journal.map((_, i) => i + 1));
    await expectGaplessAndChained([
      'SALES_INVOICE',
      'CUSTOMER_RECEIPT',
      'CUSTOMER_CREDIT_APPLICATION',
      'BAD_DEBT_WRITE_OFF',
    ]);
  });
});
