import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { investigate } from '../services/investigate.service.ts';

export const Mutation: MutationResolvers = {
  investigate: (_p, { sql, maxRows }, ctx) => investigate(ctx, { sql, maxRows }),
};
