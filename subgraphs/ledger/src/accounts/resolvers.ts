import { parseId } from '@cifra/domain';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { booksOf } from '../services/books.ts';
import { bindAccountRole } from './bind-role.ts';
import { createAccount, deactivateAccount, updateAccount } from './maintain.ts';

export const accountMutations: Pick<
  MutationResolvers,
  'createAccount' | 'updateAccount' | 'deactivateAccount' | 'bindAccountRole'
> = {
  createAccount: async (_p, { input }, ctx) => createAccount(await booksOf(ctx), input),
  updateAccount: async (_p, { id, input }, ctx) => updateAccount(await booksOf(ctx), parseId(id), input),
  deactivateAccount: async (_p, { id }, ctx) => deactivateAccount(await booksOf(ctx), parseId(id)),
  bindAccountRole: async (_p, { role, accountCode }, ctx) =>
    bindAccountRole(await booksOf(ctx), role, accountCode),
};
