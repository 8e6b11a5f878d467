import { inTransaction, recordAuditEvent, tenant } from '@cifra/db';
import {
  addDays,
  badInput,
  computeLine,
  type Decimal,
  type DocumentPostingLine,
  DomainError,
  decimalOf,
  formatDecimal,
  formatMoney,
  idempotencyKeyReused,
  parseDecimal,
  parseIsoDate,
  parseMoney,
  payloadHash,
  peggedRate,
  sumLines,
  translateAtRate,
} from '@cifra/domain';
import { nextNumber, type PostingLine, postEntry, type TenantTx } from '@cifra/engine';
import { clientFxOf, fromScaled, lookupRate, rateForDocument, type UsedRate } from '@cifra/fx';
import { Permissions as P, type Permission } from '@cifra/permissions';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Books, Constraints, isUniqueViolation } from './books.ts';
import { controlAccounts, refuseControlAccount } from './control-accounts.ts';
import { clearedBase, decideDocumentRate, realizedFxRole } from './exchange-rate.ts';
import { PRICE_INTEGER_DIGITS, PRICE_SCALE } from './items.service.ts';
import { parseInput } from './parties.service.ts';

export type DocumentRow = typeof tenant.documents.$inferSelect;
export type DocumentLineRow = typeof tenant.documentLines.$inferSelect;
export type DocumentKind = DocumentRow['kind'];
type PartyRow = typeof tenant.parties.$inferSelect;
type AccountRole = (typeof tenant.accountRole.enumValues)[number];

/** The posting family a mutation handles: each has its own permissions and its own period side. */
export type Family = 'SALES' | 'PURCHASING' | 'PAYMENT';

interface KindSpec {
  family: Family;
  partyKind: PartyRow['kind'];
  create: Permission;
  post: Permission;
  void: Permission;
  /** Notes and payments: the kind of invoice they settle. */
  settles?: DocumentKind;
}

export const KINDS: Record<DocumentKind, KindSpec> = {
  SALES_INVOICE: {
    family: 'SALES',
    partyKind: 'CUSTOMER',
    create: P.Invoice.Create,
    post: P.Invoice.Approve,
    void: P.Invoice.Void,
  },
  CREDIT_NOTE: {
    family: 'SALES',
    partyKind: 'CUSTOMER',
    create: P.Invoice.Create,
    post: P.Invoice.Approve,
    void: P.Invoice.Void,
    settles: 'SALES_INVOICE',
  },
  PURCHASE_INVOICE: {
    family: 'PURCHASING',
    partyKind: 'VENDOR',
    create: P.PurchaseInvoice.Create,
    post: P.PurchaseInvoice.Post,
    void: P.PurchaseInvoice.Void,
  },
  DEBIT_NOTE: {
    family: 'PURCHASING',
    partyKind: 'VENDOR',
    create: P.PurchaseInvoice.Create,
    post: P.PurchaseInvoice.Post,
    void: P.PurchaseInvoice.Void,
    settles: 'PURCHASE_INVOICE',
  },
  CUSTOMER_RECEIPT: {
    family: 'PAYMENT',
    partyKind: 'CUSTOMER',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'SALES_INVOICE',
  },
  VENDOR_PAYMENT: {
    family: 'PAYMENT',
    partyKind: 'VENDOR',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'PURCHASE_INVOICE',
  },
};

const isInvoiceLike = (kind: DocumentKind) => KINDS[kind].family !== 'PAYMENT';

/** document_lines.quantity is numeric(18, 4). */
const QUANTITY_SCALE = 4;
const QUANTITY_INTEGER_DIGITS = 14;
const MAX_LINES = 500;

const uuid = z.string().uuid('not a valid id');
const text = (max: number) => z.string().trim().max(max).nullish();

export const invoiceDraftInput = z.object({
  partyId: uuid,
  documentDate: z.string(),
  postingDate: z.string().nullish(),
  dueDate: z.string().nullish(),
  currency: z.string().trim().nullish(),
  exchangeRate: z.string().nullish(),
  reference: text(100),
  memo: text(1000),
  appliesToId: uuid.nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  lines: z
    .array(
      z.object({
        itemCode: z.string().trim().min(1).nullish(),
        description: text(500),
        accountCode: z.string().trim().min(1).nullish(),
        quantity: z.string(),
        unitPrice: z.string().nullish(),
        taxCode: z.string().trim().min(1).nullish(),
      }),
    )
    .min(1, 'a document needs at least one line')
    .max(MAX_LINES),
});
export type InvoiceDraftInput = z.input<typeof invoiceDraftInput>;

export const paymentDraftInput = z.object({
  partyId: uuid,
  documentDate: z.string(),
  postingDate: z.string().nullish(),
  currency: z.string().trim().nullish(),
  exchangeRate: z.string().nullish(),
  reference: text(100),
  memo: text(1000),
  bankAccountCode: z.string().trim().min(1).nullish(),
  amount: z.string(),
  bankFee: z.string().nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  allocations: z
    .array(z.object({ invoiceId: uuid, amount: z.string() }))
    .min(1, 'allocate the amount to at least one open invoice')
    .max(MAX_LINES),
});
export type PaymentDraftInput = z.input<typeof paymentDraftInput>;

export function requirePermission(books: Books, permission: Permission) {
  if (!books.permissions.has(permission)) {
    throw new DomainError('FORBIDDEN', `Missing permission ${permission}`, { permission });
  }
}

type Reader = Pick<TenantTx, 'select'>;

async function loadParty(db: Reader, id: string, kind: PartyRow['kind']): Promise<PartyRow> {
  const [party] = await db.select().from(tenant.parties).where(eq(tenant.parties.id, id));
  const noun = kind === 'CUSTOMER' ? 'customer' : 'vendor';
  if (!party || party.kind !== kind)
    throw badInput(`partyId: no ${noun} ${id}`, { field: 'partyId', value: id });
  if (!party.active)
    throw badInput(`partyId: ${noun} ${party.code} is inactive`, { field: 'partyId', value: id });
  return party;
}

