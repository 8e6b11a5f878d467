import { canonicalJson, payloadHashOfJson, type SourceKind } from '@cifra/domain';
import type { PostingLine, PostingRequest } from './posting-engine.ts';

/** What an entry's idempotency hash is of (`entryJson`). */
export interface EntryPayloadOf {
  kind: SourceKind;
  postingDate: string;
  memo: string;
  sourceId?: string | null;
  reversesEntryId?: string | null;
  autoReverse?: boolean;
  reverseOn?: string | null;
  lines: readonly Pick<
    PostingLine,
    'accountId' | 'amountMinor' | 'originalCurrency' | 'originalAmountMinor' | 'partyId' | 'memo'
  >[];
}

/** A value as `canonicalJson` writes it, or undefined for a member it leaves out. */
const valueJson = (value: unknown) => (value === undefined ? undefined : canonicalJson(value));

/**
 * An object's canonical JSON from its members given in canonical (sorted) order, each as its JSON
 * text (`valueJson`; undefined: left out, as `canonicalJson` leaves an undefined member out).
 */
function membersJson(members: readonly (readonly [key: string, json: string | undefined])[]): string {
  let out = '{';
  for (const [key, json] of members) {
    if (json !== undefined) out += `${out.length === 1 ? '' : ','}"${key}":${json}`;
  }
  return `${out}}`;
}

/**
 * What an idempotency key is bound to: the entry the request asks for, after parsing (amounts in
 * minor units, accounts by id), so a retry that spells "100" as "100.00" is the same request. FX
 * provenance is left out: a retry translated at a rate refreshed in between is still a retry.
 *
 * The canonical JSON (`canonicalJson`) of `{ kind, postingDate, memo, sourceId, reversesEntryId,
 * autoReverse, reverseOn (only when chosen, so the hashes of keys used before the column existed
 * still match), lines: [{ accountId, amountMinor, originalCurrency, originalAmountMinor, partyId,
 * memo }] }`, written straight from the request with the keys in their sorted order: every posting
 * with a key is hashed, and the generic walk (the object built, its keys listed and sorted at every
 * level) cost twice as much, on a group's path while the database waits (issue 17 §2). The same
 * text, character for character, as that walk gave (test/entry-hash.test.ts): a retry's hash
 * matches the one stored before.
 */
export function entryJson(req: EntryPayloadOf): string {
  const lines = req.lines.map((l) =>
    membersJson([
      ['accountId', valueJson(l.accountId)],
      ['amountMinor', valueJson(l.amountMinor)],
      ['memo', valueJson(l.memo ?? '')],
      ['originalAmountMinor', valueJson(l.originalAmountMinor)],
      ['originalCurrency', valueJson(l.originalCurrency)],
      ['partyId', valueJson(l.partyId ?? null)],
    ]),
  );
  return membersJson([
    ['autoReverse', valueJson(req.autoReverse ?? false)],
    ['kind', valueJson(req.kind)],
    ['lines', `[${lines.join(',')}]`],
    ['memo', valueJson(req.memo)],
    ['postingDate', valueJson(req.postingDate)],
    ['reverseOn', req.reverseOn ? valueJson(req.reverseOn) : undefined],
    ['reversesEntryId', valueJson(req.reversesEntryId ?? null)],
    ['sourceId', valueJson(req.sourceId ?? null)],
  ]);
}

/** The idempotency hash of the entry a posting request asks for. */
export const entryHash = (req: EntryPayloadOf) => payloadHashOfJson('journal_entry', entryJson(req));

/** The idempotency hash a posting's entry is stored with: its payload's when it has a key, else none. */
export const idempotencyHashOf = (req: PostingRequest): string | undefined =>
  req.idempotencyKey ? entryHash(req) : undefined;
