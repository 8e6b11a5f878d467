/**
 * The postings of a group a lane posts together when each can conflict with another through what it
 * uses (the credits and invoices it settles, its idempotency key): not one that uses what an earlier
 * posting of the group uses — or would have, since one left out claims what it uses too — nor what
 * `claimed` holds (what the group's earlier passes post or settle). Those left out run after the
 * group, one by one, each seeing what the one before did. Their indexes, in order; what they all use
 * is added to `claimed`.
 */
export function unclaimed<T>(
  postings: readonly T[],
  usesOf: (posting: T) => readonly string[],
  claimed = new Set<string>(),
): number[] {
  const mine: number[] = [];
  postings.forEach((p, i) => {
    const uses = usesOf(p);
    if (!uses.some((u) => claimed.has(u))) mine.push(i);
    for (const u of uses) claimed.add(u);
  });
  return mine;
}

/** What an idempotency key claims (never a document id). */
export const keyClaim = (key: string | null | undefined): string[] => (key ? [`key:${key}`] : []);
