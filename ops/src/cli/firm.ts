/**
 * `pnpm firm create --name <name> --admin <email> [--slug <slug>] [--operator <email>]`: a new
 * firm and its first FirmAdmin, with the admin connection (stop `pnpm start` first when it uses
 * the embedded server, as for `pnpm migrate`), recorded in the firm's trail.
 */
import { createLogger } from '@cifra/context';
import { openControlPlane } from '../database-server.ts';
import { readEnv } from '../env.ts';
import { createFirm } from '../operator.ts';
import { operatorActor, parseArgs } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
if (words[0] !== 'create' || !flags.name || !flags.admin) {
  process.stderr.write(
    'usage: pnpm firm create --name <name> --admin <email> [--slug <slug>] [--operator <email>]\n',
  );
  process.exit(2);
}
const env = readEnv();
const opened = await openControlPlane({
  dataDir: env.dataDir,
  databaseUrl: env.DATABASE_URL,
  log: createLogger('cifra-firm', 'warn'),
});
try {
  const firm = await createFirm(opened.control.db, operatorActor(flags, 'operator: create a firm'), {
    name: flags.name,
    slug: flags.slug,
    adminEmail: flags.admin,
  });
  process.stdout.write(`firm ${firm.slug} created (${firm.firmId}); ${flags.admin} is its FirmAdmin\n`);
} catch (err) {
  process.stderr.write(`firm create failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
