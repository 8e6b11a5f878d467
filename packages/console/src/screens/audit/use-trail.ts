import { useState } from 'react';
import { navigate, useLocation } from '../../router.ts';
import { filterFromSearch, searchWithFilter, type TrailFilterInput } from './filters.ts';

/**
 * A trail's filters and pages, as both trails keep them: the filters in the page's address (a
 * reload, a shared link and the browser's Back show the trail filtered alike), the pages seen since
 * the filters last changed in the screen's state (a cursor belongs to one filter).
 */
export function useTrail() {
  const { pathname, search } = useLocation();
  const applied = filterFromSearch(search);
  const key = JSON.stringify(applied);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({
    key,
    cursors: [null],
  });
  const cursors = paging.key === key ? paging.cursors : [null];
  return {
    applied,
    /** Changes with the filters: a form keyed by it starts from what the address says. */
    key,
    cursors,
    apply: (f: TrailFilterInput) => navigate(`${pathname}${searchWithFilter(search, f)}`),
    previous: () => setPaging({ key, cursors: cursors.slice(0, -1) }),
    next: (cursor: string) => setPaging({ key, cursors: [...cursors, cursor] }),
  };
}
