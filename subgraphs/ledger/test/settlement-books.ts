import { type PostingGroups, pg, tenantDb, translateDbError } from '@cifra/db';
import { idempotencyHashOf, type PostingRequest } from '@cifra/engine';
import { expect } from 'vitest';
import { createDraft, type DocumentRow, type Family, KINDS, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, plug, type TestBooks } from './test-books.ts';

// The books of the documents lane's settlement tests (group-commit-settlements*.test.ts): one
// client's books through a pool's posting groups (`grouped`) and through one connection, a
// transaction each (`lone`); a customer, a vendor and a customer billed in EUR with its rates; the
// drafts and checks those tests share. Open them in `beforeAll`, close them in `afterAll`.

export let t: TestBooks;
/** Postings go through the posting groups of a pool. */
export let grouped: Books;
/** Postings each in a transaction of its own: one connection, no groups (postLockedDraft). */
export let lone: Books;
export let groups: PostingGroups;
export let customer: string;
export let vendor: string;
/** A customer billed in EUR (rates: 1.08 on 1 May, 1.10 on the 10th, 1.12 on the 12th); USD at the peg. */
export let euro: string;
const closers: (() => Promise<void>)[] = [];

export async function openSettlementBooks(): Promise<void> {
  t = await openTestBooks();
  const own = t.grouped();
  const client = new pg.Client({ connectionString: t.database.appUrl });
  await client.connect();
  closers.push(() => client.end());
  groups = own.groups;
  grouped = { ...(await t.books()), db: own.db };
  lone = { ...(await t.books()), db: tenantDb(client as unknown as pg.Pool) };
  customer = (await createParty(grouped, { kind: 'CUSTOMER', code: 'S1', name: 'Settle Hotel' })).id;
  vendor = (await createParty(grouped, { kind: 'VENDOR', code: 'SV', name: 'Settle Farm' })).id;
  euro = (await createParty(grouped, { kind: 'CUSTOMER', code: 'SE', name: 'Kaffee GmbH', currency: 'EUR' }))
    .id;
  for (const [date, rate] of [
    ['2026-05-01', '1.08'],
    ['2026-05-10', '1.10'],
    ['2026-05-12', '1.12'],
  ]) {
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       SELECT $1, 'EUR', base_currency, $2, 'ECB', 'test' FROM company`,
      [date, rate],
    );
  }
  // USD is pegged to PAB: its row as the rate refresh records it, from 1 May.
  await t.admin.query(
    `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
     VALUES ('2026-05-01', 'USD', 'PAB', 1, 'PEG', 'test')`,
  );
}

export async function closeSettlementBooks(): Promise<void> {
  for (const close of closers.splice(0)) await close();
  await t.close();
}

export const author = (i: number) => ({
  userId: `55555555-5555-4555-8555-${String(i).padStart(12, '0')}`,
  email: `settle${i}@test.invalid`,
  requestId: `settle-${i}`,
});
export const as = (books: Books, i: number): Books => ({ ...books, actor: author(i) });
export const familyOf = (d: DocumentRow): Family => KINDS[d.kind].family;

/** A posted invoice (a customer) or bill (the vendor) of `price` at ITBMS 7%. */
export async function invoice(price: string, date = '2026-05-04', party = customer): Promise<DocumentRow> {
  const sales = party !== vendor;
  const d = await createDraft(grouped, sales ? 'SALES_INVOICE' : 'PURCHASE_INVOICE', {
    partyId: party,
    documentDate: date,
    lines: [{ accountCode: sales ? '4101' : '6202', quantity: '1', unitPrice: price, taxCode: 'ITBMS7' }],
  });
  return postDocument(grouped, d.id, sales ? 'SALES' : 'PURCHASING');
}
/** A credit (customer) or debit (vendor) note of `price` at ITBMS 7%, on `appliesTo` or standing alone. */
export const note = (price: string, appliesTo?: DocumentRow, party = customer) =>
  createDraft(grouped, party !== vendor ? 'CREDIT_NOTE' : 'DEBIT_NOTE', {
    partyId: party,
    documentDate: '2026-05-11',
    ...(appliesTo ? { appliesToId: appliesTo.id } : {}),
    lines: [
      {
        accountCode: party !== vendor ? '4101' : '6202',
        quantity: '1',
        unitPrice: price,
        taxCode: 'ITBMS7',
      },
    ],
  });
export const money = (
  kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT' | 'CUSTOMER_REFUND' | 'VENDOR_REFUND',
  amount: string,
  allocations: { invoice: DocumentRow; amount: string }[],
  extra: { bankFee?: string; documentDate?: string; partyId?: string } = {},
) =>
  createDraft(grouped, kind, {
    partyId: extra.partyId ?? (kind.startsWith('VENDOR') ? vendor : customer),
    documentDate: extra.documentDate ?? '2026-05-12',
    amount,
    ...(extra.bankFee ? { bankFee: extra.bankFee } : {}),
    allocations: allocations.map((a) => ({ invoiceId: a.invoice.id, amount: a.amount })),
  });

export async function outcome<T>(p: Promise<T>): Promise<{ value?: T; code?: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { code: translateDbError(err)?.code ?? `untranslated: ${String(err)}` };
  }
}

/** Each transaction that writes the books leaves one row in the close board's outbox. */
export const transactions = () => t.count('close_board_changes');

/**
 * `n` calls made in one group: the plug holds the group in flight until all `n` wait behind it (and
 * until `until` settles, when given), then they run together. Their outcomes, in order.
 */
export async function callsInOneGroup<T>(n: number, call: (i: number) => Promise<T>, until?: Promise<void>) {
  // A call answered before the plug's group has ended never joined the group (refused on its way,
  // say): the plug lets go rather than wait for it for ever, and this fails naming it.
  let ended = false;
  const early: { i: number; code?: string }[] = [];
  let giveUp!: () => void;
  const held = await plug(
    groups,
    n,
    until,
    new Promise<void>((resolve) => {
      giveUp = resolve;
    }),
  );
  const calls = Array.from({ length: n }, (_, i) =>
    outcome(call(i)).then((r) => {
      if (!ended) {
        early.push({ i, code: r.code });
        giveUp();
      }
      return r;
    }),
  );
  await held.done;
  ended = true;
  const [first] = early;
  if (first)
    throw new Error(`call ${first.i} was answered before its group ran (${first.code ?? 'no code'})`);
  return Promise.all(calls);
}

/** `drafts` posted in one group, each by its own author. */
export const inOneGroup = (drafts: readonly DocumentRow[], first = 700) =>
  callsInOneGroup(drafts.length, (i) => {
    const d = drafts[i] as DocumentRow;
    return postDocument(as(grouped, first + i), d.id, familyOf(d));
  });

/** What is still open on each invoice (total less live settlements). */
export async function openOf(invoices: readonly DocumentRow[]): Promise<string[]> {
  const { rows } = await t.admin.query(
    `SELECT i.id, (i.total_minor - coalesce((SELECT sum(a.amount_minor) FROM allocations a
        WHERE a.invoice_id = i.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id)), 0))::text AS open
       FROM documents i WHERE i.id = ANY ($1::uuid[])`,
    [invoices.map((i) => i.id)],
  );
  const open = new Map(rows.map((r) => [r.id, r.open]));
  return invoices.map((i) => open.get(i.id));
}

/**
 * A scenario's facts, with the invoices it settles named by their place (`#0`, `#1`, …) so two
 * copies of it compare: each document's row, its allocations, its GL lines and its event, whether
 * that event names the document's own number and its entry's (null for a draft), and whether its
 * entry's idempotency hash is that of the entry as written (`hashIsItsEntrys`).
 */
export async function factsOf(docs: readonly DocumentRow[], invoices: readonly DocumentRow[]) {
  const place = new Map(
    invoices.flatMap((inv, k) => [
      [inv.id, `#${k}`],
      [inv.number, `#${k}`],
    ]),
  );
  const named = (text: string) => text.replace(/[0-9a-f-]{36}|[A-Z]+-\d{4}-\d+/g, (m) => place.get(m) ?? m);
  const { rows } = await t.admin.query(
    `SELECT d.id, d.kind, d.status, d.total_minor::text AS total, d.base_total_minor::text AS base_total,
            d.credit_minor::text AS credit, d.credit_base_minor::text AS credit_base, d.exchange_rate::text AS rate,
            d.exchange_rate_id, d.rate_is_fallback, d.number IS NOT NULL AS numbered,
            d.document_date::text AS document_date, d.posting_date::text AS posting_date, d.due_date::text AS due_date,
            d.currency, d.reference, d.memo, d.applies_to_id, d.bank_account_id, d.bank_fee_minor::text AS bank_fee,
            d.subtotal_minor::text AS subtotal, d.tax_minor::text AS tax, d.entry_id,
            (SELECT json_agg(json_build_array(a.invoice_id, a.amount_minor::text, a.small_difference_minor::text,
                    a.base_amount_minor::text, a.realized_fx_minor::text))
               FROM allocations a WHERE a.source_document_id = d.id) AS allocations,
            (SELECT json_agg(json_build_array(l.account_id, l.amount_minor::text, l.party_id, l.memo,
                    l.original_currency, l.original_amount_minor::text, l.exchange_rate_id, l.rate_is_fallback))
               FROM gl_lines l WHERE l.entry_id = d.entry_id) AS lines,
            (SELECT e.after - 'number' - 'entry' FROM audit_events e
              WHERE e.entity_id = d.id::text AND e.action = 'document.posted') AS event,
            (SELECT e.after->>'number' = d.number AND e.after->>'entry' = j.number
               FROM audit_events e, journal_entries j
              WHERE e.entity_id = d.id::text AND e.action = 'document.posted' AND j.id = d.entry_id) AS names_its_numbers
       FROM documents d WHERE d.id = ANY ($1::uuid[])`,
    [docs.map((d) => d.id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hashes = new Map(
    await Promise.all(
      rows.flatMap((r) =>
        r.entry_id ? [hashIsItsEntrys(r.entry_id).then((ok) => [r.entry_id, ok] as const)] : [],
      ),
    ),
  );
  return docs.map((d) => {
    const { id: _, entry_id: entryId, ...fact } = byId.get(d.id);
    const out = {
      ...JSON.parse(named(JSON.stringify(fact))),
      hash_is_its_entrys: hashes.get(entryId) ?? null,
    };
    // In an order that does not depend on the ids drawn.
    for (const key of ['allocations', 'lines'])
      out[key]?.sort((x: unknown, y: unknown) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    return out;
  });
}

/**
 * Whether an entry's stored idempotency hash is the engine's hash (`idempotencyHashOf`) of the entry
 * as written: its row and its lines, in order, read back.
 */
async function hashIsItsEntrys(entryId: string): Promise<boolean> {
  const { rows } = await t.admin.query(
    `SELECT source_kind, posting_date::text, memo, source_id, reverses_entry_id, auto_reverse,
            reverse_on::text, idempotency_key, idempotency_hash FROM journal_entries WHERE id = $1`,
    [entryId],
  );
  const lines = await t.admin.query(
    `SELECT account_id, amount_minor::text, original_currency, original_amount_minor::text, party_id, memo
       FROM gl_lines WHERE entry_id = $1 ORDER BY line_number`,
    [entryId],
  );
  const e = rows[0];
  const request = {
    kind: e.source_kind,
    postingDate: e.posting_date,
    memo: e.memo,
    sourceId: e.source_id,
    reversesEntryId: e.reverses_entry_id,
    autoReverse: e.auto_reverse,
    reverseOn: e.reverse_on,
    idempotencyKey: e.idempotency_key,
    lines: lines.rows.map((l) => ({
      accountId: l.account_id,
      amountMinor: BigInt(l.amount_minor),
      originalCurrency: l.original_currency,
      originalAmountMinor: BigInt(l.original_amount_minor),
      partyId: l.party_id,
      memo: l.memo,
    })),
  } as PostingRequest;
  return e.idempotency_hash === (idempotencyHashOf(request) ?? null);
}

/** The audit events the authors `first + k` (each `k` of `ks`) recorded, in chain order. */
export async function eventsBy(first: number, ks: readonly number[]) {
  const { rows } = await t.admin.query<{ action: string; reason: string | null }>(
    `SELECT action, reason FROM audit_events WHERE request_id = ANY ($1::text[]) ORDER BY chain_seq`,
    [ks.map((k) => author(first + k).requestId)],
  );
  return rows;
}

/** What a lane that posts `n` documents records, in chain order: their entries' events, then theirs. */
export const laneEvents = (n: number) => [
  ...Array(n).fill('journal_entry.posted'),
  ...Array(n).fill('document.posted'),
];

/** The documents the answers carry (those posted), in order. */
export const postedOf = (results: readonly { value?: DocumentRow }[]) =>
  results.flatMap((r) => (r.value ? [r.value] : []));

/**
 * Each document of `results` (the answers of authors `first`, `first + 1`, …) was created and posted
 * by its own author, and has two history versions, its draft's and its posting's, each naming that
 * author (and `reason`, when given). Answers each document's author's request id, by id.
 */
export async function expectOwnAuthors(
  results: readonly { value?: DocumentRow }[],
  first: number,
  reason?: string,
): Promise<(id: string) => string> {
  const ids = postedOf(results).map((d) => d.id);
  const authorOf = (id: string) => author(first + results.findIndex((r) => r.value?.id === id));
  const { rows: versions } = await t.admin.query(
    `SELECT id::text AS doc, hist_operation AS op, hist_request_id, hist_reason FROM documents_history
      WHERE id = ANY ($1::uuid[]) ORDER BY id, hist_id`,
    [ids],
  );
  expect(versions.map((v) => v.op)).toEqual(ids.flatMap(() => ['INSERT', 'UPDATE']));
  for (const v of versions) {
    expect(v.hist_request_id).toBe(authorOf(v.doc).requestId);
    if (reason !== undefined) expect(v.hist_reason).toBe(reason);
  }
  const { rows: makers } = await t.admin.query(
    `SELECT id::text AS doc, created_by::text AS by, posted_by::text AS posted FROM documents WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
  for (const m of makers) expect([m.by, m.posted]).toEqual([authorOf(m.doc).userId, authorOf(m.doc).userId]);
  return (id) => authorOf(id).requestId;
}

export async function chainIntact(): Promise<void> {
  const { rows } = await t.admin.query('SELECT problem FROM cifra_verify_audit_chain()');
  expect(rows[0].problem).toBeNull();
}
