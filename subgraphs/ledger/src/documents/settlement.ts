import { badInput, DomainError, formatMoney } from '@cifra/domain';
import type { KindSpec } from './kinds.ts';
import { type DocumentRow, isVoided, type PartyRow, type Reader, settledMinor } from './store.ts';

/**
 * An invoice a note or payment settles: posted, not voided, of the right kind, party and currency,
 * with enough left open. Returns its open balance.
 */
export async function checkSettlement(
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
