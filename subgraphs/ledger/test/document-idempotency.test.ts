import { fileURLToPath } from 'node:url';
import { readSubgraphSchema } from '@cifra/context';
import { DOCUMENT_KINDS, payloadHash, requireReason } from '@cifra/domain';
import { type DocumentNode, Kind, parse, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCredit,
  createDraft,
  type DocumentKind,
  type DocumentRow,
  postDocument,
} from '../src/documents/index.ts';
import {
  applyCreditInput,
  DOCUMENT_DECIMAL_FIELDS,
  invoiceDraftInput,
  paymentDraftInput,
} from '../src/documents/inputs.ts';
import { isInvoiceLike } from '../src/documents/kinds.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { writeOffBadDebt, writeOffInput } from '../src/write-offs/index.ts';
import { openTestBooks, refusal, type TestBooks } from './test-books.ts';

// A document's idempotency key is bound to its kind and parsed input with each decimal taken by its
// value (docs/architecture/documents.md, "Idempotency"): "5" and "5.00" are one request, as they
// are for journal entries. Keys stored before decimals were canonical still answer their retries.

let t: TestBooks;
let books: Books;
let customer: string;
let vendor: string;
/** Posted: a sales invoice and a bill to settle and correct, a customer and a vendor credit. */
let invoice: DocumentRow;
let bill: DocumentRow;
let customerCredit: DocumentRow;
let vendorCredit: DocumentRow;
let writeOffTarget: DocumentRow;

const REASON = 'Customer declared bankrupt; the trustee confirms nothing will be paid';
const DATE = '2026-05-04';

async function posted(kind: DocumentKind, input: Record<string, unknown>): Promise<DocumentRow> {
  const draft = await createDraft(books, kind, input as never);
  const family = isInvoiceLike(kind)
    ? kind === 'SALES_INVOICE' || kind === 'CREDIT_NOTE'
      ? 'SALES'
      : 'PURCHASING'
    : 'PAYMENT';
  return postDocument(books, draft.id, family);
}

const line = (accountCode: string, unitPrice: string, quantity = '1') => ({
  accountCode,
  quantity,
  unitPrice,
  taxCode: 'EXENTO',
});

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca' })).id;
  const at = { documentDate: DATE };
  invoice = await posted('SALES_INVOICE', { partyId: customer, ...at, lines: [line('4102', '100.00')] });
  writeOffTarget = await posted('SALES_INVOICE', {
    partyId: customer,
    ...at,
    lines: [line('4102', '50.00')],
  });
  bill = await posted('PURCHASE_INVOICE', { partyId: vendor, ...at, lines: [line('6301', '100.00')] });
  customerCredit = await posted('CUSTOMER_RECEIPT', {
    partyId: customer,
    ...at,
    amount: '40.00',
    allocations: [],
  });
  vendorCredit = await posted('VENDOR_PAYMENT', { partyId: vendor, ...at, amount: '40.00', allocations: [] });
});
afterAll(() => t.close());

type Operation = 'document_draft' | 'credit_application' | 'bad_debt_write_off';

interface Case {
  kind: DocumentKind;
  /** The first request, every decimal spelled canonically (no leading or trailing zero). */
  first: Record<string, unknown>;
  /** The same request, its decimals spelled otherwise ("5.00", "1.0", "01"). */
  same: Record<string, unknown>;
  /** A request that differs in a decimal's value. */
  other: Record<string, unknown>;
}

// Parties and documents are named by placeholders ('@customer', '@invoice' …), filled in by `filled`
// once beforeAll has made them.
const invoiceLike = (kind: DocumentKind, party: string, accountCode: string, appliesToId?: string): Case => {
  const base = { partyId: party, documentDate: DATE, ...(appliesToId ? { appliesToId } : {}) };
  return {
    kind,
    first: {
      ...base,
      exchangeRate: '1',
      lines: [line(accountCode, '1', '1'), line(accountCode, '2.5', '1.25')],
    },
    same: {
      ...base,
      exchangeRate: '1.000000',
      lines: [line(accountCode, '01.00', '1.0'), line(accountCode, '2.500000', '01.2500')],
    },
    other: {
      ...base,
      exchangeRate: '1',
      lines: [line(accountCode, '1', '1'), line(accountCode, '2.51', '1.25')],
    },
  };
};

