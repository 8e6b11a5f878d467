/** Today's date (YYYY-MM-DD) in a time zone: a client's books are dated by its own calendar. */
export const todayIn = (timeZone: string, now = new Date()): string =>
  // en-CA formats a date as YYYY-MM-DD.
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
