import { pg, type TenantDb, tenantDb } from '@cifra/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import { bindBankAccount } from '../src/bank/accounts.ts';
import { importBankStatement } from '../src/bank/import.ts';
import { bankReconciliation, differenceOf } from '../src/bank/reconcile.ts';
import { createDraft, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { incomeStatement } from '../src/services/financial-statements.service.ts';
import { generalLedger } from '../src/services/general-ledger.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { itbmsReturn } from '../src/tax-return/tax-return.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

// A report that combines several reads answers the books as they stood at one moment, whatever
// commits while it reads (docs/architecture/posting.md, "Reports and exports"). Each test commits a
// posting in the middle of a report, at a point set by locks, and requires the report's answer to be
// the one it gave just before: reading in two snapshots, its later statements see the posting and
// its earlier ones do not, and the answer contradicts itself.

let t: TestBooks;
let books: Books;
/** The owner, to hold locks no application role may take. */
let owner: pg.Pool;
/** One connection, for the report: its reads go one after another, in the order it asks them. */
let single: pg.Pool;
let customer: string;

type Tx = Parameters<Parameters<TenantDb['transaction']>[0]>[0];

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  owner = new pg.Pool({ connectionString: t.database.adminUrl, max: 3 });
  single = new pg.Pool({ connectionString: t.database.appUrl, max: 1 });
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel Boquete' })).id;
});
afterAll(async () => {
  await single.end();
  await owner.end();
  await t.close();
});

/** The pids waiting for a lock on `table`. */
async function waitingOn(table: string): Promise<number[]> {
  const { rows } = await owner.query<{ pid: number }>(
    'SELECT pid FROM pg_locks WHERE relation = $1::regclass AND NOT granted',
    [table],
  );
  return rows.map((r) => r.pid);
}