const paymentLike = (kind: DocumentKind, party: string, settles: string): Case => {
  const base = { partyId: party, documentDate: DATE };
  return {
    kind,
    first: {
      ...base,
      exchangeRate: '1',
      amount: '5',
      bankFee: '0.5',
      allocations: [{ invoiceId: settles, amount: '5' }],
    },
    same: {
      ...base,
      exchangeRate: '1.0',
      amount: '5.00',
      bankFee: '0.50',
      allocations: [{ invoiceId: settles, amount: '005.0' }],
    },
    other: {
      ...base,
      exchangeRate: '1',
      amount: '5',
      bankFee: '0.5',
      allocations: [{ invoiceId: settles, amount: '4.99' }],
    },
  };
};

const application = (kind: DocumentKind, creditId: string, invoiceId: string): Case => {
  const base = { creditId, invoiceId, date: DATE };
  return {
    kind,
    first: { ...base, amount: '1' },
    same: { ...base, amount: '1.00' },
    other: { ...base, amount: '1.01' },
  };
};

const writeOff: Case = (() => {
  const base = { invoiceId: '@writeOffTarget', documentDate: DATE, reason: REASON };
  return {
    kind: 'BAD_DEBT_WRITE_OFF',
    first: { ...base, amount: '3', exchangeRate: '1' },
    same: { ...base, amount: '3.00', exchangeRate: '01.0' },
    other: { ...base, amount: '3.1', exchangeRate: '1' },
  };
})();

const CASES: Case[] = [
  invoiceLike('SALES_INVOICE', '@customer', '4102'),
  invoiceLike('CREDIT_NOTE', '@customer', '4201', '@invoice'),
  invoiceLike('PURCHASE_INVOICE', '@vendor', '6301'),
  invoiceLike('DEBIT_NOTE', '@vendor', '6301', '@bill'),
  paymentLike('CUSTOMER_RECEIPT', '@customer', '@invoice'),
  paymentLike('VENDOR_PAYMENT', '@vendor', '@bill'),
  paymentLike('CUSTOMER_REFUND', '@customer', '@customerCredit'),
  paymentLike('VENDOR_REFUND', '@vendor', '@vendorCredit'),
  application('CUSTOMER_CREDIT_APPLICATION', '@customerCredit', '@invoice'),
  application('VENDOR_CREDIT_APPLICATION', '@vendorCredit', '@bill'),
  writeOff,
];

/** The case's input with its placeholders filled in, under `key`. */
function filled(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const ids: Record<string, string> = {
    '@customer': customer,
    '@vendor': vendor,
    '@invoice': invoice.id,
    '@bill': bill.id,
    '@customerCredit': customerCredit.id,
    '@vendorCredit': vendorCredit.id,
    '@writeOffTarget': writeOffTarget.id,
  };
  const fill = (v: unknown): unknown =>
    typeof v === 'string'
      ? (ids[v] ?? v)
      : Array.isArray(v)
        ? v.map(fill)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, m]) => [k, fill(m)]))
          : v;
  return { ...(fill(input) as Record<string, unknown>), idempotencyKey: key };
}

/** The one call a client makes for the kind (createSalesInvoice … applyCustomerCredit, writeOffBadDebt). */
function request(kind: DocumentKind, input: Record<string, unknown>): Promise<DocumentRow> {
  if (kind === 'BAD_DEBT_WRITE_OFF') return writeOffBadDebt(books, input as never);
  if (kind === 'CUSTOMER_CREDIT_APPLICATION' || kind === 'VENDOR_CREDIT_APPLICATION')
    return applyCredit(books, kind, input as never);
  return createDraft(books, kind, input as never);
}

/** The digest a key was bound to before decimals were canonical: the parsed input, as sent. */
function digestAsSent(
  kind: DocumentKind,
  input: Record<string, unknown>,
): { operation: Operation; hash: string } {
  if (kind === 'BAD_DEBT_WRITE_OFF') {
    const { idempotencyKey: _k, ...payload } = writeOffInput.parse(input);
    const operation = 'bad_debt_write_off';
    return { operation, hash: payloadHash(operation, { ...payload, reason: requireReason(payload.reason) }) };
  }
  if (kind === 'CUSTOMER_CREDIT_APPLICATION' || kind === 'VENDOR_CREDIT_APPLICATION') {
    const { idempotencyKey: _k, ...payload } = applyCreditInput.parse(input);
    return { operation: 'credit_application', hash: payloadHash('credit_application', { kind, ...payload }) };
  }
  const schema = isInvoiceLike(kind) ? invoiceDraftInput : paymentDraftInput;
  const { idempotencyKey: _k, ...payload } = schema.parse(input);
  return { operation: 'document_draft', hash: payloadHash('document_draft', { kind, ...payload }) };
}

const storedHash = async (key: string): Promise<string> =>
  (await t.admin.query('SELECT idempotency_hash FROM documents WHERE idempotency_key = $1', [key])).rows[0]
    ?.idempotency_hash;

