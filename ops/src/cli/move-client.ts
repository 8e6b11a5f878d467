/**
 * `pnpm move-client <slug> --database <name> [--to <server>] [--operator <email>]`: point a client
 * at another database, on its server or another registered one, after the books were copied there
 * (the copying move comes with backups). Admin connection only; recorded in the firm's trail.
 */
import { createLogger } from '@cifra/context';
import { openControlPlane } from '../database-server.ts';
import { readEnv } from '../env.ts';
import { repointClient } from '../operator.ts';
import { operatorActor, parseArgs } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const slug = words[0];
if (!slug || !flags.database) {
  process.stderr.write(
    'usage: pnpm move-client <slug> --database <name> [--to <server>] [--operator <email>]\n',
  );
  process.exit(2);
}
const env = readEnv();
const opened = await openControlPlane({
  dataDir: env.dataDir,
  databaseUrl: env.DATABASE_URL,
  log: createLogger('cifra-move', 'warn'),
});
try {
  const moved = await repointClient(opened.control.db, operatorActor(flags, 'operator: move a client'), {
    slug,
    databaseName: flags.database,
    serverName: flags.to,
    secrets: { ...env.secrets, ...opened.control.serverSecrets },
  });
  process.stdout.write(
    `${slug}: ${moved.from.server}/${moved.from.database} -> ${moved.to.server}/${moved.to.database}\n`,
  );
} catch (err) {
  process.stderr.write(`move-client failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
