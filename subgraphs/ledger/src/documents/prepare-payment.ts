import {
  badInput,
  DomainError,
  formatDecimal,
  formatMoney,
  isMoneyIn,
  parseInput,
  parseIsoDate,
  parseMoney,
} from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { controlAccounts, refuseControlAccount } from '../services/control-accounts.ts';
import { decideDocumentRate } from '../services/exchange-rate.ts';
import { roleAccount } from './gl-lines.ts';
import { type PaymentDraftInput, paymentDraftInput } from './inputs.ts';
import { isRefund, KINDS } from './kinds.ts';
import { pegOf, requireRateInForce } from './rates.ts';
import { checkCredit, checkSettlement } from './settlement.ts';
import {
  accountsByCode,
  type DocumentKind,
  documentsById,
  loadParty,
  type PartyRow,
  type PreparedDocument,
  type Reader,
  roleAccounts,
} from './store.ts';

/** Parse and check a receipt or payment draft completely before anything is written. */
export async function preparePayment(
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
  const bankAccountId = await bankAccountOf(db, input.bankAccountCode);
  const amountMinor = parseMoney(input.amount, minorUnits, 'amount');
  if (amountMinor <= 0n) throw badInput('amount: must be greater than zero', { field: 'amount' });
  const feeMinor = input.bankFee ? parseMoney(input.bankFee, minorUnits, 'bankFee') : 0n;
  if (feeMinor < 0n) throw badInput('bankFee: cannot be negative', { field: 'bankFee' });
  if (isMoneyIn(kind) && feeMinor >= amountMinor) {
    throw badInput('bankFee: must be less than the amount received', { field: 'bankFee' });
  }
  const ids = input.allocations.map((a) => a.invoiceId);
  if (new Set(ids).size !== ids.length) {
    throw badInput('allocations: each document may appear once', { field: 'allocations' });
  }
  const allocations = await checkAllocations(
    db,
    kind,
    party,
    currency,
    postingDate,
    input.allocations,
    minorUnits,
  );
  const allocated = allocations.reduce((sum, a) => sum + a.amountMinor, 0n);
  if (allocated > amountMinor) {
    throw new DomainError(
      'OVER_ALLOCATION',
      `allocations: ${formatMoney(allocated, minorUnits)} allocated, more than the amount ${formatMoney(amountMinor, minorUnits)}`,
      { field: 'allocations' },
    );
  }
  // A receipt or payment may leave the rest on account (a credit); a refund pays back credits only.
  if (isRefund(kind) && allocated < amountMinor) {
    throw badInput(
      `allocations: ${formatMoney(allocated, minorUnits)} of ${formatMoney(amountMinor, minorUnits)} names the credits it pays back; a refund pays back credits only`,
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

/** The bank account a receipt or payment moves: the one named (an active asset, not a control account), or Cash's. */
async function bankAccountOf(db: Reader, code: string | null | undefined): Promise<string> {
  if (!code) return roleAccount(await roleAccounts(db), 'Cash');
  const account = (await accountsByCode(db, [code])).get(code);
  if (!account?.active || account.type !== 'ASSET') {
    throw badInput(`bankAccountCode: no active asset account ${code}`, {
      field: 'bankAccountCode',
      value: code,
    });
  }
  // Money does not sit on the receivable (or the ITBMS account): the bank must be a bank.
  refuseControlAccount(await controlAccounts(db), account.id, 'bankAccountCode');
  return account.id;
}

/**
 * Each allocation checked: a receipt's or payment's against an open invoice, a refund's against a
 * credit of the party (a receipt, payment or note that left money on account).
 */
async function checkAllocations(
  db: Reader,
  kind: DocumentKind,
  party: PartyRow,
  currency: string,
  postingDate: string,
  raw: readonly { invoiceId: string; amount: string }[],
  minorUnits: number,
): Promise<PreparedDocument['allocations']> {
  const spec = KINDS[kind];
  if (isRefund(kind) && raw.length === 0) {
    throw badInput('allocations: name the credits the refund pays back', { field: 'allocations' });
  }
  const documents = await documentsById(
    db,
    raw.map((a) => a.invoiceId),
  );
  const out: PreparedDocument['allocations'] = [];
  for (const [i, a] of raw.entries()) {
    const field = `allocations[${i}]`;
    const minor = parseMoney(a.amount, minorUnits, `${field}.amount`);
    if (minor <= 0n)
      throw badInput(`${field}.amount: must be greater than zero`, { field: `${field}.amount` });
    const target = documents.get(a.invoiceId);
    if (isRefund(kind)) {
      await checkCredit(
        db,
        party,
        currency,
        target,
        minor,
        { field: `${field}.invoiceId`, postingDate },
        minorUnits,
      );
    } else {
      await checkSettlement(
        db,
        spec,
        party,
        currency,
        target,
        minor,
        { field: `${field}.invoiceId`, postingDate },
        minorUnits,
      );
    }
    out.push({ invoiceId: a.invoiceId, amountMinor: minor });
  }
  return out;
}
