/**
 * Which request of a `postEntries` call a refusal is about — its position in `requests` — and the
 * member of the request it names (`postingDate`, `lines`, `idempotencyKey`). A caller posting
 * many entries names the entry of its own input by it (`postJournalEntries`:
 * `input[3].postingDate`). Kept beside the error rather than in its details: a single posting or a
 * document has no position to show.
 */
export interface RefusedRequest {
  index: number;
  field: string;
}

const refusedRequests = new WeakMap<object, RefusedRequest>();

/** Mark `err` as the refusal of request `index` of the call, about its member `field`. */
export function refusing(err: unknown, index: number, field: string): unknown {
  if (err !== null && typeof err === 'object') refusedRequests.set(err, { index, field });
  return err;
}

/** The request of a `postEntries` call a refusal is about, if it is about one. */
export function refusedRequestOf(err: unknown): RefusedRequest | undefined {
  return err !== null && typeof err === 'object' ? refusedRequests.get(err) : undefined;
}
