import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inTransaction, type pg } from '@cifra/db';
import { formatMoney } from '@cifra/domain';
import { postEntries } from '@cifra/engine';
import { streamExport } from '@cifra/exports';
import {
  createTestTenantDatabase,
  hledgerBalances,
  hledgerOracleRuns,
  hledgerVersion,
  type TestDatabase,
} from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCredit,
  createDraft,
  type DocumentKind,
  type DocumentRow,
  postDocument,
  settledMinor,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { trialBalance } from '../src/services/trial-balance.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import { type AppConnection, connectApp, prng, randomEntries, seedTestBooks, TEST_ACTOR } from './books.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

/** The oracle (hledger recomputing every balance from the exported journal): @cifra/testing's hledger.ts. */
const ENTRIES = Number(process.env.ORACLE_ENTRIES ?? 3000);
const DOCUMENTS = Number(process.env.ORACLE_DOCUMENTS ?? 400);
const oracleRuns = await hledgerOracleRuns();
const version = await hledgerVersion();

/**
 * Export the books of [from, to] as an hledger journal through the product's own export, and have
 * hledger compute every account's balance from it (base currency, minor units, by account code).
 */
async function hledgerBalancesOf(
  pool: pg.Pool,
  dir: string,
  from: string,
  to: string,
  base = 'PAB',
  minorUnitsOf: (currency: string) => number = () => 2,
): Promise<Map<string, bigint>> {
  const file = path.join(dir, `books-${base}-${from}-${to}.journal`);
  const out = createWriteStream(file);
  await streamExport({
    pool,
    claims: {
      tenantId: '00000000-0000-4000-8000-000000000000',
      tenantSlug: 'oracle',
      format: 'HLEDGER',
      from,
      to,
      userId: TEST_ACTOR.userId as string,
      email: TEST_ACTOR.email as string,
      exportId: '00000000-0000-4000-8000-000000000001',
      expiresAt: new Date(Date.now() + 60_000),
    },
    minorUnitsOf,
    out,
  });
  const balances = await hledgerBalances(file, base, minorUnitsOf(base));
  expect(await readFile(file, 'utf8')).toContain(`commodity ${base}`);
  return balances;
}

let tdb: TestDatabase;
let app: AppConnection;
let dir: string;

describe.skipIf(!oracleRuns)('hledger oracle', () => {
  beforeAll(async () => {
    tdb = await createTestTenantDatabase();
    await seedTestBooks(tdb.adminUrl, [2025, 2026]);
    app = await connectApp(tdb.appUrl);
    dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-oracle-'));
    // Control accounts take manual lines only with a party (migration 0021): the random entries avoid them.
    const { rows } = await app.pool.query<{ id: string }>(
      `SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM account_role_bindings
        WHERE role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable'))`,
    );
    const random = prng(20260331);
    const entries = randomEntries(random, ENTRIES, {
      accountIds: rows.map((r) => r.id),
      from: '2025-01-01',
      to: '2026-12-31',
      currency: 'PAB',
    });
    // In a few transactions, as imports would post them.
    for (let i = 0; i < entries.length; i += 1000) {
      await inTransaction(app.db, TEST_ACTOR, (tx) =>
        postEntries(tx, TEST_ACTOR, entries.slice(i, i + 1000)),
      );
    }
  });

  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const hledgerBalances = (from: string, to: string) => hledgerBalancesOf(app.pool, dir, from, to);

  async function ours(asOf: string): Promise<Map<string, bigint>> {
    return new Map((await trialBalance(app.db, asOf)).map((r) => [r.accountCode, r.balanceMinor]));
  }

  it(`recomputes the trial balance of ${ENTRIES} random entries to the cent`, async () => {
    expect(version ?? 'hledger missing in CI: .ci/run must install it').toMatch(/^hledger /);
    const expected = await ours('2026-12-31');
    expect(expected.size).toBeGreaterThan(30);
    expect(await hledgerBalances('2025-01-01', '2026-12-31')).toEqual(expected);
  });

  it('agrees on a range that starts mid-books (opening balances) and ends mid-period', async () => {
    expect(await hledgerBalances('2025-07-16', '2026-05-20')).toEqual(await ours('2026-05-20'));
  });
});

