import { type DocumentPostingLine, DomainError } from '@cifra/domain';
import { KINDS } from './kinds.ts';
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
 * The GL lines of a document in its own currency (debit +), by kind:
 *  - sales invoice: receivable (party) debit total; income credit per line; tax credit per line on
 *    its tax code's sales account role. Credit note: the same, mirrored, its receivable line
 *    clearing the invoice it corrects.
 *  - purchase invoice: payable (party) credit total; expense debit per line; tax debit on the
 *    purchase tax role. Debit note: mirrored.
 *  - receipt: bank debit (amount − fee), fees debit fee, one receivable (party) credit per invoice
 *    it settles.
 *    A remainder within the client's tolerance (`differences`, per invoice) is settled too: the
 *    receivable line credits it and SmallDifferences is debited with it.
 *  - payment: one payable (party) debit per invoice it settles, bank credit (amount + fee), fees
 *    debit fee.
 *  - bad-debt write-off: BadDebt debit total, one receivable (party) credit for the invoice it
 *    writes off (tax included: the output tax is not recovered, see documents.md).
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
  const party = doc.partyId;
  const memo = (l: DocumentLineRow) => l.description;
  const settling = (role: AccountRole, sign: bigint): DocumentGlLine[] =>
    allocations.map((a) => ({
      accountId: roleAccount(roles, role),
      amountMinor: sign * (a.amountMinor + (differences.get(a.invoiceId) ?? 0n)),
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
        ...[...differences].map(([invoiceId, amountMinor]) => ({
          accountId: roleAccount(roles, 'SmallDifferences'),
          amountMinor,
          memo: `Small difference closing ${invoices.get(invoiceId)?.number ?? invoiceId}`,
        })),
        ...settling('DefaultAR', -1n),
      ];
    case 'BAD_DEBT_WRITE_OFF':
      return [
        { accountId: roleAccount(roles, 'BadDebt'), amountMinor: doc.totalMinor, memo: doc.memo },
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
