import {
  addDays,
  badInput,
  computeLine,
  decimalOf,
  formatDecimal,
  parseDecimal,
  parseInput,
  parseIsoDate,
  sumLines,
} from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { controlAccounts, refuseControlAccount } from '../services/control-accounts.ts';
import { decideDocumentRate } from '../services/exchange-rate.ts';
import { PRICE_INTEGER_DIGITS, PRICE_SCALE } from '../services/items.service.ts';
import {
  type InvoiceDraftInput,
  invoiceDraftInput,
  QUANTITY_INTEGER_DIGITS,
  QUANTITY_SCALE,
} from './inputs.ts';
import { type Family, KINDS } from './kinds.ts';
import { pegOf, requireRateInForce } from './rates.ts';
import { checkSettlement } from './settlement.ts';
import {
  accountsByCode,
  type DocumentKind,
  type DocumentRow,
  documentById,
  holdTaxCodes,
  itemsByCode,
  loadParty,
  type PreparedDocument,
  type TaxCodeRow,
  taxCodes,
} from './store.ts';

/** The due date the party's payment terms give, which must still be a date the books take (to 9999-12-31). */
function dueByTerms(documentDate: string, termsDays: number): string {
  const due = addDays(documentDate, termsDays);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(due))
    throw badInput(
      `documentDate: the party's payment terms of ${termsDays} days put the due date past 9999-12-31; give a dueDate`,
      { field: 'documentDate' },
    );
  return due;
}

/** Parse and check an invoice or note draft completely before anything is written. */
export async function prepareInvoice(
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
    : dueByTerms(documentDate, party.paymentTermsDays);
  if (dueDate < documentDate)
    throw badInput('dueDate: cannot be before the document date', { field: 'dueDate' });
  const currency = input.currency?.toUpperCase() ?? party.currency;
  const minorUnits = await books.minorUnits(currency);

  // A note may correct an invoice (`appliesToId`) or stand alone; what it does not settle of its
  // invoice stays on the party's account as a credit.
  let appliesTo: DocumentRow | undefined;
  if (input.appliesToId) {
    if (!spec.settles) {
      throw badInput('appliesToId: only credit and debit notes reference an invoice', {
        field: 'appliesToId',
      });
    }
    appliesTo = await documentById(db, input.appliesToId);
    // The invoice itself (posted, same party and currency, not voided); the amount is checked
    // at posting, where what exceeds the open balance becomes a credit.
    await checkSettlement(
      db,
      spec,
      party,
      currency,
      appliesTo,
      0n,
      { field: 'appliesToId', postingDate },
      minorUnits,
    );
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
  // books.db is the pool (not one transaction): these run on connections of their own.
  const [items, accounts, taxes, controls] = await Promise.all([
    itemsByCode(db, itemCodes),
    accountsByCode(db, accountCodes),
    taxCodes(db, documentDate),
    controlAccounts(db),
  ]);
  const values = {
    partyId: party.id,
    documentDate,
    postingDate,
    dueDate: spec.settles ? null : dueDate,
    currency,
    exchangeRate: rate ? formatDecimal(rate) : null,
    reference: input.reference ?? null,
    memo: input.memo ?? '',
    appliesToId: appliesTo?.id ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  };
  const catalogue: Catalogue = { family: spec.family, items, accounts, taxes, controls, minorUnits };
  // Priced now to check every line; priced again by its writer at the rates it holds (atRatesHeld).
  const priced = (at: Map<string, TaxCodeRow>): PreparedDocument => {
    const lines = input.lines.map((line, i) => priceLine({ ...catalogue, taxes: at }, line, i));
    return { values: { ...values, ...sumLines(lines) }, lines, allocations: [], repriced: priced };
  };
  return priced(taxes);
}

/**
 * The draft as its writer writes it, in its transaction: an invoice's or note's lines priced again
 * at the rates of their tax codes read with the codes held (`holdTaxCodes`), so a new rate committed
 * since `prepareInvoice` read them is the one the draft gets, and none commits before the draft
 * does (`updateTaxCode` waits for it, then refuses the date with TAX_RATE_DATE_IN_USE).
 */
export async function atRatesHeld(tx: TenantTx, prepared: PreparedDocument): Promise<PreparedDocument> {
  if (!prepared.repriced) return prepared;
  const codes = [...new Set(prepared.lines.flatMap((l) => (l.taxCode ? [l.taxCode] : [])))];
  return prepared.repriced(await holdTaxCodes(tx, codes, prepared.values.documentDate));
}

type InvoiceLineInput = InvoiceDraftInput['lines'][number];

/** What the lines of a draft are priced against, read once per draft. */
interface Catalogue {
  family: Family;
  items: Awaited<ReturnType<typeof itemsByCode>>;
  accounts: Awaited<ReturnType<typeof accountsByCode>>;
  taxes: Map<string, TaxCodeRow>;
  controls: Awaited<ReturnType<typeof controlAccounts>>;
  minorUnits: number;
}

/** One line of an invoice or note: its account, quantity, price and tax, checked and computed. */
function priceLine(c: Catalogue, line: InvoiceLineInput, i: number) {
  const field = `lines[${i}]`;
  const item = line.itemCode ? c.items.get(line.itemCode) : undefined;
  if (line.itemCode && !item?.active) {
    throw badInput(`${field}.itemCode: no active item ${line.itemCode}`, {
      field: `${field}.itemCode`,
      value: line.itemCode,
    });
  }
  let accountId = c.family === 'SALES' ? item?.incomeAccountId : item?.expenseAccountId;
  if (line.accountCode) {
    const account = c.accounts.get(line.accountCode);
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
    c.controls,
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
  const tax = c.taxes.get(taxCode);
  if (!tax)
    throw badInput(`${field}.taxCode: no tax code ${taxCode}`, {
      field: `${field}.taxCode`,
      value: taxCode,
    });
  const figures = computeLine(quantity, unitPrice, decimalOf(tax.ratePercent), c.minorUnits, field);
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
}
