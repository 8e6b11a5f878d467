import { randomBytes } from 'node:crypto';
import {
  control,
  createDatabase,
  ensureAppLogin,
  opaqueDatabaseName,
  TENANT_DB_SECRET,
  withClient,
  withDatabase,
} from '@cifra/db';
import type { Stack } from '@cifra/ops';
import { eq } from 'drizzle-orm';

/**
 * Many clients quickly: each is `CREATE DATABASE … TEMPLATE` of an already provisioned client's
 * database (a migrated, seeded copy in ~20 ms) plus its row in the tenant directory, instead of a
 * full provisioning each time, each with its own application login as provisioning makes it.
 * The source client must not be in use while it is copied.
 */
export async function cloneClients(
  stack: Pick<Stack, 'control' | 'serviceSecrets'>,
  serverAdminUrl: string,
  sourceSlug: string,
  count: number,
  prefix = 'clone',
): Promise<{ id: string; slug: string; databaseName: string }[]> {
  const db = stack.control.db;
  const secret = stack.serviceSecrets[TENANT_DB_SECRET];
  if (!secret) throw new Error(`${TENANT_DB_SECRET} is not among the stack's secrets`);
  const [source] = await db.select().from(control.tenants).where(eq(control.tenants.slug, sourceSlug));
  if (!source) throw new Error(`no client ${sourceSlug}`);
  // A template database must have no other sessions (a worker's close board projector may open one
  // at any time: the copy is retried after closing them again).
  const closeSessions = () =>
    withClient(withDatabase(serverAdminUrl, 'postgres'), (c) =>
      c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [source.databaseName],
      ),
    );
  const copy = async (databaseName: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await createDatabase(serverAdminUrl, databaseName, source.databaseName);
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await closeSessions();
      }
    }
  };
  await closeSessions();
  const run = randomBytes(3).toString('hex');
  const made = [];
  for (let i = 0; i < count; i++) {
    const slug = `${prefix}-${run}-${String(i).padStart(4, '0')}`;
    const databaseName = opaqueDatabaseName();
    await copy(databaseName);
    await ensureAppLogin(serverAdminUrl, databaseName, secret);
    const [row] = await db
      .insert(control.tenants)
      .values({
        firmId: source.firmId,
        slug,
        name: `Clone ${run} ${String(i).padStart(4, '0')}`,
        region: source.region,
        baseCurrency: source.baseCurrency,
        timezone: source.timezone,
        serverId: source.serverId,
        databaseName,
        status: 'ACTIVE',
      })
      .returning();
    made.push({ id: row!.id, slug, databaseName });
  }
  return made;
}

/** Count rows in a client's own database, as the owner. */
export async function countInClient(
  serverAdminUrl: string,
  databaseName: string,
  query: string,
  params: unknown[] = [],
): Promise<number> {
  return withClient(withDatabase(serverAdminUrl, databaseName), async (c) => {
    const r = await c.query(query, params);
    return Number(r.rows[0]?.n ?? 0);
  });
}
