import { badInput, DomainError, formatMoney } from '@cifra/domain';
import { KINDS, type KindSpec } from './kinds.ts';
import { type DocumentRow, isVoided, type PartyRow, type Reader, settledMinor } from './store.ts';

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
  const { field } = use;
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
  // Settled no earlier than it arose: the books (and the aging) at any date hold no settlement of
  // an invoice that does not exist yet. Money received first is a credit on account, applied later.
  if (use.postingDate < invoice.postingDate) {
    throw badInput(
      `${field}: ${invoice.number} is dated ${invoice.postingDate}, after ${use.postingDate}; leave the amount on account and apply it once the invoice exists`,
      { field, invoice: invoice.number },
    );
  }
  const open = invoice.totalMinor - ((await settledMinor(db, [invoice.id])).get(invoice.id) ?? 0n);
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
  if (await isVoided(db, credit.id)) {
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
  const open = credit.creditMinor - ((await settledMinor(db, [credit.id])).get(credit.id) ?? 0n);
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