/** The accounts bound to roles: the engine finds accounts by role, never by code. */
async function roleAccounts(db: Reader): Promise<Map<AccountRole, string>> {
  const rows = await db.select().from(tenant.accountRoleBindings);
  return new Map(rows.map((r) => [r.role, r.accountId]));
}

function roleAccount(roles: Map<AccountRole, string>, role: AccountRole): string {
  const id = roles.get(role);
  if (!id) {
    throw new DomainError('CONFLICT', `No account is bound to the ${role} role; bind one before posting`, {
      role,
    });
  }
  return id;
}

/** Open balance of invoices (document currency): total minus what non-voided documents settle. */
export async function settledMinor(db: Reader, invoiceIds: readonly string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>(invoiceIds.map((id) => [id, 0n]));
  if (invoiceIds.length === 0) return out;
  const rows = await db
    .select({
      invoiceId: tenant.allocations.invoiceId,
      settled: sql<string>`sum(${tenant.allocations.amountMinor})`,
    })
    .from(tenant.allocations)
    .where(
      and(
        inArray(tenant.allocations.invoiceId, [...invoiceIds]),
        sql`NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${tenant.allocations.sourceDocumentId})`,
      ),
    )
    .groupBy(tenant.allocations.invoiceId);
  for (const r of rows) out.set(r.invoiceId, BigInt(r.settled));
  return out;
}

export async function isVoided(db: Reader, documentId: string): Promise<boolean> {
  const [row] = await db
    .select({ entryId: tenant.voids.entryId })
    .from(tenant.voids)
    .where(eq(tenant.voids.documentId, documentId));
  return !!row;
}

/**
 * An invoice a note or payment settles: posted, not voided, of the right kind, party and currency,
 * with enough left open. Returns its open balance.
 */
async function checkSettlement(
  db: Reader,
  spec: KindSpec,
  party: PartyRow,
  currency: string,
  invoice: DocumentRow | undefined,
  amountMinor: bigint,
  alreadyMinor: bigint,
  field: string,
  minorUnits: number,
): Promise<void> {
  if (!invoice || invoice.kind !== spec.settles || invoice.status !== 'POSTED') {
    throw badInput(`${field}: no posted ${spec.settles?.toLowerCase().replace('_', ' ')} with that id`, {
      field,
    });
  }
  if (invoice.partyId !== party.id) {
    throw badInput(`${field}: ${invoice.number} belongs to another ${party.kind.toLowerCase()}`, { field });
  }
  if (await isVoided(db, invoice.id)) {
    throw badInput(`${field}: ${invoice.number} is voided`, { field, invoice: invoice.number });
  }
  if (invoice.currency !== currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `${field}: ${invoice.number} is in ${invoice.currency}; it can only be settled in ${invoice.currency}, not ${currency}`,
      { field, invoiceCurrency: invoice.currency, currency },
    );
  }
  const open = invoice.totalMinor - ((await settledMinor(db, [invoice.id])).get(invoice.id) ?? 0n);
  if (alreadyMinor + amountMinor > open) {
    throw new DomainError(
      'OVER_ALLOCATION',
      `${field}: ${invoice.number} has ${formatMoney(open - alreadyMinor, minorUnits)} ${currency} open; ${formatMoney(amountMinor, minorUnits)} is too much`,
      {
        field,
        invoice: invoice.number,
        openBalance: formatMoney(open - alreadyMinor, minorUnits),
        amount: formatMoney(amountMinor, minorUnits),
      },
    );
  }
}

/** The peg of a pair fixed by the client's regional configuration (USD on a PAB client), if any. */
function pegOf(books: Books, currency: string): Decimal | null {
  const pegged = peggedRate(currency, books.company.baseCurrency, clientFxOf(books.company).pegs);
  return pegged === null ? null : fromScaled(pegged);
}

/**
 * A foreign draft without a typed rate is translated at posting at the rate in force on its document
 * date; refuse it now (RATE_NOT_AVAILABLE) if there is none, rather than at posting. Rates are never
 * removed, so a rate in force now is still in force when the draft is posted.
 */
async function requireRateInForce(books: Books, currency: string, documentDate: string): Promise<void> {
  const settings = await books.settings();
  await lookupRate(books.db, clientFxOf(books.company), currency, documentDate, settings.fxStalenessDays);
}

interface PreparedDocument {
  values: Omit<typeof tenant.documents.$inferInsert, 'kind'>;
  lines: Omit<typeof tenant.documentLines.$inferInsert, 'documentId'>[];
  allocations: { invoiceId: string; amountMinor: bigint }[];
}