/**
 * The same oracle over random documents through the documents service, as users post them:
 * invoices and bills (PAB, USD at the peg, EUR at the rate of their date or a typed rate), credit
 * and debit notes (some beyond their invoice or standing alone), receipts and payments with partial
 * allocations over several invoices at other rates (realized FX in both modes, bank fees, small
 * differences closed within a receipt tolerance), some leaving an unapplied credit, credits applied
 * to invoices or refunded later, bad-debt write-offs at their own rate, and voided receipts,
 * payments, credit applications and write-offs. hledger's balances
 * in base currency must equal the trial balance, and each invoice's receivable or payable in base
 * currency must equal what the GL holds for its party (nothing left on a fully settled invoice).
 */
describe.skipIf(!oracleRuns)('hledger oracle over random foreign-currency documents', () => {
  let t: TestBooks;
  let books: Books;
  let docDir: string;

  interface Open {
    id: string;
    partyId: string;
    currency: string;
    sales: boolean;
    total: bigint;
    open: bigint;
  }

  beforeAll(async () => {
    t = await openTestBooks();
    books = await t.books();
    docDir = await mkdtemp(path.join(os.tmpdir(), 'cifra-oracle-docs-'));
    const random = prng(20261121);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const money = (minor: bigint) => formatMoney(minor, 2);

    // A EUR rate for every day of 2026, between 1.0500 and 1.1500 (as the refresh would store them).
    const days = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source)
       SELECT d, 'EUR', 'PAB', r, 'ECB' FROM unnest($1::date[], $2::numeric[]) AS x(d, r)`,
      [days, days.map(() => (1.05 + Math.floor(random() * 1000) / 10000).toFixed(4))],
    );

    const parties: { id: string; sales: boolean; currency: string }[] = [];
    for (const [i, currency] of ['PAB', 'USD', 'EUR', 'EUR'].entries()) {
      for (const sales of [true, false]) {
        const party = await createParty(books, {
          kind: sales ? 'CUSTOMER' : 'VENDOR',
          code: `${sales ? 'C' : 'V'}${i}`,
          name: `${currency} party ${i}`,
          currency,
        });
        parties.push({ id: party.id, sales, currency });
      }
    }

    const open: Open[] = [];
    const settlements: { id: string; family: 'PAYMENT' | 'WRITE_OFF'; invoiceIds: string[] }[] = [];
    // What is open, read back from the books (a receipt within the tolerance closes more than it allocates).
    const refresh = async (ids: string[]) => {
      const settled = await settledMinor(t.db, ids);
      for (const o of open) if (settled.has(o.id)) o.open = o.total - (settled.get(o.id) ?? 0n);
    };
    /** Credits left on account (unapplied receipts and payments, notes beyond or without an invoice). */
    const credits: (Open & { date: string })[] = [];
    const leaveCredit = (doc: DocumentRow, o: Omit<Open, 'id' | 'open'>, date: string) => {
      if (doc.creditMinor > 0n) credits.push({ ...o, id: doc.id, open: doc.creditMinor, date });
    };
    // Receipts leaving at most PAB 0.25 on an invoice close it (issue 18 §2).
    t.settings.receiptToleranceMinor = 25;
    for (let i = 0; i < DOCUMENTS; i++) {
      const date = days[Math.min(364, Math.floor((i * 365) / DOCUMENTS))] as string;
      const roll = random();
      t.settings.fxVarianceMode = random() < 0.5 ? 'SIMPLE' : 'SEPARATED';
      const typedRate = (currency: string) =>
        currency === 'EUR' && random() < 0.25 ? { exchangeRate: (1 + random() * 0.2).toFixed(6) } : {};
      const candidates = open.filter((o) => o.open > 0n);
      if (roll < 0.45 || candidates.length === 0) {
        const party = pick(parties);
        const kind: DocumentKind = party.sales ? 'SALES_INVOICE' : 'PURCHASE_INVOICE';
        const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          accountCode: party.sales ? pick(['4101', '4102']) : '5101',
          quantity: String(1 + Math.floor(random() * 5)),
          unitPrice: (Math.floor(random() * 200_000) / 100 + 0.01).toFixed(2),
          taxCode: pick(['ITBMS7', 'EXENTO']),
        }));
        const draft = await createDraft(books, kind, {
          partyId: party.id,
          documentDate: date,
          lines,
          ...typedRate(party.currency),
        });
        const doc = await postDocument(books, draft.id, party.sales ? 'SALES' : 'PURCHASING');
        open.push({
          id: doc.id,
          partyId: party.id,
          currency: party.currency,
          sales: party.sales,
          total: doc.totalMinor,
          open: doc.totalMinor,
        });
      } else if (roll < 0.55) {
        const inv = pick(candidates);
        // Some notes exceed what is open or stand alone: the rest is a credit on account.
        const alone = random() < 0.2;
        const amount = 1n + BigInt(Math.floor(random() * Number(inv.open) * (random() < 0.3 ? 1.5 : 1)));
        const draft = await createDraft(books, inv.sales ? 'CREDIT_NOTE' : 'DEBIT_NOTE', {
          partyId: inv.partyId,
          documentDate: date,
          ...(alone ? {} : { appliesToId: inv.id }),
          lines: [
            {
              accountCode: inv.sales ? '4101' : '5101',
              quantity: '1',
              unitPrice: money(amount),
              taxCode: 'EXENTO',
            },
          ],
        });
        const note = await postDocument(books, draft.id, inv.sales ? 'SALES' : 'PURCHASING');
        if (!alone) await refresh([inv.id]);
        leaveCredit(note, inv, date);
      } else if (roll < 0.6 && candidates.some((o) => o.sales)) {
        const inv = pick(candidates.filter((o) => o.sales));
        const amount = random() < 0.5 ? inv.open : 1n + BigInt(Math.floor(random() * Number(inv.open)));
        const wo = await writeOffBadDebt(books, {
          invoiceId: inv.id,
          amount: money(amount),
          documentDate: date,
          reason: 'Oracle: the customer is insolvent, nothing to collect',
          ...typedRate(inv.currency),
        });
        await refresh([inv.id]);
        settlements.push({ id: wo.id, family: 'WRITE_OFF', invoiceIds: [inv.id] });
      } else if (roll < 0.93 || settlements.length === 0) {
        const first = pick(candidates);
        const same = candidates.filter(
          (o) => o.partyId === first.partyId && o.currency === first.currency && o.id !== first.id,
        );
        const chosen = [first, ...same.slice(0, Math.floor(random() * 3))];
        // The whole balance, a few cents short of it (the tolerance may close the rest), or any part.
        const part = (o: Open) => {
          const r = random();
          if (r < 0.4) return o.open;
          if (r < 0.55 && o.open > 25n) return o.open - BigInt(1 + Math.floor(random() * 20));
          return 1n + BigInt(Math.floor(random() * Number(o.open)));
        };
        const allocations = chosen.map((o) => ({ invoiceId: o.id, amount: part(o) }));
        // Some receipts and payments leave an unapplied amount on account (a prepayment, an advance).
        const extra = random() < 0.2 ? BigInt(1 + Math.floor(random() * 50_000)) : 0n;
        const amount = allocations.reduce((sum, a) => sum + a.amount, 0n) + extra;
        const fee = random() < 0.3 && amount > 100n ? BigInt(Math.floor(random() * 100)) : 0n;
        const draft = await createDraft(books, first.sales ? 'CUSTOMER_RECEIPT' : 'VENDOR_PAYMENT', {
          partyId: first.partyId,
          documentDate: date,
          amount: money(amount),
          bankFee: money(fee),
          allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: money(a.amount) })),
          ...typedRate(first.currency),
        });
        const paid = await postDocument(books, draft.id, 'PAYMENT');
        const invoiceIds = allocations.map((a) => a.invoiceId);
        await refresh(invoiceIds);
        settlements.push({ id: draft.id, family: 'PAYMENT', invoiceIds });
        leaveCredit(paid, first, date);
      } else if (roll < 0.97 && credits.some((c) => c.open > 0n)) {
        // A credit applied to an open invoice of the party, or refunded.
        const credit = pick(credits.filter((c) => c.open > 0n));
        const inv = candidates.find((o) => o.partyId === credit.partyId && o.currency === credit.currency);
        const cap = inv && inv.open < credit.open ? inv.open : credit.open;
        const amount = 1n + BigInt(Math.floor(random() * Number(cap)));
        if (inv && random() < 0.6) {
          const app = await applyCredit(
            books,
            credit.sales ? 'CUSTOMER_CREDIT_APPLICATION' : 'VENDOR_CREDIT_APPLICATION',
            { creditId: credit.id, invoiceId: inv.id, amount: money(amount), date },
          );
          settlements.push({ id: app.id, family: 'PAYMENT', invoiceIds: [inv.id] });
          await refresh([inv.id]);
        } else {
          const draft = await createDraft(books, credit.sales ? 'CUSTOMER_REFUND' : 'VENDOR_REFUND', {
            partyId: credit.partyId,
            documentDate: date,
            amount: money(amount),
            allocations: [{ invoiceId: credit.id, amount: money(amount) }],
            ...typedRate(credit.currency),
          });
          await postDocument(books, draft.id, 'PAYMENT');
        }
        credit.open -= amount;
      } else {
        const voided = settlements.splice(Math.floor(random() * settlements.length), 1)[0];
        if (!voided) continue;
        // A receipt or payment whose credit a refund or application used stays (void those first).
        const ok = await voidDocument(
          books,
          voided.id,
          voided.family,
          'Oracle: the payment was returned by the bank',
        )
          .then(() => true)
          .catch((e: unknown) => {
            if ((e as { code?: string }).code !== 'DOCUMENT_HAS_SETTLEMENTS') throw e;
            return false;
          });
        if (!ok) continue;
        await refresh(voided.invoiceIds);
        const credit = credits.find((c) => c.id === voided.id);
        if (credit) credit.open = 0n;
      }
    }
    delete t.settings.fxVarianceMode;
    delete t.settings.receiptToleranceMinor;
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    if (docDir) await rm(docDir, { recursive: true, force: true });
  });

  it(`recomputes the trial balance of ${DOCUMENTS} random documents in PAB, USD and EUR to the cent`, async () => {
    expect(version ?? 'hledger missing in CI: .ci/run must install it').toMatch(/^hledger /);
    const expected = new Map(
      (await trialBalance(t.db, '2026-12-31')).map((r) => [r.accountCode, r.balanceMinor]),
    );
    // Realized FX happened, in both modes, and notes and voids were among the documents.
    for (const role of ['RealizedFxGain', 'RealizedFxLoss', 'FxVarianceBankFees', 'DefaultAR', 'DefaultAP'])
      expect(
        (
          await t.admin.query(
            `SELECT count(*)::int AS n FROM gl_lines l JOIN account_role_bindings b ON b.account_id = l.account_id
            WHERE b.role = $1`,
            [role],
          )
        ).rows[0].n,
      ).toBeGreaterThan(0);
    expect(
      await t.count('documents', "kind IN ('CREDIT_NOTE', 'DEBIT_NOTE') AND status = 'POSTED'"),
    ).toBeGreaterThan(0);
    expect(await t.count('voids')).toBeGreaterThan(0);
    for (const kind of [
      'CUSTOMER_CREDIT_APPLICATION',
      'VENDOR_CREDIT_APPLICATION',
      'CUSTOMER_REFUND',
      'VENDOR_REFUND',
    ])
      expect(await t.count('documents', `kind = '${kind}' AND status = 'POSTED'`)).toBeGreaterThan(0);
    expect(await t.count('documents', "kind = 'BAD_DEBT_WRITE_OFF' AND status = 'POSTED'")).toBeGreaterThan(
      5,
    );
    expect(await t.count('allocations', 'small_difference_minor > 0')).toBeGreaterThan(0);
    expect(await hledgerBalancesOf(t.appPool, docDir, '2026-01-01', '2026-12-31')).toEqual(expected);
  });

  it('keeps every invoice exactly cleared in base currency: the GL of each party equals its invoices, nothing left on the settled ones', async () => {
    const { rows: invoices } = await t.admin.query(
      `WITH live AS (
         SELECT a.* FROM allocations a
          WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id))
       SELECT d.id, d.party_id, d.kind::text AS kind,
              (d.total_minor - coalesce(sum(l.amount_minor), 0))::text AS open,
              (d.base_total_minor - coalesce(sum(l.base_amount_minor), 0))::text AS base_open
         FROM documents d LEFT JOIN live l ON l.invoice_id = d.id
        WHERE d.kind IN ('SALES_INVOICE', 'PURCHASE_INVOICE') AND d.status = 'POSTED'
        GROUP BY d.id`,
    );
    expect(invoices.length).toBeGreaterThan(50);
    const settled = invoices.filter((i) => i.open === '0');
    expect(settled.length).toBeGreaterThan(10);
    for (const i of settled) expect([i.id, i.base_open]).toEqual([i.id, '0']);
    const subledger = new Map<string, bigint>();
    for (const i of invoices) {
      const sign = i.kind === 'SALES_INVOICE' ? 1n : -1n;
      subledger.set(i.party_id, (subledger.get(i.party_id) ?? 0n) + sign * BigInt(i.base_open));
    }
    // Credits left on account, less what live refunds and applications used of them: a customer's
    // is a credit on the receivable, a vendor's a debit on the payable.
    const { rows: credits } = await t.admin.query(
      `SELECT d.party_id, p.kind::text AS party_kind,
              (d.credit_base_minor - coalesce(sum(a.base_amount_minor) FILTER (WHERE NOT EXISTS
                (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id)), 0))::text AS base_open
         FROM documents d JOIN parties p ON p.id = d.party_id
         LEFT JOIN allocations a ON a.invoice_id = d.id
        WHERE d.credit_minor > 0 AND d.status = 'POSTED'
          AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = d.id)
        GROUP BY d.id, p.kind`,
    );
    expect(credits.length).toBeGreaterThan(5);
    for (const c of credits) {
      const sign = c.party_kind === 'CUSTOMER' ? -1n : 1n;
      subledger.set(c.party_id, (subledger.get(c.party_id) ?? 0n) + sign * BigInt(c.base_open));
    }
    const { rows: gl } = await t.admin.query(
      `SELECT l.party_id, sum(l.amount_minor)::text AS balance FROM gl_lines l
         JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role IN ('DefaultAR', 'DefaultAP')
        WHERE l.party_id IS NOT NULL GROUP BY l.party_id`,
    );
    expect(new Map(gl.map((r) => [r.party_id, BigInt(r.balance)]))).toEqual(subledger);
    // Every line in a foreign currency cites the rate it was translated at.
    expect(await t.count('gl_lines', "original_currency <> 'PAB' AND exchange_rate_id IS NULL")).toBe(0);
  });
});

/**
 * A base currency without decimals (JPY): hledger refuses a commodity directive without a decimal
 * mark, so the journal declares `commodity JPY 100000.`; the whole file must load and its balances
 * equal the trial balance, with foreign-currency (USD) documents translated into yen.
 */
describe.skipIf(!oracleRuns)('hledger oracle for a base currency without decimals', () => {
  let t: TestBooks;
  let dir: string;
  const units = (currency: string) => (currency === 'JPY' ? 0 : 2);

  beforeAll(async () => {
    t = await openTestBooks({ baseCurrency: 'JPY' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-oracle-jpy-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads the JPY journal in hledger and recomputes the trial balance to the yen', async () => {
    expect(version ?? 'hledger missing in CI: .ci/run must install it').toMatch(/^hledger /);
    const books = await t.books();
    await postJournalEntry(t.db, books.company, TEST_ACTOR, {
      postingDate: '2026-03-02',
      memo: 'Capital',
      lines: [
        { accountCode: '1110', debit: '1000000' },
        { accountCode: '3101', credit: '1000000' },
      ],
    });
    const customer = await createParty(books, {
      kind: 'CUSTOMER',
      code: 'US1',
      name: 'Ohio Inc',
      currency: 'USD',
    });
    // USD 1,000.00 + 7 % at 150.5: JPY 150,500 + 10,535; received USD 500.00 at 151.25.
    const invoice = await postDocument(
      books,
      (
        await createDraft(books, 'SALES_INVOICE', {
          partyId: customer.id,
          documentDate: '2026-03-10',
          exchangeRate: '150.5',
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1000.00', taxCode: 'ITBMS7' }],
        })
      ).id,
      'SALES',
    );
    await postDocument(
      books,
      (
        await createDraft(books, 'CUSTOMER_RECEIPT', {
          partyId: customer.id,
          documentDate: '2026-03-20',
          exchangeRate: '151.25',
          amount: '500.00',
          allocations: [{ invoiceId: invoice.id, amount: '500.00' }],
        })
      ).id,
      'PAYMENT',
    );
    const expected = new Map(
      (await trialBalance(t.db, '2026-12-31')).map((r) => [r.accountCode, r.balanceMinor]),
    );
    expect(expected.get('4101')).toBe(-150_500n);
    expect(await hledgerBalancesOf(t.appPool, dir, '2026-01-01', '2026-12-31', 'JPY', units)).toEqual(
      expected,
    );
    // A range with opening balances, and the journal's own text: the directive and a USD line.
    expect(await hledgerBalancesOf(t.appPool, dir, '2026-03-15', '2026-12-31', 'JPY', units)).toEqual(
      expected,
    );
    const journal = await readFile(path.join(dir, 'books-JPY-2026-01-01-2026-12-31.journal'), 'utf8');
    expect(journal).toContain('\ncommodity JPY 100000.\n');
    expect(journal).toMatch(/JPY 161035 {2}; party: US1 Ohio Inc, original: USD 1070\.00 @ 150\.5 /);
  });
});
