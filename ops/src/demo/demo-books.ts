import { type ControlDb, control, type TenantDb } from '@cifra/db';
import { badInput, formatMoney, parseMoney } from '@cifra/domain';
import type { Company } from '@cifra/engine';
import { clientSettings } from '@cifra/subgraph-fx';
import {
  type Books,
  createDraft,
  createParty,
  type DocumentRow,
  postDocument,
  postJournalEntries,
} from '@cifra/subgraph-ledger';
import type { PeriodActor } from '@cifra/subgraph-period';
import { CASH_CUSTOMER, type MonthPlan, type PlannedDocument } from './demo-activity.ts';
import type { DemoProfile } from './demo-profiles.ts';

/**
 * Posts a client's planned activity through the ledger's own services — the functions the GraphQL
 * resolvers call, with the same parsing, permission checks, rates and control-account rules — as
 * the firm's senior accountant: its parties, then month by month its journal entries in one bulk
 * import (postJournalEntries) and its documents in date order (draft, then post).
 */
export async function postPlannedBooks(
  deps: { control: ControlDb; db: TenantDb; company: Company; tenantId: string; actor: PeriodActor },
  profile: DemoProfile,
  months: readonly MonthPlan[],
): Promise<{ entries: number; documents: number }> {
  const books = booksFor(deps);
  const partyIds = new Map<string, string>();
  for (const p of [CASH_CUSTOMER, ...profile.customers, ...profile.vendors]) {
    const row = await createParty(books, {
      kind: p === CASH_CUSTOMER || profile.customers.includes(p) ? 'CUSTOMER' : 'VENDOR',
      code: p.code,
      name: p.name,
      currency: p.currency ?? null,
      paymentTermsDays: p.termsDays,
    });
    partyIds.set(p.code, row.id);
  }
  const party = (code: string) => partyIds.get(code) as string;
  const posted = new Map<string, DocumentRow>();
  /** What is still open on each invoice, minor units of its currency (its total less notes and settlements). */
  const open = new Map<string, bigint>();
  let entries = 0;
  let documents = 0;
  for (const month of months) {
    if (month.entries.length > 0) {
      const input = month.entries.map((e) => ({
        postingDate: e.postingDate,
        memo: e.memo,
        lines: e.lines.map(({ party: code, ...l }) => ({ ...l, partyId: code ? party(code) : null })),
      }));
      entries += (await postJournalEntries(deps.db, deps.company, books.actor, input)).length;
    }
    for (const doc of month.documents) {
      const row = await postOne(books, doc, party(doc.party), posted, open);
      if (!row) continue;
      documents++;
      posted.set(doc.key, row);
    }
  }
  return { entries, documents };
}

async function postOne(
  books: Books,
  doc: PlannedDocument,
  partyId: string,
  posted: Map<string, DocumentRow>,
  open: Map<string, bigint>,
): Promise<DocumentRow | null> {
  if (doc.type === 'INVOICE') {
    const draft = await createDraft(books, doc.kind, {
      partyId,
      documentDate: doc.date,
      reference: doc.reference,
      lines: doc.lines,
    });
    if (!doc.post) return draft;
    const row = await postDocument(books, draft.id, doc.kind === 'SALES_INVOICE' ? 'SALES' : 'PURCHASING');
    open.set(doc.key, row.totalMinor);
    return row;
  }
  const invoiceKey = doc.type === 'CREDIT_NOTE' ? doc.appliesTo : doc.invoice;
  const invoice = posted.get(invoiceKey);
  const left = open.get(invoiceKey) ?? 0n;
  if (!invoice || left <= 0n) return null;
  if (doc.type === 'CREDIT_NOTE') {
    // A note for more than is left open would be refused (OVER_ALLOCATION); the plan's notes are
    // small, but an invoice can be smaller still: such a note is not drafted (tax included, 7 %).
    const noteMinor = doc.lines.reduce((sum, l) => sum + parseMoney(l.unitPrice, 2) * BigInt(l.quantity), 0n);
    if ((noteMinor * 107n) / 100n + 1n >= left) return null;
    const draft = await createDraft(books, 'CREDIT_NOTE', {
      partyId,
      documentDate: doc.date,
      appliesToId: invoice.id,
      reference: `NC ${invoice.number}`,
      lines: doc.lines,
    });
    const row = await postDocument(books, draft.id, 'SALES');
    open.set(invoiceKey, left - row.totalMinor);
    return row;
  }
  const minorUnits = await books.minorUnits(invoice.currency);
  const amount = formatMoney(left, minorUnits);
  const fee = doc.kind === 'CUSTOMER_RECEIPT' && doc.feeMinor >= left ? 0n : doc.feeMinor;
  const draft = await createDraft(books, doc.kind, {
    partyId,
    documentDate: doc.date,
    reference: `${doc.kind === 'CUSTOMER_RECEIPT' ? 'Cobro' : 'Pago'} ${invoice.number}`,
    amount,
    bankFee: fee > 0n ? formatMoney(fee, minorUnits) : null,
    allocations: [{ invoiceId: invoice.id, amount }],
  });
  const row = await postDocument(books, draft.id, 'PAYMENT');
  open.set(invoiceKey, 0n);
  return row;
}

function booksFor(deps: {
  control: ControlDb;
  db: TenantDb;
  company: Company;
  tenantId: string;
  actor: PeriodActor;
}): Books {
  const units = new Map<string, number>();
  let settings: ReturnType<Books['settings']> | undefined;
  const { permissions, ...actor } = deps.actor;
  return {
    db: deps.db,
    company: deps.company,
    actor,
    permissions: new Set(permissions),
    minorUnits: async (currency, field = 'currency') => {
      const known = units.get(currency);
      if (known !== undefined) return known;
      const rows = await deps.control.select().from(control.currencies);
      for (const r of rows) units.set(r.code.trim(), r.minorUnits);
      const found = units.get(currency);
      if (found === undefined)
        throw badInput(`${field}: ${currency} is not a currency code (ISO 4217)`, { field, value: currency });
      return found;
    },
    settings: () => {
      settings ??= clientSettings(deps.control, deps.tenantId);
      return settings;
    },
  };
}
