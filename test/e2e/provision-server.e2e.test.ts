import { control } from '@cifra/db';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * `provisionTenant(input: { server })` places a new client on a named registered server
 * (docs/architecture/backups.md, "Moving a client to another server"); an unknown server and one
 * that takes no new clients are refused with their codes and leave nothing behind. The test server
 * is registered twice more (`spare`, accepting; `full`, not): a server is a directory row.
 */
let t: TestStack;
let servers: Record<string, string>;

const PROVISION = `mutation P($input: ProvisionTenantInput!) { provisionTenant(input: $input) { id slug status } }`;

beforeAll(async () => {
  t = await startTestStack();
  const [first] = await t.stack.control.db.select().from(control.dbServers);
  await t.stack.control.db.insert(control.dbServers).values([
    { name: 'spare', adminUrl: first!.adminUrl, acceptsNewTenants: true },
    { name: 'full', adminUrl: first!.adminUrl, acceptsNewTenants: false },
  ]);
  const rows = await t.stack.control.db.select().from(control.dbServers);
  servers = Object.fromEntries(rows.map((s) => [s.name, s.id]));
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const provision = (input: Record<string, unknown>) =>
  t.as('admin')<{ provisionTenant: { id: string; slug: string; status: string } }>(PROVISION, { input });
const tenantRow = async (slug: string) =>
  (await t.stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug)))[0];
const attempts = async (slug: string) =>
  t.stack.control.db
    .select()
    .from(control.controlAuditEvents)
    .where(
      and(
        like(control.controlAuditEvents.action, 'tenant.provisioning%'),
        eq(control.controlAuditEvents.entityType, 'Tenant'),
      ),
    )
    .then((rows) => rows.filter((r) => JSON.stringify(r.after ?? r.before).includes(slug)));

describe('provisionTenant with a named server', () => {
  it('places the client on that server, where its books answer through the gateway', async () => {
    // The default server already holds the demo clients: `spare` would win "fewest" anyway, so name the other.
    const [defaultServer] = Object.entries(servers).filter(([n]) => n !== 'spare' && n !== 'full');
    const named = defaultServer![0];
    const r = await provision({ slug: 'en-el-primero', name: 'En el primero, S.A.', server: named });
    expect(r.errors).toBeUndefined();
    expect(r.data?.provisionTenant.status).toBe('ACTIVE');
    expect((await tenantRow('en-el-primero'))?.serverId).toBe(servers[named]);

    const s = await provision({ slug: 'en-el-spare', name: 'En el spare, S.A.', server: 'spare' });
    expect(s.errors).toBeUndefined();
    expect((await tenantRow('en-el-spare'))?.serverId).toBe(servers.spare);
    const posted = await t.as('senior', 'en-el-spare')<{ postJournalEntry: { id: string } }>(
      'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
      {
        input: {
          postingDate: `${provisionedYear()}-01-15`,
          memo: 'on the spare server',
          lines: [
            { accountCode: '1110', debit: '1.00' },
            { accountCode: '4101', credit: '1.00' },
          ],
        },
      },
    );
    expect(posted.errors).toBeUndefined();
    // The provisioning is in the trail with the server it chose.
    const started = (await attempts('en-el-spare')).find((e) => e.action === 'tenant.provisioning_started');
    expect(started?.after).toMatchObject({ server: 'spare' });
  });

  it('refuses an unknown server and one taking no new clients, creating nothing', async () => {
    const unknown = await provision({ slug: 'sin-servidor', name: 'Sin servidor', server: 'nowhere' });
    expect(codes(unknown)).toEqual(['SERVER_UNKNOWN']);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ field: 'server' });
    const closed = await provision({ slug: 'servidor-lleno', name: 'Servidor lleno', server: 'full' });
    expect(codes(closed)).toEqual(['SERVER_NOT_ACCEPTING']);
    for (const slug of ['sin-servidor', 'servidor-lleno']) {
      expect(await tenantRow(slug)).toBeUndefined();
      expect(await attempts(slug)).toEqual([]);
    }
    // Hostile names are only names: nothing matches them.
    for (const server of ["full' OR '1'='1", 'FULL', ' spare\u0000']) {
      const r = await provision({ slug: 'nombre-raro', name: 'Nombre raro', server });
      expect(codes(r)).toEqual([expect.stringMatching(/^(SERVER_UNKNOWN|BAD_USER_INPUT)$/)]);
    }
    expect(codes(await provision({ slug: 'nombre-vacio', name: 'Nombre vacio', server: '  ' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await tenantRow('nombre-raro')).toBeUndefined();
  });

  it('binds the server to an idempotency key: the same key naming another server is refused', async () => {
    const input = { slug: 'con-clave', name: 'Con clave', server: 'spare', idempotencyKey: 'srv-key-1' };
    const first = await provision(input);
    expect(first.errors).toBeUndefined();
    const again = await provision(input);
    expect(again.data?.provisionTenant.id).toBe(first.data?.provisionTenant.id);
    const [defaultName] = Object.keys(servers).filter((n) => n !== 'spare' && n !== 'full');
    expect(codes(await provision({ ...input, server: defaultName }))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });
});
