/**
 * A restore drill in a process of its own that stops for good once its scratch database exists
 * (printing the database's name), for a test to kill it there: `node --import tsx
 * test/support/drill-child.ts <backup-id>` with DATA_DIR and DATABASE_URL of the stack, as the
 * operator commands take them.
 */
import { directoryBackupStore, drillBackup, keyringFromSecrets } from '@cifra/backups';
import { withAdminControlPlane } from '../../ops/src/cli/operator-args.ts';
import { backupDirOf } from '../../ops/src/env.ts';

const backupId = process.argv[2] as string;
await withAdminControlPlane('drill-child', async (opened, env) => {
  const secrets = opened.serviceSecrets(env.secrets);
  const deps = {
    control: opened.control.db,
    secrets,
    keys: keyringFromSecrets(secrets),
    store: directoryBackupStore(backupDirOf(env)),
  };
  await drillBackup(deps, { userId: null, email: 'child@drill', reason: 'killed drill test' }, backupId, {
    scratchCreated: async (name) => {
      process.stdout.write(`${name}\n`);
      // Here for good, until killed.
      setInterval(() => undefined, 60_000);
      await new Promise(() => undefined);
    },
  });
});
