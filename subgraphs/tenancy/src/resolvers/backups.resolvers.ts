import type {
  BackupLegalHoldResolvers,
  ClientBackupResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers.ts';
import { clientManagerOf } from '../context.ts';
import {
  backupTenant,
  changeLegalHold,
  legalHoldOf,
  listBackups,
  restoreTenant,
} from '../services/backups.service.ts';

export const backupQueries: Pick<QueryResolvers, 'backups' | 'backupLegalHold'> = {
  backups: (_p, { tenant, limit }, ctx) =>
    listBackups(ctx.control, clientManagerOf(ctx), tenant, limit ?? 50),
  backupLegalHold: (_p, { tenant }, ctx) => legalHoldOf(ctx.control, clientManagerOf(ctx), tenant),
};

export const backupMutations: Pick<
  MutationResolvers,
  'backupClient' | 'restoreClient' | 'setBackupLegalHold' | 'releaseBackupLegalHold'
> = {
  setBackupLegalHold: (_p, { tenant, reason }, ctx) =>
    changeLegalHold(ctx.control, clientManagerOf(ctx), tenant, reason, 'set'),
  releaseBackupLegalHold: (_p, { tenant, reason }, ctx) =>
    changeLegalHold(ctx.control, clientManagerOf(ctx), tenant, reason, 'release'),
  backupClient: (_p, { tenant }, ctx) => backupTenant(ctx.control, ctx.backups, clientManagerOf(ctx), tenant),
  restoreClient: (_p, { backupId, asSlug }, ctx) =>
    restoreTenant(ctx.control, ctx.backups, clientManagerOf(ctx), backupId, asSlug),
};

export const ClientBackup: ClientBackupResolvers = {
  server: (b) => b.serverName,
  sizeBytes: (b) => (b.sizeBytes === null ? null : b.sizeBytes.toString()),
  verified: (b) => b.verifiedAt !== null,
};

export const BackupLegalHold: BackupLegalHoldResolvers = {
  active: (h) => h.releasedAt === null,
};
