import { type Page, pageRows } from '@cifra/context';
import type {
  QueryResolvers,
  StaleRateClientUsage,
  StaleRateEntry,
  StaleRateUsageResolvers,
} from '../__generated__/resolvers.ts';
import { staleRateUsage } from '../services/stale-rate-usage.service.ts';

/** The firm view as the query answers it; its connections page these lists (StaleRateUsage below). */
export interface StaleRateUsageModel {
  from: string;
  to: string;
  unavailableCount: number;
  clients: StaleRateClientUsage[];
  entries: StaleRateEntry[];
}

/** Pages of the stale-rate view's clients (100 by default, at most 500) and entries (at most 1,000). */
export const STALE_CLIENT_PAGE = { default: 100, max: 500 } as const;
export const STALE_ENTRY_PAGE = { default: 100, max: 1_000, keyParts: 5 } as const;

/** The firm's FX views: firm-level, across the caller's clients. */
export const firmFxQueries: Pick<QueryResolvers, 'staleRateUsage'> = {
  staleRateUsage: async (_p, { from, to, includeSandboxes }, ctx) => {
    const usage = await staleRateUsage(
      ctx.firmFx,
      { userId: ctx.request.userId, integration: ctx.request.integration },
      from,
      to,
      { includeSandboxes },
    );
    const ref = (c: { id: string; slug: string; name: string }) => ({
      clientId: c.id,
      clientSlug: c.slug,
      clientName: c.name,
    });
    return {
      from: usage.from,
      to: usage.to,
      unavailableCount: usage.unavailableCount,
      clients: usage.clients.map((c) =>
        c.availability === 'AVAILABLE'
          ? {
              ...ref(c.client),
              clientSandbox: c.client.sandbox,
              availability: c.availability,
              unavailableCode: null,
              unavailableReason: null,
              entryCount: c.entries.length,
              fallbackCount: c.entries.filter((e) => e.isFallback).length,
              overrideCount: c.entries.filter((e) => e.isOverride).length,
              truncated: c.truncated,
              asOf: c.asOf,
            }
          : {
              ...ref(c.client),
              clientSandbox: c.client.sandbox,
              availability: c.availability,
              unavailableCode: c.code,
              unavailableReason: c.reason,
              entryCount: null,
              fallbackCount: null,
              overrideCount: null,
              truncated: null,
              asOf: null,
            },
      ),
      entries: usage.clients.flatMap((c) =>
        c.availability === 'AVAILABLE' ? c.entries.map((e) => ({ ...ref(c.client), ...e })) : [],
      ),
    };
  },
};

/**
 * The view is computed whole for the caller (one read per client, bounded by the fan-out) and
 * answered a page at a time, as the close board is: keyset cursors on the client's name and id
 * (and, for entries, the posting date, number and rate) keep their place when the view is asked again.
 */
export const StaleRateUsage: StaleRateUsageResolvers = {
  clientsConnection: (u, args): Page<StaleRateClientUsage> =>
    pageRows(u.clients, 'stale-rate-client', (c) => [c.clientName, c.clientId], args, STALE_CLIENT_PAGE),
  entriesConnection: (u, args): Page<StaleRateEntry> =>
    pageRows(
      u.entries,
      'stale-rate-entry',
      (e) => [e.clientName, e.clientId, e.postingDate, e.entryNumber, e.exchangeRateId],
      args,
      STALE_ENTRY_PAGE,
    ),
};
