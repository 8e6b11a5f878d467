import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { staleRateUsage } from '../services/stale-rate-usage.service.ts';

/** The firm's FX views: firm-level, across the caller's clients. */
export const firmFxQueries: Pick<QueryResolvers, 'staleRateUsage'> = {
  staleRateUsage: async (_p, { from, to }, ctx) => {
    const usage = await staleRateUsage(
      ctx.firmFx,
      { userId: ctx.request.userId, integration: ctx.request.integration },
      from,
      to,
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
              availability: c.availability,
              unavailableCode: null,
              unavailableReason: null,
              entryCount: c.entries.length,
              truncated: c.truncated,
            }
          : {
              ...ref(c.client),
              availability: c.availability,
              unavailableCode: c.code,
              unavailableReason: c.reason,
              entryCount: null,
              truncated: null,
            },
      ),
      entries: usage.clients.flatMap((c) =>
        c.availability === 'AVAILABLE' ? c.entries.map((e) => ({ ...ref(c.client), ...e })) : [],
      ),
    };
  },
};
