import { translateDbError, uuidArray } from '@cifra/db';
import { clientFx, latestRatesOfDocumentsSql, latestRatesSql } from '@cifra/fx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { voidDocument } from '../src/documents/void.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { createTaxCode, updateTaxCode } from '../src/tax-codes/index.ts';
import { codeOf, openTestBooks, seqScansIn, type TestBooks } from './test-books.ts';

// The books' lane's documents pass reads a group's drafts, parties, lines and the client's setup in
// one round trip (`laneReads`, src/documents/group-store.ts): seven statements sent as one query. The drafts are
// locked by the first; each later statement must see what was committed while the lock was awaited,
// as separate statements did — a single statement would read the parties and lines of its own
// snapshot, taken before the wait.

let t: TestBooks;
let books: Books;

beforeAll(async () => {
  t = await openTestBooks();
  books = { ...(await t.books()), db: t.grouped({ max: 4 }).db };
});
afterAll(() => t.close());

/** Café: 3 × 10.00 at ITBMS 7% = 30.00 + 2.10 = 32.10. */
const invoice = (partyId: string) =>
  createDraft(books, 'SALES_INVOICE', {
    partyId,
    documentDate: '2026-07-15',
    lines: [{ description: 'Café', accountCode: '4101', quantity: '3', unitPrice: '10', taxCode: 'ITBMS7' }],
  });

