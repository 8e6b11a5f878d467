import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, normalizeRuc, panamaRucDv, parseInput } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { z } from 'zod';
import type { Books } from '../services/books.ts';
import {
  type LegalColumns,
  type LegalRow,
  legalDetailsOf,
  lockLegalDetails,
  saveLegalDetails,
} from './store.ts';

/**
 * A client's legal details (issue 18 §4): legal name, RUC and DV, address, tax regime, on its
 * company row, every version kept by the company's history. Seed 001: "legal business details
 * must be right before first live issuance", so a sales document is not issued without them.
 */

export const legalDetailsInput = z.object({
  legalName: z.string().trim().min(1).max(200),
  ruc: z.string().trim().min(1).max(40),
  dv: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, 'one or two digits'),
  rucKind: z.enum(['LEGAL', 'NATURAL']),
  address: z.string().trim().min(1).max(500),
  taxRegime: z.string().trim().min(1).max(100),
});

export const isComplete = (d: LegalColumns) =>
  !!(d.legalName && d.ruc && d.dv && d.rucKind && d.address && d.taxRegime);

/** The RUC checked by its region's rules (Panama: the DGI's formats and check digits). */
function checkRuc(region: string, ruc: string, dv: string, kind: 'LEGAL' | 'NATURAL'): void {
  if (region !== 'PA') return;
  const expected = panamaRucDv(ruc, kind);
  if (expected === null) {
    const example = kind === 'LEGAL' ? '2588017-1-831938' : '8-769-1080';
    throw badInput(
      `ruc: not a Panama RUC of a ${kind === 'LEGAL' ? 'legal' : 'natural'} person (e.g. ${example})`,
      {
        field: 'ruc',
        value: ruc,
      },
    );
  }
  if (expected !== dv.padStart(2, '0')) {
    throw badInput(`dv: ${dv} is not the check digits of RUC ${ruc}`, { field: 'dv', value: dv });
  }
}

export async function updateLegalDetails(
  books: Books,
  raw: z.input<typeof legalDetailsInput>,
): Promise<LegalRow> {
  const input = parseInput(legalDetailsInput, raw);
  const details: LegalColumns = {
    legalName: input.legalName,
    ruc: normalizeRuc(input.ruc),
    dv: input.dv.padStart(2, '0'),
    rucKind: input.rucKind,
    address: input.address,
    taxRegime: input.taxRegime,
  };
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockLegalDetails(tx);
    if (!before) throw new Error('client database has no company row: provisioning did not finish');
    checkRuc(before.region, details.ruc as string, details.dv as string, input.rucKind);
    const { region, ...was } = before;
    if (JSON.stringify(was) === JSON.stringify(details)) return before;
    await saveLegalDetails(tx, details);
    await recordAuditEvent(tx, books.actor, {
      action: 'company.legal_details_updated',
      entityType: 'Company',
      entityId: 'company',
      before: was,
      after: details,
    });
    return { ...details, region };
  });
}

/** When the legal details are required unless a caller names another moment. */
const SALES_ISSUANCE = 'before its first sales document is issued';

/**
 * Refuses to issue a sales document (or, naming it in `purpose`, to render a tax return) while the
 * client's legal details are incomplete.
 */
export async function requireLegalDetails(
  tx: Pick<TenantTx, 'select'>,
  purpose = SALES_ISSUANCE,
): Promise<void> {
  const refusal = legalDetailsRefusal(await legalDetailsOf(tx), purpose);
  if (refusal) throw refusal;
}

/** What `requireLegalDetails` refuses with for these details, or null when they are complete. */
export function legalDetailsRefusal(
  details: LegalRow | undefined,
  purpose = SALES_ISSUANCE,
): DomainError | null {
  if (details && isComplete(details)) return null;
  return new DomainError(
    'LEGAL_DETAILS_REQUIRED',
    `The client's legal details (legal name, RUC and DV, address, tax regime) must be set ${purpose}: updateLegalDetails`,
    { missing: details ? Object.keys(details).filter((k) => !details[k as keyof LegalColumns]) : [] },
  );
}
