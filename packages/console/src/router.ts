import { useEffect, useState } from 'react';

/**
 * The console's few screens by path (the gateway answers every non-API path with the console).
 * React Aria's RouterProvider sends its links' clicks here.
 */
export const ROUTES = { board: '/', exceptions: '/exceptions' } as const;

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePathname(): string {
  const [pathname, setPathname] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return pathname;
}
