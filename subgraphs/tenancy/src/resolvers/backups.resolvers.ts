import type { ClientBackupResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import { clientManagerOf } from '../context.ts';
import { backupTenant, listBackups, restoreTenant } from '../services/backups.service.ts';

export const backupQueries: Pick<QueryResolvers, 'backups'> = {
  backups: (_p, { tenant, limit }, ctx) =>
    listBackups(ctx.control, clientManagerOf(ctx), tenant, limit ?? 50),
};

export const backupMutations: Pick<MutationResolvers, 'backupClient' | 'restoreClient'> = {
  backupClient: (_p, { tenant }, ctx) => backupTenant(ctx.control, ctx.backups, clientManagerOf(ctx), tenant),
  restoreClient: (_p, { backupId, asSlug }, ctx) =>
    restoreTenant(ctx.control, ctx.backups, clientManagerOf(ctx), backupId, asSlug),
};

export const ClientBackup: ClientBackupResolvers = {
  server: (b) => b.serverName,
  sizeBytes: (b) => (b.sizeBytes === null ? null : b.sizeBytes.toString()),
  verified: (b) => b.verifiedAt !== null,
};
