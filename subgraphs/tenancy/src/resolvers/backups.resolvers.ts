import { expiresAt } from '@cifra/backups';
import type {
  BackupLegalHoldResolvers,
  ClientBackupResolvers,
  MutationResolvers,
  QueryResolvers,
  RestoreInPlaceRequestResolvers,
} from '../__generated__/resolvers.ts';
import { clientManagerOf } from '../context.ts';
import {
  approveInPlace,
  backupOf,
  backupTenant,
  changeLegalHold,
  legalHoldOf,
  listBackups,
  pageRestoreRequests,
  requestInPlace,
  restoreTenant,
  withdrawInPlace,
} from '../services/backups.service.ts';

export const backupQueries: Pick<QueryResolvers, 'backups' | 'backupLegalHold' | 'restoreInPlaceRequests'> = {
  backups: (_p, { tenant, limit }, ctx) =>
    listBackups(ctx.control, clientManagerOf(ctx), tenant, limit ?? 50),
  backupLegalHold: (_p, { tenant }, ctx) => legalHoldOf(ctx.control, clientManagerOf(ctx), tenant),
  restoreInPlaceRequests: (_p, args, ctx) =>
    pageRestoreRequests(ctx.control, ctx.backups, clientManagerOf(ctx), args),
};

export const backupMutations: Pick<
  MutationResolvers,
  | 'backupClient'
  | 'restoreClient'
  | 'setBackupLegalHold'
  | 'releaseBackupLegalHold'
  | 'requestRestoreInPlace'
  | 'approveRestoreInPlace'
  | 'withdrawRestoreInPlace'
> = {
  requestRestoreInPlace: (_p, { backupId, reason }, ctx) =>
    requestInPlace(ctx.control, clientManagerOf(ctx), backupId, reason),
  approveRestoreInPlace: (_p, { requestId }, ctx) =>
    approveInPlace(ctx.control, ctx.backups, clientManagerOf(ctx), requestId),
  withdrawRestoreInPlace: (_p, { requestId, reason }, ctx) =>
    withdrawInPlace(ctx.control, ctx.backups, clientManagerOf(ctx), requestId, reason),
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

export const RestoreInPlaceRequest: RestoreInPlaceRequestResolvers = {
  replacedKeptUntil: (r) => (r.status === 'RESTORED' ? r.keepUntil : null),
  backup: (r, _a, ctx) => r.backupRow ?? backupOf(ctx.control, r.backupId),
  expiresAt: (r, _a, ctx) =>
    r.status === 'PENDING'
      ? expiresAt(r.requestedAt, r.expiresAfterHours ?? ctx.backups?.requestExpiresHours)
      : null,
};

export const BackupLegalHold: BackupLegalHoldResolvers = {
  active: (h) => h.releasedAt === null,
};
