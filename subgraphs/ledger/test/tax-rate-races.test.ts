import type { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument, updateDraft } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { createTaxCode, updateTaxCode } from '../src/tax-codes/index.ts';
import { codeOf, openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let customer: string;
let eurCustomer: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C2', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
});
afterAll(() => t.close());

const DATE = '2026-11-25';
const draftLines = (taxCode: string) => [{ accountCode: '4101', quantity: '1', unitPrice: '100', taxCode }];
const invoice = (taxCode: string, over: { partyId?: string; exchangeRate?: string } = {}) =>
  createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: DATE,
    lines: draftLines(taxCode),
    ...over,
  });
const lineTaxes = async (documentId: string) =>
  (
    await t.admin.query<{ tax: string }>(
      'SELECT tax_minor::text AS tax FROM document_lines WHERE document_id = $1 ORDER BY line_number',
      [documentId],
    )
  ).rows.map((r) => r.tax);

/** Resolves once some backend of the test database waits for a lock (polled on the server's state, no timing). */
async function someoneWaitsForALock(): Promise<void> {
  for (let i = 0; ; i++) {
    const { rows } = await t.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    if (i > 20_000) throw new Error('nobody ever waited for a lock');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * What `updateTaxCode` writes for a rate of 10 % from 20 November (its own rate kept from the
 * start), in the caller's open transaction, the code locked first as it locks it.
 */
async function newRateFrom20November(client: { query: (q: string) => Promise<unknown> }, code: string) {
  await client.query(`SELECT 1 FROM tax_codes WHERE code = '${code}' FOR UPDATE`);
  await client.query('SELECT cifra_mark_recorded_time()');
  await client.query(`INSERT INTO tax_code_rates (tax_code, effective_from, rate_percent)
    VALUES ('${code}', '1900-01-01', 7), ('${code}', '2026-11-20', 10)`);
  await client.query(`UPDATE tax_codes SET rate_percent = 10 WHERE code = '${code}'`);
}

describe('a tax rate changed while a draft is written', () => {
  it('a draft written while a new rate commits is taxed at the new rate: 100.00 at 10 %, not 7 %', async () => {
    await createTaxCode(books, { code: 'PRBX', name: 'Prueba', ratePercent: '7' });
    const changing = await t.admin.connect();
    try {
      await changing.query('BEGIN');
      await newRateFrom20November(changing, 'PRBX');
      // The draft reads the rates while the change is not committed (7 %), then waits for the code.
      const drafting = invoice('PRBX');
      await someoneWaitsForALock();
      await changing.query('COMMIT');
      const draft = await drafting;
      expect(draft.taxMinor).toBe(1000n);
      expect(draft.totalMinor).toBe(11000n);
      expect(await lineTaxes(draft.id)).toEqual(['1000']);
    } finally {
      await changing.query('ROLLBACK').catch(() => undefined);
      changing.release();
    }
  });

  it('a draft updated while a new rate commits is priced again at the new rate too', async () => {
    await createTaxCode(books, { code: 'PRBU', name: 'Prueba U', ratePercent: '7' });
    const draft = await invoice('EXENTO');
    const changing = await t.admin.connect();
    try {
      await changing.query('BEGIN');
      await newRateFrom20November(changing, 'PRBU');
      const updating = updateDraft(books, draft.id, 'INVOICE', {
        partyId: customer,
        documentDate: DATE,
        lines: draftLines('PRBU'),
      });
      await someoneWaitsForALock();
      await changing.query('COMMIT');
      expect((await updating).taxMinor).toBe(1000n);
      expect(await lineTaxes(draft.id)).toEqual(['1000']);
    } finally {
      await changing.query('ROLLBACK').catch(() => undefined);
      changing.release();
    }
  });

  it('a rate change waits for a draft being written with the code, then is refused: TAX_RATE_DATE_IN_USE', async () => {
    await createTaxCode(books, { code: 'PRBY', name: 'Prueba Y', ratePercent: '7' });
    const drafting = await t.admin.connect();
    try {
      await drafting.query('BEGIN');
      // A draft's writer holds the code while it writes its lines.
      await drafting.query(`SELECT 1 FROM tax_codes WHERE code = 'PRBY' FOR SHARE`);
      const changing = updateTaxCode(books, 'PRBY', { ratePercent: '10', effectiveFrom: '2026-11-20' }).then(
        () => 'changed',
        codeOf,
      );
      await someoneWaitsForALock();
      const { rows } = await drafting.query<{ id: string }>(
        `INSERT INTO documents (kind, party_id, document_date, posting_date, due_date, currency, subtotal_minor, tax_minor, total_minor, created_by)
         VALUES ('SALES_INVOICE', $1, $2, $2, $2, 'PAB', 10000, 700, 10700, $3) RETURNING id`,
        [customer, DATE, books.actor.userId],
      );
      const account = await drafting.query<{ id: string }>(`SELECT id FROM accounts WHERE code = '4101'`);
      await drafting.query(
        `INSERT INTO document_lines (document_id, line_number, account_id, quantity, unit_price, tax_code, amount_minor, tax_minor)
         VALUES ($1, 1, $2, 1, 100, 'PRBY', 10000, 700)`,
        [rows[0]?.id, account.rows[0]?.id],
      );
      await drafting.query('COMMIT');
      expect(await changing).toBe('TAX_RATE_DATE_IN_USE');
    } finally {
      await drafting.query('ROLLBACK').catch(() => undefined);
      drafting.release();
    }
  });
});

describe('a draft taxed at a rate no longer in force on its date', () => {
  /** A draft at 7 %, then a rate of 10 % from before its date written behind the code's back (as a race before this fix could). */
  async function staleDraft(code: string, over: { partyId?: string; exchangeRate?: string } = {}) {
    await createTaxCode(books, { code, name: code, ratePercent: '7' });
    const draft = await invoice(code, over);
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      await newRateFrom20November(client, code);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return draft;
  }

  it('is refused in a group, DRAFT_STALE naming the line, writing nothing; the draft updated posts at 10 %', async () => {
    const draft = await staleDraft('PRBZ');
    const fresh = await invoice('ITBMS7');
    const before = await t.count('journal_entries');
    // Asked in one turn: one group, posted by the documents' lane, each draft checked on its own.
    const [err, other] = await Promise.all(
      [draft, fresh].map((d) =>
        postDocument(books, d.id, 'SALES').then(
          (doc) => doc.status,
          (e: unknown) => e,
        ),
      ),
    );
    expect(codeOf(err)).toBe('DRAFT_STALE');
    expect((err as DomainError).details).toMatchObject({ field: 'lines[0].taxCode', value: 'PRBZ' });
    expect(other).toBe('POSTED');
    expect(await t.count('journal_entries')).toBe(before + 1);
    expect(await t.count('documents', `id = '${draft.id}' AND status = 'DRAFT'`)).toBe(1);
    const updated = await updateDraft(books, draft.id, 'INVOICE', {
      partyId: customer,
      documentDate: DATE,
      lines: draftLines('PRBZ'),
    });
    expect(updated.taxMinor).toBe(1000n);
    expect((await postDocument(books, draft.id, 'SALES')).status).toBe('POSTED');
  });

  it('is refused when it posts alone too (a typed rate): DRAFT_STALE, writing nothing', async () => {
    const draft = await staleDraft('PRBW', { partyId: eurCustomer, exchangeRate: '1.1' });
    const before = await t.count('journal_entries');
    const rates = await t.count('exchange_rates');
    const err = await postDocument(books, draft.id, 'SALES').then(
      () => null,
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('DRAFT_STALE');
    expect(await t.count('journal_entries')).toBe(before);
    expect(await t.count('exchange_rates')).toBe(rates);
  });
});
