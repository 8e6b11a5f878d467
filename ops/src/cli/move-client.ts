/**
 * `pnpm move-client <slug> --database <name> [--to <server>] [--operator <email>]`: point a client
 * at another database, on its server or another registered one, after the books were copied there
 * (the copying move comes with backups). Admin connection only; recorded in the firm's trail.
 */
import { repointClient } from '../operator.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const slug = words[0];
if (!slug || !flags.database) {
  process.stderr.write(
    'usage: pnpm move-client <slug> --database <name> [--to <server>] [--operator <email>]\n',
  );
  process.exit(2);
}
await withAdminControlPlane('move-client', async (opened, env) => {
  const moved = await repointClient(opened.control.db, operatorActor(flags, 'operator: move a client'), {
    slug,
    databaseName: flags.database as string,
    serverName: flags.to,
    secrets: opened.serviceSecrets(env.secrets),
  });
  process.stdout.write(
    `${slug}: ${moved.from.server}/${moved.from.database} -> ${moved.to.server}/${moved.to.database}\n`,
  );
});
