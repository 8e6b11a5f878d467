import { ride, rowsOf, tenant, uuidArray } from '@cifra/db';
import { type Company, idempotencyHashOf, type PostingRequest, type TenantTx } from '@cifra/engine';
import type { Outcome, Own, Pass, Staged } from '../documents/staged.ts';
import { controlLinesCheck } from './control-accounts.ts';
import {
  type AccountsByCode,
  accountsByCodeSql,
  codedAccountsOf,
  controlsOf,
  type ManualLineInput,
  toPostingLines,
} from './manual-lines.ts';

/** One `postJournalEntry` call of a group: its lines as given, unread, and the rest of its request. */
export interface ManualEntry {
  company: Company;
  lines: readonly ManualLineInput[];
  request: Omit<PostingRequest, 'lines'>;
}

/** What the manual entries of a group name, read (`askManualReads`). */
export type ManualReads = () => Promise<{
  byCode: AccountsByCode;
  parties: ReadonlyMap<string, typeof tenant.parties.$inferSelect>;
}>;

/**
 * The accounts a group's manual entries name by code, with their control roles, and the parties
 * their lines name, in one round trip (codes inlined as escaped literals, party ids only as UUIDs:
 * any other names no party). Asked first, to ride with the group's first round trip (`ride`):
 * a manual entry reads nothing before it joins its group, so the group never waits for it to.
 */
export function askManualReads(tx: TenantTx, postings: readonly Own<ManualEntry>[]): ManualReads {
  const lines = postings.flatMap((p) => p.request.lines);
  const codes = [...new Set(lines.map((l) => l.accountCode))];
  const parties = lines.flatMap((l) => l.partyId ?? []);
  // The parties only when a line names one: a statement answering nothing still costs the server.
  const riding = ride(tx, [
    accountsByCodeSql(codes),
    ...(parties.length > 0 ? [`SELECT * FROM parties WHERE id = ANY (${uuidArray(parties)})`] : []),
  ]);
  return async () => {
    const [accounts = [], named = []] = await riding.rows();
    return {
      byCode: new Map(codedAccountsOf(accounts).map((a) => [a.code, a])),
      parties: new Map(rowsOf(tenant.parties, named).map((p) => [p.id, p])),
    };
  };
}

/**
 * The group's manual entries, their lines checked as `parseManualLines` checks them (accounts by
 * code, active; money in the base currency; one side a line; a line on a control account naming a
 * party of its kind) on what `reads` read, each refused alone; staged for the books' lane to post.
 */
export async function stageManualEntries(
  postings: readonly Own<ManualEntry>[],
  reads: ManualReads,
): Promise<Pass> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const { byCode, parties } = await reads();
  const check = controlLinesCheck(controlsOf(byCode), parties);
  const staged: Staged[] = [];
  postings.forEach(({ actor, request: { company, lines, request } }, at) => {
    try {
      const entry = { ...request, lines: toPostingLines(byCode, company, lines) };
      check(entry.lines);
      staged.push({ at, actor, entry, hash: idempotencyHashOf(entry) });
    } catch (error) {
      outcomes[at] = { ok: false, error };
    }
  });
  return { outcomes, staged };
}