/** Resolves once some backend of the test database waits for a lock (polled, no timing). */
async function someoneWaitsForALock(): Promise<void> {
  for (;;) {
    const { rows } = await t.admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]?.n !== '0') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the documents lane's reads", () => {
  it('see a party and lines changed while the group waited for its drafts', async () => {
    const leaving = (await createParty(books, { kind: 'CUSTOMER', code: 'R1', name: 'Leaving Hotel' })).id;
    const staying = (await createParty(books, { kind: 'CUSTOMER', code: 'R2', name: 'Staying Hotel' })).id;
    const first = await invoice(leaving);
    const second = await invoice(staying);
    const holder = await t.admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM documents WHERE id = ANY ($1) ORDER BY id FOR UPDATE', [
        [first.id, second.id],
      ]);
      // Asked in one turn: one group, through the lane, which waits for the drafts.
      const posting = [first, second].map((d) =>
        postDocument(books, d.id, 'SALES').then(
          (doc) => ({ doc, code: undefined }),
          (error: unknown) => ({ doc: undefined, code: codeOf(error) }),
        ),
      );
      await someoneWaitsForALock();
      await holder.query(`UPDATE parties SET active = false WHERE id = $1`, [leaving]);
      // The second invoice becomes 2 × 10.00 + 1.40 = 21.40, its lines and totals together.
      await holder.query(
        `UPDATE document_lines SET quantity = 2, amount_minor = 2000, tax_minor = 140 WHERE document_id = $1`,
        [second.id],
      );
      await holder.query(
        `UPDATE documents SET subtotal_minor = 2000, tax_minor = 140, total_minor = 2140 WHERE id = $1`,
        [second.id],
      );
      await holder.query('COMMIT');
      const [refused, posted] = await Promise.all(posting);
      expect(refused).toEqual({ doc: undefined, code: 'BAD_USER_INPUT' });
      expect(posted?.doc?.status).toBe('POSTED');
      const { rows } = await t.admin.query<{ debit: string }>(
        `SELECT sum(greatest(amount_minor, 0))::text AS debit FROM gl_lines WHERE entry_id = $1`,
        [posted?.doc?.entryId],
      );
      expect(rows[0]?.debit).toBe('2140');
      expect(await t.count('documents', `id = '${first.id}' AND status = 'DRAFT' AND number IS NULL`)).toBe(
        1,
      );
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it('leaves an id that is not a UUID out of the query: refused alone, beside a draft it posts', async () => {
    const party = (await createParty(books, { kind: 'CUSTOMER', code: 'R3', name: 'Plain Hotel' })).id;
    const draft = await invoice(party);
    const [bad, good] = await Promise.all([
      postDocument(books, "x'; DROP TABLE documents; --", 'SALES').then(
        () => 'posted',
        (error: unknown) => translateDbError(error)?.code ?? codeOf(error),
      ),
      postDocument(books, draft.id, 'SALES').then((d) => d.status),
    ]);
    expect([bad, good]).toEqual(['BAD_USER_INPUT', 'POSTED']);
    expect(await t.count('documents', `id = '${draft.id}'`)).toBe(1);
  });

  // The lines' and parties' reads are planned once a connection, in functions (tenant migration
  // 0056): they must answer what the statements they replaced answered, column for column.
  it("answers a draft's lines with their rates in force and its party as the tables hold them", async () => {
    await createTaxCode(books, { code: 'LNRT', name: 'Lane rate', ratePercent: '7' });
    await updateTaxCode(books, 'LNRT', { ratePercent: '10', effectiveFrom: '2026-07-01' });
    await updateTaxCode(books, 'LNRT', { ratePercent: '15', effectiveFrom: '2026-09-01' });
    const party = (await createParty(books, { kind: 'CUSTOMER', code: 'R4', name: 'Rated Hotel' })).id;
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: party,
      documentDate: '2026-07-15',
      lines: [
        { description: 'Dated rate', accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'LNRT' },
        { description: 'Own rate', accountCode: '4101', quantity: '2', unitPrice: '5', taxCode: 'ITBMS7' },
      ],
    });
    const ids = [draft.id, '00000000-0000-4000-8000-000000000000'];
    const lines = await t.admin.query(
      'SELECT (f.line).*, f.rate_in_force FROM cifra_lines_in_force($1::uuid[]) f ORDER BY (f.line).line_number',
      [ids],
    );
    const table = await t.admin.query(
      'SELECT * FROM document_lines WHERE document_id = $1 ORDER BY line_number',
      [draft.id],
    );
    expect(lines.rows.map(({ rate_in_force, ...line }) => line)).toEqual(table.rows);
    expect(lines.rows.map((r) => Number(r.rate_in_force))).toEqual([10, 7]);
    const parties = await t.admin.query('SELECT * FROM cifra_parties_of_documents($1::uuid[])', [ids]);
    expect(parties.rows).toEqual((await t.admin.query('SELECT * FROM parties WHERE id = $1', [party])).rows);
    for (const none of [[], null]) {
      expect((await t.admin.query('SELECT * FROM cifra_lines_in_force($1::uuid[])', [none])).rows).toEqual(
        [],
      );
      expect(
        (await t.admin.query('SELECT * FROM cifra_parties_of_documents($1::uuid[])', [none])).rows,
      ).toEqual([]);
    }
  });

  // The locks, the live settlements and the foreign drafts' rates too (tenant migration 0060): the
  // same rows as the statements they replaced, and the lock a lock.
  it('locks documents, reads what settles them and finds their rates as the statements it replaced', async () => {
    const party = (await createParty(books, { kind: 'CUSTOMER', code: 'R6', name: 'Settled Hotel' })).id;
    const euro = (
      await createParty(books, { kind: 'CUSTOMER', code: 'R7', name: 'Settled GmbH', currency: 'EUR' })
    ).id;
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       SELECT d::date, 'EUR', base_currency, 1.10, 'ECB', 'test'
         FROM company, generate_series('2026-07-01'::date, '2026-07-15'::date, interval '7 days') d`,
    );
    const [kept, voided] = [
      await postDocument(books, (await invoice(party)).id, 'SALES'),
      await postDocument(books, (await invoice(party)).id, 'SALES'),
    ];
    const receipt = async (of: string, amount: string) =>
      postDocument(
        books,
        (
          await createDraft(books, 'CUSTOMER_RECEIPT', {
            partyId: party,
            documentDate: '2026-07-16',
            amount,
            allocations: [{ invoiceId: of, amount }],
          })
        ).id,
        'PAYMENT',
      );
    const paid = await receipt(kept.id, '10.00');
    await voidDocument(
      books,
      (await receipt(voided.id, '5.00')).id,
      'PAYMENT',
      'The cheque bounced at the bank',
      '2026-07-17',
    );
    const foreign = await createDraft(books, 'SALES_INVOICE', {
      partyId: euro,
      documentDate: '2026-07-10',
      lines: [
        { description: 'Kaffee', accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'ITBMS7' },
      ],
    });
    const ids = [kept.id, voided.id, paid.id, foreign.id, '00000000-0000-4000-8000-000000000000'];
    const same = async (fn: string, inline: string, order: string) => {
      const [a, b] = [
        await t.admin.query(`SELECT * FROM (${fn}) f ORDER BY ${order}`),
        await t.admin.query(`SELECT * FROM (${inline}) s ORDER BY ${order}`),
      ];
      expect(a.rows).toEqual(b.rows);
      return a.rows;
    };
    const of = uuidArray(ids);
    expect(
      await same(
        `SELECT * FROM cifra_lock_documents(${of})`,
        `SELECT * FROM documents WHERE id = ANY (${of})`,
        'id',
      ),
    ).toHaveLength(4);
    const live = await same(
      `SELECT * FROM cifra_live_allocations(${of})`,
      `SELECT a.* FROM allocations a WHERE a.invoice_id = ANY (${of})
          AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id)`,
      'id',
    );
    // The kept invoice's receipt settles it; the voided receipt's allocation is not live.
    expect(live.map((a) => [a.invoice_id, a.source_document_id])).toEqual([[kept.id, paid.id]]);
    const fx = await clientFx(books.db);
    const rates = await same(
      latestRatesOfDocumentsSql(fx, of),
      latestRatesSql(
        fx,
        `SELECT DISTINCT currency, document_date FROM documents WHERE id = ANY (${of}) AND currency <> '${fx.baseCurrency}'`,
      ),
      'ask_currency, ask_date',
    );
    expect(rates.map((r) => [r.ask_currency, r.ask_date, r.rate_date])).toEqual([
      ['EUR', '2026-07-10', '2026-07-08'],
    ]);

    // Locked until the transaction ends: another transaction cannot lock it meanwhile.
    const [holder, other] = [await t.admin.connect(), await t.admin.connect()];
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM cifra_lock_documents($1::uuid[])', [[kept.id]]);
      await expect(
        other.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE NOWAIT', [kept.id]),
      ).rejects.toMatchObject({ code: '55P03' });
      await holder.query('ROLLBACK');
      expect(
        (await other.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE NOWAIT', [kept.id])).rowCount,
      ).toBe(1);
    } finally {
      holder.release();
      other.release();
    }
  });

  // Their plans are kept for the connection's life, made while a client may have a page of rows:
  // each table is reached by key, never scanned, whatever its size when the plan was made.
  it('read every table by key, on the plans the connection keeps', async () => {
    const party = (await createParty(books, { kind: 'CUSTOMER', code: 'R5', name: 'Keyed Hotel' })).id;
    const ids = [(await invoice(party)).id, (await invoice(party)).id];
    const tables = [
      'documents',
      'document_lines',
      'tax_codes',
      'tax_code_rates',
      'parties',
      'exchange_rates',
      'allocations',
      'voids',
    ];
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      const scans = () => seqScansIn(client, tables);
      const before = await scans();
      for (let round = 0; round < 3; round++) {
        expect((await client.query('SELECT * FROM cifra_lines_in_force($1::uuid[])', [ids])).rowCount).toBe(
          2,
        );
        expect(
          (await client.query('SELECT * FROM cifra_parties_of_documents($1::uuid[])', [ids])).rowCount,
        ).toBe(1);
        await client.query(
          `SELECT * FROM cifra_latest_rates('{EUR,USD}'::char(3)[], '{2026-07-15,2026-07-15}'::date[], 'PAB',
             '{USD}'::text[], 'PEG', 'DOCUMENT')`,
        );
        expect((await client.query('SELECT * FROM cifra_lock_documents($1::uuid[])', [ids])).rowCount).toBe(
          2,
        );
        await client.query('SELECT * FROM cifra_live_allocations($1::uuid[])', [ids]);
        await client.query(
          `SELECT * FROM cifra_latest_rates_of_documents($1::uuid[], 'PAB', '{USD}'::text[], 'PEG', 'DOCUMENT')`,
          [ids],
        );
      }
      expect(await scans()).toBe(before);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
