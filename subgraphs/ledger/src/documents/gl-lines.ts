import { type DocumentPostingLine, DomainError, isMoneyIn, isSettlingKind } from '@cifra/domain';
import { controlRoleOf, isInvoiceLike, KINDS } from './kinds.ts';
import type { AccountRole, DocumentLineRow, DocumentRow, TaxCodeRow } from './store.ts';

/** The account bound to a role, or CONFLICT: the engine finds accounts by role, never by code. */
export function roleAccount(roles: Map<AccountRole, string>, role: AccountRole): string {
  const id = roles.get(role);
  if (!id) {
    throw new DomainError('CONFLICT', `No account is bound to the ${role} role; bind one before posting`, {
      role,
    });
  }
  return id;
}

/** A document's GL line in its own currency, before translation; `settles` names the invoice a party line clears. */
export type DocumentGlLine = DocumentPostingLine & { settles?: string };

/**
 * The GL lines of a document in its own currency (debit +), by kind. The party line is on the
 * control account of the party's kind (receivable for customers, payable for vendors); one party
 * line per invoice or credit settled (`settles`), and what a receipt, payment or note does not
 * allocate stays on the party's account as a credit: a party line that settles nothing.
 *  - sales invoice: receivable debit total; income credit per line; tax credit per line on its tax
 *    code's sales account role. Credit note: the same, mirrored.
 *  - purchase invoice: payable credit total; expense debit per line; tax debit on the purchase tax
 *    role. Debit note: mirrored.
 *  - money in (receipt, vendor refund): bank debit (amount − fee), fees debit fee, party credits.
 *    A remainder within the client's tolerance (`differences`, per invoice) is settled too: the
 *    party line clears it and SmallDifferences takes it (debit on money in, credit on money out).
 *  - money out (payment, customer refund): party debits, bank credit (amount + fee), fees debit fee.
 *  - bad-debt write-off: BadDebt debit total, one receivable (party) credit for the invoice it
 *    writes off (tax included: the output tax is not recovered, see documents.md).
 * Credit applications build their own two party lines (apply-credit.ts).
 */
export function documentLinesForGl(
  doc: DocumentRow,
  lines: readonly DocumentLineRow[],
  taxes: Map<string, TaxCodeRow>,
  roles: Map<AccountRole, string>,
  allocations: readonly { invoiceId: string; amountMinor: bigint }[],
  invoices: Map<string, DocumentRow>,
  differences: ReadonlyMap<string, bigint> = new Map(),
): DocumentGlLine[] {
  const spec = KINDS[doc.kind];
  const party = doc.partyId;
  const control = roleAccount(roles, controlRoleOf(spec.partyKind));
  const partyLines = (sign: bigint): DocumentGlLine[] => {
    const out: DocumentGlLine[] = allocations.map((a) => ({
      accountId: control,
      amountMinor: sign * (a.amountMinor + (differences.get(a.invoiceId) ?? 0n)),
      partyId: party,
      memo: doc.memo || `Settles ${invoices.get(a.invoiceId)?.number ?? a.invoiceId}`,
      settles: a.invoiceId,
    }));
    const left = doc.totalMinor - allocations.reduce((sum, a) => sum + a.amountMinor, 0n);
    if (left !== 0n) {
      out.push({
        accountId: control,
        amountMinor: sign * left,
        partyId: party,
        // An invoice's own amount is what it charges, not a credit: only what a settling document
        // (note, receipt, payment) leaves unallocated is "on account".
        memo: spec.settles ? doc.memo || 'On account' : doc.memo,
      });
    }
    return out;
  };
  /** The small differences the party lines clear, on the opposite side of the party (`sign`). */
  const smallDifferences = (sign: bigint): DocumentGlLine[] =>
    [...differences].map(([invoiceId, amountMinor]) => ({
      accountId: roleAccount(roles, 'SmallDifferences'),
      amountMinor: -sign * amountMinor,
      memo: `Small difference closing ${invoices.get(invoiceId)?.number ?? invoiceId}`,
    }));
  if (isInvoiceLike(doc.kind)) {
    const sales = spec.family === 'SALES';
    const mirror = spec.settles ? -1n : 1n;
    // Sales: the party owes (debit), income and tax are credits. Purchasing: the opposite.
    const s = (sales ? 1n : -1n) * mirror;
    const out = partyLines(s);
    for (const l of lines) {
      out.push({ accountId: l.accountId, amountMinor: -s * l.amountMinor, memo: l.description });
      if (l.taxMinor !== 0n) out.push(taxLine(l, taxes, roles, sales, -s));
    }
    return out;
  }
  if (doc.kind === 'BAD_DEBT_WRITE_OFF') {
    return [
      { accountId: roleAccount(roles, 'BadDebt'), amountMinor: doc.totalMinor, memo: doc.memo },
      ...partyLines(-1n),
    ];
  }
  if (!isSettlingKind(doc.kind)) {
    throw new Error(`${doc.kind} lines are built by its own use case`);
  }
  const fee = { accountId: roleAccount(roles, 'BankFees'), amountMinor: doc.bankFeeMinor, memo: 'Bank fee' };
  if (isMoneyIn(doc.kind)) {
    const bank = {
      accountId: doc.bankAccountId as string,
      amountMinor: doc.totalMinor - doc.bankFeeMinor,
      memo: doc.memo,
    };
    return [bank, fee, ...smallDifferences(-1n), ...partyLines(-1n)];
  }
  const bank = {
    accountId: doc.bankAccountId as string,
    amountMinor: -(doc.totalMinor + doc.bankFeeMinor),
    memo: doc.memo,
  };
  return [...partyLines(1n), bank, fee, ...smallDifferences(1n)];
}

/** A line's tax on the account its tax code names for the side (sales or purchase). */
function taxLine(
  l: DocumentLineRow,
  taxes: Map<string, TaxCodeRow>,
  roles: Map<AccountRole, string>,
  sales: boolean,
  sign: bigint,
): DocumentGlLine {
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
  return {
    accountId: roleAccount(roles, role),
    amountMinor: sign * l.taxMinor,
    memo: `${l.taxCode} ${l.description}`,
  };
}
