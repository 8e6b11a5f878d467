import { control, controlDb, DEFAULT_FAN_OUT, pg, TenantRegistry } from '@cifra/db';
import { Permissions } from '@cifra/permissions';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { clientPeriodPort } from '../src/services/client-period.ts';
import type { FirmViewDeps, VisibleClient } from '../src/services/close-board.service.ts';
import { type Books, openBooks } from './support.ts';

/**
 * A firm of a few clients for the close board's read model: a control plane listing them on the
 * test server, a second server that is not there (a client moved to it is a client whose server
 * died), a senior of the firm, and a registry small enough that its pools are evicted.
 */
export interface BoardFirm {
  /** The control plane as its admin (the worker's jobs run on it too). */
  controlPool: pg.Pool;
  deps: FirmViewDeps;
  registry: TenantRegistry;
  clients: { id: string; books: Books; visible: VisibleClient }[];
  firmSenior: { userId: string; email: string };
  /** Point a client at the live server or the dead one (the registry forgets where it was). */
  moveTo(client: { id: string }, where: 'live' | 'dead'): Promise<void>;
  close(): Promise<void>;
}

export async function openBoardFirm(slugs: string[]): Promise<BoardFirm> {
  const controlHandle: TestDatabase = await createTestControlDatabase();
  const controlPool = new pg.Pool({ connectionString: controlHandle.adminUrl, max: 4 });
  const db = controlDb(controlPool);
  const [firm] = await db.insert(control.firms).values({ slug: 'f', name: 'F' }).returning();
  const [live] = await db
    .insert(control.dbServers)
    .values({ name: 'live', adminUrl: testServerUrl() })
    .returning();
  const [dead] = await db
    .insert(control.dbServers)
    .values({
      name: 'dead',
      adminUrl: 'postgres://nobody:nothing@127.0.0.1:1/postgres',
      acceptsNewTenants: false,
    })
    .returning();
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const clients: BoardFirm['clients'] = [];
  for (const slug of slugs) {
    const books = await openBooks([2026]);
    const [row] = await db
      .insert(control.tenants)
      .values({
        firmId: firm!.id,
        slug,
        name: slug,
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: live!.id,
        databaseName: books.db.name,
        status: 'ACTIVE',
      })
      .returning();
    const visible: VisibleClient = {
      id: row!.id,
      slug,
      name: slug,
      timezone: 'America/Panama',
      sandbox: false,
      archived: false,
      permissions: [Permissions.Period.Read],
    };
    clients.push({ id: row!.id, books, visible });
  }
  const [user] = await db
    .insert(control.users)
    .values({ email: 'senior@f.test', displayName: 'S' })
    .returning();
  await db.insert(control.firmMemberships).values({ firmId: firm!.id, userId: user!.id, firmRole: 'Senior' });
  const registry = new TenantRegistry({ control: db, secrets: testServiceSecrets, maxPools: 3, poolSize: 1 });
  const deps = {
    control: db,
    registry,
    port: clientPeriodPort,
    fanOut: { ...DEFAULT_FAN_OUT, concurrency: 2 },
  };
  return {
    controlPool,
    deps,
    registry,
    clients,
    firmSenior: { userId: user!.id, email: 'senior@f.test' },
    async moveTo(client, where) {
      const serverId = (where === 'live' ? live : dead)!.id;
      await db.update(control.tenants).set({ serverId }).where(eq(control.tenants.id, client.id));
      registry.forget(client.id);
    },
    async close() {
      await registry.close();
      await controlPool.end();
      for (const c of clients) await c.books.close();
      await controlHandle.drop();
    },
  };
}
