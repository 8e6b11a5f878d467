/**
 * `pnpm restore <backup-id> --as <new-slug> [--to <server>] [--operator <email>]`: restore a
 * client backup as a new client of the backup's firm, on the named registered server or the one
 * holding the fewest clients, and verify it (docs/architecture/backups.md). Admin connection;
 * recorded in the firm's trail.
 */
import { firmOfBackup, keyringFromSecrets, restoreClient } from '@cifra/backups';
import { backupDirOf, backupS3Of } from '../env.ts';
import { backupStoreOf } from '../services.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const backupId = words[0];
if (!backupId || !flags.as) {
  process.stderr.write(
    'usage: pnpm restore <backup-id> --as <new-slug> [--to <server>] [--operator <email>]\n',
  );
  process.exit(2);
}
await withAdminControlPlane('restore', async (opened, env) => {
  const secrets = opened.serviceSecrets(env.secrets);
  const deps = {
    control: opened.control.db,
    secrets,
    keys: keyringFromSecrets(secrets),
    store: backupStoreOf({ backupDir: backupDirOf(env), backupS3: backupS3Of(env) }),
  };
  const firmId = await firmOfBackup(deps.control, backupId);
  const restored = await restoreClient(
    deps,
    operatorActor(flags, 'operator: restore a client backup'),
    firmId,
    backupId,
    flags.as as string,
    { serverName: flags.to },
  );
  process.stdout.write(`${backupId} -> ${restored.slug}: restored and verified\n`);
});
