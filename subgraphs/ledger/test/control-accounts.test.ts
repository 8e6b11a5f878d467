import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import {
  createDraft,
  type DocumentRow,
  postDocument,
  settledMinor,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { approveJournalEntry, createJournalEntryDraft } from '../src/services/journal-drafts.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import { prng } from './books.ts';
import { openTestBooks, refusal, type TestBooks, textsSentDuring } from './test-books.ts';

/**
 * Control accounts (DefaultAR 1201, DefaultAP 2101, ITBMS 2201/1401) take postings from documents,
 * or from manual lines naming their party; the agings then equal the accounts to the minor unit.
 */
let t: TestBooks;
let books: Books;
const customers: string[] = [];
const vendors: string[] = [];

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  for (const i of [1, 2, 3]) {
    customers.push((await createParty(books, { kind: 'CUSTOMER', code: `C${i}`, name: `Cliente ${i}` })).id);
    vendors.push((await createParty(books, { kind: 'VENDOR', code: `V${i}`, name: `Proveedor ${i}` })).id);
  }
});
afterAll(() => t.close());

const footprint = async () => ({
  entries: await t.count('journal_entries'),
  gl: await t.count('gl_lines'),
  documents: await t.count('documents'),
});

const manual = (lines: { accountCode: string; debit?: string; credit?: string; partyId?: string }[]) =>
  postJournalEntry(t.db, books.company, books.actor, { postingDate: '2026-03-15', memo: 'Ajuste', lines });

/** Balance of the account bound to a role, debit positive, up to the end of `asOf`. */
async function controlBalance(role: 'DefaultAR' | 'DefaultAP', asOf = '2026-12-31'): Promise<bigint> {
  const { rows } = await t.admin.query(
    `SELECT coalesce(sum(l.amount_minor), 0)::text AS s FROM gl_lines l
       JOIN account_role_bindings b ON b.account_id = l.account_id
      WHERE b.role = $1 AND l.posting_date <= $2`,
    [role, asOf],
  );
  return BigInt(rows[0].s);
}

async function agingsAgree(asOf = '2026-12-31') {
  const ar = await aging(books, 'SALES_INVOICE', asOf);
  const ap = await aging(books, 'PURCHASE_INVOICE', asOf);
  expect(ar.totalBase.total).toBe(await controlBalance('DefaultAR', asOf));
  expect(ap.totalBase.total).toBe(-(await controlBalance('DefaultAP', asOf)));
}

