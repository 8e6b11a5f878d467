import { uuidArray } from '@cifra/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { voidDocument } from '../src/documents/void.ts';
import type { Books } from '../src/services/books.ts';
import { accountsByCodeSql } from '../src/services/manual-lines.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { openTestBooks, seqScansIn, type TestBooks } from './test-books.ts';

// Tenant migration 0062: four more of the books' lane's reads (the manual entries' accounts, the
// entries' keys taken, the voided documents, the drafts' proposed allocations) are functions whose
// plans the connection keeps. Each must answer what the statement it replaces answered, as the
// application role, and reach its tables by key.

let t: TestBooks;
let books: Books;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
});
afterAll(() => t.close());

/** The rows of `fn` and of `inline`, both as the application role, in `order`: equal, and answered. */
async function same(fn: string, inline: string, order: string) {
  const [a, b] = [
    await t.appPool.query(`SELECT * FROM (${fn}) f ORDER BY ${order}`),
    await t.appPool.query(`SELECT * FROM (${inline}) s ORDER BY ${order}`),
  ];
  expect(a.rows).toEqual(b.rows);
  return a.rows;
}

describe("the lane's reads of tenant migration 0062", () => {
  it("answer the manual entries' accounts with the control role a party's kind names first", async () => {
    const codes = ['1110', '4101', '1130', '2130', '9999'];
    const inline = (list: readonly string[]) => `SELECT a.*, (SELECT b.role FROM account_role_bindings b
        WHERE b.account_id = a.id AND b.role::text IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable')
        ORDER BY b.role::text IN ('DefaultAR', 'DefaultAP') DESC, b.role LIMIT 1)::text AS control_role
      FROM accounts a WHERE a.code = ANY ('{${list.join(',')}}'::text[])`;
    const owner = await t.admin.connect();
    try {
      // An account carrying two roles (the receivable that is also the tax account) names a customer.
      await owner.query('BEGIN');
      const bound = await owner.query<{ code: string; role: string }>(
        `SELECT a.code, b.role::text AS role FROM account_role_bindings b JOIN accounts a ON a.id = b.account_id
          WHERE b.role IN ('DefaultAR', 'SalesTaxPayable') ORDER BY b.role`,
      );
      expect(bound.rows.map((r) => r.role)).toEqual(['DefaultAR', 'SalesTaxPayable']);
      await owner.query(
        `UPDATE account_role_bindings SET account_id = (SELECT account_id FROM account_role_bindings WHERE role = 'DefaultAR')
          WHERE role = 'SalesTaxPayable'`,
      );
      const ar = bound.rows[0]?.code as string;
      const both = [ar, '1110'];
      const [a, b] = [
        await owner.query(`SELECT * FROM (${accountsByCodeSql(both)}) f ORDER BY code`),
        await owner.query(`SELECT * FROM (${inline(both)}) s ORDER BY code`),
      ];
      expect(a.rows).toEqual(b.rows);
      expect(a.rows.find((r) => r.code === ar)?.control_role).toBe('DefaultAR');
    } finally {
      await owner.query('ROLLBACK');
      owner.release();
    }
    const rows = await same(accountsByCodeSql(codes), inline(codes), 'code');
    expect(rows.map((r) => r.code)).toEqual(['1110', '4101']);
    expect(rows.map((r) => r.control_role)).toEqual([null, null]);
  });

  it("answer which entries' keys are taken, the voided documents and the drafts' allocations", async () => {
    await postJournalEntry(books.db, books.company, books.actor, {
      postingDate: '2026-07-15',
      memo: 'Keyed',
      idempotencyKey: 'lane-0062-a',
      lines: [
        { accountCode: '1110', debit: '12.00' },
        { accountCode: '4101', credit: '12.00' },
      ],
    });
    const keys = `ARRAY['lane-0062-a', 'lane-0062-b', 'it''s']::text[]`;
    await same(
      `SELECT unnest(cifra_taken_entry_keys(${keys})) AS key`,
      `SELECT unnest(ARRAY(SELECT j.idempotency_key FROM journal_entries j WHERE j.idempotency_key = ANY (${keys}))) AS key`,
      'key',
    );
    expect((await t.appPool.query(`SELECT cifra_taken_entry_keys(${keys}) AS taken`)).rows[0]?.taken).toEqual(
      ['lane-0062-a'],
    );

    const party = (await createParty(books, { kind: 'CUSTOMER', code: 'L62', name: 'Lane Hotel' })).id;
    const invoice = async () =>
      postDocument(
        books,
        (
          await createDraft(books, 'SALES_INVOICE', {
            partyId: party,
            documentDate: '2026-07-15',
            lines: [
              { description: 'Café', accountCode: '4101', quantity: '3', unitPrice: '10', taxCode: 'ITBMS7' },
            ],
          })
        ).id,
        'SALES',
      );
    const [first, second] = [await invoice(), await invoice()];
    const receipt = (allocations: { invoiceId: string; amount: string }[]) =>
      createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: party,
        documentDate: '2026-07-16',
        amount: '20.00',
        allocations,
      });
    const draft = await receipt([
      { invoiceId: second.id, amount: '4.00' },
      { invoiceId: first.id, amount: '6.00' },
    ]);
    const bounced = await postDocument(
      books,
      (await receipt([{ invoiceId: first.id, amount: '5.00' }])).id,
      'PAYMENT',
    );
    await voidDocument(books, bounced.id, 'PAYMENT', 'The cheque bounced at the bank', '2026-07-17');
    const of = uuidArray([draft.id, bounced.id, first.id, '00000000-0000-4000-8000-000000000000']);
    const voided = await same(
      `SELECT document_id FROM cifra_voided_documents(${of})`,
      `SELECT document_id FROM voids WHERE document_id = ANY (${of})`,
      'document_id',
    );
    expect(voided).toEqual([{ document_id: bounced.id }]);
    const proposed = await same(
      `SELECT * FROM cifra_draft_allocations_of(${of})`,
      `SELECT * FROM draft_allocations WHERE document_id = ANY (${of})`,
      'document_id, line_number',
    );
    // The draft's two, in its lines' order; the bounced receipt keeps its own (one).
    expect(proposed.filter((a) => a.document_id === draft.id).map((a) => a.invoice_id)).toEqual([
      second.id,
      first.id,
    ]);
    expect(proposed.filter((a) => a.document_id === bounced.id)).toHaveLength(1);
  });

  // Kept for the connection's life, made while a client may have a page of rows: by key, never
  // scanned (watched as the owner: the application role may not read the statistics) — but for
  // account_role_bindings, a row per role at most, read whole as the statement it replaces read it.
  it('read every table by key, on the plans the connection keeps', async () => {
    const tables = ['accounts', 'journal_entries', 'voids', 'draft_allocations'];
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      const scans = () => seqScansIn(client, tables);
      const before = await scans();
      const ids = ['00000000-0000-4000-8000-000000000001'];
      for (let round = 0; round < 3; round++) {
        expect((await client.query(accountsByCodeSql(['1110', '4101']))).rowCount).toBe(2);
        await client.query(`SELECT cifra_taken_entry_keys('{x,y}'::text[])`);
        await client.query('SELECT * FROM cifra_voided_documents($1::uuid[])', [ids]);
        await client.query('SELECT * FROM cifra_draft_allocations_of($1::uuid[])', [ids]);
      }
      expect(await scans()).toBe(before);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
