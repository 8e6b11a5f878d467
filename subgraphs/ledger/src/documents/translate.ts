import { badInput, type Decimal, decimalOf, translateAtRate } from '@cifra/domain';
import type { PostingLine } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { clearedBase, realizedFxRole } from '../services/exchange-rate.ts';
import { type DocumentGlLine, roleAccount } from './gl-lines.ts';
import { realizesFx } from './kinds.ts';
import { invoiceProvenance, type Provenance } from './rates.ts';
import type { AccountRole, DocumentRow } from './store.ts';

/** Per invoice: what its live settlements settle (document currency) and cleared (base). */
export interface SettledState {
  settled: ReadonlyMap<string, bigint>;
  cleared: ReadonlyMap<string, bigint>;
}

export interface TranslatedDocument {
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
export async function translateDocument(
  books: Books,
  doc: Pick<DocumentRow, 'kind' | 'currency'>,
  drafts: readonly DocumentGlLine[],
  own: { rate: Decimal; provenance: Provenance },
  invoices: Map<string, DocumentRow>,
  roles: Map<AccountRole, string>,
  minorUnits: number,
  /** What settles each invoice settled and the base it cleared, read with them locked. */
  { settled: openSettled, cleared: clearedBefore }: SettledState,
): Promise<TranslatedDocument> {
  const { baseCurrency, baseMinorUnits } = books.company;
  const isPayment = realizesFx(doc.kind);
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
  if (all.length === 0) throw worthNothingInBase(baseCurrency);
  return { lines: all, settled };
}

/**
 * Every line of the document rounds to nothing in the base currency (a settlement of the few units
 * of a weak currency an earlier one left open, an invoice of a cent at a rate under one half): an
 * entry of it would have no line, and a posted document always has its entry. Said as such, rather
 * than as an entry's missing lines the caller never wrote.
 */
function worthNothingInBase(baseCurrency: string) {
  return badInput(
    `At its rate every line of this document is worth 0 ${baseCurrency}: nothing of it would reach the books in ${baseCurrency}, so it cannot be posted alone. Settle what little is left of an invoice together with more (one receipt or payment for several invoices), or raise the amount.`,
    { field: 'lines', baseCurrency },
  );
}