describe('refusals', () => {
  it('refuses a manual credit to the receivable naming no customer with CONTROL_ACCOUNT_REQUIRES_DOCUMENT, writing nothing', async () => {
    const before = await footprint();
    const err = await refusal(
      manual([
        { accountCode: '1110', debit: '30.00' },
        { accountCode: '1201', credit: '30.00' },
      ]),
    );
    expect(err.code).toBe('CONTROL_ACCOUNT_REQUIRES_DOCUMENT');
    expect(err.details).toMatchObject({ field: 'lines[1].partyId', role: 'DefaultAR' });
    // The tax accounts and the payable too, and in a bulk import.
    expect(
      (
        await refusal(
          manual([
            { accountCode: '2201', debit: '7.00' },
            { accountCode: '1110', credit: '7.00' },
          ]),
        )
      ).code,
    ).toBe('CONTROL_ACCOUNT_REQUIRES_DOCUMENT');
    const bulk = await refusal(
      postJournalEntries(t.db, books.company, books.actor, [
        {
          postingDate: '2026-03-15',
          lines: [
            { accountCode: '6201', debit: '5.00' },
            { accountCode: '2101', credit: '5.00' },
          ],
        },
      ]),
    );
    expect(bulk.code).toBe('CONTROL_ACCOUNT_REQUIRES_DOCUMENT');
    expect(bulk.details).toMatchObject({ index: 0, field: 'input[0].lines[1].partyId' });
    expect(await footprint()).toEqual(before);
  });

  it('refuses a vendor on the receivable and an unknown party as BAD_USER_INPUT', async () => {
    const wrong = await refusal(
      manual([
        { accountCode: '1201', debit: '30.00', partyId: vendors[0] },
        { accountCode: '4101', credit: '30.00' },
      ]),
    );
    expect(wrong.code).toBe('BAD_USER_INPUT');
    expect(wrong.details).toMatchObject({ field: 'lines[0].partyId' });
    const unknown = await refusal(
      manual([
        { accountCode: '1201', debit: '30.00', partyId: '00000000-0000-4000-8000-00000000abcd' },
        { accountCode: '4101', credit: '30.00' },
      ]),
    );
    expect(unknown.code).toBe('BAD_USER_INPUT');
  });

  it("reads a manual entry's accounts with their control roles in one statement, the stricter of two roles first", async () => {
    const credit = [
      { accountCode: '1110', debit: '30.00' },
      { accountCode: '1201', credit: '30.00', partyId: vendors[0] },
    ];
    const { texts, result } = await textsSentDuring(() => refusal(manual(credit)));
    expect(result.code).toBe('BAD_USER_INPUT');
    // Alone, in its transaction: the accounts with their roles, then the party named; nothing else
    // is read, nothing written.
    const reads = texts.filter((q) => /^select/i.test(q));
    expect(reads).toHaveLength(2);
    // The accounts and their role bindings, by one function (tenant 0062), the control roles asked.
    expect(reads[0]).toContain('cifra_accounts_by_code(');
    expect(reads[0]).toContain('PurchaseTaxReceivable');
    expect(reads[1]).toMatch(/"parties"/);
    expect(texts.filter((q) => /^\s*(insert|update)\b/i.test(q))).toEqual([]);
    // The receivable bound to the sales tax too: its line must still name a customer.
    const tax = (
      await t.admin.query(`SELECT account_id FROM account_role_bindings WHERE role = 'SalesTaxPayable'`)
    ).rows[0].account_id;
    await t.admin.query(
      `UPDATE account_role_bindings SET account_id = (SELECT id FROM accounts WHERE code = '1201') WHERE role = 'SalesTaxPayable'`,
    );
    try {
      const twice = await refusal(manual(credit));
      expect(twice.code).toBe('BAD_USER_INPUT');
      expect(twice.details).toMatchObject({ field: 'lines[1].partyId', role: 'DefaultAR' });
    } finally {
      await t.admin.query(`UPDATE account_role_bindings SET account_id = $1 WHERE role = 'SalesTaxPayable'`, [
        tax,
      ]);
    }
  });

  it('refuses a sales invoice line coded to the receivable, and a receipt into the receivable as its bank, with CONTROL_ACCOUNT_NOT_ALLOWED', async () => {
    const before = await footprint();
    const err = await refusal(
      createDraft(books, 'SALES_INVOICE', {
        partyId: customers[0] as string,
        documentDate: '2026-03-10',
        lines: [{ accountCode: '1201', quantity: '1', unitPrice: '30', taxCode: 'EXENTO' }],
      }),
    );
    expect(err.code).toBe('CONTROL_ACCOUNT_NOT_ALLOWED');
    expect(err.details).toMatchObject({ field: 'lines[0].accountCode', role: 'DefaultAR' });
    const tax = await refusal(
      createDraft(books, 'PURCHASE_INVOICE', {
        partyId: vendors[0] as string,
        documentDate: '2026-03-10',
        lines: [{ accountCode: '1401', quantity: '1', unitPrice: '30', taxCode: 'EXENTO' }],
      }),
    );
    expect(tax.code).toBe('CONTROL_ACCOUNT_NOT_ALLOWED');
    const inv = await postDocument(
      books,
      (
        await createDraft(books, 'SALES_INVOICE', {
          partyId: customers[0] as string,
          documentDate: '2026-03-10',
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: '30', taxCode: 'EXENTO' }],
        })
      ).id,
      'SALES',
    );
    const mid = await footprint();
    expect(mid.documents).toBe(before.documents + 1);
    const bank = await refusal(
      createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customers[0] as string,
        documentDate: '2026-03-12',
        amount: '30.00',
        bankAccountCode: '1201',
        allocations: [{ invoiceId: inv.id, amount: '30.00' }],
      }),
    );
    expect(bank.code).toBe('CONTROL_ACCOUNT_NOT_ALLOWED');
    expect(await footprint()).toEqual(mid);
  });

  it('the database refuses a party-less manual line on the receivable from any writer (trigger gl_lines_control_account_party)', async () => {
    const { rows } = await t.admin.query(
      `SELECT (SELECT account_id FROM account_role_bindings WHERE role = 'DefaultAR') AS ar,
              (SELECT id FROM accounts WHERE code = '4101') AS income,
              (SELECT id FROM posting_periods WHERE start_date = '2026-03-01') AS period`,
    );
    const { ar, income, period } = rows[0];
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      const e = await client.query(
        `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         VALUES ('JE-X-1', 2026, $1, '2026-03-15', 'MANUAL', gen_random_uuid()) RETURNING id`,
        [period],
      );
      const insert = client.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
         VALUES ($1, 1, $2, '2026-03-15', 100, 'PAB', 100), ($1, 2, $3, '2026-03-15', -100, 'PAB', -100)`,
        [e.rows[0].id, ar, income],
      );
      await expect(insert).rejects.toMatchObject({ constraint: 'gl_lines_control_account_party' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('manual lines that name the party', () => {
  it('a PAB 25.00 manual debit to customer C2 on the receivable shows in arAging, which still equals 1201', async () => {
    const before = await aging(books, 'SALES_INVOICE', '2026-12-31');
    const entry = await manual([
      { accountCode: '1201', debit: '25.00', partyId: customers[1] },
      { accountCode: '4101', credit: '25.00' },
    ]);
    const after = await aging(books, 'SALES_INVOICE', '2026-12-31');
    expect(after.totalBase.total - before.totalBase.total).toBe(2500n);
    const row = after.rows.find((r) => r.partyId === customers[1]);
    expect(row?.invoices).toContainEqual(
      expect.objectContaining({ documentId: null, entryId: entry.id, openMinor: 2500n }),
    );
    await agingsAgree();
  });
});

describe('journal entry drafts', () => {
  it('refuses a draft crediting 2101 with no vendor; a draft naming the vendor keeps it and its approval posts the line with the party', async () => {
    const lines = (partyId?: string) => [
      { accountCode: '6302', debit: '40.00' },
      { accountCode: '2101', credit: '40.00', ...(partyId ? { partyId } : {}) },
    ];
    const bare = await refusal(
      createJournalEntryDraft(t.db, books.company, books.actor, {
        postingDate: '2026-03-16',
        lines: lines(),
      }),
    );
    expect(bare.code).toBe('CONTROL_ACCOUNT_REQUIRES_DOCUMENT');
    const draft = await createJournalEntryDraft(t.db, books.company, books.actor, {
      postingDate: '2026-03-16',
      lines: lines(vendors[2]),
    });
    const approver = { ...books.actor, userId: '22222222-2222-4222-8222-222222222222' };
    const entry = await approveJournalEntry(t.db, books.company, approver, draft.id);
    const { rows } = await t.admin.query(
      `SELECT a.code, l.party_id FROM gl_lines l JOIN accounts a ON a.id = l.account_id
        WHERE l.entry_id = $1 ORDER BY l.line_number`,
      [entry.id],
    );
    expect(rows).toEqual([
      { code: '6302', party_id: null },
      { code: '2101', party_id: vendors[2] },
    ]);
    await agingsAgree();
  });
});

describe('invariant: after random activity each aging equals its control account to the minor unit', () => {
  it('holds after 80 random invoices, bills, receipts with fees (small differences within a PAB 0.50 tolerance), payments, credit notes, bad-debt write-offs, voids and manual party lines', async () => {
    t.settings.receiptToleranceMinor = 50;
    const random = prng(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const cents = (max: number) => BigInt(1 + Math.floor(random() * max));
    const money = (m: bigint) => `${m / 100n}.${String(m % 100n).padStart(2, '0')}`;
    const invoices: DocumentRow[] = [];
    const bills: DocumentRow[] = [];
    const settlements: DocumentRow[] = [];
    const open = async (d: DocumentRow) =>
      d.totalMinor - ((await settledMinor(t.db, [d.id])).get(d.id) ?? 0n);
    const day = () => `2026-04-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const reason = 'Posted against the wrong party by mistake';
    for (let step = 0; step < 80; step++) {
      const what = Math.floor(random() * 10);
      if (what === 0 || invoices.length === 0) {
        const d = await createDraft(books, 'SALES_INVOICE', {
          partyId: pick(customers),
          documentDate: day(),
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: money(cents(50_000)), taxCode: 'ITBMS7' }],
        });
        invoices.push(await postDocument(books, d.id, 'SALES'));
      } else if (what === 1 || bills.length === 0) {
        const d = await createDraft(books, 'PURCHASE_INVOICE', {
          partyId: pick(vendors),
          documentDate: day(),
          lines: [{ accountCode: '6201', quantity: '1', unitPrice: money(cents(50_000)), taxCode: 'ITBMS7' }],
        });
        bills.push(await postDocument(books, d.id, 'PURCHASING'));
      } else if (what === 2 || what === 3) {
        const sales = what === 2;
        const inv = pick(sales ? invoices : bills);
        const left = await open(inv);
        if (left <= 1n) continue;
        const amount = 1n + BigInt(Math.floor(random() * Number(left)));
        const fee = amount > 10n && random() < 0.5 ? cents(Number(amount / 10n)) : 0n;
        const d = await createDraft(books, sales ? 'CUSTOMER_RECEIPT' : 'VENDOR_PAYMENT', {
          partyId: inv.partyId,
          documentDate: '2026-05-10',
          amount: money(amount),
          ...(fee > 0n ? { bankFee: money(fee) } : {}),
          allocations: [{ invoiceId: inv.id, amount: money(amount) }],
        });
        settlements.push(await postDocument(books, d.id, 'PAYMENT'));
      } else if (what === 4) {
        const inv = pick(invoices);
        const left = await open(inv);
        if (left <= 107n) continue;
        const net = 1n + BigInt(Math.floor(random() * Number((left * 100n) / 107n - 1n)));
        const d = await createDraft(books, 'CREDIT_NOTE', {
          partyId: inv.partyId,
          documentDate: '2026-05-20',
          appliesToId: inv.id,
          lines: [{ accountCode: '4201', quantity: '1', unitPrice: money(net), taxCode: 'ITBMS7' }],
        });
        settlements.push(await postDocument(books, d.id, 'SALES'));
      } else if (what === 5 && settlements.length > 0) {
        const s = settlements.splice(Math.floor(random() * settlements.length), 1)[0] as DocumentRow;
        const family =
          s.kind === 'CREDIT_NOTE' ? 'SALES' : s.kind === 'BAD_DEBT_WRITE_OFF' ? 'WRITE_OFF' : 'PAYMENT';
        await voidDocument(books, s.id, family, reason, '2026-06-01').catch((e: unknown) => {
          if (!(e instanceof DomainError)) throw e;
        });
      } else if (what === 6) {
        // An invoice nothing settles can be voided.
        const inv = pick(invoices);
        if (invoices.length > 1 && (await open(inv)) === inv.totalMinor) {
          await voidDocument(books, inv.id, 'SALES', reason, '2026-06-02');
          invoices.splice(invoices.indexOf(inv), 1);
        }
      } else if (what === 8) {
        // A bad-debt write-off of part or all of what is open.
        const inv = pick(invoices);
        const left = await open(inv);
        if (left === 0n) continue;
        const amount = random() < 0.5 ? left : 1n + BigInt(Math.floor(random() * Number(left)));
        settlements.push(
          await writeOffBadDebt(books, {
            invoiceId: inv.id,
            amount: money(amount),
            documentDate: '2026-05-25',
            reason: 'The customer cannot be found; the debt is uncollectable',
          }),
        );
      } else if (what === 9) {
        // A receipt short of the open balance by 0.01 to 0.50: the tolerance closes the invoice.
        const inv = pick(invoices);
        const left = await open(inv);
        const short = cents(50);
        if (left <= short) continue;
        const d = await createDraft(books, 'CUSTOMER_RECEIPT', {
          partyId: inv.partyId,
          documentDate: '2026-05-12',
          amount: money(left - short),
          allocations: [{ invoiceId: inv.id, amount: money(left - short) }],
        });
        settlements.push(await postDocument(books, d.id, 'PAYMENT'));
        expect(await open(inv)).toBe(0n);
      } else {
        const amount = money(cents(20_000));
        const side = (debit: boolean) => (debit ? { debit: amount } : { credit: amount });
        const debitAr = random() < 0.7;
        await postJournalEntry(t.db, books.company, books.actor, {
          postingDate: day(),
          memo: 'Ajuste con tercero',
          lines:
            random() < 0.5
              ? [
                  { accountCode: '1201', ...side(debitAr), partyId: pick(customers) },
                  { accountCode: '7101', ...side(!debitAr) },
                ]
              : [
                  { accountCode: '6302', ...side(true) },
                  { accountCode: '2101', ...side(false), partyId: pick(vendors) },
                ],
        });
      }
      if (step % 15 === 14) await agingsAgree();
    }
    await agingsAgree();
    await agingsAgree('2026-04-30');
    await agingsAgree('2026-05-20');
    delete t.settings.receiptToleranceMinor;
    expect(invoices.length).toBeGreaterThan(3);
    // The new documents were among the activity.
    expect(await t.count('documents', "kind = 'BAD_DEBT_WRITE_OFF' AND status = 'POSTED'")).toBeGreaterThan(
      2,
    );
    expect(await t.count('allocations', 'small_difference_minor > 0')).toBeGreaterThan(2);
  });
});
