import { randomUUID } from 'node:crypto';
import { Constraints, inTransaction, isUniqueViolation, recordAuditEvent } from '@cifra/db';
import { DomainError, formatDecimal, formatMoney, parseInput, parseIsoDate } from '@cifra/domain';
import { type PostingRequest, postEntries, type TenantTx } from '@cifra/engine';
import { clientFxOf, rateForDocument } from '@cifra/fx';
import { KINDS, requirePermission } from '../documents/kinds.ts';
import { documentEntryKey } from '../documents/posted-event.ts';
import type { Books } from '../services/books.ts';
import { checkOpeningBalances } from './check.ts';
import {
  MAX_PROBLEMS,
  openingBalancesInput,
  openRowsOf,
  type Plan,
  type PlannedItem,
  type Problem,
} from './inputs.ts';
import { type ImportRow, insertImport, insertOpenItems, lockOpeningImports } from './store.ts';

export interface OpeningBalancesOutcome {
  dryRun: boolean;
  problems: Problem[];
  plan: Plan;
  imported: ImportRow | null;
}

const exists = (problems: Problem[] = []) =>
  new DomainError('OPENING_BALANCES_EXIST', 'The client already has opening balances: void them first', {
    problems,
  });

/**
 * Check an opening balance import and, unless it is a dry run, post it in one transaction: the
 * trial balance as one manual entry on the opening date (receivable and payable balances on the
 * clearing account), each open item as a posted invoice or bill with its own entry (the control
 * account with the party, at the item's rate, against the clearing account), the import row, one
 * audit event. Any problem refuses the whole of it with every problem listed; nothing is written.
 */
export async function importOpeningBalances(books: Books, raw: unknown): Promise<OpeningBalancesOutcome> {
  const input = parseInput(openingBalancesInput, raw);
  // Each document kind brought in needs the permission that posts it (an invoice: Invoice.Approve;
  // an advance: Payment.Post; a debit note: PurchaseInvoice.Post…).
  for (const kind of new Set(openRowsOf(input).map((i) => i.kind)))
    requirePermission(books, KINDS[kind].post);
  const run = async (tx: TenantTx): Promise<OpeningBalancesOutcome> => {
    if (!input.dryRun) await lockOpeningImports(tx, parseIsoDate(input.openingDate, 'openingDate'));
    const checked = await checkOpeningBalances(tx, books, input);
    const { plan } = checked;
    const problems = checked.problems.slice(0, MAX_PROBLEMS);
    if (input.dryRun) return { dryRun: true, problems, plan, imported: null };
    if (problems.some((p) => p.code === 'ALREADY_IMPORTED')) throw exists(problems);
    if (problems.length) {
      throw new DomainError(
        'OPENING_BALANCES_INVALID',
        `The opening balances have ${problems.length} problem(s), nothing was posted; the first: ${problems[0]?.message}`,
        { problems },
      );
    }
    return { dryRun: false, problems, plan, imported: await post(tx, books, plan) };
  };
  try {
    return await inTransaction(books.db, books.actor, run);
  } catch (err) {
    // Two imports at once: the second waited at the lock, so only another writer gets here.
    if (isUniqueViolation(err, Constraints.openingImportOneLive)) throw exists();
    throw err;
  }
}