/** As the owner, make a key look as if stored before this change: bound to `hash`. */
async function storeOldDigest(key: string, hash: string): Promise<void> {
  await t.admin.query('ALTER TABLE documents DISABLE TRIGGER USER');
  try {
    await t.admin.query('UPDATE documents SET idempotency_hash = $2 WHERE idempotency_key = $1', [key, hash]);
  } finally {
    await t.admin.query('ALTER TABLE documents ENABLE TRIGGER USER');
  }
}

describe.each(CASES)('$kind under an idempotency key', ({ kind, first, same, other }) => {
  it('replays the first document for the same decimals spelled otherwise, and refuses another value writing nothing', async () => {
    const key = `equal-${kind}`;
    const made = await request(kind, filled(first, key));
    const documents = await t.count('documents');
    const entries = await t.count('journal_entries');
    expect((await request(kind, filled(same, key))).id).toBe(made.id);
    expect((await request(kind, filled(first, key))).id).toBe(made.id);
    const refused = await refusal(request(kind, filled(other, key)));
    expect(refused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(refused.details).toMatchObject({ field: 'idempotencyKey', documentId: made.id });
    expect([await t.count('documents'), await t.count('journal_entries')]).toEqual([documents, entries]);
  });

  it('binds a canonically spelled request to the digest it had before, so its stored keys still replay', async () => {
    const key = `canonical-${kind}`;
    const input = filled(first, key);
    const made = await request(kind, input);
    // The digest as computed before decimals were canonical: unchanged for this request.
    expect(await storedHash(key)).toBe(digestAsSent(kind, input).hash);
    expect((await request(kind, input)).id).toBe(made.id);
    expect((await request(kind, filled(same, key))).id).toBe(made.id);
  });

  it('still replays a key stored before the change from a request spelled otherwise, sent again as it was', async () => {
    const key = `old-${kind}`;
    const input = filled(same, key);
    const made = await request(kind, input);
    // Stored now, it is bound to the canonical digest; stored before, it was bound to the digest of
    // the request as sent ("5.00"), which differs.
    const old = digestAsSent(kind, input).hash;
    expect(await storedHash(key)).not.toBe(old);
    await storeOldDigest(key, old);
    expect((await request(kind, input)).id).toBe(made.id);
    const documents = await t.count('documents');
    expect((await refusal(request(kind, filled(other, key)))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.count('documents')).toBe(documents);
  });
});

describe('the decimal fields a document key is bound to by value', () => {
  it('are tried above for every document kind', () => {
    expect(CASES.map((c) => c.kind).sort()).toEqual([...DOCUMENT_KINDS].sort());
  });

  /** Every Money and Decimal field reachable from the document mutations' inputs. */
  function decimalFieldsOf(doc: DocumentNode, mutations: readonly string[]): Set<string> {
    const inputs = new Map(
      doc.definitions.flatMap((d) =>
        d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || d.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION
          ? [[d.name.value, d.fields ?? []] as const]
          : [],
      ),
    );
    const named = (type: TypeNode): string =>
      type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type);
    const found = new Set<string>();
    const seen = new Set<string>();
    const visit = (typeName: string) => {
      if (seen.has(typeName)) return;
      seen.add(typeName);
      for (const field of inputs.get(typeName) ?? []) {
        const type = named(field.type);
        if (type === 'Money' || type === 'Decimal') found.add(field.name.value);
        else visit(type);
      }
    };
    const roots = doc.definitions.flatMap((d) =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      d.name.value === 'Mutation'
        ? (d.fields ?? []).filter((f) => mutations.includes(f.name.value))
        : [],
    );
    expect(roots.map((f) => f.name.value).sort()).toEqual([...mutations].sort());
    for (const root of roots) for (const arg of root.arguments ?? []) visit(named(arg.type));
    return found;
  }

  it('are exactly the Money and Decimal fields of every keyed document input', () => {
    const sdl = parse(readSubgraphSchema(fileURLToPath(new URL('../src', import.meta.url))));
    const mutations = [
      'createSalesInvoice',
      'createCreditNote',
      'createPurchaseInvoice',
      'createDebitNote',
      'createCustomerReceipt',
      'createVendorPayment',
      'createCustomerRefund',
      'createVendorRefund',
      'applyCustomerCredit',
      'applyVendorCredit',
      'writeOffBadDebt',
    ];
    expect([...decimalFieldsOf(sdl, mutations)].sort()).toEqual([...DOCUMENT_DECIMAL_FIELDS].sort());
  });
});
