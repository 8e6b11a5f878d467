/**
 * `pnpm move-client <slug> --to <server> [--operator <email>]`: move a client's books to another
 * registered server — read-only during the copy, backed up, restored there and verified, the
 * directory switched, the old database kept read-only RESTORE_KEEP_REPLACED_DAYS
 * (docs/architecture/backups.md, "Moving a client").
 *
 * `pnpm move-client <slug> --database <name> [--to <server>]`: only point a client at a database
 * copied there by other means (no copy, no verification).
 * Admin connection only; recorded in the firm's trail.
 */
import { keyringFromSecrets, moveClient } from '@cifra/backups';
import { backupDirOf, backupS3Of } from '../env.ts';
import { repointClient } from '../operator.ts';
import { backupStoreOf } from '../services.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const slug = words[0];
if (!slug || (!flags.database && !flags.to)) {
  process.stderr.write(
    'usage: pnpm move-client <slug> --to <server> [--operator <email>]\n' +
      '       pnpm move-client <slug> --database <name> [--to <server>] [--operator <email>]\n',
  );
  process.exit(2);
}
await withAdminControlPlane('move-client', async (opened, env) => {
  const secrets = opened.serviceSecrets(env.secrets);
  const actor = operatorActor(flags, 'operator: move a client');
  const moved = flags.database
    ? await repointClient(opened.control.db, actor, {
        slug,
        databaseName: flags.database,
        serverName: flags.to,
        secrets,
      })
    : await moveClient(
        {
          control: opened.control.db,
          secrets,
          keys: keyringFromSecrets(secrets),
          store: backupStoreOf({ backupDir: backupDirOf(env), backupS3: backupS3Of(env) }),
          keepReplacedDays: env.RESTORE_KEEP_REPLACED_DAYS,
        },
        actor,
        slug,
        flags.to as string,
      );
  process.stdout.write(
    `${slug}: ${moved.from.server}/${moved.from.database} -> ${moved.to.server}/${moved.to.database}` +
      ('keepUntil' in moved
        ? ` (verified; the old database kept read-only until ${(moved.keepUntil as Date).toISOString()})`
        : '') +
      '\n',
  );
});
