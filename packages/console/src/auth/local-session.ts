/**
 * The signed-in person's access token. It lives in this tab's sessionStorage (gone when the tab
 * closes, never shared with other tabs or written to localStorage), and in memory while the page
 * runs. A token that expired is dropped on read.
 */
const KEY = 'cifra.console.session';

export interface Session {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export function readSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.expiresAt !== 'number') return null;
    if (parsed.expiresAt <= Date.now() / 1000) {
      clearSession();
      return null;
    }
    return { accessToken: parsed.accessToken, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(KEY);
}