async function post(tx: TenantTx, books: Books, plan: Plan): Promise<ImportRow> {
  const importId = randomUUID();
  const { baseCurrency, baseMinorUnits } = books.company;
  const clearing = plan.clearingAccountId as string;
  const trialBalance: PostingRequest = {
    kind: 'MANUAL',
    postingDate: plan.openingDate,
    memo: plan.memo,
    sourceId: importId,
    idempotencyKey: `opening:${importId}`,
    lines: plan.lines.map((l) => ({
      accountId: l.toClearing ? clearing : l.accountId,
      amountMinor: l.amountMinor,
      originalCurrency: baseCurrency,
      originalAmountMinor: l.amountMinor,
      partyId: l.toClearing ? null : l.partyId,
      memo: l.toClearing ? `${l.accountCode} brought in as open items` : '',
    })),
  };
  const items: Awaited<ReturnType<typeof itemEntry>>[] = [];
  for (const item of plan.items) items.push(await itemEntry(tx, books, plan, item));
  const [entry, ...itemEntries] = await postEntries(tx, books.actor, [
    trialBalance,
    ...items.map((i) => i.request),
  ]);
  const row = await insertImport(tx, {
    id: importId,
    openingDate: plan.openingDate,
    entryId: (entry as { id: string }).id,
    clearingAccountId: plan.clearingAccountId,
    importedBy: books.actor.userId,
  });
  const now = new Date();
  await insertOpenItems(
    tx,
    plan.items.map((item, i) => ({
      id: item.id,
      kind: item.kind,
      status: 'POSTED' as const,
      number: item.number,
      partyId: item.partyId,
      documentDate: item.date,
      postingDate: plan.openingDate,
      dueDate: item.dueDate,
      // A credit is all of it left on the party's account, at its own rate (documents.md, Credits).
      creditMinor: item.credit ? item.openMinor : 0n,
      creditBaseMinor: item.credit ? item.baseMinor : 0n,
      currency: item.currency,
      exchangeRate: formatDecimal(item.rate),
      exchangeRateId: items[i]?.exchangeRateId ?? null,
      rateIsFallback: items[i]?.rateIsFallback ?? false,
      reference: item.given,
      memo: item.credit ? 'Opening balance: credit on account' : 'Opening balance',
      subtotalMinor: item.openMinor,
      totalMinor: item.openMinor,
      baseTotalMinor: item.baseMinor,
      entryId: itemEntries[i]?.id,
      openingImportId: importId,
      originalTotalMinor: item.originalMinor,
      createdBy: books.actor.userId,
      postedBy: books.actor.userId,
      postedAt: now,
    })),
  );
  const money = (m: bigint) => formatMoney(m, baseMinorUnits);
  await recordAuditEvent(tx, books.actor, {
    action: 'opening_balances.imported',
    entityType: 'OpeningBalanceImport',
    entityId: importId,
    after: {
      openingDate: plan.openingDate,
      entry: entry?.number,
      totalDebit: money(plan.totalDebitMinor),
      totalCredit: money(plan.totalCreditMinor),
      receivable: money(plan.receivableMinor),
      payable: money(plan.payableMinor),
      customerCredits: money(plan.customerCreditsMinor),
      vendorCredits: money(plan.vendorCreditsMinor),
      openItems: plan.items.filter((i) => !i.credit).length,
      openCredits: plan.items.filter((i) => i.credit).length,
      trialBalanceLines: plan.lines.length,
    },
  });
  return row;
}

const LABEL: Record<PlannedItem['kind'], string> = {
  SALES_INVOICE: 'invoice',
  PURCHASE_INVOICE: 'bill',
  CUSTOMER_RECEIPT: 'customer advance',
  CREDIT_NOTE: 'credit note',
  VENDOR_PAYMENT: 'vendor advance',
  DEBIT_NOTE: 'debit note',
};

/**
 * An open item's or credit's entry: its control account with the party, in its currency at its
 * rate (citing the rate row: the typed rate is recorded as the document's own, the peg as the peg),
 * against the clearing account in base currency. An invoice debits the receivable, a bill credits
 * the payable; a credit goes the other way. Keyed like a document's posting (`document:<id>`).
 */
async function itemEntry(tx: TenantTx, books: Books, plan: Plan, item: PlannedItem) {
  const { baseCurrency } = books.company;
  const sales = KINDS[item.kind].partyKind === 'CUSTOMER';
  const control = (sales ? plan.receivableAccountId : plan.payableAccountId) as string;
  const used =
    item.currency === baseCurrency.trim()
      ? null
      : await rateForDocument(tx, clientFxOf(books.company), {
          currency: item.currency,
          documentDate: item.date,
          stalenessDays: (await books.settings()).fxStalenessDays,
          explicit: item.explicitRate,
          actor: books.actor,
          documentLabel: `opening item ${item.number}`,
          field: `${item.list}[${item.index}].rate`,
        });
  const sign = (sales ? 1n : -1n) * (item.credit ? -1n : 1n);
  const request: PostingRequest = {
    kind: item.kind,
    postingDate: plan.openingDate,
    memo: `Opening balance: ${LABEL[item.kind]} ${item.given}`,
    sourceId: item.id,
    idempotencyKey: documentEntryKey(item.id),
    lines: [
      {
        accountId: control,
        amountMinor: sign * item.baseMinor,
        originalCurrency: item.currency,
        originalAmountMinor: sign * item.openMinor,
        partyId: item.partyId,
        exchangeRateId: used?.exchangeRateId ?? null,
        rateIsFallback: used?.isFallback ?? false,
      },
      {
        accountId: plan.clearingAccountId as string,
        amountMinor: -sign * item.baseMinor,
        originalCurrency: baseCurrency,
        originalAmountMinor: -sign * item.baseMinor,
      },
    ],
  };
  return { request, exchangeRateId: used?.exchangeRateId ?? null, rateIsFallback: used?.isFallback ?? false };
}
