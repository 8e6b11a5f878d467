import { useEffect, useState } from 'react';

/**
 * The console's few screens by path (the gateway answers every non-API path with the console).
 * React Aria's RouterProvider sends its links' clicks here.
 */
export const ROUTES = {
  board: '/',
  exceptions: '/exceptions',
  batch: '/batch',
  people: '/people',
  clients: '/clients',
  audit: '/audit',
} as const;

/** Go to `path`; `replace` puts it in place of the current page in the history (a redirect). */
export function navigate(path: string, options?: { replace?: boolean }): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options?.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The page's path and query string, following history changes. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const [href, setHref] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const update = () => setHref(window.location.pathname + window.location.search);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

export function usePathname(): string {
  return useLocation().pathname;
}
