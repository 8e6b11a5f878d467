import { badInput, DomainError, formatMoney } from '@cifra/domain';
import type { LockedSettlements } from './group-store.ts';
import { isInvoiceLike, isRefund, KINDS, type KindSpec } from './kinds.ts';
import { type DocumentRow, isVoided, type PartyRow, type Reader, settledMinor } from './store.ts';

type Allocation = { invoiceId: string; amountMinor: bigint };

/** What a settlement's check reads of its invoice: whether it is voided, what live documents settle of it. */
export interface InvoiceFacts {
  voided: boolean;
  settledMinor: bigint;
}

/**
 * An invoice a note or payment settles: posted, not voided, of the right kind, party and currency,
 * posted on or before the settlement, with at least `amountMinor` left open.
 */
export async function checkSettlement(
  db: Reader,
  spec: KindSpec,
  party: PartyRow,
  currency: string,
  invoice: DocumentRow | undefined,
  amountMinor: bigint,
  use: { field: string; postingDate: string },
  minorUnits: number,
): Promise<void> {
  const facts = await factsOf(db, invoice);
  requireSettlement(spec, party, currency, invoice, amountMinor, use, minorUnits, facts);
}

/** A locked document's facts, as `lockSettledInvoices` read them. */
export const factsIn = (locked: Pick<LockedSettlements, 'settled' | 'voided'>, id: string): InvoiceFacts => ({
  voided: locked.voided.has(id),
  settledMinor: locked.settled.get(id) ?? 0n,
});

/** Whether a document is voided and what live documents settle of it (of a credit: use of it). */
async function factsOf(db: Reader, doc: DocumentRow | undefined): Promise<InvoiceFacts> {
  if (!doc) return { voided: false, settledMinor: 0n };
  return {
    voided: await isVoided(db, doc.id),
    settledMinor: (await settledMinor(db, [doc.id])).get(doc.id) ?? 0n,
  };
}

/** `checkSettlement` on the invoice's facts already read. */
export function requireSettlement(
  spec: KindSpec,
  party: PartyRow,
  currency: string,
  invoice: DocumentRow | undefined,
  amountMinor: bigint,
  use: { field: string; postingDate: string },
  minorUnits: number,
  facts: InvoiceFacts,
): void {
  const { field } = use;
  if (!invoice || invoice.kind !== spec.settles || invoice.status !== 'POSTED') {
    throw badInput(`${field}: no posted ${spec.settles?.toLowerCase().replace('_', ' ')} with that id`, {
      field,
    });
  }
  if (invoice.partyId !== party.id) {
    throw badInput(`${field}: ${invoice.number} belongs to another ${party.kind.toLowerCase()}`, { field });
  }
  if (facts.voided) {
    throw badInput(`${field}: ${invoice.number} is voided`, { field, invoice: invoice.number });
  }
  if (invoice.currency !== currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `${field}: ${invoice.number} is in ${invoice.currency}; it can only be settled in ${invoice.currency}, not ${currency}`,
      { field, invoiceCurrency: invoice.currency, currency },
    );
  }
  // Settled no earlier than it arose: the books (and the aging) at any date hold no settlement of
  // an invoice that does not exist yet. Money received first is a credit on account, applied later.
  if (use.postingDate < invoice.postingDate) {
    throw badInput(
      `${field}: ${invoice.number} is dated ${invoice.postingDate}, after ${use.postingDate}; leave the amount on account and apply it once the invoice exists`,
      { field, invoice: invoice.number },
    );
  }
  const open = invoice.totalMinor - facts.settledMinor;
  if (amountMinor > open) {
    throw new DomainError(
      'OVER_ALLOCATION',
      `${field}: ${invoice.number} has ${formatMoney(open, minorUnits)} ${currency} open; ${formatMoney(amountMinor, minorUnits)} is too much`,
      {
        field,
        invoice: invoice.number,
        openBalance: formatMoney(open, minorUnits),
        amount: formatMoney(amountMinor, minorUnits),
      },
    );
  }
}

/**
 * What a draft proposes to settle: a note its invoice, for its whole total (`appliesToId`), a
 * receipt or payment its draft allocations; an invoice or a note correcting nothing, nothing.
 */
export const draftedSettlements = (
  doc: DocumentRow,
  draftAllocations: readonly Allocation[],
): Allocation[] =>
  isInvoiceLike(doc.kind)
    ? doc.appliesToId
      ? [{ invoiceId: doc.appliesToId, amountMinor: doc.totalMinor }]
      : []
    : [...draftAllocations];

/**
 * What a draft settles at posting, checked against what it settles as it is now, locked (`locked`):
 * a note settles what is open of its invoice and leaves the rest on account; a receipt or payment
 * each proposed allocation, which must still fit what is open; a refund each credit it pays back,
 * which must still have that much left. Returns the allocations that settle something, what the
 * document leaves on the party's account, and what the translation clears them against (a refund's
 * credits as open items, `creditAsOpenItem`).
 */
