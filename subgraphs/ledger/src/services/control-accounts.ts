import { type Reader, type SharedRead, sharedRead, tenant } from '@cifra/db';
import { badInput, CONTROL_ROLES, type ControlRole, DomainError } from '@cifra/domain';
import type { PostingLine } from '@cifra/engine';
import { inArray } from 'drizzle-orm';

/**
 * Control accounts: an account bound to one of these roles is the total of a subledger — the
 * receivable of the sales documents (arAging), the payable of the purchase documents (apAging),
 * the tax of both. Documents post to them with their party; a manual line may only if it names
 * the party it concerns (a customer on the receivable, a vendor on the payable), so the agings
 * follow it and still equal the account to the minor unit. A document's own lines and its bank
 * account may never be one of them: the document already posts its total there.
 *
 * The database refuses the same (trigger `gl_lines_control_account_party`, migration 0021); this
 * module answers first, with a code a client can act on. See docs/architecture/documents.md.
 */
export { CONTROL_ROLES, type ControlRole } from '@cifra/domain';

/** The control accounts, read together with concurrent postings' (one key: the whole map). */
const CONTROL_ACCOUNTS: SharedRead<'all', ReadonlyMap<string, ControlRole>> = {
  async load(db, keys) {
    const rows = await db
      .select()
      .from(tenant.accountRoleBindings)
      .where(inArray(tenant.accountRoleBindings.role, [...CONTROL_ROLES]));
    const map = new Map(rows.map((r) => [r.accountId, r.role as ControlRole]));
    return keys.map(() => map);
  },
};

/** Account id → the control role it carries. */
export async function controlAccounts(db: Reader): Promise<ReadonlyMap<string, ControlRole>> {
  const [map] = await sharedRead(db, CONTROL_ACCOUNTS, ['all']);
  return map as ReadonlyMap<string, ControlRole>;
}

/** The party kind a control role's manual line must name; any party for the tax accounts. */
const PARTY_KIND: Record<ControlRole, 'CUSTOMER' | 'VENDOR' | null> = {
  DefaultAR: 'CUSTOMER',
  DefaultAP: 'VENDOR',
  SalesTaxPayable: null,
  PurchaseTaxReceivable: null,
};

/**
 * Checks the lines of a manual entry before anything is written: a line on a control account must
 * name a party of the right kind; a party named anywhere must exist. A refusal names the line
 * (`lines[2].partyId`). `controls`: the lines' accounts' control roles when already read.
 */
export async function checkManualControlLines(
  db: Reader,
  lines: readonly PostingLine[],
  controls?: ReadonlyMap<string, ControlRole>,
): Promise<void> {
  (await manualControlLinesCheck(db, lines, controls))(lines);
}

/**
 * The check of `checkManualControlLines`, its reads done once for all the `lines` given (the lines
 * of a whole bulk import), to be run on each entry's lines: the caller names the entry of a
 * refusal (`input[4].lines[2].partyId`).
 */
export async function manualControlLinesCheck(
  db: Reader,
  lines: readonly PostingLine[],
  known?: ReadonlyMap<string, ControlRole>,
): Promise<(entryLines: readonly PostingLine[]) => void> {
  const controls = known ?? (await controlAccounts(db));
  const partyIds = [...new Set(lines.flatMap((l) => (l.partyId ? [l.partyId] : [])))];
  const parties = new Map(
    (partyIds.length
      ? await db.select().from(tenant.parties).where(inArray(tenant.parties.id, partyIds))
      : []
    ).map((p) => [p.id, p]),
  );
  return controlLinesCheck(controls, parties);
}

/**
 * The check of `checkManualControlLines` on what it reads: the accounts' control roles and the
 * parties the lines name (absent: no such party). No query: the books' lane reads both for a
 * group's manual entries in its first round trip.
 */
export function controlLinesCheck(
  controls: ReadonlyMap<string, ControlRole>,
  parties: ReadonlyMap<string, Pick<typeof tenant.parties.$inferSelect, 'kind'>>,
): (entryLines: readonly PostingLine[]) => void {
  return (entryLines) =>
    entryLines.forEach((line, i) => {
      const field = `lines[${i}]`;
      const party = line.partyId ? parties.get(line.partyId) : undefined;
      if (line.partyId && !party)
        throw badInput(`${field}.partyId: no party ${line.partyId}`, {
          field: `${field}.partyId`,
          value: line.partyId,
        });
      const role = controls.get(line.accountId);
      if (!role) return;
      if (!party) {
        throw new DomainError(
          'CONTROL_ACCOUNT_REQUIRES_DOCUMENT',
          `${field}: the account is the ${role} control account; post through a document, or name the party (partyId) the line concerns`,
          { field: `${field}.partyId`, role },
        );
      }
      const kind = PARTY_KIND[role];
      if (kind && party.kind !== kind) {
        throw badInput(
          `${field}.partyId: a line on the ${role} control account must name a ${kind.toLowerCase()}`,
          {
            field: `${field}.partyId`,
            value: line.partyId,
            role,
          },
        );
      }
    });
}

/** A document's own line or bank account coded to a control account is refused. */
export function refuseControlAccount(
  controls: ReadonlyMap<string, ControlRole>,
  accountId: string,
  field: string,
): void {
  const role = controls.get(accountId);
  if (role) {
    throw new DomainError(
      'CONTROL_ACCOUNT_NOT_ALLOWED',
      `${field}: the account is the ${role} control account, which the document itself posts to; code the line to an income, expense or asset account`,
      { field, role },
    );
  }
}