/** Parse and check an invoice or note draft completely before anything is written. */
async function prepareInvoice(
  books: Books,
  kind: DocumentKind,
  raw: InvoiceDraftInput,
): Promise<PreparedDocument> {
  const spec = KINDS[kind];
  const input = parseInput(invoiceDraftInput, raw);
  const db = books.db;
  const party = await loadParty(db, input.partyId, spec.partyKind);
  const documentDate = parseIsoDate(input.documentDate, 'documentDate');
  const postingDate = input.postingDate ? parseIsoDate(input.postingDate, 'postingDate') : documentDate;
  const dueDate = input.dueDate
    ? parseIsoDate(input.dueDate, 'dueDate')
    : addDays(documentDate, party.paymentTermsDays);
  if (dueDate < documentDate)
    throw badInput('dueDate: cannot be before the document date', { field: 'dueDate' });
  const currency = input.currency?.toUpperCase() ?? party.currency;
  const minorUnits = await books.minorUnits(currency);

  let appliesTo: DocumentRow | undefined;
  if (spec.settles) {
    if (!input.appliesToId) {
      throw badInput(
        `appliesToId: a ${kind.toLowerCase().replace('_', ' ')} must reference the invoice it corrects`,
        {
          field: 'appliesToId',
        },
      );
    }
    [appliesTo] = await db.select().from(tenant.documents).where(eq(tenant.documents.id, input.appliesToId));
  } else if (input.appliesToId) {
    throw badInput('appliesToId: only credit and debit notes reference an invoice', { field: 'appliesToId' });
  }
  const rate = decideDocumentRate({
    currency,
    baseCurrency: books.company.baseCurrency,
    explicit: input.exchangeRate,
    correcting: appliesTo ?? null,
    peg: pegOf(books, currency),
  });
  if (!rate) await requireRateInForce(books, currency, documentDate);

  const itemCodes = [...new Set(input.lines.flatMap((l) => (l.itemCode ? [l.itemCode] : [])))];
  const accountCodes = [...new Set(input.lines.flatMap((l) => (l.accountCode ? [l.accountCode] : [])))];
  const [itemRows, accountRows, taxRows, controls] = await Promise.all([
    itemCodes.length ? db.select().from(tenant.items).where(inArray(tenant.items.code, itemCodes)) : [],
    accountCodes.length
      ? db.select().from(tenant.accounts).where(inArray(tenant.accounts.code, accountCodes))
      : [],
    db.select().from(tenant.taxCodes),
    controlAccounts(db),
  ]);
  const items = new Map(itemRows.map((i) => [i.code, i]));
  const accounts = new Map(accountRows.map((a) => [a.code, a]));
  const taxes = new Map(taxRows.map((t) => [t.code, t]));

  const lines = input.lines.map((line, i) => {
    const field = `lines[${i}]`;
    const item = line.itemCode ? items.get(line.itemCode) : undefined;
    if (line.itemCode && !item?.active) {
      throw badInput(`${field}.itemCode: no active item ${line.itemCode}`, {
        field: `${field}.itemCode`,
        value: line.itemCode,
      });
    }
    let accountId = spec.family === 'SALES' ? item?.incomeAccountId : item?.expenseAccountId;
    if (line.accountCode) {
      const account = accounts.get(line.accountCode);
      if (!account?.active) {
        throw badInput(`${field}.accountCode: no active account ${line.accountCode}`, {
          field: `${field}.accountCode`,
          value: line.accountCode,
        });
      }
      accountId = account.id;
    }
    if (!accountId)
      throw badInput(`${field}: give an accountCode or an item with a default account`, { field });
    // The document posts its total to the receivable or payable and its tax to the tax account
    // itself; a line coded there too would move the control account behind its subledger's back.
    refuseControlAccount(
      controls,
      accountId,
      line.accountCode ? `${field}.accountCode` : `${field}.itemCode`,
    );
    const quantity = parseDecimal(line.quantity, {
      maxScale: QUANTITY_SCALE,
      maxIntegerDigits: QUANTITY_INTEGER_DIGITS,
      field: `${field}.quantity`,
      allowZero: false,
    });
    const priceText = line.unitPrice ?? item?.unitPrice;
    if (priceText == null)
      throw badInput(`${field}.unitPrice: give a unit price`, { field: `${field}.unitPrice` });
    const unitPrice = parseDecimal(priceText, {
      maxScale: PRICE_SCALE,
      maxIntegerDigits: PRICE_INTEGER_DIGITS,
      field: `${field}.unitPrice`,
    });
    const taxCode = line.taxCode ?? item?.taxCode;
    if (!taxCode)
      throw badInput(`${field}.taxCode: give a tax code (e.g. ITBMS7 or EXENTO)`, {
        field: `${field}.taxCode`,
      });
    const tax = taxes.get(taxCode);
    if (!tax)
      throw badInput(`${field}.taxCode: no tax code ${taxCode}`, {
        field: `${field}.taxCode`,
        value: taxCode,
      });
    const figures = computeLine(
      quantity,
      unitPrice,
      decimalOf(tax.ratePercent),
      minorUnits,
      `input.${field}`,
    );
    return {
      lineNumber: i + 1,
      itemId: item?.id ?? null,
      description: line.description ?? item?.name ?? '',
      accountId,
      quantity: formatDecimal(quantity),
      unitPrice: formatDecimal(unitPrice),
      taxCode: tax.code,
      amountMinor: figures.amountMinor,
      taxMinor: figures.taxMinor,
    };
  });
  const totals = sumLines(lines);
  const allocations: PreparedDocument['allocations'] = [];
  if (spec.settles) {
    await checkSettlement(
      db,
      spec,
      party,
      currency,
      appliesTo,
      totals.totalMinor,
      0n,
      'appliesToId',
      minorUnits,
    );
    if (appliesTo && totals.totalMinor > 0n)
      allocations.push({ invoiceId: appliesTo.id, amountMinor: totals.totalMinor });
  }
  return {
    values: {
      partyId: party.id,
      documentDate,
      postingDate,
      dueDate: spec.settles ? null : dueDate,
      currency,
      exchangeRate: rate ? formatDecimal(rate) : null,
      reference: input.reference ?? null,
      memo: input.memo ?? '',
      appliesToId: appliesTo?.id ?? null,
      subtotalMinor: totals.subtotalMinor,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      idempotencyKey: input.idempotencyKey ?? null,
    },
    lines,
    allocations,
  };
}

