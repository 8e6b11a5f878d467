import { tenant } from '@cifra/db';

type PeriodState = (typeof tenant.periodState.enumValues)[number];
type CloseStatus = (typeof tenant.periodCloseStatus.enumValues)[number];

/** `BatchMonthState`: a client's month as a batch item saw it. */
export interface BatchMonthState {
  periodState: PeriodState | null;
  closeStatus: CloseStatus | null;
}

const isPeriodState = (s: string): s is PeriodState =>
  (tenant.periodState.enumValues as readonly string[]).includes(s);
const isCloseStatus = (s: string): s is CloseStatus =>
  (tenant.periodCloseStatus.enumValues as readonly string[]).includes(s);

/**
 * The typed month from the text a batch item stores (run-batch-item.service.ts `describe`): the
 * posting state or `NO_PERIOD`, then `/` and the close's status when a close exists. A part that
 * names no known value (text written by an older version) reads as null; the text stays readable in
 * the deprecated `stateBefore`/`stateAfter`.
 */
export function batchMonthState(stored: string | null | undefined): BatchMonthState | null {
  if (stored == null) return null;
  const [period = '', close] = stored.split('/');
  return {
    periodState: isPeriodState(period) ? period : null,
    closeStatus: close !== undefined && isCloseStatus(close) ? close : null,
  };
}
