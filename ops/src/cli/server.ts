/**
 * `pnpm server add <name> <admin-url> [--new-clients no] [--operator <email>]`: register a
 * PostgreSQL server clients may live on; its password kept as a `${NAME}` secret, never in the
 * directory (ops/src/server-registry.ts). `pnpm server list`: the registered servers and how many
 * clients each holds. Admin connection only; `add` is recorded in the trail.
 */
import { control, withoutCredentials } from '@cifra/db';
import { count, eq } from 'drizzle-orm';
import { addServer } from '../server-registry.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
const [verb, name, adminUrl] = words;
if (!(verb === 'list' || (verb === 'add' && name && adminUrl))) {
  process.stderr.write(
    'usage: pnpm server add <name> <admin-url> [--new-clients no] [--operator <email>]\n' +
      '       pnpm server list\n',
  );
  process.exit(2);
}
await withAdminControlPlane('server', async (opened, env) => {
  const db = opened.control.db;
  if (verb === 'list') {
    const rows = await db
      .select({ server: control.dbServers, clients: count(control.tenants.id) })
      .from(control.dbServers)
      .leftJoin(control.tenants, eq(control.tenants.serverId, control.dbServers.id))
      .groupBy(control.dbServers.id)
      .orderBy(control.dbServers.name);
    for (const { server, clients } of rows)
      process.stdout.write(
        `${server.name}\t${withoutCredentials(server.adminUrl)}\t${clients} clients\t${server.acceptsNewTenants ? 'accepts new clients' : 'no new clients'}\n`,
      );
    return;
  }
  const added = await addServer(db, operatorActor(flags, 'operator: register a database server'), {
    name: name as string,
    adminUrl: adminUrl as string,
    acceptsNewTenants: flags['new-clients'] !== 'no',
    secrets: opened.serviceSecrets(env.secrets),
  });
  process.stdout.write(
    `${added.name}: registered (${withoutCredentials(added.adminUrl)})\n` +
      (added.secret
        ? `give every service that provisions, migrates or moves clients (pnpm start, serve, worker, migrate, move-client) ${added.secret} in its environment\n`
        : ''),
  );
});