/** Parse and check a receipt or payment draft completely before anything is written. */
async function preparePayment(
  books: Books,
  kind: DocumentKind,
  raw: PaymentDraftInput,
): Promise<PreparedDocument> {
  const spec = KINDS[kind];
  const input = parseInput(paymentDraftInput, raw);
  const db = books.db;
  const party = await loadParty(db, input.partyId, spec.partyKind);
  const documentDate = parseIsoDate(input.documentDate, 'documentDate');
  const postingDate = input.postingDate ? parseIsoDate(input.postingDate, 'postingDate') : documentDate;
  const currency = input.currency?.toUpperCase() ?? party.currency;
  const minorUnits = await books.minorUnits(currency);
  const rate = decideDocumentRate({
    currency,
    baseCurrency: books.company.baseCurrency,
    explicit: input.exchangeRate,
    peg: pegOf(books, currency),
  });
  if (!rate) await requireRateInForce(books, currency, documentDate);
  let bankAccountId: string;
  if (input.bankAccountCode) {
    const [account] = await db
      .select()
      .from(tenant.accounts)
      .where(eq(tenant.accounts.code, input.bankAccountCode));
    if (!account?.active || account.type !== 'ASSET') {
      throw badInput(`bankAccountCode: no active asset account ${input.bankAccountCode}`, {
        field: 'bankAccountCode',
        value: input.bankAccountCode,
      });
    }
    // Money does not sit on the receivable (or the ITBMS account): the bank must be a bank.
    refuseControlAccount(await controlAccounts(db), account.id, 'bankAccountCode');
    bankAccountId = account.id;
  } else {
    bankAccountId = roleAccount(await roleAccounts(db), 'Cash');
  }
  const amountMinor = parseMoney(input.amount, minorUnits, 'amount');
  if (amountMinor <= 0n) throw badInput('amount: must be greater than zero', { field: 'amount' });
  const feeMinor = input.bankFee ? parseMoney(input.bankFee, minorUnits, 'bankFee') : 0n;
  if (feeMinor < 0n) throw badInput('bankFee: cannot be negative', { field: 'bankFee' });
  if (kind === 'CUSTOMER_RECEIPT' && feeMinor >= amountMinor) {
    throw badInput('bankFee: must be less than the amount received', { field: 'bankFee' });
  }
  const ids = input.allocations.map((a) => a.invoiceId);
  if (new Set(ids).size !== ids.length) {
    throw badInput('allocations: each invoice may appear once', { field: 'allocations' });
  }
  const invoices = new Map(
    (await db.select().from(tenant.documents).where(inArray(tenant.documents.id, ids))).map((d) => [d.id, d]),
  );
  const allocations: PreparedDocument['allocations'] = [];
  let allocated = 0n;
  for (const [i, a] of input.allocations.entries()) {
    const field = `allocations[${i}]`;
    const minor = parseMoney(a.amount, minorUnits, `${field}.amount`);
    if (minor <= 0n)
      throw badInput(`${field}.amount: must be greater than zero`, { field: `${field}.amount` });
    await checkSettlement(
      db,
      spec,
      party,
      currency,
      invoices.get(a.invoiceId),
      minor,
      0n,
      `${field}.invoiceId`,
      minorUnits,
    );
    allocated += minor;
    allocations.push({ invoiceId: a.invoiceId, amountMinor: minor });
  }
  if (allocated > amountMinor) {
    throw new DomainError(
      'OVER_ALLOCATION',
      `allocations: ${formatMoney(allocated, minorUnits)} allocated, more than the amount ${formatMoney(amountMinor, minorUnits)}`,
      { field: 'allocations' },
    );
  }
  if (allocated < amountMinor) {
    throw badInput(
      `allocations: ${formatMoney(allocated, minorUnits)} allocated of ${formatMoney(amountMinor, minorUnits)}; allocate the whole amount (unapplied amounts are not supported)`,
      { field: 'allocations' },
    );
  }
  return {
    values: {
      partyId: party.id,
      documentDate,
      postingDate,
      dueDate: null,
      currency,
      exchangeRate: rate ? formatDecimal(rate) : null,
      reference: input.reference ?? null,
      memo: input.memo ?? '',
      appliesToId: null,
      bankAccountId,
      bankFeeMinor: feeMinor,
      subtotalMinor: amountMinor,
      taxMinor: 0n,
      totalMinor: amountMinor,
      idempotencyKey: input.idempotencyKey ?? null,
    },
    lines: [],
    allocations,
  };
}

async function writeDraftContent(
  tx: TenantTx,
  documentId: string,
  prepared: PreparedDocument,
  kind: DocumentKind,
) {
  if (prepared.lines.length) {
    await tx.insert(tenant.documentLines).values(prepared.lines.map((l) => ({ ...l, documentId })));
  }
  // Notes settle their invoice through documents.applies_to_id; only receipts and payments keep
  // a proposal in draft_allocations.
  if (!isInvoiceLike(kind) && prepared.allocations.length) {
    await tx
      .insert(tenant.draftAllocations)
      .values(prepared.allocations.map((a, i) => ({ documentId, lineNumber: i + 1, ...a })));
  }
}

/**
 * What a draft's idempotency key is bound to: the kind and the parsed input (trimmed, defaults
 * applied), without the key itself. A retry of the first request gets the first draft even if it
 * was edited since; any other request under that key is refused.
 */
function draftHash(kind: DocumentKind, raw: InvoiceDraftInput | PaymentDraftInput): string {
  const parsed = parseInput(isInvoiceLike(kind) ? invoiceDraftInput : paymentDraftInput, raw);
  const { idempotencyKey: _key, ...payload } = parsed;
  return payloadHash('document_draft', { kind, ...payload });
}

/** Create a draft of any kind. A retry with the same idempotency key and input returns the first draft. */
export async function createDraft(
  books: Books,
  kind: DocumentKind,
  raw: InvoiceDraftInput | PaymentDraftInput,
): Promise<DocumentRow> {
  requirePermission(books, KINDS[kind].create);
  const key = (raw as { idempotencyKey?: string | null }).idempotencyKey;
  const hash = key ? draftHash(kind, raw) : null;
  const firstUnder = async (k: string, h: string) => {
    const [first] = await books.db
      .select()
      .from(tenant.documents)
      .where(eq(tenant.documents.idempotencyKey, k));
    return first ? sameRequest(first, k, h) : null;
  };
  if (key && hash) {
    const first = await firstUnder(key, hash);
    if (first) return first;
  }
  const prepared = isInvoiceLike(kind)
    ? await prepareInvoice(books, kind, raw as InvoiceDraftInput)
    : await preparePayment(books, kind, raw as PaymentDraftInput);
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const [doc] = await tx
        .insert(tenant.documents)
        .values({ ...prepared.values, idempotencyHash: hash, kind, createdBy: books.actor.userId })
        .returning();
      if (!doc) throw new Error('document insert returned nothing');
      await writeDraftContent(tx, doc.id, prepared, kind);
      await recordAuditEvent(tx, books.actor, {
        action: 'document.drafted',
        entityType: 'Document',
        entityId: doc.id,
        after: { kind, ...prepared.values, lines: prepared.lines.length, allocations: prepared.allocations },
      });
      return doc;
    });
  } catch (err) {
    // A concurrent request with this key committed first: answer its draft (or refuse the key).
    if (key && hash && isUniqueViolation(err, Constraints.documentIdempotencyKey)) {
      const first = await firstUnder(key, hash);
      if (first) return first;
    }
    throw err;
  }
}

