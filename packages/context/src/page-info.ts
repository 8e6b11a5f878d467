/** The `PageInfo` every connection of the API answers (`src/schema/page-info.graphql` in each subgraph). */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * A page's `PageInfo` from its edges: connections here only page forward, so a previous page
 * exists exactly when the caller passed a cursor.
 */
export function pageInfoOf(
  edges: readonly { cursor: string }[],
  hasNextPage: boolean,
  after: string | null | undefined,
): PageInfo {
  return {
    hasNextPage,
    hasPreviousPage: after != null && after !== '',
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
}
