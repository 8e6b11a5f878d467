/**
 * `pnpm console-versions list`: the console manifest versions the gateways have registered, oldest
 * first, live or retired, with their documents. `pnpm console-versions retire <version>
 * [--operator <email>]`: refuse that build's documents from then on (a tab still running it must be
 * reloaded onto the served build), recorded in the trail. Admin connection, beside running services (docs/console.md).
 */
import { listConsoleVersions } from '@cifra/db';
import { retireConsoleVersion } from '../operator.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const [verb, version] = words;
if (!(verb === 'list' || (verb === 'retire' && version))) {
  process.stderr.write(
    'usage: pnpm console-versions list\n       pnpm console-versions retire <version> [--operator <email>]\n',
  );
  process.exit(2);
}
await withAdminControlPlane('console-versions', async (opened) => {
  const db = opened.control.db;
  if (verb === 'list') {
    for (const v of await listConsoleVersions(db))
      process.stdout.write(
        `${v.version}\tregistered ${v.registeredAt.toISOString()}\t${v.retiredAt ? `retired ${v.retiredAt.toISOString()}` : 'live'}\t${v.documents} documents\n`,
      );
    return;
  }
  const retired = await retireConsoleVersion(
    db,
    operatorActor(flags, 'operator: retire a console version'),
    version as string,
  );
  process.stdout.write(`console version ${retired.version} retired at ${retired.retiredAt.toISOString()}\n`);
});