function sameRequest(doc: DocumentRow, key: string, hash: string): DocumentRow {
  if (doc.idempotencyHash === hash) return doc;
  if (doc.idempotencyHash === null) {
    // Drafted before keys were bound to their request (migration 0018), and drafts are editable:
    // nothing left to compare the replay with. Refusing is the answer that cannot be wrong.
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotencyKey ${key} was first used at ${doc.createdAt.toISOString()}, before keys were bound to their request; it cannot be compared: read document ${doc.id} or send a new key`,
      {
        field: 'idempotencyKey',
        idempotencyKey: key,
        firstRequestAt: doc.createdAt.toISOString(),
        documentId: doc.id,
      },
    );
  }
  throw idempotencyKeyReused(key, doc.createdAt, { documentId: doc.id, kind: doc.kind });
}

export async function lockDocument(tx: TenantTx, id: string): Promise<DocumentRow> {
  const [doc] = await tx.select().from(tenant.documents).where(eq(tenant.documents.id, id)).for('update');
  if (!doc) throw new DomainError('NOT_FOUND', `No document ${id}`, { id });
  return doc;
}

function requireDraft(doc: DocumentRow, action: string) {
  if (doc.status !== 'DRAFT') {
    throw new DomainError(
      'NOT_EDITABLE',
      `${doc.number ?? doc.id} is ${doc.status}: only drafts can be ${action}${doc.status === 'POSTED' ? '; void it or issue a credit or debit note' : ''}`,
      { id: doc.id, number: doc.number, status: doc.status },
    );
  }
}

/** Replace a draft's whole content (the input has the create shape). */
export async function updateDraft(
  books: Books,
  id: string,
  shape: 'INVOICE' | 'PAYMENT',
  raw: InvoiceDraftInput | PaymentDraftInput,
): Promise<DocumentRow> {
  const [current] = await books.db.select().from(tenant.documents).where(eq(tenant.documents.id, id));
  if (!current) throw new DomainError('NOT_FOUND', `No document ${id}`, { id });
  requirePermission(books, KINDS[current.kind].create);
  if (isInvoiceLike(current.kind) !== (shape === 'INVOICE')) {
    throw badInput(
      `${current.kind} drafts are changed with ${isInvoiceLike(current.kind) ? 'updateInvoiceDraft' : 'updatePaymentDraft'}`,
      { id },
    );
  }
  requireDraft(current, 'edited');
  const prepared =
    shape === 'INVOICE'
      ? await prepareInvoice(books, current.kind, raw as InvoiceDraftInput)
      : await preparePayment(books, current.kind, raw as PaymentDraftInput);
  const { idempotencyKey: _key, ...values } = prepared.values;
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockDocument(tx, id);
    requireDraft(before, 'edited');
    await tx.delete(tenant.documentLines).where(eq(tenant.documentLines.documentId, id));
    await tx.delete(tenant.draftAllocations).where(eq(tenant.draftAllocations.documentId, id));
    const [after] = await tx
      .update(tenant.documents)
      .set({ bankAccountId: null, bankFeeMinor: 0n, ...values, updatedAt: new Date() })
      .where(eq(tenant.documents.id, id))
      .returning();
    await writeDraftContent(tx, id, prepared, current.kind);
    await recordAuditEvent(tx, books.actor, {
      action: 'document.updated',
      entityType: 'Document',
      entityId: id,
      before,
      after: { ...after, lines: prepared.lines.length, allocations: prepared.allocations },
    });
    return after as DocumentRow;
  });
}

export async function discardDraft(books: Books, id: string): Promise<DocumentRow> {
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockDocument(tx, id);
    requirePermission(books, KINDS[before.kind].create);
    requireDraft(before, 'discarded');
    const [after] = await tx
      .update(tenant.documents)
      .set({ status: 'DISCARDED', updatedAt: new Date() })
      .where(eq(tenant.documents.id, id))
      .returning();
    await recordAuditEvent(tx, books.actor, {
      action: 'document.discarded',
      entityType: 'Document',
      entityId: id,
      before: { status: before.status },
      after: { status: 'DISCARDED' },
    });
    return after as DocumentRow;
  });
}

export function requireFamily(doc: DocumentRow, family: Family, operation: string) {
  if (KINDS[doc.kind].family !== family) {
    throw badInput(`${operation} does not handle a ${doc.kind}`, { id: doc.id, kind: doc.kind });
  }
}

/** A document's GL line in its own currency, before translation; `settles` names the invoice a party line clears. */
type DocumentGlLine = DocumentPostingLine & { settles?: string };

/**
 * The GL lines of a document in its own currency (debit +), by kind:
 *  - sales invoice: receivable (party) debit total; income credit per line; tax credit per line on
 *    its tax code's sales account role. Credit note: the same, mirrored, its receivable line
 *    clearing the invoice it corrects.
 *  - purchase invoice: payable (party) credit total; expense debit per line; tax debit on the
 *    purchase tax role. Debit note: mirrored.
 *  - receipt: bank debit (amount − fee), fees debit fee, one receivable (party) credit per invoice
 *    it settles.
 *  - payment: one payable (party) debit per invoice it settles, bank credit (amount + fee), fees
 *    debit fee.
 */
function documentLinesForGl(
  doc: DocumentRow,
  lines: readonly DocumentLineRow[],
  taxes: Map<string, typeof tenant.taxCodes.$inferSelect>,
  roles: Map<AccountRole, string>,
  allocations: readonly { invoiceId: string; amountMinor: bigint }[],
  invoices: Map<string, DocumentRow>,
): DocumentGlLine[] {
  const party = doc.partyId;
  const memo = (l: DocumentLineRow) => l.description;
  const settling = (role: AccountRole, sign: bigint): DocumentGlLine[] =>
    allocations.map((a) => ({
      accountId: roleAccount(roles, role),
      amountMinor: sign * a.amountMinor,
      partyId: party,
      memo: doc.memo || `Settles ${invoices.get(a.invoiceId)?.number ?? a.invoiceId}`,
      settles: a.invoiceId,
    }));
  switch (doc.kind) {
    case 'SALES_INVOICE':
    case 'CREDIT_NOTE':
    case 'PURCHASE_INVOICE':
    case 'DEBIT_NOTE': {
      const sales = KINDS[doc.kind].family === 'SALES';
      const mirror = doc.kind === 'CREDIT_NOTE' || doc.kind === 'DEBIT_NOTE' ? -1n : 1n;
      // Sales: the party owes (debit), income and tax are credits. Purchasing: the opposite.
      const s = (sales ? 1n : -1n) * mirror;
      const out: DocumentGlLine[] = [
        {
          accountId: roleAccount(roles, sales ? 'DefaultAR' : 'DefaultAP'),
          amountMinor: s * doc.totalMinor,
          partyId: party,
          memo: doc.memo,
          ...(doc.appliesToId ? { settles: doc.appliesToId } : {}),
        },
      ];
      for (const l of lines) {
        out.push({ accountId: l.accountId, amountMinor: -s * l.amountMinor, memo: memo(l) });
        if (l.taxMinor !== 0n) {
          const tax = taxes.get(l.taxCode ?? '');
          const role = sales ? tax?.salesAccountRole : tax?.purchaseAccountRole;
          if (!role) {
            throw new DomainError(
              'CONFLICT',
              `Tax code ${l.taxCode} has no ${sales ? 'sales' : 'purchase'} account role`,
              {
                taxCode: l.taxCode,
              },
            );
          }
          out.push({
            accountId: roleAccount(roles, role),
            amountMinor: -s * l.taxMinor,
            memo: `${l.taxCode} ${memo(l)}`,
          });
        }
      }
      return out;
    }
    case 'CUSTOMER_RECEIPT':
      return [
        {
          accountId: doc.bankAccountId as string,
          amountMinor: doc.totalMinor - doc.bankFeeMinor,
          memo: doc.memo,
        },
        {
          accountId: roleAccount(roles, 'BankFees'),
          amountMinor: doc.bankFeeMinor,
          memo: 'Bank fee',
        },
        ...settling('DefaultAR', -1n),
      ];
    case 'VENDOR_PAYMENT':
      return [
        ...settling('DefaultAP', 1n),
        {
          accountId: doc.bankAccountId as string,
          amountMinor: -(doc.totalMinor + doc.bankFeeMinor),
          memo: doc.memo,
        },
        {
          accountId: roleAccount(roles, 'BankFees'),
          amountMinor: doc.bankFeeMinor,
          memo: 'Bank fee',
        },
      ];
  }
}

/** FX provenance a GL line carries: the exchange_rates row used and whether it stood in as a fallback. */
interface Provenance {
  exchangeRateId: bigint | null;
  rateIsFallback: boolean;
}
const NO_PROVENANCE: Provenance = { exchangeRateId: null, rateIsFallback: false };

/** An invoice's own translation: its rate and the row it cited when posted (none if posted before provenance). */
function invoiceProvenance(invoice: DocumentRow, baseCurrency: string): Provenance {
  return invoice.currency === baseCurrency
    ? NO_PROVENANCE
    : { exchangeRateId: invoice.exchangeRateId, rateIsFallback: invoice.rateIsFallback };
}

/**
 * Base currency already cleared on each invoice by its live (not voided) settlements. Allocations
 * posted before the FX work carry no base amount: they were all made at the invoice's own rate.
 */
async function clearedBaseOf(
  db: Reader,
  invoices: readonly DocumentRow[],
  minorUnits: number,
  baseMinorUnits: number,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>(invoices.map((i) => [i.id, 0n]));
  if (invoices.length === 0) return out;
  const rows = await db
    .select({
      invoiceId: tenant.allocations.invoiceId,
      amountMinor: tenant.allocations.amountMinor,
      baseAmountMinor: tenant.allocations.baseAmountMinor,
    })
    .from(tenant.allocations)
    .where(
      and(
        inArray(
          tenant.allocations.invoiceId,
          invoices.map((i) => i.id),
        ),
        sql`NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${tenant.allocations.sourceDocumentId})`,
      ),
    );
  const byId = new Map(invoices.map((i) => [i.id, i]));
  for (const r of rows) {
    const invoice = byId.get(r.invoiceId) as DocumentRow;
    const base =
      r.baseAmountMinor ??
      translateAtRate(r.amountMinor, decimalOf(invoice.exchangeRate ?? '1'), minorUnits, baseMinorUnits);
    out.set(r.invoiceId, (out.get(r.invoiceId) ?? 0n) + base);
  }
  return out;
}

interface TranslatedDocument {
  lines: PostingLine[];
  /** Per invoice settled: the base receivable/payable cleared (positive) and the realized FX (gain positive). */
  settled: Map<string, { baseAmountMinor: bigint; realizedFxMinor: bigint }>;
}

/**
 * Translation at entry. Every line is translated at the document's rate (base = amount × rate,
 * half away from zero, to the base minor unit) and cites the document's rate row — except a party
 * line that settles an invoice, which clears the invoice's receivable or payable at the invoice's
 * own rate and cites the invoice's rate row (the allocation leaving the invoice fully settled takes
 * exactly the base amount left, `clearedBase`). For a receipt or payment the difference between the
 * two translations of that allocation is the realized exchange difference, posted on its own line
 * to the account the client's variance mode names (`realizedFxRole`); for a note (same rate) it can
 * only be rounding. Whatever remains unbalanced after that (a few minor units of per-line rounding)
 * goes to the account bound to Rounding, so the entry balances exactly in base currency.
 */
async function translateDocument(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  drafts: readonly DocumentGlLine[],
  own: { rate: Decimal; provenance: Provenance },
  invoices: Map<string, DocumentRow>,
  roles: Map<AccountRole, string>,
  minorUnits: number,
): Promise<TranslatedDocument> {
  const { baseCurrency, baseMinorUnits } = books.company;
  const settledIds = [...new Set(drafts.flatMap((l) => (l.settles ? [l.settles] : [])))];
  const settledInvoices = settledIds.map((id) => invoices.get(id) as DocumentRow);
  // One transaction is one connection: its statements run one after another.
  const openSettled = await settledMinor(tx, settledIds);
  const clearedBefore = await clearedBaseOf(tx, settledInvoices, minorUnits, baseMinorUnits);
  const isPayment = KINDS[doc.kind].family === 'PAYMENT';
  const mode = isPayment ? (await books.settings()).fxVarianceMode : 'SIMPLE';
  const lines: PostingLine[] = [];
  const fxLines: PostingLine[] = [];
  const settled: TranslatedDocument['settled'] = new Map();
  const inBase = (amountMinor: bigint) => ({
    originalCurrency: baseCurrency,
    originalAmountMinor: amountMinor,
  });

  for (const l of drafts) {
    if (l.amountMinor === 0n) continue;
    const atOwnRate = translateAtRate(l.amountMinor, own.rate, minorUnits, baseMinorUnits);
    const common = { accountId: l.accountId, partyId: l.partyId ?? null, memo: l.memo ?? '' };
    const original = { originalCurrency: doc.currency, originalAmountMinor: l.amountMinor };
    const invoice = l.settles ? invoices.get(l.settles) : undefined;
    if (!invoice) {
      if (atOwnRate !== 0n) lines.push({ ...common, ...original, amountMinor: atOwnRate, ...own.provenance });
      continue;
    }
    const sign = l.amountMinor < 0n ? -1n : 1n;
    const amountMinor = sign * l.amountMinor;
    const invoiceRate = decimalOf(invoice.exchangeRate ?? '1');
    const cleared =
      sign *
      clearedBase({
        invoiceBaseMinor:
          invoice.baseTotalMinor ??
          translateAtRate(invoice.totalMinor, invoiceRate, minorUnits, baseMinorUnits),
        invoiceRate,
        amountMinor,
        openMinor: invoice.totalMinor - (openSettled.get(invoice.id) ?? 0n),
        clearedBaseMinor: clearedBefore.get(invoice.id) ?? 0n,
        minorUnits,
        baseMinorUnits,
      });
    const provenance = invoiceProvenance(invoice, baseCurrency);
    // The allocation at the invoice's own rate: what it cleared, but for the last minor units the
    // allocation closing the invoice takes (rounding, not exchange: it goes to Rounding below).
    const plain = translateAtRate(l.amountMinor, invoiceRate, minorUnits, baseMinorUnits);
    if (cleared !== 0n && cleared < 0n === sign < 0n) {
      lines.push({ ...common, ...original, amountMinor: cleared, ...provenance });
    } else {
      // Only when rounding left the invoice's last minor units on earlier settlements: the line
      // at the invoice's rate, and the base-currency remainder on the same account and party.
      if (plain !== 0n) lines.push({ ...common, ...original, amountMinor: plain, ...provenance });
      if (cleared !== plain)
        lines.push({ ...common, ...inBase(cleared - plain), amountMinor: cleared - plain });
    }
    // Realized (gain positive): the allocation at the invoice's rate less the same allocation at the
    // settling document's rate — on a receipt, more base received than booked is a gain; on a
    // payment, more base paid than booked is a loss.
    const realized = isPayment ? plain - atOwnRate : 0n;
    if (realized !== 0n) {
      fxLines.push({
        accountId: roleAccount(roles, realizedFxRole(mode, realized)),
        amountMinor: -realized,
        ...inBase(-realized),
        partyId: null,
        memo: `Realized FX ${realized > 0n ? 'gain' : 'loss'} on ${invoice.number}`,
      });
    }
    settled.set(invoice.id, { baseAmountMinor: sign * cleared, realizedFxMinor: realized });
  }
  const all = [...lines, ...fxLines];
  const residue = all.reduce((sum, l) => sum + l.amountMinor, 0n);
  if (residue !== 0n) {
    all.push({
      accountId: roleAccount(roles, 'Rounding'),
      amountMinor: -residue,
      ...inBase(-residue),
      partyId: null,
      memo: 'Currency translation rounding',
    });
  }
  return { lines: all, settled };
}

/**
 * Post a draft: its rate is decided (translation at entry: the rate in force on its document date,
 * a typed rate, the peg, or for a note its invoice's rate), its entry goes to the GL through the
 * engine (period check by the document's kind, balance, journal number) with FX provenance on every
 * translated line and any realized exchange difference, then it takes its own gapless number for
 * its type and fiscal year and its allocations become facts, all in one transaction: a refusal
 * anywhere (RATE_NOT_AVAILABLE included) writes nothing and burns no number. Posting a posted
 * document again returns it.
 */
export async function postDocument(books: Books, id: string, family: Family): Promise<DocumentRow> {
  return inTransaction(books.db, books.actor, async (tx) => {
    const doc = await lockDocument(tx, id);
    requireFamily(
      doc,
      family,
      family === 'SALES'
        ? 'approveSalesInvoice'
        : family === 'PURCHASING'
          ? 'postPurchaseInvoice'
          : 'postPayment',
    );
    requirePermission(books, KINDS[doc.kind].post);
    if (doc.status === 'POSTED') return doc;
    requireDraft(doc, 'posted');
    const spec = KINDS[doc.kind];
    if (doc.totalMinor === 0n) throw badInput(`${doc.kind} has nothing to post: its total is zero`, { id });

    const minorUnits = await books.minorUnits(doc.currency);
    const party = await loadParty(tx, doc.partyId, spec.partyKind);
    const { baseCurrency, baseMinorUnits } = books.company;

    // Settlements: lock the invoices in id order (concurrent postings queue rather than deadlock),
    // then check again what is open now.
    const proposed: { invoiceId: string; amountMinor: bigint }[] = isInvoiceLike(doc.kind)
      ? doc.appliesToId
        ? [{ invoiceId: doc.appliesToId, amountMinor: doc.totalMinor }]
        : []
      : await tx
          .select({
            invoiceId: tenant.draftAllocations.invoiceId,
            amountMinor: tenant.draftAllocations.amountMinor,
          })
          .from(tenant.draftAllocations)
          .where(eq(tenant.draftAllocations.documentId, id))
          .orderBy(asc(tenant.draftAllocations.lineNumber));
    const invoiceIds = proposed.map((a) => a.invoiceId).sort();
    const invoices = new Map(
      invoiceIds.length
        ? (
            await tx
              .select()
              .from(tenant.documents)
              .where(inArray(tenant.documents.id, invoiceIds))
              .orderBy(asc(tenant.documents.id))
              .for('update')
          ).map((d) => [d.id, d])
        : [],
    );
    for (const [i, a] of proposed.entries()) {
      const field = doc.appliesToId ? 'appliesToId' : `allocations[${i}].invoiceId`;
      await checkSettlement(
        tx,
        spec,
        party,
        doc.currency,
        invoices.get(a.invoiceId),
        a.amountMinor,
        0n,
        field,
        minorUnits,
      );
    }

    // The document's own rate, decided now: a note keeps its invoice's rate and cites the same row.
    const corrected = doc.appliesToId ? invoices.get(doc.appliesToId) : undefined;
    let own: { rate: Decimal; provenance: Provenance; used: UsedRate | null };
    if (corrected) {
      own = {
        rate: decimalOf(corrected.exchangeRate ?? '1'),
        provenance: invoiceProvenance(corrected, baseCurrency),
        used: null,
      };
    } else {
      const settings = await books.settings();
      const used = await rateForDocument(tx, clientFxOf(books.company), {
        currency: doc.currency,
        documentDate: doc.documentDate,
        stalenessDays: settings.fxStalenessDays,
        explicit: doc.currency !== baseCurrency && doc.exchangeRate ? decimalOf(doc.exchangeRate) : null,
        actor: books.actor,
        documentLabel: `${doc.kind.toLowerCase().replace('_', ' ')} ${doc.id}`,
      });
      own = {
        rate: used.rate,
        provenance: { exchangeRateId: used.exchangeRateId, rateIsFallback: used.isFallback },
        used,
      };
    }

    const lines = await tx
      .select()
      .from(tenant.documentLines)
      .where(eq(tenant.documentLines.documentId, id))
      .orderBy(asc(tenant.documentLines.lineNumber));
    const taxRows = await tx.select().from(tenant.taxCodes);
    const roles = await roleAccounts(tx);
    const drafts = documentLinesForGl(
      doc,
      lines,
      new Map(taxRows.map((t) => [t.code, t])),
      roles,
      isInvoiceLike(doc.kind) ? [] : proposed,
      invoices,
    );
    const translated = await translateDocument(tx, books, doc, drafts, own, invoices, roles, minorUnits);
    const entry = await postEntry(tx, books.actor, {
      kind: doc.kind,
      postingDate: doc.postingDate,
      memo: doc.memo || `${doc.kind} ${doc.reference ?? ''}`.trim(),
      sourceId: doc.id,
      idempotencyKey: `document:${doc.id}`,
      lines: translated.lines,
    });
    const number = await nextNumber(tx, doc.kind, entry.fiscalYear);
    if (proposed.length) {
      await tx.insert(tenant.allocations).values(
        proposed.map((a) => ({
          sourceDocumentId: doc.id,
          invoiceId: a.invoiceId,
          amountMinor: a.amountMinor,
          baseAmountMinor: translated.settled.get(a.invoiceId)?.baseAmountMinor ?? null,
          realizedFxMinor: translated.settled.get(a.invoiceId)?.realizedFxMinor ?? 0n,
        })),
      );
    }
    const baseTotalMinor = translateAtRate(doc.totalMinor, own.rate, minorUnits, baseMinorUnits);
    const [posted] = await tx
      .update(tenant.documents)
      .set({
        status: 'POSTED',
        number,
        entryId: entry.id,
        exchangeRate: formatDecimal(own.rate),
        exchangeRateId: own.provenance.exchangeRateId,
        rateIsFallback: own.provenance.rateIsFallback,
        baseTotalMinor,
        postedBy: books.actor.userId,
        postedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(tenant.documents.id, id))
      .returning();
    const realized = [...translated.settled.values()].reduce((s, a) => s + a.realizedFxMinor, 0n);
    await recordAuditEvent(tx, books.actor, {
      action: 'document.posted',
      entityType: 'Document',
      entityId: id,
      before: { status: 'DRAFT' },
      after: {
        status: 'POSTED',
        kind: doc.kind,
        number,
        entry: entry.number,
        total: formatMoney(doc.totalMinor, minorUnits),
        currency: doc.currency,
        exchangeRate: formatDecimal(own.rate),
        ...(doc.currency !== baseCurrency
          ? {
              exchangeRateId: own.provenance.exchangeRateId?.toString() ?? null,
              rateSource: own.used?.source ?? 'INVOICE',
              rateDate: own.used?.rateDate ?? corrected?.documentDate ?? null,
              rateIsFallback: own.provenance.rateIsFallback,
            }
          : {}),
        ...(realized !== 0n ? { realizedFx: formatMoney(realized, baseMinorUnits) } : {}),
        allocations: proposed.map((a) => ({
          invoiceId: a.invoiceId,
          amount: formatMoney(a.amountMinor, minorUnits),
        })),
      },
    });
    return posted as DocumentRow;
  });
}
