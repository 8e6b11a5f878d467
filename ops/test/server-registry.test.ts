import { randomBytes } from 'node:crypto';
import { pickServer } from '@cifra/backups';
import { type ControlDb, control, controlDb, passwordOf, pg, resolveSecrets, withClient } from '@cifra/db';
import { createTestControlDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addServer } from '../src/server-registry.ts';

/** `pnpm server add` (ops/src/server-registry.ts) against the real test server. */
let controlDatabase: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
const operator = { userId: null, email: 'ops@operator', reason: 'operator test' };
const weak = `cifra_weak_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  await withClient(testServerUrl(), (c) => c.query(`CREATE ROLE ${weak} LOGIN PASSWORD 'weak'`));
});
afterAll(async () => {
  await pool.end();
  await withClient(testServerUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${weak}`));
  await controlDatabase.drop();
});

/** `${NAME}`, written so that no string looks like a mistaken template. */
const placeholder = (name: string) => `$${'{'}${name}}`;
const servers = () => db.select().from(control.dbServers);
const events = () =>
  db.select().from(control.controlAuditEvents).where(eq(control.controlAuditEvents.action, 'server.added'));

describe('pnpm server add', () => {
  it('refuses a bad name, a URL that is not postgres://, a server that does not answer, an admin who cannot create databases, and an unset secret: nothing registered', async () => {
    const add = (name: string, adminUrl: string, secrets = {}) =>
      addServer(db, operator, { name, adminUrl, secrets });
    await expect(add('Second Server', testServerUrl())).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(add('second', 'https://example.com/x')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(add('second', 'not a url')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(add('dead', 'postgres://nobody:nothing@127.0.0.1:1/postgres')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const asWeak = new URL(testServerUrl());
    asWeak.username = weak;
    asWeak.password = 'weak';
    await expect(add('weak', asWeak.toString())).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const named = new URL(testServerUrl());
    named.password = 'x';
    const withPlaceholder = named.toString().replace(':x@', `:${placeholder('SECOND_PG_PASSWORD')}@`);
    await expect(add('second', withPlaceholder)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await servers()).toEqual([]);
    expect(await events()).toEqual([]);
  });

  it('keeps a password given in clear as a named secret, never in the directory; one already named is stored as given', async () => {
    const password = passwordOf(testServerUrl())!;
    const added = await addServer(db, operator, { name: 'second', adminUrl: testServerUrl(), secrets: {} });
    expect(added.secret).toBe('CIFRA_SERVER_SECOND_PASSWORD');
    const [row] = await servers();
    expect(row!.adminUrl).toContain(placeholder('CIFRA_SERVER_SECOND_PASSWORD'));
    expect(row!.adminUrl).not.toContain(encodeURIComponent(password));
    expect(row!.acceptsNewTenants).toBe(true);
    // With the secret, the stored URL reaches the server as its admin.
    const resolved = resolveSecrets(row!.adminUrl, { CIFRA_SERVER_SECOND_PASSWORD: password });
    expect(await withClient(resolved, async (c) => (await c.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
    expect(await events()).toEqual([
      expect.objectContaining({ actorEmail: 'ops@operator', entityId: row!.id }),
    ]);
    expect(JSON.stringify((await events()).map((e) => e.after))).not.toContain(encodeURIComponent(password));

    const u = new URL(testServerUrl());
    u.password = 'x';
    const named = u.toString().replace(':x@', `:${placeholder('THIRD_PG_PASSWORD')}@`);
    const third = await addServer(db, operator, {
      name: 'third',
      adminUrl: named,
      acceptsNewTenants: false,
      secrets: { THIRD_PG_PASSWORD: password },
    });
    expect(third).toMatchObject({ adminUrl: named, secret: 'THIRD_PG_PASSWORD' });
    await expect(
      addServer(db, operator, { name: 'second', adminUrl: testServerUrl(), secrets: {} }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('new clients go to the server accepting them that holds the fewest, unless one is named', async () => {
    await addServer(db, operator, { name: 'fourth', adminUrl: testServerUrl(), secrets: {} });
    const [firm] = await db.insert(control.firms).values({ slug: 'f', name: 'F' }).returning();
    const [second] = await db.select().from(control.dbServers).where(eq(control.dbServers.name, 'second'));
    await db.insert(control.tenants).values({
      firmId: firm!.id,
      slug: 'on-second',
      name: 'On second',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: second!.id,
      databaseName: 'cifra_c_000000000000000000000001',
      status: 'ACTIVE',
    });
    // `third` holds none but accepts no new clients; `second` holds one.
    expect((await pickServer(db, undefined)).name).toBe('fourth');
    expect((await pickServer(db, 'third')).name).toBe('third');
    await expect(pickServer(db, 'nowhere')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
