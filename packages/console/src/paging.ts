import { useEffect, useState } from 'react';

/** Pages read at most: a guard against a server that never says it is done. */
const MAX_PAGES = 1_000;

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
}

/**
 * Every page of a connection, in order: `fetch(after)` brings one page, `next(page)` says the
 * cursor of the following one (none when this page was the last).
 */
export async function allPages<P>(
  fetch: (after: string | null) => Promise<P>,
  next: (page: P) => string | null | undefined,
): Promise<P[]> {
  const pages: P[] = [];
  let after: string | null = null;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetch(after);
    pages.push(page);
    const cursor = next(page);
    if (!cursor) break;
    after = cursor;
  }
  return pages;
}

/**
 * What `load` resolves to, loaded again whenever `key` changes (`key` names everything `load`
 * reads); a result that arrives after the key changed is dropped.
 */
export function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for what `load` reads.
  useEffect(() => {
    let cancelled = false;
    setState({ data: null, error: null, loading: true });
    load().then(
      (data) => {
        if (!cancelled) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (!cancelled)
          setState({
            data: null,
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return state;
}