export function settleDrafted(
  doc: DocumentRow,
  party: PartyRow,
  drafted: readonly Allocation[],
  locked: Pick<LockedSettlements, 'invoices' | 'settled' | 'voided'>,
  minorUnits: number,
): { proposed: Allocation[]; creditMinor: bigint; invoices: Map<string, DocumentRow> } {
  const spec = KINDS[doc.kind];
  if (isRefund(doc.kind)) {
    const credits = new Map<string, DocumentRow>();
    for (const [i, a] of drafted.entries()) {
      const credit = locked.invoices.get(a.invoiceId);
      const use = { field: `allocations[${i}].invoiceId`, postingDate: doc.postingDate };
      requireCredit(
        party,
        doc.currency,
        credit,
        a.amountMinor,
        use,
        minorUnits,
        factsIn(locked, a.invoiceId),
      );
      credits.set(a.invoiceId, creditAsOpenItem(credit as DocumentRow));
    }
    return { proposed: [...drafted], creditMinor: 0n, invoices: credits };
  }
  const proposed: Allocation[] = [];
  for (const [i, a] of drafted.entries()) {
    const field = doc.appliesToId ? 'appliesToId' : `allocations[${i}].invoiceId`;
    const target = locked.invoices.get(a.invoiceId);
    const facts = factsIn(locked, a.invoiceId);
    const open =
      target && target.totalMinor > facts.settledMinor ? target.totalMinor - facts.settledMinor : 0n;
    // A note settles what is open of its invoice and leaves the rest on account.
    const wanted = isInvoiceLike(doc.kind) && target ? open : a.amountMinor;
    const amountMinor = a.amountMinor < wanted ? a.amountMinor : wanted;
    const use = { field, postingDate: doc.postingDate };
    requireSettlement(spec, party, doc.currency, target, amountMinor, use, minorUnits, facts);
    if (amountMinor > 0n) proposed.push({ invoiceId: a.invoiceId, amountMinor });
  }
  const allocated = proposed.reduce((sum, a) => sum + a.amountMinor, 0n);
  const creditMinor = spec.credit === 'LEAVES' ? doc.totalMinor - allocated : 0n;
  return { proposed, creditMinor, invoices: locked.invoices };
}

/**
 * A credit a refund or credit application uses: a posted receipt, payment or note of the same
 * party and currency, not voided, posted on or before the use, that left at least `amountMinor`
 * on account not yet used.
 */
export async function checkCredit(
  db: Reader,
  party: PartyRow,
  currency: string,
  credit: DocumentRow | undefined,
  amountMinor: bigint,
  use: { field: string; postingDate: string },
  minorUnits: number,
): Promise<void> {
  const facts = await factsOf(db, credit);
  requireCredit(party, currency, credit, amountMinor, use, minorUnits, facts);
}

/** `checkCredit` on the credit's facts already read (`settledMinor`: what live documents use of it). */
export function requireCredit(
  party: PartyRow,
  currency: string,
  credit: DocumentRow | undefined,
  amountMinor: bigint,
  use: { field: string; postingDate: string },
  minorUnits: number,
  facts: InvoiceFacts,
): void {
  const { field } = use;
  const spec = credit ? KINDS[credit.kind] : undefined;
  if (!credit || spec?.credit !== 'LEAVES' || spec.partyKind !== party.kind || credit.status !== 'POSTED') {
    throw badInput(
      `${field}: no posted ${party.kind === 'CUSTOMER' ? 'receipt or credit note' : 'payment or debit note'} with that id`,
      { field },
    );
  }
  if (credit.partyId !== party.id) {
    throw badInput(`${field}: ${credit.number} belongs to another ${party.kind.toLowerCase()}`, { field });
  }
  if (facts.voided) {
    throw badInput(`${field}: ${credit.number} is voided`, { field, credit: credit.number });
  }
  if (credit.currency !== currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `${field}: the credit of ${credit.number} is in ${credit.currency}; it can only be used in ${credit.currency}, not ${currency}`,
      { field, creditCurrency: credit.currency, currency },
    );
  }
  // Used no earlier than it was left: the books (and the aging) at any date hold no use of a credit
  // that does not exist yet.
  if (use.postingDate < credit.postingDate) {
    throw badInput(`${field}: ${credit.number} is dated ${credit.postingDate}, after ${use.postingDate}`, {
      field,
      credit: credit.number,
    });
  }
  const open = credit.creditMinor - facts.settledMinor;
  if (amountMinor > open) {
    throw new DomainError(
      'OVER_ALLOCATION',
      `${field}: ${credit.number} has ${formatMoney(open, minorUnits)} ${currency} of credit left; ${formatMoney(amountMinor, minorUnits)} is too much`,
      {
        field,
        credit: credit.number,
        openCredit: formatMoney(open, minorUnits),
        amount: formatMoney(amountMinor, minorUnits),
      },
    );
  }
}

/**
 * A credit seen as an open item: what it left on account (and its base) as the "total" a refund or
 * application clears, so the translation clears it at its own rate exactly as an invoice.
 */
export const creditAsOpenItem = (credit: DocumentRow): DocumentRow => ({
  ...credit,
  totalMinor: credit.creditMinor,
  baseTotalMinor: credit.creditBaseMinor,
});