/** Resolves once `waiting` holds of the pids waiting for `table` (polled, no timing). */
async function until(table: string, waiting: (pids: number[]) => boolean): Promise<void> {
  while (!waiting(await waitingOn(table))) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * `report` (on one connection) with `write` committed in the middle of it: a lock on `table` holds
 * the report's first statement reading it; a writer then asks for the table, queueing behind that
 * statement, and the lock is let go. The statement reads the books before the write; the writer
 * gets the table, writes and commits as soon as the statement's transaction lets the table go. A
 * statement of its own (autocommit) lets it go at once, so the report's next statement on the table
 * waits for the commit and reads the books after it; a snapshot holds it until the report answers.
 */
async function writtenDuring<T>(
  table: string,
  report: (db: TenantDb) => Promise<T>,
  write: (tx: Tx) => Promise<unknown>,
): Promise<T> {
  const holder = await owner.connect();
  const writer = await owner.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const answered = report(tenantDb(single));
    await until(table, (pids) => pids.length > 0);
    const pid = (await writer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const written = tenantDb(writer).transaction(async (tx) => {
      await tx.execute(sql.raw(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`));
      await write(tx);
    });
    await until(table, (pids) => pids.includes(pid as number));
    await holder.query('COMMIT');
    const [answer] = await Promise.all([answered, written]);
    return answer;
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
    writer.release();
  }
}

/** The books on the writer's transaction: a posting there commits when the writer does. */
const on = (tx: Tx): Books => ({ ...books, db: tx as unknown as TenantDb });

const invoiceDraft = (date: string, unitPrice: string, taxCode = 'ITBMS7') =>
  createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: date,
    lines: [{ accountCode: '4101', quantity: '1', unitPrice, taxCode }],
  });

const entry = (db: TenantDb, date: string, amount: string, accounts: [string, string]) =>
  postJournalEntry(db, books.company, actor, {
    postingDate: date,
    memo: `${accounts[0]} ${amount}`,
    lines: [
      { accountCode: accounts[0], debit: amount },
      { accountCode: accounts[1], credit: amount },
    ],
  });

describe('reports read the books in one snapshot', () => {
  it('itbmsReturn: the documents and the tax accounts of the same moment (reconciles)', async () => {
    const draft = await invoiceDraft('2026-07-10', '100.00');
    const before = await itbmsReturn(books, 2026, 7);
    const during = await writtenDuring(
      'documents',
      (db) => itbmsReturn({ ...books, db }, 2026, 7),
      (tx) => postDocument(on(tx), draft.id, 'SALES'),
    );
    expect(during.reconciles).toBe(true);
    expect(during).toEqual(before);
    const after = await itbmsReturn(books, 2026, 7);
    expect([after.outputTaxMinor, after.glOutputTaxMinor, after.reconciles]).toEqual([700n, 700n, true]);
  });

  it('arAging: an invoice and the receipt settling it are both seen, or neither', async () => {
    const invoice = await postDocument(
      books,
      (await invoiceDraft('2026-08-03', '100.00', 'EXENTO')).id,
      'SALES',
    );
    // 150.00 received, 100.00 of it for the invoice: 50.00 left on the customer's account.
    const receipt = await createDraft(books, 'CUSTOMER_RECEIPT', {
      partyId: customer,
      documentDate: '2026-08-05',
      amount: '150.00',
      allocations: [{ invoiceId: invoice.id, amount: '100.00' }],
    });
    const before = await aging(books, 'SALES_INVOICE', '2026-08-31');
    const during = await writtenDuring(
      'documents',
      (db) => aging({ ...books, db }, 'SALES_INVOICE', '2026-08-31'),
      (tx) => postDocument(on(tx), receipt.id, 'PAYMENT'),
    );
    expect(during).toEqual(before);
    const after = await aging(books, 'SALES_INVOICE', '2026-08-31');
    expect(after.totalBase.total).toBe(before.totalBase.total - 15000n);
  });

  it('generalLedger: opening plus the lines is the closing balance, and the totals are the lines', async () => {
    await entry(t.db, '2026-09-05', '5.00', ['6201', '1102']);
    await entry(t.db, '2026-10-07', '10.00', ['6201', '1102']);
    const args = { accountCode: '6201', from: '2026-10-01', to: '2026-10-31' };
    const before = await generalLedger(t.db, args);
    const during = await writtenDuring(
      'gl_lines',
      (db) => generalLedger(db, args),
      (tx) => entry(tx as unknown as TenantDb, '2026-10-20', '20.00', ['6201', '1102']),
    );
    expect(during).toEqual(before);
    const after = await generalLedger(t.db, args);
    expect(after.closingBalanceMinor - after.openingBalanceMinor).toBe(3000n);
  });

  it('incomeStatement: a posting dated before `from` is not counted in the range', async () => {
    await entry(t.db, '2026-10-12', '50.00', ['1102', '7101']);
    await entry(t.db, '2026-11-12', '30.00', ['1102', '7101']);
    const before = await incomeStatement(t.db, '2026-11-01', '2026-11-30');
    const during = await writtenDuring(
      'account_period_balances',
      (db) => incomeStatement(db, '2026-11-01', '2026-11-30'),
      (tx) => entry(tx as unknown as TenantDb, '2026-10-20', '40.00', ['1102', '7101']),
    );
    expect(during).toEqual(before);
    expect(await incomeStatement(t.db, '2026-11-01', '2026-11-30')).toEqual(before);
  });

  it('bankReconciliation: the book balance and the unmatched book lines of the same moment', async () => {
    await bindBankAccount(books, { accountCode: '1101' });
    await importBankStatement(books, {
      accountCode: '1101',
      format: 'CSV',
      fileContent: 'fecha,monto\n2026-12-03,10.00\n',
      csvMapping: {
        delimiter: ',',
        dateColumn: 'fecha',
        dateFormat: 'YYYY_MM_DD',
        decimalSeparator: 'POINT',
        amountColumn: 'monto',
      },
      openingBalance: '0.00',
      closingBalance: '10.00',
      periodStart: '2026-12-01',
      periodEnd: '2026-12-31',
    });
    await entry(t.db, '2026-12-03', '10.00', ['1101', '3101']);
    const before = await bankReconciliation(books, '1101', '2026-12-31');
    const during = await writtenDuring(
      'gl_lines',
      (db) => bankReconciliation({ ...books, db }, '1101', '2026-12-31'),
      (tx) => entry(tx as unknown as TenantDb, '2026-12-09', '4.00', ['1101', '3101']),
    );
    expect(during).toEqual(before);
    expect(differenceOf(during)).toBe(differenceOf(before));
  });
});
