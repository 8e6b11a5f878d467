import type { AuditChainProblem } from '../../__generated__/graphql.ts';
import { isIsoDate, nextDay } from '../workspace/format.ts';

/** The audit screens' filters as typed: every one optional, dates as the client's calendar days. */
export interface TrailFilterInput {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  /** First day shown (YYYY-MM-DD), inclusive. */
  fromDate: string;
  /** Last day shown (YYYY-MM-DD), inclusive. */
  toDate: string;
  /** The firm trail only: a client's slug. */
  tenant?: string;
}

export const NO_FILTER: TrailFilterInput = {
  actor: '',
  action: '',
  entityType: '',
  entityId: '',
  fromDate: '',
  toDate: '',
  tenant: '',
};

/** Each filter's name in the page's address (`?actor=…&from=…`). */
const ADDRESS_KEYS: Record<keyof TrailFilterInput, string> = {
  actor: 'actor',
  action: 'action',
  entityType: 'entityType',
  entityId: 'entityId',
  fromDate: 'from',
  toDate: 'to',
  tenant: 'client',
};
/** Longer than any value the API takes: the rest of a pasted address is not kept. */
const MAX_ADDRESS_VALUE = 320;

/** The filters an address names (a reload or a shared link shows the trail filtered alike). */
export function filterFromSearch(search: URLSearchParams): TrailFilterInput {
  const f: TrailFilterInput = { ...NO_FILTER };
  for (const [key, name] of Object.entries(ADDRESS_KEYS) as [keyof TrailFilterInput, string][]) {
    f[key] = (search.get(name) ?? '').slice(0, MAX_ADDRESS_VALUE);
  }
  return f;
}

/** `search` with the filters set (empty ones removed), other parameters kept: `?…` or ''. */
export function searchWithFilter(search: URLSearchParams, f: TrailFilterInput): string {
  const next = new URLSearchParams(search);
  for (const [key, name] of Object.entries(ADDRESS_KEYS) as [keyof TrailFilterInput, string][]) {
    const v = f[key]?.trim();
    if (v) next.set(name, v);
    else next.delete(name);
  }
  const s = next.toString();
  return s ? `?${s}` : '';
}

/** What the API's filter takes (`AuditEventFilter`, `FirmAuditEventFilter`): absent fields unset. */
export interface TrailFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  tenant?: string;
  from?: string;
  to?: string;
}

/** Milliseconds `timeZone` is ahead of UTC at the instant `at`. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a calendar day starts in `timeZone` (ISO 8601, UTC): midnight there, or the first
 * moment of the day when a clock change skips midnight. The offset is read at the guess and again
 * at the result, which settles on either side of a change.
 */
export function startOfDayIn(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let at = midnightUtc - offsetMs(midnightUtc, timeZone);
  at = midnightUtc - offsetMs(at, timeZone);
  // A day whose midnight does not exist (the clock jumps from 23:59 to 01:00) starts at the jump.
  while (offsetMs(at, timeZone) + at < midnightUtc) at += 60_000;
  return new Date(at).toISOString();
}

/**
 * The API's filter for what was typed, or what is wrong with it: days are the client's (from the
 * start of the first to the end of the last, in `timeZone`), texts are trimmed, empty means any.
 */
export function trailFilter(
  input: TrailFilterInput,
  timeZone: string,
): { filter: TrailFilter; problem: null } | { filter: null; problem: string } {
  const filter: TrailFilter = {};
  for (const key of ['actor', 'action', 'entityType', 'entityId', 'tenant'] as const) {
    const v = input[key]?.trim();
    if (v) filter[key] = v;
  }
  const from = input.fromDate.trim();
  const to = input.toDate.trim();
  if (from && !isIsoDate(from)) return { filter: null, problem: `“${from}” is not a date (YYYY-MM-DD).` };
  if (to && !isIsoDate(to)) return { filter: null, problem: `“${to}” is not a date (YYYY-MM-DD).` };
  if (from && to && from > to) return { filter: null, problem: 'The first day comes after the last.' };
  if (from) filter.from = startOfDayIn(from, timeZone);
  if (to) filter.to = startOfDayIn(nextDay(to), timeZone);
  return { filter, problem: null };
}

/** What each break of a chain means, in words (the API's AuditChainProblem). */
export const CHAIN_PROBLEMS: Record<AuditChainProblem, string> = {
  HASH_MISMATCH: 'its content no longer matches its hash: it was changed after it was recorded',
  PREVIOUS_HASH_MISMATCH:
    'it does not point at the event before it: that event was replaced or its hash rewritten',
  SEQUENCE_GAP: 'an event is missing before it: one was deleted',
  HEAD_MISMATCH: 'it is not the head the database recorded: events were removed from the end',
};

export const chainProblem = (problem: AuditChainProblem) => CHAIN_PROBLEMS[problem] ?? problem;
