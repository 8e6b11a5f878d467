import { control, pg, withDatabase } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Operations that hold a control-plane session for their whole run — backups, sandbox deletions —
 * asked for all at once through the gateway of `pnpm start`'s stack, whose services share one pool
 * of the production size (docs/architecture/backups.md, "Sessions of the control plane"). Each
 * backup is held inside its snapshot by a table lock the test owns, so the test knows they are all
 * under way at once without waiting for a clock; a stack that deadlocks fails the bounded waits
 * below instead of hanging the suite. And a request that finds the pool taken is refused with a
 * stable code once the pool's connection timeout has passed, instead of waiting for ever.
 */
const CLIENTS = ['cafe-boquete', 'ferreteria-colon', 'clinica-costa', 'logistica-canal', 'panaderia-valle'];
const SANDBOXES = ['arena-uno', 'arena-dos', 'arena-tres', 'arena-cuatro'];
/** Read late in a backup, after several parts are written (as backups-interrupted.e2e holds it). */
const HELD_TABLE = 'public.documents_history';
const REASON = 'The trial is over: this sandbox goes';

let t: TestStack;

beforeAll(async () => {
  // No worker: nothing but the test's requests uses the control-plane pool, so the test knows
  // when every connection of it is taken.
  t = await startTestStack({ worker: false });
  for (const slug of SANDBOXES) {
    const r = await t.as('admin')(
      'mutation P($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }',
      { input: { slug, name: `${slug} S.A.`, sandbox: true } },
    );
    expect(r.errors).toBeUndefined();
  }
});
afterAll(async () => {
  await t?.close();
});

/** `promise`, or a failure naming `what` once `ms` have passed: a deadlock fails, never hangs. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  await within(
    60_000,
    what,
    (async () => {
      while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
    })(),
  );
}

/** Hold `HELD_TABLE` of a client's database in ACCESS EXCLUSIVE mode: a backup's COPY of it waits. */
async function holdTable(slug: string) {
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, slug));
  const c = new pg.Client({ connectionString: withDatabase(t.controlAdminUrl, tenant!.databaseName) });
  await c.connect();
  await c.query('BEGIN');
  await c.query(`LOCK TABLE ${HELD_TABLE} IN ACCESS EXCLUSIVE MODE`);
  return {
    copyWaiting: async () =>
      ((await c.query('SELECT 1 FROM pg_locks WHERE relation = $1::regclass AND NOT granted', [HELD_TABLE]))
        .rowCount ?? 0) > 0,
    release: async () => {
      await c.query('ROLLBACK');
      await c.end();
    },
  };
}

describe('operations holding a control-plane session, all at once', () => {
  it('five backups and four sandbox deletions all finish, and the stack answers meanwhile', async () => {
    const holds = await Promise.all(CLIENTS.map(holdTable));
    const backups = CLIENTS.map((slug) =>
      t.as('admin')<{ backupClient: { status: string } }>(
        `mutation B($tenant: String!) { backupClient(tenant: $tenant) { id status } }`,
        { tenant: slug },
      ),
    );
    const deletions = SANDBOXES.map((slug) =>
      t.as('admin')<{ deleteSandboxClient: { slug: string } }>(
        `mutation D($tenant: String!, $reason: String!) { deleteSandboxClient(tenant: $tenant, reason: $reason) { slug } }`,
        { tenant: slug, reason: REASON },
      ),
    );
    // A stack that deadlocked fails the waits below; its answers then end with the stack.
    for (const answer of [...backups, ...deletions]) answer.catch(() => undefined);
    try {
      // Every backup is inside its snapshot, each holding its session, all at once.
      await until('all five backups in their snapshot', async () =>
        (await Promise.all(holds.map((h) => h.copyWaiting()))).every(Boolean),
      );
      // Meanwhile the stack answers: the firm's clients, one client's books, the health check. (Asked
      // by another person: the admin's nine operations fill the admin's own firm-level share of the
      // gateway's fetches, docs/architecture/gateway.md, "One client's share of the subgraphs".)
      const listed = await within(
        30_000,
        'tenantsConnection',
        t.as('senior')<{ tenantsConnection: { edges: unknown[] } }>(
          '{ tenantsConnection(first: 20) { edges { node { slug } } } }',
        ),
      );
      expect(listed.errors).toBeUndefined();
      expect(listed.data?.tenantsConnection.edges.length).toBeGreaterThanOrEqual(CLIENTS.length);
      const books = await within(
        30_000,
        'accounts',
        t.as('senior', 'cafe-boquete')<{ accounts: unknown[] }>('{ accounts { code } }'),
      );
      expect(books.errors).toBeUndefined();
      const health = await within(30_000, '/healthz', fetch(t.stack.healthUrl));
      expect(health.status).toBe(200);
    } finally {
      await Promise.all(holds.map((h) => h.release()));
    }
    const answers: GqlResult<Record<string, unknown>>[] = await within(
      120_000,
      'the backups and deletions',
      Promise.all([...backups, ...deletions]),
    );
    for (const r of answers) expect(codes(r)).toEqual([]);
    const rows = await t.stack.control.db.select().from(control.clientBackups);
    expect(rows.filter((b) => b.requestedBy !== null).map((b) => [b.tenantSlug, b.status])).toEqual(
      expect.arrayContaining(CLIENTS.map((slug) => [slug, 'COMPLETE'])),
    );
    const deleted = await t.stack.control.db
      .select({ slug: control.tenants.deletedSlug, status: control.tenants.status })
      .from(control.tenants)
      .where(eq(control.tenants.sandbox, true));
    expect(deleted).toEqual(expect.arrayContaining(SANDBOXES.map((slug) => ({ slug, status: 'DELETED' }))));
  });
});

describe('a control-plane pool with no connection free', () => {
  it('refuses a request with a stable code after its connection timeout, then answers again', async () => {
    const pool = t.stack.appControl.$client as pg.Pool;
    const held: pg.PoolClient[] = [];
    try {
      while (pool.totalCount < (pool.options.max ?? 10) || pool.idleCount > 0)
        held.push(await pool.connect());
      const refused = await within(
        60_000,
        'a request behind a taken pool',
        gql(t.stack.gatewayUrl, t.token('admin'), undefined, { allowInternal: true })('{ me { email } }'),
      );
      // The gateway's own read (503) or, with the caller's access still cached, the tenancy
      // subgraph's: the control plane unavailable either way, never a client's books.
      expect(codes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(refused)).not.toMatch(/client's books/);
    } finally {
      for (const c of held) c.release();
    }
    const again = await within(30_000, 'a request once the pool is free', t.as('admin')('{ me { email } }'));
    expect(again.errors).toBeUndefined();
  });
});
